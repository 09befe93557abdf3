/**
 * `source: events` — one row per interaction in files of the analyst's own (docs/data.md). The roles
 * (`columns: {user, item, time, date}`) are mapped onto the panel's event columns: `user_id` (the
 * user key; integer keys kept, text keys numbered in sorted order), `video_id` (the item key's code,
 * internal to the panel's item joins), `timestamp` (unix seconds) and `date` (YYYYMMDD local day, from
 * `time` in an IANA `timezone` shifted by `day_starts_at` hours, or from a ready `date` column). Every
 * other column keeps its name and file type. Side tables `users`, `items`, `item_days` become the
 * panel's user features, item.<column> and item.avg_<column>.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { CausewayError, CausewayErrors, type ErrorLocation, type ErrorCode } from '../../errors.js';
import type { ValueType } from '../table.js';
import type { DataSchema } from '../schema.js';
import type { ColumnTable } from '../table.js';
import type { LoadedData, QualityRow } from '../loaded.js';
import { sortEvents } from '../loaded.js';
import {
  connect, describeInput, filesFingerprint, locateRow, resolveInput, sqlName, sqlString, streamChunks, streamRows,
  type ColumnInfo, type FileFormat, type ResolvedInput,
} from './engine.js';
import { keyHash, TableBuilder, TextCodes } from './columns.js';
import { GrowableFloat64 } from '../resizable.js';

export interface SideTableConfig { path?: string | string[]; query?: string; format?: FileFormat; key: string; date?: string }

export interface EventsConfig {
  source: 'events';
  path?: string | string[];
  query?: string;
  format?: FileFormat;
  columns: { user: string; item?: string; time?: string; date?: string };
  time?: { unit?: 's' | 'ms' | 'iso'; timezone?: string; day_starts_at?: number };
  tables?: { users?: SideTableConfig; items?: SideTableConfig; item_days?: SideTableConfig };
  sample?: { modulus: number; remainder?: number };
  missing_time?: 'drop' | 'keep';
}

/** Spec location of a pointer under /data (given by the caller, which holds the source map). */
export type Locate = (pointer: string) => ErrorLocation;

/** Names the panel gives the roles; a log column of the same name that is not that role would clash. */
const ROLE_COLUMNS = ['user_id', 'video_id', 'timestamp', 'date'];

function checkTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

interface Described {
  events: ResolvedInput;
  eventColumns: ColumnInfo[];
  side: Partial<Record<'users' | 'items' | 'item_days', { input: ResolvedInput; columns: ColumnInfo[] }>>;
  schema: DataSchema;
}

function valueType(c: ColumnInfo): ValueType | null {
  return c.kind === 'number' ? 'number' : c.kind === 'boolean' ? 'boolean' : c.kind === 'category' ? 'category' : null;
}

