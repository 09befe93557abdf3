import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CausewayError } from '../../src/errors.js';
import { stableStringify } from '../../src/report/results.js';
import { executePlan } from '../../src/run/engine.js';
import { mergeShards } from '../../src/run/merge.js';
import { parseShardFlag, resolveShard, shardDir, shardOfCell, writeShardOutput } from '../../src/run/shard.js';
import { fakePlan } from './fixtures/fake-plan.js';
import { scratchDir } from '../scratch.js';

const runner = new URL('./fixtures/fake-runner.js', import.meta.url).href;
const tempDir = () => scratchDir('causeway-shard-');
const isShardError = (code: string, pattern: RegExp) => (e: unknown) => e instanceof CausewayError && e.code === code && pattern.test(e.format());

test('--shard k/n and the batch-scheduler environments', () => {
  assert.deepEqual(parseShardFlag('2/8'), { index: 2, count: 8 });
  assert.throws(() => parseShardFlag('0/8'), isShardError('RUN_SHARD', /outside 1\.\.8/));
  assert.throws(() => parseShardFlag('9/8'), isShardError('RUN_SHARD', /outside/));
  assert.throws(() => parseShardFlag('two'), isShardError('RUN_SHARD', /k\/n/));
  assert.equal(resolveShard({}, {}), undefined);
  // Kubernetes Indexed Job: 0-based index, count from the flag or CAUSEWAY_SHARD_COUNT.
  assert.deepEqual(resolveShard({ shardCount: 4 }, { JOB_COMPLETION_INDEX: '0' }), { index: 1, count: 4 });
  assert.deepEqual(resolveShard({}, { JOB_COMPLETION_INDEX: '3', CAUSEWAY_SHARD_COUNT: '4' }), { index: 4, count: 4 });
  assert.throws(() => resolveShard({}, { JOB_COMPLETION_INDEX: '3' }), isShardError('RUN_SHARD', /shard count/));
  assert.throws(() => resolveShard({ shardCount: 4 }, { JOB_COMPLETION_INDEX: '4' }), isShardError('RUN_SHARD', /outside 1\.\.4/));
  // Slurm arrays: ids offset by SLURM_ARRAY_TASK_MIN (an array 1-8 has min 1).
  assert.deepEqual(resolveShard({}, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '3' }), { index: 1, count: 3 });
  assert.deepEqual(resolveShard({}, { SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '8' }), { index: 8, count: 8 });
  // The flag wins over the environment.
  assert.deepEqual(resolveShard({ shard: '1/2' }, { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '8' }), { index: 1, count: 2 });
});

test('shard assignment depends only on the cell id: adding cells moves none of the others', () => {
  const small = fakePlan({ cells: 20 });
  const big = fakePlan({ cells: 40 });
  const counts = [0, 0, 0];
  for (const c of small.cells) {
    const k = shardOfCell(c.id, 3);
    counts[k - 1]!++;
    assert.equal(shardOfCell(c.id, 3), k);
  }
  assert.ok(counts.every((n) => n > 0), `every shard gets cells: ${counts}`);
  for (const c of small.cells) assert.ok(big.cells.some((b) => b.id === c.id && shardOfCell(b.id, 3) === shardOfCell(c.id, 3)));
});

test('three shards merged are byte-identical to a one-process run', async () => {
  const plan = fakePlan({ cells: 14, groups: 3 });
  const common = { jobs: 2, runnerModule: runner, specPath: 'fake.yaml', baseDir: process.cwd(), progress: 'none' as const, handleSignals: false };
  const single = await executePlan(plan, { ...common, cacheDir: tempDir() });
  const runDir = tempDir();
  let covered = 0;
  for (let k = 1; k <= 3; k++) {
    // Separate caches: each shard as if on its own machine.
    const part = await executePlan(plan, { ...common, cacheDir: tempDir(), shard: { index: k, count: 3 } });
    covered += part.cells.length;
    await writeShardOutput(runDir, plan, { index: k, count: 3 }, part.cells);
  }
  assert.equal(covered, 14);
  const merged = mergeShards(runDir, { plan });
  assert.equal(stableStringify(merged), stableStringify(single.cells));
  // Named shard folders work too, in any order.
  const named = mergeShards([3, 1, 2].map((k) => shardDir(runDir, { index: k, count: 3 })));
  assert.equal(stableStringify(named), stableStringify(single.cells));

  // A missing shard, a shard of another plan and a duplicated shard are refused with clear messages.
  const missing = tempDir();
  await writeShardOutput(missing, plan, { index: 1, count: 3 }, (await executePlan(plan, { ...common, cacheDir: tempDir(), shard: { index: 1, count: 3 } })).cells);
  assert.throws(() => mergeShards(missing), isShardError('RUN_MERGE', /missing shards 2, 3 of 3/));
  const other = fakePlan({ cells: 15, groups: 3 });
  const otherDir = tempDir();
  const otherPart = await executePlan(other, { ...common, cacheDir: tempDir(), shard: { index: 2, count: 3 } });
  await writeShardOutput(otherDir, other, { index: 2, count: 3 }, otherPart.cells);
  assert.throws(
    () => mergeShards([shardDir(runDir, { index: 1, count: 3 }), shardDir(otherDir, { index: 2, count: 3 }), shardDir(runDir, { index: 3, count: 3 })]),
    isShardError('RUN_MERGE', /different specs/),
  );
  assert.throws(() => mergeShards(runDir, { plan: other }), isShardError('RUN_MERGE', /another spec/));
  assert.throws(
    () => mergeShards([1, 1, 3].map((k) => shardDir(runDir, { index: k, count: 3 }))),
    isShardError('RUN_MERGE', /given twice/),
  );
  // A tampered shard that lost a cell is refused.
  const file = join(shardDir(runDir, { index: 2, count: 3 }), 'cells.json');
  const value = JSON.parse(readFileSync(file, 'utf8')) as { cells: unknown[] };
  value.cells.pop();
  writeFileSync(file, JSON.stringify(value));
  assert.throws(() => mergeShards(runDir), isShardError('RUN_MERGE', /does not hold exactly its cells/));
  rmSync(runDir, { recursive: true });
});
