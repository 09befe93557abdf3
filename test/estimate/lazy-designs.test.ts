// Linear and logistic models read a lazy design (src/estimate/ml/common.ts lazyRows) column by column
// from its origin (src/estimate/learners.ts designColumns) instead of forming its matrix: the
// coefficients and predictions must be the very numbers the formed design gives, and the design must
// stay unformed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/rng.js';
import { isUnformed } from '../../src/estimate/gbm/binning.js';
import { designRows, lazyRows, predictArms } from '../../src/estimate/ml/common.js';
import { designColumns, linearLearner, logisticLearner } from '../../src/estimate/learners.js';
import { fitLogistic, predictLinear, predictLogistic, releaseSpareColumns } from '../../src/estimate/linear.js';
import type { DesignMatrix } from '../../src/estimate/ml/contracts.js';

const N = 900;
const rng = new Rng('lazy-designs');
/** A frame-like X: a wide-ranging column, a binary one, a constant one (scale 1 when standardized), a noisy one. */
const X: DesignMatrix = (() => {
  const cols = [
    Float64Array.from({ length: N }, () => 1000 * rng.normal()),
    Float64Array.from({ length: N }, () => (rng.nextFloat() < 0.3 ? 1 : 0)),
    new Float64Array(N).fill(2),
    Float64Array.from({ length: N }, () => rng.normal()),
  ];
  const data = new Float64Array(N * cols.length);
  cols.forEach((c, j) => data.set(c, j * N));
  return { rows: N, cols: cols.length, data, names: ['x0', 'x1', 'x2', 'x3'] };
})();
const A = Float64Array.from({ length: N }, () => (rng.nextFloat() < 0.5 ? 1 : 0));
const rows = Int32Array.from({ length: 600 }, (_, k) => (k * 7) % N).sort();
const test_rows = Int32Array.from({ length: 250 }, (_, k) => (k * 11 + 3) % N);
const y = Float64Array.from(rows, (i) => 0.002 * X.data[i] + A[i] + rng.normal());
const b = Float64Array.from(rows, (i) => (X.data[3 * N + i] + A[i] + rng.normal() > 0.5 ? 1 : 0));
const w = Float64Array.from(rows, () => 0.5 + rng.nextFloat());
const lead = [{ name: 'A', values: A }];

test('a logistic fit from a lazy design gives the formed design\'s coefficients to the bit and leaves it unformed', () => {
  for (const standardize of [true, false]) {
    for (const weights of [undefined, w]) {
      const lazy = lazyRows(X, rows, lead);
      const viaReader = logisticLearner({ kind: 'logistic', C: 1, standardize }).fit(lazy, b, weights);
      const viaMatrix = logisticLearner({ kind: 'logistic', C: 1, standardize }).fit(designRows(X, rows, lead), b, weights);
      assert.ok(isUnformed(lazy), 'the fit formed the lazy design');
      assert.deepEqual(viaReader.coefficients!().values, viaMatrix.coefficients!().values);
      const testLazy = lazyRows(X, test_rows, lead);
      assert.deepEqual(viaReader.predict(testLazy), viaMatrix.predict(designRows(X, test_rows, lead)));
      assert.ok(isUnformed(testLazy), 'the prediction formed the lazy design');
    }
  }
});

test('linear and logistic predictions from a column reader equal those from column arrays', () => {
  const formed = designRows(X, test_rows, lead);
  const columns = Array.from({ length: formed.cols }, (_, j) => formed.data.subarray(j * formed.rows, (j + 1) * formed.rows));
  const reader = designColumns(lazyRows(X, test_rows, lead));
  assert.ok(!Array.isArray(reader), 'a lazy design is read column by column');
  const linear = linearLearner().fit(designRows(X, rows, lead), y, w);
  const coef = linear.coefficients!().values;
  // five columns with nonzero slopes: one pass of four and one of a single column
  const fit = { names: linear.coefficients!().names, coef, intercept: true, rank: 5, aliased: [], warnings: [], means: new Float64Array(5), gram: new Float64Array(25), n: rows.length };
  assert.deepEqual(predictLinear(fit, reader, formed.rows), predictLinear(fit, columns));
  const logistic = fitLogistic(columns.map((c) => c.slice()), formed.names, Float64Array.from(test_rows, (i) => A[i]), { C: 1, standardize: true });
  assert.deepEqual(predictLogistic(logistic, reader, formed.rows), predictLogistic(logistic, columns));
  assert.deepEqual(fitLogistic(reader, formed.names, Float64Array.from(test_rows, (i) => A[i]), { C: 1, standardize: true }).coef, logistic.coef);
});

test('predicting arms on a lazy design with a linear model: the formed design\'s numbers, the design left unformed', () => {
  const model = linearLearner().fit(lazyRows(X, rows, lead), y, w);
  const arms = [[new Float64Array(test_rows.length).fill(1)], [new Float64Array(test_rows.length)]];
  const lazy = lazyRows(X, test_rows, lead);
  const fromLazy = predictArms(model, lazy, arms);
  assert.ok(isUnformed(lazy));
  const fromFormed = predictArms(model, designRows(X, test_rows, lead), arms);
  assert.deepEqual(fromLazy, fromFormed);
  // the arms differ by the treatment's slope, so they are not the same predictions
  assert.notDeepEqual(fromLazy[0], fromLazy[1]);
});

test('consecutive logistic fits on different rows share standardized columns and each gives its own fit\'s numbers', () => {
  // a step's fits read into one pool of columns (src/estimate/linear.ts SpareColumns): a fit on fewer rows
  // reads into views of longer columns, one on more rows takes new ones; none may see another's values
  const noise = Float64Array.from({ length: N }, () => rng.normal());
  const fitOn = (r: Int32Array, standardize: boolean) =>
    fitLogistic(designColumns(lazyRows(X, r, lead)), ['A', ...X.names], Float64Array.from(r, (i) => (X.data[3 * N + i] + A[i] + noise[i] > 0.5 ? 1 : 0)), { C: 1, standardize });
  const all = Int32Array.from({ length: N }, (_, i) => i);
  const sequence: Array<[Int32Array, boolean]> = [[rows, true], [test_rows, true], [all, true], [test_rows, false], [rows, true], [all, false]];
  const alone = sequence.map(([r, standardize]) => {
    releaseSpareColumns();
    return fitOn(r, standardize).coef;
  });
  releaseSpareColumns();
  const shared = sequence.map(([r, standardize]) => fitOn(r, standardize).coef);
  assert.deepEqual(shared, alone);
  assert.notDeepEqual(alone[0], alone[2], 'the fits differ, so a stale column would show');
});
