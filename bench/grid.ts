/**
 * `npm run bench -- grid [--reps N] [--runner module]`: a 24-cell grid (3 thresholds × 2 mediators ×
 * 2 ipw clips × 2 outcome horizons, all on one panel) over the demo spec with N-rep (default 200) user
 * bootstraps: wall time on 1 and 2 workers (both with --no-cache: computing every cell), then the re-run
 * from the cache. A one-cell warm-up first generates the embedded demo archive (and the panel cache) so
 * the timed runs measure the grid, not the one-time archive generation. Checks all three give identical
 * stable JSON. Uses the real cell runner (dist/src/run/cell.js) when it exists, else the test fake.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stableStringify } from '../src/results/index.js';
import { executePlan, type ExecuteOptions } from '../src/run/engine.js';
import { loadSpec } from '../src/spec/load.js';
import { buildPlan, type Plan } from '../src/spec/plan.js';

const here = dirname(fileURLToPath(import.meta.url)); // dist/bench
const root = resolve(here, '..', '..');

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function run(args: string[]): Promise<string> {
  const reps = Number(flag(args, 'reps') ?? 200);
  const realRunner = join(root, 'dist', 'src', 'run', 'cell.js');
  const fakeRunner = join(root, 'dist', 'test', 'run', 'fixtures', 'fake-runner.js');
  const runner = flag(args, 'runner') ?? (existsSync(realRunner) ? realRunner : fakeRunner);
  const usingFake = runner === fakeRunner;

  const work = mkdtempSync(join(tmpdir(), 'causeway-bench-grid-'));
  const specFile = join(work, 'grid.yaml');
  writeFileSync(
    specFile,
    [
      `extends: ${JSON.stringify(join(root, 'specs', 'demo', 'discovery-mediation.yaml'))}`,
      'name: bench-grid',
      `uncertainty: { bootstrap: { reps: ${reps}, cluster: user_id, level: 0.95 } }`,
      'sensitivity:',
      '  max_cells: 24',
      '  grid:',
      '    treatment.threshold.value: [0.4, 0.5, 0.6]',
      '    mediator: [high_satisfaction_share, complete_or_rewatch_share]',
      '    estimators.ipw.clip: [[0.02, 0.98], [0.05, 0.95]]',
      '    outcomes.primary: [future_7day_interactions, future_3day_interactions]',
      '',
    ].join('\n'),
  );
  const loaded = loadSpec(specFile);
  const plan = buildPlan(loaded);
  const cacheDir = join(work, 'cache');
  const base: ExecuteOptions = {
    cacheDir,
    runnerModule: runner,
    specPath: loaded.path,
    baseDir: loaded.baseDir,
    progress: 'none',
    handleSignals: false,
  };
  const timed = async (p: Plan, extra: Partial<ExecuteOptions>) => {
    const t0 = process.hrtime.bigint();
    const result = await executePlan(p, { ...base, ...extra });
    return { result, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
  };
  const loadBefore = loadavg()[0]!;
  await timed({ ...plan, cells: plan.cells.slice(0, 1) }, { jobs: 1, noCache: true });
  const one = await timed(plan, { jobs: 1, noCache: true });
  const two = await timed(plan, { jobs: 2, noCache: true });
  const cached = await timed(plan, { jobs: 2 });
  const texts = [one, two, cached].map((r) => stableStringify(r.result.cells));
  const same = texts[0] === texts[1] && texts[1] === texts[2];
  // Where two runs differ (the first differing line), so a mismatch can be looked into.
  const firstDifference = (a: string, b: string): string => {
    const la = a.split('\n');
    const lb = b.split('\n');
    const i = la.findIndex((line, k) => line !== lb[k]);
    return i < 0 ? 'none' : `line ${i + 1}: ${la[i]?.trim()} vs ${lb[i]?.trim()}`;
  };
  rmSync(work, { recursive: true, force: true });

  const okCells = one.result.cells.filter((c) => c.status === 'ok').length;
  const lines = [
    `### grid: ${plan.cells.length} cells, ${reps}-rep user bootstrap, demo archive${usingFake ? ' (FAKE cell runner: src/run/cell.ts not built)' : ''}`,
    '',
    '| run | workers | computed | from cache | failed | wall time (s) | per cell (s) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| all cells | 1 | ${one.result.computed} | ${one.result.fromCache} | ${one.result.failed} | ${one.seconds.toFixed(2)} | ${(one.seconds / plan.cells.length).toFixed(3)} |`,
    `| all cells | 2 | ${two.result.computed} | ${two.result.fromCache} | ${two.result.failed} | ${two.seconds.toFixed(2)} | ${(two.seconds / plan.cells.length).toFixed(3)} |`,
    `| re-run (cache) | 2 | ${cached.result.computed} | ${cached.result.fromCache} | ${cached.result.failed} | ${cached.seconds.toFixed(2)} | ${(cached.seconds / plan.cells.length).toFixed(3)} |`,
    '',
    `Speed-up 1 → 2 workers: ${(one.seconds / two.seconds).toFixed(2)}×; ${okCells}/${plan.cells.length} cells ok; results identical across the three runs: ${same ? 'yes' : `NO (1 vs 2 workers: ${firstDifference(texts[0]!, texts[1]!)}; 2 workers vs cache: ${firstDifference(texts[1]!, texts[2]!)})`}.`,
    `Machine: ${cpus().length} cores, 1-minute load average ${loadBefore.toFixed(1)} before and ${loadavg()[0]!.toFixed(1)} after (a load above the core count means other work shared the CPUs and the speed-up understates the engine).`,
  ];
  return lines.join('\n') + '\n';
}
