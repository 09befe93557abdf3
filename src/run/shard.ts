/**
 * Shards: splitting a plan's cells over independent processes (batch-scheduler array jobs).
 *
 * A cell belongs to shard `hash(cell id) mod n` (1-based k = that + 1): assignment depends only on the
 * cell's own id and n, so adding or removing cells never moves the others. The shard is read from, in order:
 *  - `--shard k/n` (1-based k);
 *  - Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX` (0-based) with the count from `--shard-count` or
 *    `CAUSEWAY_SHARD_COUNT` (Kubernetes does not export `completions` to the pod);
 *  - Slurm job arrays: `SLURM_ARRAY_TASK_ID` with `SLURM_ARRAY_TASK_COUNT`; the id is offset by
 *    `SLURM_ARRAY_TASK_MIN` (arrays may start at 1: `--array=1-8`), so k = id - min + 1.
 * Each shard writes `<runDir>/shards/<k>-of-<n>/cells.json` atomically; merge.ts assembles them.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CausewayError } from '../errors.js';
import { stableStringify, type CellResult } from '../results/index.js';
import type { Plan } from '../spec/plan.js';
import { atomicWrite, CAUSEWAY_VERSION } from './cache.js';

export interface ShardSpec {
  /** 1-based */
  index: number;
  count: number;
}

export const SHARD_FORMAT = 'causeway.shard/1';

export interface ShardOutput {
  schema: typeof SHARD_FORMAT;
  causeway: string;
  plan: { name: string; specHash: string; cellIds: string[] };
  shard: ShardSpec;
  /** this shard's cells in plan order */
  cells: CellResult[];
  interrupted: boolean;
}

/** 1-based shard of a cell id for n shards. */
export function shardOfCell(cellId: string, count: number): number {
  const digest = createHash('sha256').update(cellId).digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

export function cellInShard(cellId: string, shard: ShardSpec | undefined): boolean {
  return !shard || shard.count <= 1 || shardOfCell(cellId, shard.count) === shard.index;
}

function usage(message: string, hint?: string): CausewayError {
  return new CausewayError('RUN_SHARD', message, { kind: 'none' }, hint);
}

function parseWhole(text: string, what: string): number {
  if (!/^\s*\d+\s*$/.test(text)) throw usage(`${what} must be a whole number, got '${text}'`);
  return Number(text);
}

export function checkShard(shard: ShardSpec): ShardSpec {
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

export function shardDirName(shard: ShardSpec): string {
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
    cells,
    interrupted,
  };
  const file = join(shardDir(runDir, shard), 'cells.json');
  await atomicWrite(file, stableStringify(output));
  return file;
}
