/**
 * Benchmark: peak memory of whole runs at full size, with the allocator setting causeway makes for a cell's
 * analysis (src/run/allocator.ts: glibc's free memory returned and its mmap threshold fixed at 128 KiB once
 * the frame is built) and with glibc's own defaults (`CAUSEWAY_ALLOCATOR=default`).
 *
 *   npm run bench -- memory [--runs 1] [--reps 20] [--pipeline-reps 200] [--specs demo,pipeline] [--write]
 *
 * The specs, on bench/ingest.ts's small-matrix-scale archive (1,411 users, ≈ 4.7 M events):
 *   - demo: one cell of specs/demo/discovery-mediation.yaml on every user (its gbm mediations over repeated
 *     cross-fitting, heterogeneity, sensitivity, all its figures), `--reps` bootstrap replicates;
 *   - pipeline: bench/pipeline.yaml (the analysis of `npm run bench -- pipeline`), `--pipeline-reps`.
 * Each run is `causeway run --jobs 1` in a fresh process with an empty cache under /usr/bin/time (wall,
 * user + sys CPU, peak RSS); the two settings alternate, `--runs` times each. The bench fails if a run
 * fails or if results.json differs between runs of one spec: the setting changes where memory comes
 * from, never a number.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { ensureArchive } from './ingest.js';
import { arg } from './args.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)); // dist/bench/ → project root
const BIN = join(ROOT, 'dist', 'src', 'cli', 'bin.js');
/** The bound #17 sets for a full-size run's peak RSS. */
const BOUND_MB = 400;

const SETTINGS: Array<{ name: string; env: Record<string, string> }> = [
  { name: 'glibc defaults (CAUSEWAY_ALLOCATOR=default)', env: { CAUSEWAY_ALLOCATOR: 'default' } },
  { name: 'causeway\'s setting (threshold 128 KiB from the analysis on)', env: {} },
];

type SpecName = 'demo' | 'pipeline';

/** The spec text of `name` on `archive`. */
function specText(name: SpecName, archive: string, reps: number): string {
  if (name === 'pipeline') {
    const spec = parse(readFileSync(join(ROOT, 'bench', 'pipeline.yaml'), 'utf8')) as Record<string, any>;
    spec.data.path = archive;
    spec.uncertainty.bootstrap.reps = reps;
    return stringify(spec);
  }
  const spec = parse(readFileSync(join(ROOT, 'specs', 'demo', 'discovery-mediation.yaml'), 'utf8')) as Record<string, any>;
  spec.name = 'memory-demo';
  spec.data = { source: 'kuairec', path: archive, matrix: 'small', sample: { modulus: 1, remainder: 0 }, tables: ['user_features', 'item_categories', 'item_daily_features'] };
  spec.uncertainty = { ...(spec.uncertainty ?? {}), bootstrap: { ...(spec.uncertainty?.bootstrap ?? {}), reps } };
  if (spec.sensitivity?.grid) delete spec.sensitivity.grid; // one cell
  return stringify(spec);
}

interface Measured { spec: SpecName; setting: string; wall_s: number; cpu_s: number; max_rss_mb: number; sha: string }

/** One `causeway run --jobs 1` of `specFile` with an empty cache, under /usr/bin/time with `env` added. */
function measure(spec: SpecName, specFile: string, setting: (typeof SETTINGS)[number]): Measured {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-bench-memory-'));
  try {
    const out = join(dir, 'run');
    // an allocator setting of this shell's would apply to both rows
    const { MALLOC_MMAP_THRESHOLD_: _threshold, CAUSEWAY_ALLOCATOR: _allocator, ...inherited } = process.env;
    const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, BIN, 'run', specFile, '--out', out, '--jobs', '1', '--quiet'], {
      encoding: 'utf8', maxBuffer: 1 << 26, env: { ...inherited, ...setting.env, CAUSEWAY_CACHE: join(dir, 'cache') },
    });
    const line = (r.stderr ?? '').split('\n').find((l) => l.startsWith('TIME '));
    if (r.status !== 0 || !line) throw new Error(`${spec} with ${setting.name} failed (exit ${r.status ?? r.signal}): ${(r.stderr ?? '').slice(-800)}`);
    const [, wall, user, sys, kb] = line.split(' ').map(Number);
    const sha = createHash('sha256').update(readFileSync(join(out, 'results.json'))).digest('hex').slice(0, 12);
    return { spec, setting: setting.name, wall_s: wall, cpu_s: user + sys, max_rss_mb: kb / 1024, sha };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<string> {
  const runs = Number(arg(args, '--runs', '1'));
  const reps = Number(arg(args, '--reps', '20'));
  const pipelineReps = Number(arg(args, '--pipeline-reps', '200'));
  const specs = arg(args, '--specs', 'demo,pipeline').split(',') as SpecName[];
  for (const s of specs) if (s !== 'demo' && s !== 'pipeline') throw new Error(`--specs: unknown spec "${s}" (demo, pipeline)`);
  if (!(Number.isInteger(runs) && runs >= 1)) throw new Error('--runs must be an integer ≥ 1');
  const log = (m: string) => process.stderr.write(m + '\n');
  const archive = await ensureArchive('small', log);
  const dir = mkdtempSync(join(tmpdir(), 'causeway-bench-memory-specs-'));
  const started = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const load0 = loadavg()[0];
  const rows: Measured[] = [];
  try {
    for (const spec of specs) {
      const specFile = join(dir, `${spec}.yaml`);
      writeFileSync(specFile, specText(spec, archive, spec === 'demo' ? reps : pipelineReps));
      for (let k = 0; k < runs; k++) {
        for (const setting of SETTINGS) {
          log(`${spec}, ${setting.name}, run ${k + 1} of ${runs}…`);
          rows.push(measure(spec, specFile, setting));
        }
      }
      const shas = new Set(rows.filter((r) => r.spec === spec).map((r) => r.sha));
      if (shas.size !== 1) throw new Error(`${spec}: results.json differs between runs (${[...shas].join(', ')})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const load1 = loadavg()[0];
  const fmt = (v: number, d = 1) => v.toFixed(d);
  const out = [
    `Peak memory of whole runs (${started} UTC, ${cpus().length} cores, load average ${fmt(load0)} at the start and ${fmt(load1)} at the end; `
      + `\`causeway run --jobs 1\`, empty cache, the small-matrix-scale simulated archive; demo: one cell of specs/demo/discovery-mediation.yaml on every user, `
      + `${reps} replicates; pipeline: bench/pipeline.yaml, ${pipelineReps} replicates). MB = MiB, peak RSS from /usr/bin/time.`,
    '',
    `| spec | allocator | wall s | CPU s | peak RSS MB | ≤ ${BOUND_MB} MB | results.json |`,
    '| --- | --- | ---: | ---: | ---: | --- | --- |',
    ...rows.map((r) => `| ${r.spec} | ${r.setting} | ${fmt(r.wall_s)} | ${fmt(r.cpu_s)} | ${fmt(r.max_rss_mb, 0)} | ${r.max_rss_mb <= BOUND_MB ? 'yes' : 'no'} | ${r.sha} |`),
    '',
    'results.json is byte-identical across the settings (the bench fails otherwise).',
  ];
  return out.join('\n') + '\n';
}
