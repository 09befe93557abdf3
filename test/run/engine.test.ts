import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stableStringify } from '../../src/results/index.js';
import { discardPrestartedWorker, executePlan, prestartWorker, type EngineEvent, type ExecuteOptions } from '../../src/run/engine.js';
import { ResultCache } from '../../src/run/cache.js';
import { CausewayError } from '../../src/errors.js';
import type { Plan } from '../../src/spec/plan.js';
import { fakePlan } from './fixtures/fake-plan.js';
import { scratchDir } from '../scratch.js';

const runner = new URL('./fixtures/fake-runner.js', import.meta.url).href;

function tempDir(): string {
  return scratchDir('causeway-engine-');
}

async function run(plan: Plan, cacheDir: string, extra: Partial<ExecuteOptions> = {}) {
  const events: EngineEvent[] = [];
  const result = await executePlan(plan, {
    jobs: 2,
    cacheDir,
    runnerModule: runner,
    specPath: 'fake.yaml',
    baseDir: process.cwd(),
    progress: 'none',
    handleSignals: false,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { result, events };
}

test('results come back in plan order whatever the completion order; jobs 1 and jobs 2 give identical JSON', async () => {
  // Cell 0 is slow, so with two workers later cells finish before it.
  const plan = fakePlan({ cells: 6, groups: 2, sleepMs: 2, per: { 0: { sleepMs: 300 } } });
  const two = await run(plan, tempDir(), { jobs: 2, noCache: true });
  const completion = two.events.filter((e): e is Extract<EngineEvent, { type: 'cell-done' }> => e.type === 'cell-done').map((e) => e.index);
  assert.notDeepEqual(completion, [0, 1, 2, 3, 4, 5], 'the slow first cell should finish after others');
  assert.deepEqual(two.result.cells.map((c) => c.id), plan.cells.map((c) => c.id));
  const one = await run(plan, tempDir(), { jobs: 1, noCache: true });
  assert.equal(stableStringify(one.result.cells), stableStringify(two.result.cells));
  assert.equal(two.result.computed, 6);
  assert.equal(two.result.failed, 0);
  assert.ok(two.result.cells.every((c) => c.status === 'ok'));
});

test('cells sharing a panel build it once per worker', async () => {
  const plan = fakePlan({ cells: 12, groups: 3 });
  const builds = (events: EngineEvent[]) => events.filter((e) => e.type === 'log' && e.message.startsWith('built panel')).length;
  const one = await run(plan, tempDir(), { jobs: 1 });
  assert.equal(builds(one.events), 3);
  const two = await run(plan, tempDir(), { jobs: 2 });
  // Each group once, plus at most one extra build when the second worker helps with the last group.
  assert.ok(builds(two.events) >= 3 && builds(two.events) <= 4, `builds: ${builds(two.events)}`);
});

test('an unchanged re-run comes from the cache; --no-cache recomputes; results identical', async () => {
  const plan = fakePlan({ cells: 5, groups: 1 });
  const cache = tempDir();
  const first = await run(plan, cache);
  assert.equal(first.result.computed, 5);
  const again = await run(plan, cache);
  assert.equal(again.result.computed, 0);
  assert.equal(again.result.fromCache, 5);
  assert.equal(again.events.filter((e) => e.type === 'cell-start').length, 0);
  assert.equal(stableStringify(again.result.cells), stableStringify(first.result.cells));
  const bypass = await run(plan, cache, { noCache: true });
  assert.equal(bypass.result.computed, 5);
  assert.equal(stableStringify(bypass.result.cells), stableStringify(first.result.cells));
  // Changing one cell's definition recomputes only that cell.
  const changed = fakePlan({ cells: 6, groups: 1 });
  const grown = await run(changed, cache);
  assert.equal(grown.result.computed, 1);
  assert.equal(grown.result.fromCache, 5);
});

test('a corrupt or truncated cache entry is reported and recomputed', async () => {
  const plan = fakePlan({ cells: 4, groups: 1 });
  const cacheDir = tempDir();
  const first = await run(plan, cacheDir);
  const cache = new ResultCache(cacheDir, process.cwd());
  const truncated = cache.fileOf(cache.keyOf(plan.cells[1]!));
  writeFileSync(truncated, readFileSync(truncated, 'utf8').slice(0, 40));
  const flipped = cache.fileOf(cache.keyOf(plan.cells[3]!));
  const entry = JSON.parse(readFileSync(flipped, 'utf8')) as { payload: string };
  entry.payload = entry.payload.replace('"ok"', '"failed"');
  writeFileSync(flipped, JSON.stringify(entry));
  const again = await run(plan, cacheDir);
  assert.equal(again.result.computed, 2);
  assert.equal(again.result.fromCache, 2);
  const logs = again.events.filter((e) => e.type === 'log' && e.message.includes('corrupt')).map((e) => (e as { message: string }).message);
  assert.equal(logs.length, 2);
  assert.ok(logs.some((m) => m.includes('checksum mismatch')));
  assert.equal(stableStringify(again.result.cells), stableStringify(first.result.cells));
  // The recomputed entries were rewritten: a third run is all cache.
  assert.equal((await run(plan, cacheDir)).result.computed, 0);
});

test('keep-going records a failed cell with its reason and runs the rest; fail-fast stops scheduling', async () => {
  const plan = fakePlan({ cells: 6, groups: 1, per: { 1: { fail: true } } });
  const keep = await run(plan, tempDir(), { jobs: 1 });
  assert.equal(keep.result.failed, 1);
  assert.equal(keep.result.cells[1]!.status, 'failed');
  assert.match(keep.result.cells[1]!.reason!, /DATA_NOT_NUMERIC: fake\.csv:1 {2}cell 1 was told to fail/);
  assert.deepEqual(keep.result.cells.map((c) => c.status), ['ok', 'failed', 'ok', 'ok', 'ok', 'ok']);
  const cacheDir = tempDir();
  const fast = await run(plan, cacheDir, { jobs: 1, failFast: true });
  assert.equal(fast.result.failed, 1);
  assert.deepEqual(fast.result.cells.map((c) => c.status), ['ok', 'failed', 'skipped', 'skipped', 'skipped', 'skipped']);
  assert.match(fast.result.cells[4]!.reason!, /fail-fast/);
  // Failed cells are not cached: the next run retries them.
  const retry = await run(plan, cacheDir, { jobs: 1 });
  assert.equal(retry.result.fromCache, 1);
  assert.equal(retry.result.computed, 5);
});

test('a crashing worker fails only its cell; the pool replaces the worker', async () => {
  const plan = fakePlan({ cells: 5, groups: 1, per: { 2: { crash: true } } });
  const { result } = await run(plan, tempDir(), { jobs: 2 });
  assert.deepEqual(result.cells.map((c) => c.status), ['ok', 'ok', 'failed', 'ok', 'ok']);
  assert.match(result.cells[2]!.reason!, /worker crashed/);
});

test('a plan larger than its max_cells needs an explicit --max-cells', async () => {
  const plan = fakePlan({ cells: 8, groups: 1, maxCells: 5 });
  await assert.rejects(run(plan, tempDir()), (e: unknown) => e instanceof CausewayError && e.code === 'RUN_TOO_MANY_CELLS' && /--max-cells 8/.test(e.format()));
  await assert.rejects(run(plan, tempDir(), { maxCells: 7 }), (e: unknown) => e instanceof CausewayError && e.code === 'RUN_TOO_MANY_CELLS');
  const { result } = await run(plan, tempDir(), { maxCells: 8 });
  assert.equal(result.computed, 8);
});

test('an interrupt stops scheduling, finishes in-flight cells, and a re-run resumes to the same results', async () => {
  const plan = fakePlan({ cells: 10, groups: 2, sleepMs: 30 });
  const cacheDir = tempDir();
  const controller = new AbortController();
  const interrupted = await run(plan, cacheDir, {
    jobs: 2,
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === 'cell-done' && e.done === 2) controller.abort();
    },
  });
  assert.equal(interrupted.result.interrupted, true);
  const statuses = interrupted.result.cells.map((c) => c.status);
  assert.ok(statuses.includes('skipped'), statuses.join(','));
  assert.ok(statuses.filter((s) => s === 'ok').length >= 2);
  assert.ok(!statuses.includes('failed'));
  const resumed = await run(plan, cacheDir);
  assert.equal(resumed.result.fromCache, statuses.filter((s) => s === 'ok').length);
  const clean = await run(plan, tempDir());
  assert.equal(stableStringify(resumed.result.cells), stableStringify(clean.result.cells));
});

