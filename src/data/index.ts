/**
 * data/ → panel/: loads the KuaiRec interaction matrix and side tables into typed column tables.
 * Stages: resolve the source (real archive, or the embedded demo archive) → open the archive in its
 * layout → stream each member through the CSV parser with the user sample applied while streaming →
 * apply the missing-time policy (counted) → sort events by (user_id, timestamp, file order).
 * See docs/CONTRACTS.md for the values handed on.
 */
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { CausewayError } from '../errors.js';
import type { ColumnTable, ListColumn } from './table.js';
import { CsvParser, type CsvColumnKind, type CsvResult } from './csv.js';
import { openArchive, type Archive } from './archive.js';
import { ensureDemoArchive, defaultCacheDir } from './demo.js';

export { archiveFingerprint, openArchive } from './archive.js';
export type { Archive, ArchiveLayout } from './archive.js';
export { ensureDemoArchive, defaultCacheDir } from './demo.js';
export { synthesize } from './simulate.js';
export type { SynthOptions, SynthResult } from './simulate.js';

export type SideTable = 'user_features' | 'item_categories' | 'item_daily_features' | 'kuairec_caption_category' | 'social_network';
const SIDE_TABLES: readonly SideTable[] = ['user_features', 'item_categories', 'item_daily_features', 'kuairec_caption_category', 'social_network'];

export interface DataRequest {
  source: 'kuairec' | 'synthetic';
  path?: string;
  matrix: 'small' | 'big';
  sample: { modulus: number; remainder: number };
  tables: string[];
  itemDailyColumns?: string[];
  missingTime: 'drop' | 'keep';
  /** Matrix columns the panel reads (default: all); the rest are skipped unconverted (readMatrix). */
  eventColumns?: string[];
}

export interface QualityRow { check: string; rows: number; share: number; action: string }

export interface LoadedData {
  events: ColumnTable;
  users: ColumnTable;
  itemCategories?: { videoId: Int32Array; feat: ListColumn };
  itemDaily?: ColumnTable;
  /** Added: kuairec_caption_category.csv (every column; text columns dictionary-coded). */
  captions?: ColumnTable;
  /** Added: social_network.csv, friend_list parsed like item_categories' feat. */
  socialNetwork?: { userId: Int32Array; friends: ListColumn };
  quality: QualityRow[];
  coverage: { users: number; events: number; firstDate: number; lastDate: number; sampledUsers: number };
  fingerprint: string;
  /** Hash of the members' bytes as read: the same in every layout and at every path. */
  contentFingerprint: string;
  /** Added: where the data came from. */
  source: { path: string; layout: 'outer' | 'inner' | 'folder'; matrix: 'small' | 'big'; bytesRead: number };
}

/** Bytes read, and each member read as `name:crc32:size` (the layout-independent content fingerprint). */
interface ReadCounter { bytes: number; members?: Map<string, string> }

/**
 * A hash of the bytes of the members read (names, CRC-32s, sizes): the same for the outer zip, the
 * inner zip and an extracted folder, and at any path, unlike Archive.fingerprint (layout and location).
 */
function contentFingerprintOf(members: Map<string, string>): string {
  return createHash('sha256').update([...members.values()].sort().join('\n')).digest('hex').slice(0, 24);
}

export interface LoadOptions { cacheDir?: string; log?: (msg: string) => void }

/** The interaction matrix columns (all numeric in LoadedData.events). */
export const EVENT_COLUMNS = ['user_id', 'video_id', 'play_duration', 'video_duration', 'date', 'timestamp', 'watch_ratio'] as const;
const TIME_COLUMNS = ['time', 'date', 'timestamp'];

/** user_features.csv: the text columns; every other column is numeric. */
const USER_CATEGORICAL = ['user_active_degree', 'follow_user_num_range', 'fans_user_num_range', 'friend_user_num_range', 'register_days_range'];
/** item_daily_features.csv: known text columns (the rest are numbers; unknown columns are typed from their values). */
const ITEM_DAILY_TEXT = ['video_type', 'upload_dt', 'upload_type', 'visible_status', 'video_tag_name'];
const ITEM_DAILY_NUMERIC = [
  'video_id', 'date', 'author_id', 'video_duration', 'video_width', 'video_height', 'music_id', 'video_tag_id',
  'show_cnt', 'show_user_num', 'play_cnt', 'play_user_num', 'play_duration', 'complete_play_cnt', 'complete_play_user_num',
  'valid_play_cnt', 'valid_play_user_num', 'long_time_play_cnt', 'long_time_play_user_num', 'short_time_play_cnt',
  'short_time_play_user_num', 'play_progress', 'comment_stay_duration', 'like_cnt', 'like_user_num', 'click_like_cnt',
  'double_click_cnt', 'cancel_like_cnt', 'cancel_like_user_num', 'comment_cnt', 'comment_user_num', 'direct_comment_cnt',
  'reply_comment_cnt', 'delete_comment_cnt', 'delete_comment_user_num', 'comment_like_cnt', 'comment_like_user_num',
  'follow_cnt', 'follow_user_num', 'cancel_follow_cnt', 'cancel_follow_user_num', 'share_cnt', 'share_user_num',
  'download_cnt', 'download_user_num', 'report_cnt', 'report_user_num', 'reduce_similar_cnt', 'reduce_similar_user_num',
  'collect_cnt', 'collect_user_num', 'cancel_collect_cnt', 'cancel_collect_user_num',
];
const CAPTION_NUMERIC = ['video_id', 'first_level_category_id', 'second_level_category_id', 'third_level_category_id'];

