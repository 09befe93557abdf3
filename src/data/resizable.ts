/**
 * Growing and shrinking resizable ArrayBuffers (the columns of src/data/csv.ts and src/data/duckdb/columns.ts).
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
