/**
 * Panel → analysis frame: population rows, treatment by threshold, mediator, outcomes, and the
 * covariate matrix built as docs/seeds.md §002/§004 do (numeric coerced and median-imputed, categorical one-hot
 * with drop_first in pandas' sorted level order, constant columns dropped, names kept).
 */
import { CausewayError } from '../errors.js';
import type { ColumnTable } from '../data/table.js';
import { quantileSorted, sortedFinite } from './quantile.js';
import type { AnalysisFrame, DesignMatrix, TreatmentDefinition } from './types.js';

/** codes[index[k]] for each k, by a loop (Int32Array.from(index, mapFn) goes through the iterator protocol, ~20× slower). */
function gatherInt32(codes: ArrayLike<number>, index: Int32Array): Int32Array {
  const out = new Int32Array(index.length);
  for (let k = 0; k < index.length; k++) out[k] = codes[index[k]]!;
  return out;
}

export type { AnalysisFrame, DesignMatrix } from './types.js';

/** The part of panel/'s Panel that the frame needs (the real Panel satisfies it). */
export interface PanelLike {
  length: number;
  userId: Int32Array;
  table: ColumnTable;
}

interface CovariateTransform {
  /** log(1 + x); values below −1 are an error */
  log1p?: boolean;
  /** clip to these quantiles (computed over the frame's rows, linear interpolation) */
  winsorize?: [number, number];
}

export interface FrameDefinition {
  /** population mask per panel row, from panel's expression evaluation: included when > 0; NaN counts as excluded */
  population?: Float64Array | Uint8Array | null;
  treatment: TreatmentDefinition;
  mediator?: string | null;
  outcome: string;
  secondary?: string[];
  covariates: {
    /** names or globs (`lag_1_*`, `onehot_feat?`), expanded in table column order */
    numeric?: string[];
    categorical?: string[];
    /** only median is supported (docs/seeds.md §002/§004) */
    impute?: 'median';
    /** default true */
    dropConstant?: boolean;
    /** per covariate name or glob; applied after imputation: log1p, then winsorize */
    transforms?: Record<string, CovariateTransform>;
  };
  /** other columns copied into frame.extra (segments, heterogeneity) */
  extra?: string[];
  /** column marking active days for `threshold.among: active_days` (default active_day) */
  activeDayColumn?: string;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Expand names and globs against available columns, keeping first occurrence order. */
function expandNames(patterns: string[], available: string[], warnings: string[], what: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const pat of patterns) {
    if (/[*?]/.test(pat)) {
      const re = globToRegExp(pat);
      const hits = available.filter((c) => re.test(c));
      if (!hits.length) warnings.push(`${what} pattern "${pat}" matched no column`);
      for (const h of hits)
        if (!seen.has(h)) {
          seen.add(h);
          out.push(h);
        }
    } else {
      if (!available.includes(pat))
        throw new CausewayError('FRAME_MISSING_COLUMN', `${what} "${pat}" is not a column of the panel`, { kind: 'none' }, closest(pat, available));
      if (!seen.has(pat)) {
        seen.add(pat);
        out.push(pat);
      }
    }
  }
  return out;
}