function validateRequest(req: DataRequest): void {
  const { modulus, remainder } = req.sample;
  if (!Number.isInteger(modulus) || modulus < 1) {
    throw new CausewayError('DATA_BAD_SAMPLE', `sample modulus must be a positive integer (got ${modulus})`, { kind: 'none' });
  }
  if (!Number.isInteger(remainder) || remainder < 0 || remainder >= modulus) {
    throw new CausewayError('DATA_BAD_SAMPLE', `sample remainder must be an integer in [0, ${modulus - 1}] (got ${remainder})`, { kind: 'none' });
  }
  for (const t of req.tables) {
    if (!(SIDE_TABLES as readonly string[]).includes(t)) {
      throw new CausewayError('DATA_UNKNOWN_TABLE', `unknown side table "${t}" (known: ${SIDE_TABLES.join(', ')})`, { kind: 'none' });
    }
  }
}

/** Uncompressed size of a data member (for CsvRequest.sizeHint), or undefined. */
function sizeOf(archive: Archive, name: string): number | undefined {
  return archive.members.get(name)?.size;
}

/** Errors about a member's content, which garbage from a damaged stream would also cause. */
const CONTENT_ERRORS = new Set(['DATA_NOT_NUMERIC', 'DATA_BAD_CSV', 'DATA_SHORT_ROW', 'DATA_EXTRA_CELLS', 'DATA_BAD_ID', 'DATA_DUPLICATE_KEY', 'DATA_MISSING_COLUMN']);

async function readMember(archive: Archive, name: string, parser: CsvParser, counter: ReadCounter): Promise<CsvResult> {
  // stream() names a missing member (DATA_MISSING_MEMBER, listing those present) or a refused link
  const chunks = archive.stream(name)[Symbol.asyncIterator]();
  // CRC-32 and size of the bytes read: the member's part of the content fingerprint (same in every layout)
  let crc = 0;
  let size = 0;
  try {
    for (;;) {
      const next = await chunks.next();
      if (next.done) break;
      counter.bytes += next.value.length;
      crc = zlib.crc32(next.value, crc);
      size += next.value.length;
      parser.push(next.value);
    }
  } catch (e) {
    // A damaged deflate stream can inflate to garbage that fails to parse (a "non-numeric cell") before
    // the member's CRC-32, checked at its end (src/data/archive.ts), says the bytes are wrong. Read on to
    // the CRC before blaming the file's content; a folder's plain files have no CRC to read on to.
    if (e instanceof CausewayError && CONTENT_ERRORS.has(e.code) && archive.layout !== 'folder') {
      try {
        for (;;) if ((await chunks.next()).done) break;
      } catch (damaged) {
        if (damaged instanceof CausewayError && damaged.code === 'DATA_CORRUPT_DEFLATE') throw damaged;
      }
    }
    await chunks.return?.(undefined).catch(() => {});
    throw e;
  }
  counter.members?.set(name, `${name}:${crc >>> 0}:${size}`);
  return parser.end();
}

/** Reads the interaction matrix, sampled while streaming. */
async function readMatrix(archive: Archive, req: DataRequest, counter: ReadCounter): Promise<CsvResult> {
  const member = req.matrix === 'big' ? 'big_matrix.csv' : 'small_matrix.csv';
  const columns: Record<string, CsvColumnKind> = {};
  // ids, day and sort key are always read (the missing-id rule and the panel's index need them)
  const keep = req.eventColumns ? new Set(['user_id', 'video_id', 'date', 'timestamp', ...req.eventColumns]) : null;
  for (const c of EVENT_COLUMNS) if (!keep || keep.has(c)) columns[c] = 'number';
  const parser = new CsvParser({
    member,
    sizeHint: sizeOf(archive, member),
    columns,
    required: [...EVENT_COLUMNS],
    sample: req.sample.modulus > 1 ? { column: 'user_id', modulus: req.sample.modulus, remainder: req.sample.remainder } : undefined,
    emptyCheck: TIME_COLUMNS,
    dropEmpty: req.missingTime !== 'keep',
    dropIfEmpty: ['user_id', 'video_id'],
    idColumns: ['user_id', 'video_id'],
    nanTextColumns: EVENT_COLUMNS.filter((c) => !(c in columns)),
  });
  return readMember(archive, member, parser, counter);
}

