// The column kernels of src/estimate/gram.ts give bit for bit what the plain one-column loops give
// (same additions in the same order), so the regressions built on them keep their exact results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addScaledCenteredColumns, addScaledColumns, centeredDotsInto, dotsInto, gramInto, sumsInto } from '../../src/estimate/gram.js';
import { Rng } from '../../src/rng.js';

function columns(rng: Rng, p: number, n: number): Float64Array[] {
  // mixed magnitudes, so that a different summation order would show in the last bits
  return Array.from({ length: p }, (_, j) => Float64Array.from({ length: n }, () => (rng.nextFloat() - 0.3) * 10 ** ((j % 5) - 2)));
}
const identical = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: entry ${i} is ${a[i]}, the plain loop gives ${b[i]}`);
};

test('gramInto equals the plain row-order Gram loop bit for bit, with and without a row scale', () => {
  const rng = new Rng(7, 'gram');
  for (const [p, n] of [[1, 5], [3, 511], [5, 512], [6, 1029], [9, 2000], [13, 1537]] as const) {
    const cols = columns(rng, p, n);
    const scale = Float64Array.from({ length: n }, () => Math.sqrt(rng.nextFloat()));
    for (const mode of ['plain', 'scaled', 'scale column'] as const) {
      const Z = mode === 'plain' ? cols : cols.map((c) => Float64Array.from(c, (v, i) => v * scale[i]));
      if (mode === 'scale column') Z.unshift(scale);
      const q = Z.length;
      const expected = new Float64Array(q * q);
      for (let j = 0; j < q; j++) for (let k = 0; k < q; k++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += Z[j][i] * Z[k][i];
        expected[j * q + k] = s;
      }
      const got = new Float64Array(q * q);
      gramInto(cols, n, got, mode === 'plain' ? null : scale, mode === 'scale column');
      identical(got, expected, `gram p=${p} n=${n} ${mode}`);
    }
  }
});

test('dotsInto and addScaledColumns equal their plain loops bit for bit, zero coefficients skipped', () => {
  const rng = new Rng(8, 'dots');
  for (const [p, n] of [[1, 3], [4, 100], [7, 1000], [10, 333]] as const) {
    const cols = columns(rng, p, n);
    const v = Float64Array.from({ length: n }, () => rng.nextFloat() - 0.5);
    const dots = new Float64Array(p + 2).fill(NaN);
    dotsInto(cols, v, n, dots, 2);
    const expected = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += cols[j][i] * v[i];
      expected[j] = s;
    }
    identical(dots.subarray(2), expected, `dots p=${p}`);
    assert.ok(Number.isNaN(dots[0]) && Number.isNaN(dots[1]), 'entries before the offset untouched');

    const coef = Float64Array.from({ length: p }, (_, j) => (j % 3 === 1 ? 0 : rng.nextFloat() * 4 - 2));
    // an infinite entry in a column whose coefficient is 0 must not turn the sum into NaN
    if (p > 1) cols[1][0] = Infinity;
    const out = Float64Array.from(v);
    addScaledColumns(out, cols, coef, n);
    const plain = Float64Array.from(v);
    for (let j = 0; j < p; j++) {
      if (coef[j] === 0) continue;
      for (let i = 0; i < n; i++) plain[i] += coef[j] * cols[j][i];
    }
    identical(out, plain, `addScaledColumns p=${p}`);
  }
});

test('sumsInto equals its plain loop bit for bit', () => {
  const rng = new Rng(9, 'sums');
  for (const [p, n] of [[1, 7], [4, 64], [6, 999], [11, 250]] as const) {
    const cols = columns(rng, p, n);
    const sums = new Float64Array(p);
    sumsInto(cols, n, sums);
    const plainSums = Float64Array.from(cols, (c) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += c[i];
      return s;
    });
    identical(sums, plainSums, `sums p=${p}`);
  }
});

test('the centered kernels equal the plain ones over a centered (row-scaled) copy bit for bit', () => {
  // src/estimate/linear.ts fitLinear reads (c − mean)·√w on the fly instead of copying the design
  const rng = new Rng(10, 'centered');
  for (const [p, n] of [[1, 7], [4, 513], [6, 1029], [9, 300]] as const) {
    const cols = columns(rng, p, n);
    const center = Float64Array.from({ length: p }, () => rng.nextFloat() * 3 - 1);
    const rowScale = Float64Array.from({ length: n }, () => Math.sqrt(rng.nextFloat()));
    const v = Float64Array.from({ length: n }, () => rng.nextFloat() - 0.5);
    const coef = Float64Array.from({ length: p }, (_, j) => (j % 3 === 2 ? 0 : rng.nextFloat() * 4 - 2));
    for (const scale of [null, rowScale]) {
      const Z = cols.map((c, j) => Float64Array.from(c, (x, i) => (scale ? (x - center[j]) * scale[i] : x - center[j])));
      const what = `p=${p} n=${n} ${scale ? 'scaled' : 'unscaled'}`;
      const gram = new Float64Array(p * p), expectedGram = new Float64Array(p * p);
      gramInto(cols, n, gram, scale, false, center);
      gramInto(Z, n, expectedGram);
      identical(gram, expectedGram, `gram ${what}`);
      const dots = new Float64Array(p), expectedDots = new Float64Array(p);
      centeredDotsInto(cols, center, scale, v, n, dots);
      dotsInto(Z, v, n, expectedDots);
      identical(dots, expectedDots, `dots ${what}`);
      const out = Float64Array.from(v), expectedOut = Float64Array.from(v);
      addScaledCenteredColumns(out, cols, center, scale, coef, n);
      addScaledColumns(expectedOut, Z, coef, n);
      identical(out, expectedOut, `addScaled ${what}`);
    }
  }
});
