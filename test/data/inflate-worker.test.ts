/**
 * Large deflated members read with transient chunks are inflated on a worker thread
 * (src/data/kuairec/inflate-thread.ts inflateInWorker): the same bytes and the same errors as the in-process
 * inflater, and no thread left running however the read ends. The size from which the worker is used
 * is lowered here so that a member of a few MB takes that path. The worker writes into zlib's native
 * handle directly, or (where Node's internals differ) through the Gunzip stream: both are tested.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import yauzl from 'yauzl';
import { openArchive } from '../../src/data/kuairec/archive.js';
import { inflateWorkers, setInflateWorkerByStream, setInflateWorkerMinBytes } from '../../src/data/kuairec/inflate-thread.js';
import { loadData } from '../../src/data/kuairec/index.js';
import { CsvParser, parseCsvBuffer } from '../../src/data/csv.js';
import { CausewayError } from '../../src/errors.js';
import { Rng } from '../../src/rng.js';
import { makeLayouts, writeZip, tempDir, type Layouts } from './helpers.js';

const MATRIX = 'KuaiRec 2.0/data/small_matrix.csv';
let L: Layouts;
let dir: string;
let big: Buffer; // a matrix of ≈ 15 MB: more than the worker's pool of 6 MiB, so its slots are reused
let previousMin = 0;

before(async () => {
  previousMin = setInflateWorkerMinBytes(1 << 20);
  L = await makeLayouts();
  dir = await tempDir('inflate-worker');
  const text = L.innerFiles.get(MATRIX)!.toString('utf8');
  const [header, ...rows] = text.split('\n').filter((l) => l.length > 0);
  const body = rows.join('\n') + '\n';
  big = Buffer.from(header + '\n' + body.repeat(Math.ceil(15e6 / body.length)));
});
after(() => {
  setInflateWorkerMinBytes(previousMin);
});

/** The inner zip with the big matrix (deflated), and an outer zip holding it stored. */
async function archivesWith(matrix: Buffer, tag: string): Promise<{ inner: string; outer: string; innerBytes: Buffer }> {
  const files = new Map(L.innerFiles);
  files.set(MATRIX, matrix);
  const inner = join(dir, `${tag}-KuaiRec.zip`);
  await writeZip(inner, files, true);
  const innerBytes = await fsp.readFile(inner);
  const outer = join(dir, `${tag}-18164998.zip`);
  await writeZip(outer, new Map([['KuaiRec.zip', innerBytes]]), false);
  return { inner, outer, innerBytes };
}

/** Every byte of the matrix, read in-process or with transient chunks (each copied before the next is asked for). */
async function readAll(path: string, transient: boolean, byStream = false): Promise<{ bytes: Buffer; chunkSizes: number[] }> {
  const previous = setInflateWorkerByStream(byStream);
  const archive = await openArchive(path);
  const parts: Buffer[] = [];
  try {
    for await (const chunk of archive.stream('small_matrix.csv', { transient })) parts.push(Buffer.from(chunk));
  } finally {
    await archive.close();
    setInflateWorkerByStream(previous);
  }
  return { bytes: Buffer.concat(parts), chunkSizes: parts.map((p) => p.length) };
}

async function errorOf(p: Promise<unknown>): Promise<CausewayError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CausewayError, String((e as Error)?.stack ?? e));
    return e;
  }
  assert.fail('expected an error');
}

test('a large deflated member read with transient chunks comes from a worker thread, byte-identical, in the inner zip and a stored inner zip in the outer', async () => {
  const { inner, outer } = await archivesWith(big, 'same');
  for (const file of [inner, outer]) {
    const started = inflateWorkers.started;
    const inProcess = await readAll(file, false);
    assert.equal(inflateWorkers.started, started, 'without transient chunks the member is inflated in-process');
    assert.ok(inProcess.bytes.equals(big));
    for (const byStream of [false, true]) {
      const native = inflateWorkers.native;
      const viaWorker = await readAll(file, true, byStream);
      assert.equal(inflateWorkers.started, started + (byStream ? 2 : 1), file);
      assert.equal(inflateWorkers.native, native + (byStream ? 0 : 1), 'Node 20\'s zlib handle is written to directly');
      assert.equal(inflateWorkers.running, 0);
      assert.ok(viaWorker.bytes.equals(big), `${file} byStream ${byStream}`);
      // whole 1 MiB slots from the worker (the in-process inflater's chunks end where its input does)
      assert.ok(viaWorker.chunkSizes.slice(0, -1).every((n) => n === 1 << 20), file);
    }
  }
  // loadData reads with transient chunks: the same table as from the extracted folder's plain file
  const folder = join(dir, 'same-folder', 'KuaiRec 2.0', 'data');
  await fsp.mkdir(folder, { recursive: true });
  for (const [name, bytes] of L.innerFiles) if (name.startsWith('KuaiRec 2.0/data/')) await fsp.writeFile(join(folder, name.slice(17)), name === MATRIX ? big : bytes);
  const req = { source: 'kuairec' as const, matrix: 'small' as const, sample: { modulus: 1, remainder: 0 }, tables: [], missingTime: 'drop' as const };
  const started = inflateWorkers.started;
  const fromZip = await loadData({ ...req, path: outer });
  assert.equal(inflateWorkers.started, started + 1);
  const fromFolder = await loadData({ ...req, path: join(dir, 'same-folder') });
  assert.equal(fromZip.events.length, fromFolder.events.length);
  for (const [name, values] of Object.entries(fromFolder.events.numeric)) assert.deepEqual(fromZip.events.numeric[name], values, name);
});

