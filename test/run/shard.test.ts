import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CausewayError } from '../../src/errors.js';
import { stableStringify } from '../../src/results/index.js';
import { executePlan } from '../../src/run/engine.js';
import { mergeShards } from '../../src/run/merge.js';
import { assignShards, parseShardFlag, resolveShard, shardDir, writeShardOutput } from '../../src/run/shard.js';
import { estimateCellCost, PANEL_COST, panelKey } from '../../src/run/cost.js';
import { loadSpec } from '../../src/spec/load.js';
import { buildPlan } from '../../src/spec/plan.js';
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

test('shards carry equal work: equal cells of one panel split evenly, small panel groups stay whole', () => {
  // 36 equal cells sharing one panel over 8 shards: 4 or 5 cells each (a hash gave 4, 3, 3, 5, 7, 8, 1, 5).
  const one = fakePlan({ cells: 36 });
  const counts = new Array(8).fill(0);
  for (const k of assignShards(one.cells, 8)) counts[k - 1]++;
  assert.deepEqual([...counts].sort(), [4, 4, 4, 4, 5, 5, 5, 5]);
  // 4 panel groups of 3 equal cells over 4 shards: each shard builds one panel.
  const grouped = fakePlan({ cells: 12, groups: 4 });
  const assignment = assignShards(grouped.cells, 4);
  const panelsPerShard = new Map<number, Set<string>>();
  grouped.cells.forEach((c, i) => {
    const set = panelsPerShard.get(assignment[i]!) ?? new Set<string>();
    set.add(panelKey(c));
    panelsPerShard.set(assignment[i]!, set);
  });
  assert.equal(panelsPerShard.size, 4);
  for (const set of panelsPerShard.values()) assert.equal(set.size, 1);
  // A pure function of the plan: the same on every call, and n = 1 puts everything in shard 1.
  assert.deepEqual(assignShards(grouped.cells, 4), assignment);
  assert.ok(assignShards(grouped.cells, 1).every((k) => k === 1));
});

test('the demo robustness grid over 4 shards: the heaviest shard carries at most 1.3 x the mean work', () => {
  const plan = buildPlan(loadSpec(new URL('../../../specs/demo/discovery-mediation-robustness.yaml', import.meta.url).pathname));
  const cost = plan.cells.map(estimateCellCost);
  // gbm nuisance cells are heavier than linear ones, so equal counts would not be equal work
  assert.ok(Math.max(...cost) > 2 * Math.min(...cost), `costs ${Math.min(...cost)}..${Math.max(...cost)}`);
  // 12 cells, one of them about a fifth of the work: 4 shards (8 could not be balanced by any assignment)
  const assignment = assignShards(plan.cells, 4);
  const load = new Array(4).fill(0);
  const panels = new Array(4).fill(0).map(() => new Set<string>());
  plan.cells.forEach((c, i) => {
    load[assignment[i]! - 1] += cost[i]!;
    panels[assignment[i]! - 1]!.add(panelKey(c));
  });
  panels.forEach((p, s) => (load[s] += PANEL_COST * p.size));
  const mean = load.reduce((a, b) => a + b, 0) / 4;
  assert.ok(Math.max(...load) <= 1.3 * mean, `loads ${load.map((x) => x.toFixed(1)).join(', ')}`);
  assert.ok(Math.min(...load) > 0, 'every shard gets work');
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
