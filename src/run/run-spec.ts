/**
 * `causeway run` and `causeway merge`: plan the spec, execute its cells through the grid engine,
 * assemble the results value (with cross-cell summaries) and write the run directory.
 */
import { basename, dirname, join, resolve, relative, isAbsolute } from 'node:path';
import { existsSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { stringify as yamlStringify } from 'yaml';
import { loadSpec, displayPath, type LoadedSpec } from '../spec/load.js';
import { overridesAsArgs, type SpecOverrides } from '../spec/overrides.js';
import { buildPlan, type Plan } from '../spec/plan.js';
import { CausewayError } from '../errors.js';
import { checkSourceRows } from './compile.js';
import { checkSpecOrThrow } from './check-spec.js';
import { isFileSource, sourceOf } from '../data/source.js';
import { discardPrestartedWorker, executePlan, prestartWorker } from './engine.js';
import { atomicWrite, defaultCacheDir } from './cache.js';
import { CAUSEWAY_VERSION } from '../spec/version.js';
import { resolveShard, writeShardOutput, shardDir } from './shard.js';
import { isPendingShards, mergeShardOutputs } from './merge.js';
import { robustnessFamilies, specificationCurve } from '../sensitivity/index.js';
import { headlineEstimator } from '../analysis/primary.js';
import { RESULTS_SCHEMA_TAG, firstEstimate, primaryEstimators, TOTAL_KEYS, type CellResult, type Results } from '../results/index.js';
import { runDirectoryFor } from '../report/files.js';
import { checkRunFolder, claimRunFolder, lockRunFolder, removeIfUnused } from '../report/run-folder.js';
import { crossfitFoldsCsv, withoutCrossfitFolds } from '../report/crossfit.js';
import { resolveTemplate } from '../report/template.js';
import { contentHash, sha256 } from '../spec/canonical.js';
import { specDefaults } from '../spec/defaults.js';

interface RunOptions {
  out?: string;
  /** -S / --sweep from the command line (src/spec/overrides.ts) */
  overrides?: SpecOverrides;
  jobs?: number;
  shard?: string;
  shardCount?: number;
  maxCells?: number;
  noCache?: boolean;
  failFast?: boolean;
  quiet?: boolean;
  /** progress rendering (tests pass 'none') */
  progress?: 'auto' | 'tty' | 'plain' | 'none';
  cacheDir?: string;
  /** run-directory root (default ./runs) */
  runsRoot?: string;
  log?: (line: string) => void;
}

interface RunOutcome {
  exitCode: number;
  runDir: string;
  reportPath?: string;
  results?: Results;
}

/**
 * The default run folder's id: a hash of the whole resolved spec — every cell's analysis, the grid, the
 * report settings and the names — so two specs that differ anywhere (a 36- and a 24-cell grid of one
 * study, another template) never share, and so never replace, each other's run folder. The data's
 * location is not part of it (results do not depend on it either; docs/limits.md).
 */
export function runIdOf(loaded: LoadedSpec): string {
  const { $schema: _schema, ...spec } = loaded.spec as unknown as Record<string, unknown>;
  const data = spec.data as Record<string, unknown> | undefined;
  if (data) {
    const { path: _path, ...rest } = data;
    spec.data = rest;
  }
  return contentHash(spec, 12);
}

function runDirOf(loaded: LoadedSpec, opts: RunOptions): string {
  if (opts.out) return resolve(opts.out);
  return runDirectoryFor(resolve(opts.runsRoot ?? 'runs'), loaded.spec.name, runIdOf(loaded));
}

/**
 * `runs/<name>/latest` → the run folder just written (a relative symbolic link, replaced atomically), so
 * scripts and people find the newest run of a spec without knowing its id. Skipped where the file system
 * has no symbolic links, and for --out folders (they are named by the user).
 */
function pointLatest(runDir: string): void {
  const parent = dirname(runDir);
  const latest = join(parent, 'latest');
  const temp = join(parent, `.latest.${process.pid}.tmp`);
  try {
    rmSync(temp, { force: true });
    symlinkSync(basename(runDir), temp);
    renameSync(temp, latest);
  } catch {
    rmSync(temp, { force: true }); // no symbolic links here: the run folder is still named in the output
  }
}

export async function runSpec(specFile: string, opts: RunOptions = {}): Promise<RunOutcome> {
  const say = opts.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const started = Date.now();
  // A cell worker starts loading now, on the other core, while this thread checks the spec and reads the
  // result cache (src/run/engine.ts prestartWorker); executePlan adopts it, or ends it when no cell runs.
  prestartWorker();
  try {
    return await checkAndRun(specFile, opts, say, started);
  } finally {
    await discardPrestartedWorker(); // a run that stopped before its cells (a spec error) ends the worker it started
  }
}

async function checkAndRun(specFile: string, opts: RunOptions, say: (line: string) => void, started: number): Promise<RunOutcome> {
  // every schema, reference, grid, data and expression error at once (src/run/check-spec.ts)
  const { loaded, plan } = await checkSpecOrThrow(specFile, opts.overrides);
  await checkSourceRows(loaded, plan);
  const runDir = runDirOf(loaded, opts);
  const shard = resolveShard({ shard: opts.shard, shardCount: opts.shardCount });
  // Before any work: the run folder must be one causeway may write into, and (unless this is one shard
  // of several, which write their own files side by side) no other run may be writing it.
  checkRunFolder(runDir);
  const madeHere = !existsSync(runDir);
  const release = shard ? () => {} : lockRunFolder(runDir);
  try {
    if (shard) claimRunFolder(runDir);
    return await executeAndWrite(loaded, plan, runDir, shard, opts, say, started);
  } finally {
    release();
    // a run that fails before writing anything leaves no empty folder behind
    if (madeHere) removeIfUnused(runDir);
  }
}

async function executeAndWrite(
  loaded: LoadedSpec,
  plan: Plan,
  runDir: string,
  shard: ReturnType<typeof resolveShard>,
  opts: RunOptions,
  say: (line: string) => void,
  started: number,
): Promise<RunOutcome> {
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  // Embedded data (the demo archive) are generated here, once, rather than by every worker that needs them first.
  const prepared = new Set<string>();
  for (const c of plan.cells) {
    const key = JSON.stringify(c.spec.data);
    if (prepared.has(key)) continue;
    prepared.add(key);
    await sourceOf(c.spec.data).prepare?.(c.spec.data, { cacheDir, log: (m) => (opts.quiet ? undefined : process.stderr.write(m + '\n')) });
  }
  const executed = await executePlan(plan, {
    jobs: opts.jobs,
    shard,
    cacheDir,
    noCache: opts.noCache,
    failFast: opts.failFast,
    quiet: opts.quiet,
    maxCells: opts.maxCells,
    specPath: loaded.path,
    baseDir: loaded.baseDir,
    specSource: loaded.source,
    progress: opts.progress,
  });
  const seconds = (Date.now() - started) / 1000;
  if (shard) {
    const file = await writeShardOutput(runDir, plan, shard, executed.cells, executed.interrupted);
    // `causeway merge` finds the spec here unless told with --spec (another machine may mount it elsewhere).
    // the spec and its command-line overrides, so merge can rebuild the same plan without being told
    await atomicWrite(join(runDir, 'shards', 'spec-path.txt'), JSON.stringify({ path: loaded.path, overrides: loaded.overrides ?? null }));
    say(`shard ${shard.index}/${shard.count}: ${executed.cells.length} cells (${executed.fromCache} from cache, ${executed.failed} failed) → ${displayPath(file)}`);
    if (executed.interrupted) say('interrupted: run the same command again to resume');
    return { exitCode: executed.failed > 0 || executed.interrupted ? 1 : 0, runDir: shardDir(runDir, shard) };
  }
  if (executed.interrupted) {
    say(`interrupted after ${executed.computed} computed cells; finished cells are cached — run the same command again to resume`);
    return { exitCode: 130, runDir };
  }
  const reportStarted = Date.now();
  const outcome = await writeRun(loaded, plan, executed.cells, runDir, { seconds, fromCache: executed.fromCache, computed: executed.computed });
  if (!opts.out) pointLatest(runDir);
  // Honest times: the cells, the report, and the whole command since the process started (start-up
  // and loading included), so a cached re-run's line matches what a stopwatch shows.
  const reportSeconds = (Date.now() - reportStarted) / 1000;
  say(
    `${executed.cells.length} cell${executed.cells.length === 1 ? '' : 's'}: ${executed.computed} computed, ${executed.fromCache} from cache, ${executed.failed} failed ` +
      `(cells ${seconds.toFixed(1)} s, report ${reportSeconds.toFixed(1)} s, ${process.uptime().toFixed(1)} s in all)`,
  );
  for (const c of executed.cells.filter((x) => x.status === 'failed')) say(`failed cell ${c.id}: ${c.reason ?? 'unknown reason'}`);
  say(`report: ${displayPath(outcome.reportPath!)}`);
  return { ...outcome, exitCode: executed.failed > 0 ? 1 : 0 };
}

/** `causeway merge <run-dir>`: shard outputs → one run directory, as a single process would write it. */
export async function mergeRun(runDir: string, opts: { specFile?: string; log?: (line: string) => void; waitSeconds?: number; overrides?: SpecOverrides } = {}): Promise<RunOutcome> {
  const say = opts.log ?? ((line: string) => process.stdout.write(line + '\n'));
  checkRunFolder(runDir, 'run folder');
  // a folder that does not exist has no shards: mergeShardOutputs says so, and nothing is created
  const release = existsSync(runDir) ? lockRunFolder(runDir) : () => {};
  try {
    return await mergeLocked(runDir, opts, say);
  } finally {
    release();
  }
}

async function mergeLocked(runDir: string, opts: { specFile?: string; waitSeconds?: number; overrides?: SpecOverrides }, say: (line: string) => void): Promise<RunOutcome> {
  const merged = await waitForShards(runDir, opts.waitSeconds ?? 0, say);
  const recorded = opts.specFile ? null : readSpecPathFromShards(runDir);
  const specFile = opts.specFile ?? recorded!.path;
  const loaded = loadSpec(specFile, opts.overrides ?? recorded?.overrides ?? undefined);
  const plan = buildPlan(loaded);
  if (plan.specHash !== merged.plan.specHash) {
    throw new CausewayError('RUN_MERGE', `the spec at ${displayPath(specFile)} has changed since the shards ran (plan ${plan.specHash} vs ${merged.plan.specHash})`, { kind: 'path', path: runDir });
  }
  const outcome = await writeRun(loaded, plan, merged.cells, runDir, { seconds: 0, fromCache: 0, computed: 0, shards: merged.shardCount });
  const failed = merged.cells.filter((c) => c.status === 'failed').length;
  say(`merged ${merged.shardCount} shards: ${merged.cells.length} cells, ${failed} failed`);
  say(`report: ${displayPath(outcome.reportPath!)}`);
  return { ...outcome, exitCode: failed > 0 ? 1 : 0 };
}

/**
 * Shard outputs of a run directory, polling every 2 s for up to `seconds` while shards are missing or
 * interrupted (a merge job started beside the shards, as in docs/batch.md); other problems fail at once.
 */
async function waitForShards(runDir: string, seconds: number, say: (line: string) => void): Promise<ReturnType<typeof mergeShardOutputs>> {
  const deadline = Date.now() + seconds * 1000;
  let told = false;
  for (;;) {
    try {
      return mergeShardOutputs(runDir);
    } catch (e) {
      if (!isPendingShards(e) || Date.now() >= deadline) throw e;
      if (!told) say(`waiting up to ${seconds} s for every shard: ${(e as CausewayError).message}`);
      told = true;
      await new Promise((r) => setTimeout(r, Math.min(2000, Math.max(0, deadline - Date.now()))));
    }
  }
}

function readSpecPathFromShards(runDir: string): { path: string; overrides: SpecOverrides | null } {
  try {
    const recorded = JSON.parse(readFileSync(resolve(runDir, 'shards', 'spec-path.txt'), 'utf8')) as string | { path: string; overrides: SpecOverrides | null };
    return typeof recorded === 'string' ? { path: recorded, overrides: null } : recorded;
  } catch {
    throw new CausewayError('RUN_MERGE', 'cannot tell which spec the shards ran', { kind: 'path', path: runDir }, 'pass the spec: causeway merge <run-dir> --spec <spec.yaml>');
  }
}

/** The results value of a finished plan, with cross-cell summaries. */
export function assembleResults(loaded: LoadedSpec, plan: Plan, cells: CellResult[]): Results {
  const spec = loaded.spec;
  const firstOk = cells.find((c) => c.status === 'ok');
  const data = (firstOk?.diagnostics.data ?? null) as {
    fingerprint: string;
    coverage: Results['data']['coverage'];
    quality: Results['data']['quality'];
    source: { matrix: string } | null;
  } | null;
  // The base cell carries the spec's own values; every robustness family varies one axis from it.
  const baseCellId = plan.specHash.slice(0, 12);
  const primary = primaryOf(cells, spec.report?.primary, baseCellId);
  const axes = plan.axes.map((a) => a.path);
  return {
    schema: RESULTS_SCHEMA_TAG,
    causeway: CAUSEWAY_VERSION,
    spec: {
      name: spec.name,
      title: spec.title,
      question: spec.title,
      hash: plan.specHash,
      seed: spec.seed ?? specDefaults().seed,
      report: { template: spec.report?.template, figures: spec.report?.figures, formats: spec.report?.formats as Array<'png' | 'svg'> | undefined },
      grid: plan.axes.map((a) => ({ path: a.path, values: a.values as never })),
    },
    data: {
      source: spec.data.source,
      // Where the data lie (path, layout) is in manifest.json: results.json is the same wherever they are.
      description: data?.source ? (isFileSource(spec.data) ? `${spec.data.source} source` : `${data.source.matrix} matrix`) : undefined,
      fingerprint: data?.fingerprint ?? 'unknown',
      coverage: data?.coverage ?? { users: 0, events: 0, firstDate: 0, lastDate: 0, sampledUsers: 0 },
      quality: data?.quality ?? [],
      sample: { modulus: ('sample' in spec.data ? spec.data.sample?.modulus : undefined) ?? 1, remainder: ('sample' in spec.data ? spec.data.sample?.remainder : undefined) ?? 0 },
    },
    cells: cells.map(withoutCrossfitFolds),
    summary: {
      primary,
      cells: {
        total: cells.length,
        ok: cells.filter((c) => c.status === 'ok').length,
        failed: cells.filter((c) => c.status === 'failed').length,
        skipped: cells.filter((c) => c.status === 'skipped').length,
      },
      robustness: axes.length ? robustnessFamilies(cells, { axes, baseCellId }) : [],
      specificationCurve: axes.length && primary ? specificationCurve(cells, { estimator: primary.estimator, estimand: primary.estimand, axes }) : null,
    },
    limitations: (spec.report?.limitations ?? []).map((l) => ({ limitation: l.limitation, whyItMatters: l.why_it_matters ?? '', mitigation: l.mitigation ?? '' })),
    recommendations: (spec.report?.recommendations ?? []).map((r) => ({ area: r.area, recommendation: r.recommendation, evidence: r.evidence ?? '' })),
    warnings: [...new Set(cells.flatMap((c) => c.warnings))].sort(),
  };
}

/** The headline: the preferred estimator's total effect, else by the kinds' headline ranks (a mediation estimator's first). */
function primaryOf(cells: CellResult[], preferred: string | undefined, baseCellId: string): Results['summary']['primary'] {
  const cell = cells.find((c) => c.status === 'ok' && c.id === baseCellId) ?? cells.find((c) => c.status === 'ok');
  if (!cell) return null;
  const head = headlineEstimator(primaryEstimators(cell), preferred);
  return head ? { estimator: head.estimator.id, estimand: head.estimand, cellId: cell.id } : null;
}

async function writeRun(
  loaded: LoadedSpec,
  plan: Plan,
  cells: CellResult[],
  runDir: string,
  timing: { seconds: number; fromCache: number; computed: number; shards?: number },
): Promise<RunOutcome> {
  // Loaded only now, after the cells: the figures' canvas library (about 30 MB resident) and the report
  // modules are not held in memory beside a cell's data and estimators.
  const { writeRunDirectory } = await import('../report/writer.js');
  const results = assembleResults(loaded, plan, cells);
  const specYaml = `# Resolved spec (extends merged, defaults filled) of ${displayPath(loaded.path)}\n` + yamlStringify(loaded.spec, { sortMapEntries: false, lineWidth: 0 });
  const templateSetting = loaded.spec.report?.template ?? 'default';
  const template = resolveTemplate(templateSetting, loaded.baseDir);
  const reportStarted = Date.now();
  const written = await writeRunDirectory(runDir, results, {
    specYaml,
    template,
    figures: (loaded.spec.report?.formats as Array<'png' | 'svg'> | undefined) ?? specDefaults().formats,
    crossfitFolds: crossfitFoldsCsv(cells),
    manifest: {
      runId: relativeRunId(runDir),
      timings: { cells_seconds: round3(timing.seconds) },
      extra: { cellsComputed: timing.computed, cellsFromCache: timing.fromCache, ...(timing.shards ? { shards: timing.shards } : {}), specFiles: loaded.files.map(displayPath), ...(loaded.overrides ? { overrides: overridesAsArgs(loaded.overrides) } : {}), dataPath: loaded.spec.data.path ?? null, specSha256: sha256(readFileSync(loaded.path, 'utf8')) },
    },
  });
  void reportStarted;
  return { exitCode: 0, runDir, reportPath: written.reportPath, results };
}

function relativeRunId(runDir: string): string {
  const rel = relative(resolve('runs'), runDir);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : runDir;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
