/**
 * The results value: everything a run found, in one plain JSON-able value. The report, the CSV tables,
 * the figures and `compare` are all renderings of it; `causeway report` re-renders from results.json alone.
 * Schema tag `causeway.results/1`, JSON Schema in schemas/results.schema.json (a test keeps the two aligned).
 *
 * Numbers are finite or null, never NaN: `stableStringify` throws on NaN/Infinity so a bug cannot hide.
 */
import type { CrossfitFolds, EstimateValue, EstimatorResult } from '../estimate/types.js';

export type { EstimateValue, EstimatorResult };

export const RESULTS_SCHEMA_TAG = 'causeway.results/1' as const;

/** A JSON value as found in grid axes (a grid path's value: number, string, list…). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Results {
  schema: typeof RESULTS_SCHEMA_TAG;
  /** causeway version that produced the value */
  causeway: string;
  spec: SpecInfo;
  data: DataInfo;
  cells: CellResult[];
  summary: ResultsSummary;
  /** spec-provided limitations (the report adds ones the numbers call for) */
  limitations?: Limitation[];
  /** spec-provided recommendations (decision area → recommendation, evidence) */
  recommendations?: Recommendation[];
  warnings: string[];
}

export interface SpecInfo {
  name: string;
  title?: string;
  /** the question in plain words (defaults to the title) */
  question?: string;
  /** sha256 of the resolved spec text */
  hash: string;
  seed: number;
  /** report settings resolved from the spec */
  report?: { template?: string; figures?: string[]; formats?: Array<'png' | 'svg'> };
  /** grid axes in the spec's order: path → values tried */
  grid?: Array<{ path: string; values: JsonValue[] }>;
}

export interface DataInfo {
  source: string;
  /** which matrix / path was read, for the reader (not for hashing) */
  description?: string;
  fingerprint: string;
  coverage: DataCoverage;
  quality: QualityRow[];
  sample?: { modulus: number; remainder: number };
}

export interface DataCoverage {
  users: number;
  events: number;
  firstDate: number;
  lastDate: number;
  sampledUsers: number;
}

export interface QualityRow {
  check: string;
  rows: number;
  share: number;
  action: string;
}

export type CellStatus = 'ok' | 'failed' | 'skipped';

export interface CellResult {
  /** stable id: hash of the cell's resolved definition */
  id: string;
  /** grid path → value for this cell ({} for a spec without a grid) */
  axes: Record<string, JsonValue>;
  status: CellStatus;
  reason?: string;
  sample?: CellSample;
  definitions: CellDefinitions;
  readiness: ReadinessCheck[];
  assumptions: AssumptionCheck[];
  /** every estimator run; entries with `outcome` set are for a secondary outcome */
  estimators: EstimatorEntry[];
  diagnostics: CellDiagnostics;
  sensitivity?: Sensitivity;
  warnings: string[];
  /**
   * Fold assignments of the cell's cross-fitted estimators. Travels with the cell (cache, shards) but is
   * not part of results.json: run/run-spec.ts writes it to the run folder's crossfit_folds.csv.
   */
  crossfitFolds?: CellCrossfitFolds[];
}

/** One cross-fitted estimator's folds (`outcome` set for a secondary outcome's fit). */
export interface CellCrossfitFolds extends CrossfitFolds {
  estimator: string;
  outcome?: string;
}

export interface CellSample {
  /** analysis rows (user-days) */
  rows: number;
  users: number;
  treatedRows: number;
  controlRows: number;
  /** rows of the panel before the population filter */
  panelRows?: number;
  days?: number;
}

export interface CellDefinitions {
  treatment: TreatmentDef;
  mediator?: VariableDef | null;
  outcome: VariableDef;
  secondary: VariableDef[];
  population?: { rule: string; rows: number; share: number };
  covariates?: CovariateSummary;
}

export interface TreatmentDef {
  /** analysis name, e.g. A_high_discovery */
  name: string;
  /** measure thresholded */
  measure: string;
  /** the rule in words/symbols, e.g. "discovery_candidate_share >= q0.5 among population" */
  rule: string;
  /** resolved threshold value */
  threshold: number;
  quantile?: number | null;
  /** share of analysis rows with A = 1 */
  treatedShare: number;
}

export interface VariableDef {
  name: string;
  /** how it is computed (expression or description) */
  rule: string;
  mean?: number | null;
  sd?: number | null;
  /** share of population rows where it was missing (dropped) */
  missingShare?: number | null;
}

