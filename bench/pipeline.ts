/**
 * Benchmark: the whole analysis, causeway against a pandas / scikit-learn script, in one run.
 *
 *   npm run bench -- pipeline [--scale seed|full] [--reps 200] [--jobs 1,2] [--write]
 *
 * The analysis is bench/pipeline.yaml (three day measures feeding A, M and Y, lags and prior-3-day sums,
 * a 41-column design, IPW, MSM, g-computation, linear mediation, SEM, AIPW, a cross-fitted gbm mediation,
 * a user-cluster bootstrap); bench/pipeline_pandas.py is the same analysis in one Python process (lean
 * pandas reading and panel, scikit-learn estimators, the seeds' bootstrap loop). The archive is simulated
 * in the real KuaiRec layout and cached under .cache/causeway/bench/: `full` is bench/ingest.ts's
 * small-matrix-scale archive (1,411 users, ≈ 4.7 M events), `seed` a tenth of its users.
 * Each side runs under /usr/bin/time (wall, user + sys CPU of the process and its children, peak RSS);
 * causeway runs with an empty cache once per `--jobs` value; the Python script runs twice, with its libraries'
 * default threads and pinned to one thread. Any failure on either side fails the bench.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, promises as fsp, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg, tmpdir } from 'node:os';
import { parse, stringify } from 'yaml';
import { synthesize, SIM_VERSION } from '../src/data/kuairec/index.js';
import { ensureArchive, SCALES } from './ingest.js';
import { arg } from './args.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)); // dist/bench/ → project root
const BIN = join(ROOT, 'dist', 'src', 'cli', 'bin.js');
const PYTHON = '/usr/bin/python3';

/** The cached archive for `scale`: full is the ingest bench's; seed is a tenth of its users, generated here. */
async function archiveOf(scale: 'seed' | 'full', log: (m: string) => void): Promise<string> {
  if (scale === 'full') return ensureArchive('small', log);
  const options = { ...SCALES.small, users: 141 };
  const dir = join(ROOT, '.cache', 'causeway', 'bench', `pipeline-seed-v${SIM_VERSION}`);
  const archive = join(dir, '18164998.zip');
  const stamp = JSON.stringify(options);
  if (existsSync(archive) && (await fsp.readFile(join(dir, 'STAMP'), 'utf8').catch(() => '')) === stamp) return archive;
  await fsp.mkdir(dir, { recursive: true });
  log('generating the seed-scale archive (cached for later runs)…');
  await synthesize({ ...options, out: archive });
  await fsp.writeFile(join(dir, 'STAMP'), stamp);
  return archive;
}

interface PythonOut {
  read_s: number; panel_s: number; frame_s: number; point_s: number; bootstrap_s: number; events: number; rows: number; users: number; covariates: number; estimates: Estimates;
}

interface Timed { wall_s: number; cpu_s: number; max_rss_mb: number; stdout: string }

/** `cmd args` under /usr/bin/time; throws with the tail of stderr when it fails. */
function timed(what: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Timed {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, env });
  const line = (r.stderr ?? '').split('\n').find((l) => l.startsWith('TIME '));
  if (r.status !== 0 || !line) throw new Error(`${what} failed (exit ${r.status ?? r.signal ?? r.error?.message}): ${(r.stderr ?? '').slice(-1500)}`);
  const [, wall, user, sys, kb] = line.split(' ').map(Number);
  return { wall_s: wall, cpu_s: user + sys, max_rss_mb: kb / 1024, stdout: r.stdout };
}

type Estimates = Record<string, Record<string, number>>;

/** The first cell's point estimates from a run directory's results.json, by estimator id. */
function causewayEstimates(runDir: string): { estimates: Estimates; rows: number | null } {
  const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as {
    cells: Array<{ status: string; sample?: { rows?: number; n?: number }; estimators: Array<{ id: string; status: string; reason?: string; estimates: Record<string, { estimate: number }> }> }>;
  };
  const cell = results.cells[0];
  if (!cell || cell.status !== 'ok') throw new Error(`causeway run: the cell's status is ${cell?.status}`);
  const estimates: Estimates = {};
  for (const e of cell.estimators) {
    if (e.status !== 'ok') throw new Error(`causeway run: estimator ${e.id} is ${e.status}${e.reason ? `: ${e.reason}` : ''}`);
    estimates[e.id] = Object.fromEntries(Object.entries(e.estimates).map(([k, v]) => [k, v.estimate]));
  }
  return { estimates, rows: cell.sample?.rows ?? cell.sample?.n ?? null };
}

