/**
 * The grid engine: runs a plan's cells on a pool of worker threads.
 *
 *  - Cells sharing a panel key (their seed/data/events/days/history sections) are sent to the same worker
 *    one after another, so its in-process memo (`SharedWork`) builds the data and panel once. A worker
 *    whose group is drained takes the next group no worker holds, else helps the largest one.
 *  - Results come back in plan order whatever the completion order; every result passes through stable
 *    JSON in the worker, so a computed cell, a cached cell and a merged shard's cell are the same bytes.
 *  - Each finished `ok` cell is written to the result cache (cache.ts) the moment it arrives: a run that is
 *    killed resumes from there. SIGINT/SIGTERM stop scheduling and let in-flight cells finish; a second
 *    signal abandons them.
 *  - Keep-going by default: a failed cell is recorded (status failed, reason = the CausewayError's
 *    formatted message) and the rest run; `failFast` stops scheduling after the first failure. Cells not
 *    run (fail-fast, interrupt) are returned with status `skipped`.
 * Workers load compiled JavaScript (`dist/src/run/worker.js`), which imports the cell runner module.
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CausewayError, CausewayErrors } from '../errors.js';
import type { CellResult } from '../results/index.js';
import type { Cell, Plan } from '../spec/plan.js';
import type { SourceMap } from '../spec/source.js';
import { ResultCache, parseCellPayload } from './cache.js';
import { createProgress, type EngineEvent, type ProgressMode } from './progress.js';
import { panelKey } from './cost.js';
import { assignShards, type ShardSpec } from './shard.js';

// ---------------------------------------------------------------------------------------------
// What a cell runner sees

/**
 * In-process memo for work cells share (loaded data, panels, frames), keyed by content keys. Bounded:
 * the least recently used entries are dropped past `capacity`, so a worker walking many panel groups does
 * not keep every panel alive.
 */
export class SharedWork {
  private readonly entries = new Map<string, Promise<unknown>>();
  builds = 0;
  hits = 0;

  constructor(readonly capacity = 6) {}

