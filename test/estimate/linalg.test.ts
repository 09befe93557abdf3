// The rank-deficient solve of src/estimate/linalg.ts (pivoted Cholesky and the null space it exposes)
// against the eigen pseudo-inverse it replaced, on the designs that alias columns: one-hot dummies beside
// an intercept, a duplicated column, a zero column; right-hand sides in and out of the range of A.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/rng.js';
import { averageRanks, eigenMinimumNormSolve, solveSymmetric } from '../../src/estimate/linalg.js';
import { ClusterGram, userIndex } from '../../src/estimate/bootstrap.js';

/** XᵀX (p×p row-major) of the columns of X. */
function gram(X: Float64Array[]): Float64Array {
  const p = X.length;
  const n = X[0].length;
  const G = new Float64Array(p * p);
  for (let a = 0; a < p; a++)
    for (let c = 0; c < p; c++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += X[a][i] * X[c][i];
      G[a * p + c] = s;
    }
  return G;
}

function xty(X: Float64Array[], y: Float64Array): Float64Array {
  return Float64Array.from(X, (col) => col.reduce((s, v, i) => s + v * y[i], 0));
}

/** A design with an intercept, `levels` one-hot dummies (all of them: aliased with the intercept), continuous columns, optional extras. */
function design(rng: Rng, n: number, levels: number, continuous: number, extras: (X: Float64Array[]) => void = () => {}): Float64Array[] {
  const X: Float64Array[] = [new Float64Array(n).fill(1)];
  const level = Array.from({ length: n }, () => rng.nextInt(levels));
  for (let l = 0; l < levels; l++) X.push(Float64Array.from(level, (v) => (v === l ? 1 : 0)));
  for (let c = 0; c < continuous; c++) X.push(Float64Array.from({ length: n }, () => 3 * rng.normal() + c));
  extras(X);
  return X;
}

function assertClose(actual: Float64Array, expected: Float64Array, rel: number, what: string): void {
  const scale = Math.max(1, ...Array.from(expected, Math.abs));
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= rel * scale, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

const cases: Array<[string, (rng: Rng) => Float64Array[]]> = [
  ['intercept and a full set of one-hot dummies', (rng) => design(rng, 200, 4, 3)],
  ['two one-hot families and an interaction-free design', (rng) =>
    design(rng, 300, 3, 2, (X) => {
      const n = X[0].length;
      const other = Array.from({ length: n }, () => rng.nextInt(5));
      for (let l = 0; l < 5; l++) X.push(Float64Array.from(other, (v) => (v === l ? 1 : 0)));
    })],
  ['a duplicated and a scaled continuous column', (rng) =>
    design(rng, 150, 2, 3, (X) => {
      X.push(Float64Array.from(X[3]));
      X.push(Float64Array.from(X[4], (v) => -2.5 * v));
    })],
  ['a dummy of a level no row has (a zero column)', (rng) =>
    design(rng, 120, 3, 2, (X) => {
      X.splice(2, 0, new Float64Array(X[0].length));
    })],
  ['a single row: rank one', (rng) => design(rng, 1, 3, 2)],
];

for (const [name, make] of cases) {
  test(`rank-deficient solve equals the eigen pseudo-inverse: ${name}`, () => {
    const rng = new Rng('linalg-test', name);
    const X = make(rng);
    const p = X.length;
    const n = X[0].length;
    const A = gram(X);
    const y = Float64Array.from({ length: n }, (_, i) => X[p - 1][i] * 0.7 + rng.normal());
    const inRange = xty(X, y);
    const arbitrary = Float64Array.from({ length: p }, () => rng.normal() * 10);
    for (const [what, b] of [['Xᵀy', inRange], ['an arbitrary b', arbitrary]] as const) {
      const sol = solveSymmetric(A, b, p);
      assert.ok(sol.rank < p, 'the design is rank deficient');
      const reference = eigenMinimumNormSolve(A, b, p, sol.rank);
      assertClose(sol.coef, reference, 1e-9, `${name}, ${what}`);
    }
    // the minimum-norm solution has no component along a null vector (here: intercept minus all dummies)
    if (n > 1 && X.length > 2 && name.startsWith('intercept')) {
      const coef = solveSymmetric(A, inRange, p).coef;
      let along = coef[0];
      for (let l = 1; l <= 4; l++) along -= coef[l];
      assert.ok(Math.abs(along) < 1e-9 * Math.max(...Array.from(coef, Math.abs)), `component along the null vector: ${along}`);
    }
  });
}

test('a zero matrix gives the zero solution, as pinv does', () => {
  const sol = solveSymmetric(new Float64Array(9), Float64Array.from([1, 2, 3]), 3);
  assert.equal(sol.rank, 0);
  assert.deepEqual(Array.from(sol.coef), [0, 0, 0]);
  assert.deepEqual(sol.aliased, [0, 1, 2]);
});

test('a full-rank system is solved exactly (the Cholesky path)', () => {
  const A = Float64Array.from([4, 1, 0, 1, 3, 1, 0, 1, 2]);
  const x = Float64Array.from([1, -2, 0.5]);
  const b = Float64Array.from([0, 1, 2], (i) => A[i * 3] * x[0] + A[i * 3 + 1] * x[1] + A[i * 3 + 2] * x[2]);
  const sol = solveSymmetric(A, b, 3);
  assert.equal(sol.rank, 3);
  assertClose(sol.coef, x, 1e-14, 'full rank');
});

test('a bootstrap replicate without any user of a one-hot level: the level is aliased with coefficient 0, the other slope exact', () => {
  // 30 users × 4 rows; level 1 of the dummy for users 0-9 only; the replicate draws none of them
  const users = 30;
  const rows = 4;
  const rng = new Rng('linalg-test', 'constant column');
  const cluster = Int32Array.from({ length: users * rows }, (_, i) => Math.floor(i / rows));
  const x = Float64Array.from(cluster, () => rng.normal() * 7 + 3);
  const dummy = Float64Array.from(cluster, (u) => (u < 10 ? 1 : 0));
  const y = Float64Array.from(x, (v, i) => 0.1 + 2.5 * v + 4 * dummy[i] + 0.01 * rng.normal());
  const gram = new ClusterGram([x, dummy, y], ['x', 'dummy', 'y'], userIndex(cluster));
  const mult = Float64Array.from({ length: users }, (_, u) => (u < 10 ? 0 : 1 + (u % 3)));
  const fit = gram.regress(gram.aggregate(mult), [gram.col('x'), gram.col('dummy')], gram.col('y'));
  assert.equal(fit.rank, 1);
  assert.deepEqual(fit.aliased, [gram.col('dummy')]);
  assert.equal(fit.slopes[1], 0, 'a constant column gets no coefficient, not one fitted to rounding noise');
  // the slope of x from the same replicate's rows directly
  let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < x.length; i++) {
    const w = mult[cluster[i]];
    sw += w; sx += w * x[i]; sy += w * y[i]; sxx += w * x[i] * x[i]; sxy += w * x[i] * y[i];
  }
  const slope = (sxy - (sx * sy) / sw) / (sxx - (sx * sx) / sw);
  assert.ok(Math.abs(fit.slopes[0] - slope) < 1e-10 * Math.abs(slope), `${fit.slopes[0]} vs ${slope}`);
});

