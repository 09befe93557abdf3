/**
 * Benchmark: archive → seed-000 user-day panel, causeway side by side with what others would write.
 *
 *   npm run bench -- ingest [--big] [--modulus N] [--reps N] [--no-pandas] [--no-duckdb] [--no-reader]
 *
 * Generates (once, cached under .cache/causeway/bench/) a simulated archive at small-matrix scale
 * (1,411 users × 3,327 videos × 63 days ≈ 4.7 M rows, ≈ 400 MB of CSV in the nested zip), or at
 * big-matrix scale with --big (7,176 users × 10,728 videos ≈ 12.5 M rows in big_matrix.csv). One run
 * measures, each in a fresh child process (wall seconds, CPU seconds of every thread, peak RSS from the
 * process's maxRSS), the same panel built by:
 *   - causeway: loadData (reading only the matrix columns the definitions name, as `causeway run` does)
 *     then buildPanel (src/panel) with bench/panel.ts SEED_000; also reading every column (the reader
 *     before it skipped unused ones);
 *   - lean pandas: bench/ingest_pandas.py --lean (usecols, C engine, dtypes; the inner zip read in place);
 *   - heavy pandas: bench/ingest_pandas.py (the seeds' way: the inner zip read into memory, every column);
 *   - DuckDB SQL: bench/ingest_duckdb.ts on the members extracted to a temp folder (extraction timed apart);
 *   - the floor: inflating the matrix out of the nested zip and finding its line ends, nothing parsed.
 * Every row prints its panel's rows and Σ future_7day_interactions: equal sums say it is the same panel.
 * A second table compares DuckDB with the hand-written reader as the reader of the extracted matrix, and
 * the reader's two plain-record parsers (WebAssembly, the default, and JavaScript).
 *
 *   npm run bench -- ingest --parse-thread N
 *
 * instead measures, in N alternating pairs of children, reading the matrix out of the nested zip with
 * the parser on the main thread (as loadData does) and on a worker thread fed copies of the inflated
 * chunks (a prototype, bench/ingest_parse_worker.ts, kept as the evidence for not building it: README,
 * "Measured performance"), and
 *
 *   npm run bench -- ingest --floor-pairs N [--big]
 *
 * N alternating pairs of the floor and causeway's data stage, each in a fresh child, with each pair's
 * ratio and the median (the 1.5× target; `--write` would save it as bench/results/ingest.md: its output is kept
 * as bench/results/ingest-floor-pairs.md instead).
 */
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { createReadStream, existsSync, mkdtempSync, promises as fsp, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg, cpus, tmpdir } from 'node:os';
import { loadData, sortEvents } from '../src/data/index.js';
import { CsvParser } from '../src/data/csv.js';
import { openArchive, synthesize, SIM_VERSION, type SynthOptions } from '../src/data/kuairec/index.js';
import { buildPanel } from '../src/panel/index.js';
import { SEED_000 } from './panel.js';
// DuckDB's native module is imported only by the children that use it: `causeway run` of a KuaiRec spec
// never loads it, so neither does the causeway child (importing it costs about 0.2 s of CPU).
const duckdbBench = () => import('./ingest_duckdb.js');

const ROOT = fileURLToPath(new URL('../../', import.meta.url)); // dist/bench/ → project root
const SELF = fileURLToPath(import.meta.url);

export const SCALES: Record<'small' | 'big', Omit<SynthOptions, 'out'>> = {
  // eventsPerDay 49 gives ≈ 3,300 rows per user over 63 days, as in the real small matrix (4.67 M rows).
  small: { users: 1411, videos: 3327, days: 63, seed: 7, eventsPerDay: 49, matrix: 'small', truthMaxRows: 20000 },
  // big_matrix.csv: 12.53 M rows for 7,176 users ≈ 1,746 per user ≈ 27.7 per day.
  big: { users: 7176, videos: 10728, days: 63, seed: 7, eventsPerDay: 27, matrix: 'big', truthMaxRows: 20000 },
};

