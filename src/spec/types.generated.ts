/* Generated from schemas/causeway.schema.json by `npm run gen:types`. Do not edit. */

export type Data = KuaiRecData | EventsData | TableData | PanelData;
/**
 * An expression in causeway's expression language (parsed, never evaluated as code).
 */
export type Expression = string;
export type Threshold =
  | {
      value: number;
    }
  | {
      quantile: number;
      /**
       * Rows whose quantile sets the threshold (default population).
       */
      among?: 'population' | 'active_days';
    };
export type Model =
  | {
      kind: 'linear';
    }
  | {
      kind: 'ridge';
      alpha?: number;
    }
  | {
      kind: 'logistic';
      penalty?: 'l2' | 'none';
      C?: number;
      standardize?: boolean;
      max_iter?: number;
    }
  | {
      kind: 'gbm';
      /**
       * Boosting rounds.
       */
      trees?: number;
      /**
       * Maximum tree depth; trees grow level-wise (XGBoost hist, depthwise).
       */
      max_depth?: number;
      /**
       * Shrinkage of every tree's leaf values.
       */
      learning_rate?: number;
      /**
       * Share of rows drawn per tree (Bernoulli per row, seeded).
       */
      subsample?: number;
      /**
       * Share of features drawn per tree (seeded).
       */
      colsample?: number;
      /**
       * Minimum hessian sum in a child (rows for squared error without weights).
       */
      min_child_weight?: number;
      /**
       * Minimum sampled rows in a child.
       */
      min_samples_leaf?: number;
      /**
       * L2 penalty on leaf values.
       */
      lambda?: number;
      /**
       * Histogram bins per feature (missing values get one more).
       */
      max_bins?: number;
      /**
       * Minimum loss reduction to make a split (XGBoost's gamma).
       */
      min_split_gain?: number;
    };
