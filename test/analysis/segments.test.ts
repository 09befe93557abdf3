/**
 * Segment definitions of the heterogeneity section: quantile bins (rank and value edges), the built-in
 * day_of_week column and the top-k selection (docs/seeds.md §003's segment table). Expected values are
 * worked out by hand in the comments (numpy's linear-interpolation quantiles, pandas' interval labels).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numericSegments } from '../../src/estimate/ml/heterogeneity.js';
import { topSegments } from '../../src/analysis/heterogeneity.js';
import { dayOfWeekColumn } from '../../src/data/calendar.js';
import { buildPanel, type PanelDefinition } from '../../src/panel/index.js';
import { compileRowExpression, evaluateRows } from '../../src/panel/rows.js';
import { makeTinyData } from '../panel/fixture.js';

const counts = (code: Int32Array, k: number) => Array.from({ length: k }, (_, j) => code.filter((c) => c === j).length);

test('value quartiles cut at numpy quantiles and are labelled as pandas qcut prints them', () => {
  // sorted 0,0,0,1,2,3,4,5,6,7,8,100: q.25 at position 2.75 → 0.75, q.5 at 5.5 → 3.5, q.75 at 8.25 → 6.25
  const x = Float64Array.from([5, 0, 100, 1, 0, 2, 8, 3, 0, 7, 4, 6, NaN]);
  const seg = numericSegments('x', x, { quantiles: 4, edges: 'value' });
  assert.deepEqual(seg.labels, ['(-0.001, 0.75]', '(0.75, 3.5]', '(3.5, 6.25]', '(6.25, 100.0]']);
  assert.deepEqual(counts(seg.code, 4), [3, 3, 3, 3]);
  assert.equal(seg.code[12], -1, 'a missing value is in no segment');
  assert.equal(seg.code[2], 3);
  // repeated edges are dropped (duplicates='drop'): half the values tie at 0, so q.25 = q.5 = 0
  const tied = numericSegments('t', Float64Array.from([0, 0, 0, 0, 1, 2, 3, 4]), { quantiles: 4, edges: 'value' });
  // q.75 at position 5.25 → 2.25; edges 0, 0, 0.5 → dropped to 0, 0.5, 2.25, 4
  assert.deepEqual(tied.labels, ['(-0.001, 0.5]', '(0.5, 2.25]', '(2.25, 4.0]']);
  assert.deepEqual(counts(tied.code, 3), [4, 2, 2]);
});

test('rank quantiles make equal-count groups whatever the ties; deciles of 20 rows hold 2 each', () => {
  const tied = numericSegments('t', Float64Array.from([0, 0, 0, 0, 1, 2, 3, 4]), { quantiles: 4 });
  assert.deepEqual(counts(tied.code, 4), [2, 2, 2, 2]);
  assert.deepEqual(tied.labels, ['q1 [0.0, 0.0]', 'q2 [0.0, 0.0]', 'q3 [1.0, 2.0]', 'q4 [3.0, 4.0]']);
  const deciles = numericSegments('d', Float64Array.from({ length: 20 }, (_, i) => 19 - i), { quantiles: 10 });
  assert.deepEqual(counts(deciles.code, 10), Array(10).fill(2));
  assert.equal(deciles.code[0], 9, 'the largest value is in the top decile');
});

test('day_of_week is the weekday of the YYYYMMDD date, Monday first as pandas dayofweek', () => {
  // 1970-01-01 was a Thursday; KuaiRec's log starts on Sunday 2020-07-05; 2000-02-29 was a Tuesday
  const col = dayOfWeekColumn([19700101, 20200705, 20200706, 20000229, NaN]);
  assert.deepEqual([...col.codes].map((c) => (c >= 0 ? col.levels[c] : null)), ['Thursday', 'Sunday', 'Monday', 'Tuesday', null]);
});

test('every panel has the built-in day_of_week category, usable in row expressions', () => {
  const def: PanelDefinition = { events: [], history: [], days: [{ name: 'interactions', expr: 'count()', origin: { file: 'spec.yaml', line: 1, col: 1 } }] };
  const panel = buildPanel(makeTinyData(), def, { scratchMinLength: 0 });
  const dow = panel.table.categorical.day_of_week;
  assert.ok(dow, 'day_of_week exists');
  const dates = panel.table.numeric.date;
  for (let r = 0; r < panel.length; r++) assert.equal(dow.levels[dow.codes[r]], dayOfWeekColumn([dates[r]]).levels[dayOfWeekColumn([dates[r]]).codes[0]]);
  const weekend = evaluateRows(compileRowExpression('day_of_week == "Saturday" or day_of_week == "Sunday"', { file: 'spec.yaml', line: 1, col: 1 }, panel.table), panel.table);
  for (let r = 0; r < panel.length; r++) {
    const name = dow.levels[dow.codes[r]];
    assert.equal(weekend[r], name === 'Saturday' || name === 'Sunday' ? 1 : 0);
  }
});

test('top segments: the k largest and k smallest effects among segments passing the size filter', () => {
  const row = (segment: string, ate: number | null, passes = true) => ({
    segment_type: 's', segment, rows: 100, users: 20, treatment_rate: 0.5, observed_outcome_mean: 1, aipw_ate: ate, aipw_score_std: 1,
    gcomp_component: 0, mean_propensity: 0.5, passes_size_filter: passes, bootstrap_reps: 0, bootstrap_mean: null, bootstrap_std: null, ci_95_lower: null, ci_95_upper: null,
  });
  const rows = [row('a', 1), row('b', 5), row('c', -3), row('d', 9, false), row('e', 0), row('f', null)];
  const top = topSegments(rows, 2);
  assert.deepEqual(top.map((r) => [r.direction, r.segment]), [
    ['most_positive', 'b'], ['most_positive', 'a'], ['most_negative', 'c'], ['most_negative', 'e'],
  ]);
  // fewer eligible than 2k: a segment appears at both ends, as the seed's head(k) of each sort
  assert.equal(topSegments(rows, 8).length, 8);
});
