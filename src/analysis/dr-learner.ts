/**
 * DR-learner effect heterogeneity (Kennedy 2023, "Towards optimal doubly robust estimation of heterogeneous
 * causal effects", EJS 17(2); first circulated 2020): the pseudo-outcome of each row is the cross-fitted
 * AIPW score φ = μ1 − μ0 + A(Y − μ1)/π − (1 − A)(Y − μ0)/(1 − π) (src/estimate/ml/ate.ts `psi`, nuisances
 * fitted out of fold), and the second stage regresses φ on the declared effect modifiers.
 *
 * - Best linear projection (as grf's best_linear_projection): OLS of φ on [1, modifiers centred at their
 *   means] with CR1 cluster-robust (by user) standard errors; the intercept is then the average effect and
 *   each slope the change in the effect per unit of that modifier, holding the others fixed.
 * - Calibration (Chernozhukov, Demirer, Duflo & Fernández-Val 2018, "Generic machine learning inference on
 *   heterogeneous treatment effects", the BLP of the CATE proxy): the CATE prediction τ̂(x) of each row comes
 *   from the second stage fitted on the other folds (user folds, so no row predicts itself), and φ is
 *   regressed on [1, τ̂ − mean τ̂]. A slope above 0 (one-sided, as grf's test_calibration) says the
 *   modifiers carry real heterogeneity; a slope near 1 says the predictions are well calibrated.
 *
 * Normal-approximation intervals and p-values. The stage-two regressions agree with R's lm + sandwich::vcovCL
 * (HC1) on the same pseudo-outcomes and folds (test/golden/sensitivity).
 */
import { clusterRobustSE, fitLinear, predictLinear } from '../estimate/linear.js';
import { normalQuantile } from '../estimate/ml/common.js';
import { normalCdf } from '../sensitivity/distributions.js';
import type { BlpRow, DrLearnerResult } from '../results/index.js';
import { mapRows } from '../estimate/linalg.js';
export type { BlpRow, DrLearnerResult };

export interface Modifier { name: string; values: Float64Array }

function regressCR1(cols: Float64Array[], names: string[], y: Float64Array, cluster: Int32Array, level: number): BlpRow[] {
  const n = y.length;
  const one = new Float64Array(n).fill(1);
  // an explicit constant column (no fitted intercept) so the intercept gets its CR1 SE too
  const fit = fitLinear([one, ...cols], ['(intercept)', ...names], y, { intercept: false });
  const se = clusterRobustSE(fit, [one, ...cols], y, cluster);
  const z = normalQuantile(1 - (1 - level) / 2);
  return ['(intercept)', ...names].map((term, j) => {
    const b = fit.coef[j];
    const s = se ? se[j] : null;
    return { term, estimate: b, se: s, lower: s === null ? null : b - z * s, upper: s === null ? null : b + z * s, pValue: s === null || s === 0 ? null : 2 * (1 - normalCdf(Math.abs(b / s))) };
  });
}

/** Stage two of the DR-learner on given pseudo-outcomes; `folds` holds each row's fold (0..k−1). */
export function drLearner(psi: Float64Array, cluster: Int32Array, modifiers: Modifier[], folds: Int32Array, opts: { level: number; source: string }): DrLearnerResult {
  const n = psi.length;
  const warnings: string[] = [];
  const centres: Record<string, number> = {};
  const kept: Modifier[] = [];
  for (const m of modifiers) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) { lo = Math.min(lo, m.values[i]); hi = Math.max(hi, m.values[i]); }
    // a constant column (a category level absent from these rows) has no slope to project on
    if (hi > lo) kept.push(m);
    else warnings.push(`effect modifier ${m.name} is constant in the analysis rows; left out`);
  }
  const centred = kept.map((m) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += m.values[i];
    const mean = s / n;
    centres[m.name] = mean;
    return mapRows(m.values.length, (i) => m.values[i] - mean);
  });
  const names = kept.map((m) => m.name);
  const blp = regressCR1(centred, names, psi, cluster, opts.level);

  // out-of-fold CATE predictions from the same linear second stage
  const k = Math.max(...folds) + 1;
  const tau = new Float64Array(n);
  for (let f = 0; f < k; f++) {
    const train: number[] = [], test: number[] = [];
    for (let i = 0; i < n; i++) (folds[i] === f ? test : train).push(i);
    const take = (col: Float64Array, idx: number[]) => mapRows(idx.length, (k) => col[idx[k]]);
    const fit = fitLinear(centred.map((c) => take(c, train)), names, take(psi, train));
    if (fit.rank < names.length) warnings.push(`fold ${f}: collinear effect modifiers; minimum-norm second stage`);
    const pred = predictLinear(fit, centred.map((c) => take(c, test)), test.length);
    test.forEach((i, j) => (tau[i] = pred[j]));
  }
  let mt = 0;
  for (let i = 0; i < n; i++) mt += tau[i];
  mt /= n;
  const tauC = mapRows(tau.length, (i) => tau[i] - mt);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += tauC[i] * tauC[i];
  const predictionSd = Math.sqrt(ss / Math.max(1, n - 1));
  const [intercept, slope] = regressCR1([tauC], ['cate_prediction'], psi, cluster, opts.level);
  const pValueSlopeOne = slope.se ? 2 * (1 - normalCdf(Math.abs((slope.estimate - 1) / slope.se))) : null;

  const users = new Set(cluster).size;
  const sig = blp.slice(1).filter((r) => r.pValue !== null && r.pValue < 1 - opts.level);
  // one-sided, as grf's test_calibration: only a positive slope says the predicted differences are real; a
  // negative one says the out-of-fold predictions run against the pseudo-outcomes (the projection overfits)
  const significant = slope.pValue !== null && slope.pValue < 2 * (1 - opts.level);
  const calib = significant && slope.estimate > 0;
  const reversed = slope.pValue !== null && slope.pValue < 1 - opts.level && slope.estimate < 0;
  const summary =
    `DR-learner on ${names.length} effect modifier${names.length === 1 ? '' : 's'}: ` +
    (sig.length ? `${sig.map((r) => r.term).join(', ')} shift${sig.length === 1 ? 's' : ''} the effect (CR1 interval excludes 0)` : 'no modifier shifts the effect distinguishably from 0') +
    `; calibration slope ${slope.estimate.toFixed(2)}${slope.pValue !== null ? ` (p = ${slope.pValue.toPrecision(2)})` : ''}: ` +
    (calib ? 'the predicted heterogeneity is detectable out of fold.'
      : reversed ? 'below zero, so the out-of-fold predictions run against the pseudo-outcomes: no heterogeneity detectable out of fold.'
        : 'no heterogeneity detectable out of fold.');
  return {
    pseudoOutcomes: opts.source, rows: n, users, level: opts.level, centres, blp,
    calibration: { folds: k, intercept, slope, pValueSlopeOne, predictionSd }, warnings, summary,
  };
}
