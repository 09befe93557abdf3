/**
 * The panel cache: a second build with the same key reads the Arrow file without loading the
 * data, a changed definition or sample misses, a corrupt file is rebuilt, nothing half-written
 * is left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPanel, buildPanelCached, panelCacheKey, type PanelDefinition, type PanelSource } from '../../src/panel/index.js';
import { makeTinyData } from './fixture.js';
import { scratchDir } from '../scratch.js';

const o = { file: 's.yaml', line: 1, col: 1 };
const def: PanelDefinition = {
  events: [{ name: 'high_watch', expr: 'watch_ratio >= 0.8', origin: o }],
  days: [
    { name: 'interactions', expr: 'count()', origin: o },
    { name: 'high_watch_share', expr: 'share(high_watch)', origin: o },
  ],
  history: [
    { kind: 'lag', days: [1], of: ['interactions'] },
    { kind: 'future', days: [7], of: ['interactions'], incomplete: 'missing' },
  ],
  userFeatures: ['register_days', 'user_active_degree'],
};

function source(loads: { count: number }, fingerprint = 'tiny-fixture-1', selection: unknown = { sample: { modulus: 1, remainder: 0 } }): PanelSource {
  return {
    fingerprint,
    selection,
    load: async () => {
      loads.count++;
      return makeTinyData();
    },
  };
}

function sameNumbers(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

test('a second build with the same key reads the cache and never loads the data', async () => {
  const dir = scratchDir('causeway-panel-');
  try {
    const loads = { count: 0 };
    const messages: string[] = [];
    const first = await buildPanelCached(source(loads), def, { cacheDir: dir, log: (m) => messages.push(m) });
    assert.equal(first.cache.hit, false);
    assert.equal(loads.count, 1);
    const second = await buildPanelCached(source(loads), def, { cacheDir: dir, log: (m) => messages.push(m) });
    assert.equal(second.cache.hit, true);
    assert.equal(loads.count, 1, 'the loader was not called on a hit');
    assert.ok(messages.some((m) => m.startsWith('panel cache hit')), messages.join('\n'));
    // Same panel, column for column, NaN for NaN.
    const direct = buildPanel(makeTinyData(), def);
    assert.equal(second.length, direct.length);
    assert.deepEqual([...second.userId], [...direct.userId]);
    assert.deepEqual([...second.dayIndex], [...direct.dayIndex]);
    assert.deepEqual(second.dates, direct.dates);
    assert.deepEqual(Object.keys(second.table.numeric), Object.keys(direct.table.numeric));
    for (const [name, values] of Object.entries(direct.table.numeric)) assert.ok(sameNumbers(second.table.numeric[name], values), name);
    assert.deepEqual([...second.table.categorical.user_active_degree.codes], [...direct.table.categorical.user_active_degree.codes]);
    assert.deepEqual(second.table.categorical.user_active_degree.levels, direct.table.categorical.user_active_degree.levels);
    assert.ok(Number.isNaN(second.table.numeric.future_7day_interactions[8]));
    // Only the finished file is in the cache folder.
    assert.deepEqual(readdirSync(join(dir, 'panels')), [`${first.cache.key}.arrow`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the key changes with the definitions, the sample and the archive, not with file positions', () => {
  const base = panelCacheKey('fp', { sample: 1 }, def);
  assert.equal(panelCacheKey('fp', { sample: 1 }, { ...def, days: def.days.map((d) => ({ ...d, origin: { file: 'other.yaml', line: 40, col: 2 } })) }), base);
  assert.notEqual(panelCacheKey('fp2', { sample: 1 }, def), base);
  assert.notEqual(panelCacheKey('fp', { sample: 2 }, def), base);
  assert.notEqual(panelCacheKey('fp', { sample: 1 }, { ...def, events: [{ name: 'high_watch', expr: 'watch_ratio >= 0.9', origin: o }] }), base);
  assert.notEqual(panelCacheKey('fp', { sample: 1 }, { ...def, history: [{ kind: 'future', days: [7], of: ['interactions'], incomplete: 'zero' }] }), base);
  assert.notEqual(panelCacheKey('fp', { sample: 1 }, { ...def, userFeatures: 'all' }), base);
});

test('a corrupt cache file is rebuilt', async () => {
  const dir = scratchDir('causeway-panel-');
  try {
    const loads = { count: 0 };
    const first = await buildPanelCached(source(loads), def, { cacheDir: dir });
    const bytes = readFileSync(first.cache.file);
    writeFileSync(first.cache.file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const messages: string[] = [];
    const again = await buildPanelCached(source(loads), def, { cacheDir: dir, log: (m) => messages.push(m) });
    assert.equal(again.cache.hit, false);
    assert.equal(loads.count, 2);
    assert.ok(messages.some((m) => /unreadable.*rebuilding/.test(m)), messages.join('\n'));
    writeFileSync(first.cache.file, 'not arrow at all');
    const third = await buildPanelCached(source(loads), def, { cacheDir: dir });
    assert.equal(third.cache.hit, false);
    const fourth = await buildPanelCached(source(loads), def, { cacheDir: dir });
    assert.equal(fourth.cache.hit, true);
    assert.equal(fourth.table.numeric.interactions[0], 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('LoadedData can be passed directly; a failing build leaves nothing in the cache', async () => {
  const dir = scratchDir('causeway-panel-');
  try {
    const built = await buildPanelCached(makeTinyData(), def, { cacheDir: dir, selection: { sample: 'all' } });
    assert.equal(built.cache.hit, false);
    const hit = await buildPanelCached(makeTinyData(), def, { cacheDir: dir, selection: { sample: 'all' } });
    assert.equal(hit.cache.hit, true);
    const bad: PanelDefinition = { ...def, days: [{ name: 'x', expr: 'mean(watch_ratoi)', origin: o }] };
    await assert.rejects(buildPanelCached(makeTinyData(), bad, { cacheDir: dir }), /unknown column/);
    assert.deepEqual(readdirSync(join(dir, 'panels')), [`${built.cache.key}.arrow`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a byte flipped inside a cached column is caught by the checksum: warned, rebuilt, same panel', async (t) => {
  const dir = scratchDir('causeway-panel-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const loads = { count: 0 };
  const first = await buildPanelCached(source(loads), def, { cacheDir: dir });
  const bytes = readFileSync(first.cache.file);
  // Find the `interactions` column's values in the file and change one of them: Arrow decodes the
  // file fine, so only a checksum can tell.
  const values = Buffer.from(first.table.numeric.interactions.buffer, first.table.numeric.interactions.byteOffset, first.table.numeric.interactions.byteLength);
  const at = bytes.indexOf(values);
  assert.ok(at > 0, 'the column bytes are in the file');
  bytes[at + 6] ^= 0x10; // the exponent of the first value: 3 becomes another number
  writeFileSync(first.cache.file, bytes);
  const messages: string[] = [];
  const again = await buildPanelCached(source(loads), def, { cacheDir: dir, log: (m) => messages.push(m) });
  assert.equal(again.cache.hit, false, 'the damaged file is not used');
  assert.equal(loads.count, 2, 'the panel is rebuilt from the data');
  assert.ok(messages.some((m) => /^warning: panel cache file .*checksum mismatch.*rebuilding/.test(m)), messages.join('\n'));
  assert.ok(sameNumbers(again.table.numeric.interactions, first.table.numeric.interactions));
  const third = await buildPanelCached(source(loads), def, { cacheDir: dir });
  assert.equal(third.cache.hit, true, 'the rebuilt file is trusted again');
  for (const [name, v] of Object.entries(first.table.numeric)) assert.ok(sameNumbers(third.table.numeric[name], v), name);
});
