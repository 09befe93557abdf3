/**
 * The KuaiRec reader: loads the interaction matrix and side tables into typed column tables.
 * Stages: resolve the source (real archive, or the embedded demo archive) → open the archive in its
 * layout → stream each member through the CSV parser with the user sample applied while streaming →
 * apply the missing-time policy (counted) → sort events by (user_id, timestamp, file order).
 * See docs/CONTRACTS.md for the values handed on.
 */
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { CausewayError } from '../../errors.js';
import type { ColumnTable, ListColumn } from '../table.js';
import { CsvParser, type CsvColumnKind, type CsvRequest, type CsvResult } from '../csv.js';
import { EventRunsBuilder, SortedCheck, sortEvents, type LoadedData, type QualityRow } from '../loaded.js';
import { plainView } from '../resizable.js';
import { openArchive, type Archive } from './archive.js';
import { ensureDemoArchive, defaultCacheDir } from './demo.js';
import { averageByItem } from '../item-means.js';
import {
  AVERAGE_FALLBACKS, CAPTION_NUMERIC_COLUMNS, EVENT_COLUMNS, ITEM_CATEGORY_COLUMNS, ITEM_DAILY_NUMERIC_COLUMNS, ITEM_DAILY_TEXT_COLUMNS, ITEM_KEY, USER_TEXT_COLUMNS,
} from './columns.js';

export { archiveFingerprint, openArchive } from './archive.js';
export type { Archive, ArchiveLayout } from './archive.js';
export { ensureDemoArchive, defaultCacheDir } from './demo.js';

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

