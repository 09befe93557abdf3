/**
 * The fault corpus: damaged archives and data files, each made from one small simulated archive with
 * damage placed by a seeded generator (nothing binary is committed), and the error code each must give.
 * Every case is a located CausewayError: never a silently different number, never an internal error.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import yauzl from 'yauzl';
import { loadData, type DataRequest, type KuaiRecLoaded as LoadedData } from '../../src/data/kuairec/index.js';
import { dataIdentity } from '../../src/run/cache.js';
import { CausewayError } from '../../src/errors.js';
import { Rng } from '../../src/rng.js';
import { makeLayouts, writeZip, type Layouts } from './helpers.js';

let L: Layouts;
before(async () => {
  L = await makeLayouts(); // removed with the test file's scratch (test/scratch.ts)
});

const rng = new Rng('causeway-fault-corpus', 1);
const MATRIX = 'KuaiRec 2.0/data/small_matrix.csv';
const USERS = 'KuaiRec 2.0/data/user_features.csv';
const req = (path: string, tables: string[] = []): DataRequest => ({
  source: 'kuairec', path, matrix: 'small', sample: { modulus: 1, remainder: 0 }, tables, missingTime: 'drop',
});

const text = (member: string) => L.innerFiles.get(member)!.toString('utf8');
const lines = (member: string) => text(member).split('\n');

/** A data row (1-based line number, never the header) of a member, chosen by the seeded generator. */
function pickLine(member: string): number {
  const n = lines(member).filter((l) => l.length > 0).length;
  return 2 + rng.nextInt(n - 1);
}

/** Rewrites one line of a member; returns the member's new bytes. */
function editLine(member: string, line: number, edit: (cells: string[]) => string[]): Buffer {
  const all = lines(member);
  all[line - 1] = edit(all[line - 1].split(',')).join(',');
  return Buffer.from(all.join('\n'));
}

let serial = 0;
/** An extracted "KuaiRec 2.0" folder with some members replaced. */
async function folderWith(replaced: Record<string, Buffer>): Promise<string> {
  const root = join(L.dir, `fault-${++serial}`, 'KuaiRec 2.0');
  await fsp.mkdir(join(root, 'data'), { recursive: true });
  for (const [name, bytes] of L.innerFiles) {
    if (!name.startsWith('KuaiRec 2.0/data/')) continue;
    await fsp.writeFile(join(root, 'data', name.slice('KuaiRec 2.0/data/'.length)), replaced[name] ?? bytes);
  }
  return root;
}

async function expectError(p: Promise<unknown>, code: string): Promise<CausewayError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CausewayError, `expected CausewayError ${code}, got ${(e as Error)?.stack ?? String(e)}`);
    assert.equal(e.code, code, e.format());
    return e;
  }
  assert.fail(`expected ${code}`);
}

/** Where a stored or deflated member's data starts in a zip, and its compressed size. */
async function memberData(zipPath: string, suffix: string): Promise<{ start: number; size: number }> {
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true });
  let found = { start: -1, size: 0 };
  for await (const entry of zip.eachEntry()) {
    if (entry.fileName.endsWith(suffix)) found = { start: (await zip.readLocalFileHeaderPromise(entry, { minimal: true })).fileDataStart, size: entry.compressedSize };
  }
  zip.close();
  assert.ok(found.start > 0);
  return found;
}