export type Estimator =
  | {
      id: Identifier;
      kind: 'difference_in_means';
    }
  | {
      id: Identifier;
      kind: 'regression_adjustment';
      outcome?: string;
      /**
       * auto: linear estimators assemble bootstrap replicates from per-user sufficient statistics, cross-fitted ones use the score bootstrap; refit: refit every replicate from rows.
       */
      bootstrap?: 'auto' | 'refit';
    }
  | {
      id: Identifier;
      kind: 'ipw';
      propensity?: string;
      clip?: Clip;
      stabilize?: boolean;
      cap_quantile?: number;
      /**
       * Hajek (self-normalized) weights.
       */
      normalize?: boolean;
      /**
       * auto: linear estimators assemble bootstrap replicates from per-user sufficient statistics, cross-fitted ones use the score bootstrap; refit: refit every replicate from rows.
       */
      bootstrap?: 'auto' | 'refit';
    }
  | {
      id: Identifier;
      kind: 'msm';
      /**
       * ipw (stabilized, clipped and capped as the ipw options or the named ipw estimator), unweighted, unclipped, {clip: k} (stabilized weights capped at k), or the id of an ipw estimator whose options to use.
       */
      weights?:
        | string
        | {
            clip: number;
          };
      /**
       * Weight-sensitivity variants (docs/seeds.md §003).
       *
       * @maxItems 100
       */
      variants?: WeightVariant[];
      /**
       * auto: linear estimators assemble bootstrap replicates from per-user sufficient statistics, cross-fitted ones use the score bootstrap; refit: refit every replicate from rows.
       */
      bootstrap?: 'auto' | 'refit';
      propensity?: string;
      clip?: Clip;
      stabilize?: boolean;
      cap_quantile?: number;
      /**
       * Add the covariates to the weighted outcome regression (doubly robust MSM).
       */
      adjust?: boolean;
    }
  | {
      id: Identifier;
      kind: 'gcomp';
      outcome?: string;
      crossfit?: Crossfit;
      /**
       * auto: linear estimators assemble bootstrap replicates from per-user sufficient statistics, cross-fitted ones use the score bootstrap; refit: refit every replicate from rows.
       */
      bootstrap?: 'auto' | 'refit';
    }
  | {
      id: Identifier;
      kind: 'aipw';
      propensity?: string;
      outcome?: string;
      clip?: Clip;
      crossfit?: Crossfit;
      /**
       * auto: linear estimators assemble bootstrap replicates from per-user sufficient statistics, cross-fitted ones use the score bootstrap; refit: refit every replicate from rows.
       */
      bootstrap?: 'auto' | 'refit';
    }
  | {
      id: Identifier;
      kind: 'mediation';
      mediator_model?: string;
      outcome_model?: string;
      /**
       * Include the A×M interaction in the outcome model (docs/seeds.md §002/§004).
       */
      interaction?: boolean;
      /**
       * plugin g-computation (docs/seeds.md §002/§004) or the efficient-influence-function estimator.
       */
      method?: 'plugin' | 'debiased' | 'both';
      /**
       * Model for P(A=1|X) and P(A=1|M,X) (debiased method), or for ipw weights.
       */
      propensity?: string;
      cde_at?: {
        /**
         * @maxItems 100
         */
        quantiles?: number[];
        /**
         * @maxItems 100
         */
        values?: number[];
      };
      crossfit?: Crossfit;
      /**
       * auto: linear estimators assemble bootstrap replicates from per-user sufficient statistics, cross-fitted ones use the score bootstrap; refit: refit every replicate from rows.
       */
      bootstrap?: 'auto' | 'refit';
      clip_mediator?: Clip1;
      /**
       * Fit the mediation models with the ipw weights.
       */
      weights?: 'none' | 'ipw';
      clip?: Clip2;
      /**
       * Debiased method: clip mediator predictions to [low, high].
       *
       * @minItems 2
       * @maxItems 2
       */
      mediator_clip?: [number, number];
      stabilize?: boolean;
      cap_quantile?: number;
    }
  | {
      id: Identifier;
      kind: 'sem_path';
      /**
       * auto: linear estimators assemble bootstrap replicates from per-user sufficient statistics, cross-fitted ones use the score bootstrap; refit: refit every replicate from rows.
       */
      bootstrap?: 'auto' | 'refit';
      /**
       * Fit the path regressions with the ipw weights (default; weighting options as the ipw kind), or none.
       */
      weights?: 'ipw' | 'none';
      /**
       * Propensity model of the ipw weights (default logistic).
       */
      propensity?: string;
      clip?: Clip;
      /**
       * Stabilize the ipw weights with the treatment rate (default true).
       */
      stabilize?: boolean;
      cap_quantile?: number;
    }
  | {
      id: Identifier;
      kind: 'aipw_means';
      propensity?: string;
      outcome?: string;
      clip?: Clip;
      crossfit?: Crossfit;
      /**
       * auto: linear estimators assemble bootstrap replicates from per-user sufficient statistics, cross-fitted ones use the score bootstrap; refit: refit every replicate from rows.
       */
      bootstrap?: 'auto' | 'refit';
    };
export type Identifier = string;
/**
 * Propensity clip [low, high].
 *
 * @minItems 2
 * @maxItems 2
 */
export type Clip = [number, number];
/**
 * Propensity clip [low, high].
 *
 * @minItems 2
 * @maxItems 2
 */
export type Clip1 = [number, number];
/**
 * Propensity clip [low, high].
 *
 * @minItems 2
 * @maxItems 2
 */
export type Clip2 = [number, number];

/**
 * A causeway study: data, measures, definitions of treatment, mediator and outcomes, estimators, uncertainty, sensitivity grid and report.
 */
