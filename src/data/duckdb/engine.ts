/**
 * DuckDB as the embedded reader for user files (CSV/TSV plain or .gz, Parquet, NDJSON) and SQL
 * queries over them: which files a `path` names, the SQL relation that reads them, their column
 * schema without reading rows, and a streamed read of rows in chunks. The sources in this folder
 * (events.ts, table.ts) build on it; nothing here knows about roles or the panel.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBDataChunk } from '@duckdb/node-api';
import { CausewayError, type ErrorLocation } from '../../errors.js';
import { arrowRelation, type ArrowSample } from './arrow.js';

export type FileFormat = 'csv' | 'tsv' | 'parquet' | 'ndjson' | 'arrow';
const FILE_FORMATS: FileFormat[] = ['csv', 'tsv', 'parquet', 'ndjson', 'arrow'];

/** Where a file source's rows come from: files (a path, a glob or a list) or a SQL query. */
interface FileInput {
  path?: string | string[];
  query?: string;
  format?: FileFormat;
  /** Folder the spec lives in: relative paths (also inside `query`) resolve against it. */
  baseDir: string;
  /** How errors name this input (e.g. `data.path` or `data.tables.users`). */
  label: string;
  /**
   * The user sample of the events: Arrow files (read here row by row, arrow.ts) leave out the rows
   * outside it while reading; the other formats read every row and the loader samples them.
   */
  sample?: ArrowSample;
  /** Only the file list is wanted (fingerprints): Arrow files are not read and `relation` is empty. */
  filesOnly?: boolean;
}

/** A column's type as causeway uses it: a number, true/false, text (categorical), a time, or unusable. */
type ColumnKind = 'number' | 'boolean' | 'category' | 'time' | 'date' | 'other';

export interface ColumnInfo {
  name: string;
  /** DuckDB's type name (BIGINT, VARCHAR, TIMESTAMP …), shown in messages. */
  sqlType: string;
  kind: ColumnKind;
  /** Integer type (the key columns keep such values as they are). */
  integer: boolean;
}

const INTEGER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;

function kindOfSqlType(sqlType: string): ColumnKind {
  const t = sqlType.toUpperCase();
  if (INTEGER_TYPES.test(t) || /^(FLOAT|DOUBLE|REAL)$/.test(t) || t.startsWith('DECIMAL')) return 'number';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'VARCHAR' || t.startsWith('ENUM')) return 'category';
  if (t.startsWith('TIMESTAMP')) return 'time';
  if (t === 'DATE') return 'date';
  return 'other';
}

/** SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** SQL identifier. */
export function sqlName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function formatOf(file: string, declared: FileFormat | undefined, label: string): FileFormat {
  if (declared) return declared;
  const lower = file.toLowerCase().replace(/\.(gz|gzip|zst)$/, '');
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.tsv') || lower.endsWith('.tab')) return 'tsv';
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return 'parquet';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl') || lower.endsWith('.json')) return 'ndjson';
  if (lower.endsWith('.arrow') || lower.endsWith('.feather') || lower.endsWith('.ipc')) return 'arrow';
  throw new CausewayError('DATA_UNKNOWN_FORMAT', `${label}: cannot tell the format of ${file} from its name`, { kind: 'path', path: file },
    `add format: ${FILE_FORMATS.join(' | ')}`);
}

let instance: Promise<DuckDBInstance> | null = null;

/** One in-process database per process; each caller gets its own connection. */
export async function connect(baseDir: string): Promise<DuckDBConnection> {
  instance ??= DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', threads: '2' });
  const con = await (await instance).connect();
  await con.run(`SET file_search_path = ${sqlString(baseDir)}`);
  await con.run(`SET TimeZone = 'UTC'`);
  return con;
}

export interface ResolvedInput {
  /** The SQL relation (a table function call or a parenthesised query). */
  relation: string;
  /** Files read (empty for a query). */
  files: string[];
  format: FileFormat | null;
  label: string;
  /** Rows the sample left out while reading (Arrow files only; they are not in the relation). */
  skipped?: number;
}