/** The cached bench archive at `scale` (generated on first use). */
export async function ensureArchive(scale: 'small' | 'big', log: (m: string) => void): Promise<string> {
  const dir = join(ROOT, '.cache', 'causeway', 'bench', `${scale}-v${SIM_VERSION}`);
  const archive = join(dir, '18164998.zip');
  const stamp = JSON.stringify(SCALES[scale]);
  const have = await fsp.readFile(join(dir, 'STAMP'), 'utf8').catch(() => null);
  if (have === stamp && existsSync(archive)) return archive;
  await fsp.mkdir(dir, { recursive: true });
  log(`generating the ${scale}-scale archive (cached for later runs)…`);
  const r = await synthesize({ ...SCALES[scale], out: archive, log });
  log(`  ${r.rows.toLocaleString('en-US')} rows, ${(r.csvBytes / 1e6).toFixed(0)} MB CSV, ${r.seconds.toFixed(0)} s`);
  await fsp.writeFile(join(dir, 'STAMP'), stamp);
  return archive;
}

/**
 * One measured way of building the panel (or of reading the matrix). main_cpu_s: CPU seconds of the
 * process's main thread alone (node children on Linux; absent for the Python scripts).
 */
interface Measured { read_s: number; panel_s: number; cpu_s: number; main_cpu_s?: number; max_rss_mb: number; events: number; panel_rows: number; sum_future7: number; note?: string }

const cpuSeconds = () => {
  const u = process.resourceUsage();
  return (u.userCPUTime + u.systemCPUTime) / 1e6;
};

/**
 * CPU seconds of the main thread, from /proc (utime + stime in clock ticks of 1/100 s, Linux's
 * USER_HZ); NaN elsewhere. The rest of a child's CPU is Node's thread pool (inflating, file reads) and
 * V8's helper threads. The main thread runs on one core at a time, so no run takes less wall time than
 * its main thread's CPU time, however idle the machine: a wall time that load does not move.
 */
function mainThreadCpuSeconds(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

const rssMb = () => process.resourceUsage().maxRSS / 1024;
const matrixOf = (matrix: string) => (matrix === 'big' ? 'big_matrix.csv' : 'small_matrix.csv');

/** The matrix columns SEED_000's definitions name (what `causeway run` passes as DataRequest.eventColumns). */
const SEED_000_EVENT_COLUMNS = ['play_duration', 'watch_ratio', 'video_id', 'user_id'];

function sumFuture7(values: Float64Array | undefined): number {
  let s = 0;
  if (values) for (const v of values) if (v === v) s += v;
  return s;
}

/** Child: causeway's loader and panel, reading the spec's columns ('spec') or every column ('all'). */
async function childCauseway(path: string, matrix: 'small' | 'big', modulus: number, columns: 'spec' | 'all'): Promise<Measured> {
  const t0 = performance.now();
  const data = await loadData({
    source: 'kuairec', path, matrix, sample: { modulus, remainder: 0 }, tables: ['user_features', 'item_categories', 'item_daily_features'],
    itemDailyColumns: ['show_cnt', 'play_cnt'], missingTime: 'drop', eventColumns: columns === 'spec' ? SEED_000_EVENT_COLUMNS : undefined,
  });
  const t1 = performance.now();
  const events = data.events.length;
  // Only the event count is read from `data` afterwards: the panel may drop the event columns.
  const panel = buildPanel(data, SEED_000, { releaseEventColumns: true });
  const t2 = performance.now();
  return { read_s: (t1 - t0) / 1000, panel_s: (t2 - t1) / 1000, cpu_s: cpuSeconds(), max_rss_mb: rssMb(), events, panel_rows: panel.length, sum_future7: sumFuture7(panel.table.numeric.future_7day_interactions) };
}

/** Child: the floor — inflate the matrix out of the archive and find every line end; nothing else. */
async function childFloor(path: string, matrix: 'small' | 'big'): Promise<Measured> {
  const t0 = performance.now();
  const archive = await openArchive(path);
  let lines = 0;
  for await (const chunk of archive.stream(matrixOf(matrix)) as AsyncIterable<Buffer>) {
    for (let p = chunk.indexOf(10); p >= 0; p = chunk.indexOf(10, p + 1)) lines++;
  }
  await archive.close();
  return { read_s: (performance.now() - t0) / 1000, panel_s: 0, cpu_s: cpuSeconds(), max_rss_mb: rssMb(), events: lines - 1, panel_rows: NaN, sum_future7: NaN };
}

/** Child: DuckDB SQL over the extracted members. */
async function childDuckdb(dir: string, matrix: 'small' | 'big', modulus: number, threads: number): Promise<Measured> {
  const r = await (await duckdbBench()).duckdbPanel(dir, matrixOf(matrix), modulus, threads);
  return { ...r, cpu_s: cpuSeconds(), max_rss_mb: rssMb() };
}

/** Child: the extracted matrix into sorted typed columns by the hand-written reader, its plain records parsed by `plainPath`. */
async function childReaderCsv(dir: string, matrix: 'small' | 'big', modulus: number, plainPath: 'wasm' | 'js'): Promise<Measured> {
  const t0 = performance.now();
  const file = join(dir, 'data', matrixOf(matrix));
  const names = ['user_id', 'video_id', 'play_duration', 'video_duration', 'date', 'timestamp', 'watch_ratio'];
  const parser = new CsvParser({
    member: matrixOf(matrix), sizeHint: (await fsp.stat(file)).size, columns: Object.fromEntries(names.map((n) => [n, 'number' as const])),
    sample: modulus > 1 ? { column: 'user_id', modulus, remainder: 0 } : undefined, emptyCheck: ['time', 'date', 'timestamp'], dropEmpty: true,
    dropIfEmpty: ['user_id', 'video_id'], idColumns: ['user_id', 'video_id'], plainPath,
  });
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) parser.push(chunk as Buffer);
  const events = sortEvents(parser.end().table);
  return { read_s: (performance.now() - t0) / 1000, panel_s: 0, cpu_s: cpuSeconds(), max_rss_mb: rssMb(), events: events.length, panel_rows: NaN, sum_future7: sumFuture7(events.numeric.watch_ratio) };
}