export interface CausewaySpec {
  /**
   * Editor hint; ignored by causeway.
   */
  $schema?: string;
  /**
   * Spec language version.
   */
  spec: 1;
  /**
   * Path (relative to this file) of a spec to start from: objects deep-merge, arrays and scalars replace, null removes an inherited key.
   */
  extends?: string;
  /**
   * Run folder name: letters, digits, dot, dash, underscore.
   */
  name: string;
  /**
   * The question, in one sentence.
   */
  title?: string;
  description?: string;
  /**
   * Root of every random stream (bootstrap, cross-fitting folds, subsampling).
   */
  seed?: number;
  data: Data;
  events?: ExpressionMap;
  days?: ExpressionMap1;
  history?: History;
  /**
   * Row expression over the panel selecting the analysis user-days.
   */
  population?: string;
  treatment: Treatment;
  /**
   * Name of the day measure used as the mediator.
   */
  mediator?: string;
  outcomes: Outcomes;
  covariates?: Covariates;
  /**
   * Named nuisance models that estimators refer to.
   */
  models?: {
    [k: string]: Model;
  };
  /**
   * @minItems 1
   * @maxItems 100
   */
  estimators: [Estimator, ...Estimator[]];
  uncertainty?: Uncertainty;
  /**
   * @maxItems 50
   */
  diagnostics?: (
    | 'overlap'
    | 'balance'
    | 'readiness'
    | 'residual_mediator_outcome'
    | 'nuisance_performance'
    | 'naive_associations'
    | 'influence'
  )[];
  heterogeneity?: Heterogeneity;
  sensitivity?: Sensitivity;
  report?: Report;
}
export interface KuaiRecData {
  /**
   * kuairec: an archive at `path`; synthetic: the simulator (the embedded demo archive when `path` is absent).
   */
  source: 'kuairec' | 'synthetic';
  /**
   * The outer 18164998.zip, the inner KuaiRec.zip, or an extracted `KuaiRec 2.0` folder; relative to the spec file.
   */
  path?: string;
  matrix?: 'small' | 'big';
  sample?: {
    /**
     * Keep whole users with user_id % modulus == remainder.
     */
    modulus: number;
    remainder?: number;
  };
  tables?: (
    | 'user_features'
    | 'item_categories'
    | 'item_daily_features'
    | 'kuairec_caption_category'
    | 'social_network'
  )[];
  /**
   * Columns of item_daily_features.csv to read (all are readable).
   *
   * @maxItems 100
   */
  item_daily_columns?: string[];
  /**
   * Rows with an empty time/date/timestamp: drop (counted in the data-quality table) or keep.
   */
  missing_time?: 'drop' | 'keep';
}
/**
 * One row per interaction in files of your own (docs/data.md).
 */
export interface EventsData {
  /**
   * events: an interaction log (one row per event) in CSV/TSV/Parquet/NDJSON files or a SQL query.
   */
  source: 'events';
  /**
   * A file, a glob (`logs/*.parquet`) or a list of them; relative to the spec file. CSV/TSV (plain or .gz), Parquet, NDJSON or Arrow IPC/Feather, told by the extension or `format`.
   */
  path?: string | [string, ...string[]];
  /**
   * Instead of path: a DuckDB SQL query over such files (read_csv, read_parquet, read_json; relative paths resolve against the spec's folder). Query sources are never cached.
   */
  query?: string;
  /**
   * The files' format when their names do not tell it.
   */
  format?: 'csv' | 'tsv' | 'parquet' | 'ndjson' | 'arrow';
  columns: {
    /**
     * The user key column (integer or text).
     */
    user: string;
    /**
     * The item key column (integer or text); needed for item.* and nunique of items.
     */
    item?: string;
    /**
     * The event time column (see `time`).
     */
    time?: string;
    /**
     * A ready calendar-day column (a date, YYYYMMDD number or YYYY-MM-DD text); overrides the day made from `time`.
     */
    date?: string;
  };
  time?: {
    /**
     * s / ms: a number since 1970-01-01 UTC; iso: ISO-8601 text (without an offset it is local time in `timezone`) or a timestamp column.
     */
    unit?: 's' | 'ms' | 'iso';
    /**
     * IANA time zone in which events fall on calendar days, e.g. Asia/Shanghai.
     */
    timezone?: string;
    /**
     * Hour at which a calendar day starts (4: events before 04:00 count to the previous day).
     */
    day_starts_at?: number;
  };
  tables?: {
    users?: SideTable;
    items?: SideTable1;
    item_days?: SideTable2;
  };
  sample?: {
    /**
     * Keep whole users with key % modulus == remainder (integer keys) or fnv1a32(key) % modulus == remainder (text keys).
     */
    modulus: number;
    remainder?: number;
  };
  /**
   * Events with an empty time: drop (counted) or keep. A time that is present but does not parse is an error.
   */
  missing_time?: 'drop' | 'keep';
}
/**
 * One row per user: joined as user features (user.<column>, and onto the panel).
 */
