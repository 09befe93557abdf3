/**
 * Benchmark: how the data stage and the whole analysis grow with the number of events and with --jobs.
 *
 *   npm run bench -- scaling [--sizes 0.5,1.5,4.7,12.5] [--whole-max M] [--reps N] [--jobs 1,2]
 *
 * Simulated archives (cached under .cache/causeway/bench/) of about 0.5 M, 1.5 M, 4.7 M (the small
 * matrix's scale) and 12.5 M events (the big matrix's scale; 7,176 users, big_matrix.csv). For each:
 *   - the data stage: archive → seed-000 panel in a fresh process (bench/ingest.ts's causeway child);
 *   - the whole analysis: `causeway run` of the demo study specs/demo/discovery-mediation.yaml pointed at
 *     the archive (every user), with a two-cell grid over the treatment threshold (0.4, 0.5) so that
 *     --jobs has cells to share, `--reps` bootstrap replicates (default 100), an empty cache each time;
 *     only up to `--whole-max` million events (default: every size).
 * The table and the figure are rewritten after every size, so a long run stopped early keeps what it measured.
 * Writes bench/results/scaling.md and bench/results/scaling.png (the curves; a copy goes in docs/).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, promises as fsp, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { parse, stringify } from 'yaml';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { synthesize, SIM_VERSION, type SynthOptions } from '../src/data/kuairec/index.js';
import { ensureArchive, SCALES } from './ingest.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const INGEST = fileURLToPath(new URL('./ingest.js', import.meta.url));
const BIN = join(ROOT, 'dist', 'src', 'cli', 'bin.js');

interface Size { label: number; scale: 'small' | 'big' | null; options: Omit<SynthOptions, 'out'> }

/** About `millions` M events: the small scale's users and rate, fewer users; 4.7 and 12.5 are the bench archives. */
function sizeOf(millions: number): Size {
  if (millions === 4.7) return { label: millions, scale: 'small', options: SCALES.small };
  if (millions === 12.5) return { label: millions, scale: 'big', options: SCALES.big };
  const users = Math.max(20, Math.round((SCALES.small.users * millions) / 4.7));
  return { label: millions, scale: null, options: { ...SCALES.small, users } };
}

async function archiveOf(size: Size, log: (m: string) => void): Promise<string> {
  if (size.scale) return ensureArchive(size.scale, log);
  const dir = join(ROOT, '.cache', 'causeway', 'bench', `scaling-${size.options.users}-v${SIM_VERSION}`);
  const archive = join(dir, '18164998.zip');
  const stamp = JSON.stringify(size.options);
  if (existsSync(archive) && (await fsp.readFile(join(dir, 'STAMP'), 'utf8').catch(() => '')) === stamp) return archive;
  await fsp.mkdir(dir, { recursive: true });
  log(`generating ${size.options.users} users…`);
  await synthesize({ ...size.options, out: archive });
  await fsp.writeFile(join(dir, 'STAMP'), stamp);
  return archive;
}

interface DataStage { read_s: number; panel_s: number; max_rss_mb: number; events: number }

