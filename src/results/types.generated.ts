/* Generated from schemas/results.schema.json by `npm run gen:types`. Do not edit. */

/**
 * A JSON value as found in grid axes (a grid path's value: number, string, list…).
 */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | {
      [k: string]: JsonValue;
    };
export type CellStatus = 'ok' | 'failed' | 'skipped';
export type AssumptionStatus = 'design_definition' | 'checked' | 'partially_checked' | 'not_testable';

/**
 * causeway results value (causeway.results/1), written to results.json with sorted keys. Numbers are finite or null, never NaN. The TypeScript types in src/results/types.generated.ts are generated from this file (npm run gen:types).
 */
export interface Results {
  schema: 'causeway.results/1';
  /**
   * causeway version that produced the value
   */
  causeway: string;
  spec: SpecInfo;
  data: DataInfo;
  cells: CellResult[];
  summary: ResultsSummary;
  /**
   * spec-provided limitations (the report adds ones the numbers call for)
   */
  limitations?: Limitation[];
  /**
   * spec-provided recommendations (decision area → recommendation, evidence)
   */
  recommendations?: Recommendation[];
  warnings: string[];
}
export interface SpecInfo {
  name: string;
  title?: string;
  /**
   * the question in plain words (defaults to the title)
   */
  question?: string;
  /**
   * sha256 of the resolved spec text
   */
  hash: string;
  seed: number;
  /**
   * report settings resolved from the spec
   */
  report?: {
    template?: string;
    figures?: string[];
    formats?: ('png' | 'svg')[];
  };
  /**
   * grid axes in the spec's order: path → values tried
   */
  grid?: {
    path: string;
    values: JsonValue[];
  }[];
}
export interface DataInfo {
  source: string;
  /**
   * which matrix / path was read, for the reader (not for hashing)
   */
  description?: string;
  fingerprint: string;
  coverage: DataCoverage;
  quality: QualityRow[];
  sample?: {
    modulus: number;
    remainder: number;
  };
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
export interface CellResult {
  /**
   * stable id: hash of the cell's resolved definition
   */
  id: string;
  /**
   * grid path → value for this cell ({} for a spec without a grid)
   */
  axes: {
    [k: string]: JsonValue;
  };
  status: CellStatus;
  reason?: string;
  sample?: CellSample;
  definitions: CellDefinitions;
  readiness: ReadinessCheck[];
  assumptions: AssumptionCheck[];
  /**
   * every estimator run; entries with `outcome` set are for a secondary outcome
   */
  estimators: EstimatorEntry[];
  diagnostics: CellDiagnostics;
  sensitivity?: Sensitivity;
  warnings: string[];
  /**
   * Fold assignments of the cell's cross-fitted estimators. Travels with the cell through the cache and shards but is never in results.json: run/run-spec.ts assembleResults drops it and the run folder's crossfit_folds.csv holds it (src/report/crossfit.ts).
   */
  crossfitFolds?: CellCrossfitFolds[];
}
export interface CellSample {
  /**
   * analysis rows (user-days)
   */
  rows: number;
  users: number;
  treatedRows: number;
  controlRows: number;
  /**
   * rows of the panel before the population filter
   */
  panelRows?: number;
  days?: number;
}
export interface CellDefinitions {
  treatment: TreatmentDef;
  mediator?: null | VariableDef;
  outcome: VariableDef;
  secondary: VariableDef[];
  population?: {
    rule: string;
    rows: number;
    share: number;
  };
  covariates?: CovariateSummary;
}
export interface TreatmentDef {
  /**
   * analysis name, e.g. A_high_discovery
   */
  name: string;
  /**
   * measure thresholded
   */
  measure: string;
  /**
   * the rule in words/symbols, e.g. "discovery_candidate_share >= q0.5 among population"
   */
  rule: string;
  /**
   * resolved threshold value
   */
  threshold: number;
  quantile?: number | null;
  /**
   * share of analysis rows with A = 1
   */
  treatedShare: number;
}
export interface VariableDef {
  name: string;
  /**
   * how it is computed (expression or description)
   */
  rule: string;
  mean?: number | null;
  sd?: number | null;
  /**
   * share of population rows where it was missing (dropped)
   */
  missingShare?: number | null;
}
export interface CovariateSummary {
  numeric: string[];
  categorical: string[];
  /**
   * encoded design columns after one-hot / drop-constant
   */
  designColumns: number;
  dropped: string[];
}
export interface ReadinessCheck {
  check: string;
  value: number | string | null;
  /**
   * human threshold, e.g. ">= 0.70"
   */
  threshold?: string;
  /**
   * null when not applicable
   */
  passes: boolean | null;
  note?: string;
}
export interface AssumptionCheck {
  assumption: string;
  status: AssumptionStatus;
  diagnostic: string;
  value: string;
  risk: string;
}
export interface EstimatorEntry {
  id: string;
  kind: string;
  /**
   * display label, e.g. "AIPW, doubly robust" (defaults to id)
   */
  label?: string;
  /**
   * absent = primary outcome; otherwise the secondary outcome's name
   */
  outcome?: string;
  status: 'ok' | 'failed';
  reason?: string;
  /**
   * e.g. ate; te, nde, nie, cde_q10, cde_q90; alpha, beta, c_prime, indirect, total
   */
  estimates: {
    [k: string]: EstimateValue;
  };
  /**
   * Free-form per estimator (Record<string, unknown>); the report reads known keys through src/report/normalize.ts.
   */
  diagnostics: {
    [k: string]: unknown;
  };
  warnings: string[];
}
export interface EstimateValue {
  /**
   * null (never NaN) when it could not be computed
   */
  estimate: number | null;
  /**
   * analytic (cluster-robust CR1) standard error where available
   */
  se?: number | null;
  /**
   * bootstrap percentile CI
   */
  ci?: null | [number, number];
  bootMean?: number | null;
  bootSd?: number | null;
  /**
   * estimate / control mean
   */
  relative?: number | null;
}
/**
 * Open by contract (EstimatorResult.diagnostics is Record<string, unknown>). Known keys are checked in the report shape (results.ts) or the estimators' snake_case shape (estimate/diagnostics.ts); see src/report/normalize.ts.
 */
export interface CellDiagnostics {
  overlap?:
    | OverlapSummary
    | {
        treatment_rate?: number | null;
        propensity_min?: number | null;
        propensity_p01?: number | null;
        propensity_p05?: number | null;
        propensity_median: number | null;
        propensity_p95?: number | null;
        propensity_p99?: number | null;
        propensity_max?: number | null;
        share_propensity_below_0_05?: number | null;
        share_propensity_above_0_95?: number | null;
        histogram?: {
          edges: number[];
          treated: number[];
          control: number[];
        };
        [k: string]: unknown;
      };
  balance?:
    | BalanceRow[]
    | {
        rows: {
          covariate: string;
          unweighted_smd?: number | null;
          weighted_smd?: number | null;
          [k: string]: unknown;
        }[];
        summary?: {
          [k: string]: unknown;
        };
        [k: string]: unknown;
      };
  /**
   * effective sample size of the analysis weights, and its share of rows
   */
  ess?: number;
  essShare?: number;
  weights?:
    | WeightDistribution
    | {
        mean: number | null;
        std?: number | null;
        max: number | null;
        effective_sample_size?: number | null;
        ess_share_of_rows?: number | null;
        [k: string]: unknown;
      };
  nuisance?:
    | NuisanceRow[]
    | {
        [k: string]: {
          [k: string]: unknown;
        };
      };
  importance?: (
    | ImportanceRow
    | {
        model?: string;
        target?: string;
        feature: string;
        gain?: number;
        importance?: number;
        splits?: number;
        share?: number;
        importance_share?: number | null;
        [k: string]: unknown;
      }
  )[];
  heterogeneity?: (
    | SegmentEffect
    | {
        by?: string;
        segment: string;
        segment_value?: string | number;
        rows?: number;
        users?: number;
        value?: EstimateValue;
        [k: string]: unknown;
      }
  )[];
  residualMediatorOutcome?: ResidualMediatorOutcome;
  /**
   * estimator-style readiness rows; the report uses them when the cell has no `readiness` of its own
   */
  readiness?: {
    check: string;
    passes?: boolean | null;
    [k: string]: unknown;
  }[];
  [k: string]: unknown;
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
  /**
   * propensity histogram by arm: edges has bins+1 entries, counts have bins entries
   */
  histogram?: {
    edges: number[];
    treated: number[];
    control: number[];
  };
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
  /**
   * propensity | outcome | mediator | effect
   */
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
  /**
   * gain / total gain of that model
   */
  share: number;
}
export interface SegmentEffect {
  /**
   * segmenting variable, e.g. prior_3day_interactions
   */
  by: string;
  /**
   * segment label, e.g. "low (0, 36]"
   */
  segment: string;
  rows: number;
  users?: number;
  treatedShare?: number | null;
  /**
   * estimand key, e.g. ate or te
   */
  estimand?: string;
  value: EstimateValue;
  /**
   * with heterogeneity.top: which end of the ranking the segment was kept for
   */
  direction?: 'most_positive' | 'most_negative';
}
export interface ResidualMediatorOutcome {
  raw: {
    pearson: number | null;
    spearman: number | null;
  };
  residual: {
    pearson: number | null;
    spearman: number | null;
  };
}
export interface Sensitivity {
  evalues?: EValueRow[];
  refuters?: RefuterRow[];
  weights?: WeightSensitivityRow[];
}
export interface EValueRow {
  estimator: string;
  estimand: string;
  /**
   * E-value of the point estimate
   */
  point: number | null;
  /**
   * E-value of the CI bound closest to the null (1 when the CI crosses it)
   */
  ciBound: number | null;
  /**
   * how the effect was put on a risk-ratio scale, e.g. "standardized difference (VanderWeele-Ding approx.)"
   */
  scale?: string;
}
export interface RefuterRow {
  refuter: string;
  estimator: string;
  estimand: string;
  original: number | null;
  refuted: EstimateValue;
  /**
   * null when the refuter has no pass/fail rule
   */
  passes: boolean | null;
  note?: string;
}
export interface WeightSensitivityRow {
  /**
   * e.g. "logistic, stabilized, clip 0.05"
   */
  label: string;
  weighting: string;
  value: EstimateValue;
  ess?: number | null;
  essShare?: number | null;
}
/**
 * Which fold predicted each user's rows in one cross-fitted estimator: splits[s][u] is the 0-based fold of users[u] in split s (split 0 GroupKFold, splits 1.. repeated cross-fitting's random splits).
 */
export interface CellCrossfitFolds {
  estimator: string;
  /**
   * absent = primary outcome; otherwise the secondary outcome's name
   */
  outcome?: string;
  /**
   * user ids, ascending
   */
  users: number[];
  splits: number[][];
}
export interface ResultsSummary {
  /**
   * the headline estimate: which estimator/estimand/cell the summary and robustness use
   */
  primary: null | {
    estimator: string;
    estimand: string;
    cellId: string | null;
  };
  cells: {
    total: number;
    ok: number;
    failed: number;
    skipped: number;
  };
  /**
   * one family per grid axis
   */
  robustness: RobustnessFamily[];
  specificationCurve: null | SpecificationCurve;
}
export interface RobustnessFamily {
  /**
   * grid path, e.g. treatment.threshold.quantile
   */
  family: string;
  /**
   * cells whose estimate entered this family (all ok cells that vary only this axis from the base, or all ok cells when not computable)
   */
  specifications: number;
  totalMin: number | null;
  totalMax: number | null;
  totalSharePositive: number | null;
  /**
   * share of specifications whose CI excludes zero
   */
  totalShareCiExcludesZero: number | null;
  indirectMin: number | null;
  indirectMax: number | null;
  indirectSharePositive: number | null;
  medianAbsIndirectToTotal: number | null;
}
export interface SpecificationCurve {
  estimator: string;
  estimand: string;
  /**
   * grid paths shown in the choice panel
   */
  axes: string[];
  /**
   * sorted by estimate ascending
   */
  points: {
    cellId: string;
    axes: {
      [k: string]: JsonValue;
    };
    estimate: number;
    ci: null | [number, number];
  }[];
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
