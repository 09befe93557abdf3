// Near separation is caught: when the covariates (nearly) determine the treatment, the arms share little
// of the propensity range; the cell warns and the positivity row says so instead of "low".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commonSupport } from '../../src/analysis/propensity.js';
import { cellPropensityDiagnostics } from '../../src/analysis/propensity.js';
import { assumptionTable } from '../../src/analysis/assumptions.js';
import { simulateFrame } from '../support/simulate-frame.js';

test('common support: overlapping arms are not separated, disjoint ones are', () => {
  const A = Float64Array.from([1, 1, 1, 0, 0, 0]);
  const mixed = commonSupport(Float64Array.from([0.3, 0.6, 0.7, 0.2, 0.4, 0.65]), A);
  assert.equal(mixed.separated, false);
  assert.ok(Math.abs(mixed.outside - 2 / 6) < 1e-12, String(mixed.outside));
  const apart = commonSupport(Float64Array.from([0.9, 0.95, 0.99, 0.01, 0.05, 0.1]), A);
  assert.equal(apart.separated, true);
  assert.equal(apart.outside, 1);
});

test('a frame whose covariates include the treatment itself: the positivity row says high, not low', () => {
  const { frame } = simulateFrame({ users: 40, daysPerUser: 8, covariates: 2, seed: 3 });
  // the treatment's own indicator as a design column: perfect separation
  const n = frame.n;
  const data = new Float64Array(frame.X.data.length + n);
  data.set(frame.X.data);
  data.set(frame.A, frame.X.data.length);
  const separated = { ...frame, X: { rows: n, cols: frame.X.cols + 1, data, names: [...frame.X.names, 'treated_itself'] } };
  const ctx = { seed: 1, cellId: 'sep', models: {}, bootstrap: undefined };
  const diagnostics = cellPropensityDiagnostics(separated, ctx, {}, []);
  const support = (diagnostics.overlap as { support: { separated: boolean; outside: number } }).support;
  assert.equal(support.separated, true, JSON.stringify(support));
  const rows = assumptionTable(separated, [], diagnostics, undefined);
  assert.match(rows.find((r) => r.assumption === 'Positivity (overlap)')!.risk, /^high: the treatment is \(nearly\) determined by the covariates/);
  // the same frame without that column keeps its overlap
  const plain = cellPropensityDiagnostics(frame, ctx, {}, []);
  assert.equal((plain.overlap as { support: { separated: boolean } }).support.separated, false);
});