function dataStage(archive: string, matrix: 'small' | 'big'): DataStage {
  const r = spawnSync(process.execPath, [INGEST, '--child', 'causeway', archive, matrix, '1', 'spec'], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`data stage failed: ${r.stderr.slice(0, 400)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as DataStage;
}

/** The demo study on `archive`: every user, a two-cell threshold grid, `reps` replicates. */
function studySpec(archive: string, matrix: 'small' | 'big', reps: number): string {
  const spec = parse(readFileSync(join(ROOT, 'specs', 'demo', 'discovery-mediation.yaml'), 'utf8')) as Record<string, any>;
  spec.name = 'scaling';
  spec.data = { source: 'kuairec', path: archive, matrix, sample: { modulus: 1, remainder: 0 }, tables: ['user_features', 'item_categories', 'item_daily_features'] };
  spec.uncertainty = { ...(spec.uncertainty ?? {}), bootstrap: { ...(spec.uncertainty?.bootstrap ?? {}), reps } };
  spec.sensitivity = { ...(spec.sensitivity ?? {}), grid: { 'treatment.threshold.value': [0.4, 0.5] } };
  return stringify(spec);
}

interface Whole { wall_s: number; max_rss_mb: number }

/** `causeway run` under /usr/bin/time (wall seconds and peak RSS of the process and its worker threads). */
function wholeAnalysis(archive: string, matrix: 'small' | 'big', reps: number, jobs: number): Whole {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-bench-scaling-'));
  try {
    const specFile = join(dir, 'scaling.yaml');
    writeFileSync(specFile, studySpec(archive, matrix, reps));
    const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', process.execPath, BIN, 'run', specFile, '--out', join(dir, 'run'), '--jobs', String(jobs), '--quiet'], {
      encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, CAUSEWAY_CACHE: join(dir, 'cache') },
    });
    const line = r.stderr.split('\n').find((l) => l.startsWith('TIME '));
    if (r.status !== 0 || !line) throw new Error(`causeway run failed: ${r.stderr.slice(-600)}`);
    const [, wall, kb] = line.split(' ');
    return { wall_s: Number(wall), max_rss_mb: Number(kb) / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Row { size: Size; events: number; data: DataStage; whole: Map<number, Whole> }

/** Seconds against millions of events, one line per measure, drawn with @napi-rs/canvas. */
function drawFigure(rows: Row[], jobs: number[]): Buffer {
  const fontPath = join(ROOT, 'node_modules', 'dejavu-fonts-ttf', 'ttf', 'DejaVuSans.ttf');
  if (existsSync(fontPath)) GlobalFonts.registerFromPath(fontPath, 'DejaVu Sans');
  const W = 760, H = 420, ratio = 1.5;
  const canvas = createCanvas(W * ratio, H * ratio);
  const ctx = canvas.getContext('2d');
  ctx.scale(ratio, ratio);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, W, H);
  const left = 64, right = W - 200, top = 40, bottom = H - 50;
  const series: Array<{ name: string; color: string; points: Array<[number, number]> }> = [
    { name: 'data stage (archive → panel)', color: '#1f77b4', points: rows.map((r) => [r.events / 1e6, r.data.read_s + r.data.panel_s]) },
    ...jobs.map((j, k) => ({ name: `whole analysis, --jobs ${j}`, color: ['#d62728', '#2ca02c', '#9467bd'][k % 3], points: rows.filter((r) => r.whole.has(j)).map((r) => [r.events / 1e6, r.whole.get(j)!.wall_s] as [number, number]) })),
  ];
  const maxX = Math.max(...rows.map((r) => r.events / 1e6)) * 1.05;
  const maxY = Math.max(...series.flatMap((s) => s.points.map((p) => p[1]))) * 1.1;
  const x = (v: number) => left + (v / maxX) * (right - left);
  const y = (v: number) => bottom - (v / maxY) * (bottom - top);
  ctx.font = '14px "DejaVu Sans"';
  ctx.fillStyle = '#222';
  ctx.fillText('Wall seconds against events (simulated archives, one 2-core machine)', left, 24);
  ctx.strokeStyle = '#999';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(left, top);
  ctx.lineTo(left, bottom);
  ctx.lineTo(right, bottom);
  ctx.stroke();
  ctx.font = '11px "DejaVu Sans"';
  const step = (max: number) => {
    const raw = max / 5;
    const p = 10 ** Math.floor(Math.log10(raw));
    return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
  };
  for (let v = 0, s = step(maxY); v <= maxY; v += s) {
    ctx.fillStyle = '#444';
    ctx.fillText(String(Math.round(v * 10) / 10), left - 40, y(v) + 4);
    ctx.strokeStyle = '#eee';
    ctx.beginPath();
    ctx.moveTo(left + 1, y(v));
    ctx.lineTo(right, y(v));
    ctx.stroke();
  }
  for (let v = 0, s = step(maxX); v <= maxX; v += s) {
    ctx.fillStyle = '#444';
    ctx.fillText(String(Math.round(v * 10) / 10), x(v) - 8, bottom + 16);
  }
  ctx.fillText('million events', (left + right) / 2 - 40, bottom + 36);
  series.forEach((s, k) => {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    s.points.forEach(([px, py], i) => (i === 0 ? ctx.moveTo(x(px), y(py)) : ctx.lineTo(x(px), y(py))));
    ctx.stroke();
    for (const [px, py] of s.points) {
      ctx.beginPath();
      ctx.arc(x(px), y(py), 3, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.fillRect(right + 16, top + 10 + k * 22, 14, 3);
    ctx.fillStyle = '#222';
    ctx.fillText(s.name, right + 36, top + 15 + k * 22);
  });
  return canvas.toBuffer('image/png');
}

export async function run(args: string[]): Promise<string> {
  const opt = (name: string, fallback: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const sizes = opt('sizes', '0.5,1.5,4.7,12.5').split(',').map(Number).map(sizeOf);
  const reps = Number(opt('reps', '100'));
  const jobs = opt('jobs', '1,2').split(',').map(Number);
  const log = (m: string) => process.stderr.write(m + '\n');
  const started = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const load0 = loadavg()[0];
  const wholeMax = Number(opt('whole-max', 'Infinity'));
  const rows: Row[] = [];
  const dir = join(ROOT, 'bench', 'results');
  await fsp.mkdir(dir, { recursive: true });
  let table = '';
  for (const size of sizes) {
    const archive = await archiveOf(size, log);
    const matrix = size.scale === 'big' ? 'big' : 'small';
    log(`${size.label} M: data stage…`);
    const data = dataStage(archive, matrix);
    const whole = new Map<number, Whole>();
    const row: Row = { size, events: data.events, data, whole };
    rows.push(row);
    for (const j of size.label <= wholeMax ? jobs : []) {
      log(`${size.label} M: whole analysis, --jobs ${j}…`);
      whole.set(j, wholeAnalysis(archive, matrix, reps, j));
      table = tableOf(rows);
      writeFileSync(join(dir, 'scaling.md'), table + '\n');
      writeFileSync(join(dir, 'scaling.png'), drawFigure(rows, jobs));
    }
    table = tableOf(rows);
    writeFileSync(join(dir, 'scaling.md'), table + '\n');
    writeFileSync(join(dir, 'scaling.png'), drawFigure(rows, jobs));
  }
  return table;

  function tableOf(rows: Row[]): string {
  const f = (v: number) => v.toFixed(1);
  const cell = (w: Whole | undefined) => (w ? `${f(w.wall_s)} | ${w.max_rss_mb.toFixed(0)}` : '– | –');
  const out = [
    `Measured ${started} UTC on ${process.platform} ${process.arch}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version}; load average ${load0.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at the end (shared machine). `
      + `Whole analysis: specs/demo/discovery-mediation.yaml on the archive, every user, 2 cells (threshold 0.4, 0.5), ${reps} bootstrap replicates, empty cache.`,
    '',
    `| events | users | data stage s (read + panel) | data stage peak RSS MB | ${jobs.map((j) => `whole analysis s, --jobs ${j} | peak RSS MB`).join(' | ')} |`,
    `| ---: | ---: | ---: | ---: | ${jobs.map(() => '---: | ---:').join(' | ')} |`,
    ...rows.map((r) => `| ${(r.events / 1e6).toFixed(2)} M | ${r.size.options.users.toLocaleString('en-US')} | ${f(r.data.read_s + r.data.panel_s)} (${f(r.data.read_s)} + ${f(r.data.panel_s)}) | ${r.data.max_rss_mb.toFixed(0)} | `
      + `${jobs.map((j) => cell(r.whole.get(j))).join(' | ')} |`),
    '',
    'Figure: bench/results/scaling.png.',
  ];
  return out.join('\n');
  }
}