test('a damaged large member gives the in-process inflater\'s error through the worker: a CRC-32 mismatch, and corrupt deflate data', async () => {
  const { innerBytes } = await archivesWith(big, 'damaged');
  // the directory's CRC-32 of the matrix, patched
  const crcPatched = Buffer.from(innerBytes);
  const name = Buffer.from(MATRIX);
  for (let at = crcPatched.indexOf(name); at >= 0; at = crcPatched.indexOf(name, at + 1)) {
    if (at >= 46 && crcPatched.readUInt32LE(at - 46) === 0x02014b50) crcPatched[at - 46 + 16] ^= 1;
  }
  // 4 KiB in the middle of the deflate data overwritten with seeded noise until zlib rejects the stream:
  // noise that long runs into a block header, which it breaks; 16 bytes took about 190 tries (7 s of
  // inflating), since a short run mostly decodes to other valid symbols
  const zip = await yauzl.fromBufferPromise(innerBytes, { lazyEntries: true });
  let start = -1;
  let size = 0;
  for await (const entry of zip.eachEntry()) {
    if (entry.fileName === MATRIX) {
      start = (await zip.readLocalFileHeaderPromise(entry, { minimal: true })).fileDataStart;
      size = entry.compressedSize;
    }
  }
  zip.close();
  const rng = new Rng('inflate-worker-corrupt', 1);
  let corrupt: Buffer | null = null;
  for (let tries = 0; tries < 200 && !corrupt; tries++) {
    const copy = Buffer.from(innerBytes);
    const at = start + Math.floor(size / 2) + rng.nextInt(1000);
    for (let i = 0; i < 4096; i++) copy[at + i] = rng.nextInt(256);
    try {
      zlib.inflateRawSync(copy.subarray(start, start + size));
    } catch {
      corrupt = copy;
    }
  }
  assert.ok(corrupt, 'found a stream zlib rejects');
  for (const [tag, bytes, pattern] of [['crc', crcPatched, /damaged \(CRC-32 or size mismatch/], ['deflate', corrupt, /the compressed data is corrupt \(/]] as const) {
    const inner = join(dir, `${tag}-bad-KuaiRec.zip`);
    await fsp.writeFile(inner, bytes);
    const outer = join(dir, `${tag}-bad-18164998.zip`);
    await writeZip(outer, new Map([['KuaiRec.zip', bytes]]), false);
    for (const [file, byStream] of [[inner, false], [outer, false], [inner, true], [outer, true]] as const) {
      const inProcess = await errorOf(readAll(file, false));
      const started = inflateWorkers.started;
      const viaWorker = await errorOf(readAll(file, true, byStream));
      assert.equal(inflateWorkers.started, started + 1);
      assert.equal(inflateWorkers.running, 0);
      assert.equal(viaWorker.code, 'DATA_CORRUPT_DEFLATE', viaWorker.format());
      assert.equal(viaWorker.code, inProcess.code);
      assert.match(viaWorker.message, pattern, tag);
      assert.deepEqual(viaWorker.where, inProcess.where);
      assert.equal((viaWorker.where as { member: string }).member.endsWith(MATRIX), true);
      if (tag === 'deflate') assert.equal(viaWorker.message, inProcess.message);
    }
  }
});

test('no inflating thread is left running when the reader stops early or the member fails to parse', async () => {
  const { outer } = await archivesWith(big, 'early');
  const archive = await openArchive(outer);
  const started = inflateWorkers.started;
  for await (const chunk of archive.stream('small_matrix.csv', { transient: true })) {
    assert.ok(chunk.length > 0);
    break;
  }
  assert.equal(inflateWorkers.started, started + 1);
  assert.equal(inflateWorkers.running, 0);
  await archive.close();

  // a non-numeric cell half-way: loadData names it (after reading on to the CRC-32) and stops the worker
  const text = big.toString('latin1');
  const at = text.indexOf('\n', text.length >> 1) + 1;
  const bad = Buffer.from(text.slice(0, at) + 'x' + text.slice(at + 1), 'latin1');
  const { outer: badOuter } = await archivesWith(bad, 'bad-cell');
  const e = await errorOf(loadData({ source: 'kuairec', path: badOuter, matrix: 'small', sample: { modulus: 1, remainder: 0 }, tables: [], missingTime: 'drop' }));
  assert.equal(e.code, 'DATA_NOT_NUMERIC', e.format());
  assert.equal(inflateWorkers.running, 0);
});

test('the CSV parser keeps no view into a pushed chunk: a caller may overwrite it once push returns', () => {
  // one record longer than a chunk (kept across pushes), read through one buffer overwritten for every chunk
  const text = Buffer.from('a,note,b\n1,' + 'y'.repeat(5000) + ',2\n3,z,4\n' + '5,w,6\n'.repeat(100));
  const req = { member: 'm', columns: { a: 'number' as const, b: 'number' as const } };
  const whole = parseCsvBuffer(req, text);
  for (const size of [7, 1000, 4096]) {
    const reused = Buffer.alloc(size);
    const parser = new CsvParser(req);
    for (let off = 0; off < text.length; off += size) {
      const n = text.copy(reused, 0, off, Math.min(text.length, off + size));
      parser.push(reused.subarray(0, n));
      reused.fill(0x21);
    }
    const r = parser.end();
    assert.deepEqual(Array.from(r.table.numeric.a), Array.from(whole.table.numeric.a), `chunk ${size}`);
    assert.deepEqual(Array.from(r.table.numeric.b), Array.from(whole.table.numeric.b), `chunk ${size}`);
  }
});
