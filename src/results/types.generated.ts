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
   * e.g. ate (att or atc for an entry with estimand: att | atc); te, nde, nie, cde_q10, cde_q90, reverse_indirect (mediation: the indirect effect with the treatment held at 0, E[Y(0, M(1)) − Y(0, M(0))]), mediator_shift (mediation: E[M(1) − M(0)], no relative effect); alpha, beta, c_prime, indirect, total
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
  uncertainty?: CellUncertainty;
  exploratory?: ExploratorySummary;
  fingerprint?: FrameFingerprint;
  drLearner?: DrLearnerResult;
  /**
   * Cell only: weighted SMDs of the other estimators whose weights come from entropy balancing or CBPS (src/analysis/propensity.ts), drawn beside the first weighting's in the love plot.
   */
  balance_weightings?: {
    /**
     * estimator id
     */
    estimator: string;
    /**
     * entropy_balance or cbps
     */
    weighting: string;
    /**
     * ate, att or atc
     */
    estimand: string;
    /**
     * covariate → weighted standardized mean difference
     */
    smd: {
      [k: string]: number | null;
    };
  }[];
  groupSummary?: GroupSummary;
  /**
   * diagnostics `pathway_correlations` (src/analysis/design-summary.ts): Spearman correlations (average ranks for ties) along the pathway, over the analysis rows
   */
  pathwayCorrelations?: PathwayCorrelation[];
  /**
   * diagnostics `covariate_quality` (src/analysis/design-summary.ts): each covariate the spec names (globs expanded) over the analysis rows before imputation, most missing first
   */
  covariateQuality?: CovariateQualityRow[];
  /**
   * diagnostics `model_blueprint` (src/analysis/blueprint.ts): every model step of every primary-outcome estimator, from the resolved spec and the estimator's result
   */
  modelBlueprint?: ModelBlueprintStep[];
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
/**
 * how the cell's intervals were seeded and sized (src/analysis/exploratory.ts); the report's Methods section reads it
 */
export interface CellUncertainty {
  /**
   * the spec seed; bootstrap draws and cross-fitting repeats are seeded by it, the cell id and the replicate number
   */
  seed: number;
  /**
   * the resampling unit of the bootstrap and the cluster of the standard errors
   */
  cluster: string;
  /**
   * replicates and level of the user-cluster bootstrap (null: no bootstrap)
   */
  bootstrap: null | {
    reps: number;
    level: number;
  };
}
/**
 * the report's exploratory data section: missing rates of the columns the analysis uses (population rows, before rows are dropped or imputed), distributions of A, M and Y, activity per calendar date
 */
export interface ExploratorySummary {
  missing: {
    role: string;
    column: string;
    /**
     * population rows
     */
    rows: number;
    missing: number;
    share: number;
  }[];
  distributions: {
    /**
     * A, M or Y
     */
    role: string;
    name: string;
    rows: number;
    finite: number;
    mean: number | null;
    min: number | null;
    p05: number | null;
    p25: number | null;
    p50: number | null;
    p75: number | null;
    p95: number | null;
    max: number | null;
  }[];
  daily: {
    /**
     * YYYYMMDD
     */
    date: number;
    /**
     * panel users with active_day on that date (null without an active_day column)
     */
    activeUsers: number | null;
    /**
     * analysis rows
     */
    rows: number;
    treatedRows: number;
    meanOutcome: number | null;
  }[];
}
/**
 * bucketed fingerprint of the analysis rows (rows keyed by user and date, hashed into buckets): per bucket the row and treated-row counts and order-free hash sums of the treated rows, the mediator and the outcome values, each a base64 little-endian Uint32Array; src/sensitivity/robustness.ts compares it with the base cell's
 */
export interface FrameFingerprint {
  buckets: number;
  rows: number;
  treatedRows: number;
  bucketRows: string;
  bucketTreated: string;
  treated: string;
  mediator: string | null;
  outcome: string;
}
/**
 * DR-learner (Kennedy) effect heterogeneity: BLP on effect modifiers and a calibration test
 */