function closest(name: string, options: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const d = editDistance(name, o);
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  return best !== undefined && bestD <= Math.max(2, name.length / 4) ? `did you mean "${best}"?` : undefined;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

function numericColumn(table: ColumnTable, name: string, what: string): Float64Array {
  const col = table.numeric[name];
  if (col) return col;
  if (table.categorical[name]) {
    // coerce like pd.to_numeric(errors="coerce"): numeric-looking levels become numbers, others NaN
    const cat = table.categorical[name];
    const values = cat.levels.map((l) => (l.trim() === '' ? NaN : Number(l)));
    return Float64Array.from(cat.codes, (c) => (c < 0 ? NaN : values[c]));
  }
  throw new CausewayError('FRAME_MISSING_COLUMN', `${what} "${name}" is not a column of the panel`, { kind: 'none' }, closest(name, [...Object.keys(table.numeric), ...Object.keys(table.categorical)]));
}

function inMask(mask: Float64Array | Uint8Array | null | undefined, i: number): boolean {
  if (!mask) return true;
  const v = mask[i];
  return v > 0;
}

export function buildFrame(panel: PanelLike, def: FrameDefinition): AnalysisFrame {
  const warnings: string[] = [];
  const table = panel.table;
  const N = panel.length;
  const mask = def.population ?? null;
  if (mask && mask.length !== N)
    throw new CausewayError('FRAME_BAD_POPULATION', `population mask has ${mask.length} rows, panel has ${N}`);
  let nanInMask = 0;
  if (mask instanceof Float64Array) for (let i = 0; i < N; i++) if (Number.isNaN(mask[i])) nanInMask++;
  if (nanInMask) warnings.push(`population expression was missing (NaN) on ${nanInMask} panel rows; those rows are excluded`);

  const measure = numericColumn(table, def.treatment.measure, 'treatment measure');
  const mediator = def.mediator ? numericColumn(table, def.mediator, 'mediator') : null;
  const outcome = numericColumn(table, def.outcome, 'outcome');
  const secondaryNames = def.secondary ?? [];
  const secondaryCols = secondaryNames.map((s) => numericColumn(table, s, 'secondary outcome'));

  // population rows
  const population: number[] = [];
  for (let i = 0; i < N; i++) if (inMask(mask, i)) population.push(i);

  // threshold
  let threshold: number;
  const th = def.treatment.threshold;
  if ('value' in th) threshold = th.value;
  else {
    if (!(th.quantile >= 0 && th.quantile <= 1))
      throw new CausewayError('FRAME_BAD_THRESHOLD', `treatment quantile must be in [0, 1], got ${th.quantile}`);
    const among = th.among ?? 'population';
    let pool: number[];
    if (among === 'active_days') {
      const activeName = def.activeDayColumn ?? 'active_day';
      const active = numericColumn(table, activeName, 'active-day column');
      pool = population.filter((i) => active[i] > 0).map((i) => measure[i]);
    } else pool = population.map((i) => measure[i]);
    const sorted = sortedFinite(pool);
    if (!sorted.length)
      throw new CausewayError('FRAME_EMPTY', `no ${among === 'active_days' ? 'active-day ' : ''}population row has a value of ${def.treatment.measure}; the treatment threshold cannot be computed`);
    threshold = quantileSorted(sorted, th.quantile);
  }

  // exclude rows with missing A / M / Y
  let missingTreatment = 0;
  let missingMediator = 0;
  let missingOutcome = 0;
  const rowsList: number[] = [];
  for (const i of population) {
    if (Number.isNaN(measure[i])) {
      missingTreatment++;
      continue;
    }
    if (mediator && Number.isNaN(mediator[i])) {
      missingMediator++;
      continue;
    }
    if (Number.isNaN(outcome[i])) {
      missingOutcome++;
      continue;
    }
    rowsList.push(i);
  }
  const rows = Int32Array.from(rowsList);
  const n = rows.length;
  const excludedTotal = missingTreatment + missingMediator + missingOutcome;
  if (excludedTotal)
    warnings.push(
      `${excludedTotal} population rows excluded for missing values (treatment ${missingTreatment}, mediator ${missingMediator}, outcome ${missingOutcome})`,
    );
  if (n === 0) warnings.push('the analysis frame is empty: no population row has treatment, mediator and outcome');

  // loops, not Float64Array.from(rows, mapFn): that goes through the iterator protocol, ~20× slower per column
  const take = (col: Float64Array) => {
    const out = new Float64Array(rows.length);
    for (let k = 0; k < rows.length; k++) out[k] = col[rows[k]];
    return out;
  };
  const A = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) A[k] = measure[rows[k]] >= threshold ? 1 : 0;
  let treated = 0;
  for (let i = 0; i < n; i++) treated += A[i];
  if (n > 0 && (treated === 0 || treated === n))
    warnings.push(`one treatment arm is empty: ${treated === 0 ? 'no row' : 'every row'} has ${def.treatment.measure} >= ${threshold}`);
  const M = mediator ? take(mediator) : null;
  if (M && n > 1 && M.every((v) => v === M[0])) warnings.push(`the mediator ${def.mediator} is constant in the frame`);
  const Y = take(outcome);
  const secondary: Record<string, Float64Array> = {};
  secondaryNames.forEach((s, k) => (secondary[s] = take(secondaryCols[k])));
  const cluster = gatherInt32(panel.userId, rows);

  const X = buildCovariates(table, rows, def.covariates, warnings);

  const extra: { length: number; numeric: Record<string, Float64Array>; categorical: Record<string, { codes: Int32Array; levels: string[] }> } = {
    length: n,
    numeric: {},
    categorical: {},
  };
  for (const name of def.extra ?? []) {
    if (table.numeric[name]) extra.numeric[name] = take(table.numeric[name]);
    else if (table.categorical[name]) {
      const c = table.categorical[name];
      extra.categorical[name] = { codes: gatherInt32(c.codes, rows), levels: c.levels };
    } else throw new CausewayError('FRAME_MISSING_COLUMN', `extra column "${name}" is not a column of the panel`);
  }

  return {
    n,
    rows,
    cluster,
    A,
    M,
    Y,
    secondary,
    X,
    extra,
    definitions: {
      treatment: def.treatment,
      mediator: def.mediator ?? undefined,
      outcome: def.outcome,
      secondary: secondaryNames,
      threshold,
      treatedShare: n ? treated / n : NaN,
      covariates: X.names,
      excluded: { missingTreatment, missingMediator, missingOutcome },
      populationRows: population.length,
    },
    warnings,
  };
}

