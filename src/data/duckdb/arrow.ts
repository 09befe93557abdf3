/**
 * Arrow IPC / Feather files for the file sources. DuckDB reads Arrow only through an extension that
 * would have to be downloaded, so the files are read here with apache-arrow and appended into a
 * temporary DuckDB table of the connection; the sources then read that table like any other relation.
 * Each file is read through a file handle one record batch at a time (a read stream would not do:
 * apache-arrow reads a file-format stream whole to reach its footer), and with a user sample only the
 * rows whose user key is in the sample are appended, by the rule the loader applies
 * (src/data/duckdb/events.ts: integer keys by their residue, text keys by keyHash in columns.ts), so
 * memory follows the sampled rows, not the file size. The table keeps each row's file (`__file`) and
 * its 0-based row in that file (`__row`) so errors still name the row of the file.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { RecordBatchReader, Type, type DataType } from 'apache-arrow';
import { DuckDBDateValue, DuckDBTimestampValue, type DuckDBConnection } from '@duckdb/node-api';
import { CausewayError } from '../../errors.js';
import { keyHash } from './columns.js';

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

/** A user sample to apply while reading: rows whose `column` is outside it are not appended. */
export interface ArrowSample { column: string; modulus: number; remainder: number }

/** Whether a row with this user key (as appended: a number for DOUBLE, text for VARCHAR) is kept. */
function inSample(kind: Kind, value: unknown, sample: ArrowSample): boolean {
  // Empty keys are kept: the loader reports them as errors naming the row.
  if (value === null || value === undefined) return true;
  if (kind === 'DOUBLE') {
    const k = Number(value);
    return (((k % sample.modulus) + sample.modulus) % sample.modulus) === sample.remainder;
  }
  const k = String(value);
  return k === '' || keyHash(k) % sample.modulus === sample.remainder;
}

let tables = 0;

/**
 * Appends the Arrow files into one temporary table (with `__file` and `__row` columns); returns its
 * name and how many rows the sample left out.
 */
export async function arrowRelation(con: DuckDBConnection, files: string[], label: string, sample?: ArrowSample): Promise<{ relation: string; skipped: number }> {
  const name = `__arrow_${++tables}`;
  let columns: Array<{ name: string; kind: Kind }> | null = null;
  let skipped = 0;
  const badFile = (file: string, e: unknown) => new CausewayError('DATA_BAD_FILE', `${label}: could not be read as Arrow IPC: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, { kind: 'path', path: file });
  for (const file of files) {
    let handle: FileHandle | null = null;
    try {
      handle = await open(file, 'r');
      let reader: Awaited<ReturnType<typeof RecordBatchReader.from>>;
      try {
        reader = await RecordBatchReader.from(handle);
        await reader.open();
      } catch (e) {
        throw badFile(file, e);
      }
      const fields = reader.schema.fields.map((f) => ({ name: f.name, kind: kindOf(f.type) }));
      if (!columns) {
        columns = fields;
        await con.run(`CREATE TEMP TABLE ${name} (${[...columns.map((c) => `${sqlName(c.name)} ${c.kind}`), '__file VARCHAR', '__row BIGINT'].join(', ')})`);
      } else if (JSON.stringify(fields) !== JSON.stringify(columns)) {
        throw new CausewayError('DATA_BAD_FILE', `${label}: this Arrow file's columns differ from the first file's`, { kind: 'path', path: file });
      }
      const cols = columns;
      // Only a user key the loader reads as a number or as text is sampled here; any other type is left to the loader's checks.
      const sampleAt = sample && sample.modulus !== 1 ? cols.findIndex((c) => c.name === sample.column && (c.kind === 'DOUBLE' || c.kind === 'VARCHAR')) : -1;
      const appender = await con.createAppender(name);
      let row = 0;
      try {
        for await (const batch of reader) {
          const vectors = cols.map((c) => batch.getChild(c.name)!);
          for (let i = 0; i < batch.numRows; i++, row++) {
            if (sampleAt >= 0 && !inSample(cols[sampleAt].kind, vectors[sampleAt].get(i), sample!)) {
              skipped++;
              continue;
            }
            cols.forEach((c, k) => {
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
            appender.appendBigInt(BigInt(row));
            appender.endRow();
          }
        }
        appender.closeSync();
      } catch (e) {
        try {
          appender.closeSync();
        } catch {
          // the read error below is the one to report
        }
        throw e;
      }
    } catch (e) {
      if (e instanceof CausewayError) throw e;
      throw badFile(file, e);
    } finally {
      await handle?.close().catch(() => {});
    }
  }
  return { relation: name, skipped };
}