export interface DrLearnerResult {
  /**
   * where the pseudo-outcomes came from
   */
  pseudoOutcomes: string;
  rows: number;
  users: number;
  level: number;
  /**
   * modifier means the projection is centred at
   */
  centres: {
    [k: string]: number;
  };
  /**
   * best linear projection of the pseudo-outcomes on the centred modifiers (CR1 by user)
   */
  blp: BlpRow[];
  calibration: DrCalibration;
  warnings: string[];
  summary: string;
}
export interface BlpRow {
  term: string;
  estimate: number;
  se: number | null;
  lower: number | null;
  upper: number | null;
  pValue: number | null;
}
export interface DrCalibration {
  folds: number;
  intercept: BlpRow1;
  slope: BlpRow2;
  pValueSlopeOne: number | null;
  predictionSd: number;
}
export interface BlpRow1 {
  term: string;
  estimate: number;
  se: number | null;
  lower: number | null;
  upper: number | null;
  pValue: number | null;
}
export interface BlpRow2 {
  term: string;
  estimate: number;
  se: number | null;
  lower: number | null;
  upper: number | null;
  pValue: number | null;
}
/**
 * diagnostics `group_summary` (src/analysis/design-summary.ts): per treatment arm the analysis rows, users and the means of the treatment measure, M, Y and each secondary outcome, with the treated-minus-control difference
 */
