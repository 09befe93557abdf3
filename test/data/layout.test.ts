/**
 * The simulated archive is the real one's twin: every member of the real KuaiRec archive, in its order,
 * with its header, pandas dtypes, empty cells at the real rates and the real row order, checked against
 * test/data/kuairec-layout.json (the real archive's members as the sources cited there record them).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { synthesize } from '../../src/data/kuairec/index.js';
import { tempDir } from './helpers.js';

interface ManifestMember {
  name: string; stored?: boolean; mb: number; header?: string[]; dtypes?: Record<string, 'int64' | 'float64' | 'object'>; empty?: Record<string, number>;
}
interface Manifest { outer: { members: ManifestMember[] }; inner: { directories: string[]; members: ManifestMember[] } }
// Read from the source tree (tests run from dist/test/data/).
const manifest = JSON.parse(readFileSync(new URL('../../../test/data/kuairec-layout.json', import.meta.url), 'utf8')) as Manifest;

/** Deliberate differences from the real files (docs/simulator.md says why): none may be added silently. */
const SIMULATOR_EXTRA_EMPTY: Record<string, string[]> = {
  // a few long-tail videos lack show counts, to exercise the play_cnt fallback of item.avg_show_cnt
  'KuaiRec 2.0/data/item_daily_features.csv': ['show_cnt'],
};

interface Entry { name: string; method: number; data: Buffer }

async function zipEntries(source: string | Buffer): Promise<Entry[]> {
  const zip = typeof source === 'string' ? await yauzl.openPromise(source, { lazyEntries: true }) : await yauzl.fromBufferPromise(source, { lazyEntries: true });
  const out: Entry[] = [];
  for await (const entry of zip.eachEntry()) {
    let data = Buffer.alloc(0);
    if (!entry.fileName.endsWith('/')) {
      const parts: Buffer[] = [];
      for await (const c of await zip.openReadStreamPromise(entry)) parts.push(c as Buffer);
      data = Buffer.concat(parts);
    }
    out.push({ name: entry.fileName, method: entry.compressionMethod, data });
  }
  zip.close();
  return out;
}

