/**
 * KuaiRec archive access in its three layouts, always streamed:
 *  - the outer `18164998.zip` whose member `KuaiRec.zip` is STORED: the inner zip is read in place
 *    through a byte-range reader over the outer file (no copy); if that member is deflated instead,
 *    it is streamed: one pass finds its central directory, and each member is read by inflating the
 *    outer member again up to it (bounded memory, nothing written to disk);
 *  - the bare inner `KuaiRec.zip`;
 *  - an extracted `KuaiRec 2.0/` folder (or its `data/` folder, or a folder holding `KuaiRec 2.0/`).
 * Members are addressed by their file name under `data/` (e.g. `small_matrix.csv`).
 * Deflated members are inflated with our own zlib stream (chunkSize: 1 MiB) over the raw bytes
 * (measured ≈450 MB/s), and the CRC-32 of every member is checked as it streams. A large deflated
 * member read with `transient` chunks is inflated on a worker thread instead (inflateInWorker).
 */
import { createReadStream, openSync, closeSync, read, readSync, promises as fsp, type Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, basename, isAbsolute, relative } from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import yauzl from 'yauzl';
import { INFLATE_CHUNK, checkingInflater } from './gzip-frame.js';
import { CausewayError } from '../../errors.js';
import { damagedMember, inflateError, inflateInWorker, inflateWorkerMinBytes, memberReadError } from './inflate-thread.js';

export type ArchiveLayout = 'outer' | 'inner' | 'folder';

interface MemberInfo {
  name: string;           // full name inside the archive / path in the folder
  size: number;           // uncompressed bytes
  /** CRC-32 from the zip directory, which stream() checks the bytes against (absent for a folder's files). */
  crc32?: number;
}

export interface Archive {
  layout: ArchiveLayout;
  path: string;
  /** Data members by base name (small_matrix.csv, …). */
  members: Map<string, MemberInfo>;
  fingerprint: string;
  /** Streams a member's uncompressed bytes. */
  stream(name: string, options?: StreamOptions): AsyncIterable<Buffer>;
  close(): Promise<void>;
}

export interface StreamOptions {
  /**
   * The reader keeps no chunk (nor any view into one) once it asks for the next: a large deflated zip
   * member may then be inflated on a worker thread into a pool of reused buffers (inflateInWorker).
   */
  transient?: boolean;
}

/** Reads [start, end) of an fd it does not own (fs.ReadStream closes its fd on destroy, even with autoClose: false). */
class FdRangeStream extends Readable {
  private pos: number;
  constructor(private readonly fd: number, start: number, private readonly end: number) {
    super({ highWaterMark: INFLATE_CHUNK });
    this.pos = start;
  }
  override _read(size: number): void {
    const len = Math.min(Math.max(size, 1 << 16), INFLATE_CHUNK, this.end - this.pos);
    if (len <= 0) {
      this.push(null);
      return;
    }
    const buf = Buffer.allocUnsafe(len);
    read(this.fd, buf, 0, len, this.pos, (err, n) => {
      if (err) this.destroy(err);
      else if (n === 0) this.destroy(new Error('unexpected end of file'));
      else {
        this.pos += n;
        this.push(n < len ? buf.subarray(0, n) : buf);
      }
    });
  }
}

/** A yauzl reader over a byte range [base, base+size) of an open file: the stored inner zip in place. */
class RangeReader extends yauzl.RandomAccessReader {
  constructor(private readonly fd: number, private readonly base: number) {
    super();
  }
  override _readStreamForRange(start: number, end: number): Readable {
    return new FdRangeStream(this.fd, this.base + start, this.base + end);
  }
  override close(callback: (err: Error | null) => void): void {
    callback(null);
  }
}

function zipError(e: unknown, path: string, head: Buffer | null): CausewayError {
  const msg = e instanceof Error ? e.message : String(e);
  const looksZip = head !== null && head.length >= 4 && head.readUInt32LE(0) === 0x04034b50;
  if (/end of central directory record signature not found/i.test(msg)) {
    if (looksZip) return new CausewayError('DATA_TRUNCATED_ZIP', 'the zip archive is truncated (its central directory is missing)', { kind: 'path', path }, 'download the archive again');
    return new CausewayError('DATA_NOT_ZIP', 'not a zip archive', { kind: 'path', path }, 'give the outer 18164998.zip, the inner KuaiRec.zip or an extracted "KuaiRec 2.0" folder');
  }
  return new CausewayError('DATA_CORRUPT_ZIP', `the zip archive is damaged: ${msg}`, { kind: 'path', path }, 'download the archive again');
}

