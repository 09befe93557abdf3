/**
 * Benchmark: a large generated event log in Parquet through the events source to a user-day panel.
 *
 *   npm run bench -- bigevents [--events N] [--seed S]
 *
 * Writes a seeded log of N events (default 5 M; the README's figure is for 50 M) into a temp folder with
 * DuckDB: about 3,150 events per user over 63 days (N / 3,150 users), sorted by user and time as a
 * warehouse export usually is, columns user_id, timestamp (epoch seconds) and watch_ratio. Then, in a
 * fresh process, the events source (src/data/duckdb/events.ts) loads it and buildPanel (src/panel)
 * builds a panel with a per-event field, three day measures, a lag and a 7-day future window; reports
 * seconds and peak RSS (the process's maxRSS, DuckDB's memory included). The folder is deleted after.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadEvents, type EventsConfig } from '../src/data/duckdb/events.js';
import { buildPanel, type PanelDefinition } from '../src/panel/index.js';

const SELF = fileURLToPath(import.meta.url);
const EVENTS_PER_USER = 3150;
const DAYS = 63;

const origin = { file: 'bench', line: 1, col: 1 };
const DEFINITION: PanelDefinition = {
  events: [{ name: 'high_watch', expr: 'watch_ratio >= 0.8', origin }],
  days: [
    { name: 'interactions', expr: 'count()', origin },
    { name: 'avg_watch_ratio', expr: 'mean(watch_ratio)', origin },
    { name: 'high_share', expr: 'mean(high_watch)', origin },
  ],
  history: [
    { kind: 'lag', days: [1], of: ['interactions'] },
    { kind: 'future', days: [7], of: ['interactions'] },
  ],
};

/** The seeded log: event i belongs to user i / P at time start + (i mod P) · 63 days / P; watch_ratio from a multiplicative hash of i and the seed. */
async function writeLog(file: string, events: number, seed: number): Promise<void> {
  // insertion order is kept (DuckDB preserves it by default): the file is sorted by user and time without a sort
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const con = await instance.connect();
  const start = Date.UTC(2020, 6, 5) / 1000;
  await con.run(`COPY (
      SELECT i // ${EVENTS_PER_USER} AS user_id,
        ${start} + 28800 + floor((i % ${EVENTS_PER_USER}) * ${(DAYS * 86400 - 57600) / EVENTS_PER_USER}) AS timestamp,
        ((i * 2654435761 + ${seed}) % 1000003) / 500001.5 AS watch_ratio
      FROM range(${events}) t(i))
    TO '${file.replace(/'/g, "''")}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)`);
  con.closeSync();
}

interface ChildResult { load_s: number; panel_s: number; events: number; users: number; panel_rows: number; max_rss_mb: number; sum_interactions: number }

async function child(file: string): Promise<ChildResult> {
  const config: EventsConfig = { source: 'events', path: file, columns: { user: 'user_id', time: 'timestamp' }, time: { unit: 's' } };
  const t0 = performance.now();
  const data = await loadEvents(config, tmpdir(), () => ({ kind: 'none' }));
  const t1 = performance.now();
  const events = data.events.length;
  const users = data.coverage.users;
  const panel = buildPanel(data, DEFINITION, { releaseEventColumns: true });
  const t2 = performance.now();
  let sum = 0;
  for (const v of panel.table.numeric.interactions) sum += v;
  return { load_s: (t1 - t0) / 1000, panel_s: (t2 - t1) / 1000, events, users, panel_rows: panel.length, max_rss_mb: process.resourceUsage().maxRSS / 1024, sum_interactions: sum };
}

export async function run(args: string[]): Promise<string> {
  const opt = (name: string, fallback: number) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const events = opt('events', 5_000_000);
  const seed = opt('seed', 7);
  const dir = mkdtempSync(join(tmpdir(), 'causeway-bench-bigevents-'));
  const started = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const load0 = loadavg()[0];
  try {
    const file = join(dir, 'events.parquet');
    const t0 = performance.now();
    await writeLog(file, events, seed);
    const writeSeconds = (performance.now() - t0) / 1000;
    const r = spawnSync(process.execPath, [SELF, '--child', file], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`bigevents child failed: ${r.stderr.slice(0, 600)}`);
    const c = JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
    if (c.sum_interactions !== c.events) throw new Error(`the panel counts ${c.sum_interactions} interactions of ${c.events} events`);
    return [
      `Measured ${started} UTC on ${process.platform} ${process.arch}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version}; load average ${load0.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at the end (shared machine).`,
      '',
      '| events | users | Parquet MB | write s (DuckDB, not timed below) | load s (events source) | panel s | total s | panel rows | peak RSS MB |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      `| ${(c.events / 1e6).toFixed(1)} M | ${c.users.toLocaleString('en-US')} | ${(statSync(file).size / 1e6).toFixed(0)} | ${writeSeconds.toFixed(1)} | ${c.load_s.toFixed(1)} | ${c.panel_s.toFixed(1)} | ${(c.load_s + c.panel_s).toFixed(1)} | ${c.panel_rows.toLocaleString('en-US')} | ${c.max_rss_mb.toFixed(0)} |`,
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === SELF && process.argv[2] === '--child') {
  child(process.argv[3]).then((r) => process.stdout.write(JSON.stringify(r) + '\n'), (e: unknown) => {
    process.stderr.write(String((e as Error).stack ?? e) + '\n');
    process.exit(1);
  });
}