/** RFC 4180 records (quoted cells may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else cell += c;
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row); }
  return rows;
}

const INT = /^-?\d+$/;
const FLOAT = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

// Enough users, videos and days that each real empty-cell rate is measured to within a few points.
const OPTIONS = { users: 1500, days: 20, videos: 1500, seed: 5, eventsPerDay: 2, truthMaxRows: 2000 };
let dir: string;
let outer: Entry[];
let inner: Entry[];
before(async () => {
  dir = await tempDir('layout');
  const synth = await synthesize({ ...OPTIONS, out: join(dir, '18164998.zip') });
  outer = await zipEntries(synth.archive);
  inner = await zipEntries(outer.find((e) => e.name === 'KuaiRec.zip')!.data);
});
after(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

test('every member of the real archive, in its order, with its header; the outer members stored', () => {
  assert.deepEqual(outer.map((e) => e.name), manifest.outer.members.map((m) => m.name));
  for (const m of manifest.outer.members) {
    const e = outer.find((x) => x.name === m.name)!;
    if (m.stored) assert.equal(e.method, 0, `${m.name} is STORED in the real archive`);
    if (m.header) assert.deepEqual(e.data.toString('utf8').split('\n')[0].split(','), m.header, `${m.name} header`);
  }
  assert.deepEqual(inner.filter((e) => !e.name.endsWith('/')).map((e) => e.name), manifest.inner.members.map((m) => m.name));
  for (const d of manifest.inner.directories) assert.ok(inner.some((e) => e.name === d), `directory entry ${d}`);
  for (const m of manifest.inner.members) {
    const e = inner.find((x) => x.name === m.name)!;
    assert.ok(e.data.length > 0, `${m.name} is not empty`);
    if (m.header) assert.deepEqual(e.data.toString('utf8').split('\n')[0].split(','), m.header, `${m.name} header`);
  }
  assert.deepEqual(inner.find((e) => e.name.endsWith('.png'))!.data.subarray(1, 4).toString('latin1'), 'PNG');
  assert.doesNotThrow(() => JSON.parse(inner.find((e) => e.name.endsWith('.ipynb'))!.data.toString('utf8')));
});

test('every cell has its real dtype; empty cells only where the real file has them, at the real rates', () => {
  for (const m of manifest.inner.members.filter((x) => x.dtypes)) {
    const rows = parseCsv(inner.find((e) => e.name === m.name)!.data.toString('utf8'));
    const header = rows[0];
    const body = rows.slice(1);
    const allowed = new Set([...Object.keys(m.empty ?? {}), ...(SIMULATOR_EXTRA_EMPTY[m.name] ?? [])]);
    header.forEach((column, j) => {
      const dtype = m.dtypes![column];
      let empty = 0;
      for (const r of body) {
        const cell = r[j];
        assert.equal(r.length, header.length, `${m.name}: a record with ${r.length} cells`);
        if (cell === '') { empty++; continue; }
        if (dtype === 'int64') assert.match(cell, INT, `${m.name} ${column}: "${cell}" is not an int64`);
        if (dtype === 'float64') assert.match(cell, FLOAT, `${m.name} ${column}: "${cell}" is not a float64`);
      }
      if (!allowed.has(column)) assert.equal(empty, 0, `${m.name} ${column}: empty cells the real file does not have`);
      const rate = m.empty?.[column];
      if (rate !== undefined && !column.includes('collect')) { // collect_* follow a calendar rule, checked below
        const observed = empty / body.length;
        const tolerance = Math.max(0.005, 4 * Math.sqrt((rate * (1 - rate)) / body.length));
        assert.ok(Math.abs(observed - rate) <= tolerance, `${m.name} ${column}: ${(100 * observed).toFixed(2)}% empty, real ${(100 * rate).toFixed(2)}%`);
      }
    });
  }
});

test('empty cells follow the real patterns: collect_* before 2020-07-17, onehot_feat12-17 nested; float columns print as pandas floats', () => {
  const daily = parseCsv(inner.find((e) => e.name.endsWith('item_daily_features.csv'))!.data.toString('utf8'));
  const h = daily[0];
  const date = h.indexOf('date');
  for (const c of ['collect_cnt', 'collect_user_num', 'cancel_collect_cnt', 'cancel_collect_user_num']) {
    const j = h.indexOf(c);
    for (const r of daily.slice(1)) {
      assert.equal(r[j] === '', Number(r[date]) < 20200717, `${c} on ${r[date]}: "${r[j]}"`);
      if (r[j] !== '') assert.match(r[j], /^\d+\.0$/, `${c} prints as a float`);
    }
  }
  const users = parseCsv(inner.find((e) => e.name.endsWith('data/user_features.csv'))!.data.toString('utf8'));
  const u = users[0];
  const emptyIn = (c: string) => new Set(users.slice(1).filter((r) => r[u.indexOf(c)] === '').map((r) => r[0]));
  const subset = (a: Set<string>, b: Set<string>) => [...a].every((x) => b.has(x));
  assert.ok(subset(emptyIn('onehot_feat15'), emptyIn('onehot_feat13')) && subset(emptyIn('onehot_feat13'), emptyIn('onehot_feat12')));
  assert.deepEqual(emptyIn('onehot_feat16'), emptyIn('onehot_feat15'));
  for (const c of ['onehot_feat4', 'onehot_feat12', 'onehot_feat17']) {
    for (const r of users.slice(1)) if (r[u.indexOf(c)] !== '') assert.match(r[u.indexOf(c)], /^\d+\.0$/, `${c} prints as a float`);
  }
  // user_features_raw.csv repeats the shared columns of user_features.csv
  const raw = parseCsv(outer.find((e) => e.name === 'user_features_raw.csv')!.data.toString('utf8'));
  const rh = raw[0];
  const pairs: Array<[string, string]> = [['user_active_degree', 'user_active_degree'], ['is_live_author', 'is_live_streamer'], ['is_photo_author', 'is_video_author'],
    ['fans_user_num_range', 'fans_user_num_range'], ['register_days', 'register_days'], ['is_lowactive_period', 'is_lowactive_period']];
  raw.slice(1).forEach((r, i) => {
    for (const [a, b] of pairs) assert.equal(r[rh.indexOf(a)], users[i + 1][u.indexOf(b)], `user ${r[0]} ${a}`);
  });
});

test('row order: by user, dated rows in time order, then the user\'s undated rows; the big matrix has none undated', () => {
  for (const name of ['KuaiRec 2.0/data/small_matrix.csv', 'KuaiRec 2.0/data/big_matrix.csv']) {
    const rows = parseCsv(inner.find((e) => e.name === name)!.data.toString('utf8')).slice(1);
    let undated = 0;
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1], rows[i]];
      assert.ok(Number(a[0]) <= Number(b[0]), `${name}: users out of order at row ${i + 1}`);
      if (a[0] !== b[0]) continue;
      if (a[6] === '') assert.equal(b[6], '', `${name}: a dated row after an undated one (user ${b[0]})`);
      else if (b[6] !== '') assert.ok(Number(a[6]) <= Number(b[6]), `${name}: time goes back at row ${i + 1}`);
    }
    for (const r of rows) undated += r[6] === '' ? 1 : 0;
    if (name.includes('big')) {
      assert.equal(undated, 0);
      assert.ok(new Set(rows.map((r) => r[0])).size <= 3, 'without --big, big_matrix.csv is a placeholder of a few users');
    } else assert.ok(undated > 0);
  }
});
