import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/rng.js';
import { binMatrix, binOf, binUppers, gbmLearner, type BinnedMatrix } from '../../src/estimate/gbm/index.js';
import { isUnformed, restrictOrder } from '../../src/estimate/gbm/binning.js';
import { designRows, lazyRows } from '../../src/estimate/ml/common.js';
import type { DesignMatrix } from '../../src/estimate/ml/contracts.js';

/** A frame-like design: a continuous column with missing values, heavy ties (zeros and −0), a few levels, one-hot. */
function frameColumns(n: number): DesignMatrix {
  const rng = new Rng('binning-origin');
  const cols = [
    Float64Array.from({ length: n }, () => (rng.nextFloat() < 0.1 ? NaN : rng.normal())),
    Float64Array.from({ length: n }, () => (rng.nextFloat() < 0.6 ? (rng.nextFloat() < 0.5 ? -0 : 0) : Math.floor(Math.exp(3 * rng.nextFloat())))),
    Float64Array.from({ length: n }, () => rng.nextInt(5)),
    Float64Array.from({ length: n }, () => (rng.nextFloat() < 0.3 ? 1 : 0)),
  ];
  const data = new Float64Array(n * cols.length);
  cols.forEach((c, j) => data.set(c, j * n));
  return { rows: n, cols: cols.length, data, names: cols.map((_, j) => `x${j}`) };
}

/** The same design without its origin: binning sorts every column itself. */
function withoutOrigin(D: DesignMatrix): DesignMatrix {
  return { rows: D.rows, cols: D.cols, data: D.data.slice(), names: D.names.slice() };
}

function assertSameBins(a: BinnedMatrix, b: BinnedMatrix): void {
  assert.deepEqual(a.codes, b.codes);
  assert.deepEqual(a.binCount, b.binCount);
  assert.deepEqual(a.hasMissing, b.hasMissing);
  assert.deepEqual(a.uppers, b.uppers);
}

test('binning sorts short columns (8-bit radix digits) and long ones (16-bit) as a comparison sort does', () => {
  // RadixArgsort switches digit width at 6,000 values (src/estimate/gbm/binning.ts): one design below, one above
  for (const n of [2500, 9000]) {
    const X = withoutOrigin(frameColumns(n));
    const binned = binMatrix(X, 255);
    for (let j = 0; j < X.cols; j++) {
      const col = X.data.subarray(j * n, (j + 1) * n);
      const rows = [...col.keys()].filter((i) => col[i] === col[i]).sort((a, b) => (col[a] || 0) - (col[b] || 0) || a - b);
      const uppers = binUppers(Float64Array.from(rows, (i) => col[i]), 255);
      assert.deepEqual(binned.uppers[j], uppers, `n ${n}, column ${j}: bin bounds`);
      for (let i = 0; i < n; i++) if (col[i] === col[i]) assert.equal(binned.codes[j * n + i], binOf(uppers, col[i]), `n ${n}, column ${j}, row ${i}`);
    }
  }
});

/** frameColumns with a 0/1 treatment a, a mediator m in [0, 1) and an outcome y of both and a frame column. */
function withTreatmentAndMediator(seed: string) {
  const X = frameColumns(1200);
  const n = X.rows;
  const rng = new Rng(seed);
  const a = Float64Array.from({ length: n }, () => rng.bernoulli(0.5));
  const m = Float64Array.from({ length: n }, () => rng.nextFloat());
  const y = Float64Array.from({ length: n }, (_, i) => 2 * a[i] + m[i] + X.data[2 * n + i] + 0.5 * rng.normal());
  return { X, n, a, m, y };
}

function foldRows(n: number, keep: (i: number) => boolean): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (keep(i)) rows.push(i);
  return Int32Array.from(rows);
}

