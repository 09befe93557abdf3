import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { loadData, archiveFingerprint, type DataRequest, type KuaiRecLoaded as LoadedData } from '../../src/data/kuairec/index.js';
import { CausewayError } from '../../src/errors.js';
import { makeLayouts, naiveNumericColumns, writeZip, tempDir, type Layouts } from './helpers.js';

let L: Layouts;
before(async () => {
  L = await makeLayouts();
});
after(async () => {
  await fsp.rm(L.dir, { recursive: true, force: true });
});

const ALL_TABLES = ['user_features', 'item_categories', 'item_daily_features', 'kuairec_caption_category', 'social_network'];
const req = (path: string, extra: Partial<DataRequest> = {}): DataRequest => ({
  source: 'kuairec', path, matrix: 'small', sample: { modulus: 1, remainder: 0 }, tables: ALL_TABLES, missingTime: 'drop', ...extra,
});

function comparable(d: LoadedData): unknown {
  // Everything but where it came from.
  const { source: _s, fingerprint: _f, ...rest } = d;
  return rest;
}

async function expectError(p: Promise<unknown>, code: string): Promise<CausewayError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CausewayError, `expected CausewayError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, e.format());
    return e;
  }
  assert.fail(`expected ${code}`);
}

test('all layouts read identically (outer stored, outer deflated, bare inner, extracted folder)', async () => {
  const spool = await tempDir('spool');
  const a = await loadData(req(L.outer));
  const b = await loadData(req(L.outerDeflated), { cacheDir: spool });
  const c = await loadData(req(L.inner));
  const d = await loadData(req(L.folder));
  assert.equal(a.source.layout, 'outer');
  assert.equal(c.source.layout, 'inner');
  assert.equal(d.source.layout, 'folder');
  assert.deepEqual(comparable(b), comparable(a));
  assert.deepEqual(comparable(c), comparable(a));
  assert.deepEqual(comparable(d), comparable(a));
  assert.ok(a.events.length > 100);
  assert.deepEqual(await fsp.readdir(spool), [], 'the temporary inner zip is removed');
  assert.equal(a.fingerprint, await archiveFingerprint(L.outer));
  assert.notEqual(a.fingerprint, c.fingerprint);
});

test('every column round-trips: reader equals a reference parse of the CSV text', async () => {
  const data = await loadData(req(L.outer, { missingTime: 'keep' }));
  const matrixText = L.innerFiles.get('KuaiRec 2.0/data/small_matrix.csv')!.toString('utf8');
  const ref = naiveNumericColumns(matrixText);
  assert.equal(data.events.length, ref.user_id.length);
  // Already sorted by (user, time) with missing-time rows in place: compare after sorting the reference the same way.
  const order = ref.user_id.map((_, i) => i).sort((i, j) => ref.user_id[i] - ref.user_id[j]
    || (Number.isNaN(ref.timestamp[i]) ? 1 : 0) - (Number.isNaN(ref.timestamp[j]) ? 1 : 0)
    || (ref.timestamp[i] - ref.timestamp[j] || 0) || i - j);
  for (const col of ['user_id', 'video_id', 'play_duration', 'video_duration', 'date', 'timestamp', 'watch_ratio']) {
    assert.deepEqual(Array.from(data.events.numeric[col]), order.map((i) => ref[col][i]), col);
  }
  // user_features: 31 real columns, text columns coded, the rest numeric.
  const users = data.users;
  const userCols = [...Object.keys(users.numeric), ...Object.keys(users.categorical)];
  assert.equal(userCols.length, 31);
  assert.deepEqual(Object.keys(users.categorical).sort(), ['fans_user_num_range', 'follow_user_num_range', 'friend_user_num_range', 'register_days_range', 'user_active_degree']);
  const degrees = new Set(users.categorical.user_active_degree.levels);
  for (const lv of degrees) assert.ok(['full_active', 'high_active', 'middle_active', 'UNKNOWN'].includes(lv));
  assert.ok(users.categorical.follow_user_num_range.levels.some((l) => l.includes(',')), 'quoted range bins such as (0,10]');
  // item_daily_features: every column readable, text columns coded.
  const daily = data.itemDaily!;
  assert.equal(Object.keys(daily.numeric).length + Object.keys(daily.categorical).length, 58);
  assert.deepEqual(Object.keys(daily.categorical).sort(), ['upload_dt', 'upload_type', 'video_tag_name', 'video_type', 'visible_status']);
  const dailyText = L.innerFiles.get('KuaiRec 2.0/data/item_daily_features.csv')!.toString('utf8');
  const dailyRef = naiveNumericColumns(dailyText);
  for (const col of Object.keys(daily.numeric)) assert.deepEqual(Array.from(daily.numeric[col]), dailyRef[col], col);
  // item_categories: feat lists
  const cats = data.itemCategories!;
  const catLines = L.innerFiles.get('KuaiRec 2.0/data/item_categories.csv')!.toString('utf8').trim().split('\n').slice(1);
  assert.equal(cats.videoId.length, catLines.length);
  catLines.forEach((line, i) => {
    const list = JSON.parse(line.slice(line.indexOf(',') + 1).replace(/"/g, '')) as number[];
    assert.deepEqual(Array.from(cats.feat.values.subarray(cats.feat.offsets[i], cats.feat.offsets[i + 1])), list);
  });
  // captions: 10 columns, multi-line and quoted captions intact
  const cap = data.captions!;
  assert.equal(Object.keys(cap.numeric).length + Object.keys(cap.categorical).length, 10);
  assert.equal(cap.length, 40);
  assert.ok(data.socialNetwork!.userId.length >= 0);
});

test('the missing-time policy: drop counts every dropped row; keep keeps them', async () => {
  const dropped = await loadData(req(L.outer));
  const kept = await loadData(req(L.outer, { missingTime: 'keep' }));
  const row = (d: LoadedData) => d.quality.find((q) => q.check === 'missing_time')!;
  assert.equal(row(dropped).rows, L.synth.missingTimeRows);
  assert.ok(L.synth.missingTimeRows > 0);
  assert.equal(dropped.events.length + L.synth.missingTimeRows, L.synth.rows);
  assert.equal(kept.events.length, L.synth.rows);
  assert.match(row(dropped).action, /dropped/);
  assert.match(row(kept).action, /kept/);
  for (const t of dropped.events.numeric.timestamp) assert.ok(Number.isFinite(t));
});

test('sampling keeps whole users with user_id % modulus == remainder', async () => {
  const all = await loadData(req(L.outer));
  const s = await loadData(req(L.outer, { sample: { modulus: 3, remainder: 1 } }));
  const uid = s.events.numeric.user_id;
  for (const u of uid) assert.equal(u % 3, 1);
  const expected = Array.from(all.events.numeric.user_id).filter((u) => u % 3 === 1).length;
  assert.equal(s.events.length, expected);
  assert.equal(s.coverage.sampledUsers, 4); // users 1, 4, 7, 10
  const out = s.quality.find((q) => q.check === 'rows_outside_sample')!;
  assert.ok(out.rows > 0);
  // events sorted by (user, timestamp)
  const ts = s.events.numeric.timestamp;
  for (let i = 1; i < s.events.length; i++) assert.ok(uid[i - 1] < uid[i] || (uid[i - 1] === uid[i] && ts[i - 1] <= ts[i]));
});

test('bad input: missing archive', async () => {
  const e = await expectError(loadData(req(join(L.dir, 'nope.zip'))), 'DATA_MISSING_ARCHIVE');
  assert.match(e.format(), /nope\.zip {2}the archive does not exist/);
});

test('bad input: not a zip', async () => {
  const p = join(L.dir, 'not-a-zip.zip');
  await fsp.writeFile(p, 'user_id,video_id\n1,2\n');
  await expectError(loadData(req(p)), 'DATA_NOT_ZIP');
});

test('bad input: truncated zip', async () => {
  const p = join(L.dir, 'truncated.zip');
  const bytes = await fsp.readFile(L.inner);
  await fsp.writeFile(p, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await expectError(loadData(req(p)), 'DATA_TRUNCATED_ZIP');
});

test('bad input: corrupt deflate stream', async () => {
  const p = join(L.dir, 'corrupt.zip');
  const bytes = Buffer.from(await fsp.readFile(L.inner));
  const zip = await yauzl.openPromise(L.inner, { lazyEntries: true });
  let start = -1;
  let size = 0;
  for await (const entry of zip.eachEntry()) {
    if (entry.fileName.endsWith('small_matrix.csv')) {
      start = (await zip.readLocalFileHeaderPromise(entry, { minimal: true })).fileDataStart;
      size = entry.compressedSize;
    }
  }
  zip.close();
  assert.ok(start > 0 && size > 400);
  for (let i = start + 200; i < start + 400; i++) bytes[i] ^= 0x5a;
  await fsp.writeFile(p, bytes);
  const e = await expectError(loadData(req(p)), 'DATA_CORRUPT_DEFLATE');
  assert.equal((e.where as { member: string }).member, 'KuaiRec 2.0/data/small_matrix.csv');
});

test('bad input: missing member', async () => {
  const p = join(L.dir, 'no-matrix.zip');
  await writeZip(p, new Map([['KuaiRec 2.0/data/user_features.csv', L.innerFiles.get('KuaiRec 2.0/data/user_features.csv')!]]));
  const e = await expectError(loadData(req(p, { tables: [] })), 'DATA_MISSING_MEMBER');
  assert.match(e.message, /small_matrix\.csv/);
});

test('bad input: missing column, and a non-numeric cell named by member:line column', async () => {
  const dir = join(L.dir, 'bad-folder', 'KuaiRec 2.0', 'data');
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(join(dir, 'user_features.csv'), L.innerFiles.get('KuaiRec 2.0/data/user_features.csv')!);
  await fsp.writeFile(join(dir, 'small_matrix.csv'), 'user_id,video_id,play_duration,video_duration,time,date,timestamp\n1,2,3,4,t,20200705,1.5\n');
  const e1 = await expectError(loadData(req(join(L.dir, 'bad-folder', 'KuaiRec 2.0'), { tables: [] })), 'DATA_MISSING_COLUMN');
  assert.equal((e1.where as { column: string }).column, 'watch_ratio');
  await fsp.writeFile(join(dir, 'small_matrix.csv'),
    'user_id,video_id,play_duration,video_duration,time,date,timestamp,watch_ratio\n1,2,3,4,t,20200705,1.5,0.5\n1,2,3,4,t,20200705,1.5,0.5\n1,2,three,4,t,20200705,1.5,0.5\n');
  const e2 = await expectError(loadData(req(join(L.dir, 'bad-folder'), { tables: [] })), 'DATA_NOT_NUMERIC');
  assert.deepEqual(e2.where, { kind: 'data', member: 'small_matrix.csv', line: 4, column: 'play_duration' });
});

test('bad input: a sample that keeps no users', async () => {
  const e = await expectError(loadData(req(L.outer, { sample: { modulus: 1000, remainder: 999 } })), 'DATA_EMPTY_SAMPLE');
  assert.match(e.message, /keeps no interactions/);
  await expectError(loadData(req(L.outer, { sample: { modulus: 0, remainder: 0 } })), 'DATA_BAD_SAMPLE');
});

test('a failing deflated outer archive leaves nothing in the cache', async () => {
  const spool = await tempDir('spool-fail');
  const p = join(L.dir, 'deflated-missing.zip');
  const innerNoMatrix = join(L.dir, 'inner-no-matrix.zip');
  await writeZip(innerNoMatrix, new Map([['KuaiRec 2.0/data/user_features.csv', L.innerFiles.get('KuaiRec 2.0/data/user_features.csv')!]]));
  await writeZip(p, new Map([['KuaiRec.zip', await fsp.readFile(innerNoMatrix)]]), true);
  await expectError(loadData(req(p, { tables: [] }), { cacheDir: spool }), 'DATA_MISSING_MEMBER');
  assert.deepEqual(await fsp.readdir(spool), []);
});

test('bad input inside a deflated outer archive: the inner KuaiRec.zip is not a zip', async () => {
  const p = join(L.dir, 'deflated-garbage.zip');
  await writeZip(p, new Map([['KuaiRec.zip', Buffer.from('this is not a zip file at all\n'.repeat(50))]]), true);
  await expectError(loadData(req(p, { tables: [] })), 'DATA_NOT_ZIP');
});

test('coverage and the users without features are counted the same whether the matrix comes sorted or shuffled', async () => {
  const dir = await tempDir('coverage-order');
  try {
    const matrix = (await fsp.readFile(join(L.folder, 'data', 'small_matrix.csv'), 'utf8')).split('\n').filter((l) => l.length > 0);
    const [header, ...rows] = matrix;
    const userFeatures = (await fsp.readFile(join(L.folder, 'data', 'user_features.csv'), 'utf8')).split('\n').filter((l) => l.length > 0);
    // the last user loses its user_features row; the shuffled matrix interleaves the users (in time order)
    const dropped = userFeatures[userFeatures.length - 1].split(',')[0];
    const write = async (name: string, body: string[]) => {
      const folder = join(dir, name, 'KuaiRec 2.0');
      await fsp.mkdir(join(folder, 'data'), { recursive: true });
      for (const f of await fsp.readdir(join(L.folder, 'data'))) await fsp.copyFile(join(L.folder, 'data', f), join(folder, 'data', f));
      await fsp.writeFile(join(folder, 'data', 'user_features.csv'), userFeatures.slice(0, -1).join('\n') + '\n');
      await fsp.writeFile(join(folder, 'data', 'small_matrix.csv'), [header, ...body].join('\n') + '\n');
      return folder;
    };
    const sorted = await loadData(req(await write('sorted', rows)));
    const byTime = [...rows].sort((a, b) => Number(a.split(',')[6] || Infinity) - Number(b.split(',')[6] || Infinity));
    const shuffled = await loadData(req(await write('shuffled', byTime)));
    // A spec that names no date: the rows in order, the date is left out (the panel reads the reader's
    // runs); out of order, it is kept, for sorting them and for the panel's own runs.
    const sortedNoDate = await loadData(req(join(dir, 'sorted', 'KuaiRec 2.0'), { eventColumns: ['watch_ratio'] }));
    const shuffledNoDate = await loadData(req(join(dir, 'shuffled', 'KuaiRec 2.0'), { eventColumns: ['watch_ratio'] }));
    assert.equal(sortedNoDate.events.numeric.date, undefined);
    assert.ok(sortedNoDate.eventRuns);
    assert.deepEqual(shuffledNoDate.events.numeric.date, shuffled.events.numeric.date);
    assert.equal(shuffledNoDate.eventRuns, undefined);
    const { buildPanel } = await import('../../src/panel/index.js');
    const origin = { file: 'test', line: 1, col: 1 };
    const seed = {
      events: [{ name: 'high_watch', expr: 'watch_ratio >= 0.8', origin }],
      days: [{ name: 'interactions', expr: 'count()', origin }, { name: 'high_share', expr: 'mean(high_watch)', origin }, { name: 'videos', expr: 'nunique(video_id)', origin }],
      history: [{ kind: 'lead' as const, days: [1], of: ['interactions'] }],
    };
    for (const [label, a, b] of [['sorted', sortedNoDate, sorted], ['shuffled', shuffledNoDate, shuffled]] as const) {
      assert.deepEqual(buildPanel(a, seed).table, buildPanel(b, seed).table, label);
    }
    // what the counts must be, from the rows themselves (dated rows with both ids: the ones kept)
    const cells = rows.map((r) => r.split(',')).filter((c) => c[0] !== '' && c[1] !== '' && c[4] !== '' && c[5] !== '' && c[6] !== '');
    const users = new Set(cells.map((c) => c[0]));
    const dates = cells.map((c) => Number(c[5]));
    for (const data of [sorted, shuffled]) {
      assert.equal(data.coverage.users, users.size);
      assert.equal(data.coverage.events, cells.length);
      assert.equal(data.coverage.firstDate, Math.min(...dates));
      assert.equal(data.coverage.lastDate, Math.max(...dates));
      const without = data.quality.find((q) => q.check === 'events_without_user_features')!;
      assert.equal(without.rows, cells.filter((c) => c[0] === dropped).length);
      assert.match(without.action, /^kept \(1 users have no row/);
    }
    assert.ok(cells.some((c) => c[0] === dropped));
    assert.deepEqual(shuffled.coverage, sorted.coverage);
    assert.deepEqual(Array.from(shuffled.events.numeric.timestamp), Array.from(sorted.events.numeric.timestamp));
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

test('the user-date runs the reader hands over are the events\' runs, and the panel built from them is the one built without them', async () => {
  const { buildPanel } = await import('../../src/panel/index.js');
  const { SEED_000 } = await import('../../bench/panel.js');
  for (const extra of [{}, { missingTime: 'keep' as const }, { sample: { modulus: 3, remainder: 1 } }]) {
    const what = JSON.stringify(extra);
    const data = await loadData(req(L.outer, extra));
    const runs = data.eventRuns;
    assert.ok(runs, `${what}: runs handed over`);
    // a run begins wherever the user or the date changes (a missing date equals nothing)
    const u = data.events.numeric.user_id;
    const d = data.events.numeric.date;
    const starts: number[] = [];
    for (let i = 0; i < data.events.length; i++) if (i === 0 || u[i] !== u[i - 1] || d[i] !== d[i - 1]) starts.push(i);
    assert.deepEqual(Array.from(runs.start), [...starts, data.events.length], what);
    assert.deepEqual(Array.from(runs.user), starts.map((i) => u[i]), what);
    assert.deepEqual(Array.from(runs.date), starts.map((i) => d[i]), what);
    const withRuns = buildPanel(data, SEED_000);
    const without = buildPanel({ ...data, eventRuns: undefined }, SEED_000);
    assert.deepEqual(Object.keys(withRuns.table.numeric), Object.keys(without.table.numeric));
    for (const [name, column] of Object.entries(without.table.numeric)) {
      const other = withRuns.table.numeric[name];
      assert.ok(Buffer.from(other.buffer, other.byteOffset, other.byteLength).equals(Buffer.from(column.buffer, column.byteOffset, column.byteLength)), `${what}: ${name}`);
    }
  }
});