/** Checks the files and roles against their schemas (no rows read) and returns what expressions may name. */
export async function describeEvents(config: EventsConfig, baseDir: string, at: Locate, con?: DuckDBConnection): Promise<Described> {
  const own = con ?? (await connect(baseDir));
  const errors: CausewayError[] = [];
  const fail = (pointer: string, code: ErrorCode, message: string, hint?: string) => errors.push(new CausewayError(code, message, at(pointer), hint));
  const zone = config.time?.timezone ?? 'UTC';
  if (!checkTimezone(zone)) fail('/data/time/timezone', 'DATA_BAD_TIMEZONE', `unknown time zone '${zone}'`, 'use an IANA name such as Europe/Berlin or America/New_York');
  if (config.path === undefined && config.query === undefined) fail('/data', 'DATA_NO_PATH', 'data needs path (a file, a glob or a list) or query');
  if (config.path !== undefined && config.query !== undefined) fail('/data/query', 'DATA_NO_PATH', 'data takes path or query, not both');
  if (!config.columns.time && !config.columns.date) fail('/data/columns', 'DATA_NO_TIME', 'columns needs time (a timestamp) or date (a calendar day)');
  if (errors.length) throw errors.length === 1 ? errors[0] : new CausewayErrors(errors);

  // The sample goes down to the reader, so Arrow files append only the sampled users' rows (arrow.ts).
  const sample = config.sample ? { column: config.columns.user, modulus: config.sample.modulus, remainder: config.sample.remainder ?? 0 } : undefined;
  const events = await resolveInput(own, { path: config.path, query: config.query, format: config.format, baseDir, label: 'data.path', sample });
  const eventColumns = await describeInput(own, events);
  const byName = new Map(eventColumns.map((c) => [c.name, c]));
  const role = (key: 'user' | 'item' | 'time' | 'date', allowed: ColumnInfo['kind'][], what: string): ColumnInfo | undefined => {
    const name = config.columns[key];
    if (name === undefined) return undefined;
    const c = byName.get(name);
    if (!c) {
      fail(`/data/columns/${key}`, 'DATA_MISSING_COLUMN', `column '${name}' is not in ${events.files[0] ?? 'the query result'} (columns: ${eventColumns.map((x) => x.name).join(', ')})`);
      return undefined;
    }
    if (!allowed.includes(c.kind)) fail(`/data/columns/${key}`, 'DATA_COLUMN_TYPE', `column '${name}' is ${c.sqlType}; the ${key} column must be ${what}`);
    return c;
  };
  role('user', ['number', 'category'], 'an integer or text key');
  role('item', ['number', 'category'], 'an integer or text key');
  const unit = config.time?.unit ?? 's';
  const time = role('time', unit === 'iso' ? ['category', 'time'] : ['number', 'category'], unit === 'iso' ? 'ISO text or a timestamp' : `a number of ${unit === 'ms' ? 'milliseconds' : 'seconds'} since 1970`);
  void time;
  role('date', ['date', 'number', 'category'], 'a date, a YYYYMMDD number or YYYY-MM-DD text');
  const roleNames = new Set(Object.values(config.columns));
  for (const c of eventColumns) {
    if (ROLE_COLUMNS.includes(c.name) && !roleNames.has(c.name)) {
      fail('/data/columns', 'DATA_COLUMN_CLASH', `the log's column '${c.name}' is not mapped to its role, and causeway names a role so; map it in columns or rename it in a query`);
    }
  }

  for (const name of ['items', 'item_days'] as const) {
    if (config.tables?.[name] && !config.columns.item) fail(`/data/tables/${name}`, 'DATA_NO_ITEM', `tables.${name} joins on the item key: name it in columns.item`);
  }
  const side: Described['side'] = {};
  for (const name of ['users', 'items', 'item_days'] as const) {
    const table = config.tables?.[name];
    if (!table) continue;
    const input = await resolveInput(own, { path: table.path, query: table.query, format: table.format, baseDir, label: `data.tables.${name}` });
    const columns = await describeInput(own, input);
    const names = columns.map((c) => c.name);
    if (!names.includes(table.key)) fail(`/data/tables/${name}/key`, 'DATA_MISSING_COLUMN', `key column '${table.key}' is not in ${input.files[0] ?? 'the query result'} (columns: ${names.join(', ')})`);
    if (name === 'item_days') {
      if (!table.date) fail(`/data/tables/${name}`, 'DATA_NO_TIME', 'item_days needs date (the column holding the calendar day)');
      else if (!names.includes(table.date)) fail(`/data/tables/${name}/date`, 'DATA_MISSING_COLUMN', `date column '${table.date}' is not in ${input.files[0] ?? 'the query result'}`);
    }
    side[name] = { input, columns };
  }
  if (errors.length) throw errors.length === 1 ? errors[0] : new CausewayErrors(errors);

  const event = new Map<string, ValueType>([['user_id', 'number']]);
  for (const c of eventColumns) {
    if (c.name === config.columns.user || c.name === config.columns.time || c.name === config.columns.date) continue;
    const t = valueType(c);
    if (t) event.set(c.name, t);
  }
  const user = new Map<string, ValueType>();
  for (const c of side.users?.columns ?? []) {
    const t = valueType(c);
    if (t && c.name !== config.tables!.users!.key) user.set(c.name, t === 'boolean' ? 'number' : t);
  }
  const item = new Map<string, ValueType>();
  for (const c of side.items?.columns ?? []) if ((c.kind === 'number' || c.kind === 'boolean') && c.name !== config.tables!.items!.key) item.set(c.name, 'number');
  const itemDaily: string[] = [];
  for (const c of side.item_days?.columns ?? []) {
    if ((c.kind === 'number' || c.kind === 'boolean') && c.name !== config.tables!.item_days!.key && c.name !== config.tables!.item_days!.date) itemDaily.push(c.name);
  }
  return { events, eventColumns, side, schema: { event, user, itemDaily, item } };
}

