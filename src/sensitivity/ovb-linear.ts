/**
 * Omitted-variable-bias sensitivity of a linear regression's treatment coefficient, as R's sensemakr
 * reports it (Cinelli & Hazlett 2020, "Making sense of sensitivity", JRSS-B 82(1)): the partial R² of the
 * treatment with the outcome, the robustness values RV_q and RV_{q,α}, bounds on a confounder k times as
 * strong as a benchmark covariate (or group of one-hot columns), the estimate, standard error and interval
 * adjusted for each bound, and the adjusted estimate over a grid of partial R² for the contour figure.
 *
 * The regression is the one g-computation with a linear outcome fits (Y ~ A + X, src/estimate/kinds/gcomp.ts),
 * so its A coefficient is that estimator's point estimate. Like sensemakr it uses the classical OLS
 * standard error and residual degrees of freedom; the cluster-robust interval the estimator reports is
 * wider when rows of a user are correlated, which the report says. Golden values: test/golden/sensitivity.
 */
import { columnsOf } from '../estimate/learners.js';
import { fitLinear, predictLinear } from '../estimate/linear.js';
import { invertSymmetric } from '../estimate/linalg.js';
import type { AnalysisFrame } from '../estimate/types.js';
import { studentTQuantile } from './distributions.js';
import type { OvbBenchmarkRow, OvbLinearResult } from '../results/index.js';
export type { OvbBenchmarkRow, OvbLinearResult };

interface OlsFit { coef: Float64Array; se: Float64Array; rss: number; dof: number }

/** OLS with intercept and classical SEs (R's lm); aliased columns must be dropped by the caller. */
function ols(cols: Float64Array[], names: string[], y: Float64Array): OlsFit & { aliased: string[] } {
  const fit = fitLinear(cols, names, y);
  const p = cols.length;
  const pred = predictLinear(fit, cols, y.length);
  let rss = 0;
  for (let i = 0; i < y.length; i++) rss += (y[i] - pred[i]) ** 2;
  const dof = y.length - fit.rank - 1;
  const inv = fit.rank === p ? invertSymmetric(fit.gram, p) : null;
  const sigma2 = rss / dof;
  const se = new Float64Array(p).fill(NaN);
  if (inv) for (let j = 0; j < p; j++) se[j] = Math.sqrt(sigma2 * inv[j * p + j]);
  return { coef: fit.coef.subarray(1), se, rss, dof, aliased: fit.aliased };
}

function rss(cols: Float64Array[], names: string[], y: Float64Array): number {
  return ols(cols, names, y).rss;
}

/** RV_{q,α} as sensemakr's robustness_value (alpha = 1 gives RV_q), with its extreme-value branch. */
export function robustnessValue(t: number, dof: number, q = 1, alpha = 1): number {
  const fq = q * Math.abs(t / Math.sqrt(dof));
  const fCrit = alpha >= 1 ? 0 : Math.abs(studentTQuantile(alpha / 2, dof - 1)) / Math.sqrt(dof - 1);
  const fqa = fq - fCrit;
  if (fqa < 0) return 0;
  if (fqa > 0 && fq > 1 / fCrit) {
    // the constraint on R²_{Y~Z|D,X} does not bind: the extreme robustness value
    const f1 = fq * fq, f2 = fCrit * fCrit;
    return f1 <= f2 ? 0 : (f1 - f2) / (1 + f1);
  }
  return 2 / (1 + Math.sqrt(1 + 4 / (fqa * fqa)));
}

/**
 * sensemakr's adjusted estimate, se and interval for given partial R² of a confounder. The interval uses
 * the t quantile with the regression's residual dof, as sensemakr's bounds table (ovb_bounds.lm) does;
 * its standalone adjusted_ci uses dof − 1.
 */
export function adjustedEffect(estimate: number, se: number, dof: number, r2dz: number, r2yz: number, alpha: number) {
  const bf = Math.sqrt((r2yz * r2dz) / (1 - r2dz));
  const bias = bf * se * Math.sqrt(dof);
  const adjEst = Math.sign(estimate || 1) * (Math.abs(estimate) - bias);
  const adjSe = (Math.sqrt(1 - r2yz) / Math.sqrt(1 - r2dz)) * se * Math.sqrt(dof / (dof - 1));
  const tCrit = studentTQuantile(1 - alpha / 2, dof);
  return { estimate: adjEst, se: adjSe, t: adjSe > 0 ? adjEst / adjSe : null, lower: adjEst - tCrit * adjSe, upper: adjEst + tCrit * adjSe };
}

/** sensemakr's ovb_partial_r2_bound: a confounder kd (ky) times as strong as the benchmark; null when impossible. */
export function benchmarkBound(r2dxj: number, r2yxj: number, kd: number, ky: number): { r2dz: number; r2yz: number; capped: boolean } | null {
  const r2dz = (kd * r2dxj) / (1 - r2dxj);
  if (r2dz >= 1) return null;
  const r2zxj = (kd * r2dxj * r2dxj) / ((1 - kd * r2dxj) * (1 - r2dxj));
  if (r2zxj >= 1) return null;
  let r2yz = ((Math.sqrt(ky) + Math.sqrt(r2zxj)) / Math.sqrt(1 - r2zxj)) ** 2 * (r2yxj / (1 - r2yxj));
  const capped = r2yz > 1;
  if (capped) r2yz = 1;
  return { r2dz, r2yz, capped };
}

export interface OvbLinearOptions {
  estimator: string;
  benchmarks: string[];
  multipliers: number[];
  q: number;
  alpha: number;
  /** grid points per axis of the contour (default 21) */
  grid?: number;
}