test('restrictOrder: the frame-wide order restricted to a fold is a sort of the fold, null once the values changed', () => {
  const X = frameColumns(600);
  const n = X.rows;
  const rows = foldRows(n, (i) => i % 3 !== 1);
  const position = new Int32Array(n).fill(-1);
  rows.forEach((r, k) => (position[r] = k));
  for (let j = 0; j < X.cols; j++) {
    const full = X.data.subarray(j * n, (j + 1) * n);
    const order = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !Number.isNaN(full[i]))
      .sort((a, b) => full[a] - full[b] || a - b);
    const column = Float64Array.from(rows, (r) => full[r]);
    const sorted = new Float64Array(rows.length);
    const got = restrictOrder(order, position, column, new Int32Array(rows.length), sorted);
    assert.ok(got, `column ${j}`);
    const expected = Int32Array.from({ length: rows.length }, (_, k) => k).filter((k) => !Number.isNaN(column[k]))
      .sort((a, b) => column[a] - column[b] || a - b);
    assert.deepEqual(Array.from(got!, (k) => column[k]), Array.from(expected, (k) => column[k]));
    // A value moved out of order, or a missing value that has become present: not a sort of the column any more.
    const stale = column.slice();
    stale[got![0]] = 1e9;
    assert.equal(restrictOrder(order, position, stale, new Int32Array(rows.length), sorted), null);
    if (j === 0) {
      const filled = column.slice();
      filled[filled.findIndex((v) => Number.isNaN(v))] = -1e9;
      assert.equal(restrictOrder(order, position, filled, new Int32Array(rows.length), sorted), null);
    }
  }
});

test('binning a fold design from the frame-wide sort gives the bins of sorting the fold itself, also when its values changed', () => {
  const X = frameColumns(900);
  const lead = [{ name: 'A', values: Float64Array.from({ length: X.rows }, (_, i) => i % 2) }];
  for (const rows of [foldRows(X.rows, (i) => i % 3 !== 0), foldRows(X.rows, (i) => i < 450), null]) {
    const D = designRows(X, rows, lead);
    assert.equal(D.origin?.source, X);
    assertSameBins(binMatrix(D, 255), binMatrix(withoutOrigin(D), 255));
    assertSameBins(binMatrix(D, 16), binMatrix(withoutOrigin(D), 16));
    // A design edited after it was built (its origin now stale) is binned from its own values.
    const edited = designRows(X, rows, lead);
    const n = edited.rows;
    for (let i = 0; i < n; i++) edited.data[2 * n + i] = n - i;
    edited.data[n] = NaN;
    assertSameBins(binMatrix(edited, 255), binMatrix(withoutOrigin(edited), 255));
  }
  // A design that takes a row twice (a resample) bins without the origin.
  const twice = designRows(X, Int32Array.of(0, 1, 1, 2, 5, 5, 7), lead);
  assertSameBins(binMatrix(twice, 255), binMatrix(withoutOrigin(twice), 255));
});

test('designs on the same rows share the bins of the frame columns (a fold\'s second model), the same as binning each from scratch', () => {
  const X = frameColumns(800);
  const n = X.rows;
  const a = Float64Array.from({ length: n }, (_, i) => i % 2);
  const m = Float64Array.from({ length: n }, (_, i) => (i * 7919) % 101);
  const rows = foldRows(n, (i) => i % 3 !== 2);
  const first = binMatrix(designRows(X, rows, [{ name: 'A', values: a }, { name: 'M', values: m }]), 255);
  const D = designRows(X, rows, [{ name: 'A', values: a }]);
  const second = binMatrix(D, 255);
  assertSameBins(second, binMatrix(withoutOrigin(D), 255));
  // reused, not recomputed: the frame columns' upper bounds are the first design's arrays
  for (let j = 0; j < X.cols; j++) assert.equal(second.uppers[1 + j], first.uppers[2 + j], `column ${j}`);
  // other rows, or other max_bins: binned afresh
  assert.notEqual(binMatrix(designRows(X, rows.slice(), []), 255).uppers[0], first.uppers[2]);
  assert.notEqual(binMatrix(designRows(X, rows, []), 16).uppers[0], first.uppers[2]);
});

test('a gbm fitted on a design with an origin predicts bit for bit as one fitted on a copy without it', () => {
  const X = frameColumns(1500);
  const rng = new Rng('binning-origin-y');
  const y = Float64Array.from({ length: X.rows }, (_, i) =>
    (Number.isNaN(X.data[i]) ? 1 : X.data[i]) + 0.3 * X.data[2 * X.rows + i] + rng.normal());
  const rows = foldRows(X.rows, (i) => i % 4 !== 0);
  const D = designRows(X, rows, []);
  const yT = Float64Array.from(rows, (r) => y[r]);
  const learner = gbmLearner({ trees: 25, max_depth: 3, learning_rate: 0.2 });
  const test = designRows(X, null, []);
  assert.deepEqual(learner.fit(D, yT).predict(test), learner.fit(withoutOrigin(D), yT).predict(test));
});