export interface SideTable {
  /**
   * A file, a glob (`logs/*.parquet`) or a list of them; relative to the spec file. CSV/TSV (plain or .gz), Parquet, NDJSON or Arrow IPC/Feather, told by the extension or `format`.
   */
  path?: string | [string, ...string[]];
  /**
   * Instead of path: a DuckDB SQL query over such files (read_csv, read_parquet, read_json; relative paths resolve against the spec's folder). Query sources are never cached.
   */
  query?: string;
  /**
   * The files' format when their names do not tell it.
   */
  format?: 'csv' | 'tsv' | 'parquet' | 'ndjson' | 'arrow';
  /**
   * The key column (the events' user or item key).
   */
  key: string;
  /**
   * item_days only: the calendar-day column (a date, YYYYMMDD number or YYYY-MM-DD text).
   */
  date?: string;
}
/**
 * One row per item: item.<column> (numeric columns).
 */
export interface SideTable1 {
  /**
   * A file, a glob (`logs/*.parquet`) or a list of them; relative to the spec file. CSV/TSV (plain or .gz), Parquet, NDJSON or Arrow IPC/Feather, told by the extension or `format`.
   */
  path?: string | [string, ...string[]];
  /**
   * Instead of path: a DuckDB SQL query over such files (read_csv, read_parquet, read_json; relative paths resolve against the spec's folder). Query sources are never cached.
   */
  query?: string;
  /**
   * The files' format when their names do not tell it.
   */
  format?: 'csv' | 'tsv' | 'parquet' | 'ndjson' | 'arrow';
  /**
   * The key column (the events' user or item key).
   */
  key: string;
  /**
   * item_days only: the calendar-day column (a date, YYYYMMDD number or YYYY-MM-DD text).
   */
  date?: string;
}
/**
 * One row per item and day (needs date): item.avg_<column> is the item's mean over days.
 */
export interface SideTable2 {
  /**
   * A file, a glob (`logs/*.parquet`) or a list of them; relative to the spec file. CSV/TSV (plain or .gz), Parquet, NDJSON or Arrow IPC/Feather, told by the extension or `format`.
   */
  path?: string | [string, ...string[]];
  /**
   * Instead of path: a DuckDB SQL query over such files (read_csv, read_parquet, read_json; relative paths resolve against the spec's folder). Query sources are never cached.
   */
  query?: string;
  /**
   * The files' format when their names do not tell it.
   */
  format?: 'csv' | 'tsv' | 'parquet' | 'ndjson' | 'arrow';
  /**
   * The key column (the events' user or item key).
   */
  key: string;
  /**
   * item_days only: the calendar-day column (a date, YYYYMMDD number or YYYY-MM-DD text).
   */
  date?: string;
}
/**
 * One row per analysis unit: no events, days or history (docs/data.md).
 */
export interface TableData {
  /**
   * table: one row per analysis unit; treatment, mediator, outcomes and covariates are its columns.
   */
  source: 'table';
  /**
   * A file, a glob (`logs/*.parquet`) or a list of them; relative to the spec file. CSV/TSV (plain or .gz), Parquet, NDJSON or Arrow IPC/Feather, told by the extension or `format`.
   */
  path?: string | [string, ...string[]];
  /**
   * Instead of path: a DuckDB SQL query over such files (read_csv, read_parquet, read_json; relative paths resolve against the spec's folder). Query sources are never cached.
   */
  query?: string;
  /**
   * The files' format when their names do not tell it.
   */
  format?: 'csv' | 'tsv' | 'parquet' | 'ndjson' | 'arrow';
  /**
   * The unit id column (written by causeway frame; default the row number).
   */
  id?: string;
  /**
   * The column whose values the bootstrap and cross-fitting resample whole (default: each row is its own cluster).
   */
  cluster?: string;
  /**
   * A JSON file of known effects (a simulator's truth, docs/report.md "Known truth") that the report sets beside the estimates; relative to the spec file.
   */
  truth?: string;
}
/**
 * A ready unit-by-day table (one row per user and day), for logs aggregated where they live (docs/data.md).
 */
