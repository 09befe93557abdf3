/**
 * Content-addressed cell results.
 *
 * Where: `$CAUSEWAY_CACHE` when set, else `.cache/causeway/` under the current working directory (the
 * project root when causeway is run from it, as the data layer's demo archive cache is). Cell results
 * live in `<cache>/cells/<key[0..2]>/<key>.json`.
 *
 * Key: sha256 over (cell id, data identity, causeway version). The cell id already hashes the cell's
 * whole resolved analysis definition (spec/plan.ts); the data identity says which bytes it read:
 *  - an archive source with a path (src/data/source-types.ts ArchiveAccess): realpath + size + mtime of the archive, or of
 *    every file under an extracted folder (so replacing the archive invalidates; touching it does too);
 *  - the embedded synthetic demo: `synthetic-embedded` — the simulator ships inside causeway, so the
 *    causeway version pins its code, and its seed and size are part of the `data` section hashed into
 *    the cell id.
 * Entries are JSON `{format, key, cellId, version, checksum, payload}` where payload is the cell result's
 * stable JSON text and checksum its sha256: a corrupt or truncated entry fails to parse or to verify, is
 * reported through `log` and recomputed. Only `ok` cells are stored: failed cells are retried on the next
 * run. Writes are atomic (temp file + fsync + rename), so a kill at any moment leaves either the old state
 * or the whole entry.
 */
import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, promises as fsp, readlinkSync, realpathSync, readdirSync, statSync } from 'node:fs';
import { CausewayError } from '../errors.js';
import { dirname, isAbsolute, join, parse as parsePath, resolve } from 'node:path';
import type { CellResult } from '../results/index.js';
import type { Cell } from '../spec/plan.js';
import { CAUSEWAY_VERSION } from '../spec/version.js';
import { sourceNamed } from '../data/source.js';

const CACHE_FORMAT = 'causeway.cell-cache/1';

/** The cache folder: `$CAUSEWAY_CACHE`, else `<cwd>/.cache/causeway`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const fromEnv = env.CAUSEWAY_CACHE;
  if (fromEnv && fromEnv.trim() !== '') return resolve(cwd, fromEnv);
  return resolve(cwd, '.cache', 'causeway');
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * What data a cell reads, as a string that changes when those bytes may have changed. See the header.
 * `baseDir` is the spec's folder (data paths are relative to it).
 */
export function dataIdentity(data: { source: string; path?: string }, baseDir: string, maxEntries: number = MAX_DATA_FOLDER_ENTRIES): string {
  if (sourceNamed(data.source).archive === undefined) return fileSourceIdentity(data as FileSourceData, baseDir);
  if (!data.path) return data.source === 'synthetic' ? 'synthetic-embedded' : `${data.source}:no-path`;
  const absolute = isAbsolute(data.path) ? data.path : resolve(baseDir, data.path);
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    return `${data.source}:missing:${absolute}`; // the data reader reports it, located
  }
  const parts: string[] = [`${data.source}:${real}`];
  let entries = 0;
  // The walk neither follows symbolic links (a link is hashed by its target's text, so a loop cannot
  // trap it and a link out of the folder is not read) nor goes deeper than the archive's layouts need.
  const walk = (dir: string, rel: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      parts.push(`${rel}:unreadable`); // a folder the user may not read: hashed as such, not walked
      return;
    }
    for (const name of names) {
      if (++entries > maxEntries) throw tooBroad(absolute, `more than ${maxEntries} entries`);
      const full = join(dir, name);
      let st: ReturnType<typeof lstatSync>;
      try {
        st = lstatSync(full);
      } catch {
        continue; // gone since the listing
      }
      if (st.isSymbolicLink()) parts.push(`${rel}${name}->${readLink(full)}`);
      else if (st.isDirectory()) {
        // the reader looks no deeper (src/data/archive.ts openFolder), so neither does the identity
        if (depth < MAX_DATA_FOLDER_DEPTH) walk(full, rel + name + '/', depth + 1);
      } else parts.push(`${rel}${name}:${st.size}:${Math.trunc(st.mtimeMs)}`);
    }
  };
  const st = statSync(real);
  // The root can never be an archive folder; its size within the walk's depth depends on the machine
  // (a fresh container holds fewer than 10,000 entries there), so it is refused by name.
  if (st.isDirectory() && parsePath(real).root === real) throw tooBroad(absolute, 'the whole file system (it is the root)');
  if (st.isDirectory()) walk(real, '', 1);
  else parts.push(`:${st.size}:${Math.trunc(st.mtimeMs)}`);
  return sha256Hex(parts.join('\n'));
}

/**
 * Bounds of the walk over a data folder: the deepest archive layout is `<folder>/<extracted folder>/data/<member>`
 * (an archive source's layouts, src/data/source-types.ts), so folders below the third level are not walked; an archive has a handful
 * of members, so a folder with more than 10,000 entries is not one and is refused (docs/limits.md).
 */
const MAX_DATA_FOLDER_DEPTH = 3;
const MAX_DATA_FOLDER_ENTRIES = 10_000;

function readLink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '?'; // not ours to read
  }
}

function tooBroad(path: string, what: string): CausewayError {
  // the catalogue's help line (src/error-catalogue.ts) names the archive's files
  return new CausewayError('DATA_FOLDER_TOO_BROAD', `data.path is a folder holding ${what}; it should be the archive or its extracted folder`, { kind: 'path', path });
}