test('bad cells in the matrix: each a located error (member, line, column)', async () => {
  const cases: Array<{ name: string; edit: (c: string[]) => string[]; code: string; column?: string; message: RegExp }> = [
    { name: 'fractional user_id', edit: (c) => [`${c[0]}.5`, ...c.slice(1)], code: 'DATA_BAD_ID', column: 'user_id', message: /user_id \d+\.5 is not an id/ },
    { name: 'negative user_id', edit: (c) => [`-${Number(c[0]) + 1}`, ...c.slice(1)], code: 'DATA_BAD_ID', column: 'user_id', message: /user_id -\d+ is not an id/ },
    { name: 'fractional video_id', edit: (c) => [c[0], `${c[1]}.25`, ...c.slice(2)], code: 'DATA_BAD_ID', column: 'video_id', message: /video_id/ },
    { name: '1e400 (out of range)', edit: (c) => [...c.slice(0, -1), '1e400'], code: 'DATA_NOT_NUMERIC', column: 'watch_ratio', message: /out of range/ },
    { name: 'Infinity', edit: (c) => [...c.slice(0, -1), 'Infinity'], code: 'DATA_NOT_NUMERIC', column: 'watch_ratio', message: /non-numeric/ },
    { name: 'a 400-digit number', edit: (c) => [c[0], c[1], '9'.repeat(400), ...c.slice(3)], code: 'DATA_NOT_NUMERIC', column: 'play_duration', message: /out of range/ },
    { name: 'an extra cell', edit: (c) => [...c, '7'], code: 'DATA_EXTRA_CELLS', message: /the row has 9 cells, the header has 8/ },
    { name: 'a short row', edit: (c) => c.slice(0, 3), code: 'DATA_SHORT_ROW', message: /the row has 3 cells, the header has 8/ },
  ];
  for (const c of cases) {
    const line = pickLine(MATRIX);
    const folder = await folderWith({ [MATRIX]: editLine(MATRIX, line, c.edit) });
    const e = await expectError(loadData(req(folder)), c.code);
    assert.equal((e.where as { member: string }).member, 'small_matrix.csv', c.name);
    assert.equal((e.where as { line: number }).line, line, `${c.name}: ${e.format()}`);
    if (c.column) assert.equal((e.where as { column: string }).column, c.column, c.name);
    assert.match(e.message, c.message, c.name);
  }
});

test('NaN spelled out becomes missing and is counted in the data-quality table', async () => {
  const all = lines(MATRIX);
  const chosen = new Set<number>();
  while (chosen.size < 5) chosen.add(pickLine(MATRIX));
  for (const line of chosen) {
    const cells = all[line - 1].split(',');
    cells[2] = 'NaN'; // play_duration: not a time column, so the row stays
    all[line - 1] = cells.join(',');
  }
  const data: LoadedData = await loadData(req(await folderWith({ [MATRIX]: Buffer.from(all.join('\n')) })));
  const row = data.quality.find((q) => q.check === 'nan_text_cells');
  assert.ok(row, JSON.stringify(data.quality));
  assert.equal(row.rows, 5);
  assert.match(row.action, /NaN/);
  const clean = await loadData(req(L.folder));
  assert.equal(clean.quality.find((q) => q.check === 'nan_text_cells'), undefined, 'no row when there is nothing to count');
});

test('a key twice in a side table is an error naming the file, the key and both rows', async () => {
  const users = lines(USERS).filter((l) => l.length > 0);
  const line = pickLine(USERS);
  const cells = users[line - 1].split(',');
  const twin = [cells[0], ...cells.slice(1).map((v) => (/^\d+$/.test(v) ? String(Number(v) + 1) : v))].join(',');
  const e = await expectError(loadData(req(await folderWith({ [USERS]: Buffer.from([...users, twin].join('\n') + '\n') }))), 'DATA_DUPLICATE_KEY');
  assert.equal((e.where as { member: string }).member, 'user_features.csv');
  assert.match(e.message, new RegExp(`user_id ${cells[0]} appears in two rows \\(lines ${line} and ${users.length + 1}\\)`));

  const cats = 'KuaiRec 2.0/data/item_categories.csv';
  const catLines = lines(cats).filter((l) => l.length > 0);
  const dup = catLines[1];
  const e2 = await expectError(loadData(req(await folderWith({ [cats]: Buffer.from([...catLines, dup].join('\n') + '\n') }), ['item_categories'])), 'DATA_DUPLICATE_KEY');
  assert.equal((e2.where as { member: string }).member, 'item_categories.csv');
  assert.match(e2.message, /video_id \d+ appears in two rows \(lines 2 and \d+\)/);

  const negative = editLine(USERS, pickLine(USERS), (c) => [`-${c[0]}`, ...c.slice(1)]);
  await expectError(loadData(req(await folderWith({ [USERS]: negative }))), 'DATA_BAD_ID');
});

