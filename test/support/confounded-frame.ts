/**
 * Frames with a hidden confounder U of known strength, for the coverage of the omitted-variable-bias bounds
 * (src/sensitivity/ovb-linear.ts, src/sensitivity/ovb-dml.ts): bench/ovb.ts counts coverage over many draws,
 * test/sensitivity/ovb-coverage.test.ts checks one draw.
 *
 *   x1, x2, U ~ N(0, 1);  P(A = 1) = logistic(0.5·x1 − 0.3·x2 + γ·U);  Y = 1 + τ·A + x1 + 0.5·x2 + δ·U + ε
 *
 * with one row per user (independent rows). U is left out of the frame; the bounds are then evaluated at
 * the confounder's true strength, measured on the draw with U in hand: for sensemakr the sample partial R²
 * of U with A given X and with Y given A and X (at which the bias formula of Cinelli & Hazlett 2020 is an
 * identity for OLS), for the DML bounds Cf_Y = E[(g − g_s)²]/E[(Y − g_s)²], Cf_D = 1 − E[α_s²]/E[α²] and the
 * correlation ρ of g − g_s with α − α_s (Chernozhukov et al. 2022, §4), from in-sample long (with U) and short
 * (without) linear outcome and logistic propensity fits.
 */
import { Rng } from '../../src/rng.js';
import { fitLinear, predictLinear } from '../../src/estimate/linear.js';
import { makeLearner } from '../../src/estimate/learners.js';
import { aipwCrossfit } from '../../src/estimate/ml/ate.js';
import { normalQuantile, roleLearner } from '../../src/estimate/ml/common.js';
import type { AnalysisFrame, DesignMatrix } from '../../src/estimate/types.js';
import { adjustedEffect, ovbLinear } from '../../src/sensitivity/ovb-linear.js';
import { ovbDml } from '../../src/sensitivity/ovb-dml.js';

export interface ConfoundedDraw { frame: AnalysisFrame; U: Float64Array; tau: number }

export function confoundedFrame(o: { n: number; seed: number; gamma: number; delta: number; tau?: number }): ConfoundedDraw {
  const rng = new Rng(o.seed, 'confounded-frame', o.n);
  const tau = o.tau ?? 1;
  const n = o.n;
  const X = new Float64Array(2 * n), A = new Float64Array(n), Y = new Float64Array(n), U = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x1 = rng.normal(), x2 = rng.normal(), u = rng.normal();
    X[i] = x1;
    X[n + i] = x2;
    U[i] = u;
    A[i] = rng.bernoulli(1 / (1 + Math.exp(-(0.5 * x1 - 0.3 * x2 + o.gamma * u))));
    Y[i] = 1 + tau * A[i] + x1 + 0.5 * x2 + o.delta * u + rng.normal();
  }
  let n1 = 0;
  for (let i = 0; i < n; i++) n1 += A[i];
  const frame: AnalysisFrame = {
    n, rows: Int32Array.from({ length: n }, (_, i) => i), cluster: Int32Array.from({ length: n }, (_, i) => i), A, M: null, Y, secondary: {},
    X: { rows: n, cols: 2, data: X, names: ['x1', 'x2'] },
    extra: { length: n, numeric: {}, categorical: {} },
    definitions: {
      treatment: { name: 'A', measure: 'a', threshold: { value: 0.5 } }, outcome: 'Y', secondary: [], threshold: 0.5,
      treatedShare: n1 / n, covariates: ['x1', 'x2'],
      excluded: { missingTreatment: 0, missingMediator: 0, missingOutcome: 0 }, populationRows: n,
    },
    warnings: [],
  };
  return { frame, U, tau };
}

const rss = (cols: Float64Array[], y: Float64Array) => {
  const fit = fitLinear(cols, cols.map((_, j) => `c${j}`), y);
  const p = predictLinear(fit, cols, y.length);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i] - p[i]) ** 2;
  return { s, p };
};

/** In-sample logistic P(A = 1 | columns), unpenalized. */
function propensity(cols: Float64Array[], A: Float64Array): Float64Array {
  const n = A.length;
  const data = new Float64Array(cols.length * n);
  cols.forEach((c, j) => data.set(c, j * n));
  const D: DesignMatrix = { rows: n, cols: cols.length, data, names: cols.map((_, j) => `c${j}`) };
  return makeLearner({ kind: 'logistic', penalty: 'none', standardize: false }, new Rng(0, 'confounded-frame-propensity')).fit(D, A).predict(D);
}