/** What the KuaiRec reader gives: the generic loaded data, plus the KuaiRec side tables as read. */
export interface KuaiRecLoaded extends LoadedData {
  itemCategories?: { videoId: Int32Array; feat: ListColumn };
  /** Added: kuairec_caption_category.csv (every column; text columns dictionary-coded). */
  captions?: ColumnTable;
  /** Added: social_network.csv, friend_list parsed like item_categories' feat. */
  socialNetwork?: { userId: Int32Array; friends: ListColumn };
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

const TIME_COLUMNS = ['time', 'date', 'timestamp'];

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
  // transient: the parser keeps no view into a chunk once push returns (CsvParser.push)
  const chunks = archive.stream(name, { transient: true })[Symbol.asyncIterator]();
  // CRC-32 and size of the bytes read: the member's part of the content fingerprint (same in every layout)
  // A zip member's stream checks its bytes against the directory's CRC-32 (archive.ts), so that one is
  // used; a folder's plain file has none, so its CRC-32 is computed here.
  const checked = archive.members.get(name)?.crc32;
  let crc = 0;
  let size = 0;
  try {
    for (;;) {
      const next = await chunks.next();
      if (next.done) break;
      counter.bytes += next.value.length;
      if (checked === undefined) crc = zlib.crc32(next.value, crc);
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
  counter.members?.set(name, `${name}:${(checked ?? crc) >>> 0}:${size}`);
  return parser.end();
}

/** The events' users (as runs of equal ids) and date range, fed in blocks in table order. */
class EventCoverage {
  firstDate = Infinity;
  lastDate = -Infinity;
  readonly runUsers: number[] = [];
  readonly runEvents: number[] = [];
  private lastUser = NaN;

  add(users: Float64Array, dates: Float64Array): void {
    let lastUser = this.lastUser;
    let firstDate = this.firstDate;
    let lastDate = this.lastDate;
    let runs = this.runUsers.length;
    let inRun = runs > 0 ? this.runEvents[runs - 1] : 0;
    for (let j = 0; j < users.length; j++) {
      const u = users[j];
      if (runs === 0 || u !== lastUser) {
        if (runs > 0) this.runEvents[runs - 1] = inRun;
        this.runUsers.push(u);
        this.runEvents.push(0);
        runs++;
        inRun = 0;
        lastUser = u;
      }
      inRun++;
      const d = dates[j];
      if (d < firstDate) firstDate = d;
      if (d > lastDate) lastDate = d;
    }
    if (runs > 0) this.runEvents[runs - 1] = inRun;
    this.lastUser = lastUser;
    this.firstDate = firstDate;
    this.lastDate = lastDate;
  }
}

/**
 * Rows [start, end) of the events' user, timestamp and date columns (`column(name)` holds those rows,
 * index 0 for row `start`), in blocks copied out of their resizable buffers (plainView, into scratch
 * blocks kept from call to call), fed to the order check and, while the rows are in order, the coverage
 * and the user-date runs the panel would otherwise find.
 */
class RowFeed {
  readonly order = new SortedCheck();
  coverage = new EventCoverage();
  readonly runs = new EventRunsBuilder();
  private readonly blocks = [new Float64Array(65_536), new Float64Array(65_536), new Float64Array(65_536)];

  feed(column: (name: string) => Float64Array | undefined, start: number, end: number): void {
    const user = column('user_id')!;
    const ts = column('timestamp')!;
    const date = column('date')!;
    const [userBlock, tsBlock, dateBlock] = this.blocks;
    for (let from = 0; from < end - start; from += userBlock.length) {
      const to = Math.min(end - start, from + userBlock.length);
      const users = plainView(user, from, to, userBlock);
      this.order.add(users, plainView(ts, from, to, tsBlock));
      // out of order, the runs would be counted after sorting: none are kept meanwhile
      if (this.order.sorted) {
        const dates = plainView(date, from, to, dateBlock);
        this.coverage.add(users, dates);
        this.runs.add(users, dates);
      }
    }
  }
}

/**
 * The events with their user_id and date columns, expanded from the runs they were read as (readMatrix),
 * in the places of the file's header; or without them (`drop`) when the rows came in order and the
 * caller named the event columns it reads (DataRequest.eventColumns, as `causeway run` does): the
 * user-date runs handed over with them (LoadedData.eventRuns) then hold both for every event, and the
 * reader never writes the 72 MB of a full-size matrix's two columns.
 */
function withRunColumns(events: ColumnTable, matrix: CsvResult, drop: boolean): ColumnTable {
  if (drop) return events;
  const numeric: Record<string, Float64Array> = {};
  for (const name of matrix.header) {
    const runs = matrix.runLength[name];
    if (runs) numeric[name] = runs.expand();
    else if (events.numeric[name]) numeric[name] = events.numeric[name];
  }
  for (const [name, column] of Object.entries(events.numeric)) numeric[name] ??= column;
  return { ...events, numeric };
}

/** Reads the interaction matrix, sampled while streaming; its rows are fed to `onRows` as they are kept. */
async function readMatrix(archive: Archive, req: DataRequest, counter: ReadCounter, onRows?: CsvRequest['onRows']): Promise<CsvResult> {
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
    onRows,
    // a user's rows and a user's day's rows come together: kept as runs (loadData expands them only where needed)
    runLengthColumns: ['user_id', 'date'],
  });
  return readMember(archive, member, parser, counter);
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
  : `kept empty: item.avg_${column} averages a video's non-empty days` + (AVERAGE_FALLBACKS[column] ? `, avg_${AVERAGE_FALLBACKS[column]} where it has none` : ' (missing where it has none)');

interface SideTables {
  itemCategories?: KuaiRecLoaded['itemCategories'];
  itemDaily?: ColumnTable;
  captions?: ColumnTable;
  socialNetwork?: KuaiRecLoaded['socialNetwork'];
}

/**
 * The items table the panel reads (item.<column>, keyed by video): from item_categories.csv, a video's
 * first category and how many it has; from item_daily_features.csv, each column with a stand-in
 * (columns.ts AVERAGE_FALLBACKS) averaged over the video's days, the stand-in's average where it has none.
 */
function kuairecItems(categories: KuaiRecLoaded['itemCategories'], daily: ColumnTable | undefined): ColumnTable | undefined {
  const ids: number[] = [];
  const position = new Map<number, number>();
  const codeOf = (id: number): number => {
    let k = position.get(id);
    if (k === undefined) {
      position.set(id, (k = ids.length));
      ids.push(id);
    }
    return k;
  };
  const numeric: Record<string, Float64Array> = {};
  const columns: Array<[string, (count: number) => Float64Array]> = [];
  if (categories) {
    const { videoId, feat } = categories;
    const rows = Array.from(videoId, codeOf);
    const column = (value: (from: number, to: number) => number) => (count: number) => {
      const out = new Float64Array(count).fill(NaN);
      for (let r = 0; r < rows.length; r++) out[rows[r]] = value(feat.offsets[r], feat.offsets[r + 1]);
      return out;
    };
    columns.push([ITEM_CATEGORY_COLUMNS[0], column((from, to) => (to > from ? feat.values[from] : NaN))]);
    columns.push([ITEM_CATEGORY_COLUMNS[1], column((from, to) => to - from)]);
  }
  const dailyKey = daily?.numeric[ITEM_KEY];
  const averaged = Object.entries(AVERAGE_FALLBACKS).filter(([c]) => daily?.numeric[c] !== undefined);
  if (daily && dailyKey && averaged.length > 0) {
    const rows = Int32Array.from(dailyKey, (id) => (id === id ? codeOf(id) : -1)); // the reader drops rows without a video
    for (const [c, standIn] of averaged) {
      columns.push([`avg_${c}`, (count) => {
        const mean = averageByItem(daily.numeric[c], rows, count);
        const other = daily.numeric[standIn];
        if (other) {
          const stand = averageByItem(other, rows, count);
          for (let k = 0; k < count; k++) if (mean[k] !== mean[k]) mean[k] = stand[k];
        }
        return mean;
      }]);
    }
  }
  if (columns.length === 0) return undefined;
  numeric[ITEM_KEY] = Float64Array.from(ids);
  for (const [name, make] of columns) numeric[name] = make(ids.length);
  return { length: ids.length, numeric, categorical: {} };
}

/**
 * What the panel reads of KuaiRec tables, beside them: the item key, the items table (kuairecItems:
 * categories and the exposure with its stand-in) and the members' names for messages. The reader applies it; so do tests and benches that make KuaiRec-shaped tables in memory.
 */
export function withKuaiRecLayout<T extends { itemCategories?: KuaiRecLoaded['itemCategories']; itemDaily?: ColumnTable }>(data: T): T & Pick<LoadedData, 'itemKey' | 'items' | 'tableNames'> {
  const items = kuairecItems(data.itemCategories, data.itemDaily);
  return Object.assign(data, {
    itemKey: ITEM_KEY,
    tableNames: { users: 'user_features.csv', items: 'item_categories.csv', itemDaily: 'item_daily_features.csv' },
    ...(items ? { items } : {}),
  });
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
      const kindOf = (name: string): CsvColumnKind => (ITEM_DAILY_TEXT_COLUMNS.includes(name) ? 'category' : ITEM_DAILY_NUMERIC_COLUMNS.includes(name) ? 'number' : 'auto');
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
      const kindOf = (name: string): CsvColumnKind => (CAPTION_NUMERIC_COLUMNS.includes(name) ? 'number' : 'category');
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

export async function loadData(req: DataRequest, opts: LoadOptions = {}): Promise<KuaiRecLoaded> {
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
  let sidePromise: Promise<{ tables: ReturnType<typeof withKuaiRecLayout<SideTables>>; quality: QualityRow[] }> | null = null;
  let matrixPromise: Promise<CsvResult> | null = null;
  try {
    // The matrix, the users and the side tables stream concurrently: inflating runs on other threads, so
    // the main thread can parse one member while another inflates, and the matrix's inflating thread
    // starts first. Their errors are awaited in the order they were read one after another before
    // (users, then the matrix), so the error a damaged archive reports does not depend on timing.
    const usersCols: Record<string, CsvColumnKind> = {};
    const userParser = new CsvParser({ member: 'user_features.csv', sizeHint: sizeOf(archive, 'user_features.csv'), columns: new Proxy(usersCols, {
      get: (_t, name: string) => (USER_TEXT_COLUMNS.includes(name) ? 'category' : 'number'),
    }) as Record<string, CsvColumnKind>, required: ['user_id'], idColumns: ['user_id'], uniqueKey: ['user_id'] });
    // The matrix's order and coverage are checked as its rows are kept, while later chunks inflate.
    const rows = new RowFeed();
    matrixPromise = readMatrix(archive, req, counter, (column, start, end) => rows.feed(column, start, end));
    matrixPromise.catch(() => {}); // awaited below (or in finally); an early users error must not leave it unhandled
    const usersPromise = readMember(archive, 'user_features.csv', userParser, counter);
    // (the items table made as soon as the side tables are in, usually while the matrix still reads)
    sidePromise = readSideTables(archive, req, counter).then((r) => ({ quality: r.quality, tables: withKuaiRecLayout(r.tables) }));
    sidePromise.catch(() => {}); // awaited below (or in finally); an early matrix error must not leave it unhandled
    const usersResult = await usersPromise;
    const users = usersResult.table;
    const matrix = await matrixPromise;
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
    // the user-date runs found while reading, when the rows came in order (else sorting moves them)
    const eventRuns = rows.order.sorted ? rows.runs.result() : undefined;
    events = withRunColumns(events, matrix, eventRuns !== undefined && req.eventColumns !== undefined);
    events = sortEvents(events, rows.order);

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

    // Coverage: as the rows were kept, or, when they came out of order, over the sorted table.
    let coverage = rows.coverage;
    if (!rows.order.sorted) {
      const sorted = new RowFeed();
      sorted.feed((name) => events.numeric[name], 0, events.length);
      coverage = sorted.coverage;
    }
    const distinctUsers = coverage.runUsers.length;
    const { firstDate, lastDate } = coverage;
    const userSet = new Set<number>(userIds);
    let unknownUsers = 0;
    let unknownUserEvents = 0;
    for (let k = 0; k < distinctUsers; k++) {
      // events are sorted by user: one look-up per user's run of events
      if (!userSet.has(coverage.runUsers[k])) {
        unknownUsers++;
        unknownUserEvents += coverage.runEvents[k];
      }
    }
    quality.push({ check: 'events_without_user_features', rows: unknownUserEvents, share: events.length ? unknownUserEvents / events.length : 0,
      action: `kept (${unknownUsers} users have no row in user_features.csv; their features are missing)` });
    quality.push(...emptyCellRows(usersResult, 'user_features', USER_EMPTY_ACTION));

    const out: KuaiRecLoaded = {
      events,
      users,
      quality,
      coverage: { users: distinctUsers, events: events.length, firstDate: Number.isFinite(firstDate) ? firstDate : NaN, lastDate: Number.isFinite(lastDate) ? lastDate : NaN, sampledUsers },
      fingerprint: archive.fingerprint,
      contentFingerprint: '',
      source: { path, layout: archive.layout, matrix: req.matrix, bytesRead: 0 },
    };

    if (eventRuns) out.eventRuns = eventRuns;
    Object.assign(out, await sidePromise!.then((r) => { quality.push(...r.quality); return r.tables; }));
    out.source.bytesRead = counter.bytes;
    out.contentFingerprint = contentFingerprintOf(counter.members!);
    log(`data: ${events.length} events of ${distinctUsers} users, ${(counter.bytes / 1e6).toFixed(1)} MB read`);
    return out;
  } finally {
    // never close the archive under a stream still reading it
    if (matrixPromise) await matrixPromise.catch(() => {});
    if (sidePromise) await sidePromise.catch(() => {});
    await archive.close();
  }
}
