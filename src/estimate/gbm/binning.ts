/**
 * Per-feature quantile binning for histogram boosting.
 *
 * Each feature gets at most `maxBins` (≤ 255) ordered bins; bin code 255 is reserved for missing
 * values (NaN). Bin b holds the values v with upper[b-1] < v ≤ upper[b]; the last upper bound is
 * +Infinity, so a split "bin ≤ b" is the raw rule "v ≤ upper[b]" and predictions on new data need
 * no binning. Upper bounds sit halfway between neighbouring distinct values (as LightGBM does), so
 * unseen values between two training values are routed by proximity. Quantiles are unweighted.
 */
import type { DesignMatrix } from '../ml/contracts.js';

/**
 * Where a design matrix's rows came from: columns lead .. lead+source.cols-1 hold source's columns at
 * rows `index` (every row when null). Cross-fitting builds one design per fold and model from the same
 * frame (src/estimate/ml/common.ts designRows); with this, binning sorts each frame column once and
 * filters that order to a fold's rows instead of sorting every fold again. The cut points are still
 * the training rows' own, so the bins (and models) are the same as without it.
 */
export interface RowOrigin {
  source: DesignMatrix;
  index: Int32Array | null;
  lead: number;
  /** The lead columns' values at the rows (a lazy design's, src/estimate/ml/common.ts lazyRows). */
  leadValues?: Float64Array[];
}

/**
 * A design matrix that may say where its rows came from (optional; binning works without it).
 * `materialised: false`: a lazy design whose `data` is not formed yet (src/estimate/ml/common.ts lazyRows); binning then reads
 * its columns from the origin and leaves it unformed.
 */
export type DesignWithOrigin = DesignMatrix & { origin?: RowOrigin; readonly materialised?: boolean };

/** Whether X is a lazy design not formed yet, whose columns binning reads from its origin. */
export function isUnformed(X: DesignWithOrigin): boolean {
  return X.materialised === false && X.origin?.leadValues !== undefined;
}

/** Column j of a lazy design (X.rows values) from its origin: a lead column as given, a source column gathered into `out` at `at`. */
export function gatherColumn(X: DesignWithOrigin, j: number, out: Float64Array, at: number): Float64Array {
  const { source, index, lead, leadValues } = X.origin!;
  const n = X.rows;
  if (j < lead) return leadValues![j];
  const src = (j - lead) * source.rows;
  if (index) for (let k = 0; k < n; k++) out[at + k] = source.data[src + index[k]];
  else out.set(source.data.subarray(src, src + n), at);
  return out.subarray(at, at + n);
}

/** A lazy design's matrix (what its `data` would hold), column after column into the start of `out`. */
export function formDesign(X: DesignWithOrigin, out: Float64Array): Float64Array {
  const n = X.rows;
  const { lead, leadValues } = X.origin!;
  for (let j = 0; j < X.cols; j++) {
    if (j < lead) out.set(leadValues![j], j * n);
    else gatherColumn(X, j, out, j * n);
  }
  return out.subarray(0, n * X.cols);
}

/** Sorted row orders of each source column, computed once per source matrix (keyed by its data buffer). */
const sourceOrders = new WeakMap<Float64Array, (Int32Array | undefined)[]>();

function sourceOrder(source: DesignMatrix, j: number, sorter: () => RadixArgsort): Int32Array {
  let orders = sourceOrders.get(source.data);
  if (!orders) {
    orders = new Array(source.cols);
    sourceOrders.set(source.data, orders);
  }
  let order = orders[j];
  if (!order) {
    const n = source.rows;
    order = sorter().sort(source.data.subarray(j * n, (j + 1) * n)).slice();
    orders[j] = order;
  }
  return order;
}

/** One source column binned over one set of rows: its codes (in the rows' order), upper bounds and whether any value was missing. */
interface ColumnBins {
  codes: Uint8Array;
  uppers: Float64Array;
  missing: boolean;
}

