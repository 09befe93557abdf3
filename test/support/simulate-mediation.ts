/**
 * A nonlinear, confounded mediation design with known natural effects, for tests, the gbm bench and
 * coverage checks of the debiased estimator. Users have repeated days (a user-level covariate and a
 * user random effect), A is binary with a nonlinear propensity, M continuous, Y nonlinear in X.
 * Truth: NDE = tau (mean of tau·4·x1 = 2·tau with `hetero`), NIE = 0.5 · 2 = 1, TE = NDE + NIE.
 */
import { Rng } from '../../src/rng.js';
import type { CrossfitData } from '../../src/estimate/ml/index.js';

export interface MediationSimulation {
  users?: number;
  days?: number;
  /** Direct effect of A (default 1). */
  tau?: number;
  /** Linear instead of nonlinear propensity, mediator and outcome functions. */
  linear?: boolean;
  /** Direct effect tau·4·x1 varying with the user-level covariate x1 ~ U(0, 1). */
  hetero?: boolean;
  /** Scale of the nonlinear outcome signal h(X) (default 1). */
  signal?: number;
}

export function simulateMediation(seed: string | number, opts: MediationSimulation = {}): { data: CrossfitData; truth: { te: number; nde: number; nie: number } } {
  const users = opts.users ?? 150;
  const days = opts.days ?? 40;
  const tau = opts.tau ?? 1;
  const scale = opts.signal ?? 1;
  const rng = new Rng(seed, 'simulate-mediation');
  const n = users * days;
  const p = 5;
  const X = new Float64Array(n * p);
  const A = new Float64Array(n);
  const M = new Float64Array(n);
  const Y = new Float64Array(n);
  const cluster = new Int32Array(n);
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  let i = 0;
  for (let u = 0; u < users; u++) {
    const x1 = rng.nextFloat();
    const userEffect = rng.normal();
    for (let d = 0; d < days; d++, i++) {
      const x2 = rng.nextFloat();
      const x3 = rng.normal();
      X[i] = x1;
      X[n + i] = x2;
      X[2 * n + i] = x3;
      X[3 * n + i] = rng.nextFloat();
      X[4 * n + i] = rng.nextFloat();
      cluster[i] = 1000 + u;
      const confound = opts.linear ? 2 * (x1 - 0.5) + 1.5 * (x2 - 0.5) : 2 * (x1 - 0.5) + 1.5 * Math.sin(2 * Math.PI * x2);
      A[i] = rng.bernoulli(sigmoid(confound));
      M[i] = 0.5 * A[i] + x1 + (opts.linear ? x2 : x2 > 0.5 ? 0.5 : 0) + 0.5 * rng.normal();
      const h = opts.linear ? 4 * x2 + 3 * x1 : 4 * Math.sin(2 * Math.PI * x2) + 3 * x1 * x1;
      const effect = opts.hetero ? tau * 4 * x1 : tau;
      Y[i] = effect * A[i] + 2 * M[i] + scale * h + x3 + userEffect + rng.normal();
    }
  }
  // With `hetero` the population NDE is E[4·tau·x1] = 2·tau (x1 uniform).
  const nde = opts.hetero ? 2 * tau : tau;
  return {
    data: { n, cluster, A, M, Y, X: { rows: n, cols: p, data: X, names: ['x1', 'x2', 'x3', 'x4', 'x5'] } },
    truth: { te: nde + 1, nde, nie: 1 },
  };
}
