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
import { withKuaiRecLayout } from '../../src/data/kuairec/index.js';
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
  const a = buildPanel(sorted, def, { scratchMinLength: 0 });
  const b = buildPanel(shuffled, def, { scratchMinLength: 0 });
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
  // The KuaiRec tables as read without item_daily_features (their items table made again, so without the exposure).
  const withoutDaily: LoadedData = withKuaiRecLayout({ ...data, itemDaily: undefined, items: undefined });
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

test('aliases and repeated joins share arrays safely (scratch reuse never corrupts a live field)', () => {
  const aliasDef: PanelDefinition = {
    events: [
      { name: 'cat_a', expr: 'item.first_category', origin: o },
      { name: 'cat_b', expr: 'item.first_category', origin: o },
      { name: 'ratio', expr: 'watch_ratio * 1', origin: o },
      { name: 'ratio_alias', expr: 'ratio', origin: o },
      { name: 'doubled', expr: 'ratio_alias * 2', origin: o },
    ],
    days: [
      { name: 'cats', expr: 'nunique(cat_a) + nunique(cat_b) * 0', origin: o },
      { name: 'first_b', expr: 'min(cat_b)', origin: o },
      { name: 'r1', expr: 'sum(ratio)', origin: o },
      { name: 'r2', expr: 'sum(doubled) - sum(ratio_alias)', origin: o },
      { name: 'r3', expr: 'sum(ratio_alias)', origin: o },
    ],
    history: [],
    userFeatures: 'none',
  };
  const panel = buildPanel(makeTinyData(), aliasDef, { scratchMinLength: 0 });
  const t = panel.table.numeric;
  // user 10 day 0: categories 5, 7, 5; ratios 0.4, 0.9, 0.1 (sum 1.4).
  assert.equal(t.cats[0], 2);
  assert.equal(t.first_b[0], 5);
  assert.ok(Math.abs(t.r1[0] - 1.4) < 1e-12);
  assert.ok(Math.abs(t.r2[0] - 1.4) < 1e-12);
  assert.ok(Math.abs(t.r3[0] - 1.4) < 1e-12);
  // user 20 day 2: categories 8, 8, 5; ratios 0.5, 2.0, 0.8.
  assert.equal(t.cats[11], 2);
  assert.equal(t.first_b[11], 5);
  assert.ok(Math.abs(t.r3[11] - 3.3) < 1e-12);
});

test('random definitions give the same panel with and without scratch reuse', () => {
  const rng = new Rng('panel-scratch-fuzz');
  const pick = <T>(xs: T[]): T => xs[rng.nextInt(xs.length)];
  for (let round = 0; round < 40; round++) {
    const fields: string[] = [];
    const events: PanelDefinition['events'] = [];
    const numberTerm = (): string => pick(['watch_ratio', 'play_duration / 1000', 'item.first_category', 'user.register_days', '2', ...fields]);
    for (let k = 0; k < 5; k++) {
      const expr = pick([
        () => `${numberTerm()} * ${numberTerm()}`,
        () => `clip(${numberTerm()}, 0, 3)`,
        () => `coalesce(${numberTerm()}, 0) - ${numberTerm()}`,
        () => `${numberTerm()}`,
        () => `(${numberTerm()} > 1) + (${numberTerm()} < 5)`,
        () => `first_time(user_id, item.first_category) * ${numberTerm()}`,
      ])();
      const name = `f${k}`;
      events.push({ name, expr, origin: o });
      fields.push(name);
    }
    const days: PanelDefinition['days'] = fields.map((f, k) => ({
      name: `d${k}`,
      expr: `${pick(['sum', 'mean', 'max', 'min', 'nunique'])}(${f}) + ${pick(['sum', 'mean'])}(${pick(fields)})`,
      origin: o,
    }));
    const fuzzDef: PanelDefinition = { events, days, history: [], userFeatures: 'none' };
    const reuse = buildPanel(makeTinyData(), fuzzDef, { scratchMinLength: 0 });
    const fresh = buildPanel(makeTinyData(), fuzzDef, { scratchMinLength: Number.MAX_SAFE_INTEGER });
    for (const [name, values] of Object.entries(fresh.table.numeric)) {
      assert.deepEqual([...reuse.table.numeric[name]], [...values], `round ${round} ${name}: ${JSON.stringify(fuzzDef.events.map((e) => e.expr))}`);
    }
  }
});