test('plain progress lines: per cell, cached marker, quiet shows only failures and the final line', async () => {
  const plan = fakePlan({ cells: 3, groups: 1, per: { 2: { fail: true } } });
  const cacheDir = tempDir();
  const lines: string[] = [];
  const sink = { write: (s: string) => (lines.push(s), true) } as unknown as NodeJS.WritableStream;
  await run(plan, cacheDir, { progress: 'plain', output: sink, jobs: 1 });
  const text = lines.join('');
  assert.match(text, new RegExp(`\\[1/3\\] cell ${plan.cells[0]!.id} ok \\d+\\.\\ds`));
  assert.match(text, /\[3\/3\] cell \w+ failed .*told to fail/);
  assert.match(text, /grid done: 3 cells — 3 computed, 0 cached, 1 failed/);
  lines.length = 0;
  await run(plan, cacheDir, { progress: 'plain', output: sink, quiet: true, jobs: 1 });
  const quiet = lines.join('').trim().split('\n');
  assert.equal(quiet.length, 2, quiet.join('\n'));
  assert.match(quiet[0]!, /failed/);
  assert.match(quiet[1]!, /grid done: 3 cells — 1 computed, 2 cached, 1 failed/);
  lines.length = 0;
  await run(plan, cacheDir, { progress: 'plain', output: sink, jobs: 1 });
  assert.match(lines.join(''), /ok \(cached\)/);
});

