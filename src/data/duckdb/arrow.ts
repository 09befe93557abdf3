/**
 * Arrow IPC / Feather files for the file sources. DuckDB reads Arrow only through an extension that
 * would have to be downloaded, so the files are read here with apache-arrow (already a dependency,
 * src/panel/cache.ts) batch by batch and appended into a temporary DuckDB table of the connection;
 * the sources then read that table like any other relation. The whole file lands in DuckDB's memory
 * (not only the sampled rows): for large logs prefer Parquet.
 */
import { readFileSync } from 'node:fs';
import { RecordBatchReader, Type, type DataType } from 'apache-arrow';
import { DuckDBDateValue, DuckDBTimestampValue, type DuckDBConnection } from '@duckdb/node-api';
import { CausewayError } from '../../errors.js';

function sqlName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

type Kind = 'DOUBLE' | 'BOOLEAN' | 'VARCHAR' | 'TIMESTAMP' | 'DATE';

function kindOf(type: DataType): Kind {
  switch (type.typeId) {
    case Type.Int: case Type.Float: case Type.Decimal: return 'DOUBLE';
    case Type.Bool: return 'BOOLEAN';
    case Type.Timestamp: return 'TIMESTAMP';
    case Type.Date: return 'DATE';
    case Type.Dictionary: return kindOf((type as unknown as { dictionary: DataType }).dictionary);
    default: return 'VARCHAR';
  }
}

let tables = 0;

/** Appends the Arrow files into one temporary table (with a `__file` column); returns its name. */
export async function arrowRelation(con: DuckDBConnection, files: string[], label: string): Promise<string> {
  const name = `__arrow_${++tables}`;
  let columns: Array<{ name: string; kind: Kind }> | null = null;
  for (const file of files) {
    let reader: RecordBatchReader;
    try {
      reader = RecordBatchReader.from(readFileSync(file));
      reader.open();
    } catch (e) {
      throw new CausewayError('DATA_BAD_FILE', `${label}: could not be read as Arrow IPC: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, { kind: 'path', path: file });
    }
    const fields = reader.schema.fields.map((f) => ({ name: f.name, kind: kindOf(f.type) }));
    if (!columns) {
      columns = fields;
      await con.run(`CREATE TEMP TABLE ${name} (${[...columns.map((c) => `${sqlName(c.name)} ${c.kind}`), '__file VARCHAR'].join(', ')})`);
    } else if (JSON.stringify(fields) !== JSON.stringify(columns)) {
      throw new CausewayError('DATA_BAD_FILE', `${label}: this Arrow file's columns differ from the first file's`, { kind: 'path', path: file });
    }
    const appender = await con.createAppender(name);
    for (const batch of reader) {
      const vectors = columns.map((c) => batch.getChild(c.name)!);
      for (let i = 0; i < batch.numRows; i++) {
        columns.forEach((c, k) => {
          const v = vectors[k].get(i) as unknown;
          if (v === null || v === undefined) return appender.appendNull();
          switch (c.kind) {
            case 'DOUBLE': return appender.appendDouble(Number(v));
            case 'BOOLEAN': return appender.appendBoolean(Boolean(v));
            case 'TIMESTAMP': return appender.appendTimestamp(new DuckDBTimestampValue(BigInt(Math.round(Number(v) * 1000)))); // apache-arrow gives epoch ms
            case 'DATE': return appender.appendDate(new DuckDBDateValue(Math.round(Number(v) / 86_400_000)));
            default: return appender.appendVarchar(String(v));
          }
        });
        appender.appendVarchar(file);
        appender.endRow();
      }
    }
    appender.closeSync();
  }
  return name;
}