/** Sorts event columns by (user_id, timestamp, file order) unless already sorted; NaN timestamps last within a user. */
export function sortEvents(events: ColumnTable): ColumnTable {
  const user = events.numeric.user_id;
  const ts = events.numeric.timestamp;
  const n = events.length;
  const before = (i: number, j: number): number => {
    if (user[i] !== user[j]) return user[i] - user[j];
    const a = ts[i];
    const b = ts[j];
    const an = Number.isNaN(a);
    const bn = Number.isNaN(b);
    if (an || bn) return an === bn ? i - j : an ? 1 : -1;
    return a !== b ? a - b : i - j;
  };
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if (before(i - 1, i) > 0) {
      sorted = false;
      break;
    }
  }
  if (sorted) return events;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort(before);
  const numeric: Record<string, Float64Array> = {};
  for (const [name, col] of Object.entries(events.numeric)) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = col[order[i]];
    numeric[name] = out;
  }
  const categorical: ColumnTable['categorical'] = {};
  for (const [name, col] of Object.entries(events.categorical)) {
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = col.codes[order[i]];
    categorical[name] = { codes, levels: col.levels };
  }
  return { length: n, numeric, categorical };
}

/**
 * One quality row per column with empty cells: the real user_features.csv (onehot_feat4, 12–17) and
 * item_daily_features.csv (video_duration, video_tag_name, collect_*) have some (docs/data.md).
 */
function emptyCellRows(result: CsvResult, table: string, action: (column: string, numeric: boolean) => string): QualityRow[] {
  const out: QualityRow[] = [];
  const { numeric, categorical, length } = result.table;
  for (const name of result.header) {
    let empty = 0;
    const values = numeric[name];
    const codes = categorical[name]?.codes;
    if (values) for (let i = 0; i < length; i++) empty += values[i] !== values[i] ? 1 : 0;
    else if (codes) for (let i = 0; i < length; i++) empty += codes[i] < 0 ? 1 : 0;
    if (empty > 0) out.push({ check: `missing_cells:${table}.${name}`, rows: empty, share: empty / Math.max(1, length), action: action(name, values !== undefined) });
  }
  return out;
}

const USER_EMPTY_ACTION = () => 'kept empty: as a covariate, numeric median-imputed, categorical level "missing"';
const ITEM_EMPTY_ACTION = (column: string, numeric: boolean) => !numeric ? 'kept empty'
  : `kept empty: item.avg_${column} averages a video's non-empty days` + (column === 'show_cnt' ? ', avg_play_cnt where it has none' : ' (missing where it has none)');

interface SideTables {
  itemCategories?: LoadedData['itemCategories'];
  itemDaily?: ColumnTable;
  captions?: ColumnTable;
  socialNetwork?: LoadedData['socialNetwork'];
}