/** Design columns a benchmark names: the column itself, else a categorical covariate's one-hot columns. */
export function benchmarkColumns(names: string[], benchmark: string): number[] {
  const exact = names.indexOf(benchmark);
  if (exact >= 0) return [exact];
  return names.flatMap((n, j) => (n.startsWith(`${benchmark}_`) ? [j] : []));
}

/** The sensemakr analysis of Y ~ A + X on the frame. */
export function ovbLinear(frame: AnalysisFrame, opts: OvbLinearOptions): OvbLinearResult {
  const warnings: string[] = [];
  let xCols = columnsOf(frame.X);
  let xNames = frame.X.names.slice();
  const first = ols([frame.A, ...xCols], ['\u0000A', ...xNames], frame.Y);
  if (first.aliased.length) {
    // sensemakr works on lm's estimable coefficients: drop the aliased covariates, as lm reports them NA
    const drop = new Set(first.aliased);
    const keep = xNames.map((n, j) => (drop.has(n) ? -1 : j)).filter((j) => j >= 0);
    xCols = keep.map((j) => xCols[j]);
    xNames = keep.map((j) => xNames[j]);
    warnings.push(`collinear covariates left out of the sensitivity regression: ${[...drop].join(', ')}`);
  }
  const full = first.aliased.length ? ols([frame.A, ...xCols], ['\u0000A', ...xNames], frame.Y) : first;
  const estimate = full.coef[0];
  const se = full.se[0];
  const dof = full.dof;
  const t = estimate / se;
  const partialR2 = (t * t) / (t * t + dof);
  const rv = robustnessValue(t, dof, opts.q, 1);
  const rvAlpha = robustnessValue(t, dof, opts.q, opts.alpha);

  const rows: OvbBenchmarkRow[] = [];
  const rssDFull = opts.benchmarks.length ? rss(xCols, xNames, frame.A) : 0;
  for (const benchmark of opts.benchmarks) {
    const idx = benchmarkColumns(xNames, benchmark);
    if (!idx.length) {
      warnings.push(`benchmark ${benchmark} is not a covariate column of the regression; skipped`);
      continue;
    }
    const drop = new Set(idx);
    const restCols = xCols.filter((_, j) => !drop.has(j));
    const restNames = xNames.filter((_, j) => !drop.has(j));
    // group partial R² = (RSS without the group − RSS with it) / RSS without it (= F·p / (F·p + dof))
    const rssYRest = rss([frame.A, ...restCols], ['\u0000A', ...restNames], frame.Y);
    const r2yxj = (rssYRest - full.rss) / rssYRest;
    const rssDRest = rss(restCols, restNames, frame.A);
    const r2dxj = (rssDRest - rssDFull) / rssDRest;
    for (const k of opts.multipliers) {
      const bound = benchmarkBound(r2dxj, r2yxj, k, k);
      if (!bound) {
        warnings.push(`a confounder ${k}× as strong as ${benchmark} is impossible (implied partial R² with the treatment ≥ 1); row left out`);
        continue;
      }
      if (bound.capped) warnings.push(`the bound on R²(Y~Z|D,X) for ${k}× ${benchmark} exceeded 1 and was set to 1`);
      const adj = adjustedEffect(estimate, se, dof, bound.r2dz, bound.r2yz, opts.alpha);
      rows.push({
        benchmark, columns: idx.map((j) => xNames[j]), kd: k, ky: k, r2dxj, r2yxj, r2dz: bound.r2dz, r2yz: bound.r2yz,
        adjustedEstimate: adj.estimate, adjustedSe: adj.se, adjustedT: adj.t, adjustedLower: adj.lower, adjustedUpper: adj.upper,
      });
    }
  }

  const points = opts.grid ?? 21;
  // as sensemakr's plot: at least 0.4, far enough to show the benchmarks (a bound capped at 1 would stretch it to the edge)
  const reach = Math.max(0.4, ...rows.filter((r) => r.r2yz < 1).map((r) => Math.max(r.r2dz, r.r2yz) * 1.2));
  const lim = Math.min(0.95, reach);
  const axis = Array.from({ length: points }, (_, i) => (lim * i) / (points - 1));
  const grid = axis.map((r2dz) => axis.map((r2yz) => adjustedEffect(estimate, se, dof, r2dz, r2yz, opts.alpha).estimate));

  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const flips = rows.filter((r) => Math.sign(r.adjustedEstimate) !== Math.sign(estimate) || (r.adjustedLower <= 0 && r.adjustedUpper >= 0));
  const summary =
    `RV = ${pct(rv)}: a confounder explaining ${pct(rv)} of the residual variance of both treatment and outcome would explain the estimate away` +
    ` (RV at α = ${opts.alpha}: ${pct(rvAlpha)})` +
    (rows.length
      ? flips.length
        ? `; confounding as strong as ${flips[0].kd}× ${flips[0].benchmark} would make the interval include zero.`
        : `; a confounder ${Math.max(...opts.multipliers)}× as strong as any benchmark (${[...new Set(rows.map((r) => r.benchmark))].join(', ')}) leaves the interval away from zero.`
      : '.');
  return {
    estimator: opts.estimator, estimand: 'ate', model: 'OLS: Y ~ A + X (classical SE)', estimate, se, dof, tStatistic: t, partialR2, q: opts.q, alpha: opts.alpha, rv, rvAlpha,
    benchmarks: rows, contour: { r2dz: axis, r2yz: axis, estimate: grid }, warnings, summary,
  };
}