/** Content fingerprint of the event files and side tables (a query source has none: never cached). */
export async function eventsFingerprint(config: EventsConfig, baseDir: string): Promise<string | null> {
  if (config.query !== undefined || Object.values(config.tables ?? {}).some((t) => t?.query !== undefined)) return null;
  const con = await connect(baseDir);
  try {
    const files: string[] = [];
    const main = await resolveInput(con, { path: config.path, format: config.format, baseDir, label: 'data.path', filesOnly: true });
    files.push(...main.files);
    for (const name of ['users', 'items', 'item_days'] as const) {
      const t = config.tables?.[name];
      if (t) files.push(...(await resolveInput(con, { path: t.path, format: t.format, baseDir, label: `data.tables.${name}`, filesOnly: true })).files);
    }
    return 'events:' + (await filesFingerprint(files, baseDir, { columns: config.columns, tables: config.tables, format: config.format }));
  } finally {
    con.closeSync();
  }
}

/** SQL giving the local calendar day (YYYYMMDD as DOUBLE) and unix seconds of the time role. */
function timeSql(config: EventsConfig, columns: Map<string, ColumnInfo>): { seconds: string; day: string; raw: string } {
  const zone = sqlString(config.time?.timezone ?? 'UTC');
  const shift = config.time?.day_starts_at ?? 0;
  const ymd = (d: string) => `CAST(year(${d}) * 10000 + month(${d}) * 100 + day(${d}) AS DOUBLE)`;
  let seconds = 'CAST(NULL AS DOUBLE)';
  let day = 'CAST(NULL AS DOUBLE)';
  let raw = 'NULL';
  if (config.columns.time) {
    const c = columns.get(config.columns.time)!;
    const col = sqlName(c.name);
    raw = `CAST(${col} AS VARCHAR)`;
    const unit = config.time?.unit ?? 's';
    let instant: string;
    if (unit === 'ms') instant = `to_timestamp(TRY_CAST(${col} AS DOUBLE) / 1000)`;
    else if (unit === 's') instant = `to_timestamp(TRY_CAST(${col} AS DOUBLE))`;
    // ISO text without an offset, and a naive TIMESTAMP, are local times in the zone (the session zone is set to it while loading).
    else instant = c.kind === 'time' ? `CAST(${col} AS TIMESTAMPTZ)` : `TRY_CAST(${col} AS TIMESTAMPTZ)`;
    seconds = unit === 's' ? `TRY_CAST(${col} AS DOUBLE)` : unit === 'ms' ? `TRY_CAST(${col} AS DOUBLE) / 1000` : `epoch(${instant})`;
    const local = `(timezone(${zone}, ${instant}) - INTERVAL ${shift} HOUR)`;
    day = ymd(`CAST(${local} AS DATE)`);
  }
  if (config.columns.date) {
    const c = columns.get(config.columns.date)!;
    const col = sqlName(c.name);
    day = c.kind === 'date' ? ymd(col) : c.kind === 'number' ? `CAST(${col} AS DOUBLE)` : ymd(`TRY_CAST(${col} AS DATE)`);
    if (!config.columns.time) raw = `CAST(${col} AS VARCHAR)`;
  }
  return { seconds, day, raw };
}

function lineOf(input: ResolvedInput, rowInFile: number): number {
  // CSV/TSV: a header line, then one line per row; Parquet/NDJSON rows are counted from 1.
  return input.format === 'csv' || input.format === 'tsv' ? rowInFile + 2 : rowInFile + 1;
}

