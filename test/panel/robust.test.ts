/**
 * The panel does not depend on the order events arrive in (the sorted fast paths and the general
 * paths agree), and bad inputs give one clear CausewayError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CausewayError } from '../../src/errors.js';
import { Rng } from '../../src/rng.js';
import type { ColumnTable } from '../../src/data/table.js';
import { buildPanel, type LoadedData, type PanelDefinition } from '../../src/panel/index.js';
import { makeTinyData } from './fixture.js';

const o = { file: 's.yaml', line: 1, col: 1 };
const def: PanelDefinition = {
  events: [
    { name: 'new_category', expr: 'first_time(user_id, item.first_category)', origin: o },
    { name: 'new_video', expr: 'first_time(user_id, video_id)', origin: o },
    { name: 'ratio_bucket', expr: 'clip(watch_ratio * 10, 0, 20) / 10', origin: o },
  ],
  days: [
    { name: 'interactions', expr: 'count()', origin: o },
    { name: 'unique_videos', expr: 'nunique(video_id)', origin: o },
    { name: 'unique_buckets', expr: 'nunique(ratio_bucket)', origin: o },
    { name: 'new_category_share', expr: 'share(new_category)', origin: o },
    { name: 'new_videos', expr: 'sum(new_video)', origin: o },
    { name: 'best', expr: 'max(watch_ratio)', origin: o },
  ],
  history: [{ kind: 'prior', days: [2], of: ['interactions'] }],
  userFeatures: 'none',
};

function permute(table: ColumnTable, order: number[]): ColumnTable {
  const numeric: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(table.numeric)) numeric[k] = Float64Array.from(order, (i) => v[i]);
  return { length: table.length, numeric, categorical: {} };
}

test('shuffled events give the same panel as sorted ones', () => {
  const sorted = makeTinyData();
  const order = Array.from({ length: sorted.events.length }, (_, i) => i);
  new Rng('panel-shuffle').shuffle(order);
  const shuffled: LoadedData = { ...sorted, events: permute(sorted.events, order) };
  const a = buildPanel(sorted, def);
  const b = buildPanel(shuffled, def);
  for (const name of Object.keys(a.table.numeric)) {
    assert.deepEqual([...b.table.numeric[name]], [...a.table.numeric[name]], name);
  }
  // Hand-checked: user 10 sees videos 101,102,103 | 101 (again),104 | 102 (again): 3, 1, 0 new.
  assert.deepEqual([...a.table.numeric.new_videos.slice(0, 4)], [3, 1, 0, 0]);
  // user 20 day 2 ratios 0.5, 2.0, 0.8 → three distinct buckets.
  assert.equal(a.table.numeric.unique_buckets[11], 3);
});

test('a sample without dated events is a clear error', () => {
  const data = makeTinyData();
  const empty: LoadedData = {
    ...data,
    events: { length: 0, numeric: Object.fromEntries(Object.keys(data.events.numeric).map((k) => [k, new Float64Array(0)])), categorical: {} },
    coverage: { firstDate: NaN, lastDate: NaN },
  };
  assert.throws(() => buildPanel(empty, def), (e: unknown) => e instanceof CausewayError && e.code === 'PANEL_NO_EVENTS');
});

test('missing tables and columns are data errors naming the member', () => {
  const data = makeTinyData();
  const withoutDaily: LoadedData = { ...data, itemDaily: undefined };
  const needsDaily: PanelDefinition = { ...def, events: [{ name: 'pop', expr: 'item.avg_show_cnt', origin: o }], days: [{ name: 'p', expr: 'mean(pop)', origin: o }], history: [] };
  // Without item_daily_features the column is unknown to the checker (the data offers no item.avg_*).
  assert.throws(() => buildPanel(withoutDaily, needsDaily), (e: unknown) => e instanceof CausewayError && e.code === 'EXPR_UNKNOWN_COLUMN');
  const noDate: LoadedData = { ...data, events: { ...data.events, numeric: { ...data.events.numeric, date: undefined as unknown as Float64Array } } };
  delete (noDate.events.numeric as Record<string, unknown>).date;
  assert.throws(
    () => buildPanel(noDate, def),
    (e: unknown) => e instanceof CausewayError && e.code === 'PANEL_MISSING_COLUMN' && /date/.test(e.message),
  );
});

test('the calendar spans coverage dates even where the sample has no events', () => {
  const data = makeTinyData();
  const wider: LoadedData = { ...data, coverage: { ...data.coverage!, firstDate: 20200703, lastDate: 20200715 } };
  const panel = buildPanel(wider, def);
  assert.equal(panel.dates.length, 13);
  assert.equal(panel.dates[0], 20200703);
  assert.equal(panel.table.numeric.interactions[2], 3); // 2020-07-05 is now day index 2
});