test('ClusterGram.aggregate is bit for bit the user-by-user sum of the per-user statistics, users drawn 0 times skipped', () => {
  const rng = new Rng(23, 'aggregate');
  const users = 37;
  const cluster = Int32Array.from({ length: 400 }, () => 100 + Math.floor(rng.nextFloat() * users));
  const cols = [0, 1, 2, 3, 4].map((j) => Float64Array.from(cluster, () => rng.normal() * 10 ** (j - 2) + j));
  const g = new ClusterGram(cols, ['a', 'b', 'c', 'd', 'e'], userIndex(cluster), Float64Array.from(cluster, () => 0.5 + rng.nextFloat()));
  for (const mult of [
    null,
    Float64Array.from({ length: g.users }, () => Math.floor(rng.nextFloat() * 3)),
    Float64Array.from({ length: g.users }, (_, u) => (u % 5 === 0 ? 2 : 0)),
  ]) {
    const expected = new Float64Array(g.size);
    for (let u = 0; u < g.users; u++) {
      const m = mult ? mult[u] : 1;
      if (m === 0) continue;
      for (let t = 0; t < g.size; t++) expected[t] += m * g.stats[u * g.size + t];
    }
    const got = g.aggregate(mult);
    for (let t = 0; t < g.size; t++) assert.ok(Object.is(got[t], expected[t]), `entry ${t}: ${got[t]} vs ${expected[t]}`);
  }
});

test('averageRanks gives ties their mean rank (pandas rank(method="average")), ±0 and ±∞ included', () => {
  const x = Float64Array.from([3, -1, 3, 0, -0, Infinity, 2.5, -Infinity, 3, 0]);
  // sorted: −∞ (1), −1 (2), 0 −0 0 (3, 4, 5 → 4), 2.5 (6), 3 3 3 (7, 8, 9 → 8), ∞ (10)
  assert.deepEqual(Array.from(averageRanks(x)), [8, 2, 8, 4, 4, 10, 6, 1, 8, 4]);
  const rng = new Rng(5, 'ranks');
  const y = Float64Array.from({ length: 500 }, () => Math.floor(rng.nextFloat() * 40) / 4);
  const ranks = averageRanks(y);
  for (let i = 0; i < y.length; i++) {
    let below = 0, equal = 0;
    for (let k = 0; k < y.length; k++) if (y[k] < y[i]) below++; else if (y[k] === y[i]) equal++;
    assert.equal(ranks[i], below + (equal + 1) / 2);
  }
});