interface FileSourceData { source: string; path?: string | string[]; query?: string; truth?: string; tables?: Record<string, { path?: string | string[]; query?: string } | undefined> }

/**
 * The files a file source (src/data/source.ts) reads — its path(s), globs expanded in their last segment,
 * side tables and truth file — by real path, size, mtime and inode: a rename keeps a file's inode and
 * mtime, so two files of one size and mtime swapped between names change the identity through their inodes. A SQL query reads files causeway cannot
 * list, so a query source gets a fresh identity each run: its results are never served from the cache.
 */
function fileSourceIdentity(data: FileSourceData, baseDir: string): string {
  const patterns: string[] = [];
  const add = (p: string | string[] | undefined) => patterns.push(...(p === undefined ? [] : Array.isArray(p) ? p : [p]));
  if (data.query !== undefined || Object.values(data.tables ?? {}).some((t) => t?.query !== undefined)) return `${data.source}:query:${randomBytes(8).toString('hex')}`;
  add(data.path);
  add(data.truth);
  for (const t of Object.values(data.tables ?? {})) add(t?.path);
  const parts: string[] = [data.source];
  for (const pattern of patterns) {
    const absolute = isAbsolute(pattern) ? pattern : resolve(baseDir, pattern);
    let files = [absolute];
    if (/[*?[]/.test(pattern)) {
      const dir = dirname(absolute);
      if (/[*?[]/.test(dir)) return `${data.source}:glob:${randomBytes(8).toString('hex')}`; // globs above the last segment: not cached
      const name = new RegExp('^' + absolute.slice(dir.length + 1).replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
      try {
        files = readdirSync(dir).filter((f) => name.test(f)).sort().map((f) => join(dir, f));
      } catch {
        files = [];
      }
    }
    for (const file of files) {
      try {
        const st = statSync(file);
        parts.push(`${realpathSync(file)}:${st.size}:${Math.trunc(st.mtimeMs)}:${st.ino}`);
      } catch {
        parts.push(`missing:${file}`);
      }
    }
  }
  return sha256Hex(parts.join('\n'));
}

export function cacheKey(cellId: string, identity: string, version: string = CAUSEWAY_VERSION): string {
  return sha256Hex(`${cellId}\u241f${identity}\u241f${version}`);
}

/** Writes `text` to `file` atomically: a unique temp file in the same folder, fsync, rename. */
export async function atomicWrite(file: string, text: string): Promise<void> {
  await fsp.mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  const handle = await fsp.open(tmp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

type CacheRead =
  | { status: 'hit'; payload: string }
  | { status: 'miss' }
  | { status: 'corrupt'; problem: string };

export class ResultCache {
  readonly dir: string;
  private readonly identities = new Map<string, string>();

  constructor(
    cacheDir: string,
    private readonly baseDir: string,
    private readonly version: string = CAUSEWAY_VERSION,
  ) {
    this.dir = join(cacheDir, 'cells');
  }

  /** The cache key of a cell (data identity computed once per distinct data section). */
  keyOf(cell: Cell): string {
    const data = (cell.spec as { data: { source: string; path?: string } }).data;
    const memoKey = `${data.source}\u241f${JSON.stringify(data)}`;
    let identity = this.identities.get(memoKey);
    if (identity === undefined) {
      identity = dataIdentity(data, this.baseDir);
      this.identities.set(memoKey, identity);
    }
    return cacheKey(cell.id, identity, this.version);
  }

  fileOf(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** Reads and verifies an entry; the payload is the cell result's stable JSON text. */
  async read(key: string): Promise<CacheRead> {
    let text: string;
    try {
      text = await fsp.readFile(this.fileOf(key), 'utf8');
    } catch {
      return { status: 'miss' };
    }
    let entry: { format?: unknown; key?: unknown; checksum?: unknown; payload?: unknown };
    try {
      entry = JSON.parse(text) as typeof entry;
    } catch {
      return { status: 'corrupt', problem: 'not valid JSON (truncated?)' };
    }
    if (entry === null || typeof entry !== 'object') return { status: 'corrupt', problem: 'not an object' };
    if (entry.format !== CACHE_FORMAT) return { status: 'corrupt', problem: `unknown format ${String(entry.format)}` };
    if (entry.key !== key) return { status: 'corrupt', problem: 'key does not match its file name' };
    if (typeof entry.payload !== 'string' || typeof entry.checksum !== 'string') return { status: 'corrupt', problem: 'missing payload or checksum' };
    if (sha256Hex(entry.payload) !== entry.checksum) return { status: 'corrupt', problem: 'checksum mismatch' };
    return { status: 'hit', payload: entry.payload };
  }

  /** Stores a cell result given as its stable JSON text. */
  async write(key: string, cellId: string, payload: string): Promise<void> {
    const entry = { format: CACHE_FORMAT, key, cellId, version: this.version, checksum: sha256Hex(payload), payload };
    await atomicWrite(this.fileOf(key), JSON.stringify(entry) + '\n');
  }
}

/** Parses a cached/computed payload back into a CellResult. */
export function parseCellPayload(payload: string): CellResult {
  return JSON.parse(payload) as CellResult;
}
