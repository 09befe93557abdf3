// The events source is the kuairec source in other clothes: a simulated archive, loaded by the
// kuairec loader and written out as Parquet events + users/items/item_days side tables
// (src/data/duckdb/export.ts), gives the same panel bit for bit and the same estimates through the
// CLI (relative 1e-12) as the archive itself.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthesize } from '../../src/data/kuairec/index.js';
import { loadData, type LoadedData } from '../../src/data/index.js';
import { exportAsEvents } from '../../src/data/duckdb/export.js';
import { loadEvents, type EventsConfig } from '../../src/data/duckdb/events.js';
import { buildPanel } from '../../src/panel/index.js';
import type { PanelDefinition } from '../../src/panel/definition.js';
import { tempDir } from './helpers.js';
import { bin, root } from '../support/cli.js';

let work = '';
let archive = '';
let files: Awaited<ReturnType<typeof exportAsEvents>>;

const EVENTS = `
events:
  watch_ratio_capped_2: clip(watch_ratio, 0, 2)
  high_watch: watch_ratio >= 0.8
  long_tail: item.avg_show_cnt <= quantile(item.avg_show_cnt, 0.5)
  new_category: first_time(user_id, item.first_category)
  discovery_candidate: long_tail or new_category
days:
  interactions: count()
  unique_videos: nunique(video_id)
  total_play_duration_sec: sum(play_duration) / 1000
  avg_watch_ratio_capped_2: mean(watch_ratio_capped_2)
  high_satisfaction_share: mean(high_watch)
  discovery_candidate_share: mean(discovery_candidate)
history:
  lag: { days: [1], of: [active_day, interactions, high_satisfaction_share] }
  prior: { days: [3], of: [interactions, total_play_duration_sec] }
  future: { days: [7], of: [interactions], incomplete: missing }
population: active_day and not missing(future_7day_interactions)
treatment: { name: A_high_discovery, measure: discovery_candidate_share, threshold: { value: 0.5 } }
mediator: high_satisfaction_share
outcomes: { primary: future_7day_interactions }
covariates:
  numeric: [calendar_day_index, "lag_1_*", "prior_3day_*", register_days, fans_user_num]
  categorical: [user_active_degree]
estimators:
  - { id: naive, kind: difference_in_means }
  - { id: ipw, kind: ipw, propensity: logistic, clip: [0.02, 0.98] }
  - { id: gcomp_linear, kind: gcomp, outcome: linear }
  - { id: mediation_linear, kind: mediation, mediator_model: linear, outcome_model: linear, interaction: true }
  - { id: sem_path, kind: sem_path }
uncertainty: { bootstrap: { reps: 5 } }
diagnostics: [overlap]
`;

before(async () => {
  work = await tempDir('sources-eq');
  const synth = await synthesize({ out: join(work, 'archive', '18164998.zip'), users: 60, days: 21, videos: 300, seed: 5, eventsPerDay: 12 });
  archive = synth.archive;
  const data = await loadData({ source: 'kuairec', path: archive, matrix: 'small', sample: { modulus: 1, remainder: 0 }, tables: ['user_features', 'item_categories', 'item_daily_features'], itemDailyColumns: ['show_cnt', 'play_cnt'], missingTime: 'drop' });
  files = await exportAsEvents(data, join(work, 'export'), 'parquet');
});
after(() => rmSync(work, { recursive: true, force: true }));

function eventsConfig(modulus = 1): EventsConfig {
  return {
    source: 'events',
    path: files.events,
    columns: { user: 'user_id', item: 'video_id', time: 'timestamp', date: 'date' },
    time: { unit: 's' },
    tables: { users: { path: files.users, key: 'user_id' }, items: { path: files.items!, key: 'video_id' }, item_days: { path: files.itemDays!, key: 'video_id', date: 'date' } },
    sample: { modulus, remainder: 0 },
  };
}

