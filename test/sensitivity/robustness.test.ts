import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CellResult } from '../../src/results/index.js';
import { robustnessFamilies, specificationCurve } from '../../src/sensitivity/robustness.js';

function cell(id: string, axes: Record<string, string | number>, te: number, nie: number, ci: [number, number] | null = null, status: CellResult['status'] = 'ok'): CellResult {
  return {
    id, axes, status, readiness: [], assumptions: [], diagnostics: {}, warnings: [],
    definitions: { treatment: { name: 'A', measure: 'm', rule: '', threshold: 0, treatedShare: 0.5 }, outcome: { name: 'y', rule: 'y' }, secondary: [] },
    estimators: status === 'ok' ? [
      { id: 'naive', kind: 'difference_in_means', status: 'ok', estimates: { ate: { estimate: te + 100 } }, diagnostics: {}, warnings: [] },
      { id: 'med', kind: 'mediation', status: 'ok', estimates: { te: { estimate: te, ci }, nde: { estimate: te - nie }, nie: { estimate: nie } }, diagnostics: {}, warnings: [] },
    ] : [],
  };
}

// A hand-made 3 × 2 grid: thresholds q ∈ {0.5, 0.6, 0.7} × mediator ∈ {sat, depth}; base = (0.5, sat).
const cells: CellResult[] = [
  cell('a', { q: 0.5, m: 'sat' }, 37.28, -1.31, [32.2, 42.8]),
  cell('b', { q: 0.5, m: 'depth' }, 37.26, 0.13, [-1, 70]),
  cell('c', { q: 0.6, m: 'sat' }, 38.0, -1.5, [33, 43]),
  cell('d', { q: 0.6, m: 'depth' }, 99, 9),  // differs on both axes: in no family
  cell('e', { q: 0.7, m: 'sat' }, 40.06, -1.65, [35, 45]),
  cell('f', { q: 0.7, m: 'depth' }, 0, 0, null, 'failed'),
];

test('robustness families vary one axis from the base cell (seed 004)', () => {
  const [q, m] = robustnessFamilies(cells);
  assert.equal(q!.family, 'q');
  assert.equal(q!.specifications, 3); // a, c, e
  assert.equal(q!.totalMin, 37.28);
  assert.equal(q!.totalMax, 40.06);
  assert.equal(q!.totalSharePositive, 1);
  assert.equal(q!.totalShareCiExcludesZero, 1);
  assert.equal(q!.indirectMin, -1.65);
  assert.equal(q!.indirectMax, -1.31);
  assert.equal(q!.indirectSharePositive, 0);
  // |nie/te|: 0.035139, 0.039474, 0.041188 → median 0.039474
  assert.ok(Math.abs(q!.medianAbsIndirectToTotal! - 1.5 / 38) < 1e-12);
  assert.equal(m!.family, 'm');
  assert.equal(m!.specifications, 2); // a, b
  assert.equal(m!.indirectSharePositive, 0.5);
  assert.equal(m!.totalShareCiExcludesZero, 0.5);
  assert.equal(m!.indirectMax, 0.13);
  assert.ok(Math.abs(m!.medianAbsIndirectToTotal! - (1.31 / 37.28 + 0.13 / 37.26) / 2) < 1e-12);
});

test('the total effect can come from another estimator; an estimators family compares the base cell', () => {
  const [q] = robustnessFamilies(cells, { totalEstimator: 'naive', estimatorFamily: true });
  assert.equal(q!.totalMin, 137.28);
  assert.equal(q!.indirectMin, -1.65); // still the mediation estimator
  const fams = robustnessFamilies(cells, { estimatorFamily: true });
  const est = fams[fams.length - 1]!;
  assert.equal(est.family, 'estimators');
  assert.equal(est.specifications, 2);
  assert.equal(est.totalMax, 137.28);
});

test('specification curve: ok cells sorted by estimate with their axis choices', () => {
  const curve = specificationCurve(cells, { estimator: 'med' })!;
  assert.equal(curve.estimand, 'te');
  assert.deepEqual(curve.axes, ['q', 'm']);
  assert.deepEqual(curve.points.map((p) => p.cellId), ['b', 'a', 'c', 'e', 'd']);
  assert.deepEqual(curve.points[0]!.axes, { q: 0.5, m: 'depth' });
  assert.deepEqual(curve.points[1]!.ci, [32.2, 42.8]);
  assert.equal(specificationCurve(cells, { estimator: 'nope' }), null);
  const nie = specificationCurve(cells, { estimator: 'med', estimand: 'nie' })!;
  assert.equal(nie.points[0]!.estimate, -1.65);
});