/**
 * Bins of source columns over a set of rows, kept for the next fit on the same rows: a cross-fitting fold
 * fits several models on one training set (the outcome and mediator models of src/estimate/ml/mediation.ts),
 * whose designs share the frame's columns. Keyed by the rows' index array (the source's data when every
 * row), the source's data and maxBins; the bins are a function of exactly those, so they are the same.
 */
const columnBins = new WeakMap<object, WeakMap<Float64Array, Map<number, (ColumnBins | undefined)[]>>>();

function binsOf(origin: RowOrigin, maxBins: number): (ColumnBins | undefined)[] {
  const rowsKey = origin.index ?? origin.source.data;
  let bySource = columnBins.get(rowsKey);
  if (!bySource) columnBins.set(rowsKey, (bySource = new WeakMap()));
  let byBins = bySource.get(origin.source.data);
  if (!byBins) bySource.set(origin.source.data, (byBins = new Map()));
  let list = byBins.get(maxBins);
  if (!list) byBins.set(maxBins, (list = new Array(origin.source.cols)));
  return list;
}

/** Whether `column` holds source column j at the origin's rows (=== row by row, or both missing). */
function holdsSourceColumn(column: Float64Array, origin: RowOrigin, j: number): boolean {
  const { source, index } = origin;
  const src = source.data;
  const off = j * source.rows;
  for (let k = 0; k < column.length; k++) {
    const v = column[k];
    const w = src[off + (index ? index[k] : k)];
    if (v !== w && (v === v || w === w)) return false;
  }
  return true;
}

/** Bin code of a missing value; real bins are 0 .. binCount-1 ≤ 254. */
export const MISSING_BIN = 255;
/** Slots per feature in a histogram: 255 real bins + the missing bin. */
export const BIN_SLOTS = 256;

export interface BinnedMatrix {
  rows: number;
  cols: number;
  /** Column-major bin codes: codes[j*rows + i]. */
  codes: Uint8Array;
  /** Upper bounds per feature (length binCount[j]; the last is +Infinity). */
  uppers: Float64Array[];
  binCount: Int32Array;
  /** Whether the feature had any missing value in the training data. */
  hasMissing: Uint8Array;
}

/** Upper bin bounds for one column's non-missing values, sorted ascending in place. */
export function binUppers(sorted: Float64Array, maxBins: number): Float64Array {
  const m = sorted.length;
  if (m === 0) return Float64Array.of(Infinity);
  // Distinct values first: few of them ⇒ one bin each.
  let distinct = 1;
  for (let i = 1; i < m; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  const uppers: number[] = [];
  if (distinct <= maxBins) {
    let prev = sorted[0];
    for (let i = 1; i < m; i++) {
      const v = sorted[i];
      if (v !== prev) {
        uppers.push(midpoint(prev, v));
        prev = v;
      }
    }
  } else {
    // Equal-count bins by rank; a tied value never straddles two bins, and after a heavy tie (say
    // 90% zeros) the remaining bins are spread over the remaining values, so tails keep resolution.
    let start = 0;
    let binsLeft = maxBins;
    while (binsLeft > 1 && start < m) {
      let idx = start + Math.max(1, Math.round((m - start) / binsLeft)) - 1;
      const v = sorted[idx];
      let hi = m;
      let lo = idx;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid] <= v) lo = mid + 1;
        else hi = mid;
      }
      idx = lo - 1;
      if (idx >= m - 1) break;
      uppers.push(midpoint(v, sorted[idx + 1]));
      start = idx + 1;
      binsLeft--;
    }
  }
  uppers.push(Infinity);
  return Float64Array.from(uppers);
}

function midpoint(a: number, b: number): number {
  const mid = a + (b - a) / 2;
  // Guarantee a ≤ mid < b even when a and b are adjacent doubles (or a is −Infinity: NaN).
  return mid !== mid || mid >= b ? a : mid;
}