async function readSideTables(archive: Archive, req: DataRequest, counter: ReadCounter): Promise<{ tables: SideTables; quality: QualityRow[] }> {
  const out: SideTables = {};
  const quality: QualityRow[] = [];
    if (req.tables.includes('item_categories')) {
      const r = await readMember(archive, 'item_categories.csv', new CsvParser({ member: 'item_categories.csv', sizeHint: sizeOf(archive, 'item_categories.csv'), columns: { video_id: 'number', feat: 'intlist' }, idColumns: ['video_id'], uniqueKey: ['video_id'] }), counter);
      const vid = r.table.numeric.video_id;
      out.itemCategories = { videoId: Int32Array.from(vid), feat: r.lists.feat };
    }
    if (req.tables.includes('item_daily_features')) {
      const wanted = req.itemDailyColumns;
      const columns: Record<string, CsvColumnKind> = {};
      const kindOf = (name: string): CsvColumnKind => (ITEM_DAILY_TEXT.includes(name) ? 'category' : ITEM_DAILY_NUMERIC.includes(name) ? 'number' : 'auto');
      let parserColumns: Record<string, CsvColumnKind>;
      if (wanted && wanted.length > 0) {
        for (const c of new Set(['video_id', 'date', ...wanted])) columns[c] = kindOf(c);
        parserColumns = columns;
      } else {
        parserColumns = new Proxy(columns, { get: (_t, name: string) => kindOf(name) }) as Record<string, CsvColumnKind>;
      }
      const r = await readMember(archive, 'item_daily_features.csv', new CsvParser({
        member: 'item_daily_features.csv', sizeHint: sizeOf(archive, 'item_daily_features.csv'), columns: parserColumns,
        required: wanted && wanted.length > 0 ? Object.keys(columns) : ['video_id', 'date'],
        dropIfEmpty: ['video_id'],
        idColumns: ['video_id'],
        uniqueKey: ['video_id', 'date'],
      }), counter);
      out.itemDaily = r.table;
      if (r.rowsNanText > 0) {
        quality.push({ check: 'item_daily_nan_text_cells', rows: r.rowsNanText, share: r.rowsNanText / Math.max(1, r.rowsRead), action: 'kept (cells spelled NaN in item_daily_features.csv read as missing values)' });
      }
      if (r.rowsDroppedMissingId > 0) {
        quality.push({ check: 'item_daily_missing_video_id', rows: r.rowsDroppedMissingId, share: r.rowsDroppedMissingId / Math.max(1, r.rowsRead), action: 'dropped' });
      }
      quality.push(...emptyCellRows(r, 'item_daily_features', ITEM_EMPTY_ACTION));
    }
    if (req.tables.includes('kuairec_caption_category')) {
      const kindOf = (name: string): CsvColumnKind => (CAPTION_NUMERIC.includes(name) ? 'number' : 'category');
      const r = await readMember(archive, 'kuairec_caption_category.csv', new CsvParser({
        member: 'kuairec_caption_category.csv', sizeHint: sizeOf(archive, 'kuairec_caption_category.csv'),
        columns: new Proxy({}, { get: (_t, name: string) => kindOf(name) }) as Record<string, CsvColumnKind>,
        required: ['video_id'],
        uniqueKey: ['video_id'],
      }), counter);
      out.captions = r.table;
    }
    if (req.tables.includes('social_network')) {
      const r = await readMember(archive, 'social_network.csv', new CsvParser({ member: 'social_network.csv', sizeHint: sizeOf(archive, 'social_network.csv'), columns: { user_id: 'number', friend_list: 'intlist' }, idColumns: ['user_id'], uniqueKey: ['user_id'] }), counter);
      out.socialNetwork = { userId: Int32Array.from(r.table.numeric.user_id), friends: r.lists.friend_list };
    }
  return { tables: out, quality };
}