export interface PanelData {
  /**
   * panel: a ready user-by-day table; every other column is a day measure.
   */
  source: 'panel';
  /**
   * A file, a glob (`logs/*.parquet`) or a list of them; relative to the spec file. CSV/TSV (plain or .gz), Parquet, NDJSON or Arrow IPC/Feather, told by the extension or `format`.
   */
  path?: string | [string, ...string[]];
  /**
   * Instead of path: a DuckDB SQL query over such files (read_csv, read_parquet, read_json; relative paths resolve against the spec's folder). Query sources are never cached.
   */
  query?: string;
  /**
   * The files' format when their names do not tell it.
   */
  format?: 'csv' | 'tsv' | 'parquet' | 'ndjson' | 'arrow';
  columns: {
    /**
     * The user key column (integer or text).
     */
    user: string;
    /**
     * The calendar-day column (a date, YYYYMMDD number or YYYY-MM-DD text).
     */
    date: string;
    /**
     * A 0/1 or true/false column marking active days (default: a row is an active day).
     */
    active?: string;
  };
  tables?: {
    users?: SideTable3;
  };
  sample?: {
    /**
     * Keep whole users with key % modulus == remainder (integer keys) or fnv1a32(key) % modulus == remainder (text keys).
     */
    modulus: number;
    remainder?: number;
  };
}
/**
 * One row per user: joined as user features.
 */
export interface SideTable3 {
  /**
   * A file, a glob (`logs/*.parquet`) or a list of them; relative to the spec file. CSV/TSV (plain or .gz), Parquet, NDJSON or Arrow IPC/Feather, told by the extension or `format`.
   */
  path?: string | [string, ...string[]];
  /**
   * Instead of path: a DuckDB SQL query over such files (read_csv, read_parquet, read_json; relative paths resolve against the spec's folder). Query sources are never cached.
   */
  query?: string;
  /**
   * The files' format when their names do not tell it.
   */
  format?: 'csv' | 'tsv' | 'parquet' | 'ndjson' | 'arrow';
  /**
   * The key column (the events' user or item key).
   */
  key: string;
  /**
   * item_days only: the calendar-day column (a date, YYYYMMDD number or YYYY-MM-DD text).
   */
  date?: string;
}
/**
 * Per-interaction fields: name → expression over raw, item.* and user.* columns.
 */
export interface ExpressionMap {
  [k: string]: Expression;
}
/**
 * User-day measures: name → aggregation expression. The panel is dense (inactive days are zero).
 */
export interface ExpressionMap1 {
  [k: string]: Expression;
}
export interface History {
  lag?: WindowSpec;
  prior?: WindowSpec1;
  lead?: WindowSpec2;
  /**
   * future_Kday_x: sum over the K days after (next_day_x is future_1day_x).
   */
  future?: {
    /**
     * @minItems 1
     * @maxItems 100
     */
    days: [number, ...number[]];
    /**
     * @minItems 1
     * @maxItems 1000
     */
    of: [string, ...string[]];
    /**
     * A window running past the data: missing (docs/seeds.md §001) or zero-filled (docs/seeds.md §000).
     */
    incomplete?: 'missing' | 'zero';
  };
}
/**
 * lag_K_x: the value K days before (0 before the first day).
 */
export interface WindowSpec {
  /**
   * @minItems 1
   * @maxItems 100
   */
  days: [number, ...number[]];
  /**
   * @minItems 1
   * @maxItems 1000
   */
  of: [string, ...string[]];
}
/**
 * prior_Kday_x: sum over the K days before (0-filled at the start).
 */
export interface WindowSpec1 {
  /**
   * @minItems 1
   * @maxItems 100
   */
  days: [number, ...number[]];
  /**
   * @minItems 1
   * @maxItems 1000
   */
  of: [string, ...string[]];
}
/**
 * lead_K_x: the value K days after (missing past the data).
 */