test('a damaged stored member is named as damaged (CRC), not as a bad cell', async () => {
  const inner = join(L.dir, 'stored-inner.zip');
  await writeZip(inner, L.innerFiles, false);
  const bytes = Buffer.from(await fsp.readFile(inner));
  const { start, size } = await memberData(inner, 'small_matrix.csv');
  // a digit of some row's cell becomes a letter: the bytes parse as a "non-numeric cell"
  const region = bytes.subarray(start, start + size);
  let at = -1;
  for (let tries = 0; tries < 1000 && at < 0; tries++) {
    const p = 200 + rng.nextInt(size - 400);
    if (region[p] >= 0x30 && region[p] <= 0x39 && region[p - 1] === 0x2c) at = p; // first digit of a cell
  }
  assert.ok(at > 0);
  region[at] = 0x78; // 'x'
  const damaged = join(L.dir, 'stored-damaged.zip');
  await fsp.writeFile(damaged, bytes);
  const e = await expectError(loadData(req(damaged)), 'DATA_CORRUPT_DEFLATE');
  assert.match(e.message, /CRC-32/);
  assert.equal((e.where as { member: string }).member, MATRIX);
});

test('a corrupt deflate stream that still inflates is named as corrupt', async () => {
  const inner = join(L.dir, 'deflated-inner.zip');
  await writeZip(inner, L.innerFiles, true);
  const bytes = await fsp.readFile(inner);
  const { start, size } = await memberData(inner, 'small_matrix.csv');
  const original = zlib.inflateRawSync(bytes.subarray(start, start + size));
  // seeded search for a flipped bit that zlib accepts (the output is wrong, only the CRC can tell)
  let damaged: Buffer | null = null;
  for (let tries = 0; tries < 2000 && !damaged; tries++) {
    const copy = Buffer.from(bytes);
    const p = start + 20 + rng.nextInt(size - 40);
    copy[p] ^= 1 << rng.nextInt(8);
    try {
      const out = zlib.inflateRawSync(copy.subarray(start, start + size));
      if (!out.equals(original)) damaged = copy;
    } catch {
      // zlib itself rejects this one: try another
    }
  }
  assert.ok(damaged, 'found a damaged stream zlib inflates');
  const file = join(L.dir, 'deflate-silent.zip');
  await fsp.writeFile(file, damaged);
  await expectError(loadData(req(file)), 'DATA_CORRUPT_DEFLATE');
});

