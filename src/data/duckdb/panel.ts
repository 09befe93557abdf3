/**
 * `source: panel` — a ready unit-by-day table (docs/data.md), for logs aggregated where they live. Each
 * row is one user on one day; every other numeric or true/false column is a day measure, text columns
 * are categorical. The panel is made dense (every user × every calendar day from the first to the last
 * date): a day without a row is inactive and its measures are 0, as in a panel built from events
 * (docs/expressions.md). `active:` names a 0/1 column for active days (default: a row is an active day).
 * History windows, population, thresholds and everything after work as on any panel.
 */
import { CausewayError, CausewayErrors, type ErrorCode } from '../../errors.js';
import type { ValueType } from '../table.js';
import { dayOfWeekColumn, dayToYyyymmdd, yyyymmddToDay } from '../calendar.js';
import type { ColumnTable } from '../table.js';
import type { QualityRow } from '../loaded.js';
import { connect, describeInput, filesFingerprint, locateRow, resolveInput, sqlName, streamChunks, type ColumnInfo, type FileFormat } from './engine.js';
import { keyHash, TableBuilder } from './columns.js';
import { GrowableFloat64 } from '../resizable.js';
import type { Locate, SideTableConfig } from './events.js';

export interface PanelConfig {
  source: 'panel';
  path?: string | string[];
  query?: string;
  format?: FileFormat;
  columns: { user: string; date: string; active?: string };
  tables?: { users?: SideTableConfig };
  sample?: { modulus: number; remainder?: number };
}

const BUILT_IN = ['user_id', 'date', 'active_day', 'calendar_day_index', 'day_of_week'];

function valueType(c: ColumnInfo): ValueType | null {
  return c.kind === 'number' ? 'number' : c.kind === 'boolean' ? 'boolean' : c.kind === 'category' ? 'category' : null;
}

/** The day measures (and joined user features) a ready panel offers, from the file schemas; no rows read. */
export async function describePanel(config: PanelConfig, baseDir: string, at: Locate): Promise<{ measures: Map<string, ValueType>; users: Map<string, ValueType> }> {
  if (config.path === undefined && config.query === undefined) throw new CausewayError('DATA_NO_PATH', 'data needs path (a file, a glob or a list) or query', at('/data'));
  const con = await connect(baseDir);
  try {
    const input = await resolveInput(con, { path: config.path, query: config.query, format: config.format, baseDir, label: 'data.path' });
    const columns = await describeInput(con, input);
    const byName = new Map(columns.map((c) => [c.name, c]));
    const errors: CausewayError[] = [];
    for (const role of ['user', 'date', 'active'] as const) {
      const name = config.columns[role];
      if (name === undefined) continue;
      const c = byName.get(name);
      if (!c) errors.push(new CausewayError('DATA_MISSING_COLUMN', `column '${name}' is not in ${input.files[0] ?? 'the query result'} (columns: ${[...byName.keys()].join(', ')})`, at(`/data/columns/${role}`)));
      else if (role === 'date' && !['date', 'number', 'category'].includes(c.kind)) errors.push(new CausewayError('DATA_COLUMN_TYPE', `column '${name}' is ${c.sqlType}; the date column must be a date, a YYYYMMDD number or YYYY-MM-DD text`, at('/data/columns/date')));
      else if (role === 'active' && !['number', 'boolean'].includes(c.kind)) errors.push(new CausewayError('DATA_COLUMN_TYPE', `column '${name}' is ${c.sqlType}; the active column must be 0/1 or true/false`, at('/data/columns/active')));
      else if (role === 'user' && !['number', 'category'].includes(c.kind)) errors.push(new CausewayError('DATA_COLUMN_TYPE', `column '${name}' is ${c.sqlType}; the user column must be an integer or text key`, at('/data/columns/user')));
    }
    const roles = new Set(Object.values(config.columns));
    for (const c of columns) if (BUILT_IN.includes(c.name) && !roles.has(c.name)) errors.push(new CausewayError('DATA_COLUMN_CLASH', `the panel's column '${c.name}' clashes with a built-in panel column; rename it in a query`, at('/data')));
    const users = new Map<string, ValueType>();
    if (config.tables?.users) {
      const side = await resolveInput(con, { path: config.tables.users.path, query: config.tables.users.query, format: config.tables.users.format, baseDir, label: 'data.tables.users' });
      const sideColumns = await describeInput(con, side);
      if (!sideColumns.some((c) => c.name === config.tables!.users!.key)) errors.push(new CausewayError('DATA_MISSING_COLUMN', `key column '${config.tables.users.key}' is not in ${side.files[0] ?? 'the query result'}`, at('/data/tables/users/key')));
      for (const c of sideColumns) {
        const t = valueType(c);
        if (t && c.name !== config.tables.users.key) users.set(c.name, t === 'boolean' ? 'number' : t);
      }
    }
    if (errors.length) throw errors.length === 1 ? errors[0] : new CausewayErrors(errors);
    const measures = new Map<string, ValueType>();
    for (const c of columns) {
      const t = valueType(c);
      if (t && !roles.has(c.name) && !BUILT_IN.includes(c.name)) measures.set(c.name, t);
    }
    return { measures, users };
  } finally {
    con.closeSync();
  }
}

