/**
 * Growing and shrinking resizable ArrayBuffers, and the growable Float64 column on them that the CSV
 * reader (src/data/csv.ts) and the DuckDB sources (src/data/duckdb/columns.ts) fill.
 *
 * Shrinking: V8 zeroes the bytes it gives back before releasing them, so one
 * resize from a doubled capacity down to the length briefly makes the whole spare tail resident (up to
 * half the column: 31 MB for a 4.5 M-row column, 200 MB for a 50 M-row one) at the moment the read
 * ends. Shrinking one MiB at a time keeps that at one MiB.
 */
const STEP = 1 << 20;

export function shrinkResizable(buf: { byteLength: number; resize(byteLength: number): void }, byteLength: number): void {
  for (let len = buf.byteLength; len > byteLength;) {
    len = Math.max(byteLength, len - STEP);
    buf.resize(len);
  }
}

/**
 * The next capacity (in elements) of a column growing in place: doubling from 1,024 elements up to
 * 131,072, then 65,536 elements (512 KiB of doubles) at a time. Growing in place costs no copy, so small
 * steps are cheap (a 4.5 M-row column grows 75 times), and the spare capacity left when the read ends
 * stays under 512 KiB, and under the column's own size while it is small. That spare tail matters: the
 * shrink zeroes it, and zeroing pages never written makes them resident one page fault at a time. With
 * steps of 2 MiB past a million elements, the shrinks of the full-size bench archive's data stage took
 * 53–62 ms of the main thread (9–18 ms with 512 KiB steps); starting every column at 65,536 elements,
 * each small table's read zeroed 512 KiB a column (test/data/csv-plain.test.ts, thousands of small
 * reads, took 25 s instead of 14 s). Measured 2026-12-04, on a machine where a page fault costs about 9 µs.
 */
export function nextCapacity(capacity: number): number {
  return capacity < 1 << 17 ? Math.max(1 << 10, capacity * 2) : capacity + (1 << 16);
}

/**
 * Empties the resizable buffer an array spans, so its pages are given back at once instead of when a
 * GC collects the buffer; an array that is not the whole of a resizable buffer is left as it is. The
 * array (and every view of the buffer) then has no elements: only for a caller done with all of them.
 */
export function releaseResizable(array: Float64Array): void {
  const buf = array.buffer as ArrayBuffer & { resizable?: boolean; resize?(byteLength: number): void };
  if (buf.resizable === true && array.byteOffset === 0 && array.byteLength === buf.byteLength) buf.resize!(0);
}

/**
 * Values [start, end) of a column as a plain array: copied into `scratch` when the column lives in a
 * resizable buffer (as the CSV reader makes them), which V8 reads several times slower, since its
 * length may change under the loop; a view otherwise.
 */
export function plainView(column: Float64Array, start: number, end: number, scratch: Float64Array): Float64Array {
  const view = column.subarray(start, end);
  if ((column.buffer as { resizable?: boolean }).resizable !== true) return view;
  const out = scratch.subarray(0, view.length);
  out.set(view);
  return out;
}

interface ResizableBuffer extends ArrayBuffer { resize(byteLength: number): void; readonly maxByteLength: number }
// Resizable ArrayBuffer (ES2024, in Node 20's V8); the project's lib is ES2023, hence the local typing.
const Resizable = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ResizableBuffer;
/** The largest resizable buffer V8 allows: 2^32 bytes, 536 M numbers per column. */
export const MAX_RESIZABLE_BYTES = 2 ** 32;
/** Elements a column holds on a plain array before it moves to a resizable buffer (512 KiB of doubles). */
const PLAIN_START_MAX = 1 << 16;

/**
 * A growable Float64 column. Past PLAIN_START_MAX elements it lives on a resizable ArrayBuffer and grows
 * in place (pages are committed only as they are written), so a large column never exists twice in
 * memory — the peak RSS of a load is the size of its columns, not twice that as with grow-and-copy or
 * chunk-and-concatenate. Below that it starts on a plain array: each resizable buffer costs about 80 µs
 * of system calls (reserve, commit, shrink, release), which small tables — most of what a run reads
 * besides the matrix, and thousands of reads in the tests — need not pay (`npm test` took 242 s with
 * every column resizable, 208 s without, 2026-12-04).
 */
export class GrowableFloat64 {
  private buf: ResizableBuffer | null = null;
  /** The column as it stands: its first `length` values (a view valid until the next push). */
  view = new Float64Array(0);
  private cap = 0;
  length = 0;
  /**
   * `maxRows`: the rows the resizable buffer reserves room for (a bound from the input's size; a column
   * that passes it moves to a buffer twice as large, with one copy). Past MAX_RESIZABLE_BYTES, a RangeError.
   */
  constructor(private maxRows = MAX_RESIZABLE_BYTES / 8) {}
  push(v: number): void {
    if (this.length === this.cap) this.grow();
    this.view[this.length++] = v;
  }
  /** push of every value of `values`, in order. */
  pushAll(values: Float64Array): void {
    while (this.cap - this.length < values.length) this.grow();
    this.view.set(values, this.length);
    this.length += values.length;
  }
  private grow(): void {
    if (this.cap >= this.maxRows) {
      if (this.maxRows >= MAX_RESIZABLE_BYTES / 8) throw new RangeError(`more than ${MAX_RESIZABLE_BYTES / 8} values in one column`);
      this.maxRows = Math.min(MAX_RESIZABLE_BYTES / 8, Math.max(1, this.maxRows) * 2);
    }
    const next = Math.min(this.maxRows, nextCapacity(this.cap));
    if (this.buf !== null && next * 8 <= this.buf.maxByteLength) {
      this.buf.resize(next * 8);
      this.view = new Float64Array(this.buf);
    } else {
      const kept = this.view.subarray(0, this.length);
      if (this.buf === null && next <= PLAIN_START_MAX) this.view = new Float64Array(next);
      else {
        this.buf = new Resizable(next * 8, { maxByteLength: this.maxRows * 8 });
        this.view = new Float64Array(this.buf);
      }
      this.view.set(kept);
    }
    this.cap = next;
  }
  /** The column, exactly `length` values long (no spare capacity kept). */
  finish(): Float64Array {
    if (this.buf === null) return this.length === this.cap ? this.view : this.view.slice(0, this.length);
    shrinkResizable(this.buf, this.length * 8);
    this.cap = this.length;
    return new Float64Array(this.buf, 0, this.length);
  }
}

