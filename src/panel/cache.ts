/**
 * Panel cache: one Arrow IPC file per panel under `<cacheDir>/panels/<key>.arrow`, the key a
 * SHA-256 of everything that determines the panel — the archive fingerprint, the row selection
 * (matrix, sample, missing-time policy), the event/day/history definitions and user features, the
 * causeway version and this file's format version. Files are written atomically (temp + rename).
 * Each file ends with a trailer (`CHECKSUM_MAGIC` + SHA-256 of the Arrow bytes before it): Arrow IPC
 * carries no checksum of its own, and a flipped byte inside a column decodes to a silently different
 * panel. A file whose trailer is absent or does not match, or that does not decode, is reported as a
 * warning, removed and rebuilt. With a PanelSource, a hit never calls `load`, so the archive is not
 * read at all.
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RecordBatchFileWriter, Schema, Table, makeVector, tableFromIPC, type Vector } from 'apache-arrow';
import type { CategoricalColumn } from '../data/table.js';
import { CAUSEWAY_VERSION } from '../spec/version.js';
import { buildPanel } from './build.js';
import type { PanelDefinition } from './definition.js';
import type { BuildOptions } from './build.js';
import type { LoadedData, Panel } from './types.js';

const FORMAT = 'causeway.panel/2';
/** Marks the checksum trailer: 8 bytes of magic, then 32 bytes of SHA-256 over the Arrow bytes. */
const CHECKSUM_MAGIC = Buffer.from('CWPANSUM', 'latin1');
const TRAILER_BYTES = CHECKSUM_MAGIC.length + 32;
const METADATA_KEY = 'causeway.panel';

/** Where the data comes from, without reading it: a hit needs only the fingerprint. */
export interface PanelSource {
  fingerprint: string;
  /** Whatever selects rows besides the archive (matrix, sample, missingTime, source); hashed into the key. */
  selection: unknown;
  load: () => Promise<LoadedData>;
}

export interface PanelCacheOptions {
  cacheDir: string;
  log?: (message: string) => void;
  /** Row selection when `source` is LoadedData (a PanelSource carries its own). */
  selection?: unknown;
  /** Options for buildPanel on a miss (e.g. releaseEventColumns when nothing else reads the data). */
  build?: Omit<BuildOptions, 'log'>;
}

interface CacheInfo {
  key: string;
  hit: boolean;
  file: string;
}

