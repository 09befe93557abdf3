import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { synthesize } from '../../src/data/kuairec/index.js';
import { ensureDemoArchive } from '../../src/data/kuairec/index.js';
import { loadData } from '../../src/data/index.js';
import { readZip, tempDir, TINY } from './helpers.js';

test('same options give a byte-identical archive and truth.json', async () => {
  const dir = await tempDir('determinism');
  const a = await synthesize({ ...TINY, out: join(dir, 'a', '18164998.zip') });
  const b = await synthesize({ ...TINY, out: join(dir, 'b', '18164998.zip') });
  assert.ok((await fsp.readFile(a.archive)).equals(await fsp.readFile(b.archive)));
  assert.equal(await fsp.readFile(a.truthPath, 'utf8'), await fsp.readFile(b.truthPath, 'utf8'));
  const c = await synthesize({ ...TINY, seed: TINY.seed + 1, out: join(dir, 'c', '18164998.zip') });
  assert.ok(!(await fsp.readFile(a.archive)).equals(await fsp.readFile(c.archive)));
  await fsp.rm(dir, { recursive: true, force: true });
});

test('the archive has the real layout: stored inner zip, outer side files, all data members', async () => {
  const dir = await tempDir('layout');
  const r = await synthesize({ ...TINY, matrix: 'big', out: join(dir, '18164998.zip') });
  const outer = await readZip(r.archive);
  assert.deepEqual([...outer.keys()].sort(), ['KuaiRec.zip', 'kuairec_caption_category.csv', 'user_features_raw.csv', 'video_raw_categories_multi.csv']);
  const inner = await readZip(join(dir, '18164998.zip')).then(async (m) => {
    const p = join(dir, 'inner.zip');
    await fsp.writeFile(p, m.get('KuaiRec.zip')!);
    return readZip(p);
  });
  for (const f of ['big_matrix.csv', 'small_matrix.csv', 'user_features.csv', 'item_categories.csv', 'item_daily_features.csv', 'kuairec_caption_category.csv', 'social_network.csv']) {
    assert.ok(inner.has(`KuaiRec 2.0/data/${f}`), f);
  }
  const matrix = inner.get('KuaiRec 2.0/data/small_matrix.csv')!.toString('utf8').split('\n');
  assert.equal(matrix[0], 'user_id,video_id,play_duration,video_duration,time,date,timestamp,watch_ratio');
  const row = matrix.find((l) => /,\d{4}-\d\d-\d\d /.test(l))!.split(',');
  assert.match(row[4], /^2020-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
  assert.match(row[5], /^2020\d{4}$/);
  // time is local UTC+8, timestamp is unix seconds, date is the local date
  const local = new Date(Number(row[6]) * 1000 + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 23);
  assert.equal(local, row[4]);
  assert.equal(local.slice(0, 10).replace(/-/g, ''), row[5]);
  assert.equal(Number(row[7]), Number(row[2]) / Number(row[3]));
  assert.ok(matrix.some((l) => /^\d+,\d+,\d+,\d+,,,,/.test(l)), 'rows with empty time/date/timestamp');
  // big matrix holds every user, small matrix a subset
  const big = inner.get('KuaiRec 2.0/data/big_matrix.csv')!.toString('utf8').trim().split('\n').slice(1);
  const small = matrix.slice(1).filter((l) => l);
  assert.ok(big.length > small.length);
  assert.equal(new Set(big.map((l) => l.split(',')[0])).size, TINY.users);
  const header = inner.get('KuaiRec 2.0/data/user_features.csv')!.toString('utf8').split('\n')[0].split(',');
  assert.equal(header.length, 31);
  await fsp.rm(dir, { recursive: true, force: true });
});

test('truth.json: TE = NDE + NIE, the factual course is reproduced, the measured treatment agrees', async () => {
  const dir = await tempDir('truth');
  const r = await synthesize({ users: 40, days: 30, videos: 60, seed: 3, eventsPerDay: 20, out: join(dir, 'x.zip') });
  const t = JSON.parse(await fsp.readFile(r.truthPath, 'utf8'));
  assert.equal(t.schema, 'causeway.truth/1');
  for (const name of ['future_7day_interactions', 'future_7day_active_day']) {
    const o = t.outcomes[name];
    assert.ok(Math.abs(o.TE - (o.NDE + o.NIE)) < 1e-9, name);
    assert.ok(Math.abs(o['E[Y(1,M(1))]'] - o['E[Y(0,M(0))]'] - o.TE) < 1e-9);
    assert.equal(o.CDE.length, 2);
  }
  const y = t.outcomes.future_7day_interactions;
  assert.ok(y.TE > 0 && y.NDE > 0 && y.NIE > 0, JSON.stringify(y));
  assert.ok(y.CDE[1].value > y.CDE[0].value, 'A×M interaction: CDE grows with m');
  assert.equal(t.population.factualMismatches, 0);
  assert.ok(t.population.measuredTreatmentAgreement >= 0.98);
  assert.ok(t.population.treatedShare > 0.3 && t.population.treatedShare < 0.7);
  assert.equal(t.population.rows, t.population.truthRows);
  // population = active days with a complete 7-day future: check against the data
  const data = await loadData({ source: 'kuairec', path: r.archive, matrix: 'small', sample: { modulus: 1, remainder: 0 }, tables: [], missingTime: 'drop' });
  const active = new Set<string>();
  const uid = data.events.numeric.user_id;
  const date = data.events.numeric.date;
  for (let i = 0; i < data.events.length; i++) active.add(`${uid[i]}:${date[i]}`);
  let pop = 0;
  for (const key of active) {
    const d = Number(key.split(':')[1]);
    if (d <= 20200727) pop++; // day index <= 30 - 8 = 22: 2020-07-05 + 22 days
  }
  assert.equal(t.population.rows, pop);
  await fsp.rm(dir, { recursive: true, force: true });
});

test('null: the treatment moves nothing (all effects exactly 0)', async () => {
  const dir = await tempDir('null');
  const r = await synthesize({ users: 30, days: 25, videos: 60, seed: 5, eventsPerDay: 15, null: true, out: join(dir, 'x.zip') });
  for (const o of Object.values(r.truth.outcomes)) {
    assert.equal(o.TE, 0);
    assert.equal(o.NDE, 0);
    assert.equal(o.NIE, 0);
    for (const c of o.CDE) assert.equal(c.value, 0);
  }
  assert.ok(r.truth.outcomes.future_7day_interactions['E[Y(0,M(0))]'] > 0);
  await fsp.rm(dir, { recursive: true, force: true });
});

test('the demo archive is generated once, atomically, then reused', async () => {
  const cache = await tempDir('demo-cache');
  const first = await ensureDemoArchive(cache);
  assert.equal(first.generated, true);
  assert.deepEqual((await fsp.readdir(cache)).sort(), ['demo']);
  const again = await ensureDemoArchive(cache);
  assert.equal(again.generated, false);
  assert.equal(again.archive, first.archive);
  const data = await loadData({ source: 'synthetic', matrix: 'small', sample: { modulus: 2, remainder: 0 }, tables: ['user_features'], missingTime: 'drop' }, { cacheDir: cache });
  assert.ok(data.coverage.users > 100);
  const truth = JSON.parse(await fsp.readFile(first.truthPath, 'utf8'));
  assert.ok(truth.population.rows > 14000 && truth.population.rows < 18000, String(truth.population.rows)); // ≈ 8 K at modulus 2
  await fsp.rm(cache, { recursive: true, force: true });
});