export interface GroupSummary {
  /**
   * analysis rows (user-days) per arm
   */
  rows: {
    control: number;
    treated: number;
  };
  /**
   * distinct users with a row in the arm
   */
  users: {
    control: number;
    treated: number;
  };
  means: {
    /**
     * A measure, M, Y or secondary outcome
     */
    role: string;
    /**
     * the column
     */
    name: string;
    control: number | null;
    treated: number | null;
    /**
     * treated minus control
     */
    difference: number | null;
  }[];
}
export interface PathwayCorrelation {
  /**
   * A with M, A with Y, M with Y, A measure with M, A measure with Y
   */
  relationship: string;
  /**
   * the first column
   */
  x: string;
  /**
   * the second column
   */
  y: string;
  rows: number;
  spearman: number | null;
}
export interface CovariateQualityRow {
  covariate: string;
  /**
   * numeric or categorical, as the spec lists it
   */
  type: string;
  rows: number;
  missing: number;
  missingRate: number;
  /**
   * distinct non-missing values
   */
  distinct: number;
  /**
   * sample standard deviation of the observed values (numeric only)
   */
  std: number | null;
  /**
   * at most one distinct value after imputation
   */
  constant: boolean;
  /**
   * how missing values were filled: none, median, or the level "missing"
   */
  imputation: string;
  /**
   * the median filled in (numeric with missing values)
   */
  imputedValue: number | null;
  /**
   * columns it gives the design matrix (0: dropped as constant)
   */
  designColumns: number;
}
export interface ModelBlueprintStep {
  /**
   * estimator id
   */
  estimator: string;
  kind: string;
  /**
   * propensity, mediator, outcome, total-effect or path regression, or the effect step
   */
  step: string;
  /**
   * what the step models or estimates
   */
  target: string;
  /**
   * what it is fitted on (X: the design matrix's covariate columns)
   */
  features: string;
  /**
   * the model (kind and settings), or the estimator for the effect step
   */
  learner: string;
  /**
   * full sample, or cross-fitted by user
   */
  fitting: string;
  weights: string;
  /**
   * how the effect step's intervals were computed (empty on model steps)
   */
  interval: string;
}
export interface Sensitivity {
  evalues?: EValueRow[];
  refuters?: RefuterRow[];
  weights?: WeightSensitivityRow[];
  omittedVariableBias?: OvbLinearResult[];
  omittedVariableBiasDml?: OvbDmlResult[];
  mediationRho?: MediationRhoResult[];
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
 * sensemakr-style omitted-variable-bias analysis of a linear outcome regression's treatment coefficient (Cinelli & Hazlett 2020)
 */
export interface OvbLinearResult {
  estimator: string;
  estimand: string;
  /**
   * the regression analysed
   */
  model: string;
  estimate: number;
  /**
   * classical OLS standard error
   */
  se: number;
  /**
   * residual degrees of freedom
   */
  dof: number;
  tStatistic: number;
  /**
   * partial R² of the treatment with the outcome given the covariates
   */
  partialR2: number;
  q: number;
  alpha: number;
  /**
   * robustness value RV_q
   */
  rv: number;
  /**
   * robustness value RV_{q,α} (interval bound)
   */
  rvAlpha: number;
  benchmarks: OvbBenchmarkRow[];
  contour: OvbContour;
  warnings: string[];
  /**
   * one-line reading of the result
   */
  summary: string;
}
export interface OvbBenchmarkRow {
  /**
   * benchmark covariate as named in the spec
   */
  benchmark: string;
  /**
   * design columns it stands for (several for a one-hot categorical)
   */
  columns: string[];
  /**
   * multiple of the benchmark's partial R² with the treatment
   */
  kd: number;
  /**
   * multiple of the benchmark's partial R² with the outcome
   */
  ky: number;
  /**
   * partial R² of the benchmark with the treatment given the other covariates
   */
  r2dxj: number;
  /**
   * partial R² of the benchmark with the outcome given treatment and other covariates
   */
  r2yxj: number;
  /**
   * implied bound on the confounder's partial R² with the treatment
   */
  r2dz: number;
  /**
   * implied bound on the confounder's partial R² with the outcome (capped at 1)
   */
  r2yz: number;
  adjustedEstimate: number;
  adjustedSe: number;
  /**
   * null when the adjusted se is 0
   */
  adjustedT: number | null;
  adjustedLower: number;
  adjustedUpper: number;
}
/**
 * adjusted estimate over a grid of the confounder's partial R²
 */
export interface OvbContour {
  r2dz: number[];
  r2yz: number[];
  /**
   * estimate[i][j] at r2dz[i], r2yz[j]
   */
  estimate: number[][];
}
/**
 * omitted-variable-bias bounds of a cross-fitted AIPW (Chernozhukov, Cinelli, Newey, Sharma & Syrgkanis 2022)
 */
export interface OvbDmlResult {
  estimator: string;
  estimand: string;
  estimate: number;
  se: number;
  /**
   * outcome model residual variance
   */
  sigma2: number;
  /**
   * Riesz representer second moment
   */
  nu2: number;
  level: number;
  scenarios: OvbDmlScenario[];
  /**
   * Cf_Y = Cf_D at which the bound reaches zero
   */
  rv: number;
  /**
   * Cf_Y = Cf_D at which the bound's confidence limit reaches zero
   */
  rvAlpha: number;
  summary: string;
}
export interface OvbDmlScenario {
  cfY: number;
  cfD: number;
  rho: number;
  maxBias: number;
  lower: number;
  upper: number;
  ciLower: number;
  ciUpper: number;
}
/**
 * ρ-sensitivity of the linear mediation as mediation::medsens (Imai, Keele & Yamamoto 2010)
 */
export interface MediationRhoResult {
  estimator: string;
  interaction: boolean;
  variance: 'classical' | 'cluster';
  level: number;
  curve: MediationRhoPoint[];
  /**
   * medsens err.cr.d: grid ρ with the smallest |ACME| (control, treated)
   *
   * @minItems 2
   * @maxItems 2
   */
  rhoAtZeroGrid: [number, number];
  /**
   * exact ρ at which the ACME is zero (control, treated); null when it keeps its sign
   *
   * @minItems 2
   * @maxItems 2
   */
  rhoAtZero: [number | null, number | null];
  /**
   * @minItems 2
   * @maxItems 2
   */
  r2StarAtZero: [number | null, number | null];
  /**
   * @minItems 2
   * @maxItems 2
   */
  r2TildeAtZero: [number | null, number | null];
  r2Mediator: number;
  r2Outcome: number;
  summary: string;
}
export interface MediationRhoPoint {
  rho: number;
  acme0: number;
  acme1: number;
  acme0Lower: number;
  acme0Upper: number;
  acme1Lower: number;
  acme1Upper: number;
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
  /**
   * per variant cell of the family, the largest share of the base cell's treated rows, mediator values or outcome values it may change (an upper bound from the cells' fingerprints; absent when a cell has none)
   */
  designChange?: {
    cellId: string;
    /**
     * bound on the share of treated rows added or removed, relative to the base cell's treated rows
     */
    treated: number;
    /**
     * bound on the share of rows whose mediator value differs (null without a mediator)
     */
    mediator: number | null;
    /**
     * bound on the share of rows whose outcome value differs
     */
    outcome: number;
  }[];
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