/** Median of the non-missing values (pandas Series.median); NaN when all missing. */
function median(values: Float64Array): number {
  return quantileSorted(sortedFinite(values), 0.5);
}

function buildCovariates(
  table: ColumnTable,
  rows: Int32Array,
  spec: FrameDefinition['covariates'],
  warnings: string[],
): DesignMatrix {
  const n = rows.length;
  const numericNames = expandNames(spec.numeric ?? [], [...Object.keys(table.numeric), ...Object.keys(table.categorical)], warnings, 'numeric covariate');
  const categoricalNames = expandNames(spec.categorical ?? [], [...Object.keys(table.categorical), ...Object.keys(table.numeric)], warnings, 'categorical covariate');
  const transforms = Object.entries(spec.transforms ?? {}).map(([pat, t]) => ({ re: globToRegExp(pat), t, pat }));
  const cols: Float64Array[] = [];
  const names: string[] = [];
  for (const name of numericNames) {
    const src = numericColumn(table, name, 'numeric covariate');
    const col = new Float64Array(n);
    let missing = 0;
    for (let i = 0; i < n; i++) {
      const v = src[rows[i]];
      col[i] = v;
      if (Number.isNaN(v)) missing++;
    }
    // the median (a sort of the column) only when there is something to fill
    const med = missing ? median(col) : NaN;
    if (missing) for (let i = 0; i < n; i++) if (Number.isNaN(col[i])) col[i] = med;
    if (missing && Number.isNaN(med)) warnings.push(`covariate ${name} is missing on every row; dropped`);
    for (const { re, t, pat } of transforms) {
      if (!re.test(name)) continue;
      if (t.log1p) {
        for (let i = 0; i < n; i++) {
          if (col[i] < -1)
            throw new CausewayError('FRAME_BAD_TRANSFORM', `log1p transform of ${name} (from "${pat}") meets a value below −1 (${col[i]})`);
          col[i] = Math.log1p(col[i]);
        }
      }
      if (t.winsorize) {
        const [lo, hi] = t.winsorize;
        const sorted = sortedFinite(col);
        const qlo = quantileSorted(sorted, lo);
        const qhi = quantileSorted(sorted, hi);
        for (let i = 0; i < n; i++) col[i] = Math.min(Math.max(col[i], qlo), qhi);
      }
    }
    cols.push(col);
    names.push(name);
  }
  for (const name of categoricalNames) {
    // pandas: astype("string").fillna("missing"), get_dummies sorts levels, drop_first drops the smallest
    const labels = categoricalCovariateLabels(table, name, rows);
    const levels = categoricalLevels(labels);
    const index = new Map(levels.map((l, k) => [l, k]));
    const codes = Int32Array.from(labels, (l) => index.get(l)!);
    for (let k = 1; k < levels.length; k++) {
      const col = new Float64Array(n);
      for (let i = 0; i < n; i++) if (codes[i] === k) col[i] = 1;
      cols.push(col);
      names.push(`${name}_${levels[k]}`);
    }
  }
  const keep: number[] = [];
  const dropConstant = spec.dropConstant ?? true;
  const dropped: string[] = [];
  for (let j = 0; j < cols.length; j++) {
    const c = cols[j];
    let constant = true;
    for (let i = 1; i < n; i++)
      if (c[i] !== c[0] && !(Number.isNaN(c[i]) && Number.isNaN(c[0]))) {
        constant = false;
        break;
      }
    const allNaN = n > 0 && Number.isNaN(c[0]) && constant;
    if (allNaN || (dropConstant && constant)) dropped.push(names[j]);
    else keep.push(j);
  }
  if (dropped.length) warnings.push(`constant covariates dropped: ${dropped.join(', ')}`);
  // one column more than the design, unused by it: see withSpareColumn
  const data = new Float64Array(n * (keep.length + 1)).subarray(0, n * keep.length);
  designsWithSpareColumn.add(data);
  keep.forEach((j, k) => data.set(cols[j], k * n));
  return { rows: n, cols: keep.length, data, names: keep.map((j) => names[j]) };
}