export interface DrawBounds {
  /** the unadjusted OLS interval and sensemakr's adjusted interval at the sample strength (r2dz, r2yz) */
  linear: { r2dz: number; r2yz: number; naive: [number, number]; bound: [number, number] };
  /** the cross-fitted AIPW's interval and the DML bounds' confidence limits at the true Cf_Y, Cf_D with ρ = 1 and with the true |ρ| */
  dml: { cfY: number; cfD: number; rho: number; naive: [number, number]; worstCase: [number, number]; trueRho: [number, number] };
}

export function boundsAtTrueStrength(draw: ConfoundedDraw, level = 0.95): DrawBounds {
  const { frame, U } = draw;
  const x1 = frame.X.data.subarray(0, frame.n), x2 = frame.X.data.subarray(frame.n, 2 * frame.n);
  // sensemakr at the sample partial R² of U
  const lin = ovbLinear(frame, { estimator: 'ols', benchmarks: [], multipliers: [], q: 1, alpha: 1 - level });
  const rDX = rss([x1, x2], frame.A).s, rDXU = rss([x1, x2, U], frame.A).s;
  const short = rss([frame.A, x1, x2], frame.Y), long = rss([frame.A, x1, x2, U], frame.Y);
  const r2dz = (rDX - rDXU) / rDX, r2yz = (short.s - long.s) / short.s;
  const adj = adjustedEffect(lin.estimate, lin.se, lin.dof, r2dz, r2yz, 1 - level);
  const tCrit = (adj.upper - adj.estimate) / adj.se; // the same t quantile for the unadjusted interval
  // the DML bounds at the true Cf_Y, Cf_D, ρ
  const ps = propensity([x1, x2], frame.A), pl = propensity([x1, x2, U], frame.A);
  let gg = 0, ys = 0, as = 0, al = 0, ga = 0, g2 = 0, a2 = 0;
  const n = frame.n;
  const dg = new Float64Array(n), da = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = frame.A[i];
    dg[i] = long.p[i] - short.p[i];
    da[i] = (a / pl[i] - (1 - a) / (1 - pl[i])) - (a / ps[i] - (1 - a) / (1 - ps[i]));
    gg += dg[i] ** 2;
    ys += (frame.Y[i] - short.p[i]) ** 2;
    as += 1 / ps[i] + 1 / (1 - ps[i]);
    al += 1 / pl[i] + 1 / (1 - pl[i]);
  }
  let mg = 0, ma = 0;
  for (let i = 0; i < n; i++) { mg += dg[i] / n; ma += da[i] / n; }
  for (let i = 0; i < n; i++) { ga += (dg[i] - mg) * (da[i] - ma); g2 += (dg[i] - mg) ** 2; a2 += (da[i] - ma) ** 2; }
  const cfY = gg / ys, cfD = Math.max(0, 1 - as / al), rho = Math.abs(ga / Math.sqrt(g2 * a2));
  const ctx = { seed: 1, cellId: 'confounded-frame' };
  const { rows, result } = aipwCrossfit(frame, {
    id: 'aipw', folds: 3, clip: 0.01,
    outcome: roleLearner({ kind: 'linear' }, ctx, 'aipw', 'outcome', 'regression'),
    propensity: roleLearner({ kind: 'logistic' }, ctx, 'aipw', 'propensity', 'classification'),
  });
  const dml = ovbDml({ ...rows, Y: frame.Y, A: frame.A }, frame.cluster, { estimator: 'aipw', level, scenarios: [{ cfY, cfD, rho: 1 }, { cfY, cfD, rho }] });
  const est = result.estimates.ate;
  const zq = normalQuantile(1 - (1 - level) / 2);
  return {
    linear: { r2dz, r2yz, naive: [lin.estimate - tCrit * lin.se, lin.estimate + tCrit * lin.se], bound: [adj.lower, adj.upper] },
    dml: {
      cfY, cfD, rho,
      naive: [est.estimate! - zq * est.se!, est.estimate! + zq * est.se!],
      worstCase: [dml.scenarios[0].ciLower, dml.scenarios[0].ciUpper],
      trueRho: [dml.scenarios[1].ciLower, dml.scenarios[1].ciUpper],
    },
  };
}