export async function loadData(req: DataRequest, opts: LoadOptions = {}): Promise<LoadedData> {
  validateRequest(req);
  const log = opts.log ?? (() => {});
  let path = req.path;
  if (!path) {
    if (req.source !== 'synthetic') {
      throw new CausewayError('DATA_NO_PATH', 'data.path is required for source "kuairec"', { kind: 'none' }, 'point it at 18164998.zip, KuaiRec.zip or an extracted "KuaiRec 2.0" folder');
    }
    path = (await ensureDemoArchive(opts.cacheDir, log)).archive;
  }
  const archive = await openArchive(path, opts.cacheDir ?? defaultCacheDir());
  log(`data: reading ${archive.layout} archive ${path}`);
  const counter: ReadCounter = { bytes: 0, members: new Map() };
  let sidePromise: Promise<{ tables: SideTables; quality: QualityRow[] }> | null = null;
  try {
    // Users first: small, and the sample check can then name how many users it keeps.
    const usersCols: Record<string, CsvColumnKind> = {};
    const userParser = new CsvParser({ member: 'user_features.csv', sizeHint: sizeOf(archive, 'user_features.csv'), columns: new Proxy(usersCols, {
      get: (_t, name: string) => (USER_CATEGORICAL.includes(name) ? 'category' : 'number'),
    }) as Record<string, CsvColumnKind>, required: ['user_id'], idColumns: ['user_id'], uniqueKey: ['user_id'] });
    const usersResult = await readMember(archive, 'user_features.csv', userParser, counter);
    const users = usersResult.table;

    // Side tables stream concurrently with the matrix: inflating runs on the thread pool, so the main
    // thread can parse one member while another inflates.
    sidePromise = readSideTables(archive, req, counter);
    sidePromise.catch(() => {}); // awaited below (or in finally); an early matrix error must not leave it unhandled
    const matrix = await readMatrix(archive, req, counter);
    let events = matrix.table;
    const memberName = req.matrix === 'big' ? 'big_matrix.csv' : 'small_matrix.csv';
    const { modulus, remainder } = req.sample;
    const userIds = users.numeric.user_id ?? new Float64Array(0);
    let sampledUsers = 0;
    for (let i = 0; i < userIds.length; i++) if (((userIds[i] % modulus) + modulus) % modulus === remainder) sampledUsers++;
    if (events.length === 0) {
      throw new CausewayError('DATA_EMPTY_SAMPLE',
        `the sample user_id % ${modulus} == ${remainder} keeps no interactions (${matrix.rowsRead} rows read, ${sampledUsers} of ${userIds.length} users in user_features match)`,
        { kind: 'data', member: memberName }, 'choose another modulus or remainder');
    }
    events = sortEvents(events);

    const quality: QualityRow[] = [];
    const rowsInSample = matrix.rowsRead - matrix.rowsSampledOut;
    const share = (k: number) => (rowsInSample > 0 ? k / rowsInSample : 0);
    quality.push({ check: 'rows_read', rows: matrix.rowsRead, share: 1, action: `read from ${memberName}` });
    quality.push({ check: 'rows_outside_sample', rows: matrix.rowsSampledOut, share: matrix.rowsRead > 0 ? matrix.rowsSampledOut / matrix.rowsRead : 0, action: `excluded by the sample user_id % ${modulus} == ${remainder}` });
    quality.push({ check: 'missing_time', rows: matrix.rowsEmptyCheck, share: share(matrix.rowsEmptyCheck),
      action: req.missingTime === 'keep' ? 'kept (timestamp and date NaN)' : 'dropped (empty time, date or timestamp)' });
    quality.push({ check: 'missing_user_or_video_id', rows: matrix.rowsDroppedMissingId, share: share(matrix.rowsDroppedMissingId), action: 'dropped' });
    // Cells spelled NaN become missing values; counted so that the conversion is never silent.
    if (matrix.rowsNanText > 0) {
      quality.push({ check: 'nan_text_cells', rows: matrix.rowsNanText, share: share(matrix.rowsNanText), action: `kept (cells spelled NaN in ${memberName} read as missing values)` });
    }
    if (usersResult.rowsNanText > 0) {
      quality.push({ check: 'user_features_nan_text_cells', rows: usersResult.rowsNanText, share: usersResult.rowsNanText / Math.max(1, usersResult.rowsRead), action: 'kept (cells spelled NaN in user_features.csv read as missing values)' });
    }

    // Coverage.
    const uid = events.numeric.user_id;
    const date = events.numeric.date;
    let distinctUsers = 0;
    let firstDate = Infinity;
    let lastDate = -Infinity;
    for (let i = 0; i < events.length; i++) {
      if (i === 0 || uid[i] !== uid[i - 1]) distinctUsers++;
      const d = date[i];
      if (d < firstDate) firstDate = d;
      if (d > lastDate) lastDate = d;
    }
    const userSet = new Set<number>(userIds);
    let unknownUsers = 0;
    let unknownUserEvents = 0;
    let known = true;
    for (let i = 0; i < events.length; i++) {
      // events are sorted by user: one look-up per user's run of events
      if (i === 0 || uid[i] !== uid[i - 1]) {
        known = userSet.has(uid[i]);
        if (!known) unknownUsers++;
      }
      if (!known) unknownUserEvents++;
    }
    quality.push({ check: 'events_without_user_features', rows: unknownUserEvents, share: events.length ? unknownUserEvents / events.length : 0,
      action: `kept (${unknownUsers} users have no row in user_features.csv; their features are missing)` });
    quality.push(...emptyCellRows(usersResult, 'user_features', USER_EMPTY_ACTION));

    const out: LoadedData = {
      events,
      users,
      quality,
      coverage: { users: distinctUsers, events: events.length, firstDate: Number.isFinite(firstDate) ? firstDate : NaN, lastDate: Number.isFinite(lastDate) ? lastDate : NaN, sampledUsers },
      fingerprint: archive.fingerprint,
      contentFingerprint: '',
      source: { path, layout: archive.layout, matrix: req.matrix, bytesRead: 0 },
    };

    Object.assign(out, await sidePromise!.then((r) => { quality.push(...r.quality); return r.tables; }));
    out.source.bytesRead = counter.bytes;
    out.contentFingerprint = contentFingerprintOf(counter.members!);
    log(`data: ${events.length} events of ${distinctUsers} users, ${(counter.bytes / 1e6).toFixed(1)} MB read`);
    return out;
  } finally {
    // never close the archive under a side-table stream still reading it
    if (sidePromise) await sidePromise.catch(() => {});
    await archive.close();
  }
}