/** The designs buildCovariates made, each followed in its buffer by one column's room that nothing else uses. */
const designsWithSpareColumn = new WeakSet<Float64Array>();

/**
 * X's values followed by one more column, on X's own buffer when buildCovariates left room for it (else
 * null): the random-common-cause refuter (src/sensitivity/refuters.ts) writes its noise column there
 * rather than copying the design for its repetitions (38 MB on the full-size demo frame, the highest
 * point of that cell with glibc's `MALLOC_MMAP_THRESHOLD_` set; docs/performance-notes.md, Memory).
 * Writing the returned array's last column never changes X; the previous result must no longer be in use.
 */
export function withSpareColumn(X: DesignMatrix): Float64Array | null {
  if (!designsWithSpareColumn.has(X.data)) return null;
  return new Float64Array(X.data.buffer, X.data.byteOffset, X.rows * (X.cols + 1));
}

function codePointCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How pandas prints a float64 as a string category ("1.0", "2.5"). */
function pandasNumberString(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/**
 * One buffer for the designs of successive subsets of a frame (bootstrap replicates, refuter repetitions):
 * a loop then holds one design, where a fresh copy per subset left several (38 MB each on the full-size
 * demo frame) to the collector and to the allocator. Each subset gets a new view of the buffer, so caches
 * keyed by the array (src/estimate/env.ts, src/estimate/gbm/binning.ts) never take one subset's values for
 * another's. The previous subset must no longer be in use when the next is made.
 */
export class DesignScratch {
  private buffer: ArrayBuffer | null = null;
  /** A fresh view of `length` doubles (contents unspecified) on the shared buffer. */
  view(length: number): Float64Array {
    // an eighth to spare: replicates drawn with replacement vary in size
    if (!this.buffer || this.buffer.byteLength < length * 8) this.buffer = new ArrayBuffer(Math.ceil(length * 1.125) * 8);
    return new Float64Array(this.buffer, 0, length);
  }
}

/**
 * Rows `index` of a frame (a bootstrap replicate or a fold); `cluster` may be replaced (bootstrap draws).
 * With `scratch` the design is written into its buffer (see DesignScratch).
 */
export function subsetFrame(frame: AnalysisFrame, index: Int32Array, cluster?: Int32Array, scratch?: DesignScratch): AnalysisFrame {
  const take = (a: Float64Array) => {
    const out = new Float64Array(index.length);
    for (let k = 0; k < index.length; k++) out[k] = a[index[k]];
    return out;
  };
  const n = index.length;
  const X = frame.X;
  const data = scratch ? scratch.view(n * X.cols) : new Float64Array(n * X.cols);
  for (let j = 0; j < X.cols; j++) {
    const off = j * X.rows;
    for (let i = 0; i < n; i++) data[j * n + i] = X.data[off + index[i]];
  }
  const secondary: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(frame.secondary)) secondary[k] = take(v);
  const extraNumeric: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(frame.extra.numeric)) extraNumeric[k] = take(v);
  const extraCat: Record<string, { codes: Int32Array; levels: string[] }> = {};
  for (const [k, v] of Object.entries(frame.extra.categorical)) extraCat[k] = { codes: gatherInt32(v.codes, index), levels: v.levels };
  return {
    ...frame,
    n,
    rows: gatherInt32(frame.rows, index),
    cluster: cluster ?? gatherInt32(frame.cluster, index),
    A: take(frame.A),
    M: frame.M ? take(frame.M) : null,
    Y: take(frame.Y),
    secondary,
    X: { rows: n, cols: X.cols, data, names: X.names },
    extra: { length: n, numeric: extraNumeric, categorical: extraCat },
  };
}