test('cache files are written atomically (no temp files left behind)', async () => {
  const plan = fakePlan({ cells: 3, groups: 1 });
  const cacheDir = tempDir();
  await run(plan, cacheDir);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name)) : files.push(e.name);
  };
  walk(cacheDir);
  assert.equal(files.length, 3);
  assert.ok(files.every((f) => /^[0-9a-f]{64}\.json$/.test(f)));
  rmSync(cacheDir, { recursive: true });
});

test('a runner module that cannot be loaded is a clear error, not a hang', async () => {
  const plan = fakePlan({ cells: 2, groups: 1 });
  await assert.rejects(
    run(plan, tempDir(), { runnerModule: join(tmpdir(), 'no-such-runner.js') }),
    (e: unknown) => e instanceof CausewayError && e.code === 'RUN_WORKER_START',
  );
});

test('a prestarted worker runs the first cells; each worker gets the spec context with its first cell', async () => {
  const thread = prestartWorker(runner).threadId; // read now: a worker's threadId is −1 once it has exited
  const source = { values: new Map([['/name', { file: 'fake.yaml', line: 2, col: 7 }]]), keys: new Map() };
  const plan = fakePlan({ cells: 3, groups: 1, per: { 0: { reportContext: true }, 2: { reportContext: true } } });
  const cacheDir = tempDir();
  const { result, events } = await run(plan, cacheDir, { jobs: 1, specSource: source });
  assert.deepEqual(result.cells.map((c) => c.status), ['ok', 'ok', 'ok']);
  const contexts = events.filter((e) => e.type === 'log' && e.message.startsWith('context:')).map((e) => (e as { message: string }).message);
  // one worker ran every cell: the prestarted one, told the spec's path, cache and source positions once and keeping them
  const expected = `context: thread ${thread}, spec fake.yaml, cache ${cacheDir}, source /name, young generation 12 MB`;
  assert.deepEqual(contexts, [expected, expected]);
});

test('a worker the pool starts has the same capped young generation as a prestarted one', async () => {
  await discardPrestartedWorker();
  const plan = fakePlan({ cells: 1, groups: 1, per: { 0: { reportContext: true } } });
  const { events } = await run(plan, tempDir(), { jobs: 1 });
  const contexts = events.filter((e) => e.type === 'log' && e.message.startsWith('context:')).map((e) => (e as { message: string }).message);
  assert.equal(contexts.length, 1);
  assert.match(contexts[0]!, /, young generation 12 MB$/);
});

test('a prestarted worker no run adopts is ended: by a fully cached run, or by discardPrestartedWorker', { timeout: 30_000 }, async () => {
  const plan = fakePlan({ cells: 2, groups: 1 });
  const cacheDir = tempDir();
  await run(plan, cacheDir, { jobs: 1 });
  const worker = prestartWorker(runner);
  const thread = worker.threadId;
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  const cached = await run(plan, cacheDir, { jobs: 1 });
  assert.equal(cached.result.fromCache, 2);
  await exited; // executePlan ended it (else this waits until the test's timeout: the worker waits for cells forever)
  const unused = prestartWorker(runner);
  assert.notEqual(unused.threadId, thread, 'the ended worker is not handed out again');
  const ended = new Promise<number>((resolve) => unused.once('exit', resolve));
  await discardPrestartedWorker();
  await ended;
});
