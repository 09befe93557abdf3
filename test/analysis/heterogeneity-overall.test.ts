// The heterogeneity segments and their reference line (src/analysis/heterogeneity.ts): segment effects are
// means of one set of cross-fitted AIPW pseudo-outcomes, so over a partition of the rows their row-weighted
// average is the overall effect the report draws beside them, and that overall is an estimate of the same
// pseudo-outcomes, not another estimator's (the demo's segments once sat beside a mediation estimator's TE).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heterogeneity } from '../../src/analysis/heterogeneity.js';
import type { EstimatorSpec } from '../../src/estimate/types.js';
import { runEstimatorWithRows } from '../../src/estimate/runner.js';
import { simulateFrame } from '../support/simulate-frame.js';

function setup() {
  const { frame } = simulateFrame({ users: 40, daysPerUser: 12, covariates: 3, seed: 9 });
  // a partition of every row: tertiles of a numeric column and a two-level category
  const x = Float64Array.from({ length: frame.n }, (_, i) => Math.sin(i * 0.37) + (frame.cluster[i] % 5));
  const codes = Int32Array.from({ length: frame.n }, (_, i) => (frame.cluster[i] % 3 === 0 ? 1 : 0));
  frame.extra.numeric.seg_x = x;
  frame.extra.categorical.seg_c = { levels: ['a', 'b'], codes } as never;
  const ctx = { seed: 3, cellId: 'c1', models: {}, bootstrap: undefined };
  const estimators: EstimatorSpec[] = [
    { id: 'aipw', kind: 'aipw', outcome: 'linear', propensity: 'logistic', crossfit: { folds: 3 } },
    { id: 'med', kind: 'mediation', crossfit: { folds: 3 } },
  ];
  const rows = new Map<string, unknown>();
  const totals = new Map<string, number>();
  for (const spec of estimators) {
    const { result, rows: r } = runEstimatorWithRows(spec, frame, ctx);
    assert.equal(result.status, 'ok', `${spec.id}: ${result.reason}`);
    if (r) rows.set(spec.id, r);
    totals.set(spec.id, (result.estimates.ate ?? result.estimates.te)!.estimate!);
  }
  return { frame, ctx, estimators, rows, totals };
}

test('segments of a partition average, weighted by rows, to the recorded overall, which is the AIPW the cell ran', () => {
  const { frame, ctx, estimators, rows, totals } = setup();
  // the spec names the mediation estimator (its per-row effects make the mediation table); the AIPW segments
  // then take the cell's own cross-fitted AIPW
  const het = heterogeneity({ estimator: 'med', by: { seg_x: { tertiles: true }, seg_c: {} }, min_size: 1, importance: false, dr_learner: { modifiers: ['seg_x'] } }, frame, ctx, estimators, {}, rows);
  assert.equal(het.raw.pseudo_outcomes_estimator, 'aipw');
  assert.equal(het.raw.pseudo_outcomes_from, undefined, 'no separate AIPW was fitted');
  const overall = (het.raw.overall as { estimate: number }).estimate;
  assert.ok(Math.abs(overall - totals.get('aipw')!) < 1e-9 * Math.max(1, Math.abs(overall)), `overall ${overall} is the cell's AIPW ${totals.get('aipw')}`);
  assert.ok(Math.abs(overall - totals.get('med')!) > 1e-6, 'and not the mediation TE (the two differ on this frame)');
  for (const by of ['seg_x', 'seg_c']) {
    const segs = het.segments.filter((s) => s.by === by);
    const n = segs.reduce((a, s) => a + s.rows, 0);
    assert.equal(n, frame.n, `${by} partitions the rows`);
    const avg = segs.reduce((a, s) => a + s.rows * s.value.estimate!, 0) / n;
    assert.ok(Math.abs(avg - overall) < 1e-9 * Math.max(1, Math.abs(overall)), `${by}: row-weighted segment average ${avg} = overall ${overall}`);
    assert.ok(segs.some((s) => s.value.estimate! >= overall) && segs.some((s) => s.value.estimate! <= overall), `${by}: segments lie on both sides of the overall`);
  }
  // the DR-learner projects the same pseudo-outcomes: its centred intercept is the overall mean
  assert.ok(Math.abs(het.drLearner!.blp[0]!.estimate - overall) < 1e-8 * Math.max(1, Math.abs(overall)));
});

test('with no cross-fitted AIPW in the cell, one is fitted for the segments and the overall is its own mean', () => {
  const { frame, ctx, rows } = setup();
  const onlyMed: EstimatorSpec[] = [{ id: 'med', kind: 'mediation', crossfit: { folds: 3 } }];
  const het = heterogeneity({ estimator: 'med', by: { seg_c: {} }, min_size: 1, importance: false }, frame, ctx, onlyMed, {}, new Map([['med', rows.get('med')]]));
  assert.equal(het.raw.pseudo_outcomes_estimator, 'aipw_heterogeneity');
  const overall = (het.raw.overall as { estimate: number }).estimate;
  const avg = het.segments.reduce((a, s) => a + s.rows * s.value.estimate!, 0) / frame.n;
  assert.ok(Math.abs(avg - overall) < 1e-9 * Math.max(1, Math.abs(overall)));
});
