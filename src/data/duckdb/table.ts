/**
 * `source: table` — one row per analysis unit (docs/data.md): no events, days or history. The table
 * stands in for the panel: every usable column keeps its name and file type, `active_day` is 1 on
 * every row (so thresholds `among: active_days` mean all rows), and the bootstrap and cross-fitting
 * groups are the `cluster:` column's values (default: each row its own cluster).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CausewayError, CausewayErrors } from '../../errors.js';
import type { ValueType } from '../table.js';
import type { ColumnTable } from '../table.js';
import type { QualityRow } from '../loaded.js';
import { connect, describeInput, filesFingerprint, resolveInput, sqlName, streamRows, type ColumnInfo, type FileFormat, type ResolvedInput } from './engine.js';
import { TableBuilder } from './columns.js';
import type { Locate } from './events.js';

export interface TableConfig {
  source: 'table';
  path?: string | string[];
  query?: string;
  format?: FileFormat;
  /** The unit id column (written by `causeway frame`; default: the row number). */
  id?: string;
  /** The column the bootstrap resamples whole (default: each row is its own cluster). */
  cluster?: string;
  /** A JSON file of known effects set beside the estimates (docs/report.md "Known truth"). */
  truth?: string;
}

/** A unit table in the panel's shape (src/panel/types.ts Panel), one "day" per unit. */
export interface UnitTable {
  length: number;
  userId: Int32Array;
  dayIndex: Int32Array;
  dates: number[];
  table: ColumnTable;
  fingerprint: string | null;
  quality: QualityRow[];
  coverage: { users: number; events: number; firstDate: number; lastDate: number; sampledUsers: number };
  source: { path: string; layout: string; matrix: string };
  /** Unit ids as written in the file (for `causeway frame`). */
  unitIds: string[];
  /** The parsed `truth:` file, or null. */
  truth: unknown;
}

/** Columns the table adds; a file column of the same name would clash. */
const ADDED = ['active_day', 'user_id'];

function valueType(c: ColumnInfo): ValueType | null {
  return c.kind === 'number' ? 'number' : c.kind === 'boolean' ? 'boolean' : c.kind === 'category' ? 'category' : null;
}

export async function describeTable(config: TableConfig, baseDir: string, at: Locate): Promise<{ input: ResolvedInput; columns: ColumnInfo[]; schema: Map<string, ValueType> }> {
  if (config.path === undefined && config.query === undefined) throw new CausewayError('DATA_NO_PATH', 'data needs path (a file, a glob or a list) or query', at('/data'));
  const con = await connect(baseDir);
  try {
    const input = await resolveInput(con, { path: config.path, query: config.query, format: config.format, baseDir, label: 'data.path' });
    const columns = await describeInput(con, input);
    const names = columns.map((c) => c.name);
    const errors: CausewayError[] = [];
    for (const key of ['id', 'cluster'] as const) {
      const name = config[key];
      if (name !== undefined && !names.includes(name)) {
        errors.push(new CausewayError('DATA_MISSING_COLUMN', `column '${name}' is not in ${input.files[0] ?? 'the query result'} (columns: ${names.join(', ')})`, at(`/data/${key}`)));
      }
    }
    for (const c of columns) {
      if (ADDED.includes(c.name) && c.name !== config.cluster && c.name !== config.id) {
        errors.push(new CausewayError('DATA_COLUMN_CLASH', `the table's column '${c.name}' clashes with a column causeway adds; rename it in a query`, at('/data')));
      }
    }
    if (errors.length) throw errors.length === 1 ? errors[0] : new CausewayErrors(errors);
    const schema = new Map<string, ValueType>([['user_id', 'number'], ['active_day', 'boolean']]);
    for (const c of columns) {
      const t = valueType(c);
      if (t && !ADDED.includes(c.name)) schema.set(c.name, t);
    }
    return { input, columns, schema };
  } finally {
    con.closeSync();
  }
}