/** Child: the extracted matrix into sorted typed columns by DuckDB. */
async function childReaderDuckdb(dir: string, matrix: 'small' | 'big', modulus: number, threads: number): Promise<Measured> {
  const t0 = performance.now();
  const r = await (await duckdbBench()).duckdbMatrix(dir, matrixOf(matrix), modulus, threads);
  return { read_s: (performance.now() - t0) / 1000, panel_s: 0, cpu_s: cpuSeconds(), max_rss_mb: rssMb(), events: r.events, panel_rows: NaN, sum_future7: sumFuture7(r.columns.watch_ratio) };
}

/** The matrix request loadData makes for SEED_000 (src/data/kuairec/load.ts readMatrix), all users. */
function seed000MatrixRequest(matrix: 'small' | 'big', sizeHint: number) {
  const all = ['user_id', 'video_id', 'play_duration', 'video_duration', 'time', 'date', 'timestamp', 'watch_ratio'];
  const kept = new Set(['user_id', 'video_id', 'date', 'timestamp', ...SEED_000_EVENT_COLUMNS]);
  return {
    member: matrixOf(matrix), sizeHint, columns: Object.fromEntries(all.filter((c) => kept.has(c)).map((c) => [c, 'number' as const])), required: all,
    emptyCheck: ['time', 'date', 'timestamp'], dropEmpty: true, dropIfEmpty: ['user_id', 'video_id'], idColumns: ['user_id', 'video_id'],
    nanTextColumns: all.filter((c) => !kept.has(c)),
  };
}

/**
 * Child: the matrix out of the nested zip into columns, parsed on the main thread ('main') or on a worker
 * thread ('worker') that gets a copy of every inflated chunk (zlib hands out slices of a buffer it goes on
 * writing into, so a chunk cannot be transferred). No panel.
 */