async function readHead(path: string): Promise<Buffer> {
  const fh = await fsp.open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  const out: yauzl.Entry[] = [];
  for await (const entry of zip.eachEntry()) out.push(entry);
  return out;
}

/** Base name of a member under a `data/` folder, or null. */
function dataMemberName(fileName: string): string | null {
  const m = /(?:^|\/)data\/([^/]+)$/.exec(fileName);
  return m ? m[1] : null;
}

function fingerprintOf(parts: Array<string | number>): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 24);
}

/** Where a zip's bytes lie: its file, and the offset of the zip in it (a stored inner zip's in the outer). */
interface ZipPlace { path: string; base: number }

/**
 * Streams one zip entry's uncompressed bytes, inflating with our own inflater and checking CRC-32;
 * with transient chunks, a large deflated entry on a worker thread (inflateInWorker).
 */
async function* streamEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, where: string, place?: ZipPlace): AsyncGenerator<Buffer> {
  if (place && entry.compressionMethod === 8 && !entry.isEncrypted() && entry.uncompressedSize >= inflateWorkerMinBytes() && entry.compressedSize > 0) {
    let dataStart: number;
    try {
      // the local header's name and extra field lengths place the data (and yauzl checks it lies in the zip)
      dataStart = (await zip.readLocalFileHeaderPromise(entry, { minimal: true })).fileDataStart;
    } catch (e) {
      throw new CausewayError('DATA_CORRUPT_ZIP', `cannot read member: ${(e as Error).message}`, { kind: 'data', member: where });
    }
    yield* inflateInWorker({ path: place.path, start: place.base + dataStart, length: entry.compressedSize, crc32: entry.crc32 >>> 0, size: entry.uncompressedSize }, where);
    return;
  }
  let raw: Readable;
  try {
    raw = await zip.openReadStreamPromise(entry, entry.compressionMethod === 0 ? {} : { decompress: false });
  } catch (e) {
    throw new CausewayError('DATA_CORRUPT_ZIP', `cannot read member: ${(e as Error).message}`, { kind: 'data', member: where });
  }
  let source: AsyncIterable<Buffer> = raw;
  const deflated = entry.compressionMethod === 8;
  if (deflated) source = checkingInflater(raw, entry.crc32, entry.uncompressedSize);
  else if (entry.compressionMethod !== 0) {
    throw new CausewayError('DATA_UNSUPPORTED_ZIP', `compression method ${entry.compressionMethod} is not supported`, { kind: 'data', member: where });
  }
  let crc = 0;
  let total = 0;
  let complete = false;
  try {
    for await (const chunk of source) {
      if (!deflated) crc = zlib.crc32(chunk, crc); // a deflated member's is checked by its inflater
      total += chunk.length;
      yield chunk;
    }
    complete = true;
  } catch (e) {
    throw memberReadError(e, where, total, entry.uncompressedSize);
  } finally {
    // A reader that stops early (a byte range of the inner zip) drains the rest of the raw stream
    // instead of destroying it: yauzl's fd reader crashes when a destroyed stream's pending read
    // completes after the zip is closed.
    if (!complete && raw !== source) {
      raw.unpipe();
      raw.on('error', () => {});
      raw.resume();
    }
  }
  if (total !== entry.uncompressedSize || (!deflated && (crc >>> 0) !== (entry.crc32 >>> 0))) throw damagedMember(where, total, entry.uncompressedSize);
}

async function openZipFile(path: string): Promise<yauzl.ZipFile> {
  let head: Buffer | null = null;
  try {
    head = await readHead(path);
    return await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  } catch (e) {
    throw zipError(e, path, head);
  }
}

/** Fingerprint parts of a zip listing: size, then every member's name, CRC-32 and size. For the outer
 * archive the listing pins the inner KuaiRec.zip through its CRC, so stored and deflated agree. */
function listingParts(size: number, entries: yauzl.Entry[]): Array<string | number> {
  return [size, ...entries.flatMap((e) => [e.fileName, e.crc32, e.uncompressedSize])];
}