/** Reads a side table whole (they are small), keyed; a duplicate or missing key is an error naming its row. */
async function readSide(con: DuckDBConnection, input: ResolvedInput, columns: ColumnInfo[], key: string, keyAsNumber: boolean, date?: string):
  Promise<{ keys: (number | string)[]; dates: Float64Array | null; table: ColumnTable; booleans: string[] }> {
  const usable = columns.filter((c) => c.name !== key && c.name !== date && (c.kind === 'number' || c.kind === 'boolean' || c.kind === 'category'));
  const fileCol = input.files.length ? sqlName('__file') : 'NULL';
  const dateSql = date ? (() => {
    const c = columns.find((x) => x.name === date)!;
    const col = sqlName(date);
    return c.kind === 'date' ? `CAST(year(${col}) * 10000 + month(${col}) * 100 + day(${col}) AS DOUBLE)` : c.kind === 'number' ? `CAST(${col} AS DOUBLE)`
      : `CAST(strftime(TRY_CAST(${col} AS DATE), '%Y%m%d') AS DOUBLE)`;
  })() : 'NULL';
  const select = [`CAST(${sqlName(key)} AS VARCHAR)`, dateSql, ...usable.map((c) => (c.kind === 'category' ? `CAST(${sqlName(c.name)} AS VARCHAR)` : `CAST(${sqlName(c.name)} AS DOUBLE)`)), fileCol];
  const builder = new TableBuilder(usable.map((c) => ({ name: c.name, kind: c.kind === 'category' ? 'category' : 'number' })));
  const keys: (number | string)[] = [];
  const dates: number[] = [];
  const seen = new Map<string, number>();
  const rowInFile = new Map<string, number>();
  await streamRows(con, `SELECT ${select.join(', ')} FROM ${input.relation}`, input, (cols, n) => {
    for (let i = 0; i < n; i++) {
      const file = (cols[cols.length - 1][i] as string | null) ?? input.files[0] ?? input.label;
      const r = rowInFile.get(file) ?? 0;
      rowInFile.set(file, r + 1);
      const raw = cols[0][i] as string | null;
      const where: ErrorLocation = { kind: 'data', member: file, line: lineOf(input, r), column: key };
      if (raw === null || raw === '') throw new CausewayError('DATA_MISSING_KEY', `${input.label}: empty key`, where);
      let k: number | string = raw;
      if (keyAsNumber) {
        k = Number(raw);
        if (!Number.isFinite(k)) throw new CausewayError('DATA_COLUMN_TYPE', `${input.label}: key '${raw}' is not a number, but the events' key is`, where);
      }
      const d = date ? (cols[1][i] as number | null) : null;
      if (date && d === null) throw new CausewayError('DATA_BAD_TIME', `${input.label}: date does not parse`, { ...where, column: date });
      const identity = date ? `${raw}\0${d}` : raw;
      if (seen.has(identity)) {
        throw new CausewayError('DATA_DUPLICATE_KEY', `${input.label}: key '${raw}'${date ? ` on ${d}` : ''} appears twice (rows ${seen.get(identity)} and ${lineOf(input, r)})`, where);
      }
      seen.set(identity, lineOf(input, r));
      keys.push(k);
      if (date) dates.push(d!);
      builder.push(cols.slice(2, 2 + usable.length).map((c) => c[i]));
    }
  });
  return { keys, dates: date ? Float64Array.from(dates) : null, table: builder.finish(), booleans: usable.filter((c) => c.kind === 'boolean').map((c) => c.name) };
}

/**
 * The text user keys in the order of their panel ids (the loader numbers the sampled events' keys and
 * the users table's keys in sorted order); null when the user key is a number (the id is the key).
 */
