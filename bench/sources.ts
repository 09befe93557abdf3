/**
 * Benchmark: ingest + panel through the kuairec zip path and through the events source (DuckDB) on
 * the same simulated archive, exported to Parquet events + users/items/item_days side tables
 * (src/data/duckdb/export.ts; the export itself is not timed). Both build the same panel (the
 * equivalence test, test/data/sources-equivalence.test.ts, checks that bit for bit).
 *
 *   npm run bench -- sources [--users N] [--days N] [--videos N] [--per-day N] [--reps N] [--archive PATH]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { synthesize } from '../src/data/kuairec/index.js';
import { loadData, type LoadedData } from '../src/data/index.js';
import { exportAsEvents } from '../src/data/duckdb/export.js';
import { loadEvents } from '../src/data/duckdb/events.js';
import { buildPanel, type PanelDefinition } from '../src/panel/index.js';

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? Number(args[i + 1]) : fallback;
}

const origin = { file: 'bench', line: 1, col: 1 };
const DEFINITION: PanelDefinition = {
  events: [
    { name: 'high_watch', expr: 'watch_ratio >= 0.8', origin },
    { name: 'long_tail', expr: 'item.avg_show_cnt <= quantile(item.avg_show_cnt, 0.5)', origin },
    { name: 'new_category', expr: 'first_time(user_id, item.first_category)', origin },
  ],
  days: [
    { name: 'interactions', expr: 'count()', origin },
    { name: 'unique_videos', expr: 'nunique(video_id)', origin },
    { name: 'play_sec', expr: 'sum(play_duration) / 1000', origin },
    { name: 'high_satisfaction_share', expr: 'mean(high_watch)', origin },
    { name: 'long_tail_share', expr: 'mean(long_tail)', origin },
    { name: 'new_category_share', expr: 'mean(new_category)', origin },
  ],
  history: [
    { kind: 'lag', days: [1], of: ['active_day', 'interactions'] },
    { kind: 'future', days: [7], of: ['interactions'] },
  ],
};

export async function run(args: string[]): Promise<string> {
  const users = option(args, 'users', 400);
  const reps = option(args, 'reps', 2);
  const dir = mkdtempSync(join(tmpdir(), 'causeway-bench-sources-'));
  try {
    const archiveArg = args.indexOf('--archive');
    const archive = archiveArg >= 0 ? args[archiveArg + 1] : (await synthesize({
      out: join(dir, 'archive', '18164998.zip'), users, seed: 7,
      days: option(args, 'days', 63), videos: option(args, 'videos', 3327), eventsPerDay: option(args, 'per-day', 50),
    })).archive;
    const request = { source: 'kuairec' as const, path: archive, matrix: 'small' as const, sample: { modulus: 1, remainder: 0 },
      tables: ['user_features', 'item_categories', 'item_daily_features'], itemDailyColumns: ['show_cnt', 'play_cnt'], missingTime: 'drop' as const };
    const exported = await exportAsEvents(await loadData(request), join(dir, 'export'), 'parquet');
    const config = {
      source: 'events' as const, path: exported.events,
      columns: { user: 'user_id', item: 'video_id', time: 'timestamp', date: 'date' }, time: { unit: 's' as const },
      tables: { users: { path: exported.users, key: 'user_id' }, items: { path: exported.items!, key: 'video_id' }, item_days: { path: exported.itemDays!, key: 'video_id', date: 'date' } },
    };
    const time = async (load: () => Promise<LoadedData>) => {
      let best = { ingest: Infinity, panel: Infinity, events: 0, rows: 0 };
      for (let r = 0; r < reps; r++) {
        const t0 = performance.now();
        const data = await load();
        const t1 = performance.now();
        const panel = buildPanel(data, DEFINITION);
        const t2 = performance.now();
        if (t1 - t0 + (t2 - t1) < best.ingest + best.panel) best = { ingest: (t1 - t0) / 1000, panel: (t2 - t1) / 1000, events: data.events.length, rows: panel.length };
      }
      return best;
    };
    const zip = await time(() => loadData(request));
    const events = await time(() => loadEvents(config, dir, () => ({ kind: 'none' })) as Promise<LoadedData>);
    const row = (name: string, r: typeof zip) => `| ${name} | ${r.events.toLocaleString('en-US')} | ${r.ingest.toFixed(2)} | ${r.panel.toFixed(2)} | ${(r.ingest + r.panel).toFixed(2)} | ${r.rows.toLocaleString('en-US')} |`;
    return [
      `**Sources: ingest + panel** (${users} simulated users, best of ${reps}; load average ${loadavg()[0].toFixed(1)})`,
      '',
      '| path | events | ingest s | panel s | total s | panel rows |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      row('kuairec zip (hand-written CSV reader)', zip),
      row('events source (DuckDB, Parquet + side tables)', events),
      '',
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
