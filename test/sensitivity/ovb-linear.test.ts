// sensemakr's bias formula is an identity in the sample (Cinelli & Hazlett 2020, §4): with the omitted
// variable Z's actual partial R² with A (given X) and with Y (given A, X), the adjusted estimate of the
// short regression Y ~ A + X is exactly the long regression's Y ~ A + X + Z coefficient. Simulated data,
// Z left out of the frame the analysis sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLinear, predictLinear } from '../../src/estimate/linear.js';
import type { AnalysisFrame } from '../../src/estimate/types.js';
import { Rng } from '../../src/rng.js';
import { adjustedEffect, benchmarkColumns, ovbLinear } from '../../src/sensitivity/ovb-linear.js';

function rss(cols: Float64Array[], y: Float64Array): number {
  const fit = fitLinear(cols, cols.map((_, j) => `c${j}`), y);
  const pred = predictLinear(fit, cols, y.length);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i] - pred[i]) ** 2;
  return s;
}

test('the adjusted estimate at Z’s actual partial R² is the long regression’s coefficient', () => {
  const n = 3000;
  const rng = new Rng(11, 'ovb-linear-test', 'simulate', 0);
  const x1 = new Float64Array(n), x2 = new Float64Array(n), z = new Float64Array(n), A = new Float64Array(n), Y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x1[i] = rng.normal();
    x2[i] = rng.normal();
    z[i] = 0.5 * x1[i] + rng.normal();
    A[i] = rng.nextFloat() < 1 / (1 + Math.exp(-(0.5 * x1[i] - 0.3 * x2[i] + 0.8 * z[i]))) ? 1 : 0;
    Y[i] = 1 + 0.7 * A[i] + x1[i] + 0.5 * x2[i] + 1.2 * z[i] + rng.normal();
  }
  const data = new Float64Array(2 * n);
  data.set(x1, 0);
  data.set(x2, n);
  const frame = { n, A, Y, M: null, cluster: Int32Array.from({ length: n }, (_, i) => i), X: { rows: n, cols: 2, data, names: ['x1', 'x2'] } } as unknown as AnalysisFrame;
  const r = ovbLinear(frame, { estimator: 'gcomp', benchmarks: ['x1'], multipliers: [1], q: 1, alpha: 0.05 });

  const long = fitLinear([A, x1, x2, z], ['A', 'x1', 'x2', 'z'], Y);
  const r2yz = (rss([A, x1, x2], Y) - rss([A, x1, x2, z], Y)) / rss([A, x1, x2], Y);
  const r2dz = (rss([x1, x2], A) - rss([x1, x2, z], A)) / rss([x1, x2], A);
  const adjusted = adjustedEffect(r.estimate, r.se, r.dof, r2dz, r2yz, 0.05).estimate;
  assert.ok(r.estimate - long.coef[1] > 0.2, `Z biases the short estimate upwards (${r.estimate} vs ${long.coef[1]})`);
  assert.ok(Math.abs(adjusted - long.coef[1]) < 1e-9, `adjusted ${adjusted} vs long ${long.coef[1]}`);
  // the contour starts at the unadjusted estimate
  assert.equal(r.contour.estimate[0][0], r.estimate);
  assert.equal(r.benchmarks.length, 1);
});

test('benchmarks name a design column or a categorical covariate’s one-hot columns', () => {
  const names = ['x1', 'lag_1_x', 'user_active_degree_full', 'user_active_degree_high', 'lag_1'];
  assert.deepEqual(benchmarkColumns(names, 'user_active_degree'), [2, 3]);
  assert.deepEqual(benchmarkColumns(names, 'lag_1'), [4], 'an exact column wins over a prefix');
  assert.deepEqual(benchmarkColumns(names, 'nothing'), []);
});