const GLOB = /[*?[]/;

/** Expands the files of an input (checking each exists) and builds the relation that reads them. */
export async function resolveInput(con: DuckDBConnection, input: FileInput): Promise<ResolvedInput> {
  if (input.query !== undefined) {
    return { relation: `(${input.query})`, files: [], format: null, label: input.label };
  }
  const patterns = input.path === undefined ? [] : Array.isArray(input.path) ? input.path : [input.path];
  if (patterns.length === 0) {
    throw new CausewayError('DATA_NO_PATH', `${input.label} needs path (a file, a glob or a list) or query`, { kind: 'none' });
  }
  const files: string[] = [];
  for (const pattern of patterns) {
    const absolute = isAbsolute(pattern) ? pattern : resolve(input.baseDir, pattern);
    if (GLOB.test(pattern)) {
      const found = await con.runAndReadAll(`SELECT file FROM glob(${sqlString(absolute)}) ORDER BY file`);
      const matched = found.getRows().map((r) => String(r[0]));
      if (matched.length === 0) {
        throw new CausewayError('DATA_MISSING_FILE', `${input.label}: the glob ${pattern} matches no file`, { kind: 'path', path: absolute });
      }
      files.push(...matched);
    } else {
      if (!existsSync(absolute) || !statSync(absolute).isFile()) {
        throw new CausewayError('DATA_MISSING_FILE', `${input.label}: no file ${pattern}`, { kind: 'path', path: absolute });
      }
      files.push(absolute);
    }
  }
  const formats = new Set(files.map((f) => formatOf(f, input.format, input.label)));
  if (formats.size > 1) {
    throw new CausewayError('DATA_MIXED_FORMATS', `${input.label}: the files are of several formats (${[...formats].join(', ')}); use one`, { kind: 'path', path: files[0] });
  }
  const format = [...formats][0];
  const list = `[${files.map(sqlString).join(', ')}]`;
  let relation: string;
  let skipped: number | undefined;
  switch (format) {
    case 'csv':
      relation = `read_csv(${list}, header = true, union_by_name = true, filename = '__file')`;
      break;
    case 'tsv':
      relation = `read_csv(${list}, header = true, delim = '\\t', union_by_name = true, filename = '__file')`;
      break;
    case 'parquet':
      relation = `read_parquet(${list}, union_by_name = true, filename = '__file')`;
      break;
    case 'ndjson':
      relation = `read_json(${list}, format = 'newline_delimited', union_by_name = true, filename = '__file')`;
      break;
    case 'arrow':
      if (input.filesOnly) relation = '';
      else ({ relation, skipped } = await arrowRelation(con, files, input.label, input.sample));
      break;
  }
  return { relation, files, format, label: input.label, ...(skipped ? { skipped } : {}) };
}

/** Rewrites DuckDB's message about a file that is not what it claims to be into a located error. */
function readError(e: unknown, input: ResolvedInput): never {
  if (e instanceof CausewayError) throw e;
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  const file = input.files.find((f) => message.includes(f)) ?? input.files[0];
  const what = input.format ? `could not be read as ${input.format}` : 'query failed';
  throw new CausewayError('DATA_BAD_FILE', `${input.label}: ${what}: ${message}`, file ? { kind: 'path', path: file } : { kind: 'none' });
}

/** The columns of an input, from the file header / Parquet schema / query result schema; no rows read. */
export async function describeInput(con: DuckDBConnection, input: ResolvedInput): Promise<ColumnInfo[]> {
  try {
    const reader = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${input.relation}`);
    return reader.getRows()
      .map((r) => ({ name: String(r[0]), sqlType: String(r[1]) }))
      .filter((c) => c.name !== '__file' && !(input.format === 'arrow' && c.name === '__row'))
      .map((c) => ({ ...c, kind: kindOfSqlType(c.sqlType), integer: INTEGER_TYPES.test(c.sqlType.toUpperCase()) }));
  } catch (e) {
    readError(e, input);
  }
}

/**
 * Streams the rows of `SELECT <select> FROM input` chunk by chunk; `onChunk` gets each chunk's
 * columns (as JS values: number, string, boolean, bigint, null) and the source file of each row when
 * `withFile` (the relation's `__file` column, last in the select list).
 */
export async function streamRows(
  con: DuckDBConnection,
  sql: string,
  input: ResolvedInput,
  onChunk: (columns: unknown[][], rows: number) => void,
): Promise<void> {
  try {
    const result = await con.stream(sql);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const n = chunk.rowCount;
      const columns: unknown[][] = [];
      for (let c = 0; c < chunk.columnCount; c++) {
        const vector = chunk.getColumnVector(c);
        const values = new Array<unknown>(n);
        for (let i = 0; i < n; i++) values[i] = vector.getItem(i);
        columns.push(values);
      }
      onChunk(columns, n);
    }
  } catch (e) {
    readError(e, input);
  }
}

/** Streams the chunks of a query (column vectors, read with getItem); DuckDB errors become located ones. */
export async function streamChunks(con: DuckDBConnection, sql: string, input: ResolvedInput, onChunk: (chunk: DuckDBDataChunk, rows: number) => void): Promise<void> {
  let result;
  try {
    result = await con.stream(sql);
  } catch (e) {
    readError(e, input);
  }
  for (;;) {
    let chunk: DuckDBDataChunk | null;
    try {
      chunk = await result.fetchChunk();
    } catch (e) {
      readError(e, input);
    }
    if (!chunk || chunk.rowCount === 0) break;
    onChunk(chunk, chunk.rowCount);
  }
}

/**
 * The file and line of the `row`-th row (0-based) of an input as DuckDB reads it (in file order,
 * files in the listed order): CSV/TSV lines count the header.
 */
export async function locateRow(con: DuckDBConnection, input: ResolvedInput, row: number, column: string): Promise<ErrorLocation> {
  if (input.files.length === 0) return { kind: 'data', member: `${input.label} query result`, line: row + 1, column };
  let file = input.files[0];
  let before = row;
  if (input.format === 'arrow') {
    // The sample may have left rows out of the table: it keeps each row's place in its file.
    const r = await con.runAndReadAll(`SELECT __file, __row FROM ${input.relation} LIMIT 1 OFFSET ${row}`);
    const [f, n] = r.getRows()[0] ?? [file, row];
    return { kind: 'data', member: String(f), line: Number(n) + 1, column };
  }
  if (input.files.length > 1) {
    const r = await con.runAndReadAll(`SELECT __file FROM ${input.relation} LIMIT 1 OFFSET ${row}`);
    file = String(r.getRows()[0]?.[0] ?? file);
    const c = await con.runAndReadAll(`SELECT count(*) FROM (SELECT __file FROM ${input.relation} LIMIT ${row}) WHERE __file <> ${sqlString(file)}`);
    before = row - Number(c.getRows()[0][0]);
  }
  const line = input.format === 'csv' || input.format === 'tsv' ? before + 2 : before + 1;
  return { kind: 'data', member: file, line, column };
}

/**
 * Content fingerprint of files: each file's name relative to the spec folder (so two files swapped between
 * names, or a file renamed, change it, and a project moved elsewhere keeps it), size and SHA-256 of the bytes.
 */
export async function filesFingerprint(files: string[], baseDir: string, extra: unknown = null): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(extra));
  const folder = baseDir.endsWith(sep) ? baseDir.slice(0, -1) : baseDir;
  for (const file of files) {
    // Inside the folder: `/<name>` (the form fingerprints have always had); outside it: `../<name>`.
    const name = file.startsWith(folder + sep) ? file.slice(folder.length) : relative(folder, file);
    hash.update(`\0${name}\0${statSync(file).size}\0`);
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex').slice(0, 32);
}
