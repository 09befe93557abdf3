/**
 * Runs of adjacent events of one panel row (src/panel/build.ts indexEvents) and the user-day
 * aggregations over them: loops of their own, one per aggregation, so V8 optimises each once.
 */

/**
 * The events as runs of adjacent events with one user value and one date (so one panel row, -1 for an
 * undated event or a user outside the panel); adjacent runs of the same panel row are one run. Run k
 * is events [start[k], start[k + 1]). Data sorted by user and time has one run per active user-day, so
 * per-event codes and per-event aggregation loops over rows become loops over a few thousand runs.
 */
export interface RowRuns {
  count: number;
  start: Int32Array; // count + 1 entries, the last the number of events
  row: Int32Array;
  user: Int32Array; // panel user index, -1 outside the panel
}

/** The run holding event `i` (runs cover every event). */
export { runContaining as runAt } from '../data/loaded.js';

/**
 * The largest value when every present value is an integer in [0, 2^30) (-1 when none is present), else
 * -2: such values (ids, category codes) can index a lookup array themselves (values above `limit`
 * would make it too long).
 */
export function smallIntegerMax(values: Float64Array, limit = 0x3fffffff): number {
  limit = Math.min(limit, 0x3fffffff);
  let max = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    const c = v | 0; // v itself when v is an integer in [0, limit] (limit < 2^31)
    if (c !== v || c < 0 || c > limit) return -2;
    if (c > max) max = c;
  }
  return max;
}

/** Runs [first, last) of `runs`, clipped to the events [offset, end) that an argument array holds. */
export interface RunSpan {
  runs: RowRuns;
  first: number;
  last: number;
  offset: number;
  end: number;
}

export function sumRuns(out: Float64Array, arg: Float64Array, { runs, first, last, offset, end }: RunSpan): void {
  const runStart = runs.start;
  const runRow = runs.row;
  for (let k = first; k < last; k++) {
    const r = runRow[k];
    if (r < 0) continue;
    const stop = Math.min(runStart[k + 1], end) - offset;
    let sum = out[r];
    for (let i = Math.max(runStart[k], offset) - offset; i < stop; i++) {
      const v = arg[i];
      if (v === v) sum += v;
    }
    out[r] = sum;
  }
}

export function meanRuns(out: Float64Array, missing: Float64Array, arg: Float64Array, { runs, first, last, offset, end }: RunSpan): void {
  const runStart = runs.start;
  const runRow = runs.row;
  for (let k = first; k < last; k++) {
    const r = runRow[k];
    if (r < 0) continue;
    const stop = Math.min(runStart[k + 1], end) - offset;
    let sum = out[r];
    let absent = missing[r];
    for (let i = Math.max(runStart[k], offset) - offset; i < stop; i++) {
      const v = arg[i];
      if (v === v) sum += v;
      else absent++;
    }
    out[r] = sum;
    missing[r] = absent;
  }
}

export function minRuns(out: Float64Array, arg: Float64Array, { runs, first, last, offset, end }: RunSpan): void {
  const runStart = runs.start;
  const runRow = runs.row;
  for (let k = first; k < last; k++) {
    const r = runRow[k];
    if (r < 0) continue;
    const stop = Math.min(runStart[k + 1], end) - offset;
    let current = out[r];
    for (let i = Math.max(runStart[k], offset) - offset; i < stop; i++) {
      const v = arg[i];
      if (v !== v) continue;
      if (current !== current || v < current) current = v;
    }
    out[r] = current;
  }
}

export function maxRuns(out: Float64Array, arg: Float64Array, { runs, first, last, offset, end }: RunSpan): void {
  const runStart = runs.start;
  const runRow = runs.row;
  for (let k = first; k < last; k++) {
    const r = runRow[k];
    if (r < 0) continue;
    const stop = Math.min(runStart[k + 1], end) - offset;
    let current = out[r];
    for (let i = Math.max(runStart[k], offset) - offset; i < stop; i++) {
      const v = arg[i];
      if (v !== v) continue;
      if (current !== current || v > current) current = v;
    }
    out[r] = current;
  }
}

/** nunique of values that are small non-negative integers: the values are their own codes (as in nuniqueCodes). */
export function nuniqueRuns(out: Float64Array, arg: Float64Array, stamp: Int32Array, { runs, first, last, offset, end }: RunSpan): void {
  const runStart = runs.start;
  const runRow = runs.row;
  for (let k = first; k < last; k++) {
    const r = runRow[k];
    if (r < 0) continue;
    const stop = Math.min(runStart[k + 1], end) - offset;
    const tag = r + 1;
    let count = out[r];
    for (let i = Math.max(runStart[k], offset) - offset; i < stop; i++) {
      const v = arg[i];
      if (v !== v) continue;
      const c = v | 0;
      count += +(stamp[c] !== tag); // + 0 or 1, without a branch on it
      stamp[c] = tag;
    }
    out[r] = count;
  }
}

export function nuniqueCodedRuns(out: Float64Array, codes: Int32Array, stamp: Int32Array, { runs, first, last, offset, end }: RunSpan): void {
  const runStart = runs.start;
  const runRow = runs.row;
  for (let k = first; k < last; k++) {
    const r = runRow[k];
    if (r < 0) continue;
    const stop = Math.min(runStart[k + 1], end) - offset;
    let count = out[r];
    for (let i = Math.max(runStart[k], offset) - offset; i < stop; i++) {
      const c = codes[i];
      if (c >= 0 && stamp[c] !== r + 1) {
        stamp[c] = r + 1;
        count++;
      }
    }
    out[r] = count;
  }
}