test('a deflated member whose bytes differ from the directory\'s CRC-32 is named as damaged, in the inner zip and inside a deflated outer zip', async () => {
  // the inflater checks the CRC-32 (src/data/kuairec/archive.ts checkingInflater): patch the directory's
  const inner = join(L.dir, 'crc-inner.zip');
  await writeZip(inner, L.innerFiles, true);
  const bytes = await fsp.readFile(inner);
  const name = Buffer.from(MATRIX);
  let patched = 0;
  for (let at = bytes.indexOf(name); at >= 0; at = bytes.indexOf(name, at + 1)) {
    const entry = at - 46; // a central directory entry's name follows its 46 fixed bytes
    if (entry >= 0 && bytes.readUInt32LE(entry) === 0x02014b50) {
      bytes[entry + 16] ^= 1;
      patched++;
    }
  }
  assert.equal(patched, 1);
  await fsp.writeFile(inner, bytes);
  const outer = join(L.dir, 'crc-outer.zip');
  await writeZip(outer, new Map([['KuaiRec.zip', bytes]]), true);
  for (const file of [inner, outer]) {
    const e = await expectError(loadData(req(file)), 'DATA_CORRUPT_DEFLATE');
    assert.match(e.message, /damaged \(CRC-32 or size mismatch/, file);
    assert.equal(e.where.kind === 'data' && e.where.member.endsWith('small_matrix.csv'), true, file);
  }
});

test('a plain-text KuaiRec.zip inside the outer archive is "not a zip", stored or deflated, small or large', async () => {
  const big = Buffer.from('user_id,video_id\n'.repeat(400_000)); // 6.8 MB: past the tail the reader keeps
  for (const [name, body, compress] of [['stored-small', Buffer.from('hello\n'.repeat(100)), false], ['stored-large', big, false], ['deflated-large', big, true]] as const) {
    const file = join(L.dir, `plain-inner-${name}.zip`);
    await writeZip(file, new Map([['KuaiRec.zip', body]]), compress);
    const e = await expectError(loadData(req(file)), 'DATA_NOT_ZIP');
    assert.match(e.message, /KuaiRec\.zip is not a zip archive/, name);
  }
});

test('archive-level faults: truncated, not a zip, empty member, missing column', async () => {
  const cut = join(L.dir, 'cut.zip');
  const innerBytes = await fsp.readFile(L.inner);
  await fsp.writeFile(cut, innerBytes.subarray(0, Math.floor(innerBytes.length * (0.3 + 0.4 * rng.nextFloat()))));
  await expectError(loadData(req(cut)), 'DATA_TRUNCATED_ZIP');
  const notZip = join(L.dir, 'text.zip');
  await fsp.writeFile(notZip, text(MATRIX));
  await expectError(loadData(req(notZip)), 'DATA_NOT_ZIP');
  await expectError(loadData(req(await folderWith({ [MATRIX]: Buffer.alloc(0) }))), 'DATA_EMPTY_MEMBER');
  const noRatio = Buffer.from(lines(MATRIX).map((l) => l.split(',').slice(0, -1).join(',')).join('\n'));
  await expectError(loadData(req(await folderWith({ [MATRIX]: noRatio }))), 'DATA_MISSING_COLUMN');
});

test('data folders: a symlink loop, a link out of the folder and data.path "/" are clear errors, never ELOOP', async () => {
  const loopA = join(L.dir, 'loop-a');
  const loopB = join(L.dir, 'loop-b');
  await fsp.symlink(loopB, loopA);
  await fsp.symlink(loopA, loopB);
  await expectError(loadData(req(loopA)), 'DATA_SYMLINK_LOOP');

  // a loop and a link to a file outside, inside an extracted folder
  const folder = await folderWith({});
  await fsp.symlink(join(folder, 'data', 'x'), join(folder, 'data', 'x')).catch(() => {});
  await fsp.symlink(join(folder, 'sub'), join(folder, 'sub-link'));
  await fsp.symlink(join(folder, 'sub-link'), join(folder, 'sub'));
  const outside = join(L.dir, 'outside-users.csv');
  await fsp.writeFile(outside, L.innerFiles.get(USERS)!);
  await fsp.rm(join(folder, 'data', 'user_features.csv'));
  await fsp.symlink(outside, join(folder, 'data', 'user_features.csv'));
  const e = await expectError(loadData(req(folder)), 'DATA_MEMBER_LINK');
  assert.match(e.message, /user_features\.csv is a symbolic link to a file outside the data folder/);
  // the result cache's identity walk neither follows the loops nor fails on them
  assert.match(dataIdentity({ source: 'kuairec', path: folder }, L.dir), /^[0-9a-f]{64}$/);

  // a folder far broader than any KuaiRec layout is refused, not walked (a small cap here: files are slow to make)
  const broad = join(L.dir, 'broad');
  await fsp.mkdir(join(broad, 'a', 'b', 'c', 'd'), { recursive: true });
  await Promise.all(Array.from({ length: 30 }, (_, j) => fsp.writeFile(join(broad, 'a', `f${j}`), '')));
  assert.match(dataIdentity({ source: 'kuairec', path: broad }, L.dir, 40), /^[0-9a-f]{64}$/, 'the depth bound stops the walk at a/b/c');
  assert.throws(() => dataIdentity({ source: 'kuairec', path: broad }, L.dir, 30), (x: unknown) => x instanceof CausewayError && x.code === 'DATA_FOLDER_TOO_BROAD' && /more than 30 entries/.test(x.message));
  // and "/" with the real cap: refused quickly, or (on a tiny root) hashed, never walked whole or crashed
  try {
    dataIdentity({ source: 'kuairec', path: '/' }, L.dir);
  } catch (x) {
    assert.ok(x instanceof CausewayError && x.code === 'DATA_FOLDER_TOO_BROAD', String(x));
  }
});