export async function loadTable(config: TableConfig, baseDir: string, at: Locate, opts: { log?: (msg: string) => void } = {}): Promise<UnitTable> {
  const { columns } = await describeTable(config, baseDir, at);
  const con = await connect(baseDir);
  try {
    // resolved again on this connection: an Arrow input is a temporary table of the connection that made it
    const input = await resolveInput(con, { path: config.path, query: config.query, format: config.format, baseDir, label: 'data.path' });
    const usable = columns.filter((c) => valueType(c) !== null && !ADDED.includes(c.name));
    const select = [
      config.id ? `CAST(${sqlName(config.id)} AS VARCHAR)` : 'NULL',
      config.cluster ? `CAST(${sqlName(config.cluster)} AS VARCHAR)` : 'NULL',
      ...usable.map((c) => (c.kind === 'category' ? `CAST(${sqlName(c.name)} AS VARCHAR)` : `CAST(${sqlName(c.name)} AS DOUBLE)`)),
    ];
    const builder = new TableBuilder(usable.map((c) => ({ name: c.name, kind: c.kind === 'category' ? 'category' : 'number' })));
    const unitIds: string[] = [];
    const clusterKeys: (string | null)[] = [];
    await streamRows(con, `SELECT ${select.join(', ')} FROM ${input.relation}`, input, (cols, n) => {
      for (let i = 0; i < n; i++) {
        unitIds.push((cols[0][i] as string | null) ?? String(unitIds.length + 1));
        clusterKeys.push(cols[1][i] as string | null);
        builder.push(usable.map((_, k) => cols[2 + k][i]));
      }
    });
    const n = unitIds.length;
    if (n === 0) throw new CausewayError('DATA_EMPTY_SAMPLE', 'the table has no rows', { kind: 'path', path: input.files[0] ?? 'query' });
    // Cluster ids: the cluster column's distinct values numbered in sorted order; a missing one is an error.
    const userId = new Int32Array(n);
    if (config.cluster) {
      const distinct = [...new Set(clusterKeys)];
      const missing = clusterKeys.indexOf(null);
      if (missing >= 0) {
        throw new CausewayError('DATA_MISSING_KEY', 'empty cluster value', { kind: 'data', member: input.files[0] ?? 'query', line: input.format === 'csv' || input.format === 'tsv' ? missing + 2 : missing + 1, column: config.cluster });
      }
      const sorted = (distinct as string[]).sort((a, b) => (Number.isFinite(Number(a)) && Number.isFinite(Number(b)) ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
      const ids = new Map(sorted.map((k, i) => [k, i]));
      for (let i = 0; i < n; i++) userId[i] = ids.get(clusterKeys[i]!)!;
    } else for (let i = 0; i < n; i++) userId[i] = i;
    const table = builder.finish();
    table.numeric.user_id = Float64Array.from(userId);
    table.numeric.active_day = new Float64Array(n).fill(1);
    const fingerprint = config.query === undefined ? 'table:' + (await filesFingerprint(input.files, baseDir, { id: config.id, cluster: config.cluster, truth: config.truth })) : null;
    const clusters = new Set(userId).size;
    let truth: unknown = null;
    if (config.truth !== undefined) {
      const file = resolve(baseDir, config.truth);
      try {
        truth = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new CausewayError('DATA_BAD_TRUTH', `data.truth: cannot read ${config.truth} as JSON (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`, { kind: 'path', path: file });
      }
    }
    opts.log?.(`data: ${n} units in ${clusters} clusters from ${input.files.length ? input.files.join(', ') : 'the query'}`);
    return {
      length: n,
      userId,
      dayIndex: new Int32Array(n),
      dates: [],
      table,
      fingerprint,
      quality: [{ check: 'rows_read', rows: n, share: 1, action: `read from ${input.files.length ? input.files.map((f) => f.split('/').pop()).join(', ') : 'the query'}` }],
      coverage: { users: clusters, events: n, firstDate: 0, lastDate: 0, sampledUsers: clusters }, // no calendar: 0 (results.json holds numbers)
      source: { path: input.files.length === 1 ? input.files[0] : input.files.length ? `${input.files.length} files` : 'query', layout: 'table', matrix: 'none' },
      unitIds,
      truth,
    };
  } finally {
    con.closeSync();
  }
}