export interface WindowSpec2 {
  /**
   * @minItems 1
   * @maxItems 100
   */
  days: [number, ...number[]];
  /**
   * @minItems 1
   * @maxItems 1000
   */
  of: [string, ...string[]];
}
export interface Treatment {
  name?: string;
  /**
   * Day measure (or panel column) that defines treatment.
   */
  measure: string;
  threshold: Threshold;
  direction?: '>=' | '>';
}
export interface Outcomes {
  primary: string;
  /**
   * @maxItems 100
   */
  secondary?: string[];
}
export interface Covariates {
  /**
   * Panel columns; `*` globs allowed (lag_1_*).
   *
   * @maxItems 1000
   */
  numeric?: string[];
  /**
   * One-hot encoded with the first level dropped (pandas order).
   *
   * @maxItems 1000
   */
  categorical?: string[];
  impute?: 'median';
  drop_constant?: boolean;
  /**
   * Per-covariate transforms applied before imputation: log1p, or winsorize at quantiles.
   */
  transforms?: {
    [k: string]: {
      log1p?: boolean;
      /**
       * @minItems 2
       * @maxItems 2
       */
      winsorize?: [number, number];
    };
  };
}
export interface WeightVariant {
  id: string;
  weights?: 'none' | 'unclipped' | 'clipped';
  /**
   * Cap stabilized weights at this value (docs/seeds.md §003: clip 10/5/2).
   */
  clip_ratio?: number;
  /**
   * Model id for the propensity (e.g. a gbm).
   */
  propensity?: string;
}
export interface Crossfit {
  folds?: number;
  /**
   * Repeated cross-fitting (debiased mediation only; the other cross-fitted estimators use one split): this many fold splits, estimates the median over splits, variance the median of each split's variance plus its squared distance from the median.
   */
  repeats?: number;
  group?: 'user_id';
}
export interface Uncertainty {
  bootstrap?: {
    reps?: number;
    cluster?: 'user_id';
    level?: number;
    method?: 'percentile';
  };
  /**
   * Cluster-robust standard errors for the linear estimators.
   */
  analytic?: boolean;
}
export interface Heterogeneity {
  /**
   * Id of the estimator whose per-row effects are summarized.
   */
  estimator?: string;
  by: {
    [k: string]: {
      tertiles?: boolean;
      /**
       * Cut points.
       *
       * @maxItems 100
       */
      buckets?: number[];
    };
  };
  min_size?: number;
  importance?: boolean;
}
export interface Sensitivity {
  /**
   * Axis path (dot-separated spec path, estimators addressed by id) → list of values. Cartesian product.
   */
  grid?: {
    /**
     * @minItems 1
     * @maxItems 1000
     */
    [k: string]: [unknown, ...unknown[]];
  };
  /**
   * Groups of paired axes: within a group the i-th values go together.
   *
   * @maxItems 32
   */
  zip?: {
    /**
     * @minItems 1
     * @maxItems 1000
     */
    [k: string]: [unknown, ...unknown[]];
  }[];
  /**
   * Cells to drop: each rule lists axis path → value; a cell matching all of a rule's entries is excluded.
   *
   * @maxItems 10000
   */
  exclude?: {}[];
  /**
   * Plans larger than this need --max-cells.
   */
  max_cells?: number;
  evalue?: boolean;
  /**
   * Sweep of an unmeasured mediator–outcome confounder's strength on the NIE.
   */
  mediator_confounding?: boolean;
  /**
   * @maxItems 50
   */
  refuters?: ('placebo_treatment' | 'random_common_cause' | 'data_subset')[];
  refuter_reps?: number;
}
export interface Report {
  /**
   * default, or a path (relative to the spec) to a Handlebars template.
   */
  template?: string;
  /**
   * @maxItems 50
   */
  figures?: (
    | 'estimator_forest'
    | 'love_plot'
    | 'overlap'
    | 'weight_sensitivity'
    | 'secondary_outcomes'
    | 'mediation_decomposition'
    | 'dag'
    | 'specification_curve'
    | 'heterogeneity'
    | 'feature_importance'
  )[];
  /**
   * @maxItems 50
   */
  formats?: ('png' | 'svg')[];
  /**
   * Limitations the analyst states (the report adds those the numbers call for).
   *
   * @maxItems 1000
   */
  limitations?: {
    limitation: string;
    why_it_matters?: string;
    mitigation?: string;
  }[];
  /**
   * Decision recommendations with the evidence behind them (docs/seeds.md §003).
   *
   * @maxItems 1000
   */
  recommendations?: {
    area: string;
    recommendation: string;
    evidence?: string;
  }[];
  /**
   * Estimator id whose total effect is the report's headline (default: the mediation estimator, else the first adjusted estimator).
   */
  primary?: string;
}
