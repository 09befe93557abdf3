/**
 * The panel against pandas: test/panel/golden/make_golden.py builds seed 000/001's user-day panel
 * with pandas (groupby, dense reindex, shift, rolling, sum(min_count)) on 544 random events of 20
 * users over 14 days with gaps; this test builds the same measures from spec-style definitions and
 * compares every column (1e-9).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withKuaiRecLayout } from '../../src/data/kuairec/index.js';
import { buildPanel, type HistoryEntry, type LoadedData, type NamedExpression, type PanelDefinition } from '../../src/panel/index.js';

// Compiled to dist/test/panel/: the CSVs stay in the source tree.
const GOLDEN = fileURLToPath(new URL('../../../test/panel/golden/', import.meta.url));

function readCsv(name: string): Record<string, Float64Array> & { length?: never } {
  const [header, ...lines] = readFileSync(GOLDEN + name, 'utf8').trim().split('\n');
  const names = header.split(',');
  const columns: Record<string, Float64Array> = {};
  names.forEach((n) => (columns[n] = new Float64Array(lines.length)));
  lines.forEach((line, r) => line.split(',').forEach((cell, c) => (columns[names[c]][r] = cell === '' ? NaN : Number(cell))));
  return columns as Record<string, Float64Array> & { length?: never };
}

function loadGolden(): LoadedData {
  const events = readCsv('events.csv');
  const daily = readCsv('item_daily.csv');
  const categories = readCsv('categories.csv');
  const users = readCsv('users.csv');
  const offsets = new Int32Array(categories.video_id.length + 1);
  const values: number[] = [];
  categories.video_id.forEach((_, r) => {
    values.push(categories.first[r]);
    if (categories.second[r] >= 0) values.push(categories.second[r]);
    offsets[r + 1] = values.length;
  });
  return withKuaiRecLayout({
    events: { length: events.user_id.length, numeric: events, categorical: {} },
    users: { length: users.user_id.length, numeric: users, categorical: {} },
    itemDaily: { length: daily.video_id.length, numeric: daily, categorical: {} },
    itemCategories: { videoId: Int32Array.from(categories.video_id), feat: { offsets, values: Int32Array.from(values) } },
    coverage: { firstDate: 20200705, lastDate: 20200718 },
    fingerprint: 'golden',
  });
}

const origin = { file: 'golden.yaml', line: 1, col: 1 };
const named = (name: string, expr: string): NamedExpression => ({ name, expr, origin });
const HISTORY = ['active_day', 'interactions', 'total_play_duration_sec', 'high_satisfaction_share', 'discovery_candidate_share'];
const FUTURE = ['active_day', 'interactions', 'total_play_duration_sec'];

function definition(incomplete: 'missing' | 'zero'): PanelDefinition {
  const history: HistoryEntry[] = [
    { kind: 'lag', days: [1], of: HISTORY },
    { kind: 'prior', days: [3], of: HISTORY },
    { kind: 'lead', days: [1, 2, 3, 4, 5, 6, 7], of: FUTURE, incomplete },
    { kind: 'next_day', of: FUTURE, incomplete },
    { kind: 'future', days: [3, 7], of: FUTURE, incomplete },
  ];
  return {
    events: [
      named('play_duration_sec', 'play_duration / 1000'),
      named('video_duration_sec', 'video_duration / 1000'),
      named('watch_ratio_capped_2', 'clip(watch_ratio, 0, 2)'),
      named('valid_play', 'play_duration >= 2000'),
      named('high_watch', 'watch_ratio >= 0.8'),
      named('complete_or_rewatch', 'watch_ratio >= 1.0'),
      named('short_abandon', 'watch_ratio < 0.2'),
      named('long_tail', 'item.avg_show_cnt <= quantile(item.avg_show_cnt, 0.5)'),
      named('new_category', 'first_time(user_id, item.first_category)'),
      named('discovery_candidate', 'long_tail or new_category'),
    ],
    days: [
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
      named('high_satisfaction_share', 'share(high_watch)'),
      named('complete_or_rewatch_share', 'share(complete_or_rewatch)'),
      named('short_abandon_share', 'share(short_abandon)'),
      named('long_tail_share', 'share(long_tail)'),
      named('new_category_share', 'share(new_category)'),
      named('discovery_candidate_share', 'share(discovery_candidate)'),
      named('satisfaction_depth_score', 'zmean(avg_watch_ratio_capped_2, high_satisfaction_share, complete_or_rewatch_share, -short_abandon_share)'),
    ],
    history,
    userFeatures: ['register_days'],
  };
}

function compare(actual: Float64Array | undefined, expected: Float64Array, name: string): void {
  assert.ok(actual, `panel has ${name}`);
  assert.equal(actual.length, expected.length, `${name} length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e)) assert.ok(Number.isNaN(a), `${name}[${i}]: pandas missing, panel ${a}`);
    else assert.ok(Math.abs(a - e) <= 1e-9 * Math.max(1, Math.abs(e)), `${name}[${i}]: pandas ${e}, panel ${a}`);
  }
}

test('every measure and history column matches pandas (seed 001: missing past the data)', () => {
  const expected = readCsv('expected.csv');
  const panel = buildPanel(loadGolden(), definition('missing'), { scratchMinLength: 0 });
  assert.equal(panel.length, expected.user_id.length);
  let compared = 0;
  for (const name of Object.keys(expected)) {
    if (name.startsWith('zero_')) continue;
    compare(panel.table.numeric[name], expected[name], name);
    compared++;
  }
  assert.ok(compared >= 60, `compared ${compared} columns`);
});

test('zero-filled leads and windows match pandas (seed 000)', () => {
  const expected = readCsv('expected.csv');
  const panel = buildPanel(loadGolden(), definition('zero'));
  for (const name of Object.keys(expected).filter((n) => n.startsWith('zero_'))) {
    compare(panel.table.numeric[name.slice('zero_'.length)], expected[name], name);
  }
});