async function zipArchive(layout: ArchiveLayout, path: string, zip: yauzl.ZipFile, base: number, entries: yauzl.Entry[], fingerprintParts: Array<string | number>, cleanup: () => Promise<void>): Promise<Archive> {
  const members = new Map<string, MemberInfo>();
  const byName = new Map<string, yauzl.Entry>();
  for (const e of entries) {
    const base = dataMemberName(e.fileName);
    if (base && !byName.has(base)) {
      byName.set(base, e);
      members.set(base, { name: e.fileName, size: e.uncompressedSize, crc32: e.crc32 >>> 0 });
    }
  }
  const innerPrefix = layout === 'outer' ? 'KuaiRec.zip/' : '';
  return {
    layout,
    path,
    members,
    fingerprint: fingerprintOf(fingerprintParts),
    stream(name: string, options?: StreamOptions) {
      const entry = byName.get(name);
      if (!entry) throw missingMember(name, path, members);
      return streamEntry(zip, entry, innerPrefix + entry.fileName, options?.transient ? { path, base } : undefined);
    },
    async close() {
      zip.close();
      await cleanup();
    },
  };
}

function missingMember(name: string, path: string, members: Map<string, MemberInfo>): CausewayError {
  const have = [...members.keys()].sort().join(', ') || 'none';
  return new CausewayError('DATA_MISSING_MEMBER', `member "KuaiRec 2.0/data/${name}" is not in the archive (data members: ${have})`, { kind: 'path', path });
}

export { missingMember };

/** Opens the archive at `path` in whichever layout it has. (`spoolDir` is unused since a deflated inner zip is streamed.) */
export async function openArchive(path: string, spoolDir?: string): Promise<Archive> {
  let st: Stats;
  try {
    st = await fsp.stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new CausewayError('DATA_SYMLINK_LOOP', 'the data path is a loop of symbolic links', { kind: 'path', path });
    }
    throw new CausewayError('DATA_MISSING_ARCHIVE', 'the archive does not exist', { kind: 'path', path },
      'set data.path to the outer 18164998.zip, the inner KuaiRec.zip or an extracted "KuaiRec 2.0" folder');
  }
  if (st.isDirectory()) return openFolder(path);
  const zip = await openZipFile(path);
  let entries: yauzl.Entry[];
  try {
    entries = await listEntries(zip);
  } catch (e) {
    zip.close();
    throw zipError(e, path, await readHead(path));
  }
  const innerEntry = entries.find((e) => basename(e.fileName) === 'KuaiRec.zip');
  if (!innerEntry) return zipArchive('inner', path, zip, 0, entries, listingParts(st.size, entries), async () => {});
  // Outer archive.
  const outerParts = listingParts(st.size, entries);
  if (innerEntry.compressionMethod === 0) {
    let dataStart: number;
    try {
      dataStart = (await zip.readLocalFileHeaderPromise(innerEntry, { minimal: true })).fileDataStart;
    } catch (e) {
      zip.close();
      throw zipError(e, path, null);
    }
    const fd = openSync(path, 'r');
    const reader = new RangeReader(fd, dataStart);
    let inner: yauzl.ZipFile;
    let innerEntries: yauzl.Entry[];
    try {
      inner = await yauzl.fromRandomAccessReaderPromise(reader, innerEntry.uncompressedSize, { lazyEntries: true, autoClose: false });
      innerEntries = await listEntries(inner);
    } catch (e) {
      // what the member starts with decides between "truncated zip" and "not a zip at all"
      const head = Buffer.alloc(4);
      let headBytes = 0;
      try {
        headBytes = readSync(fd, head, 0, Math.min(4, innerEntry.uncompressedSize), dataStart);
      } catch {
        headBytes = 0;
      }
      zip.close();
      closeSync(fd);
      const ce = zipError(e, path, head.subarray(0, headBytes));
      const message = ce.code === 'DATA_NOT_ZIP' ? 'the member KuaiRec.zip is not a zip archive' : ce.message.replace('the zip archive', 'the inner KuaiRec.zip');
      throw new CausewayError(ce.code, message, ce.where, ce.hint);
    }
    return zipArchive('outer', path, inner, dataStart, innerEntries, outerParts, async () => {
      zip.close();
      closeSync(fd);
    });
  }
  // Deflated inner zip: no random access, so it is streamed. One pass reads its central directory
  // (at its end); each member is then read by inflating the outer member again from its start,
  // skipping to the member's local header (sizes come from the central directory, so entries
  // written with data descriptors are fine). Memory stays bounded and nothing is written to disk;
  // the price is one extra inflate of the outer member per member read.
  try {
    return await streamedInner(path, zip, innerEntry, outerParts);
  } catch (e) {
    zip.close();
    throw e;
  }
}

interface InnerEntry { name: string; method: number; crc32: number; compressedSize: number; uncompressedSize: number; localOffset: number }

