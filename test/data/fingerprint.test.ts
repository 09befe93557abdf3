/**
 * The cache keys of the file sources: the content fingerprint (src/data/duckdb/engine.ts filesFingerprint,
 * the panel cache's key and results.json's data fingerprint) and the result cache's data identity
 * (src/run/cache.ts). Two files swapped between names, or a file renamed, must change both; a project
 * moved to another folder keeps the fingerprint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { filesFingerprint } from '../../src/data/duckdb/engine.js';
import { eventsFingerprint, type EventsConfig } from '../../src/data/duckdb/events.js';
import { dataIdentity } from '../../src/run/cache.js';
import { scratchDir } from '../scratch.js';

// Two parts of one log with the same size, so only names (and content) tell them apart.
const PART_A = 'user,clip,ts\nu1,c1,1000\nu2,c2,2000\n';
const PART_B = 'user,clip,ts\nu3,c3,3000\nu4,c4,4000\n';

function project(): { dir: string; spec: string } {
  const dir = scratchDir('fingerprint');
  const spec = join(dir, 'study');
  mkdirSync(join(spec, 'data'), { recursive: true });
  writeFileSync(join(spec, 'data', 'part-1.csv'), PART_A);
  writeFileSync(join(spec, 'data', 'part-2.csv'), PART_B);
  // Both files get one modification time, as a checkout or a copy with preserved times gives them.
  const when = new Date('2024-01-02T03:04:05Z');
  for (const f of ['part-1.csv', 'part-2.csv']) utimesSync(join(spec, 'data', f), when, when);
  return { dir, spec };
}

/** Swaps two files' names by renames (each file keeps its bytes, inode and modification time). */
function swap(a: string, b: string): void {
  renameSync(a, `${a}.swap`);
  renameSync(b, a);
  renameSync(`${a}.swap`, b);
}

const config = (): EventsConfig => ({ source: 'events', path: 'data/part-*.csv', columns: { user: 'user', item: 'clip', time: 'ts' }, time: { unit: 's' } } as EventsConfig);

test('two files swapped between names change the content fingerprint and the result cache identity', async () => {
  const { spec } = project();
  const files = [join(spec, 'data', 'part-1.csv'), join(spec, 'data', 'part-2.csv')];
  const before = await filesFingerprint(files, spec);
  const eventsBefore = await eventsFingerprint(config(), spec);
  const identityBefore = dataIdentity({ source: 'events', path: 'data/part-*.csv' }, spec);
  assert.equal(await filesFingerprint(files, spec), before, 'stable for the same files');
  swap(files[0], files[1]);
  assert.notEqual(await filesFingerprint(files, spec), before, 'content fingerprint after the swap');
  assert.notEqual(await eventsFingerprint(config(), spec), eventsBefore, 'events source fingerprint after the swap');
  assert.notEqual(dataIdentity({ source: 'events', path: 'data/part-*.csv' }, spec), identityBefore, 'result cache identity after the swap (same sizes and times)');
});

test('a file renamed changes the fingerprint; the same project in another folder keeps it, also for files beside the spec folder', async () => {
  const { dir, spec } = project();
  writeFileSync(join(dir, 'shared.csv'), 'who,age\nu1,3\n');
  const files = (root: string, projectDir: string) => [join(projectDir, 'data', 'part-1.csv'), join(projectDir, 'data', 'part-2.csv'), join(root, 'shared.csv')];
  const here = await filesFingerprint(files(dir, spec), spec);
  // The whole project, the spec folder and the file beside it, copied elsewhere.
  const moved = scratchDir('fingerprint-moved');
  cpSync(dir, moved, { recursive: true, preserveTimestamps: true });
  assert.equal(await filesFingerprint(files(moved, join(moved, 'study')), join(moved, 'study')), here, 'a moved project keeps its fingerprint');
  renameSync(join(spec, 'data', 'part-2.csv'), join(spec, 'data', 'part-3.csv'));
  const renamed = [join(spec, 'data', 'part-1.csv'), join(spec, 'data', 'part-3.csv'), join(dir, 'shared.csv')];
  assert.notEqual(await filesFingerprint(renamed, spec), here, 'a renamed file');
});