export async function userKeysOf(config: EventsConfig, baseDir: string, at: Locate): Promise<string[] | null> {
  const con = await connect(baseDir);
  try {
    const described = await describeEvents(config, baseDir, at, con);
    const user = described.eventColumns.find((c) => c.name === config.columns.user)!;
    if (user.kind === 'number') return null;
    const modulus = config.sample?.modulus ?? 1;
    const remainder = config.sample?.remainder ?? 0;
    const keys = new Set<string>();
    const read = async (relation: string, column: string, sampled: boolean) => {
      const r = await con.runAndReadAll(`SELECT DISTINCT CAST(${sqlName(column)} AS VARCHAR) FROM ${relation} WHERE ${sqlName(column)} IS NOT NULL`);
      for (const [k] of r.getRows()) if (!sampled || modulus === 1 || keyHash(String(k)) % modulus === remainder) keys.add(String(k));
    };
    await read(described.events.relation, config.columns.user, true);
    if (described.side.users) await read(described.side.users.input.relation, config.tables!.users!.key, false);
    return [...keys].sort();
  } finally {
    con.closeSync();
  }
}

/**
 * Checks every row the way the loader does, inside DuckDB (a scan, nothing held in memory): empty user
 * keys, times that are present but do not parse, empty or duplicate side-table keys. When it finds a
 * problem it runs the loader, whose error names the file, column and row. `causeway run` calls this
 * before it creates the run directory, so bad data never leave a partial run behind.
 */
export async function checkEventRows(config: EventsConfig, baseDir: string, at: Locate): Promise<void> {
  const con = await connect(baseDir);
  let suspect = false;
  try {
    const described = await describeEvents(config, baseDir, at, con);
    const byName = new Map(described.eventColumns.map((c) => [c.name, c]));
    await con.run(`SET TimeZone = ${sqlString(config.time?.timezone ?? 'UTC')}`);
    const t = timeSql(config, byName);
    const user = sqlName(config.columns.user);
    const timeBad = config.columns.time ? `(${t.raw} IS NOT NULL AND ${t.raw} <> '' AND (${t.seconds} IS NULL OR ${t.day} IS NULL))` : `(${t.raw} IS NOT NULL AND ${t.raw} <> '' AND ${t.day} IS NULL)`;
    try {
      const r = await con.runAndReadAll(`SELECT count(*) FILTER (WHERE ${user} IS NULL OR CAST(${user} AS VARCHAR) = '' OR ${timeBad}) FROM ${described.events.relation}`);
      suspect = Number(r.getRows()[0][0]) > 0;
      for (const name of ['users', 'items', 'item_days'] as const) {
        const side = described.side[name];
        if (!side || suspect) continue;
        const keys = [config.tables![name]!.key, ...(name === 'item_days' ? [config.tables!.item_days!.date!] : [])].map(sqlName).join(', ');
        const d = await con.runAndReadAll(`SELECT count(*) FROM (SELECT ${keys}, count(*) AS n FROM ${side.input.relation} GROUP BY ${keys} HAVING n > 1 OR bool_or(${sqlName(config.tables![name]!.key)} IS NULL))`);
        suspect = Number(d.getRows()[0][0]) > 0;
      }
    } catch (e) {
      suspect = true; // the loader says what went wrong, and where
      void e;
    }
  } finally {
    con.closeSync();
  }
  if (suspect) await loadEvents(config, baseDir, at);
}