/** A numeric column read as runs of equal values (RunLengthFloat64.finish). */
export interface RunLengthColumn {
  length: number;
  /** How many runs, or null when the column changed too often to be kept as runs. */
  runs: number | null;
  /** The column as a plain array. */
  expand(): Float64Array;
}

/** Rows [start, end) of `count` runs (run k holds values[k] up to, not including, row ends[k]), written into `out` from index 0. */
function runRows(values: Float64Array, ends: Float64Array, count: number, start: number, end: number, out: Float64Array): Float64Array {
  // the first run ending after `start`
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid] > start) hi = mid;
    else lo = mid + 1;
  }
  for (let k = lo, i = start; i < end; k++) {
    const stop = Math.min(ends[k], end);
    out.fill(values[k], i - start, stop - start);
    i = stop;
  }
  return out.subarray(0, end - start);
}

/** Equal as a run counts them: NaN equals NaN, and 0 does not equal -0 (so expanding gives back the very values). */
function sameValue(a: number, b: number): boolean {
  return a === b ? a !== 0 || 1 / a === 1 / b : a !== a && b !== b;
}

/**
 * A numeric column kept as runs of equal values while it is read, for a column that changes rarely in
 * the file's order: a sorted event log's date has about 89,000 runs in the 4.5 M rows of the full-size
 * bench archive, so the reader writes under 2 MB instead of 36 MB of fresh pages (on this project's
 * machines each first touch of a page costs about 10 µs; src/data/kuairec/load.ts readMatrix). Read
 * back by rows (`rows`) or whole (`finish().expand()`). A column whose runs outnumber an eighth of its
 * rows (a file in another order) goes on as a plain growable column, so it never takes more memory
 * than one.
 */
export class RunLengthFloat64 {
  length = 0;
  private count = 0;
  private values: Float64Array = new Float64Array(1024);
  /** The row after each run's last. */
  private ends: Float64Array = new Float64Array(1024);
  /** The column once it changed too often to be kept as runs. */
  private plain: GrowableFloat64 | null = null;

  /** `maxRows`: as GrowableFloat64's, for the plain column it may become. */
  constructor(private readonly maxRows?: number) {}

  push(v: number): void {
    if (this.plain) {
      this.plain.push(v);
      this.length++;
      return;
    }
    const last = this.count - 1;
    if (last >= 0 && sameValue(this.values[last], v)) this.ends[last] = ++this.length;
    else {
      this.open(v, ++this.length);
      this.checkRuns();
    }
  }

  /** push of every value of `values`, in order. */
  pushAll(values: Float64Array): void {
    if (this.plain) {
      this.plain.pushAll(values);
      this.length += values.length;
      return;
    }
    let last = this.count - 1;
    let current = last >= 0 ? this.values[last] : NaN;
    let length = this.length;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      length++;
      if (last >= 0 && sameValue(current, v)) continue;
      if (last >= 0) this.ends[last] = length - 1;
      this.open(v, length);
      last = this.count - 1;
      current = v;
    }
    if (last >= 0) this.ends[last] = length;
    this.length = length;
    this.checkRuns();
  }

  private open(v: number, end: number): void {
    if (this.count === this.values.length) {
      const grow = (a: Float64Array): Float64Array => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.values = grow(this.values);
      this.ends = grow(this.ends);
    }
    this.values[this.count] = v;
    this.ends[this.count] = end;
    this.count++;
  }

  /** Past an eighth of the rows in runs, the column goes on as a plain one. */
  private checkRuns(): void {
    if (this.count <= Math.max(1024, this.length >> 3)) return;
    const plain = new GrowableFloat64(this.maxRows);
    plain.pushAll(runRows(this.values, this.ends, this.count, 0, this.length, new Float64Array(this.length)));
    this.plain = plain;
    this.values = new Float64Array(0);
    this.ends = new Float64Array(0);
    this.count = 0;
  }

  /** Rows [start, end) written into `out` (at least end − start long); returns the part of `out` written. */
  rows(start: number, end: number, out: Float64Array): Float64Array {
    if (this.plain) {
      out.set(this.plain.view.subarray(start, end));
      return out.subarray(0, end - start);
    }
    return runRows(this.values, this.ends, this.count, start, end, out);
  }

  finish(): RunLengthColumn {
    const length = this.length;
    if (this.plain) {
      const column = this.plain.finish();
      this.plain = null;
      return { length, runs: null, expand: () => column };
    }
    const count = this.count;
    const values = this.values.slice(0, count);
    const ends = this.ends.slice(0, count);
    this.values = new Float64Array(0);
    this.ends = new Float64Array(0);
    return { length, runs: count, expand: () => runRows(values, ends, count, 0, length, new Float64Array(length)) };
  }
}