test('a lazy design (lazyRows) bins, fits and predicts as the formed design, without forming its data for a gbm', () => {
  const { X, n, a, m, y } = withTreatmentAndMediator('lazy-design');
  for (const rows of [foldRows(n, (i) => i % 3 !== 0), null]) {
    const lead = [{ name: 'A', values: a }, { name: 'M', values: m }];
    // its data, once read, is designRows's matrix
    const read = lazyRows(X, rows, lead);
    assert.equal(isUnformed(read), true);
    assert.deepEqual(read.data, designRows(X, rows, lead).data);
    assert.equal(isUnformed(read), false);
    // binned from the origin: the same bins as the formed design without an origin, on first and cached (second) binning
    for (const maxBins of [255, 16]) {
      for (let round = 0; round < 2; round++) {
        const lazy = lazyRows(X, rows, lead);
        const formed = designRows(X, rows, lead);
        assertSameBins(binMatrix(lazy, maxBins), binMatrix(withoutOrigin(formed), maxBins));
        assert.equal(isUnformed(lazy), true, 'binning left the lazy design unformed');
      }
    }
    // a gbm fitted on it predicts bit for bit as one fitted on the formed copy
    const yT = rows ? Float64Array.from(rows, (r) => y[r]) : y;
    const learner = gbmLearner({ trees: 20, max_depth: 3, learning_rate: 0.2, subsample: 0.8, colsample: 0.7 });
    const lazy = lazyRows(X, rows, lead);
    const test = designRows(X, null, lead);
    const model = learner.fit(lazy, yT);
    assert.deepEqual(model.predict(test), learner.fit(withoutOrigin(designRows(X, rows, lead)), yT).predict(test));
    assert.equal(isUnformed(lazy), true);
    // and predicts on a lazy design (formed in the gbm's reused buffer) as on the formed one, leaving it unformed
    const other = rows ? foldRows(n, (i) => i % 3 === 0) : null;
    const lazyTest = lazyRows(X, other, lead);
    assert.deepEqual(model.predict(lazyTest), model.predict(designRows(X, other, lead)));
    const arms = [[new Float64Array(lazyTest.rows).fill(1), m.subarray(0, lazyTest.rows)], [new Float64Array(lazyTest.rows), m.subarray(0, lazyTest.rows)]];
    assert.deepEqual(model.predictVariants(lazyTest, [0, 1], arms), model.predictVariants(designRows(X, other, lead), [0, 1], arms));
    assert.equal(isUnformed(lazyTest), true);
  }
});

test('predictVariants equals predict on each variant of the design bit for bit (trees with and without the replaced columns)', () => {
  const { X, n, a, m, y } = withTreatmentAndMediator('variants');
  const D = designRows(X, null, [{ name: 'A', values: a }, { name: 'M', values: m }]);
  for (const loss of ['squared_error', 'logistic'] as const) {
    const target = loss === 'logistic' ? y.map((v) => (v > 2 ? 1 : 0)) : y;
    const model = gbmLearner({ trees: 30, max_depth: 3, learning_rate: 0.3, loss }).fit(D, target);
    const usesLead = new Set<number>();
    for (let t = 0; t < model.trees; t++) {
      for (let k = model.treeStart[t]; k < model.treeStart[t + 1]; k++) if (model.feature[k] === 0 || model.feature[k] === 1) usesLead.add(t);
    }
    // Both kinds of tree occur, so both branches of predictVariants are exercised.
    assert.ok(usesLead.size > 0 && usesLead.size < model.trees, `${usesLead.size} of ${model.trees} trees use A or M`);
    // Trees that split on only one of A and M: variants agreeing on that column share their walks.
    const oneLead = [...usesLead].filter((t) => {
      const f = model.feature.subarray(model.treeStart[t], model.treeStart[t + 1]);
      return f.includes(0) !== f.includes(1);
    });
    assert.ok(oneLead.length > 0, 'some tree splits on A or M but not both');
    const shifted = Float64Array.from(m, (v, i) => (i % 50 === 0 ? NaN : v + 0.3));
    // arms that share a treatment or a mediator column (the same values in another array, or −0 for 0), as a mediation's arms do
    const zeros = new Float64Array(n).fill(0);
    const variants = [[zeros, m], [new Float64Array(n).fill(1), m.slice()], [new Float64Array(n).fill(1), shifted], [new Float64Array(n).fill(-0), shifted],
      [a, m], [zeros.slice(), shifted.slice()]];
    const got = model.predictVariants(D, [0, 1], variants);
    variants.forEach(([aV, mV], v) => {
      const Dv = { ...D, data: D.data.slice() };
      Dv.data.set(aV, 0);
      Dv.data.set(mV, n);
      assert.deepEqual(got[v], model.predict(Dv), `${loss} variant ${v}`);
    });
  }
});