export interface CovariateSummary {
  numeric: string[];
  categorical: string[];
  /** encoded design columns after one-hot / drop-constant */
  designColumns: number;
  dropped: string[];
}

export interface ReadinessCheck {
  check: string;
  value: number | string | null;
  /** human threshold, e.g. ">= 0.70" */
  threshold?: string;
  /** null when not applicable */
  passes: boolean | null;
  note?: string;
}

export type AssumptionStatus = 'design_definition' | 'checked' | 'partially_checked' | 'not_testable';

export interface AssumptionCheck {
  assumption: string;
  status: AssumptionStatus;
  diagnostic: string;
  value: string;
  risk: string;
}

/**
 * An EstimatorResult (estimate/types.ts) plus, for the report, which outcome it is for.
 * `diagnostics` may hold the keys typed in `EstimatorDiagnostics`; the report reads them with guards.
 */
export interface EstimatorEntry extends EstimatorResult {
  /** absent = primary outcome; otherwise the secondary outcome's name */
  outcome?: string;
  /** display label, e.g. "AIPW, doubly robust" (defaults to id) */
  label?: string;
}

/** Known diagnostic keys (all optional) inside EstimatorResult.diagnostics or CellResult.diagnostics. */
export interface EstimatorDiagnostics {
  overlap?: OverlapSummary;
  balance?: BalanceRow[];
  /** effective sample size of the analysis weights, and its share of rows */
  ess?: number;
  essShare?: number;
  weights?: WeightDistribution;
  nuisance?: NuisanceRow[];
  importance?: ImportanceRow[];
  heterogeneity?: SegmentEffect[];
}

export interface CellDiagnostics extends EstimatorDiagnostics {
  /** estimator-style readiness rows; the report uses them when the cell has no `readiness` of its own */
  readiness?: ReadinessCheck[];
  residualMediatorOutcome?: {
    raw: { pearson: number | null; spearman: number | null };
    residual: { pearson: number | null; spearman: number | null };
  };
  [key: string]: unknown;
}

export interface OverlapSummary {
  treatmentRate: number;
  min: number;
  p01: number;
  p05: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
  shareBelow005: number;
  shareAbove095: number;
  /** propensity histogram by arm: edges has bins+1 entries, counts have bins entries */
  histogram?: { edges: number[]; treated: number[]; control: number[] };
}

export interface BalanceRow {
  covariate: string;
  treatedMean: number | null;
  controlMean: number | null;
  smdBefore: number | null;
  weightedTreatedMean?: number | null;
  weightedControlMean?: number | null;
  smdAfter: number | null;
}

export interface WeightDistribution {
  name?: string;
  mean: number;
  sd: number;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  ess: number;
  essShare: number;
}

export interface NuisanceRow {
  model: string;
  /** propensity | outcome | mediator | effect */
  target: string;
  rmse?: number | null;
  mae?: number | null;
  r2?: number | null;
  auc?: number | null;
  logLoss?: number | null;
  brier?: number | null;
  folds?: number;
}

export interface ImportanceRow {
  model: string;
  target: string;
  feature: string;
  gain: number;
  splits?: number;
  /** gain / total gain of that model */
  share: number;
}

export interface SegmentEffect {
  /** segmenting variable, e.g. prior_3day_interactions */
  by: string;
  /** segment label, e.g. "low (0, 36]" */
  segment: string;
  rows: number;
  users?: number;
  treatedShare?: number | null;
  /** estimand key, e.g. ate or te */
  estimand?: string;
  value: EstimateValue;
}

export interface Sensitivity {
  evalues?: EValueRow[];
  refuters?: RefuterRow[];
  weights?: WeightSensitivityRow[];
}

export interface EValueRow {
  estimator: string;
  estimand: string;
  /** E-value of the point estimate */
  point: number | null;
  /** E-value of the CI bound closest to the null (1 when the CI crosses it) */
  ciBound: number | null;
  /** how the effect was put on a risk-ratio scale, e.g. "standardized difference (VanderWeele-Ding approx.)" */
  scale?: string;
}

export interface RefuterRow {
  refuter: string;
  estimator: string;
  estimand: string;
  original: number | null;
  refuted: EstimateValue;
  /** null when the refuter has no pass/fail rule */
  passes: boolean | null;
  note?: string;
}

export interface WeightSensitivityRow {
  /** e.g. "logistic, stabilized, clip 0.05" */
  label: string;
  weighting: string;
  value: EstimateValue;
  ess?: number | null;
  essShare?: number | null;
}