/** JSON with object keys sorted, so equal definitions hash equally whatever their key order. */
function canonical(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** The cache key: origins (file positions) are left out, they do not change the panel. */
export function panelCacheKey(fingerprint: string, selection: unknown, def: PanelDefinition): string {
  const definition = {
    events: def.events.map((d) => ({ name: d.name, expr: d.expr })),
    days: def.days.map((d) => ({ name: d.name, expr: d.expr })),
    history: def.history.map((h) => ({ kind: h.kind, days: h.days ?? null, of: h.of, incomplete: h.incomplete ?? 'missing' })),
    userFeatures: def.userFeatures ?? 'all',
  };
  const material = canonical({ format: FORMAT, causeway: CAUSEWAY_VERSION, fingerprint, selection: selection ?? null, definition });
  return createHash('sha256').update(material).digest('hex').slice(0, 32);
}

function isLoadedData(source: LoadedData | PanelSource): source is LoadedData {
  return (source as LoadedData).events !== undefined;
}

export async function buildPanelCached(
  source: LoadedData | PanelSource,
  def: PanelDefinition,
  options: PanelCacheOptions,
): Promise<Panel & { cache: CacheInfo }> {
  const log = options.log ?? (() => {});
  const selection = isLoadedData(source) ? options.selection ?? null : source.selection;
  const key = panelCacheKey(source.fingerprint, selection, def);
  const dir = join(options.cacheDir, 'panels');
  const file = join(dir, `${key}.arrow`);

  let bytes: Buffer | undefined;
  try {
    bytes = readFileSync(file);
  } catch {
    bytes = undefined;
  }
  if (bytes) {
    try {
      const panel = decodePanel(verifiedArrowBytes(bytes), key);
      log(`panel cache hit: ${file} (${panel.length} rows)`);
      return Object.assign(panel, { cache: { key, hit: true, file } });
    } catch (e) {
      log(`warning: panel cache file ${file} is unreadable (${(e as Error).message}); rebuilding`);
      rmSync(file, { force: true });
    }
  }
  const data = isLoadedData(source) ? source : await source.load();
  const panel = buildPanel(data, def, { ...options.build, log });
  mkdirSync(dir, { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeWithChecksum(temp, encodePanel(panel, key));
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
  log(`panel cache written: ${file}`);
  return Object.assign(panel, { cache: { key, hit: false, file } });
}

/**
 * Writes the Arrow file's chunks as the writer makes them (views of the panel's columns), then the
 * checksum trailer, to `file`: the panel's bytes are never joined into one buffer (a full-size panel's
 * are about 50 MB), and the file is the same as tableToIPC's bytes followed by the trailer.
 */
async function writeWithChecksum(file: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  const hash = createHash('sha256');
  const fd = openSync(file, 'w');
  const write = (part: Uint8Array) => {
    for (let off = 0; off < part.length;) off += writeSync(fd, part, off, part.length - off);
  };
  try {
    for await (const chunk of chunks) {
      hash.update(chunk);
      write(chunk);
    }
    write(CHECKSUM_MAGIC);
    write(hash.digest());
  } finally {
    closeSync(fd);
  }
}

/** The Arrow bytes of a cache file whose trailer matches; throws saying what is wrong otherwise. */
function verifiedArrowBytes(bytes: Uint8Array): Uint8Array {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const body = buf.length - TRAILER_BYTES;
  if (body <= 0 || !buf.subarray(body, body + CHECKSUM_MAGIC.length).equals(CHECKSUM_MAGIC)) throw new Error('no checksum trailer (truncated or not written by this causeway)');
  const expected = buf.subarray(body + CHECKSUM_MAGIC.length);
  const arrow = buf.subarray(0, body);
  if (!createHash('sha256').update(arrow).digest().equals(expected)) throw new Error('checksum mismatch');
  return arrow;
}

interface PanelMetadata {
  format: string;
  key: string;
  length: number;
  dates: number[];
  numeric: string[];
  categorical: Array<{ name: string; levels: string[] }>;
}

/**
 * Columns: `@user_id` and `@day_index` (Int32), numeric columns as Float64, categorical codes as Int32.
 * The Arrow IPC file comes chunk by chunk (what tableToIPC(table, 'file') would join).
 */
function encodePanel(panel: Panel, key: string): AsyncIterable<Uint8Array> {
  const vectors: Record<string, Vector> = {
    '@user_id': makeVector(panel.userId),
    '@day_index': makeVector(panel.dayIndex),
  };
  const numeric = Object.keys(panel.table.numeric);
  for (const name of numeric) vectors[`n:${name}`] = makeVector(panel.table.numeric[name]);
  const categorical: PanelMetadata['categorical'] = [];
  for (const [name, column] of Object.entries(panel.table.categorical)) {
    vectors[`c:${name}`] = makeVector(column.codes);
    categorical.push({ name, levels: column.levels });
  }
  const metadata: PanelMetadata = { format: FORMAT, key, length: panel.length, dates: panel.dates, numeric, categorical };
  const plain = new Table(vectors);
  const table = new Table(new Schema(plain.schema.fields, new Map([[METADATA_KEY, JSON.stringify(metadata)]])), plain.batches);
  return RecordBatchFileWriter.writeAll(table);
}

function decodePanel(bytes: Uint8Array, expectedKey: string): Panel {
  const table = tableFromIPC(bytes);
  const raw = table.schema.metadata.get(METADATA_KEY);
  if (!raw) throw new Error('no panel metadata');
  const meta = JSON.parse(raw) as PanelMetadata;
  if (meta.format !== FORMAT || meta.key !== expectedKey) throw new Error('format or key mismatch');
  if (table.numRows !== meta.length) throw new Error(`expected ${meta.length} rows, found ${table.numRows}`);
  const column = <T>(name: string, kind: new (n: number) => T): T => {
    const child = table.getChild(name);
    if (!child) throw new Error(`missing column ${name}`);
    const values = child.toArray() as unknown;
    if (!(values instanceof (kind as unknown as typeof Float64Array | typeof Int32Array))) throw new Error(`column ${name} has the wrong type`);
    return values as T;
  };
  const numeric: Record<string, Float64Array> = {};
  for (const name of meta.numeric) numeric[name] = column(`n:${name}`, Float64Array);
  const categorical: Record<string, CategoricalColumn> = {};
  for (const { name, levels } of meta.categorical) categorical[name] = { codes: column(`c:${name}`, Int32Array), levels };
  return {
    length: meta.length,
    userId: column('@user_id', Int32Array),
    dayIndex: column('@day_index', Int32Array),
    dates: meta.dates,
    table: { length: meta.length, numeric, categorical },
  };
}
