/**
 * A frame-level simulator with known causal truth (linear structural model with user effects), for
 * tests, the estimation benchmark (bench/estimate.ts) and calibrate-frames.ts. Not the archive
 * simulator behind `causeway synth` (src/data/kuairec/simulate/).
 */
import { Rng } from '../../src/rng.js';
import type { AnalysisFrame } from '../../src/estimate/index.js';

export interface SimulationOptions {
  users: number;
  daysPerUser: number;
  /** continuous covariates (the design also gets 4 dummy columns) */
  covariates: number;
  seed: number;
  /** A → M */
  alpha?: number;
  /** direct effect of A at M = 0 */
  direct?: number;
  /** M → Y */
  beta?: number;
  /** A×M interaction in Y */
  interaction?: number;
  /** strength of confounding in the propensity */
  confounding?: number;
}

export interface SimulationTruth { te: number; nde: number; nie: number; ate: number; alpha: number; beta: number }

export function simulateFrame(o: SimulationOptions): { frame: AnalysisFrame; truth: SimulationTruth } {
  const rng = new Rng(o.seed, 'simulate-frame', o.users, o.daysPerUser, o.covariates);
  const alpha = o.alpha ?? 0.3, direct = o.direct ?? 1.5, beta = o.beta ?? 2, inter = o.interaction ?? 0.5, conf = o.confounding ?? 0.6;
  const n = o.users * o.daysPerUser;
  const p = o.covariates + 4;
  const data = new Float64Array(n * p);
  const A = new Float64Array(n), M = new Float64Array(n), Y = new Float64Array(n);
  const cluster = new Int32Array(n), rows = new Int32Array(n);
  const Y2 = new Float64Array(n);
  const gamma = Float64Array.from({ length: p }, (_, j) => (j % 3 === 0 ? conf : j % 3 === 1 ? -conf / 2 : 0) / Math.sqrt(1 + j / 10));
  const delta = Float64Array.from({ length: p }, (_, j) => 0.2 * Math.cos(j));
  const eta = Float64Array.from({ length: p }, (_, j) => 0.8 * Math.sin(j + 1));
  let i = 0;
  let m0Sum = 0;
  for (let u = 0; u < o.users; u++) {
    const userEffect = rng.normal();
    const level = rng.nextInt(5); // a categorical profile → 4 dummies
    const heavy = Math.exp(1.5 * rng.normal()); // heavy-tailed follower-like count
    for (let d = 0; d < o.daysPerUser; d++, i++) {
      cluster[i] = 1000 + u * 7;
      rows[i] = i;
      for (let j = 0; j < o.covariates; j++) {
        const v = j === 0 ? d : j === 1 ? heavy : 0.5 * userEffect + rng.normal();
        data[j * n + i] = v;
      }
      for (let k = 0; k < 4; k++) data[(o.covariates + k) * n + i] = level === k + 1 ? 1 : 0;
      let lin = 0, mlin = 0, ylin = 0;
      for (let j = 0; j < p; j++) {
        const x = j === 0 ? (data[i] - o.daysPerUser / 2) / o.daysPerUser : j === 1 ? Math.log1p(data[n + i]) - 1 : data[j * n + i];
        lin += gamma[j] * x;
        mlin += delta[j] * x;
        ylin += eta[j] * x;
      }
      A[i] = rng.bernoulli(1 / (1 + Math.exp(-lin)));
      const mNoise = 0.5 * rng.normal();
      const m0 = 0.5 + mlin + mNoise;
      m0Sum += m0;
      M[i] = m0 + alpha * A[i];
      Y[i] = 3 + direct * A[i] + beta * M[i] + inter * A[i] * M[i] + ylin + userEffect + rng.normal();
      Y2[i] = 0.5 * Y[i] + rng.normal();
    }
  }
  // truth for the sample's covariate distribution (population version of the linear SCM)
  const em0 = m0Sum / n;
  const nde = direct + inter * em0;
  const nie = (beta + inter) * alpha;
  const names = [...Array.from({ length: o.covariates }, (_, j) => (j === 0 ? 'calendar_day_index' : j === 1 ? 'fans_user_num' : `x${j}`)), 'level_1', 'level_2', 'level_3', 'level_4'];
  const frame: AnalysisFrame = {
    n, rows, cluster, A, M, Y,
    secondary: { y_secondary: Y2 },
    X: { rows: n, cols: p, data, names },
    extra: { length: n, numeric: {}, categorical: {} },
    definitions: {
      treatment: { name: 'A', measure: 'a_measure', threshold: { value: 0.5 } },
      mediator: 'M', outcome: 'Y', secondary: ['y_secondary'], threshold: 0.5, treatedShare: A.reduce((s, v) => s + v, 0) / n,
      covariates: names, excluded: { missingTreatment: 0, missingMediator: 0, missingOutcome: 0 }, populationRows: n,
    },
    warnings: [],
  };
  return { frame, truth: { te: nde + nie, nde, nie, ate: nde + nie, alpha, beta } };
}
