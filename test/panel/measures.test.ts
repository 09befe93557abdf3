/**
 * Every user-day measure of seeds 000 and 001, defined spec-style and built on the tiny fixture
 * (test/panel/fixture.ts, where each event's values are listed). Expected values are worked out by
 * hand in the comments; rows are [user 10 days 0..8] and [user 20 days 0..8].
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPanel, type HistoryEntry, type NamedExpression, type Panel, type PanelDefinition } from '../../src/panel/index.js';
import { makeTinyData } from './fixture.js';

let line = 10;
const named = (name: string, expr: string): NamedExpression => ({ name, expr, origin: { file: 'spec.yaml', line: line++, col: 20 } });

// Seed 000/001 event-level proxies. valid_play's exact rule is not printed in the seeds; the
// threshold here is ours (a play of at least 2 s).
const EVENTS: NamedExpression[] = [
  named('play_duration_sec', 'play_duration / 1000'),
  named('video_duration_sec', 'video_duration / 1000'),
  named('watch_ratio_capped_2', 'clip(watch_ratio, 0, 2)'),
  named('valid_play', 'play_duration >= 2000'),
  named('high_watch', 'watch_ratio >= 0.8'),
  named('complete_or_rewatch', 'watch_ratio >= 1.0'),
  named('short_abandon', 'watch_ratio < 0.2'),
  // As the spec sketch writes it: item.avg_show_cnt already falls back to play counts (seed 000).
  named('long_tail', 'item.avg_show_cnt <= quantile(item.avg_show_cnt, 0.5)'),
  // The same rule spelled out with coalesce over the raw averages.
  named('popularity', 'coalesce(item.avg_show_cnt, item.avg_play_cnt)'),
  named('long_tail_explicit', 'popularity <= quantile(coalesce(item.avg_show_cnt, item.avg_play_cnt), 0.5)'),
  // Defined before the field it uses: definitions are ordered by dependency, not by position.
  named('discovery_candidate', 'long_tail or new_category'),
  named('new_category', 'first_time(user_id, item.first_category)'),
  // Seed 000's avg_satisfaction_score equals 0.25 capped ratio + 0.25 valid + 0.25 complete on its printed rows.
  named('satisfaction_score', '0.25 * watch_ratio_capped_2 + 0.25 * valid_play + 0.25 * complete_or_rewatch'),
];

const DAYS: NamedExpression[] = [
  named('interactions', 'count()'),
  named('unique_videos', 'nunique(video_id)'),
  named('unique_categories', 'nunique(item.first_category)'),
  named('total_play_duration_ms', 'sum(play_duration)'),
  named('total_play_duration_sec', 'sum(play_duration) / 1000'),
  named('avg_play_duration_sec', 'mean(play_duration_sec)'),
  named('avg_video_duration_sec', 'mean(video_duration_sec)'),
  named('avg_watch_ratio', 'mean(watch_ratio)'),
  named('avg_watch_ratio_capped_2', 'mean(watch_ratio_capped_2)'),
  named('valid_play_share', 'share(valid_play)'),
  named('high_watch_count', 'sum(high_watch)'),
  named('high_watch_share', 'share(high_watch)'),
  named('high_satisfaction_share', 'mean(high_watch)'),
  named('complete_or_rewatch_count', 'sum(complete_or_rewatch)'),
  named('complete_or_rewatch_share', 'share(complete_or_rewatch)'),
  named('short_abandon_share', 'share(short_abandon)'),
  named('avg_satisfaction_score', 'mean(satisfaction_score)'),
  named('long_tail_share', 'share(long_tail)'),
  named('long_tail_explicit_share', 'share(long_tail_explicit)'),
  named('new_category_share', 'share(new_category)'),
  named('discovery_candidate_share', 'share(discovery_candidate)'),
  named('max_watch_ratio', 'max(watch_ratio)'),
  named('min_watch_ratio', 'min(watch_ratio)'),
  named('tenure', 'user.register_days'),
  named('satisfaction_depth_score', 'zmean(avg_watch_ratio_capped_2, high_satisfaction_share, complete_or_rewatch_share, -short_abandon_share)'),
];

const LAGGED = ['active_day', 'interactions', 'total_play_duration_sec', 'avg_watch_ratio_capped_2', 'valid_play_share', 'high_satisfaction_share', 'discovery_candidate_share'];
const FUTURE = ['active_day', 'interactions', 'total_play_duration_sec'];

// Seed 000: lead 1 and future windows zero-filled past the data.
const HISTORY_000: HistoryEntry[] = [
  { kind: 'lag', days: [1], of: LAGGED },
  { kind: 'prior', days: [3], of: LAGGED },
  { kind: 'lead', days: [1], of: FUTURE, incomplete: 'zero' },
  { kind: 'future', days: [3, 7], of: FUTURE, incomplete: 'zero' },
];
// Seed 001: leads 1..7, next day and future windows missing past the data.
const HISTORY_001: HistoryEntry[] = [
  { kind: 'lag', days: [1], of: ['active_day', 'interactions', 'total_play_duration_sec', 'avg_watch_ratio', 'high_watch_share'] },
  { kind: 'prior', days: [3], of: ['active_day', 'interactions', 'total_play_duration_sec', 'avg_watch_ratio', 'high_watch_share'] },
  { kind: 'lead', days: [1, 2, 3, 4, 5, 6, 7], of: FUTURE, incomplete: 'missing' },
  { kind: 'next_day', of: FUTURE, incomplete: 'missing' },
  { kind: 'future', days: [3, 7], of: FUTURE, incomplete: 'missing' },
];

const def000: PanelDefinition = { events: EVENTS, days: DAYS, history: HISTORY_000, userFeatures: 'all' };
const def001: PanelDefinition = { events: EVENTS, days: DAYS, history: HISTORY_001, userFeatures: ['register_days', 'user_active_degree'] };

const N = NaN;
/** Compares a panel column with [user 10 values, user 20 values]; NaN must match NaN. */
function expectColumn(panel: Panel, name: string, expected: [number[], number[]]): void {
  const actual = panel.table.numeric[name];
  assert.ok(actual, `column ${name} exists`);
  const flat = [...expected[0], ...expected[1]];
  assert.equal(actual.length, flat.length, `${name} length`);
  flat.forEach((want, i) => {
    const got = actual[i];
    const where = `${name} user ${i < 9 ? 10 : 20} day ${i % 9}`;
    if (Number.isNaN(want)) assert.ok(Number.isNaN(got), `${where}: expected missing, got ${got}`);
    else assert.ok(Math.abs(got - want) < 1e-9, `${where}: expected ${want}, got ${got}`);
  });
}