/** The frame with a secondary outcome as Y (rows where it is missing removed and counted). */
export function frameForOutcome(frame: AnalysisFrame, outcome: string): AnalysisFrame {
  if (outcome === frame.definitions.outcome) return frame;
  const y = frame.secondary[outcome];
  if (!y) throw new CausewayError('FRAME_MISSING_COLUMN', `outcome "${outcome}" is not in the frame (secondary: ${Object.keys(frame.secondary).join(', ') || 'none'})`);
  const keep: number[] = [];
  for (let i = 0; i < frame.n; i++) if (!Number.isNaN(y[i])) keep.push(i);
  const sub = keep.length === frame.n ? { ...frame } : subsetFrame(frame, Int32Array.from(keep));
  const Y = keep.length === frame.n ? y : sub.secondary[outcome];
  const dropped = frame.n - keep.length;
  return {
    ...sub,
    Y,
    definitions: { ...frame.definitions, outcome },
    warnings: dropped ? [...frame.warnings, `${dropped} rows without ${outcome} excluded`] : frame.warnings,
  };
}

/**
 * The covariate names a frame's design starts from: the spec's names and globs expanded against the
 * panel's columns exactly as buildCovariates expands them (src/analysis/design-summary.ts reports their
 * quality); unmatched globs are skipped silently here, buildCovariates already warned.
 */
export function expandCovariateNames(table: ColumnTable, spec: { numeric?: string[]; categorical?: string[] }): { numeric: string[]; categorical: string[] } {
  const ignored: string[] = [];
  return {
    numeric: expandNames(spec.numeric ?? [], [...Object.keys(table.numeric), ...Object.keys(table.categorical)], ignored, 'numeric covariate'),
    categorical: expandNames(spec.categorical ?? [], [...Object.keys(table.categorical), ...Object.keys(table.numeric)], ignored, 'categorical covariate'),
  };
}

/** A numeric covariate's values over all panel rows before imputation (categorical text coerced as pd.to_numeric does). */
export function numericCovariateValues(table: ColumnTable, name: string): Float64Array {
  return numericColumn(table, name, 'numeric covariate');
}

/** A categorical covariate's label per row of `rows`, as the design encodes it ('missing' for a missing value). */
export function categoricalCovariateLabels(table: ColumnTable, name: string, rows: Int32Array): string[] {
  if (table.categorical[name]) {
    const c = table.categorical[name];
    return Array.from(rows, (i) => (c.codes[i] < 0 ? 'missing' : c.levels[c.codes[i]]));
  }
  const src = table.numeric[name];
  if (!src) throw new CausewayError('FRAME_MISSING_COLUMN', `categorical covariate "${name}" is not a column of the panel`);
  return Array.from(rows, (i) => (Number.isNaN(src[i]) ? 'missing' : pandasNumberString(src[i])));
}

/** The levels of a categorical covariate's labels in the design's order (its first is dropped). */
export function categoricalLevels(labels: readonly string[]): string[] {
  return [...new Set(labels)].sort(codePointCompare);
}