/**
 * The estimates both sides report, side by side, with the relative difference each may show before the
 * bench fails (it then compares two different analyses). Least squares agree to rounding; propensity-based
 * estimates to scikit-learn lbfgs's stopping tolerance (bench/estimate.ts); the gbm mediation to 5%:
 * the two boosters place bin edges on continuous features differently. Checked 2026-12-03 on the full-size
 * frame (the M model, 80 trees of depth 3, all 76,635 rows): causeway's and XGBoost's predictions differ by
 * up to 1.2e-2 (mean 4.8e-4) on the raw features, and by at most 5.8e-7 (float32) once every feature is
 * coarsened to ≤ 41 values so that both binnings offer the same candidate splits (as test/golden/weighted.test.ts
 * does). With the raw features the mediation's TE/NDE/NIE were 1.0-1.1% apart at full scale, up to 3.5% at seed scale.
 */
const COMPARED: Array<[string, string, number]> = [
  ['naive', 'ate', 1e-9], ['ipw', 'ate', 1e-3], ['gcomp_linear', 'ate', 1e-6], ['aipw', 'ate', 1e-3], ['mediation_linear', 'te', 1e-6],
  ['mediation_linear', 'nde', 1e-6], ['mediation_linear', 'nie', 1e-6], ['sem_path', 'indirect', 1e-3],
  ['mediation_gbm', 'te', 0.05], ['mediation_gbm', 'nde', 0.05], ['mediation_gbm', 'nie', 0.05],
];

