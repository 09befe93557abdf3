/**
 * What a cell records so the report can describe its data and its methods without recomputing anything:
 * the exploratory summary (missing rates of the columns the analysis uses, distributions of A, M and Y,
 * activity per calendar date), how its intervals were seeded and sized (`uncertainty`), and a bucketed
 * fingerprint of its treated rows and its mediator and outcome values, which src/sensitivity/robustness.ts
 * compares across grid cells to find axes that change (almost) nothing.
 */
import type { ColumnTable } from '../data/table.js';
import type { AnalysisFrame } from '../estimate/types.js';
import { quantileSorted, sortedFinite } from '../frame/quantile.js';
import type { AnalysisSettings } from './settings.js';

/** values[rows[k]] for each k (a loop: Float64Array.from(rows, mapFn) is ~20× slower on frame-length columns). */
function takeAt(values: ArrayLike<number>, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = values[rows[k]]!;
  return out;
}

/** The panel as the exploratory summary reads it (run/cell.ts passes the built panel). */
export interface ExploratoryPanel {
  length: number;
  dates: number[];
  userId?: Int32Array;
  dayIndex?: Int32Array;
  table?: ColumnTable;
}

const QUANTILES: Array<[string, number]> = [['min', 0], ['p05', 0.05], ['p25', 0.25], ['p50', 0.5], ['p75', 0.75], ['p95', 0.95], ['max', 1]];


function distribution(role: string, name: string, values: Float64Array) {
  const sorted = sortedFinite(values);
  let sum = 0;
  for (const v of sorted) sum += v;
  const q = (p: number) => (sorted.length ? quantileSorted(sorted, p) : null);
  const [min, p05, p25, p50, p75, p95, max] = QUANTILES.map(([, p]) => q(p));
  return { role, name, rows: values.length, finite: sorted.length, mean: sorted.length ? sum / sorted.length : null, min: min!, p05: p05!, p25: p25!, p50: p50!, p75: p75!, p95: p95!, max: max! };
}

/** A covariate name, or the panel columns a `*` pattern in it matches (in the panel's column order). */
function expand(pattern: string, table: ColumnTable): string[] {
  if (!pattern.includes('*')) return [pattern];
  const parts = pattern.split('*');
  // a glob: the first part a prefix, the last a suffix, the middle ones in order between them
  const matches = (name: string): boolean => {
    if (!name.startsWith(parts[0]!) || !name.endsWith(parts[parts.length - 1]!) || name.length < parts[0]!.length + parts[parts.length - 1]!.length) return false;
    let at = parts[0]!.length;
    const end = name.length - parts[parts.length - 1]!.length;
    for (const mid of parts.slice(1, -1)) {
      const k = name.indexOf(mid, at);
      if (k < 0 || k + mid.length > end) return false;
      at = k + mid.length;
    }
    return true;
  };
  return [...Object.keys(table.numeric), ...Object.keys(table.categorical)].filter(matches);
}

/** Share of population rows with a missing value, per column the analysis uses (before any row is dropped or imputed). */
function missingRates(settings: AnalysisSettings, frame: AnalysisFrame, panel: ExploratoryPanel, population: ArrayLike<number> | null) {
  const table = panel.table;
  if (!table) return [];
  const defs = frame.definitions;
  const used: Array<[string, string]> = [
    ['treatment measure', defs.treatment.measure],
    ...(defs.mediator ? [['mediator', defs.mediator] as [string, string]] : []),
    ['primary outcome', defs.outcome],
    ...defs.secondary.map((s) => ['secondary outcome', s] as [string, string]),
    ...[...settings.definitions.covariates.numeric, ...settings.definitions.covariates.categorical].flatMap((c) => expand(c, table).map((name) => ['covariate', name] as [string, string])),
  ];
  const inPop = (i: number) => !population || population[i] > 0;
  let rows = 0;
  for (let i = 0; i < table.length; i++) if (inPop(i)) rows++;
  const seen = new Set<string>();
  const out: Array<{ role: string; column: string; rows: number; missing: number; share: number }> = [];
  for (const [role, column] of used) {
    if (seen.has(column)) continue;
    seen.add(column);
    let missing = 0;
    const num = table.numeric[column];
    const cat = table.categorical[column];
    if (num) for (let i = 0; i < table.length; i++) { if (inPop(i) && Number.isNaN(num[i])) missing++; }
    else if (cat) for (let i = 0; i < table.length; i++) { if (inPop(i) && cat.codes[i] < 0) missing++; }
    else continue;
    out.push({ role, column, rows, missing, share: rows ? missing / rows : 0 });
  }
  return out;
}

