/**
 * `causeway merge`: assembles shard outputs (shard.ts) into the cell list a single-process run gives:
 * plan order, each cell exactly once, byte-identical. Refuses shards of different plans (spec hash or
 * cell set), missing or duplicated shards, interrupted shards and shards whose cells are not theirs.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CausewayError } from '../errors.js';
import type { CellResult } from '../results/index.js';
import type { Plan } from '../spec/plan.js';
import { assignShards, SHARD_FORMAT, type ShardOutput } from './shard.js';

interface MergedShards {
  plan: { name: string; specHash: string; cellIds: string[] };
  shardCount: number;
  files: string[];
  cells: CellResult[];
}

function fail(message: string, path?: string, hint?: string): CausewayError {
  return new CausewayError('RUN_MERGE', message, path ? { kind: 'path', path } : { kind: 'none' }, hint);
}

/** Errors that mean "not every shard has finished yet" (merge --wait keeps polling on these). */
const notYet = new WeakSet<CausewayError>();
function pending(message: string, path?: string, hint?: string): CausewayError {
  const e = fail(message, path, hint);
  notYet.add(e);
  return e;
}
export const isPendingShards = (e: unknown): boolean => e instanceof CausewayError && notYet.has(e);

/** cells.json files named by a run directory (its shards/ folder) or by a list of shard folders/files. */
function shardFiles(input: string | string[]): string[] {
  if (typeof input === 'string') {
    const dir = join(input, 'shards');
    if (!existsSync(dir)) throw pending('no shards/ folder in this run directory', input, 'run each shard with --shard k/n into the same run directory, or name the shard folders');
    const names = readdirSync(dir).filter((n) => /^\d+-of-\d+$/.test(n)).sort();
    if (names.length === 0) throw pending('no shard outputs (<k>-of-<n>/) found', dir);
    return names.map((n) => join(dir, n, 'cells.json'));
  }
  if (input.length === 0) throw fail('no shard outputs given');
  return input.map((p) => (existsSync(p) && statSync(p).isDirectory() ? join(p, 'cells.json') : p));
}

function readShard(file: string): ShardOutput {
  if (!existsSync(file)) throw pending('shard output not found (the shard has not finished, or this is not a shard folder)', file);
  let value: ShardOutput;
  try {
    value = JSON.parse(readFileSync(file, 'utf8')) as ShardOutput;
  } catch {
    throw fail('shard output is not valid JSON', file, 're-run that shard');
  }
  if (value?.schema !== SHARD_FORMAT) throw fail(`not a causeway shard output (schema ${String(value?.schema)})`, file);
  return value;
}

export function mergeShardOutputs(input: string | string[], opts: { plan?: Pick<Plan, 'specHash' | 'cells'> } = {}): MergedShards {
  const files = shardFiles(input);
  const outputs = files.map(readShard);
  const first = outputs[0]!;
  const ids = first.plan.cellIds;
  const idsText = JSON.stringify(ids);
  const n = first.shard.count;
  outputs.forEach((o, i) => {
    if (o.plan.specHash !== first.plan.specHash) {
      throw fail(`shards are from different specs: spec hash ${o.plan.specHash} here, ${first.plan.specHash} in ${files[0]}`, files[i]);
    }
    if (JSON.stringify(o.plan.cellIds) !== idsText) {
      throw fail(`shards planned different cell sets (${o.plan.cellIds.length} vs ${ids.length} cells)`, files[i], 'run every shard from the same spec and causeway version');
    }
    if (o.shard.count !== n) throw fail(`shard counts differ: ${basename(files[i]!)} is one of ${o.shard.count}, ${files[0]} one of ${n}`, files[i]);
    if (o.interrupted) throw pending(`shard ${o.shard.index} of ${n} was interrupted`, files[i], 're-run that shard (cached cells are not recomputed)');
  });
  const assignmentText = JSON.stringify(first.assignment);
  outputs.forEach((o, i) => {
    if (JSON.stringify(o.assignment) !== assignmentText) throw fail('shards assigned cells differently (another causeway version?)', files[i], 're-run every shard with one causeway version');
  });
  if (opts.plan) {
    if (opts.plan.specHash !== first.plan.specHash) throw fail(`the shards are from another spec (spec hash ${first.plan.specHash}, this spec ${opts.plan.specHash})`, files[0]);
    if (JSON.stringify(opts.plan.cells.map((c) => c.id)) !== idsText) throw fail('the shards planned a different cell set than this spec', files[0]);
    if (JSON.stringify(assignShards(opts.plan.cells, n)) !== assignmentText) throw fail('the shards assigned cells differently than this causeway version would', files[0], 're-run every shard with one causeway version');
  }
  const byIndex = new Map<number, number>();
  outputs.forEach((o, i) => {
    const prior = byIndex.get(o.shard.index);
    if (prior !== undefined) throw fail(`shard ${o.shard.index} of ${n} given twice (${files[prior]} and ${files[i]})`, files[i]);
    byIndex.set(o.shard.index, i);
  });
  const missing: number[] = [];
  for (let k = 1; k <= n; k++) if (!byIndex.has(k)) missing.push(k);
  if (missing.length) {
    throw pending(`missing shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${n}`, typeof input === 'string' ? input : undefined, `expected ${missing.map((k) => `shards/${k}-of-${n}/cells.json`).join(', ')}`);
  }
  const found = new Map<string, CellResult>();
  outputs.forEach((o, i) => {
    const expected = ids.filter((_id, j) => first.assignment[j] === o.shard.index);
    const got = o.cells.map((c) => c.id);
    if (JSON.stringify(expected) !== JSON.stringify(got)) {
      const lacking = expected.filter((id) => !got.includes(id));
      throw fail(`shard ${o.shard.index} of ${n} does not hold exactly its cells` + (lacking.length ? ` (missing ${lacking.slice(0, 5).join(', ')}${lacking.length > 5 ? '…' : ''})` : ''), files[i]);
    }
    for (const c of o.cells) found.set(c.id, c);
  });
  return { plan: first.plan, shardCount: n, files, cells: ids.map((id) => found.get(id)!) };
}

/** Shard outputs of a run directory (or named shard folders) → CellResult[] in plan order. */
export function mergeShards(input: string | string[], opts: { plan?: Pick<Plan, 'specHash' | 'cells'> } = {}): CellResult[] {
  return mergeShardOutputs(input, opts).cells;
}