export interface Limitation {
  limitation: string;
  whyItMatters: string;
  mitigation: string;
}

export interface Recommendation {
  area: string;
  recommendation: string;
  evidence: string;
}

export interface ResultsSummary {
  /** the headline estimate: which estimator/estimand/cell the summary and robustness use */
  primary: { estimator: string; estimand: string; cellId: string | null } | null;
  cells: { total: number; ok: number; failed: number; skipped: number };
  /** one family per grid axis (seed 004's robustness table) */
  robustness: RobustnessFamily[];
  specificationCurve: SpecificationCurve | null;
}

export interface RobustnessFamily {
  /** grid path, e.g. treatment.threshold.quantile */
  family: string;
  /** cells whose estimate entered this family (all ok cells that vary only this axis from the base, or all ok cells when not computable) */
  specifications: number;
  totalMin: number | null;
  totalMax: number | null;
  totalSharePositive: number | null;
  /** share of specifications whose CI excludes zero */
  totalShareCiExcludesZero: number | null;
  indirectMin: number | null;
  indirectMax: number | null;
  indirectSharePositive: number | null;
  medianAbsIndirectToTotal: number | null;
}

export interface SpecificationCurve {
  estimator: string;
  estimand: string;
  /** grid paths shown in the choice panel */
  axes: string[];
  /** sorted by estimate ascending */
  points: Array<{ cellId: string; axes: Record<string, JsonValue>; estimate: number; ci: [number, number] | null }>;
}

// ---------------------------------------------------------------------------------------------
// Serialization

/**
 * JSON with object keys sorted (recursively) and 2-space indentation; arrays keep their order.
 * Throws on NaN, ±Infinity, undefined inside arrays, functions, bigint and cycles, so a numeric bug
 * surfaces here instead of as `null` in results.json. `undefined` object members are omitted.
 */
export function stableStringify(value: unknown): string {
  const seen = new Set<object>();
  const walk = (v: unknown, path: string, indent: string): string => {
    if (v === null) return 'null';
    switch (typeof v) {
      case 'number':
        if (!Number.isFinite(v)) throw new TypeError(`stableStringify: non-finite number ${v} at ${path || '/'}`);
        return JSON.stringify(v);
      case 'string':
        return JSON.stringify(v);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'object':
        break;
      default:
        throw new TypeError(`stableStringify: cannot serialize ${typeof v} at ${path || '/'}`);
    }
    const obj = v as object;
    if (seen.has(obj)) throw new TypeError(`stableStringify: cycle at ${path || '/'}`);
    seen.add(obj);
    const inner = indent + '  ';
    let out: string;
    if (Array.isArray(obj) || ArrayBuffer.isView(obj)) {
      const items = Array.from(obj as ArrayLike<unknown>);
      if (items.length === 0) out = '[]';
      else {
        const parts = items.map((item, i) => {
          if (item === undefined) throw new TypeError(`stableStringify: undefined at ${path}/${i}`);
          return inner + walk(item, `${path}/${i}`, inner);
        });
        out = '[\n' + parts.join(',\n') + '\n' + indent + ']';
      }
    } else {
      const record = obj as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      if (keys.length === 0) out = '{}';
      else {
        const parts = keys.map((k) => inner + JSON.stringify(k) + ': ' + walk(record[k], `${path}/${k}`, inner));
        out = '{\n' + parts.join(',\n') + '\n' + indent + '}';
      }
    }
    seen.delete(obj);
    return out;
  };
  return walk(value, '', '') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the report, compare and the summary

/** Estimand keys that mean "the total effect" for an estimator, in preference order. */
export const TOTAL_KEYS = ['ate', 'te', 'total'] as const;
export const INDIRECT_KEYS = ['nie', 'indirect'] as const;
export const DIRECT_KEYS = ['nde', 'c_prime'] as const;

export function firstEstimate(est: EstimatorResult, keys: readonly string[]): { key: string; value: EstimateValue } | null {
  for (const k of keys) {
    const v = Object.prototype.hasOwnProperty.call(est.estimates, k) ? est.estimates[k] : undefined;
    if (v && v.estimate !== null && v.estimate !== undefined) return { key: k, value: v };
  }
  return null;
}

/** Estimators of the primary outcome (entries without `outcome`). */
export function primaryEstimators(cell: CellResult): EstimatorEntry[] {
  return cell.estimators.filter((e) => e.outcome === undefined);
}

