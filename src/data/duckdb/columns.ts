/**
 * Columns gathered row by row from a DuckDB stream into the ColumnTable of src/data/table.ts
 * (numbers as Float64Array with NaN for missing, text dictionary-coded in order of first
 * appearance with -1 for missing), and the stable hash that samples text user keys.
 */
import type { ColumnTable } from '../table.js';
import { GrowableFloat64 } from '../resizable.js';

interface ColumnPlan { name: string; kind: 'number' | 'category' }

export class TableBuilder {
  private readonly numbers: GrowableFloat64[];
  private readonly codes: number[][];
  private readonly levels: Map<string, number>[];
  private length = 0;

  constructor(private readonly columns: ColumnPlan[]) {
    this.numbers = columns.map(() => new GrowableFloat64());
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

  /** Appends the rows `keep[0..count)` of one chunk's column vector to column k. */
  appendColumn(k: number, vector: { getItem(i: number): unknown }, keep: Int32Array, count: number): void {
    if (this.columns[k].kind === 'number') {
      const out = this.numbers[k];
      for (let j = 0; j < count; j++) {
        const v = vector.getItem(keep[j]);
        out.push(v === null ? NaN : typeof v === 'boolean' ? (v ? 1 : 0) : Number(v));
      }
    } else {
      const out = this.codes[k];
      const levels = this.levels[k];
      for (let j = 0; j < count; j++) {
        const v = vector.getItem(keep[j]);
        if (v === null || v === '') {
          out.push(-1);
          continue;
        }
        const text = String(v);
        let code = levels.get(text);
        if (code === undefined) levels.set(text, (code = levels.size));
        out.push(code);
      }
    }
    if (k === 0) this.length += count;
  }

  finish(): ColumnTable {
    if (this.columns.length > 0) this.length = this.columns[0].kind === 'number' ? this.numbers[0].length : this.codes[0].length;
    const table: ColumnTable = { length: this.length, numeric: {}, categorical: {} };
    this.columns.forEach((col, c) => {
      if (col.kind === 'number') table.numeric[col.name] = this.numbers[c].finish();
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

/** Text values dictionary-coded as they stream (null for missing). */
export class TextCodes {
  private readonly codes: number[] = [];
  private readonly ids = new Map<string, number>();
  private readonly texts: string[] = [];
  push(v: string | null): void {
    if (v === null) {
      this.codes.push(-1);
      return;
    }
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.texts.length;
      this.ids.set(v, id);
      this.texts.push(v);
    }
    this.codes.push(id);
  }
  values(): (string | null)[] {
    return this.codes.map((c) => (c < 0 ? null : this.texts[c]));
  }
}
