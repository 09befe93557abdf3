/**
 * Columns gathered row by row from a DuckDB stream into the ColumnTable of src/data/table.ts
 * (numbers as Float64Array with NaN for missing, text dictionary-coded in order of first
 * appearance with -1 for missing), and the stable hash that samples text user keys.
 */
import type { ColumnTable } from '../table.js';

export interface ColumnPlan { name: string; kind: 'number' | 'category' }

export class TableBuilder {
  private readonly numbers: number[][];
  private readonly codes: number[][];
  private readonly levels: Map<string, number>[];
  private length = 0;

  constructor(private readonly columns: ColumnPlan[]) {
    this.numbers = columns.map(() => []);
    this.codes = columns.map(() => []);
    this.levels = columns.map(() => new Map());
  }

  /** One row, in the order of the columns given to the constructor. */
  push(values: unknown[]): void {
    for (let c = 0; c < this.columns.length; c++) {
      const v = values[c];
      if (this.columns[c].kind === 'number') {
        this.numbers[c].push(v === null || v === undefined ? NaN : typeof v === 'boolean' ? (v ? 1 : 0) : Number(v));
      } else if (v === null || v === undefined || v === '') {
        this.codes[c].push(-1);
      } else {
        const text = String(v);
        const levels = this.levels[c];
        let code = levels.get(text);
        if (code === undefined) levels.set(text, (code = levels.size));
        this.codes[c].push(code);
      }
    }
    this.length++;
  }

  finish(): ColumnTable {
    const table: ColumnTable = { length: this.length, numeric: {}, categorical: {} };
    this.columns.forEach((col, c) => {
      if (col.kind === 'number') table.numeric[col.name] = Float64Array.from(this.numbers[c]);
      else table.categorical[col.name] = { codes: Int32Array.from(this.codes[c]), levels: [...this.levels[c].keys()] };
    });
    return table;
  }
}

/**
 * The sample hash of a text key: 32-bit FNV-1a over its UTF-8 bytes, as an unsigned integer. Users
 * with keyHash(key) % modulus == remainder are kept (docs/data.md); the same key is kept by every
 * run, machine and file order.
 */
export function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
