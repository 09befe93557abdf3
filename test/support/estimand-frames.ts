/**
 * Frames whose effect differs between the treated, all rows and the controls, with known sample truths:
 * test/estimate/estimands.test.ts and the estimand calibration (bench/estimands.ts).
 */
import { Rng } from '../../src/rng.js';
import type { AnalysisFrame } from '../../src/estimate/types.js';

/**
 * Y = 1 + x1 + 0.5·x2 + u + A·(2 + x1) + ε with P(A = 1) = logistic(x1) (x1 > 0 when separated): the effect
 * 2 + x1 grows with x1, and the treated have larger x1, so ATT > ATE > ATC. Truths are the sample means
 * of 2 + x1 over the treated, all rows and the controls.
 */
export function heterogeneousFrame(users: number, days: number, seed: number, separation = 0) {
  const rng = new Rng(seed, 'estimands-test');
  const n = users * days;
  const X = new Float64Array(2 * n), A = new Float64Array(n), Y = new Float64Array(n);
  const cluster = new Int32Array(n);
  const sums = { att: 0, n1: 0, atc: 0, ate: 0 };
  for (let u = 0, i = 0; u < users; u++) {
    const ue = rng.normal();
    for (let d = 0; d < days; d++, i++) {
      cluster[i] = u;
      const x1 = 0.5 * ue + rng.normal(), x2 = rng.normal();
      X[i] = x1;
      X[n + i] = x2;
      A[i] = separation ? Number(x1 > 0) : rng.bernoulli(1 / (1 + Math.exp(-x1)));
      const effect = 2 + x1;
      Y[i] = 1 + x1 + 0.5 * x2 + ue + A[i] * effect + rng.normal();
      sums.ate += effect;
      if (A[i] === 1) { sums.att += effect; sums.n1++; } else sums.atc += effect;
    }
  }
  const frame: AnalysisFrame = {
    n, rows: Int32Array.from({ length: n }, (_, i) => i), cluster, A, M: null, Y, secondary: {},
    X: { rows: n, cols: 2, data: X, names: ['x1', 'x2'] },
    extra: { length: n, numeric: {}, categorical: {} },
    definitions: {
      treatment: { name: 'A', measure: 'a', threshold: { value: 0.5 } }, outcome: 'Y', secondary: [], threshold: 0.5,
      treatedShare: sums.n1 / n, covariates: ['x1', 'x2'],
      excluded: { missingTreatment: 0, missingMediator: 0, missingOutcome: 0 }, populationRows: n,
    },
    warnings: [],
  };
  return { frame, truth: { ate: sums.ate / n, att: sums.att / sums.n1, atc: sums.atc / (n - sums.n1) } };
}

/**
 * heterogeneousFrame with a mediator: M = 0.5 + 1.5·x1 + 0.3·x2 + A + ε_M and Y = 1 + x1 + 0.5·x2 + u + A + 0.5·M +
 * A·M + ε. Each row's NDE is 1 + M(0) and its NIE 1.5, so the NDE and TE on the treated (larger x1, larger
 * M(0)) exceed the population's and the controls'. Truths are the sample means of the per-row effects (the
 * realized M(0) = M − A) over each population.
 */
export function mediatedFrame(users: number, days: number, seed: number) {
  const { frame } = heterogeneousFrame(users, days, seed);
  const rng = new Rng(seed, 'estimands-mediation');
  const n = frame.n;
  const M = new Float64Array(n), Y = new Float64Array(n);
  const sums = { ate: 0, att: 0, atc: 0 };
  let n1 = 0;
  for (let i = 0; i < n; i++) {
    const x1 = frame.X.data[i], x2 = frame.X.data[n + i], a = frame.A[i];
    const m0 = 0.5 + 1.5 * x1 + 0.3 * x2 + rng.normal();
    M[i] = m0 + a;
    Y[i] = 1 + x1 + 0.5 * x2 + 0.5 * frame.cluster[i] / users + a + 0.5 * M[i] + a * M[i] + rng.normal();
    const nde = 1 + m0;
    sums.ate += nde;
    if (a === 1) { sums.att += nde; n1++; } else sums.atc += nde;
  }
  const nde = { ate: sums.ate / n, att: sums.att / n1, atc: sums.atc / (n - n1) };
  return { frame: { ...frame, M, Y }, truth: { nde, nie: 1.5, te: { ate: nde.ate + 1.5, att: nde.att + 1.5, atc: nde.atc + 1.5 } } };
}