/** Per calendar date: analysis rows, treated rows and the mean outcome; active users of the panel. */
function dailyActivity(frame: AnalysisFrame, panel: ExploratoryPanel) {
  if (!panel.dayIndex) return [];
  const days = panel.dates.length;
  const rows = new Float64Array(days);
  const treated = new Float64Array(days);
  const ySum = new Float64Array(days);
  const active = new Float64Array(days);
  for (let k = 0; k < frame.n; k++) {
    const d = panel.dayIndex[frame.rows[k]];
    rows[d]++;
    treated[d] += frame.A[k];
    ySum[d] += frame.Y[k];
  }
  const activeDay = panel.table?.numeric.active_day;
  if (activeDay) for (let i = 0; i < panel.length; i++) if (activeDay[i] > 0) active[panel.dayIndex[i]]++;
  return panel.dates.map((date, d) => ({
    date,
    activeUsers: activeDay ? active[d] : null,
    rows: rows[d],
    treatedRows: treated[d],
    meanOutcome: rows[d] ? ySum[d] / rows[d] : null,
  }));
}

export function exploratorySummary(settings: AnalysisSettings, frame: AnalysisFrame, panel: ExploratoryPanel, population: ArrayLike<number> | null) {
  const defs = frame.definitions;
  return {
    missing: missingRates(settings, frame, panel, population),
    distributions: [
      ...(panel.table?.numeric[defs.treatment.measure] ? [distribution('A measure', defs.treatment.measure, takeAt(panel.table!.numeric[defs.treatment.measure]!, frame.rows))] : []),
      distribution('A', defs.treatment.name, frame.A),
      ...(frame.M && defs.mediator ? [distribution('M', defs.mediator, frame.M)] : []),
      distribution('Y', defs.outcome, frame.Y),
    ],
    daily: dailyActivity(frame, panel),
  };
}

/** How the cell's intervals were seeded and sized: the report's Methods section reads it. */
export function uncertaintyRecord(settings: AnalysisSettings) {
  return {
    seed: settings.seed,
    cluster: 'user',
    bootstrap: settings.bootstrap && settings.bootstrap.reps > 0 ? { reps: settings.bootstrap.reps, level: settings.bootstrap.level } : null,
  };
}

/**
 * Buckets of the fingerprint: a row (user, date) falls in bucket hash(user, date) mod BUCKETS. Two cells
 * whose bucket differs may differ in any of that bucket's rows, so the rows of differing buckets bound
 * how many rows changed; 256 buckets keep one changed row's bound under 1% of rows on a frame of a
 * few hundred rows or more (src/sensitivity/robustness.ts compares the fingerprints).
 */
export const FINGERPRINT_BUCKETS = 256;

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function valueHash(x: number): number {
  if (Number.isNaN(x)) return 0x7fc00000;
  // 6 significant digits: a value recomputed in another order is the same value
  const s = x.toPrecision(6);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function toBase64(u: Uint32Array): string {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64');
}

/**
 * Per bucket: the number of rows and of treated rows, and order-free sums of row hashes of the treated
 * rows and of the mediator and outcome values (each a base64 Uint32Array of BUCKETS entries).
 */
export function frameFingerprint(frame: AnalysisFrame, panel: ExploratoryPanel) {
  const B = FINGERPRINT_BUCKETS;
  const rows = new Uint32Array(B);
  const treated = new Uint32Array(B);
  const hA = new Uint32Array(B);
  const hM = new Uint32Array(B);
  const hY = new Uint32Array(B);
  for (let k = 0; k < frame.n; k++) {
    const r = frame.rows[k];
    const user = panel.userId ? panel.userId[r] : frame.cluster[k];
    const day = panel.dayIndex ? panel.dates[panel.dayIndex[r]]! : r;
    const key = mix(Math.imul(user, 0x9e3779b1) ^ mix(day + 0x632be5ab));
    const b = key % B;
    rows[b]++;
    if (frame.A[k] > 0) {
      treated[b]++;
      hA[b] = (hA[b] + key) >>> 0;
    }
    if (frame.M) hM[b] = (hM[b] + mix(key ^ valueHash(frame.M[k]))) >>> 0;
    hY[b] = (hY[b] + mix(key ^ valueHash(frame.Y[k]))) >>> 0;
  }
  return {
    buckets: B,
    rows: frame.n,
    treatedRows: treated.reduce((s, v) => s + v, 0),
    bucketRows: toBase64(rows),
    bucketTreated: toBase64(treated),
    treated: toBase64(hA),
    mediator: frame.M ? toBase64(hM) : null,
    outcome: toBase64(hY),
  };
}