  /** The value under `key`, built by `build` the first time (concurrent callers share one build). */
  memo<T>(key: string, build: () => T | Promise<T>): Promise<T> {
    const existing = this.entries.get(key);
    if (existing) {
      this.entries.delete(key);
      this.entries.set(key, existing);
      this.hits++;
      return existing as Promise<T>;
    }
    this.builds++;
    const value = Promise.resolve().then(build);
    // A failed build is not remembered: the next cell tries again and reports its own error.
    value.catch(() => this.entries.delete(key));
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Forgets every value whose key starts with `prefix`, except the one under `keep`. */
  forgetOthers(prefix: string, keep: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix) && key !== keep) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

export interface RunCellContext {
  specPath: string;
  baseDir: string;
  cacheDir: string;
  /** the spec's source positions as the caller loaded them (overrides applied); absent: the runner reads specPath again */
  source?: SourceMap;
  log: (msg: string) => void;
  shared: SharedWork;
}

/** What a worker needs besides a cell; sent with the first cell each worker runs (src/run/worker.ts). */
export type WorkerContext = Omit<RunCellContext, 'log' | 'shared'>;

/** The signature a runner module (src/run/cell.ts, or a test fixture) exports as `runCell`. */
export type RunCell = (cell: Cell, ctx: RunCellContext) => Promise<CellResult>;

export { panelKey };

/** A person-readable reason for a failure: the CausewayError's formatted message, or an internal error. */
export function describeError(e: unknown): string {
  if (e instanceof CausewayErrors) return e.errors.map((x) => x.format()).join('\n');
  if (e instanceof CausewayError) return `${e.code}: ${e.format()}`;
  const err = e as Error;
  return `internal error: ${err?.message ?? String(e)}`;
}

/**
 * A CellResult for a cell that produced none (failed before a result, crashed, or was not run). The
 * definitions are what the spec says; the threshold is the spec's value, or its quantile when unresolved.
 */
export function failedCellResult(cell: Cell, reason: string, status: 'failed' | 'skipped' = 'failed'): CellResult {
  const spec = cell.spec;
  const threshold = spec.treatment.threshold as { value?: number; quantile?: number };
  const direction = spec.treatment.direction ?? '>=';
  const rule =
    threshold.value !== undefined
      ? `${spec.treatment.measure} ${direction} ${threshold.value}`
      : `${spec.treatment.measure} ${direction} q${threshold.quantile} (not resolved: cell ${status === 'failed' ? 'failed' : 'not run'})`;
  return {
    id: cell.id,
    axes: cell.axes as CellResult['axes'],
    status,
    reason,
    definitions: {
      treatment: {
        name: spec.treatment.name ?? spec.treatment.measure,
        measure: spec.treatment.measure,
        rule,
        threshold: threshold.value ?? threshold.quantile ?? 0,
        quantile: threshold.quantile ?? null,
        treatedShare: 0,
      },
      mediator: spec.mediator ? { name: spec.mediator, rule: spec.mediator } : null,
      outcome: { name: spec.outcomes.primary, rule: spec.outcomes.primary },
      secondary: (spec.outcomes.secondary ?? []).map((name) => ({ name, rule: name })),
    },
    readiness: [],
    assumptions: [],
    estimators: [],
    diagnostics: {},
    warnings: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Options, events, result

export interface ExecuteOptions {
  /** worker threads (default os.availableParallelism(); capped at the cells to compute) */
  jobs?: number;
  shard?: ShardSpec;
  /** default: cache.ts defaultCacheDir() — the lead passes it explicitly */
  cacheDir: string;
  /** skip cache reads (results are still written) */
  noCache?: boolean;
  failFast?: boolean;
  quiet?: boolean;
  /** --max-cells: the limit on plan size (default plan.maxCells) */
  maxCells?: number;
  /** module exporting `runCell` (path or file URL); default the compiled src/run/cell.js */
  runnerModule?: string;
  specPath: string;
  baseDir: string;
  /** the spec's source positions (LoadedSpec.source), handed to the workers so they need not load the spec again */
  specSource?: SourceMap;
  onEvent?: (event: EngineEvent) => void;
  /** 'auto' (listr2 on a TTY, plain lines otherwise / in CI / with quiet), 'tty', 'plain', 'none' */
  progress?: ProgressMode;
  /** where progress goes (default process.stderr) */
  output?: NodeJS.WritableStream;
  /** listen for SIGINT/SIGTERM during the run (default true) */
  handleSignals?: boolean;
  /** programmatic interrupt: first abort = stop scheduling, as a first Ctrl-C */
  signal?: AbortSignal;
}

export type { EngineEvent };

interface ExecuteResult {
  /** the plan's cells (this shard's, when sharded) in plan order */
  cells: CellResult[];
  failed: number;
  fromCache: number;
  computed: number;
  interrupted: boolean;
}

interface WorkerSlot {
  id: number;
  worker: Worker;
  group: string | null;
  busy: { index: number; started: number } | null;
  ready: boolean;
  dead: boolean;
  fatal?: string;
  /** whether the worker has been sent the WorkerContext (with its first cell) */
  told: boolean;
}

type FromWorker =
  | { type: 'ready' }
  | { type: 'log'; index: number; message: string }
  | { type: 'done'; index: number; payload: string }
  | { type: 'fatal'; message: string };

function defaultRunnerModule(): string {
  return new URL('./cell.js', import.meta.url).href;
}

const WORKER_FILE = new URL('./worker.js', import.meta.url);

/**
 * A cell worker's V8 young generation, at most 12 MB (V8's default lets it grow to 32 MB). A cell's data
 * live in typed arrays outside V8's heap, and its JavaScript objects are few and short-lived, so the larger
 * young generation held only garbage: the capped one took 22–24 MB off a cell worker's V8 heap and its
 * peak RSS (the eight-estimator stand-in of the demo cell 371 → 339–344 MB with the allocator setting of
 * docs/batch.md), for about 2% more CPU in collections (docs/performance-notes.md, Memory).
 */
function newCellWorker(runnerModule: string): Worker {
  return new Worker(WORKER_FILE, { workerData: { runnerModule }, resourceLimits: { maxYoungGenerationSizeMb: 12 } });
}

/**
 * A cell worker started before the plan is known (prestartWorker), waiting to be adopted by the next pool.
 * Starting one takes a thread about 0.2–0.3 s (a Node isolate and the cell runner's module graph); begun
 * while the main thread still checks the spec and reads the result cache, that time leaves the critical path.
 */
interface Prestarted {
  worker: Worker;
  runnerModule: string;
  ready: boolean;
  dead: boolean;
  fatal?: string;
  detach: () => void;
}

let prestarted: Prestarted | null = null;

/**
 * Starts one cell worker now for the next executePlan to adopt (runs with the same runner module). It
 * does not keep the process alive, and a run that computes no cell (all cached, or a spec error before
 * any) ends it: the cost is then the CPU it spent starting, on a core the main thread was not using.
 */
export function prestartWorker(runnerModule?: string): Worker {
  if (prestarted && !prestarted.dead) return prestarted.worker;
  const url = toModuleUrl(runnerModule ?? defaultRunnerModule());
  const worker = newCellWorker(url);
  worker.unref();
  const entry: Prestarted = { worker, runnerModule: url, ready: false, dead: false, detach: () => {} };
  const onMessage = (msg: FromWorker): void => {
    if (msg.type === 'ready') entry.ready = true;
    else if (msg.type === 'fatal') entry.fatal = msg.message;
  };
  const onError = (e: Error): void => {
    entry.dead = true;
    entry.fatal ??= e?.message ?? String(e);
  };
  const onExit = (): void => {
    entry.dead = true;
  };
  worker.on('message', onMessage);
  worker.on('error', onError);
  worker.on('exit', onExit);
  entry.detach = () => {
    worker.off('message', onMessage);
    worker.off('error', onError);
    worker.off('exit', onExit);
  };
  prestarted = entry;
  return worker;
}

/** The prestarted worker for `runnerModule`, handed over once (null when none, or it died). */
function adoptPrestarted(runnerModule: string): Prestarted | null {
  const entry = prestarted;
  if (!entry || entry.dead || entry.runnerModule !== runnerModule) return null;
  prestarted = null;
  entry.detach();
  entry.worker.ref();
  return entry;
}

/** Ends a prestarted worker no pool adopted (a run with nothing to compute). */
export async function discardPrestartedWorker(): Promise<void> {
  const entry = prestarted;
  prestarted = null;
  if (!entry) return;
  entry.detach();
  if (!entry.dead) await entry.worker.terminate();
}

function toModuleUrl(module: string): string {
  if (/^(file|data|node):/.test(module)) return module;
  return pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
}

/** Refuses a plan larger than the limit (--max-cells, else the spec's sensitivity.max_cells). */
function checkMaxCells(plan: Pick<Plan, 'cells' | 'maxCells'>, maxCells?: number): void {
  const limit = maxCells ?? plan.maxCells;
  if (plan.cells.length > limit) {
    throw new CausewayError(
      'RUN_TOO_MANY_CELLS',
      `the plan has ${plan.cells.length} cells, more than the limit of ${limit}` + (maxCells === undefined ? ' (sensitivity.max_cells)' : ' (--max-cells)'),
      { kind: 'none' },
      `check the grid with 'causeway plan', then pass --max-cells ${plan.cells.length} to run it`,
    );
  }
}

// ---------------------------------------------------------------------------------------------

export async function executePlan(plan: Plan, opts: ExecuteOptions): Promise<ExecuteResult> {
  const began = Date.now();
  checkMaxCells(plan, opts.maxCells);
  const emitters: Array<(e: EngineEvent) => void> = [];
  const progress = createProgress({ mode: opts.progress ?? 'auto', quiet: opts.quiet ?? false, output: opts.output ?? process.stderr });
  emitters.push((e) => progress.event(e));
  if (opts.onEvent) emitters.push(opts.onEvent);
  const emit = (e: EngineEvent) => {
    for (const f of emitters) f(e);
  };

  const indices: number[] = [];
  const assignment = opts.shard && opts.shard.count > 1 ? assignShards(plan.cells, opts.shard.count) : null;
  plan.cells.forEach((_c, i) => {
    if (!assignment || assignment[i] === opts.shard!.index) indices.push(i);
  });
  const results = new Map<number, CellResult>();
  const fromCacheSet = new Set<number>();
  const cache = new ResultCache(opts.cacheDir, opts.baseDir);
  const keys = new Map<number, string>();
  const toRun: number[] = [];
  for (const i of indices) keys.set(i, cache.keyOf(plan.cells[i]!));
  // Cache reads in parallel batches (a 10,000-cell re-run is mostly file reads), judged in plan order.
  const reads: Array<Awaited<ReturnType<ResultCache['read']>> | null> = new Array(indices.length).fill(null);
  if (!opts.noCache) {
    const batch = 64;
    for (let start = 0; start < indices.length; start += batch) {
      const slice = indices.slice(start, start + batch);
      const got = await Promise.all(slice.map((i) => cache.read(keys.get(i)!)));
      got.forEach((g, k) => (reads[start + k] = g));
    }
  }
  indices.forEach((i, k) => {
    const read = reads[k];
    if (read?.status === 'hit') {
      results.set(i, parseCellPayload(read.payload));
      fromCacheSet.add(i);
      return;
    }
    if (read?.status === 'corrupt') emit({ type: 'log', cellId: plan.cells[i]!.id, message: `cache entry for cell ${plan.cells[i]!.id} is corrupt (${read.problem}); recomputing` });
    toRun.push(i);
  });
  const requestedJobs = opts.jobs ?? availableParallelism();
  const jobs = Math.max(1, Math.min(Math.floor(requestedJobs) || 1, toRun.length || 1));
  emit({ type: 'start', total: indices.length, cached: fromCacheSet.size, toRun: toRun.length, jobs, shard: opts.shard });
  let done = 0;
  for (const i of indices) {
    if (fromCacheSet.has(i)) {
      done++;
      emit({ type: 'cell-done', index: i, cellId: plan.cells[i]!.id, status: results.get(i)!.status, fromCache: true, ms: 0, done, total: indices.length });
    }
  }

  let interrupted = false;
  let failFastTripped: string | null = null;
  try {
    if (toRun.length > 0) {
      const outcome = await runPool(plan, toRun, jobs, opts, cache, keys, emit, results, () => done, (d) => (done = d), indices.length);
      interrupted = outcome.interrupted;
      failFastTripped = outcome.failFastCell;
    }
  } finally {
    await discardPrestartedWorker();
  }

  const cells: CellResult[] = [];
  let failed = 0;
  let skipped = 0;
  for (const i of indices) {
    let r = results.get(i);
    if (!r) {
      const why = interrupted ? 'not run: the run was interrupted' : failFastTripped ? `not run: --fail-fast after cell ${failFastTripped} failed` : 'not run';
      r = failedCellResult(plan.cells[i]!, why, 'skipped');
    }
    if (r.status === 'failed') failed++;
    if (r.status === 'skipped') skipped++;
    cells.push(r);
  }
  const computed = indices.filter((i) => results.has(i) && !fromCacheSet.has(i)).length;
  emit({ type: 'end', computed, fromCache: fromCacheSet.size, failed, skipped, interrupted, ms: Date.now() - began });
  await progress.close();
  return { cells, failed, fromCache: fromCacheSet.size, computed, interrupted };
}

async function runPool(
  plan: Plan,
  toRun: number[],
  jobs: number,
  opts: ExecuteOptions,
  cache: ResultCache,
  keys: Map<number, string>,
  emit: (e: EngineEvent) => void,
  results: Map<number, CellResult>,
  getDone: () => number,
  setDone: (d: number) => void,
  total: number,
): Promise<{ interrupted: boolean; failFastCell: string | null }> {
  // Groups of cells sharing a panel, each in plan order; group order = first appearance in the plan.
  const groups = new Map<string, number[]>();
  for (const i of toRun) {
    const k = panelKey(plan.cells[i]!);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(i);
  }
  const runnerModule = toModuleUrl(opts.runnerModule ?? defaultRunnerModule());
  const context: WorkerContext = { specPath: opts.specPath, baseDir: opts.baseDir, cacheDir: opts.cacheDir, ...(opts.specSource ? { source: opts.specSource } : {}) };
  const slots: WorkerSlot[] = [];
  let stopScheduling = false;
  let abandoned = false;
  let interrupted = false;
  let failFastCell: string | null = null;
  let nextSlotId = 1;
  const pendingWrites: Promise<void>[] = [];

  return await new Promise((resolvePool, rejectPool) => {
    let finished = false;

    const onSignal = (): void => {
      if (finished) return;
      if (!interrupted) {
        interrupted = true;
        stopScheduling = true;
        const inFlight = slots.filter((s) => s.busy).length;
        emit({ type: 'interrupt', abandon: false, inFlight });
        maybeFinish();
      } else {
        abandoned = true;
        emit({ type: 'interrupt', abandon: true, inFlight: slots.filter((s) => s.busy).length });
        for (const s of slots) if (!s.dead) void s.worker.terminate();
        for (const s of slots) s.busy = null;
        maybeFinish();
      }
    };
    const handleSignals = opts.handleSignals ?? true;
    if (handleSignals) {
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }
    const onAbort = (): void => onSignal();
    opts.signal?.addEventListener('abort', onAbort);
    if (opts.signal?.aborted) queueMicrotask(onSignal);

    const cleanup = (): void => {
      if (handleSignals) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      opts.signal?.removeEventListener('abort', onAbort);
    };

    const remaining = (): number => {
      let n = 0;
      for (const g of groups.values()) n += g.length;
      return n;
    };

    const maybeFinish = (): void => {
      if (finished) return;
      const busy = slots.some((s) => s.busy);
      if (busy && !abandoned) return;
      if (!stopScheduling && remaining() > 0 && !abandoned) return;
      finished = true;
      cleanup();
      // Waiting for the workers to exit frees their heaps (a cell's panel, frame and models) before the
      // caller writes the report.
      const exits = slots.filter((s) => !s.dead).map((s) => s.worker.terminate());
      Promise.all([...pendingWrites, ...exits]).then(
        () => resolvePool({ interrupted, failFastCell }),
        (e) => rejectPool(e),
      );
    };

    const pickGroup = (slot: WorkerSlot): string | null => {
      if (slot.group && (groups.get(slot.group)?.length ?? 0) > 0) return slot.group;
      const held = new Set(slots.filter((s) => s !== slot && !s.dead && s.group).map((s) => s.group));
      let best: string | null = null;
      let bestFree: string | null = null;
      for (const [k, g] of groups) {
        if (g.length === 0) continue;
        if (!held.has(k) && bestFree === null) bestFree = k;
        if (best === null || g.length > groups.get(best)!.length) best = k;
      }
      return bestFree ?? best;
    };

    const dispatch = (slot: WorkerSlot): void => {
      if (slot.dead || slot.busy || !slot.ready || stopScheduling) return;
      const key = pickGroup(slot);
      if (key === null) return;
      const index = groups.get(key)!.shift()!;
      slot.group = key;
      slot.busy = { index, started: Date.now() };
      emit({ type: 'cell-start', index, cellId: plan.cells[index]!.id, worker: slot.id });
      slot.worker.postMessage({ type: 'run', index, cell: plan.cells[index], ...(slot.told ? {} : { context }) });
      slot.told = true;
    };

    const record = (index: number, result: CellResult, payload: string | null, ms: number): void => {
      results.set(index, result);
      const done = getDone() + 1;
      setDone(done);
      if (result.status === 'ok' && payload !== null) {
        pendingWrites.push(
          cache.write(keys.get(index)!, result.id, payload).catch((e: Error) => {
            emit({ type: 'log', cellId: result.id, message: `could not write the cache entry for cell ${result.id}: ${e.message}` });
          }),
        );
      }
      if (result.status === 'failed' && opts.failFast && !failFastCell) {
        failFastCell = result.id;
        stopScheduling = true;
      }
      emit({ type: 'cell-done', index, cellId: result.id, status: result.status, fromCache: false, ms, reason: result.reason, done, total });
    };

    const spawn = (): void => {
      const early = adoptPrestarted(runnerModule);
      const slot: WorkerSlot = {
        id: nextSlotId++,
        worker: early?.worker ?? newCellWorker(runnerModule),
        group: null,
        busy: null,
        // a prestarted worker may have said 'ready' before this pool listened
        ready: early?.ready ?? false,
        dead: false,
        told: false,
      };
      slots.push(slot);
      slot.worker.on('message', (msg: FromWorker) => {
        if (finished && msg.type !== 'done') return;
        switch (msg.type) {
          case 'ready':
            slot.ready = true;
            dispatch(slot);
            break;
          case 'log':
            emit({ type: 'log', cellId: plan.cells[msg.index]?.id, message: msg.message });
            break;
          case 'done': {
            if (!slot.busy || slot.busy.index !== msg.index || abandoned) return;
            const ms = Date.now() - slot.busy.started;
            slot.busy = null;
            // The worker ships stable JSON; the same text is cached, so cached and computed cells are identical.
            record(msg.index, parseCellPayload(msg.payload), msg.payload, ms);
            dispatch(slot);
            maybeFinish();
            break;
          }
          case 'fatal':
            // The runner module could not be loaded; the worker exits next and onDeath reports it.
            slot.fatal = msg.message;
            break;
        }
      });
      const onDeath = (why: string): void => {
        if (slot.dead) return;
        slot.dead = true;
        if (finished || abandoned) return;
        const busy = slot.busy;
        slot.busy = null;
        if (busy) {
          const cell = plan.cells[busy.index]!;
          record(busy.index, failedCellResult(cell, `worker crashed while running this cell: ${why}`), null, Date.now() - busy.started);
        } else if (!slot.ready) {
          // Died before it could run anything: the runner module does not load, so no cell can succeed.
          finished = true;
          cleanup();
          for (const s of slots) if (!s.dead) void s.worker.terminate();
          rejectPool(new CausewayError('RUN_WORKER_START', `cell workers could not start: ${slot.fatal ?? why}`, { kind: 'path', path: runnerModule }));
          return;
        }
        if (!stopScheduling && remaining() > 0 && slots.filter((s) => !s.dead).length < jobs) spawn();
        maybeFinish();
      };
      slot.worker.on('error', (e: Error) => onDeath(e?.message ?? String(e)));
      slot.worker.on('exit', (code) => onDeath(`exit code ${code}`));
      if (slot.ready) queueMicrotask(() => dispatch(slot));
    };

    for (let j = 0; j < jobs; j++) spawn();
  });
}