test('events source on the exported archive: the same panel, column for column, bit for bit', async () => {
  const kuairec = await loadData({ source: 'kuairec', path: archive, matrix: 'small', sample: { modulus: 2, remainder: 0 }, tables: ['user_features', 'item_categories', 'item_daily_features'], itemDailyColumns: ['show_cnt', 'play_cnt'], missingTime: 'drop' });
  const events = await loadEvents(eventsConfig(2), work, () => ({ kind: 'none' }));
  const origin = { file: 't.yaml', line: 1, col: 1 };
  const def: PanelDefinition = {
    events: [
      { name: 'long_tail', expr: 'item.avg_show_cnt <= quantile(item.avg_show_cnt, 0.5)', origin },
      { name: 'new_category', expr: 'first_time(user_id, item.first_category)', origin },
    ],
    days: [
      { name: 'interactions', expr: 'count()', origin },
      { name: 'unique_videos', expr: 'nunique(video_id)', origin },
      { name: 'long_tail_share', expr: 'mean(long_tail)', origin },
      { name: 'new_category_share', expr: 'mean(new_category)', origin },
      { name: 'watch', expr: 'sum(play_duration) / 1000', origin },
    ],
    history: [{ kind: 'future', days: [7], of: ['interactions'] }],
  };
  const a = buildPanel(kuairec, def);
  const b = buildPanel(events as LoadedData, def);
  assert.equal(b.length, a.length);
  assert.deepEqual(b.dates, a.dates);
  assert.deepEqual([...b.userId], [...a.userId]);
  assert.deepEqual(Object.keys(b.table.numeric).sort(), Object.keys(a.table.numeric).sort());
  for (const [name, col] of Object.entries(a.table.numeric)) {
    const other = b.table.numeric[name];
    for (let i = 0; i < col.length; i++) {
      if (!Object.is(col[i], other[i])) assert.fail(`panel column ${name} row ${i}: kuairec ${col[i]}, events ${other[i]}`);
    }
  }
  for (const [name, col] of Object.entries(a.table.categorical)) assert.deepEqual(b.table.categorical[name], col, name);
  assert.deepEqual(events.coverage, kuairec.coverage);
});

test('events source on the exported archive: the same estimates through causeway run (relative 1e-12)', () => {
  const kuairecSpec = join(work, 'kuairec.yaml');
  const eventsSpec = join(work, 'events.yaml');
  writeFileSync(kuairecSpec, `spec: 1\nname: eq-kuairec\nseed: 3\ndata: { source: synthetic, path: ${archive}, sample: { modulus: 2 } }\n${EVENTS}`);
  const c = eventsConfig(2);
  writeFileSync(eventsSpec, `spec: 1\nname: eq-events\nseed: 3\ndata:\n  source: events\n  path: ${c.path}\n  columns: { user: user_id, item: video_id, time: timestamp, date: date }\n` +
    `  tables:\n    users: { path: ${files.users}, key: user_id }\n    items: { path: ${files.items}, key: video_id }\n    item_days: { path: ${files.itemDays}, key: video_id, date: date }\n  sample: { modulus: 2 }\n${EVENTS}`);
  const run = (spec: string, out: string) => {
    const r = spawnSync(process.execPath, [bin, 'run', spec, '--out', join(work, out), '--jobs', '1', '--quiet'], { cwd: work, encoding: 'utf8', env: { ...process.env, CAUSEWAY_CACHE: join(work, 'cache') } });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    return JSON.parse(readFileSync(join(work, out, 'results.json'), 'utf8')) as { cells: Array<{ estimators: Array<{ id: string; outcome?: string; status: string; estimates: Record<string, { estimate: number | null }> }> }> };
  };
  const a = run(kuairecSpec, 'run-kuairec');
  const b = run(eventsSpec, 'run-events');
  const estimatesOf = (r: typeof a) => {
    const out = new Map<string, number | null>();
    for (const e of r.cells[0].estimators) for (const [k, v] of Object.entries(e.estimates)) out.set(`${e.id}/${e.outcome ?? ''}/${k}`, v.estimate);
    return out;
  };
  const ea = estimatesOf(a);
  const eb = estimatesOf(b);
  assert.ok(ea.size >= 10, `expected a dozen estimates, got ${ea.size}`);
  assert.deepEqual([...eb.keys()].sort(), [...ea.keys()].sort());
  for (const [key, x] of ea) {
    const y = eb.get(key)!;
    assert.ok(x !== null && y !== null, `${key} is null`);
    assert.ok(Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(x)), `${key}: kuairec ${x}, events ${y}`);
  }
});
