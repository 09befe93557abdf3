/**
 * The nuisance learners of a weighted cross-fitted mediation (weights: ipw, src/estimate/kinds/mediation.ts)
 * honour sample weights as their peers do: the gbm booster against XGBoost with DMatrix weights (gradient and
 * hessian scaled by the weight; depth-wise, leaf-wise and logistic), the linear learners against
 * scikit-learn's Ridge and LogisticRegression with sample_weight. test/golden/make_weighted.py wrote
 * test/golden/weighted.json; the design has few distinct feature values, so every binning gives the same
 * candidate splits and the boosters agree to XGBoost's float32 precision.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fitGbm, resolveGbmOptions } from '../../src/estimate/gbm/index.js';
import { linearLearner, logisticLearner } from '../../src/estimate/learners.js';
import { root } from './fixture.js';

const peer = JSON.parse(readFileSync(new URL('weighted.json', root), 'utf8')) as Record<string, number[]>;

function design() {
  const n = 400;
  const cols = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const y = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    cols[0][i] = i % 17;
    cols[1][i] = (i * 7) % 11;
    cols[2][i] = (i * 13) % 5;
    y[i] = Math.sin(cols[0][i] / 3) * 2 + (cols[1][i] > 5 ? 1.5 : 0) + 0.3 * cols[2][i] * (cols[0][i] > 8 ? 1 : 0) + 0.4 * Math.sin(i * 1.7);
    w[i] = 0.3 + ((i * 37) % 23) / 10;
  }
  const sorted = Float64Array.from(y).sort();
  const median = (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const b = Float64Array.from(y, (v) => (v > median ? 1 : 0));
  const data = new Float64Array(3 * n);
  cols.forEach((c, j) => data.set(c, j * n));
  return { X: { rows: n, cols: 3, data, names: ['a', 'b', 'c'] }, y, b, w };
}

const maxDiff = (a: ArrayLike<number>, b: number[]) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const base = { trees: 5, learning_rate: 0.3, lambda: 1, min_child_weight: 1 };

test('weighted gbm matches XGBoost with sample weights: depth-wise, leaf-wise and logistic', () => {
  const { X, y, b, w } = design();
  const cases: Array<[string, Float64Array, Record<string, unknown>]> = [
    ['depth3_squared', y, { ...base, max_depth: 3 }],
    ['leaves6_squared', y, { ...base, num_leaves: 6, min_data_in_leaf: 1 }],
    ['depth2_logistic', b, { ...base, max_depth: 2, loss: 'logistic' }],
  ];
  for (const [key, target, options] of cases) {
    const weighted = fitGbm(X, target, resolveGbmOptions(options), w).predict(X);
    assert.ok(maxDiff(weighted, peer[key]) < 1e-5, `${key}: max |Δ| ${maxDiff(weighted, peer[key])}`);
    // the weights matter here: the unweighted fit is elsewhere
    const unweighted = fitGbm(X, target, resolveGbmOptions(options)).predict(X);
    assert.ok(maxDiff(unweighted, peer[key]) > 1e-3, `${key}: weights change nothing`);
  }
});

test('weighted ridge and logistic learners match scikit-learn with sample_weight', () => {
  const { X, y, b, w } = design();
  const ridge = linearLearner({ kind: 'ridge', alpha: 2 }).fit(X, y, w).coefficients!().values;
  assert.ok(maxDiff(ridge, peer.ridge_coef) < 1e-8, `ridge: max |Δ| ${maxDiff(ridge, peer.ridge_coef)}`);
  const logistic = logisticLearner({ kind: 'logistic', C: 1, standardize: false }).fit(X, b, w).coefficients!().values;
  assert.ok(maxDiff(logistic, peer.logistic_coef) < 1e-6, `logistic: max |Δ| ${maxDiff(logistic, peer.logistic_coef)}`);
  assert.ok(maxDiff(linearLearner({ kind: 'ridge', alpha: 2 }).fit(X, y).coefficients!().values, peer.ridge_coef) > 1e-3, 'weights change the ridge fit');
});
