/**
 * Shards: splitting a plan's cells over independent processes (batch-scheduler array jobs).
 *
 * Cells are assigned by estimated work, not by count (assignShards): cells sharing a panel stay together
 * unless their group is larger than a shard's share, and the pieces go longest-first to the least-loaded
 * shard. The assignment is a function of the plan and n alone, so every shard computes the same one, and
 * each shard records it in its output for merge to check. The shard is read from, in order:
 *  - `--shard k/n` (1-based k);
 *  - Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX` (0-based) with the count from `--shard-count` or
 *    `CAUSEWAY_SHARD_COUNT` (Kubernetes does not export `completions` to the pod);
 *  - Slurm job arrays: `SLURM_ARRAY_TASK_ID` with `SLURM_ARRAY_TASK_COUNT`; the id is offset by
 *    `SLURM_ARRAY_TASK_MIN` (arrays may start at 1: `--array=1-8`), so k = id - min + 1.
 * Each shard writes `<runDir>/shards/<k>-of-<n>/cells.json` atomically; merge.ts assembles them.
 * docs/batch.md has the Kubernetes and Slurm recipes.
 */
import { join } from 'node:path';
import { CausewayError } from '../errors.js';
import { stableStringify, type CellResult } from '../results/index.js';
import type { Cell, Plan } from '../spec/plan.js';
import { estimateCellCost, PANEL_COST, panelKey } from './cost.js';
import { atomicWrite } from './cache.js';
import { CAUSEWAY_VERSION } from '../spec/version.js';

export interface ShardSpec {
  /** 1-based */
  index: number;
  count: number;
}

export const SHARD_FORMAT = 'causeway.shard/2';

export interface ShardOutput {
  schema: typeof SHARD_FORMAT;
  causeway: string;
  plan: { name: string; specHash: string; cellIds: string[] };
  shard: ShardSpec;
  /** the 1-based shard of every plan cell, as assignShards computed it (merge checks all shards agree) */
  assignment: number[];
  /** this shard's cells in plan order */
  cells: CellResult[];
  interrupted: boolean;
}

/**
 * The 1-based shard of every plan cell for n shards, balancing estimated cost (cost.ts). Panel groups
 * (cells with one panel key) are kept whole when they fit a shard's share of the work and otherwise split
 * into that many pieces, each piece paying the panel once; pieces then go, most costly first, to the
 * least-loaded shard (ties: lowest index). Deterministic: ties in cost break by cell id.
 */
export function assignShards(cells: Cell[], count: number): number[] {
  const out = new Array<number>(cells.length).fill(1);
  if (count <= 1 || cells.length === 0) return out;
  const cost = cells.map(estimateCellCost);
  const groups = new Map<string, number[]>();
  cells.forEach((c, i) => {
    const k = panelKey(c);
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  });
  const byCost = (a: number, b: number) => cost[b]! - cost[a]! || (cells[a]!.id < cells[b]!.id ? -1 : cells[a]!.id > cells[b]!.id ? 1 : 0);
  const total = cost.reduce((a, b) => a + b, 0) + PANEL_COST * groups.size;
  const share = total / count;
  const pieces: Array<{ cells: number[]; cost: number }> = [];
  for (const key of [...groups.keys()].sort()) {
    const members = groups.get(key)!.sort(byCost);
    const groupCost = members.reduce((a, i) => a + cost[i]!, 0);
    const k = Math.min(members.length, count, Math.max(1, Math.ceil((groupCost + PANEL_COST) / share - 1e-9)));
    const bins = Array.from({ length: k }, () => ({ cells: [] as number[], cost: PANEL_COST }));
    for (const i of members) {
      let best = 0;
      for (let b = 1; b < k; b++) if (bins[b]!.cost < bins[best]!.cost) best = b;
      bins[best]!.cells.push(i);
      bins[best]!.cost += cost[i]!;
    }
    pieces.push(...bins);
  }
  pieces.sort((a, b) => b.cost - a.cost || (cells[a.cells[0]!]!.id < cells[b.cells[0]!]!.id ? -1 : 1));
  const load = new Array<number>(count).fill(0);
  for (const piece of pieces) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s]! < load[best]!) best = s;
    load[best]! += piece.cost;
    for (const i of piece.cells) out[i] = best + 1;
  }
  return out;
}