export async function panelFingerprint(config: PanelConfig, baseDir: string): Promise<string | null> {
  if (config.query !== undefined || config.tables?.users?.query !== undefined) return null;
  const con = await connect(baseDir);
  try {
    const files = (await resolveInput(con, { path: config.path, format: config.format, baseDir, label: 'data.path', filesOnly: true })).files;
    if (config.tables?.users) files.push(...(await resolveInput(con, { path: config.tables.users.path, format: config.tables.users.format, baseDir, label: 'data.tables.users', filesOnly: true })).files);
    return 'panel:' + (await filesFingerprint(files, baseDir, { columns: config.columns, tables: config.tables, sample: config.sample }));
  } finally {
    con.closeSync();
  }
}

export interface ReadyPanel {
  length: number;
  userId: Int32Array;
  dayIndex: Int32Array;
  dates: number[];
  table: ColumnTable;
  quality: QualityRow[];
  coverage: { users: number; events: number; firstDate: number; lastDate: number; sampledUsers: number };
  source: { path: string; layout: string; matrix: string };
}

/**
 * Reads a ready panel, makes it dense and joins the user features. The history columns (lags, windows)
 * are the panel stage's: the caller adds them (src/run/source-panel.ts).
 */
export async function loadPanel(config: PanelConfig, baseDir: string, at: Locate, userFeatures: string[]): Promise<ReadyPanel> {
  const { measures } = await describePanel(config, baseDir, at);
  const con = await connect(baseDir);
  try {
    const input = await resolveInput(con, { path: config.path, query: config.query, format: config.format, baseDir, label: 'data.path' });
    const columns = await describeInput(con, input);
    const byName = new Map(columns.map((c) => [c.name, c]));
    const user = byName.get(config.columns.user)!;
    const dateInfo = byName.get(config.columns.date)!;
    const d = sqlName(dateInfo.name);
    const daySql = dateInfo.kind === 'date' ? `CAST(year(${d}) * 10000 + month(${d}) * 100 + day(${d}) AS DOUBLE)` : dateInfo.kind === 'number' ? `CAST(${d} AS DOUBLE)`
      : `CAST(strftime(TRY_CAST(${d} AS DATE), '%Y%m%d') AS DOUBLE)`;
    const measureList = [...measures.keys()].map((name) => byName.get(name)!);
    const select = [
      user.kind === 'number' ? `CAST(${sqlName(user.name)} AS DOUBLE)` : `CAST(${sqlName(user.name)} AS VARCHAR)`,
      daySql,
      config.columns.active ? `CAST(${sqlName(config.columns.active)} AS DOUBLE)` : '1.0',
      ...measureList.map((c) => (c.kind === 'category' ? `CAST(${sqlName(c.name)} AS VARCHAR)` : `CAST(${sqlName(c.name)} AS DOUBLE)`)),
    ];
    const modulus = config.sample?.modulus ?? 1;
    const remainder = config.sample?.remainder ?? 0;
    const keys: (number | string)[] = [];
    const days = new GrowableFloat64();
    const active = new GrowableFloat64();
    const builder = new TableBuilder(measureList.map((c) => ({ name: c.name, kind: c.kind === 'category' ? 'category' : 'number' })));
    let rowsRead = 0;
    let problem: { row: number; column: string; what: string; code: ErrorCode } | null = null;
    const keep = new Int32Array(4096);
    await streamChunks(con, `SELECT ${select.join(', ')} FROM ${input.relation}`, input, (chunk, n) => {
      const uv = chunk.getColumnVector(0);
      const dv = chunk.getColumnVector(1);
      const av = chunk.getColumnVector(2);
      const kept = n <= keep.length ? keep : new Int32Array(n);
      let m = 0;
      for (let i = 0; i < n; i++) {
        const k = uv.getItem(i) as number | string | null;
        if (k === null || k === '') throw (problem = { row: rowsRead + i, column: config.columns.user, what: 'empty user key', code: 'DATA_MISSING_KEY' });
        if (modulus !== 1 && (typeof k === 'number' ? (((k % modulus) + modulus) % modulus) !== remainder : keyHash(k) % modulus !== remainder)) continue;
        const day = dv.getItem(i) as number | null;
        if (day === null || !Number.isInteger(day) || Number.isNaN(yyyymmddToDay(day))) throw (problem = { row: rowsRead + i, column: config.columns.date, what: 'date does not parse as a calendar day', code: 'DATA_BAD_TIME' });
        kept[m++] = i;
        keys.push(k);
        days.push(day);
        active.push((av.getItem(i) as number | null) ?? 0);
      }
      for (let c = 0; c < measureList.length; c++) builder.appendColumn(c, chunk.getColumnVector(3 + c), kept, m);
      rowsRead += n;
    }).catch(async (e: unknown) => {
      if (e !== problem || !problem) throw e;
      throw new CausewayError(problem.code, problem.what, await locateRow(con, input, problem.row, problem.column));
    });
    if (keys.length === 0) throw new CausewayError('DATA_EMPTY_SAMPLE', `no panel rows left (${rowsRead} read)`, { kind: 'path', path: input.files[0] ?? 'query' });
    const rows = builder.finish();
    const dayOf = days.finish();
    const activeOf = active.finish();

    // Users: number keys as they are, text keys numbered in sorted order; calendar from first to last date.
    const distinct = [...new Set(keys)];
    const numericKeys = user.kind === 'number';
    distinct.sort((a, b) => (numericKeys ? (a as number) - (b as number) : a < b ? -1 : a > b ? 1 : 0));
    const userIndex = new Map(distinct.map((k, i) => [k, i]));
    let first = Infinity;
    let last = -Infinity;
    for (const v of dayOf) {
      const day = yyyymmddToDay(v);
      if (day < first) first = day;
      if (day > last) last = day;
    }
    const D = last - first + 1;
    const U = distinct.length;
    const N = U * D;
    const dates = Array.from({ length: D }, (_, k) => dayToYyyymmdd(first + k));
    const table: ColumnTable = { length: N, numeric: {}, categorical: {} };
    const rowOf = new Int32Array(keys.length);
    const seen = new Map<number, number>();
    for (let r = 0; r < keys.length; r++) {
      const target = userIndex.get(keys[r])! * D + (yyyymmddToDay(dayOf[r]) - first);
      const previous = seen.get(target);
      if (previous !== undefined) {
        const where = await locateRow(con, input, r, config.columns.date).catch(() => ({ kind: 'none' as const }));
        throw new CausewayError('DATA_DUPLICATE_KEY', `user '${keys[r]}' has two rows for ${dayOf[r]}`, where);
      }
      seen.set(target, r);
      rowOf[r] = target;
    }
    const activeDay = new Float64Array(N);
    for (let r = 0; r < keys.length; r++) activeDay[rowOf[r]] = activeOf[r] > 0 ? 1 : 0;
    for (const [name, values] of Object.entries(rows.numeric)) {
      const dense = new Float64Array(N); // a day without a row: inactive, measures 0
      for (let r = 0; r < keys.length; r++) dense[rowOf[r]] = values[r];
      table.numeric[name] = dense;
    }
    for (const [name, col] of Object.entries(rows.categorical)) {
      const codes = new Int32Array(N).fill(-1);
      for (let r = 0; r < keys.length; r++) codes[rowOf[r]] = col.codes[r];
      table.categorical[name] = { codes, levels: col.levels };
    }
    const userId = new Int32Array(N);
    const dayIndex = new Int32Array(N);
    const userColumn = new Float64Array(N);
    const dateColumn = new Float64Array(N);
    const calendar = new Float64Array(N);
    for (let u = 0, r = 0; u < U; u++) {
      for (let k = 0; k < D; k++, r++) {
        userId[r] = numericKeys ? (distinct[u] as number) : u;
        dayIndex[r] = k;
        userColumn[r] = userId[r];
        dateColumn[r] = dates[k];
        calendar[r] = k;
      }
    }
    table.numeric.active_day = activeDay;
    table.numeric.calendar_day_index = calendar;
    table.numeric.user_id = userColumn;
    table.numeric.date = dateColumn;
    table.categorical.day_of_week = dayOfWeekColumn(dateColumn);

    if (config.tables?.users && userFeatures.length > 0) {
      const side = await resolveInput(con, { path: config.tables.users.path, query: config.tables.users.query, format: config.tables.users.format, baseDir, label: 'data.tables.users' });
      const sideColumns = (await describeInput(con, side)).filter((c) => userFeatures.includes(c.name));
      const key = sqlName(config.tables.users.key);
      const sideBuilder = new TableBuilder(sideColumns.map((c) => ({ name: c.name, kind: c.kind === 'category' ? 'category' : 'number' })));
      const sideKeys: (number | string)[] = [];
      await streamChunks(con, `SELECT ${numericKeys ? `CAST(${key} AS DOUBLE)` : `CAST(${key} AS VARCHAR)`}, ${sideColumns.map((c) => (c.kind === 'category' ? `CAST(${sqlName(c.name)} AS VARCHAR)` : `CAST(${sqlName(c.name)} AS DOUBLE)`)).join(', ') || 'NULL'} FROM ${side.relation}`, side, (chunk, n) => {
        const all = Int32Array.from({ length: n }, (_, i) => i);
        const kv = chunk.getColumnVector(0);
        for (let i = 0; i < n; i++) sideKeys.push(kv.getItem(i) as number | string);
        for (let c = 0; c < sideColumns.length; c++) sideBuilder.appendColumn(c, chunk.getColumnVector(1 + c), all, n);
      });
      const features = sideBuilder.finish();
      const sideRow = new Map<number | string, number>();
      sideKeys.forEach((k, r) => {
        if (sideRow.has(k)) throw new CausewayError('DATA_DUPLICATE_KEY', `data.tables.users: key '${k}' appears twice`, { kind: 'data', member: side.files[0] ?? 'query', line: r + 2, column: config.tables!.users!.key });
        sideRow.set(k, r);
      });
      for (const c of sideColumns) {
        const num = features.numeric[c.name];
        const cat = features.categorical[c.name];
        if (num) {
          const out = new Float64Array(N);
          for (let u = 0, r = 0; u < U; u++) {
            const s = sideRow.get(distinct[u]);
            for (let k = 0; k < D; k++, r++) out[r] = s === undefined ? NaN : num[s];
          }
          table.numeric[c.name] = out;
        } else if (cat) {
          const codes = new Int32Array(N);
          for (let u = 0, r = 0; u < U; u++) {
            const s = sideRow.get(distinct[u]);
            for (let k = 0; k < D; k++, r++) codes[r] = s === undefined ? -1 : cat.codes[s];
          }
          table.categorical[c.name] = { codes, levels: cat.levels };
        }
      }
    }
    return {
      length: N, userId, dayIndex, dates, table,
      quality: [{ check: 'rows_read', rows: rowsRead, share: 1, action: `read from ${input.files.length ? input.files.map((f) => f.split('/').pop()).join(', ') : 'the query'}` },
        { check: 'rows_outside_sample', rows: rowsRead - keys.length, share: rowsRead ? (rowsRead - keys.length) / rowsRead : 0, action: `excluded by the sample (user key hash % ${modulus} == ${remainder})` }],
      coverage: { users: U, events: keys.length, firstDate: dates[0], lastDate: dates[D - 1], sampledUsers: U },
      source: { path: input.files.length === 1 ? input.files[0] : input.files.length ? `${input.files.length} files` : 'query', layout: 'panel', matrix: 'none' },
    };
  } finally {
    con.closeSync();
  }
}
