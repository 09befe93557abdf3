// Golden agreement with R's sensemakr and mediation::medsens: sensitivity_expected.json is produced by the
// committed test/golden/make_sensitivity.R from the data it simulates (sensitivity_fixture.csv).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { AnalysisFrame } from '../../src/estimate/types.js';
import { studentTQuantile } from '../../src/sensitivity/distributions.js';
import { mediationRho } from '../../src/sensitivity/mediation-rho.js';
import { adjustedEffect, ovbLinear, robustnessValue } from '../../src/sensitivity/ovb-linear.js';
import { drLearner, type BlpRow } from '../../src/analysis/dr-learner.js';

const root = new URL('../../../test/golden/', import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const expected: any = JSON.parse(readFileSync(new URL('sensitivity_expected.json', root), 'utf8'));

/** The fixture as an analysis frame: X = x1, x2, x3 and cat one-hot with R's treatment contrasts (a dropped). */
function fixtureFrame(): AnalysisFrame {
  const lines = readFileSync(new URL('sensitivity_fixture.csv', root), 'utf8').trim().split('\n');
  const header = lines[0].split(',').map((h) => h.replace(/"/g, ''));
  const rows = lines.slice(1).map((l) => l.split(',').map((v) => v.replace(/"/g, '')));
  const col = (name: string) => rows.map((r) => r[header.indexOf(name)]);
  const num = (name: string) => Float64Array.from(col(name), Number);
  const cat = col('cat');
  const n = rows.length;
  const xCols = [num('x1'), num('x2'), num('x3'), Float64Array.from(cat, (c) => (c === 'b' ? 1 : 0)), Float64Array.from(cat, (c) => (c === 'c' ? 1 : 0))];
  const data = new Float64Array(n * xCols.length);
  xCols.forEach((c, j) => data.set(c, j * n));
  return {
    n, rows: Int32Array.from({ length: n }, (_, i) => i), cluster: Int32Array.from(num('user')), A: num('A'), M: num('M'), Y: num('Y'), secondary: {},
    X: { rows: n, cols: xCols.length, data, names: ['x1', 'x2', 'x3', 'cat_b', 'cat_c'] },
    extra: { length: n, numeric: {}, categorical: {} }, warnings: [],
  } as unknown as AnalysisFrame;
}

function near(actual: number | null | undefined, wanted: number, what: string, tol = 1e-6): void {
  assert.ok(typeof actual === 'number' && Number.isFinite(actual), `${what}: got ${actual}`);
  const err = Math.abs(actual - wanted) / Math.max(1, Math.abs(wanted));
  assert.ok(err <= tol, `${what}: ${actual} vs ${wanted} (error ${err.toExponential(2)})`);
}

const frame = fixtureFrame();

test('t quantiles match R qt', () => {
  for (const c of expected.sensemakr.tQuantiles) near(studentTQuantile(c.p, c.dof), c.q, `qt(${c.p}, ${c.dof})`, 1e-9);
});

test('robustness values match sensemakr (binding, zero and extreme cases)', () => {
  for (const c of expected.sensemakr.rvCases) near(robustnessValue(c.t, c.dof, c.q, c.alpha), c.rv, `rv(t=${c.t}, dof=${c.dof}, q=${c.q}, alpha=${c.alpha})`);
});

test('sensemakr on Y ~ A + X: partial R², RV, benchmark bounds and adjusted estimates', () => {
  const s = expected.sensemakr;
  const r = ovbLinear(frame, { estimator: 'gcomp', benchmarks: ['x1', 'cat'], multipliers: [1, 2, 3], q: 1, alpha: 0.05 });
  near(r.estimate, s.estimate, 'estimate');
  near(r.se, s.se, 'se');
  assert.equal(r.dof, s.dof);
  near(r.tStatistic, s.t, 't');
  near(r.partialR2, s.partialR2, 'partial R²');
  near(r.rv, s.rv, 'RV_q');
  near(r.rvAlpha, s.rvAlpha, 'RV_q,alpha');
  assert.equal(r.benchmarks.length, s.bounds.length);
  s.bounds.forEach((b: Record<string, number | string>, i: number) => {
    const row = r.benchmarks[i];
    assert.equal(`${row.kd}x ${row.benchmark}`, b.label);
    near(row.r2dz, b.r2dz as number, `${b.label} r2dz`);
    near(row.r2yz, b.r2yz as number, `${b.label} r2yz`);
    near(row.adjustedEstimate, b.estimate as number, `${b.label} estimate`);
    near(row.adjustedSe, b.se as number, `${b.label} se`);
    near(row.adjustedLower, b.lower as number, `${b.label} lower`);
    near(row.adjustedUpper, b.upper as number, `${b.label} upper`);
    // sensemakr divides by a zero se (t = ±Inf) when the bound on R²(Y~Z|D,X) is capped at 1; results hold null
    if (typeof b.t === 'number') near(row.adjustedT, b.t, `${b.label} t`);
    else assert.equal(row.adjustedT, null);
  });
  assert.deepEqual(r.benchmarks.find((b) => b.benchmark === 'cat')!.columns, ['cat_b', 'cat_c']);
  for (const gp of s.grid) near(adjustedEffect(r.estimate, r.se, r.dof, gp.r2dz, gp.r2yz, 0.05).estimate, gp.estimate, `adjusted at (${gp.r2dz}, ${gp.r2yz})`);
  assert.equal(r.contour.estimate[0][0], r.estimate, 'the contour starts at the unadjusted estimate');
});

test('medsens: ACME(ρ) curve, intervals and the ρ at which the ACME vanishes', () => {
  for (const c of expected.medsens) {
    const r = mediationRho(frame, { estimator: 'mediation', interaction: c.interaction, step: 0.1, level: 0.95, variance: c.cluster ? 'cluster' : 'classical' });
    const what = `interaction=${c.interaction} cluster=${c.cluster}`;
    assert.equal(r.curve.length, c.rho.length, what);
    r.curve.forEach((p, i) => {
      near(p.rho, c.rho[i], `${what} rho[${i}]`, 1e-12);
      near(p.acme0, c.d0[i], `${what} d0[${i}]`);
      near(p.acme1, c.d1[i], `${what} d1[${i}]`);
      near(p.acme0Lower, c.lower_d0[i], `${what} lower d0[${i}]`);
      near(p.acme0Upper, c.upper_d0[i], `${what} upper d0[${i}]`);
      near(p.acme1Lower, c.lower_d1[i], `${what} lower d1[${i}]`);
      near(p.acme1Upper, c.upper_d1[i], `${what} upper d1[${i}]`);
    });
    const grid = [].concat(c.err_cr_d) as number[];
    near(r.rhoAtZeroGrid[0], grid[0], `${what} err.cr.d (control)`, 1e-12);
    near(r.rhoAtZeroGrid[1], grid[grid.length - 1], `${what} err.cr.d (treated)`, 1e-12);
    near(r.r2Mediator, c.r2_m, `${what} R² mediator`);
    near(r.r2Outcome, c.r2_y, `${what} R² outcome`);
    // the exact root lies within one grid step of medsens's grid point, and the curve changes sign there
    for (const k of [0, 1] as const) {
      const root = r.rhoAtZero[k];
      assert.ok(root !== null && Math.abs(root - r.rhoAtZeroGrid[k]) <= 0.1 + 1e-9, `${what} root ${root} near ${r.rhoAtZeroGrid[k]}`);
    }
  }
});

test('DR-learner stage two: best linear projection and calibration match lm + sandwich::vcovCL (HC1)', () => {
  const e = expected.drLearner;
  const psi = Float64Array.from(e.psi as number[]);
  const folds = Int32Array.from(e.fold as number[]);
  const X = frame.X;
  const col = (j: number) => X.data.subarray(j * X.rows, (j + 1) * X.rows);
  const r = drLearner(psi, frame.cluster, [{ name: 'x1', values: col(0) }, { name: 'x2', values: col(1) }, { name: 'x3', values: col(2) }], folds, { level: 0.95, source: 'R AIPW scores' });
  const check = (row: BlpRow, want: Record<string, number>, what: string) => {
    near(row.estimate, want.estimate, `${what} estimate`);
    near(row.se, want.se, `${what} se`);
    near(row.lower, want.lower, `${what} lower`);
    near(row.upper, want.upper, `${what} upper`);
    near(row.pValue, want.p, `${what} p`);
  };
  assert.equal(r.blp.length, e.blp.length);
  e.blp.forEach((want: Record<string, number>, j: number) => check(r.blp[j], want, `BLP ${want.term}`));
  check(r.calibration.intercept, e.calibration[0], 'calibration intercept');
  check(r.calibration.slope, e.calibration[1], 'calibration slope');
  near(r.calibration.pValueSlopeOne, e.p_slope_one, 'p(slope = 1)');
  assert.equal(r.calibration.folds, 3);
});