async function childParse(path: string, matrix: 'small' | 'big', where: 'main' | 'worker'): Promise<Measured> {
  const t0 = performance.now();
  const archive = await openArchive(path);
  const size = archive.members.get(matrixOf(matrix))?.size ?? 0;
  let events: number;
  let sum: number;
  if (where === 'main') {
    const parser = new CsvParser(seed000MatrixRequest(matrix, size));
    for await (const chunk of archive.stream(matrixOf(matrix)) as AsyncIterable<Buffer>) parser.push(chunk);
    const table = parser.end().table;
    events = table.length;
    sum = sumFuture7(table.numeric.watch_ratio);
  } else {
    const worker = new Worker(fileURLToPath(new URL('./ingest_parse_worker.js', import.meta.url)), { workerData: { request: seed000MatrixRequest(matrix, size) } });
    const done = new Promise<{ events: number; sum: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    for await (const chunk of archive.stream(matrixOf(matrix)) as AsyncIterable<Buffer>) {
      const copy = new Uint8Array(chunk.length);
      copy.set(chunk);
      worker.postMessage(copy.buffer, [copy.buffer]);
    }
    worker.postMessage(null);
    ({ events, sum } = await done);
    await worker.terminate();
  }
  await archive.close();
  return { read_s: (performance.now() - t0) / 1000, panel_s: 0, cpu_s: cpuSeconds(), max_rss_mb: rssMb(), events, panel_rows: NaN, sum_future7: sum };
}

/** `--parse-thread N`: N alternating pairs of childParse on the main thread and on a worker. */
function runParseThread(archive: string, scale: 'small' | 'big', pairs: number): string {
  const byWhere: Record<'main' | 'worker', Measured[]> = { main: [], worker: [] };
  for (let k = 0; k < pairs; k++) {
    for (const where of ['main', 'worker'] as const) byWhere[where].push(runChild(['parse', archive, scale, where]));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const range = (xs: number[]) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
  const out = [
    `Reading ${matrixOf(scale)} out of the nested zip into SEED_000's columns (no panel), ${pairs} alternating pairs of children; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, load average ${loadavg()[0].toFixed(1)} at the end. Median (range):`,
    '',
    '| parser on | wall s | CPU s | main thread CPU s | peak RSS MB | events | Σ watch_ratio |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const where of ['main', 'worker'] as const) {
    const ms = byWhere[where];
    out.push(`| ${where === 'main' ? 'the main thread (as loadData)' : 'a worker thread (prototype)'} | ${range(ms.map((m) => m.read_s))} | ${range(ms.map((m) => m.cpu_s))} | ${range(ms.map((m) => m.main_cpu_s ?? NaN))} | ${range(ms.map((m) => m.max_rss_mb)).replace(/\.\d\d/g, '')} | ${ms[0].events.toLocaleString('en-US')} | ${ms[0].sum_future7.toFixed(3)} |`);
  }
  return out.join('\n');
}

/**
 * `--floor-pairs N`: N alternating pairs of fresh children, the floor then causeway, each pair's ratio of
 * causeway's data stage (read + panel) to the floor's read, in wall and CPU seconds: on this shared
 * machine the ratio within a pair, taken minutes apart from the next, is what the 1.5× target is read from.
 */
function runFloorPairs(archive: string, scale: 'small' | 'big', modulus: number, pairs: number): string {
  const rows: Array<{ floor: Measured; mine: Measured }> = [];
  for (let k = 0; k < pairs; k++) rows.push({ floor: runChild(['floor', archive, scale]), mine: runChild(['causeway', archive, scale, String(modulus), 'spec']) });
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const wall = rows.map((r) => (r.mine.read_s + r.mine.panel_s) / r.floor.read_s);
  const cpu = rows.map((r) => r.mine.cpu_s / r.floor.cpu_s);
  const out = [
    `The data stage against the inflate-and-scan floor on ${matrixOf(scale)} (sample user_id % ${modulus} == 0), ${pairs} alternating pairs of fresh children (floor, then causeway); ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, load average ${loadavg()[0].toFixed(1)} at the end.`,
    '',
    '| pair | floor s | causeway s (read + panel) | wall ÷ floor | floor CPU s | causeway CPU s | CPU ÷ floor | causeway peak RSS MB |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  rows.forEach((r, k) => {
    out.push(`| ${k + 1} | ${r.floor.read_s.toFixed(2)} | ${(r.mine.read_s + r.mine.panel_s).toFixed(2)} (${r.mine.read_s.toFixed(2)} + ${r.mine.panel_s.toFixed(2)}) | ${wall[k].toFixed(2)}× | ${r.floor.cpu_s.toFixed(2)} | ${r.mine.cpu_s.toFixed(2)} | ${cpu[k].toFixed(2)}× | ${r.mine.max_rss_mb.toFixed(0)} |`);
  });
  out.push('', `Wall ÷ floor: median ${median(wall).toFixed(2)}×, ${Math.min(...wall).toFixed(2)}–${Math.max(...wall).toFixed(2)}×; CPU ÷ floor: median ${median(cpu).toFixed(2)}×, ${Math.min(...cpu).toFixed(2)}–${Math.max(...cpu).toFixed(2)}×.`);
  return out.join('\n');
}

function runChild(args: string[]): Measured {
  const r = spawnSync(process.execPath, [SELF, '--child', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`ingest child ${args[0]} failed: ${r.stderr.slice(0, 500)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measured;
}

function best(reps: number, f: () => Measured): Measured {
  let out: Measured | null = null;
  for (let r = 0; r < reps; r++) {
    const m = f();
    if (!out || m.read_s + m.panel_s < out.read_s + out.panel_s) out = m;
  }
  return out!;
}

function runPandas(archive: string, matrix: 'small' | 'big', modulus: number, lean: boolean): Measured | string {
  const script = join(ROOT, 'bench', 'ingest_pandas.py');
  const args = [script, archive, String(modulus), '0', ...(matrix === 'big' ? ['--big'] : []), ...(lean ? ['--lean'] : [])];
  const r = spawnSync('/usr/bin/python3', args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) return `pandas failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
  const p = JSON.parse(r.stdout.trim().split('\n').pop()!) as { read_s: number; panel_s: number; cpu_s: number; max_rss_mb: number; events: number; panel_rows: number; sum_future7: number };
  return p;
}

export async function run(args: string[]): Promise<string> {
  const scale: 'small' | 'big' = args.includes('--big') ? 'big' : 'small';
  const mi = args.indexOf('--modulus');
  const modulus = mi >= 0 ? Number(args[mi + 1]) : 1;
  const ri = args.indexOf('--reps');
  const reps = ri >= 0 ? Number(args[ri + 1]) : 1;
  const log = (m: string) => process.stderr.write(m + '\n');
  const archive = await ensureArchive(scale, log);
  const pi = args.indexOf('--parse-thread');
  if (pi >= 0) return runParseThread(archive, scale, Math.max(1, Number(args[pi + 1]) || 3));
  const fi = args.indexOf('--floor-pairs');
  if (fi >= 0) return runFloorPairs(archive, scale, modulus, Math.max(1, Number(args[fi + 1]) || 8));
  const size = (await fsp.stat(archive)).size;
  const load0 = loadavg()[0];
  const started = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const rows: Array<{ name: string; input: string; m: Measured | string }> = [];

  log('causeway…');
  rows.push({ name: 'causeway', input: 'nested zip', m: best(reps, () => runChild(['causeway', archive, scale, String(modulus), 'spec'])) });
  rows.push({ name: 'causeway, every matrix column parsed (before)', input: 'nested zip', m: best(reps, () => runChild(['causeway', archive, scale, String(modulus), 'all'])) });
  if (!args.includes('--no-pandas')) {
    log('pandas…');
    rows.push({ name: 'lean pandas (usecols, C engine)', input: 'nested zip', m: runPandas(archive, scale, modulus, true) });
    rows.push({ name: 'heavy pandas (the seeds\' script)', input: 'nested zip', m: runPandas(archive, scale, modulus, false) });
  }
  const dir = mkdtempSync(join(tmpdir(), 'causeway-bench-ingest-'));
  const readerRows: Array<{ name: string; m: Measured }> = [];
  let extractSeconds = NaN;
  try {
    if (!args.includes('--no-duckdb') || !args.includes('--no-reader')) {
      const t0 = performance.now();
      await (await duckdbBench()).extractMembers(archive, dir, matrixOf(scale));
      extractSeconds = (performance.now() - t0) / 1000;
    }
    if (!args.includes('--no-duckdb')) {
      log('DuckDB…');
      rows.push({ name: 'DuckDB SQL, 1 thread', input: 'extracted CSV', m: best(reps, () => runChild(['duckdb', dir, scale, String(modulus), '1'])) });
      rows.push({ name: 'DuckDB SQL, 2 threads', input: 'extracted CSV', m: best(reps, () => runChild(['duckdb', dir, scale, String(modulus), '2'])) });
      rows.push({ name: 'causeway', input: 'extracted CSV', m: best(reps, () => runChild(['causeway', dir, scale, String(modulus), 'spec'])) });
    }
    if (!args.includes('--no-reader')) {
      log('readers…');
      readerRows.push({ name: 'hand-written reader (src/data/csv.ts) + sortEvents', m: best(reps, () => runChild(['reader-csv', dir, scale, String(modulus), 'wasm'])) });
      readerRows.push({ name: 'hand-written reader, plain records parsed in JavaScript (before)', m: best(reps, () => runChild(['reader-csv', dir, scale, String(modulus), 'js'])) });
      readerRows.push({ name: 'DuckDB read_csv … ORDER BY, 1 thread', m: best(reps, () => runChild(['reader-duckdb', dir, scale, String(modulus), '1'])) });
      readerRows.push({ name: 'DuckDB read_csv … ORDER BY, 2 threads', m: best(reps, () => runChild(['reader-duckdb', dir, scale, String(modulus), '2'])) });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  rows.push({ name: 'floor: inflate + find line ends', input: 'nested zip', m: best(reps, () => runChild(['floor', archive, scale])) });

  const ref = rows[0].m as Measured;
  const refTotal = ref.read_s + ref.panel_s;
  const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
  const out: string[] = [
    `Archive: simulated ${scale}-matrix scale, ${(size / 1e6).toFixed(0)} MB nested zip (${SCALES[scale].users} users × ${SCALES[scale].videos} videos × 63 days), sample user_id % ${modulus} == 0; `
      + `${started} UTC, ${process.platform} ${process.arch}, ${cpus().length} cores, load average ${load0.toFixed(1)} at start and ${loadavg()[0].toFixed(1)} at the end (shared machine), node ${process.version}; best of ${reps}.`,
    '',
    '| who | input | read s | panel s | total s | CPU s | main thread CPU s | peak RSS MB | total ÷ causeway\'s | CPU ÷ causeway\'s | events | panel rows | Σ future_7day_interactions |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { name, input, m } of rows) {
    if (typeof m === 'string') {
      out.push(`| ${name} | ${input} | ${m} | | | | | | | | | | |`);
      continue;
    }
    const total = m.read_s + m.panel_s;
    out.push(`| ${name} | ${input} | ${f2(m.read_s)} | ${name.startsWith('floor') ? '–' : f2(m.panel_s)} | ${f2(total)} | ${f2(m.cpu_s)} | ${f2(m.main_cpu_s ?? NaN)} | ${m.max_rss_mb.toFixed(0)} | ${(total / refTotal).toFixed(2)}× | ${(m.cpu_s / ref.cpu_s).toFixed(2)}× | ${m.events.toLocaleString('en-US')} | ${Number.isFinite(m.panel_rows) ? m.panel_rows.toLocaleString('en-US') : '–'} | ${Number.isFinite(m.sum_future7) ? m.sum_future7.toFixed(0) : '–'} |`);
  }
  out.push('', `Extracting the four members for DuckDB (not in its row): ${f2(extractSeconds)} s. CPU s counts every thread of the process (inflating runs on Node's thread pool); main thread CPU s the main thread's alone (node rows, Linux; process start and imports included, unlike read s + panel s): however idle the machine, a run takes at least that much wall time.`);
  if (readerRows.length > 0) {
    const csv = readerRows[0].m;
    out.push('', '**The KuaiRec matrix reader: DuckDB or hand-written** (the extracted member → the seven numeric columns, sample and missing-time rule applied, sorted by user and time; Σ watch_ratio as the check):', '',
      '| reader | s | CPU s | peak RSS MB | ÷ hand-written | events | Σ watch_ratio |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const { name, m } of readerRows) out.push(`| ${name} | ${f2(m.read_s)} | ${f2(m.cpu_s)} | ${m.max_rss_mb.toFixed(0)} | ${(m.read_s / csv.read_s).toFixed(2)}× | ${m.events.toLocaleString('en-US')} | ${m.sum_future7.toFixed(3)} |`);
  }
  return out.join('\n');
}

if (process.argv[1] === SELF && process.argv[2] === '--child') {
  const [kind, path, matrix, a, b] = process.argv.slice(3);
  const m = matrix as 'small' | 'big';
  const job = kind === 'causeway' ? childCauseway(path, m, Number(a), b as 'spec' | 'all')
    : kind === 'floor' ? childFloor(path, m)
      : kind === 'duckdb' ? childDuckdb(path, m, Number(a), Number(b))
        : kind === 'reader-csv' ? childReaderCsv(path, m, Number(a), b as 'wasm' | 'js')
          : kind === 'parse' ? childParse(path, m, a as 'main' | 'worker')
            : childReaderDuckdb(path, m, Number(a), Number(b));
  job.then((r) => process.stdout.write(JSON.stringify({ ...r, main_cpu_s: mainThreadCpuSeconds() }) + '\n'), (e: unknown) => {
    process.stderr.write(String((e as Error).stack ?? e) + '\n');
    process.exit(1);
  });
}