export async function run(args: string[]): Promise<string> {
  const scale = arg(args, '--scale', 'full');
  if (scale !== 'seed' && scale !== 'full') throw new Error(`--scale ${scale}: expected seed or full`);
  const reps = Number(arg(args, '--reps', '200'));
  const jobsList = arg(args, '--jobs', '1,2').split(',').map(Number);
  const log = (m: string) => process.stderr.write(m + '\n');
  const archive = await archiveOf(scale, log);
  const dir = mkdtempSync(join(tmpdir(), 'causeway-bench-pipeline-'));
  const load0 = loadavg();
  const started = new Date().toISOString().slice(0, 16).replace('T', ' ');
  try {
    const spec = parse(readFileSync(join(ROOT, 'bench', 'pipeline.yaml'), 'utf8')) as Record<string, any>;
    spec.data.path = archive;
    spec.uncertainty.bootstrap.reps = reps;
    const specFile = join(dir, 'pipeline.yaml');
    writeFileSync(specFile, stringify(spec));

    const rows: Array<{ who: string; t: Timed }> = [];
    let mine: { estimates: Estimates; rows: number | null } | null = null;
    for (const jobs of jobsList) {
      log(`causeway run --jobs ${jobs}…`);
      const out = join(dir, `run-${jobs}`);
      const t = timed(`causeway run --jobs ${jobs}`, process.execPath, [BIN, 'run', specFile, '--out', out, '--jobs', String(jobs), '--quiet'], {
        ...process.env, CAUSEWAY_CACHE: join(dir, `cache-${jobs}`),
      });
      mine ??= causewayEstimates(out);
      rows.push({ who: `causeway run --jobs ${jobs}`, t });
    }
    // Two Python runs: library defaults (XGBoost and BLAS use every core through
    // OpenMP, whose waiting threads spin and count as CPU on a loaded machine) and pinned to one thread.
    const pyRuns: Array<{ who: string; t: Timed }> = [];
    let pyParsed: PythonOut | null = null;
    for (const threads of ['default', '1']) {
      log(`pandas / scikit-learn, ${threads} threads…`);
      const env = threads === 'default' ? process.env : { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
      const t = timed(`bench/pipeline_pandas.py (${threads} threads)`, PYTHON, ['-W', 'ignore', join(ROOT, 'bench', 'pipeline_pandas.py'), archive, String(reps)], env);
      pyParsed ??= JSON.parse(t.stdout.trim().split('\n').pop()!) as PythonOut;
      pyRuns.push({ who: threads === 'default' ? 'pandas / scikit-learn, library defaults (OpenMP on every core)' : 'pandas / scikit-learn, one thread (OMP/OPENBLAS_NUM_THREADS=1)', t });
    }
    rows.push(...pyRuns);
    const pyOut = pyParsed!;
    const load1 = loadavg();

    const ref = rows[0].t;
    const f = (x: number, d = 1) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
    const out: string[] = [
      `Whole analysis (bench/pipeline.yaml, ${reps} user-cluster replicates) on a simulated archive at ${scale === 'full' ? 'real small-matrix' : 'seed'} scale `
        + `(${pyOut.events.toLocaleString('en-US')} events, ${pyOut.users.toLocaleString('en-US')} users, a ${pyOut.rows.toLocaleString('en-US')}-row frame with ${pyOut.covariates} covariates); `
        + `${started} UTC, ${cpus().length} cores shared with other work, load average (1/5/15 min) ${load0.map((l) => l.toFixed(1)).join('/')} at the start and ${load1.map((l) => l.toFixed(1)).join('/')} at the end, node ${process.version}.`,
      '',
      '| who | wall s | CPU s (user + sys) | peak RSS MB | wall ÷ causeway --jobs 1 | CPU ÷ causeway --jobs 1 | pandas (defaults) ÷ this, wall | pandas (defaults) ÷ this, CPU | pandas (one thread) ÷ this, wall | pandas (one thread) ÷ this, CPU |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ];
    const [pyDefault, pyOne] = pyRuns.map((r) => r.t);
    for (const { who, t } of rows) {
      out.push(`| ${who} | ${f(t.wall_s)} | ${f(t.cpu_s)} | ${f(t.max_rss_mb, 0)} | ${f(t.wall_s / ref.wall_s, 2)}× | ${f(t.cpu_s / ref.cpu_s, 2)}× | `
        + `${f(pyDefault.wall_s / t.wall_s, 2)}× | ${f(pyDefault.cpu_s / t.cpu_s, 2)}× | ${f(pyOne.wall_s / t.wall_s, 2)}× | ${f(pyOne.cpu_s / t.cpu_s, 2)}× |`);
    }
    out.push('', `pandas / scikit-learn stages (wall s inside the process, library defaults): read ${f(pyOut.read_s, 2)}, panel ${f(pyOut.panel_s, 2)}, frame ${f(pyOut.frame_s, 2)}, `
      + `point estimates + diagnostics + gbm mediation ${f(pyOut.point_s, 2)}, ${reps}-replicate bootstrap ${f(pyOut.bootstrap_s, 2)}.`);
    out.push('', `Point estimates, the same analysis on both sides (frame rows: causeway ${mine?.rows ?? '?'}, pandas ${pyOut.rows}):`, '', '| estimate | causeway | pandas / scikit-learn | relative difference | allowed |', '| --- | ---: | ---: | ---: | ---: |');
    const apart: string[] = [];
    for (const [id, key, allowed] of COMPARED) {
      const a = mine?.estimates[id]?.[key];
      const b = pyOut.estimates[id]?.[key];
      const rel = typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) / Math.max(Math.abs(b), 1e-12) : NaN;
      if (!(rel <= allowed)) apart.push(`${id}.${key}: causeway ${a}, pandas ${b}`);
      out.push(`| ${id}.${key} | ${typeof a === 'number' ? a.toFixed(3) : '–'} | ${typeof b === 'number' ? b.toFixed(3) : '–'} | ${rel.toExponential(1)} | ${allowed.toExponential(0)} |`);
    }
    if (apart.length) throw new Error(`the two sides' estimates differ beyond the allowed relative difference (bench/pipeline.ts COMPARED):\n${apart.join('\n')}\n${out.join('\n')}`);
    out.push('', 'CPU s counts every thread and waited-for child (/usr/bin/time); on this shared 2-core machine the CPU ratios are the fair comparison, '
      + 'wall ratios move with the load. Propensity-based estimates may differ slightly: scikit-learn\u2019s lbfgs stops early (bench/estimate.ts); '
      + 'the gbm mediation uses causeway\u2019s booster (src/estimate/gbm/) on one side and XGBoost\u2019s hist booster on the other, with the same trees, depth, learning rate and outcome design.');
    return out.join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