/** Loads the events (sampled while streaming) and side tables into the panel's LoadedData. */
export async function loadEvents(config: EventsConfig, baseDir: string, at: Locate, opts: { log?: (msg: string) => void } = {}): Promise<LoadedData> {
  const log = opts.log ?? (() => {});
  const con = await connect(baseDir);
  try {
    const described = await describeEvents(config, baseDir, at, con);
    const { events: input, eventColumns } = described;
    const byName = new Map(eventColumns.map((c) => [c.name, c]));
    await con.run(`SET TimeZone = ${sqlString(config.time?.timezone ?? 'UTC')}`);
    const userInfo = byName.get(config.columns.user)!;
    const itemInfo = config.columns.item ? byName.get(config.columns.item)! : undefined;
    const others = eventColumns.filter((c) => ![config.columns.user, config.columns.time, config.columns.date].includes(c.name) && (c.kind === 'number' || c.kind === 'boolean' || c.kind === 'category'));
    const t = timeSql(config, byName);
    const asValue = (c: ColumnInfo) => (c.kind === 'category' ? `CAST(${sqlName(c.name)} AS VARCHAR)` : `CAST(${sqlName(c.name)} AS DOUBLE)`);
    const userNumeric = userInfo.kind === 'number';
    const itemNumeric = itemInfo?.kind === 'number';
    const timeColumn = config.columns.time ?? config.columns.date!;
    const timeInfo = byName.get(timeColumn)!;
    // Whether the time cell is empty (missing) rather than present: a present one that yields no day is an error.
    const timeMissing = timeInfo.kind === 'category' ? `(${sqlName(timeColumn)} IS NULL OR ${sqlName(timeColumn)} = '')` : `(${sqlName(timeColumn)} IS NULL)`;
    const select = [
      userNumeric ? `CAST(${sqlName(userInfo.name)} AS DOUBLE)` : `CAST(${sqlName(userInfo.name)} AS VARCHAR)`,
      itemInfo ? (itemNumeric ? `CAST(${sqlName(itemInfo.name)} AS DOUBLE)` : `CAST(${sqlName(itemInfo.name)} AS VARCHAR)`) : 'NULL',
      t.seconds, t.day, timeMissing,
      ...others.map(asValue),
    ];
    const modulus = config.sample?.modulus ?? 1;
    const remainder = config.sample?.remainder ?? 0;
    const builder = new TableBuilder(others.map((c) => ({ name: c.name, kind: c.kind === 'category' ? 'category' : 'number' })));
    const userNumbers = new GrowableFloat64();
    const userText = new TextCodes();
    const itemNumbers = new GrowableFloat64();
    const itemText = new TextCodes();
    const seconds = new GrowableFloat64();
    const days = new GrowableFloat64();
    let rowsRead = 0;
    let outside = 0;
    let missingTime = 0;
    let problem: { row: number; code: ErrorCode; column: string; what: string } | null = null;
    const hasTime = config.columns.time !== undefined;
    const keep = new Int32Array(4096);
    await streamChunks(con, `SELECT ${select.join(', ')} FROM ${input.relation}`, input, (chunk, n) => {
      const userVec = chunk.getColumnVector(0);
      const itemVec = chunk.getColumnVector(1);
      const secVec = chunk.getColumnVector(2);
      const dayVec = chunk.getColumnVector(3);
      const missingVec = chunk.getColumnVector(4);
      const kept = n <= keep.length ? keep : new Int32Array(n);
      let m = 0;
      for (let i = 0; i < n; i++) {
        const user = userVec.getItem(i) as number | string | null;
        if (user === null || user === '') {
          problem = { row: rowsRead + i, code: 'DATA_MISSING_KEY', column: config.columns.user, what: 'empty user key' };
          throw problem;
        }
        if (modulus !== 1 && (typeof user === 'number' ? (((user % modulus) + modulus) % modulus) !== remainder : keyHash(user) % modulus !== remainder)) {
          outside++;
          continue;
        }
        const day = dayVec.getItem(i) as number | null;
        if (day === null || (hasTime && secVec.getItem(i) === null)) {
          if (missingVec.getItem(i) !== true) {
            problem = { row: rowsRead + i, code: 'DATA_BAD_TIME', column: timeColumn, what: `does not parse as ${hasTime ? (config.time?.unit ?? 's') : 'a date'}` };
            throw problem;
          }
          missingTime++;
          if (config.missing_time !== 'keep') continue;
        }
        kept[m++] = i;
        if (userNumeric) userNumbers.push(user as number);
        else userText.push(user as string);
        if (itemInfo) {
          const item = itemVec.getItem(i) as number | string | null;
          if (itemNumeric) itemNumbers.push(item === null ? NaN : (item as number));
          else itemText.push(item === null || item === '' ? null : (item as string));
        }
        seconds.push((secVec.getItem(i) as number | null) ?? NaN);
        days.push(day ?? NaN);
      }
      for (let k = 0; k < others.length; k++) builder.appendColumn(k, chunk.getColumnVector(5 + k), kept, m);
      rowsRead += n;
    }).catch(async (e: unknown) => {
      if (e !== problem || !problem) throw e;
      const where = await locateRow(con, input, problem.row, problem.column);
      let shown = '';
      if (problem.code === 'DATA_BAD_TIME') {
        const r = await con.runAndReadAll(`SELECT CAST(${sqlName(problem.column)} AS VARCHAR) FROM ${input.relation} LIMIT 1 OFFSET ${problem.row}`);
        shown = `time '${String(r.getRows()[0]?.[0])}' `;
      }
      throw new CausewayError(problem.code, shown + problem.what, where);
    });
    // Rows an Arrow reader left out by the sample count as read and outside it, as the other formats' do.
    rowsRead += input.skipped ?? 0;
    outside += input.skipped ?? 0;
    // Numeric keys stay in their Float64Arrays (they are the ids as they are): no boxed copy of millions of rows.
    const userNumbersDone = userNumeric ? userNumbers.finish() : null;
    const itemNumbersDone = itemInfo && itemNumeric ? itemNumbers.finish() : null;
    const userKeys: (number | string)[] = userNumeric ? [] : (userText.values() as string[]);
    const itemKeys: (number | string | null)[] = !itemInfo || itemNumeric ? [] : itemText.values();
    const eventsFile = input.files[0] ?? 'query';
    if ((userNumbersDone?.length ?? userKeys.length) === 0) {
      throw new CausewayError('DATA_EMPTY_SAMPLE', `no events left (${rowsRead} rows read, ${outside} outside the sample, ${missingTime} without a time)`, { kind: 'data', member: eventsFile }, 'choose another modulus or remainder');
    }

    // Side tables.
    const usersSide = described.side.users ? await readSide(con, described.side.users.input, described.side.users.columns, config.tables!.users!.key, (userInfo.kind === 'number')) : null;
    const itemsSide = described.side.items && itemInfo ? await readSide(con, described.side.items.input, described.side.items.columns, config.tables!.items!.key, (itemInfo.kind === 'number')) : null;
    const daysSide = described.side.item_days && itemInfo ? await readSide(con, described.side.item_days.input, described.side.item_days.columns, config.tables!.item_days!.key, (itemInfo.kind === 'number'), config.tables!.item_days!.date) : null;

    // User ids: integer keys as they are; text keys numbered in sorted order (stable across file order).
    let userOf: (k: number | string) => number;
    if ((userInfo.kind === 'number')) userOf = (k) => k as number;
    else {
      const all = [...new Set([...(userKeys as string[]), ...((usersSide?.keys ?? []) as string[])])].sort();
      const ids = new Map(all.map((k, i) => [k, i]));
      userOf = (k) => ids.get(String(k))!;
    }
    // Item codes: integer keys as they are; text keys numbered in order of first appearance.
    const itemIds = new Map<string, number>();
    const itemOf = (k: number | string | null): number => {
      if (k === null || k === '') return NaN;
      if (typeof k === 'number') return k;
      let id = itemIds.get(k);
      if (id === undefined) itemIds.set(k, (id = itemIds.size));
      return id;
    };
    const n = userNumbersDone?.length ?? userKeys.length;
    const table = builder.finish();
    const userId = userNumbersDone ?? new Float64Array(n);
    if (!userNumbersDone) for (let i = 0; i < n; i++) userId[i] = userOf(userKeys[i]);
    const videoId = itemNumbersDone ?? new Float64Array(itemInfo ? n : 0);
    if (itemInfo && !itemNumbersDone) for (let i = 0; i < n; i++) videoId[i] = itemOf(itemKeys[i]);
    const numeric: Record<string, Float64Array> = { user_id: userId, timestamp: seconds.finish(), date: days.finish(), ...table.numeric };
    if (itemInfo) numeric.video_id = videoId;
    // The item key under its own name too, so `nunique(<item>)` reads as written.
    const categorical = { ...table.categorical };
    if (itemInfo && itemInfo.name !== 'video_id') {
      if (itemInfo.kind === 'number') numeric[itemInfo.name] = videoId;
      else {
        const levels = [...itemIds.keys()];
        const codes = new Int32Array(n);
        for (let i = 0; i < n; i++) codes[i] = Number.isNaN(videoId[i]) ? -1 : videoId[i];
        categorical[itemInfo.name] = { codes, levels };
      }
    }
    const events = sortEvents({ length: n, numeric, categorical });

    const users: ColumnTable = usersSide
      ? { length: usersSide.keys.length, numeric: { user_id: Float64Array.from(usersSide.keys, userOf), ...usersSide.table.numeric }, categorical: usersSide.table.categorical }
      : { length: 0, numeric: { user_id: new Float64Array(0) }, categorical: {} };
    const fingerprint = (await eventsFingerprint(config, baseDir)) ?? 'query';
    const out: LoadedData = {
      events,
      users,
      quality: [],
      coverage: { users: 0, events: n, firstDate: NaN, lastDate: NaN, sampledUsers: 0 },
      fingerprint,
      contentFingerprint: fingerprint,
      source: { path: input.files.length === 1 ? input.files[0] : input.files.length ? `${input.files.length} files` : 'query', layout: 'folder', matrix: 'small', bytesRead: 0 },
    };
    if (itemInfo) out.itemKey = 'video_id';
    const extra = out;
    extra.eventBooleans = others.filter((c) => c.kind === 'boolean').map((c) => c.name);
    if (itemsSide) extra.items = { length: itemsSide.keys.length, numeric: { ...itemsSide.table.numeric, video_id: Float64Array.from(itemsSide.keys, itemOf) }, categorical: {} };
    if (daysSide) out.itemDaily = { length: daysSide.keys.length, numeric: { ...daysSide.table.numeric, video_id: Float64Array.from(daysSide.keys, itemOf), date: daysSide.dates! }, categorical: {} };

    // Coverage and the quality table, as the kuairec source reports them (docs/CONTRACTS.md).
    const uid = events.numeric.user_id;
    const date = events.numeric.date;
    let distinct = 0;
    let first = Infinity;
    let last = -Infinity;
    for (let i = 0; i < n; i++) {
      if (i === 0 || uid[i] !== uid[i - 1]) distinct++;
      if (date[i] < first) first = date[i];
      if (date[i] > last) last = date[i];
    }
    const known = new Set(users.numeric.user_id);
    let unknownEvents = 0;
    for (let i = 0; i < n; i++) if (!known.has(uid[i])) unknownEvents++;
    let sampledUsers = 0;
    for (const k of usersSide?.keys ?? []) {
      if (modulus === 1 || (typeof k === 'number' ? (((k % modulus) + modulus) % modulus) === remainder : keyHash(k) % modulus === remainder)) sampledUsers++;
    }
    out.coverage = { users: distinct, events: n, firstDate: Number.isFinite(first) ? first : NaN, lastDate: Number.isFinite(last) ? last : NaN, sampledUsers };
    const inSample = rowsRead - outside;
    const quality: QualityRow[] = [
      { check: 'rows_read', rows: rowsRead, share: 1, action: `read from ${input.files.length ? input.files.map((f) => f.split('/').pop()).join(', ') : 'the query'}` },
      { check: 'rows_outside_sample', rows: outside, share: rowsRead ? outside / rowsRead : 0, action: `excluded by the sample (user key hash % ${modulus} == ${remainder})` },
      { check: 'missing_time', rows: missingTime, share: inSample ? missingTime / inSample : 0, action: config.missing_time === 'keep' ? 'kept (time missing)' : 'dropped (empty time)' },
      { check: 'events_without_user_features', rows: unknownEvents, share: n ? unknownEvents / n : 0, action: usersSide ? 'kept (their features are missing)' : 'kept (no users table)' },
    ];
    out.quality = quality;
    log(`data: ${n} events of ${distinct} users from ${out.source.path}`);
    return out;
  } finally {
    con.closeSync();
  }
}