// scratchMinLength 0: reuse scratch arrays even at this tiny size, so the reuse paths are exercised.
const panel000 = buildPanel(makeTinyData(), def000, { scratchMinLength: 0 });
const panel001 = buildPanel(makeTinyData(), def001, { scratchMinLength: 0 });

test('scratch reuse does not change any value', () => {
  const plain = buildPanel(makeTinyData(), def000, { scratchMinLength: Number.MAX_SAFE_INTEGER });
  for (const [name, values] of Object.entries(plain.table.numeric)) {
    assert.deepEqual([...panel000.table.numeric[name]], [...values], name);
  }
});

test('the panel is dense: sampled users with events × every calendar day', () => {
  assert.equal(panel000.length, 18); // users 10 and 20 (30 has no events) × 9 days
  assert.deepEqual([...panel000.userId.slice(0, 2)], [10, 10]);
  assert.equal(panel000.userId[9], 20);
  assert.deepEqual(panel000.dates, [20200705, 20200706, 20200707, 20200708, 20200709, 20200710, 20200711, 20200712, 20200713]);
  assert.deepEqual([...panel000.dayIndex.slice(0, 9)], [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  expectColumn(panel000, 'calendar_day_index', [[0, 1, 2, 3, 4, 5, 6, 7, 8], [0, 1, 2, 3, 4, 5, 6, 7, 8]]);
  expectColumn(panel000, 'date', [panel000.dates, panel000.dates]);
  expectColumn(panel000, 'user_id', [Array(9).fill(10), Array(9).fill(20)]);
  // Events on days 0, 1, 3 (user 10; e7 has no date and is left out) and 2, 8 (user 20).
  expectColumn(panel000, 'active_day', [[1, 1, 0, 1, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 0, 0, 1]]);
});

test('counts and distinct counts', () => {
  expectColumn(panel000, 'interactions', [[3, 2, 0, 1, 0, 0, 0, 0, 0], [0, 0, 3, 0, 0, 0, 0, 0, 1]]);
  // user 20 day 2 watches 104 twice: 2 distinct videos.
  expectColumn(panel000, 'unique_videos', [[3, 2, 0, 1, 0, 0, 0, 0, 0], [0, 0, 2, 0, 0, 0, 0, 0, 1]]);
  // first categories: d0 {5,7,5} → 2; d1 {5,8} → 2; d3 {7}; user 20 d2 {8,8,5} → 2; d8 {7}.
  expectColumn(panel000, 'unique_categories', [[2, 2, 0, 1, 0, 0, 0, 0, 0], [0, 0, 2, 0, 0, 0, 0, 0, 1]]);
});

test('play durations', () => {
  // d0: 4000+9000+1000 = 14000 ms; d1: 25000+12000; d3: 1500; user 20 d2: 6000+24000+8000; d8: 500.
  expectColumn(panel000, 'total_play_duration_ms', [[14000, 37000, 0, 1500, 0, 0, 0, 0, 0], [0, 0, 38000, 0, 0, 0, 0, 0, 500]]);
  expectColumn(panel000, 'total_play_duration_sec', [[14, 37, 0, 1.5, 0, 0, 0, 0, 0], [0, 0, 38, 0, 0, 0, 0, 0, 0.5]]);
  expectColumn(panel000, 'avg_play_duration_sec', [[14 / 3, 18.5, 0, 1.5, 0, 0, 0, 0, 0], [0, 0, 38 / 3, 0, 0, 0, 0, 0, 0.5]]);
  // video durations: d0 10,10,10; d1 10,12; d3 10; user 20 d2 12,12,10; d8 10.
  expectColumn(panel000, 'avg_video_duration_sec', [[10, 11, 0, 10, 0, 0, 0, 0, 0], [0, 0, 34 / 3, 0, 0, 0, 0, 0, 10]]);
});

test('watch-ratio means, caps, min and max', () => {
  // d0 (0.4+0.9+0.1)/3; d1 (2.5+1.0)/2; d3 0.15; user 20 d2 (0.5+2.0+0.8)/3; d8 0.05.
  expectColumn(panel000, 'avg_watch_ratio', [[1.4 / 3, 1.75, 0, 0.15, 0, 0, 0, 0, 0], [0, 0, 1.1, 0, 0, 0, 0, 0, 0.05]]);
  // capped at 2: d1 becomes (2.0+1.0)/2 = 1.5; user 20's 2.0 is at the cap.
  expectColumn(panel000, 'avg_watch_ratio_capped_2', [[1.4 / 3, 1.5, 0, 0.15, 0, 0, 0, 0, 0], [0, 0, 1.1, 0, 0, 0, 0, 0, 0.05]]);
  expectColumn(panel000, 'max_watch_ratio', [[0.9, 2.5, 0, 0.15, 0, 0, 0, 0, 0], [0, 0, 2.0, 0, 0, 0, 0, 0, 0.05]]);
  expectColumn(panel000, 'min_watch_ratio', [[0.1, 1.0, 0, 0.15, 0, 0, 0, 0, 0], [0, 0, 0.5, 0, 0, 0, 0, 0, 0.05]]);
});

test('valid-play, high-watch, complete-or-rewatch and short-abandon shares', () => {
  // valid (play >= 2 s): d0 4000✓ 9000✓ 1000✗ → 2/3; d1 1; d3 1500✗ → 0; user 20 d2 all ✓; d8 500✗.
  expectColumn(panel000, 'valid_play_share', [[2 / 3, 1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 0, 0, 0]]);
  // high watch (>= 0.8): d0 0.9 → 1/3; d1 2.5, 1.0 → 1; d3 0; user 20 d2 2.0, 0.8 → 2/3; d8 0.
  expectColumn(panel000, 'high_watch_share', [[1 / 3, 1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 2 / 3, 0, 0, 0, 0, 0, 0]]);
  expectColumn(panel000, 'high_satisfaction_share', [[1 / 3, 1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 2 / 3, 0, 0, 0, 0, 0, 0]]);
  expectColumn(panel000, 'high_watch_count', [[1, 2, 0, 0, 0, 0, 0, 0, 0], [0, 0, 2, 0, 0, 0, 0, 0, 0]]);
  // complete or rewatch (>= 1.0): d1 2.5, 1.0 → 1; user 20 d2 2.0 → 1/3.
  expectColumn(panel000, 'complete_or_rewatch_share', [[0, 1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 1 / 3, 0, 0, 0, 0, 0, 0]]);
  expectColumn(panel000, 'complete_or_rewatch_count', [[0, 2, 0, 0, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 0, 0, 0]]);
  // short abandon (< 0.2): d0 0.1 → 1/3; d3 0.15 → 1; user 20 d8 0.05 → 1.
  expectColumn(panel000, 'short_abandon_share', [[1 / 3, 0, 0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 1]]);
  // satisfaction score per event: e1 .35 e2 .475 e3 .025 | e4 1.0 e5 .75 | e6 .0375 | f1 .375 f2 1.0 f3 .45 | f4 .0125
  expectColumn(panel000, 'avg_satisfaction_score', [[0.85 / 3, 0.875, 0, 0.0375, 0, 0, 0, 0, 0], [0, 0, 1.825 / 3, 0, 0, 0, 0, 0, 0.0125]]);
});

test('long-tail share from platform exposure with the play-count fallback', () => {
  // Long tail: 102 and 103 (103 has no show_cnt: its play_cnt 40 stands in). 105 and 999 are not in
  // the sample and do not move the median. d0 101✗ 102✓ 103✓ → 2/3; d1 101✗ 104✗ → 0; d3 102 → 1;
  // user 20 d2 104✗ 104✗ 103✓ → 1/3; d8 102 → 1.
  expectColumn(panel000, 'long_tail_share', [[2 / 3, 0, 0, 1, 0, 0, 0, 0, 0], [0, 0, 1 / 3, 0, 0, 0, 0, 0, 1]]);
  expectColumn(panel000, 'long_tail_explicit_share', [[2 / 3, 0, 0, 1, 0, 0, 0, 0, 0], [0, 0, 1 / 3, 0, 0, 0, 0, 0, 1]]);
});

test('new-category and discovery-candidate shares', () => {
  // user 10 in time order: 5 new, 7 new, 5 seen | 5 seen, 8 new | 7 seen  (e7, undated, is 8: seen)
  // user 20: 8 new, 8 seen, 5 new | 7 new
  expectColumn(panel000, 'new_category_share', [[2 / 3, 0.5, 0, 0, 0, 0, 0, 0, 0], [0, 0, 2 / 3, 0, 0, 0, 0, 0, 1]]);
  // discovery = long tail or new category: d0 e1 new, e2 both, e3 LT → 1; d1 e4 ✗, e5 new → 1/2;
  // d3 e6 LT → 1; user 20 d2 f1 new, f2 ✗, f3 both → 2/3; d8 → 1.
  expectColumn(panel000, 'discovery_candidate_share', [[1, 0.5, 0, 1, 0, 0, 0, 0, 0], [0, 0, 2 / 3, 0, 0, 0, 0, 0, 1]]);
});

test('satisfaction_depth_score: mean of z-scores over active days, 0 on inactive days', () => {
  // Active rows in panel order: u10 d0, d1, d3; u20 d2, d8.
  const activeRows = [0, 1, 3, 11, 17];
  const capped = [1.4 / 3, 1.5, 0.15, 1.1, 0.05];
  const high = [1 / 3, 1, 0, 2 / 3, 0];
  const complete = [0, 1, 0, 1 / 3, 0];
  const negShort = [-1 / 3, 0, -1, 0, -1];
  const z = (xs: number[]) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
    return xs.map((x) => (x - m) / sd);
  };
  const parts = [z(capped), z(high), z(complete), z(negShort)];
  const expected = new Array(18).fill(0);
  activeRows.forEach((row, k) => (expected[row] = parts.reduce((a, p) => a + p[k], 0) / 4));
  expectColumn(panel000, 'satisfaction_depth_score', [expected.slice(0, 9), expected.slice(9)]);
  // The z-scores are centred over active days: the score averages to 0 there.
  const mean = activeRows.reduce((a, r) => a + panel000.table.numeric.satisfaction_depth_score[r], 0) / 5;
  assert.ok(Math.abs(mean) < 1e-12);
});

test('lag 1 and prior 3-day windows, 0-filled at the start (seed 000)', () => {
  expectColumn(panel000, 'lag_1_interactions', [[0, 3, 2, 0, 1, 0, 0, 0, 0], [0, 0, 0, 3, 0, 0, 0, 0, 0]]);
  expectColumn(panel000, 'lag_1_active_day', [[0, 1, 1, 0, 1, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 0, 0, 0]]);
  // prior 3 days = sum of the three days before: u10 d3 = 3+2+0, d4 = 2+0+1, d5 = 0+1+0, d6 = 1+0+0.
  expectColumn(panel000, 'prior_3day_interactions', [[0, 3, 5, 5, 3, 1, 1, 0, 0], [0, 0, 0, 3, 3, 3, 0, 0, 0]]);
  expectColumn(panel000, 'prior_3day_active_day', [[0, 1, 2, 2, 2, 1, 1, 0, 0], [0, 0, 0, 1, 1, 1, 0, 0, 0]]);
  expectColumn(panel000, 'prior_3day_total_play_duration_sec', [[0, 14, 51, 51, 38.5, 1.5, 1.5, 0, 0], [0, 0, 0, 38, 38, 38, 0, 0, 0]]);
  expectColumn(panel000, 'lag_1_avg_watch_ratio_capped_2', [[0, 1.4 / 3, 1.5, 0, 0.15, 0, 0, 0, 0], [0, 0, 0, 1.1, 0, 0, 0, 0, 0]]);
  expectColumn(panel000, 'prior_3day_valid_play_share', [[0, 2 / 3, 5 / 3, 5 / 3, 1, 0, 0, 0, 0], [0, 0, 0, 1, 1, 1, 0, 0, 0]]);
  expectColumn(panel000, 'prior_3day_high_satisfaction_share', [[0, 1 / 3, 4 / 3, 4 / 3, 1, 0, 0, 0, 0], [0, 0, 0, 2 / 3, 2 / 3, 2 / 3, 0, 0, 0]]);
  expectColumn(panel000, 'lag_1_discovery_candidate_share', [[0, 1, 0.5, 0, 1, 0, 0, 0, 0], [0, 0, 0, 2 / 3, 0, 0, 0, 0, 0]]);
  expectColumn(panel000, 'prior_3day_discovery_candidate_share', [[0, 1, 1.5, 1.5, 1.5, 1, 1, 0, 0], [0, 0, 0, 2 / 3, 2 / 3, 2 / 3, 0, 0, 0]]);
  expectColumn(panel000, 'lag_1_valid_play_share', [[0, 2 / 3, 1, 0, 0, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 0, 0, 0]]);
});

test('lead 1 and future 3/7-day windows zero-filled past the data (seed 000)', () => {
  // interactions u10 [3,2,0,1,0,0,0,0,0], u20 [0,0,3,0,0,0,0,0,1]
  expectColumn(panel000, 'lead_1_interactions', [[2, 0, 1, 0, 0, 0, 0, 0, 0], [0, 3, 0, 0, 0, 0, 0, 1, 0]]);
  // future 3: sum of the next three days, days past day 8 count 0. u20 d5..d7 see day 8's 1.
  expectColumn(panel000, 'future_3day_interactions', [[3, 1, 1, 0, 0, 0, 0, 0, 0], [3, 3, 0, 0, 0, 1, 1, 1, 0]]);
  // future 7: u10 d0 = days 1..7 = 2+0+1; u20 d1 = days 2..8 = 3+1.
  expectColumn(panel000, 'future_7day_interactions', [[3, 1, 1, 0, 0, 0, 0, 0, 0], [3, 4, 1, 1, 1, 1, 1, 1, 0]]);
  expectColumn(panel000, 'future_7day_active_day', [[2, 1, 1, 0, 0, 0, 0, 0, 0], [1, 2, 1, 1, 1, 1, 1, 1, 0]]);
  expectColumn(panel000, 'future_3day_total_play_duration_sec', [[38.5, 1.5, 1.5, 0, 0, 0, 0, 0, 0], [38, 38, 0, 0, 0, 0.5, 0.5, 0.5, 0]]);
  expectColumn(panel000, 'future_7day_total_play_duration_sec', [[38.5, 1.5, 1.5, 0, 0, 0, 0, 0, 0], [38, 38.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0]]);
  expectColumn(panel000, 'lead_1_active_day', [[1, 0, 1, 0, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0, 1, 0]]);
});

test('leads 1..7, next day and future windows missing past the horizon (seed 001)', () => {
  expectColumn(panel001, 'lead_1_interactions', [[2, 0, 1, 0, 0, 0, 0, 0, N], [0, 3, 0, 0, 0, 0, 0, 1, N]]);
  expectColumn(panel001, 'lead_2_interactions', [[0, 1, 0, 0, 0, 0, 0, N, N], [3, 0, 0, 0, 0, 0, 1, N, N]]);
  expectColumn(panel001, 'lead_3_interactions', [[1, 0, 0, 0, 0, 0, N, N, N], [0, 0, 0, 0, 0, 1, N, N, N]]);
  expectColumn(panel001, 'lead_4_interactions', [[0, 0, 0, 0, 0, N, N, N, N], [0, 0, 0, 0, 1, N, N, N, N]]);
  expectColumn(panel001, 'lead_5_interactions', [[0, 0, 0, 0, N, N, N, N, N], [0, 0, 0, 1, N, N, N, N, N]]);
  expectColumn(panel001, 'lead_6_interactions', [[0, 0, 0, N, N, N, N, N, N], [0, 0, 1, N, N, N, N, N, N]]);
  expectColumn(panel001, 'lead_7_interactions', [[0, 0, N, N, N, N, N, N, N], [0, 1, N, N, N, N, N, N, N]]);
  expectColumn(panel001, 'lead_3_active_day', [[1, 0, 0, 0, 0, 0, N, N, N], [0, 0, 0, 0, 0, 1, N, N, N]]);
  expectColumn(panel001, 'lead_2_total_play_duration_sec', [[0, 1.5, 0, 0, 0, 0, 0, N, N], [38, 0, 0, 0, 0, 0, 0.5, N, N]]);
  expectColumn(panel001, 'next_day_interactions', [[2, 0, 1, 0, 0, 0, 0, 0, N], [0, 3, 0, 0, 0, 0, 0, 1, N]]);
  expectColumn(panel001, 'next_day_active_day', [[1, 0, 1, 0, 0, 0, 0, 0, N], [0, 1, 0, 0, 0, 0, 0, 1, N]]);
  expectColumn(panel001, 'future_3day_interactions', [[3, 1, 1, 0, 0, 0, N, N, N], [3, 3, 0, 0, 0, 1, N, N, N]]);
  expectColumn(panel001, 'future_7day_interactions', [[3, 1, N, N, N, N, N, N, N], [3, 4, N, N, N, N, N, N, N]]);
  expectColumn(panel001, 'future_7day_active_day', [[2, 1, N, N, N, N, N, N, N], [1, 2, N, N, N, N, N, N, N]]);
  expectColumn(panel001, 'future_3day_total_play_duration_sec', [[38.5, 1.5, 1.5, 0, 0, 0, N, N, N], [38, 38, 0, 0, 0, 0.5, N, N, N]]);
  // 001's own lag set: avg_watch_ratio and high_watch_share.
  expectColumn(panel001, 'lag_1_avg_watch_ratio', [[0, 1.4 / 3, 1.75, 0, 0.15, 0, 0, 0, 0], [0, 0, 0, 1.1, 0, 0, 0, 0, 0]]);
  expectColumn(panel001, 'prior_3day_high_watch_share', [[0, 1 / 3, 4 / 3, 4 / 3, 1, 0, 0, 0, 0], [0, 0, 0, 2 / 3, 2 / 3, 2 / 3, 0, 0, 0]]);
});

test('user features are joined onto every row (numeric and categorical)', () => {
  expectColumn(panel001, 'register_days', [Array(9).fill(100), Array(9).fill(200)]);
  const degree = panel001.table.categorical.user_active_degree;
  assert.ok(degree);
  const labels = [...degree.codes].map((c) => degree.levels[c]);
  assert.deepEqual(labels, [...Array(9).fill('full_active'), ...Array(9).fill('high_active')]);
  // A day measure built from a user feature is 0 on inactive days; the joined column is untouched.
  expectColumn(panel000, 'tenure', [[100, 100, 0, 100, 0, 0, 0, 0, 0], [0, 0, 200, 0, 0, 0, 0, 0, 200]]);
  expectColumn(panel000, 'register_days', [Array(9).fill(100), Array(9).fill(200)]);
  // Only the listed features in 001; 'all' in 000 brings every user column except the id.
  assert.equal(panel001.table.numeric.onehot_feat0, undefined);
  assert.ok(panel000.table.numeric.register_days);
});

test('column order and naming follow the seeds', () => {
  const names = Object.keys(panel000.table.numeric);
  for (const expected of ['lag_1_interactions', 'prior_3day_interactions', 'lead_1_interactions', 'future_3day_interactions', 'future_7day_interactions']) {
    assert.ok(names.includes(expected), expected);
  }
  assert.ok(Object.keys(panel001.table.numeric).includes('next_day_total_play_duration_sec'));
});

test('unitmean: the mean of day measures min-max scaled to [0, 1] over active days; a negated measure scales to 1 − x', () => {
  const at = { file: 'spec.yaml', line: 1, col: 1 };
  const def: PanelDefinition = {
    events: [],
    history: [],
    days: [
      { name: 'interactions', expr: 'count()', origin: at },
      { name: 'mean_wr', expr: 'mean(watch_ratio)', origin: at },
      { name: 'score', expr: 'unitmean(interactions, -mean_wr)', origin: at },
    ],
  };
  const panel = buildPanel(makeTinyData(), def, { scratchMinLength: 0 });
  const { interactions, mean_wr: wr, score, active_day: active } = panel.table.numeric;
  const over = (x: Float64Array) => [...x].filter((_, r) => active[r] === 1);
  const [iLo, iHi] = [Math.min(...over(interactions)), Math.max(...over(interactions))];
  const [wLo, wHi] = [Math.min(...over(wr)), Math.max(...over(wr))];
  let checked = 0;
  for (let r = 0; r < panel.length; r++) {
    if (active[r] !== 1) {
      assert.equal(score[r], 0, 'inactive days are 0 like every measure');
      continue;
    }
    const want = ((interactions[r] - iLo) / (iHi - iLo) + (wHi - wr[r]) / (wHi - wLo)) / 2;
    assert.ok(Math.abs(score[r] - want) < 1e-12, `row ${r}: ${score[r]} vs ${want}`);
    assert.ok(score[r] >= 0 && score[r] <= 1);
    checked++;
  }
  assert.ok(checked >= 4);
});