function usage(message: string, hint?: string): CausewayError {
  return new CausewayError('RUN_SHARD', message, { kind: 'none' }, hint);
}

function parseWhole(text: string, what: string): number {
  if (!/^\s*\d+\s*$/.test(text)) throw usage(`${what} must be a whole number, got '${text}'`);
  return Number(text);
}

function checkShard(shard: ShardSpec): ShardSpec {
  if (!Number.isInteger(shard.count) || shard.count < 1) throw usage(`shard count must be at least 1 (got ${shard.count})`);
  if (!Number.isInteger(shard.index) || shard.index < 1 || shard.index > shard.count) {
    throw usage(`shard ${shard.index} is outside 1..${shard.count}`);
  }
  return shard;
}

/** Parses `k/n` (1-based k). */
export function parseShardFlag(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw usage(`--shard takes k/n with 1 <= k <= n, got '${text}'`, 'e.g. --shard 2/8');
  return checkShard({ index: Number(m[1]), count: Number(m[2]) });
}

/**
 * The shard this process runs, from `--shard`, `--shard-count` and the environment (see header);
 * undefined = not sharded.
 */
export function resolveShard(
  flags: { shard?: string; shardCount?: number | string },
  env: NodeJS.ProcessEnv = process.env,
): ShardSpec | undefined {
  if (flags.shard !== undefined) return parseShardFlag(flags.shard);
  if (env.JOB_COMPLETION_INDEX !== undefined && env.JOB_COMPLETION_INDEX !== '') {
    const index = parseWhole(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX');
    const countText = flags.shardCount !== undefined ? String(flags.shardCount) : env.CAUSEWAY_SHARD_COUNT;
    if (countText === undefined || countText === '') {
      throw usage('JOB_COMPLETION_INDEX is set but the shard count is not', 'pass --shard-count N or set CAUSEWAY_SHARD_COUNT to the Job\'s completions');
    }
    return checkShard({ index: index + 1, count: parseWhole(countText, 'shard count') });
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_ID !== '') {
    const id = parseWhole(env.SLURM_ARRAY_TASK_ID, 'SLURM_ARRAY_TASK_ID');
    const min = env.SLURM_ARRAY_TASK_MIN ? parseWhole(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN') : 0;
    const countText = flags.shardCount !== undefined ? String(flags.shardCount) : env.SLURM_ARRAY_TASK_COUNT ?? env.CAUSEWAY_SHARD_COUNT;
    if (countText === undefined || countText === '') {
      throw usage('SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not', 'pass --shard-count N');
    }
    return checkShard({ index: id - min + 1, count: parseWhole(countText, 'shard count') });
  }
  if (flags.shardCount !== undefined) throw usage('--shard-count needs JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID (or use --shard k/n)');
  return undefined;
}

function shardDirName(shard: ShardSpec): string {
  return `${shard.index}-of-${shard.count}`;
}

export function shardDir(runDir: string, shard: ShardSpec): string {
  return join(runDir, 'shards', shardDirName(shard));
}

/** Writes a shard's cells (plan order) to `<runDir>/shards/<k>-of-<n>/cells.json`, atomically. Returns the file. */
export async function writeShardOutput(
  runDir: string,
  plan: Pick<Plan, 'name' | 'specHash' | 'cells'>,
  shard: ShardSpec,
  cells: CellResult[],
  interrupted = false,
): Promise<string> {
  const output: ShardOutput = {
    schema: SHARD_FORMAT,
    causeway: CAUSEWAY_VERSION,
    plan: { name: plan.name, specHash: plan.specHash, cellIds: plan.cells.map((c) => c.id) },
    shard,
    assignment: assignShards(plan.cells, shard.count),
    cells,
    interrupted,
  };
  const file = join(shardDir(runDir, shard), 'cells.json');
  await atomicWrite(file, stableStringify(output));
  return file;
}