/** Bytes [start, start+length) of an async byte stream. */
async function* byteRange(source: AsyncIterable<Buffer>, start: number, length: number): AsyncGenerator<Buffer> {
  let offset = 0;
  const end = start + length;
  for await (const chunk of source) {
    const chunkEnd = offset + chunk.length;
    if (chunkEnd > start && offset < end) yield chunk.subarray(Math.max(0, start - offset), Math.min(chunk.length, end - offset));
    offset = chunkEnd;
    if (offset >= end) return;
  }
  if (offset < end) throw new Error('unexpected end of the inner zip');
}

async function streamedInner(path: string, zip: yauzl.ZipFile, innerEntry: yauzl.Entry, outerParts: Array<string | number>): Promise<Archive> {
  const innerName = 'KuaiRec.zip';
  const innerBytes = () => streamEntry(zip, innerEntry, innerName);
  const bad = (msg: string) => new CausewayError('DATA_CORRUPT_ZIP', `the inner KuaiRec.zip is damaged: ${msg}`, { kind: 'path', path }, 'download the archive again');
  // Pass 1: keep the tail, find the end-of-central-directory record and the central directory.
  const TAIL = 4 << 20;
  const recent: Buffer[] = [];
  let recentBytes = 0;
  let total = 0;
  let head: Buffer | null = null;
  for await (const chunk of innerBytes()) {
    if (head === null || head.length < 4) head = Buffer.concat([head ?? Buffer.alloc(0), chunk.subarray(0, 4)]).subarray(0, 4);
    total += chunk.length;
    recent.push(chunk);
    recentBytes += chunk.length;
    while (recent.length > 1 && recentBytes - recent[0].length >= TAIL) recentBytes -= recent.shift()!.length;
  }
  const tail = Buffer.concat(recent);
  const tailStart = total - tail.length;
  let eocd = -1;
  for (let i = tail.length - 22; i >= Math.max(0, tail.length - 22 - 65535); i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) {
    // the member's first bytes, not the kept tail, tell a cut-short zip from something else entirely
    const looksZip = head !== null && head.length >= 4 && head.readUInt32LE(0) === 0x04034b50;
    throw looksZip
      ? new CausewayError('DATA_TRUNCATED_ZIP', 'the inner KuaiRec.zip is truncated (its central directory is missing)', { kind: 'path', path }, 'download the archive again')
      : new CausewayError('DATA_NOT_ZIP', 'the member KuaiRec.zip is not a zip archive', { kind: 'path', path });
  }
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdOffset === 0xffffffff || count === 0xffff) throw bad('zip64 inner archives are not supported when KuaiRec.zip is deflated');
  if (cdOffset < tailStart || cdOffset + cdSize > total) throw bad('central directory out of range');
  const entries: InnerEntry[] = [];
  let p = cdOffset - tailStart;
  for (let i = 0; i < count; i++) {
    if (p + 46 > tail.length || tail.readUInt32LE(p) !== 0x02014b50) throw bad('bad central directory entry');
    const nameLen = tail.readUInt16LE(p + 28);
    const extraLen = tail.readUInt16LE(p + 30);
    const commentLen = tail.readUInt16LE(p + 32);
    entries.push({
      name: tail.toString('utf8', p + 46, p + 46 + nameLen),
      method: tail.readUInt16LE(p + 10),
      crc32: tail.readUInt32LE(p + 16),
      compressedSize: tail.readUInt32LE(p + 20),
      uncompressedSize: tail.readUInt32LE(p + 24),
      localOffset: tail.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  const members = new Map<string, MemberInfo>();
  const byName = new Map<string, InnerEntry>();
  for (const e of entries) {
    const base = dataMemberName(e.name);
    if (base && !byName.has(base)) {
      byName.set(base, e);
      members.set(base, { name: e.name, size: e.uncompressedSize, crc32: e.crc32 >>> 0 });
    }
  }
  async function* member(e: InnerEntry): AsyncGenerator<Buffer> {
    const where = `${innerName}/${e.name}`;
    // Local header: 30 bytes, then name and extra field (their lengths may differ from the central directory's).
    let header: Buffer | null = null;
    for await (const part of byteRange(innerBytes(), e.localOffset, 30)) header = header ? Buffer.concat([header, part]) : Buffer.from(part);
    if (!header || header.length < 30 || header.readUInt32LE(0) !== 0x04034b50) throw bad(`no local header for ${e.name}`);
    const dataStart = e.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const raw = Readable.from(byteRange(innerBytes(), dataStart, e.compressedSize));
    let source: AsyncIterable<Buffer> = raw;
    const deflated = e.method === 8;
    if (deflated) source = checkingInflater(raw, e.crc32, e.uncompressedSize);
    else if (e.method !== 0) {
      throw new CausewayError('DATA_UNSUPPORTED_ZIP', `compression method ${e.method} is not supported`, { kind: 'data', member: where });
    }
    let crc = 0;
    let size = 0;
    try {
      for await (const chunk of source) {
        if (!deflated) crc = zlib.crc32(chunk, crc); // a deflated member's is checked by its inflater
        size += chunk.length;
        yield chunk;
      }
    } catch (err) {
      if (err instanceof CausewayError) throw err;
      throw inflateError(err as Error, where, size, e.uncompressedSize);
    }
    if (size !== e.uncompressedSize || (!deflated && (crc >>> 0) !== (e.crc32 >>> 0))) throw damagedMember(where, size, e.uncompressedSize);
  }
  return {
    layout: 'outer',
    path,
    members,
    fingerprint: fingerprintOf(outerParts),
    stream(name: string) {
      const e = byName.get(name);
      if (!e) throw missingMember(name, path, members);
      return member(e);
    },
    async close() {
      zip.close();
    },
  };
}

async function openFolder(path: string): Promise<Archive> {
  // Accept the "KuaiRec 2.0" folder, its data/ folder, or a folder that holds "KuaiRec 2.0".
  const candidates = [join(path, 'data'), path, join(path, 'KuaiRec 2.0', 'data')];
  let dataDir: string | null = null;
  for (const c of candidates) {
    try {
      const names = await fsp.readdir(c);
      if (names.some((n) => n.endsWith('.csv'))) {
        dataDir = c;
        break;
      }
    } catch {
      /* try the next */
    }
  }
  if (!dataDir) {
    throw new CausewayError('DATA_MISSING_MEMBER', 'the folder holds no KuaiRec data (expected "KuaiRec 2.0/data/*.csv")', { kind: 'path', path });
  }
  const members = new Map<string, MemberInfo>();
  const parts: Array<string | number> = ['folder'];
  // Symbolic links are followed only to files inside the folder given as data.path: a link out of it
  // (or a loop) is named when the member is read, and never opened.
  const root = await fsp.realpath(path);
  const refused = new Map<string, string>();
  for (const name of (await fsp.readdir(dataDir)).sort()) {
    const full = join(dataDir, name);
    let s = await fsp.lstat(full);
    if (s.isSymbolicLink()) {
      const target = await fsp.realpath(full).catch((e: NodeJS.ErrnoException) => (e.code === 'ELOOP' ? 'loop' : 'broken'));
      if (target === 'loop' || target === 'broken') {
        refused.set(name, target === 'loop' ? 'a loop of symbolic links' : 'a symbolic link to nothing');
        continue;
      }
      const back = relative(root, target);
      if (back === '' || back.startsWith('..') || isAbsolute(back)) {
        refused.set(name, 'a symbolic link to a file outside the data folder');
        continue;
      }
      s = await fsp.stat(target);
    }
    if (!s.isFile()) continue;
    members.set(name, { name: full, size: s.size });
    parts.push(name, s.size, Math.floor(s.mtimeMs));
  }
  return {
    layout: 'folder',
    path,
    members,
    fingerprint: fingerprintOf(parts),
    stream(name: string) {
      const m = members.get(name);
      const why = refused.get(name);
      if (why) throw new CausewayError('DATA_MEMBER_LINK', `member ${name} is ${why}; causeway reads only files inside the data folder`, { kind: 'path', path: join(dataDir!, name) }, 'copy the file into the folder');
      if (!m) throw missingMember(name, path, members);
      return createReadStream(m.name, { highWaterMark: INFLATE_CHUNK }) as AsyncIterable<Buffer>;
    },
    async close() {},
  };
}

/** Stable hash of the archive: size, member names and CRC-32s (folders: names, sizes, mtimes). */
export async function archiveFingerprint(path: string): Promise<string> {
  const st = await fsp.stat(path).catch(() => null);
  if (!st) throw new CausewayError('DATA_MISSING_ARCHIVE', 'the archive does not exist', { kind: 'path', path });
  if (st.isDirectory()) return (await openFolder(path)).fingerprint;
  const zip = await openZipFile(path);
  try {
    return fingerprintOf(listingParts(st.size, await listEntries(zip)));
  } catch (e) {
    throw zipError(e, path, await readHead(path));
  } finally {
    zip.close();
  }
}