/** First bin whose upper bound is ≥ v (binary search); v must not be NaN. */
export function binOf(uppers: Float64Array, v: number): number {
  let lo = 0;
  let hi = uppers.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= uppers[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function binMatrix(X: DesignWithOrigin, maxBins: number): BinnedMatrix {
  const n = X.rows;
  const p = X.cols;
  const codes = new Uint8Array(n * p);
  const uppers: Float64Array[] = [];
  const binCount = new Int32Array(p);
  const hasMissing = new Uint8Array(p);
  const sorter = new RadixArgsort(n);
  const sorted = new Float64Array(n);
  const origin = X.origin;
  // Position of each source row in X (−1: not in X); a row taken twice disables the origin.
  let position: Int32Array | null = null;
  let sourceSorter: RadixArgsort | null = null;
  const sourceSorterOf = () => (sourceSorter ??= new RadixArgsort(origin!.source.rows));
  if (origin && origin.source.rows > 0 && (origin.index ? origin.index.length : origin.source.rows) === n) {
    position = new Int32Array(origin.source.rows).fill(-1);
    for (let k = 0; k < n; k++) {
      const r = origin.index ? origin.index[k] : k;
      if (position[r] !== -1) {
        position = null;
        break;
      }
      position[r] = k;
    }
  }
  const filtered = new Int32Array(n);
  const known = position ? binsOf(origin!, maxBins) : null;
  // A lazy design's columns are read from its origin into one scratch column, as its data would hold them.
  const unformed = isUnformed(X);
  const scratch = unformed ? new Float64Array(n) : null;
  const columnOf = (j: number): Float64Array => (unformed ? gatherColumn(X, j, scratch!, 0) : X.data.subarray(j * n, (j + 1) * n));
  for (let j = 0; j < p; j++) {
    const offset = j * n;
    const sourceColumn = j - (origin?.lead ?? 0);
    let order: Int32Array | null = null;
    const fromSource = position !== null && sourceColumn >= 0 && sourceColumn < origin!.source.cols;
    const before = fromSource ? known![sourceColumn] : undefined;
    // (a lazy design's source columns are the source's by construction: not read to be compared)
    const column = before && unformed ? null : columnOf(j);
    if (before && (column === null || holdsSourceColumn(column, origin!, sourceColumn))) {
      // an earlier fit on the same rows binned this column already
      uppers.push(before.uppers);
      binCount[j] = before.uppers.length;
      hasMissing[j] = before.missing ? 1 : 0;
      codes.set(before.codes, offset);
      continue;
    }
    let restricted = false;
    if (fromSource) {
      order = restrictOrder(sourceOrder(origin!.source, sourceColumn, sourceSorterOf), position!, column!, filtered, sorted);
      restricted = order !== null;
    }
    if (!order) {
      order = sorter.sort(column!);
      for (let k = 0; k < order.length; k++) sorted[k] = column![order[k]];
    }
    const m = order.length;
    const up = binUppers(sorted.subarray(0, m), maxBins);
    uppers.push(up);
    binCount[j] = up.length;
    if (m < n) {
      hasMissing[j] = 1;
      codes.fill(MISSING_BIN, offset, offset + n);
    }
    // Walk the values in ascending order: each bin is a run, no search needed.
    let bin = 0;
    let upper = up[0];
    for (let k = 0; k < m; k++) {
      const v = sorted[k];
      while (v > upper) upper = up[++bin];
      codes[offset + order[k]] = bin;
    }
    // kept for the next fit on these rows only when the column was binned from the source's order (X holds its values)
    if (restricted) known![sourceColumn] = { codes: codes.slice(offset, offset + n), uppers: up, missing: m < n };
  }
  return { rows: n, cols: p, codes, uppers, binCount, hasMissing };
}

/**
 * The source column's sorted order restricted to X's rows, as positions in X (written to `out`, the
 * values to `sorted`); null when it is not a valid sort of `column` (values not ascending, or missing
 * rows not left out: X no longer holds the source's values), and binning sorts the column itself.
 */
export function restrictOrder(sourceOrder: Int32Array, position: Int32Array, column: Float64Array, out: Int32Array,
  sorted: Float64Array): Int32Array | null {
  let m = 0;
  let prev = -Infinity;
  for (let k = 0; k < sourceOrder.length; k++) {
    const at = position[sourceOrder[k]];
    if (at < 0) continue;
    const v = column[at];
    if (!(v >= prev)) return null; // descending, or NaN
    out[m] = at;
    sorted[m] = v;
    prev = v;
    m++;
  }
  // Every non-missing value of the column must be in the order (each position occurs at most once).
  let present = 0;
  for (let i = 0; i < column.length; i++) if (column[i] === column[i]) present++;
  return present === m ? out.subarray(0, m) : null;
}

/** Below this many values a column is sorted by 8-bit digits (see RadixArgsort.sort; measured crossover). */
const SHORT_COLUMN_ROWS = 6000;

/**
 * Stable LSD radix argsort of a Float64 column on its IEEE bits (16- or 8-bit digits by length, passes
 * whose digit is constant skipped); NaN rows are left out. About 10× faster than Float64Array.prototype.sort here.
 */
class RadixArgsort {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private idx: Int32Array;
  private hi2: Uint32Array;
  private lo2: Uint32Array;
  private idx2: Int32Array;
  private readonly counts: Int32Array;
  private readonly bits = new Float64Array(1);
  private readonly words = new Uint32Array(this.bits.buffer);

  constructor(n: number) {
    // a column of fewer values than SHORT_COLUMN_ROWS is sorted by 8-bit digits: 256 counters do
    this.counts = new Int32Array(n < SHORT_COLUMN_ROWS ? 256 : 65536);
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.idx = new Int32Array(n);
    this.hi2 = new Uint32Array(n);
    this.lo2 = new Uint32Array(n);
    this.idx2 = new Int32Array(n);
  }

  /** Row indices of the non-NaN values in ascending value order (ties in row order). */
  sort(column: Float64Array): Int32Array {
    const bits = this.bits;
    const words = this.words;
    let m = 0;
    for (let i = 0; i < column.length; i++) {
      const v = column[i];
      if (v !== v) continue;
      bits[0] = v === 0 ? 0 : v; // −0 sorts with +0
      let lo = words[0];
      let hi = words[1];
      // Order-preserving map of IEEE doubles to unsigned integers.
      if (hi & 0x80000000) {
        hi = ~hi >>> 0;
        lo = ~lo >>> 0;
      } else hi = (hi | 0x80000000) >>> 0;
      this.hi[m] = hi;
      this.lo[m] = lo;
      this.idx[m] = i;
      m++;
    }
    // Stable LSD passes over the 64-bit keys: 16-bit digits (4 passes) for long columns, 8-bit digits
    // (8 passes) for short ones, where clearing and summing 65,536 counters per pass cost far more than
    // the rows (a 1,000-row column took about 0.4 ms, most of the gbm's binning on small frames). Both
    // give the same order: ascending keys, ties in row order.
    const digitBits = m < SHORT_COLUMN_ROWS ? 8 : 16;
    const mask = (1 << digitBits) - 1;
    const perWord = 32 / digitBits;
    const counts = this.counts;
    for (let pass = 0; pass < 2 * perWord; pass++) {
      const keys = pass >= perWord ? this.hi : this.lo;
      const shift = (pass % perWord) * digitBits;
      counts.fill(0, 0, mask + 1);
      for (let k = 0; k < m; k++) counts[(keys[k] >>> shift) & mask]++;
      if (m === 0 || counts[(keys[0] >>> shift) & mask] === m) continue;
      let total = 0;
      for (let d = 0; d <= mask; d++) {
        const c = counts[d];
        counts[d] = total;
        total += c;
      }
      const { hi, lo, idx, hi2, lo2, idx2 } = this;
      for (let k = 0; k < m; k++) {
        const d = (keys[k] >>> shift) & mask;
        const to = counts[d]++;
        hi2[to] = hi[k];
        lo2[to] = lo[k];
        idx2[to] = idx[k];
      }
      this.hi = hi2;
      this.lo = lo2;
      this.idx = idx2;
      this.hi2 = hi;
      this.lo2 = lo;
      this.idx2 = idx;
    }
    return this.idx.subarray(0, m);
  }
}
