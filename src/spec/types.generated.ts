/* Generated from schemas/causeway.schema.json by `npm run gen:types`. Do not edit. */

/**
 * Where the data come from: the KuaiRec archive or simulator, an event log, a ready table or a user-by-day panel (docs/data.md).
 */
export type Data = KuaiRecData | EventsData | TableData | PanelData;
/**
 * An expression in causeway's expression language (parsed, never evaluated as code).
 */
export type Expression = string;
export type Model =
  | {
      /**
       * Ordinary least squares (an outcome or mediator model).
       */
      kind: 'linear';
    }
  | {
      /**
       * Ridge regression: least squares with an L2 penalty.
       */
      kind: 'ridge';
      /**
       * Strength of the L2 penalty (0: ordinary least squares).
       */
      alpha?: number;
    }
  | {
      /**
       * Logistic regression (a propensity model).
       */
      kind: 'logistic';
      /**
       * Penalty of the fit: l2 (ridge, strength 1/C, as scikit-learn) or none.
       */
      penalty?: 'l2' | 'none';
      /**
       * Inverse penalty strength (larger: weaker penalty), as scikit-learn's C.
       */
      C?: number;
      /**
       * Standardize the features before fitting (the penalty then treats them alike).
       */
      standardize?: boolean;
      /**
       * Most solver iterations; a fit that does not converge in them warns.
       */
      max_iter?: number;
    }
  | {
      /**
       * Gradient-boosted trees (histogram splits, as XGBoost hist; docs/gbm.md); classification for propensity roles.
       */
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
      /**
       * Grow trees leaf-wise (best-first, as LightGBM and XGBoost lossguide) to at most this many leaves; max_depth then bounds the depth only when given, and min_data_in_leaf defaults to 20 and min_child_weight to 0.001 (LightGBM). Unset: level-wise trees to max_depth.
       */
      num_leaves?: number;
      /**
       * LightGBM's name for min_samples_leaf (minimum sampled rows in a leaf); set one of the two. Default 20 with num_leaves, else min_samples_leaf's.
       */
      min_data_in_leaf?: number;
    }
  | {
      /**
       * Covariate balancing propensity score (Imai & Ratkovic 2014, just-identified): a logistic P(A=1|X) whose coefficients solve the covariate balance conditions of the estimator's estimand (ate, att or atc) instead of the likelihood score; a propensity choice of ipw, msm and aipw.
       */
      kind: 'cbps';
      /**
       * Most Newton iterations of the balance conditions; a fit that does not balance in them is an error (ESTIMATE_BALANCE_NOT_CONVERGED).
       */
      max_iter?: number;
      /**
       * Largest remaining imbalance (mean balance condition in standard deviations of the covariates) at which the solve stops.
       */
      tol?: number;
    }
  | {
      /**
       * Entropy balancing (Hainmueller 2012): weights closest to uniform (in entropy) whose weighted covariate moments equal the target's exactly: the controls to the treated (att), the treated to the controls (atc) or each arm to the whole sample (ate). Weights, not propensities: a propensity choice of ipw and msm only.
       */
      kind: 'entropy_balance';
      /**
       * Highest moment balanced per covariate: 1 means, 2 means and second moments (x²), 3 also x³ (powers of 0/1 columns add nothing and are left out).
       */
      moments?: number;
      /**
       * Most Newton iterations of the dual; weights that do not balance in them are an error (ESTIMATE_BALANCE_NOT_CONVERGED).
       */
      max_iter?: number;
      /**
       * Largest remaining imbalance (in standard deviations of the moment columns) at which the solve stops.
       */
      tol?: number;
    };
export type Estimator =
  | {
      /**
       * Name of this entry: its results, report rows and grid paths (estimators.<id>.<option>) use it.
       */
      id: string;
      /**
       * Treated minus control mean; CR1 SE; naive associations for every outcome; design readiness.
       */
      kind: 'difference_in_means';
    }
  | {
      /**
       * Name of this entry: its results, report rows and grid paths (estimators.<id>.<option>) use it.
       */
      id: string;
      /**
       * Separate outcome models per arm on X; ATE = mean over rows of μ1(x) − μ0(x).
       */
      kind: 'regression_adjustment';
      /**
       * The outcome model E[Y|A,X]: the id of an entry of `models` or a built-in model (linear, ridge, logistic, gbm); default linear.
       */
      outcome?: string;
      /**
       * How bootstrap replicates (uncertainty.bootstrap) are computed. auto: linear estimators assemble replicates from per-user sufficient statistics, cross-fitted ones use the score bootstrap (nuisances fixed); refit: refit every replicate from rows (slower; docs/batch.md estimates the cost).
       */
      bootstrap?: 'auto' | 'refit';
    }
  | {
      /**
       * Name of this entry: its results, report rows and grid paths (estimators.<id>.<option>) use it.
       */
      id: string;
      /**
       * Propensity weights (clip, stabilize with the treatment rate, cap at a quantile); Hajek weighted difference.
       */
      kind: 'ipw';
      /**
       * The propensity model P(A=1|X): the id of an entry of `models` or a built-in model (linear, ridge, logistic, gbm; for propensities also cbps, the covariate balancing propensity score, and for ipw and msm entropy_balance, weights balancing the covariate moments); default logistic.
       */
      propensity?: string;
      clip?: Clip;
      /**
       * Multiply the inverse-propensity weights by the treatment rate (stabilized weights, mean near 1).
       */
      stabilize?: boolean;
      /**
       * Cap the weights at this quantile of their distribution (0.99, the default for ATE weights: the top 1% are set to the 99th percentile; ATT/ATC and entropy-balancing weights are not capped unless this is set).
       */
      cap_quantile?: number;
      /**
       * true: Hajek (self-normalized) weighted means per arm; false: Horvitz–Thompson sums divided by the number of rows.
       */
      normalize?: boolean;
      /**
       * How bootstrap replicates (uncertainty.bootstrap) are computed. auto: linear estimators assemble replicates from per-user sufficient statistics, cross-fitted ones use the score bootstrap (nuisances fixed); refit: refit every replicate from rows (slower; docs/batch.md estimates the cost).
       */
      bootstrap?: 'auto' | 'refit';
      /**
       * Which population the effect is averaged over (default ate): ate (every row), att (the treated rows: weights treated 1, controls e/(1 − e); g-computation averaged over the treated) or atc (the control rows). The estimate is reported under this key (ate, att or atc).
       */
      estimand?: 'ate' | 'att' | 'atc';
    }
  | {
      /**
       * Name of this entry: its results, report rows and grid paths (estimators.<id>.<option>) use it.
       */
      id: string;
      /**
       * Weighted regression of Y on A (optionally + X); weights ipw, unweighted, unclipped or capped at k.
       */
      kind: 'msm';
      /**
       * ipw (stabilized, clipped and capped as the ipw options or the named ipw estimator), unweighted, unclipped, {clip: k} (stabilized weights capped at k), or the id of an ipw estimator whose options to use.
       */
      weights?:
        | string
        | {
            /**
             * Cap of the stabilized weights, e.g. 10, 5 or 2.
             */
            clip: number;
          };
      /**
       * Weight-sensitivity variants (docs/seeds.md §003).
       *
       * @maxItems 100
       */
      variants?: WeightVariant[];
      /**
       * How bootstrap replicates (uncertainty.bootstrap) are computed. auto: linear estimators assemble replicates from per-user sufficient statistics, cross-fitted ones use the score bootstrap (nuisances fixed); refit: refit every replicate from rows (slower; docs/batch.md estimates the cost).
       */
      bootstrap?: 'auto' | 'refit';
      /**
       * The propensity model P(A=1|X): the id of an entry of `models` or a built-in model (linear, ridge, logistic, gbm; for propensities also cbps, the covariate balancing propensity score, and for ipw and msm entropy_balance, weights balancing the covariate moments); default logistic.
       */
      propensity?: string;
      clip?: Clip1;
      /**
       * Multiply the inverse-propensity weights by the treatment rate (stabilized weights, mean near 1).
       */
      stabilize?: boolean;
      /**
       * Cap the weights at this quantile of their distribution (0.99, the default for ATE weights: the top 1% are set to the 99th percentile; ATT/ATC and entropy-balancing weights are not capped unless this is set).
       */
      cap_quantile?: number;
      /**
       * Add the covariates to the weighted outcome regression (doubly robust MSM).
       */
      adjust?: boolean;
      /**
       * Which population the effect is averaged over (default ate): ate (every row), att (the treated rows: weights treated 1, controls e/(1 − e); g-computation averaged over the treated) or atc (the control rows). The estimate is reported under this key (ate, att or atc).
       */
      estimand?: 'ate' | 'att' | 'atc';
    }
  | {
      /**
       * Name of this entry: its results, report rows and grid paths (estimators.<id>.<option>) use it.
       */
      id: string;
      /**
       * Outcome regression on [A, X] averaged at A = 1 and 0; cross-fitted with any learner on request.
       */
      kind: 'gcomp';
      /**
       * The outcome model E[Y|A,X]: the id of an entry of `models` or a built-in model (linear, ridge, logistic, gbm); default linear.
       */
      outcome?: string;
      crossfit?: Crossfit;
      /**
       * How bootstrap replicates (uncertainty.bootstrap) are computed. auto: linear estimators assemble replicates from per-user sufficient statistics, cross-fitted ones use the score bootstrap (nuisances fixed); refit: refit every replicate from rows (slower; docs/batch.md estimates the cost). With a gbm outcome or crossfit, refit gives the plug-in its interval: every replicate refits (and re-cross-fits) the outcome model on the resampled users; auto reports no interval there.
       */
      bootstrap?: 'auto' | 'refit';
      /**
       * Bootstrap replicates of this entry (default: uncertainty.bootstrap.reps; no bootstrap when that is 0). Fewer replicates keep a refit bootstrap of a costly model affordable.
       */
      bootstrap_reps?: number;
      /**
       * Which population the effect is averaged over (default ate): ate (every row), att (the treated rows: weights treated 1, controls e/(1 − e); g-computation averaged over the treated) or atc (the control rows). The estimate is reported under this key (ate, att or atc).
       */
      estimand?: 'ate' | 'att' | 'atc';
    }
  | {
      /**
       * Name of this entry: its results, report rows and grid paths (estimators.<id>.<option>) use it.
       */
      id: string;
      /**
       * Doubly robust AIPW with cross-fitted nuisances, user-clustered influence-function SE and the score bootstrap.
       */
      kind: 'aipw';
      /**
       * The propensity model P(A=1|X): the id of an entry of `models` or a built-in model (linear, ridge, logistic, gbm; for propensities also cbps, the covariate balancing propensity score, and for ipw and msm entropy_balance, weights balancing the covariate moments); default logistic.
       */
      propensity?: string;
      /**
       * The outcome model E[Y|A,X]: the id of an entry of `models` or a built-in model (linear, ridge, logistic, gbm); default linear.
       */
      outcome?: string;
      /**
       * pooled (default): one outcome model on [A, X], predicted at A = 1 and 0; per_arm: one outcome model per arm on X (T-learner), each fitted on that arm's training rows.
       */
      outcome_models?: 'pooled' | 'per_arm';
      clip?: Clip2;
      crossfit?: Crossfit1;
      /**
       * How bootstrap replicates (uncertainty.bootstrap) are computed. auto: linear estimators assemble replicates from per-user sufficient statistics, cross-fitted ones use the score bootstrap (nuisances fixed); refit: refit every replicate from rows (slower; docs/batch.md estimates the cost).
       */
      bootstrap?: 'auto' | 'refit';
      /**
       * The reported interval (when uncertainty.bootstrap asks for intervals). influence (the default): estimate ± z·SE with the influence-function SE clustered by user (covers in docs/calibration.md); bootstrap: the user-cluster bootstrap percentile interval, as the bootstrap option makes it (auto: the score bootstrap with the nuisance models held fixed, narrower; refit: refits every replicate).
       */
      interval?: 'influence' | 'bootstrap';
      /**
       * Which population the effect is averaged over (default ate): ate (every row), att (the treated rows: weights treated 1, controls e/(1 − e); g-computation averaged over the treated) or atc (the control rows). The estimate is reported under this key (ate, att or atc).
       */
      estimand?: 'ate' | 'att' | 'atc';
    }
  | {
      /**
       * Name of this entry: its results, report rows and grid paths (estimators.<id>.<option>) use it.
       */
      id: string;
      /**
       * Mediation g-formula: natural direct and indirect effects and controlled direct effects; plug-in or debiased.
       */
      kind: 'mediation';
      /**
       * The mediator model E[M|A,X]: the id of an entry of `models` or a built-in model (linear, ridge, logistic, gbm); default linear.
       */
      mediator_model?: string;
      /**
       * The outcome model E[Y|A,M,X]: the id of an entry of `models` or a built-in model (linear, ridge, logistic, gbm); default linear.
       */
      outcome_model?: string;
      /**
       * Include the A×M interaction in the outcome model (docs/seeds.md §002/§004).
       */
      interaction?: boolean;
      /**
       * plugin: g-computation from the mediator and outcome models (docs/seeds.md §002/§004); debiased: the cross-fitted efficient-influence-function estimator (any learner); both: report the two side by side.
       */
      method?: 'plugin' | 'debiased' | 'both';
      /**
       * Model id for P(A=1|X) and P(A=1|M,X) (debiased method), or for the ipw weights (weights: ipw).
       */
      propensity?: string;
      /**
       * Mediator levels at which the controlled direct effect CDE(m) is reported: quantiles of the mediator, fixed values, or both. Linear form: default quantiles 0.1 and 0.9; cross-fitted form: only when set, from the out-of-fold outcome model.
       */
      cde_at?: {
        /**
         * Quantiles (0–1) of the observed mediator; 0.1 gives the estimate cde_q10.
         *
         * @maxItems 100
         */
        quantiles?: number[];
        /**
         * Mediator values in its own units.
         *
         * @maxItems 100
         */
        values?: number[];
      };
      crossfit?: Crossfit2;
      /**
       * How bootstrap replicates (uncertainty.bootstrap) are computed. auto: linear estimators assemble replicates from per-user sufficient statistics, cross-fitted ones use the score bootstrap (nuisances fixed); refit: refit every replicate from rows (slower; docs/batch.md estimates the cost).
       */
      bootstrap?: 'auto' | 'refit';
      /**
       * Debiased method (method: debiased | both) only: The reported interval (when uncertainty.bootstrap asks for intervals). influence (the default): estimate ± z·SE with the influence-function SE clustered by user (covers in docs/calibration.md); bootstrap: the user-cluster bootstrap percentile interval, as the bootstrap option makes it (auto: the score bootstrap with the nuisance models held fixed, narrower; refit: refits every replicate).
       */
      interval?: 'influence' | 'bootstrap';
      clip_mediator?: Clip3;
      /**
       * none: unweighted mediation models; ipw: fit them with the ipw weights as sample weights (propensity, clip, stabilize and cap_quantile as the ipw kind), estimated once on all rows; cross-fitted, each fold's mediator and outcome models take their training rows' weights (docs/seeds.md §004). The debiased method fits unweighted.
       */
      weights?: 'none' | 'ipw';
      clip?: Clip4;
      /**
       * Debiased method: clip mediator predictions to [low, high].
       *
       * @minItems 2
       * @maxItems 2
       */
      mediator_clip?: [number, number];
      /**
       * Multiply the inverse-propensity weights by the treatment rate (stabilized weights, mean near 1).
       */
      stabilize?: boolean;
      /**
       * Cap the weights at this quantile of their distribution (0.99, the default for ATE weights: the top 1% are set to the 99th percentile; ATT/ATC and entropy-balancing weights are not capped unless this is set).
       */
      cap_quantile?: number;
      /**
       * Over which rows the natural effects (te, nde, nie, and the CDEs) are averaged: ate (every row, default), att (the treated rows: E[Y(1, M(1)) − Y(0, M(0)) | A = 1] and so on) or atc (the control rows). The debiased method uses the efficient influence function of the effect on that population; the estimate keys stay te, nde, nie and diagnostics.estimand names the population.
       */
      estimand?: 'ate' | 'att' | 'atc';
    }
  | {
      /**
       * Name of this entry: its results, report rows and grid paths (estimators.<id>.<option>) use it.
       */
      id: string;
      /**
       * Linear path model: α (A → M), β (M → Y), c′ (A → Y), indirect α·β and total c′ + α·β; ipw-weighted unless weights: none.
       */
      kind: 'sem_path';
      /**
       * How bootstrap replicates (uncertainty.bootstrap) are computed. auto: linear estimators assemble replicates from per-user sufficient statistics, cross-fitted ones use the score bootstrap (nuisances fixed); refit: refit every replicate from rows (slower; docs/batch.md estimates the cost).
       */
      bootstrap?: 'auto' | 'refit';
      /**
       * ipw: fit the path regressions with the ipw weights (the default; weighting options as the ipw kind); none: unweighted.
       */
      weights?: 'ipw' | 'none';
      /**
       * Propensity model id of the ipw weights (default logistic).
       */
      propensity?: string;
      clip?: Clip5;
      /**
       * Stabilize the ipw weights with the treatment rate (default true).
       */
      stabilize?: boolean;
      /**
       * Cap the weights at this quantile of their distribution (0.99, the default for ATE weights: the top 1% are set to the 99th percentile; ATT/ATC and entropy-balancing weights are not capped unless this is set).
       */
      cap_quantile?: number;
    }
  | {
      /**
       * Name of this entry: its results, report rows and grid paths (estimators.<id>.<option>) use it.
       */
      id: string;
      /**
       * Per-arm AIPW means E[Y(1)] and E[Y(0)] from the doubly robust scores, user-clustered SEs and the score bootstrap.
       */
      kind: 'aipw_means';
      /**
       * The propensity model P(A=1|X): the id of an entry of `models` or a built-in model (linear, ridge, logistic, gbm; for propensities also cbps, the covariate balancing propensity score, and for ipw and msm entropy_balance, weights balancing the covariate moments); default logistic.
       */
      propensity?: string;
      /**
       * The outcome model E[Y|A,X]: the id of an entry of `models` or a built-in model (linear, ridge, logistic, gbm); default linear.
       */
      outcome?: string;
      clip?: Clip6;
      crossfit?: Crossfit3;
      /**
       * How bootstrap replicates (uncertainty.bootstrap) are computed. auto: linear estimators assemble replicates from per-user sufficient statistics, cross-fitted ones use the score bootstrap (nuisances fixed); refit: refit every replicate from rows (slower; docs/batch.md estimates the cost).
       */
      bootstrap?: 'auto' | 'refit';
      /**
       * The reported interval (when uncertainty.bootstrap asks for intervals). influence (the default): estimate ± z·SE with the influence-function SE clustered by user (covers in docs/calibration.md); bootstrap: the user-cluster bootstrap percentile interval, as the bootstrap option makes it (auto: the score bootstrap with the nuisance models held fixed, narrower; refit: refits every replicate).
       */
      interval?: 'influence' | 'bootstrap';
      /**
       * Over which rows the potential-outcome means are taken: ate (all rows: y1, y0), att (the treated: y1_treated, y0_treated) or atc (the controls: y1_controls, y0_controls).
       */
      estimand?: 'ate' | 'att' | 'atc';
    };
/**
 * Propensity clip [low, high]: estimated propensities are kept inside this interval before weighting (default [0.02, 0.98]).
 *
 * @minItems 2
 * @maxItems 2
 */
export type Clip = [number, number];
/**
 * Propensity clip [low, high]: estimated propensities are kept inside this interval before weighting (default [0.02, 0.98]).
 *
 * @minItems 2
 * @maxItems 2
 */
export type Clip1 = [number, number];
/**
 * Propensity clip [low, high]: estimated propensities are kept inside this interval before weighting (default [0.02, 0.98]).
 *
 * @minItems 2
 * @maxItems 2
 */
export type Clip2 = [number, number];
/**
 * Clip the mediator model's predictions (M̂ at A = 0, at A = 1 and at the observed A) to this [low, high] range, in the mediator's units (e.g. [0, 1] for a share), before the outcome model is evaluated at them; the observed mediator is not changed.
 *
 * @minItems 2
 * @maxItems 2
 */
export type Clip3 = [number, number];
/**
 * Propensity clip [low, high]: of the debiased method (default [0.01, 0.99]), or of the ipw weights with weights: ipw (default [0.02, 0.98]).
 *
 * @minItems 2
 * @maxItems 2
 */
export type Clip4 = [number, number];
/**
 * Propensity clip [low, high]: estimated propensities are kept inside this interval before weighting (default [0.02, 0.98]).
 *
 * @minItems 2
 * @maxItems 2
 */
export type Clip5 = [number, number];
/**
 * Propensity clip [low, high]: estimated propensities are kept inside this interval before weighting (default [0.02, 0.98]).
 *
 * @minItems 2
 * @maxItems 2
 */
export type Clip6 = [number, number];

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
  /**
   * Free text about the study (Markdown); shown at the top of the report.
   */
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
  derived?: ExpressionMap2;
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
   * The estimators to run, each an entry with an id and a kind; the report compares them.
   *
   * @minItems 1
   * @maxItems 100
   */
  estimators: [Estimator, ...Estimator[]];
  uncertainty?: Uncertainty;
  /**
   * Cell-level diagnostics to compute (docs/report.md); absent: overlap, balance, readiness, residual_mediator_outcome. overlap: propensity overlap by arm (and the histogram the overlap figure draws); balance: standardized mean differences of the covariates before and after weighting; readiness: design readiness checks: users and rows per user, treatment variation, overlap, effective sample size, balance; residual_mediator_outcome: correlation of mediator and outcome residuals given treatment and covariates (a hint of mediator–outcome confounding; needs a mediator); nuisance_performance: accepted for older specs: the estimators report their nuisance models' out-of-fold performance whether or not it is listed; naive_associations: unadjusted treated-minus-control differences for every outcome, shown before the estimator comparison; influence: accepted for older specs: the estimators report their influence-function summaries whether or not it is listed; group_summary: rows, users and the means of the treatment measure, mediator, outcome and secondary outcomes per arm, with the treated-minus-control differences; pathway_correlations: spearman correlations (average ranks for ties) of A with M, A with Y, M with Y and of the treatment measure with M and Y; covariate_quality: per covariate before imputation: missing rate, distinct values, standard deviation, constant flag, the imputation used and its columns in the design matrix; model_blueprint: every model step of every estimator (propensity, mediator and outcome models, the effect step): target, features, learner, fitting, weights and interval.
   *
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
    | 'group_summary'
    | 'pathway_correlations'
    | 'covariate_quality'
    | 'model_blueprint'
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
  /**
   * Which interaction matrix to read: small (small_matrix.csv, dense: 1,411 users × 3,327 items) or big (big_matrix.csv, the sparse full log).
   */
  matrix?: 'small' | 'big';
  /**
   * Keep a deterministic subset of whole users (for quick runs); absent: all users.
   */
  sample?: {
    /**
     * Keep whole users with user_id % modulus == remainder.
     */
    modulus: number;
    /**
     * Which residue class of users to keep (0 ≤ remainder < modulus).
     */
    remainder?: number;
  };
  /**
   * Side tables of the archive to read: user_features (user.*), item_categories (item.first_category, item.category_count), item_daily_features (item.avg_*), kuairec_caption_category, social_network.
   */
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
   * The files' format when their names do not tell it: csv, tsv, parquet, ndjson or arrow.
   */
  format?: 'csv' | 'tsv' | 'parquet' | 'ndjson' | 'arrow';
  /**
   * Which of the files' columns hold the user, item, time and date.
   */
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
  /**
   * How the time column is read and which calendar day an event falls on.
   */
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
  /**
   * Side tables joined to the events: users, items and item_days.
   */
  tables?: {
    users?: SideTable;
    items?: SideTable1;
    item_days?: SideTable2;
  };
  /**
   * Keep a deterministic subset of whole users (for quick runs); absent: all users.
   */
  sample?: {
    /**
     * Keep whole users with key % modulus == remainder (integer keys) or fnv1a32(key) % modulus == remainder (text keys).
     */
    modulus: number;
    /**
     * Which residue class of users to keep (0 ≤ remainder < modulus).
     */
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
   * The files' format when their names do not tell it: csv, tsv, parquet, ndjson or arrow.
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
   * The files' format when their names do not tell it: csv, tsv, parquet, ndjson or arrow.
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
   * The files' format when their names do not tell it: csv, tsv, parquet, ndjson or arrow.
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
   * The files' format when their names do not tell it: csv, tsv, parquet, ndjson or arrow.
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
   * The files' format when their names do not tell it: csv, tsv, parquet, ndjson or arrow.
   */
  format?: 'csv' | 'tsv' | 'parquet' | 'ndjson' | 'arrow';
  /**
   * Which columns hold the user, the date and (optionally) the active-day flag.
   */
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
  /**
   * Side tables joined to the panel: users.
   */
  tables?: {
    users?: SideTable3;
  };
  /**
   * Keep a deterministic subset of whole users (for quick runs); absent: all users.
   */
  sample?: {
    /**
     * Keep whole users with key % modulus == remainder (integer keys) or fnv1a32(key) % modulus == remainder (text keys).
     */
    modulus: number;
    /**
     * Which residue class of users to keep (0 ≤ remainder < modulus).
     */
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
   * The files' format when their names do not tell it: csv, tsv, parquet, ndjson or arrow.
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
/**
 * Lagged, prior, lead and future windows of day measures, added to the panel as columns (lag_1_x, prior_3day_x, future_7day_x).
 */
export interface History {
  lag?: WindowSpec;
  prior?: WindowSpec1;
  lead?: WindowSpec2;
  /**
   * future_Kday_x: sum over the K days after (next_day_x is future_1day_x).
   */
  future?: {
    /**
     * Window lengths in days after the current day (7: future_7day_x sums days +1 … +7).
     *
     * @minItems 1
     * @maxItems 100
     */
    days: [number, ...number[]];
    /**
     * Day measures (or panel columns) summed over the windows.
     *
     * @minItems 1
     * @maxItems 1000
     */
    of: [string, ...string[]];
    /**
     * A window running past the data: missing (the value is missing, so such rows can be excluded; docs/seeds.md §001) or zero (days past the data count as zero; docs/seeds.md §000).
     */
    incomplete?: 'missing' | 'zero';
  };
}
/**
 * lag_K_x: the value K days before (0 before the first day).
 */
export interface WindowSpec {
  /**
   * Window lengths in days (each gives its own column).
   *
   * @minItems 1
   * @maxItems 100
   */
  days: [number, ...number[]];
  /**
   * Day measures (or panel columns) the windows apply to.
   *
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
   * Window lengths in days (each gives its own column).
   *
   * @minItems 1
   * @maxItems 100
   */
  days: [number, ...number[]];
  /**
   * Day measures (or panel columns) the windows apply to.
   *
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
   * Window lengths in days (each gives its own column).
   *
   * @minItems 1
   * @maxItems 100
   */
  days: [number, ...number[]];
  /**
   * Day measures (or panel columns) the windows apply to.
   *
   * @minItems 1
   * @maxItems 1000
   */
  of: [string, ...string[]];
}
/**
 * Analysis columns: name → row expression over the panel, evaluated after the population is chosen, in the order written (each may use the ones before it). Usable as treatment measure, mediator, outcome, covariate or segment. Only here may qbin(x, k) appear: pandas qcut(x, k, labels=False, duplicates='drop') codes 0, 1, … with the edges over the population's rows.
 */
export interface ExpressionMap2 {
  [k: string]: Expression;
}
/**
 * The binary treatment A: a day measure compared with a threshold.
 */
export interface Treatment {
  /**
   * Name of the treatment in the report and results (default A_<measure>).
   */
  name?: string;
  /**
   * Day measure (or panel column) that defines treatment.
   */
  measure: string;
  /**
   * Threshold the measure is compared with: {value: x} or {quantile: q}.
   */
  threshold:
    | {
        /**
         * Fixed threshold in the measure's units.
         */
        value: number;
      }
    | {
        /**
         * Threshold at this quantile of the measure (0.5: median split).
         */
        quantile: number;
        /**
         * Rows whose quantile sets the threshold: population (the analysis rows, the default) or active_days (active user-days only).
         */
        among?: 'population' | 'active_days';
      };
  /**
   * Comparison that makes a row treated: ">=" (measure ≥ threshold) or ">" (strictly above).
   */
  direction?: '>=' | '>';
}
/**
 * The outcome Y (primary) and further outcomes estimated alongside it.
 */
export interface Outcomes {
  /**
   * Day measure or panel column of the primary outcome Y (often a future_Kday_ window).
   */
  primary: string;
  /**
   * Further outcomes estimated with the estimators that support them.
   *
   * @maxItems 100
   */
  secondary?: string[];
}
/**
 * The adjustment set X: panel columns, their encoding, imputation and transforms.
 */
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
  /**
   * How missing covariate values are filled: median (the column's median over the analysis rows).
   */
  impute?: 'median';
  /**
   * Drop covariates that are constant over the analysis rows (they cannot be estimated).
   */
  drop_constant?: boolean;
  /**
   * Covariate name or `*` glob → transforms applied after median imputation: log1p, then winsorize.
   */
  transforms?: {
    [k: string]: {
      /**
       * true: replace x by log(1 + x) (for counts with long tails; values below −1 are an error).
       */
      log1p?: boolean;
      /**
       * Clip the covariate to these quantiles [low, high] of its distribution.
       *
       * @minItems 2
       * @maxItems 2
       */
      winsorize?: [number, number];
    };
  };
}
export interface WeightVariant {
  /**
   * Name of the variant in the weight-sensitivity table.
   */
  id: string;
  /**
   * Weights of the variant: none (unweighted), unclipped (raw inverse-propensity weights) or clipped (clipped and capped as the estimator).
   */
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
/**
 * Cross-fitting of the nuisance models: each fold is predicted by models trained on the other folds, users kept whole (docs/gbm.md).
 */
export interface Crossfit {
  /**
   * Number of folds (users kept whole within a fold).
   */
  folds?: number;
  /**
   * Repeated cross-fitting (debiased mediation only; the other cross-fitted estimators use one split): this many fold splits, estimates the median over splits, variance the median of each split's variance plus its squared distance from the median.
   */
  repeats?: number;
  /**
   * Column whose values are kept in one fold: user_id (the only choice).
   */
  group?: 'user_id';
}
/**
 * Cross-fitting of the nuisance models: each fold is predicted by models trained on the other folds, users kept whole (docs/gbm.md).
 */
export interface Crossfit1 {
  /**
   * Number of folds (users kept whole within a fold).
   */
  folds?: number;
  /**
   * Repeated cross-fitting (debiased mediation only; the other cross-fitted estimators use one split): this many fold splits, estimates the median over splits, variance the median of each split's variance plus its squared distance from the median.
   */
  repeats?: number;
  /**
   * Column whose values are kept in one fold: user_id (the only choice).
   */
  group?: 'user_id';
}
/**
 * Cross-fitting of the nuisance models: each fold is predicted by models trained on the other folds, users kept whole (docs/gbm.md).
 */
export interface Crossfit2 {
  /**
   * Number of folds (users kept whole within a fold).
   */
  folds?: number;
  /**
   * Repeated cross-fitting (debiased mediation only; the other cross-fitted estimators use one split): this many fold splits, estimates the median over splits, variance the median of each split's variance plus its squared distance from the median.
   */
  repeats?: number;
  /**
   * Column whose values are kept in one fold: user_id (the only choice).
   */
  group?: 'user_id';
}
/**
 * Cross-fitting of the nuisance models: each fold is predicted by models trained on the other folds, users kept whole (docs/gbm.md).
 */
export interface Crossfit3 {
  /**
   * Number of folds (users kept whole within a fold).
   */
  folds?: number;
  /**
   * Repeated cross-fitting (debiased mediation only; the other cross-fitted estimators use one split): this many fold splits, estimates the median over splits, variance the median of each split's variance plus its squared distance from the median.
   */
  repeats?: number;
  /**
   * Column whose values are kept in one fold: user_id (the only choice).
   */
  group?: 'user_id';
}
/**
 * Bootstrap and analytic standard errors.
 */
export interface Uncertainty {
  /**
   * The cluster bootstrap: users are resampled whole.
   */
  bootstrap?: {
    /**
     * Number of bootstrap replicates (0: no bootstrap intervals, only analytic ones).
     */
    reps?: number;
    /**
     * The resampled unit: user_id (the only choice).
     */
    cluster?: 'user_id';
    /**
     * Confidence level of the intervals.
     */
    level?: number;
    /**
     * Interval method: percentile (the only choice).
     */
    method?: 'percentile';
  };
  /**
   * Cluster-robust standard errors for the linear estimators.
   */
  analytic?: boolean;
}
/**
 * Effects by segment of the analysis rows (and, with importance, their moderators; with dr_learner, a best linear projection on effect modifiers and a calibration test).
 */
export interface Heterogeneity {
  /**
   * Id of the estimator whose per-row effects are summarized.
   */
  estimator?: string;
  /**
   * Segmenting variable → how to cut it (tertiles, quantiles or explicit buckets); a categorical column (e.g. the built-in day_of_week) is segmented by its levels.
   */
  by: {
    [k: string]: {
      /**
       * Cut the variable at its tertiles.
       */
      tertiles?: boolean;
      /**
       * Cut the variable into this many quantile bins: 4 quartiles, 10 deciles.
       */
      quantiles?: number;
      /**
       * How quantile bins are cut: rank (default): equal-count groups by rank, ties in row order (pandas qcut of rank(method='first')); value: at the value quantiles with repeated edges dropped (pandas qcut(x, q, duplicates='drop')), labelled as pandas prints the intervals.
       */
      edges?: 'rank' | 'value';
      /**
       * Cut points.
       *
       * @maxItems 100
       */
      buckets?: number[];
    };
  };
  /**
   * Report only the k most positive and the k most negative segment effects among segments passing the size filter (every segment stays in results.json).
   */
  top?: number;
  /**
   * Smallest segment, in rows, that gets a bootstrap interval; smaller segments are reported without one.
   */
  min_size?: number;
  /**
   * Also rank effect moderators by gradient-boosted importance (feature_importance figure).
   */
  importance?: boolean;
  /**
   * DR-learner: the cross-fitted AIPW pseudo-outcomes regressed on effect modifiers (best linear projection with cluster-robust intervals) and a calibration test of out-of-fold CATE predictions.
   */
  dr_learner?: {
    /**
     * Effect modifiers: covariate design columns or numeric panel columns.
     *
     * @minItems 1
     * @maxItems 50
     */
    modifiers: [string, ...string[]];
    /**
     * User folds of the calibration test's out-of-fold CATE predictions.
     */
    folds?: number;
  };
}
/**
 * Robustness grid over spec choices, E-values, mediator-confounding sweep, refuters, omitted-variable-bias bounds (sensemakr, AIPW) and the mediation ρ-sensitivity.
 */
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
  /**
   * Report E-values (the confounding strength that would explain an estimate away).
   */
  evalue?: boolean;
  /**
   * Sweep of an unmeasured mediator–outcome confounder's strength on the NIE.
   */
  mediator_confounding?: boolean;
  /**
   * Refutation tests: placebo_treatment: replace the treatment by a random permutation; the effect should vanish; random_common_cause: add a random covariate; the effect should not move; data_subset: re-estimate on random subsets of users; the effect should stay.
   *
   * @maxItems 50
   */
  refuters?: ('placebo_treatment' | 'random_common_cause' | 'data_subset')[];
  /**
   * Replicates of each refuter.
   */
  refuter_reps?: number;
  /**
   * Omitted-variable-bias sensitivity: sensemakr-style partial-R² analysis (robustness values, benchmark bounds, contour figure) of each linear g-computation, and Chernozhukov et al. (2022) bounds for each cross-fitted AIPW, of its estimand (ATE; ATT or ATC with the Riesz representer DoubleML uses for the ATTE).
   */
  omitted_variable_bias?: {
    /**
     * Covariates (design column names, or a categorical covariate for all its one-hot columns) to benchmark a confounder's strength against.
     *
     * @maxItems 50
     */
    benchmarks?: string[];
    /**
     * Bounds for confounders this many times as strong as each benchmark.
     *
     * @minItems 1
     * @maxItems 10
     */
    multipliers?:
      | [number]
      | [number, number]
      | [number, number, number]
      | [number, number, number, number]
      | [number, number, number, number, number]
      | [number, number, number, number, number, number]
      | [number, number, number, number, number, number, number]
      | [number, number, number, number, number, number, number, number]
      | [number, number, number, number, number, number, number, number, number]
      | [number, number, number, number, number, number, number, number, number, number];
    /**
     * Share of the estimate a confounder would have to remove for the robustness value (1: the whole estimate).
     */
    q?: number;
    /**
     * Significance level of RV_{q,α} and of the adjusted intervals.
     */
    alpha?: number;
    /**
     * Estimator ids to analyse (default: every eligible one: linear g-computation without cross-fitting, cross-fitted AIPW).
     *
     * @maxItems 100
     */
    estimators?: string[];
    /**
     * Confounding scenarios for the cross-fitted AIPW bounds (default Cf_Y = Cf_D = 0.01, 0.03, 0.1 with ρ = 1).
     *
     * @maxItems 50
     */
    dml_scenarios?: {
      /**
       * Share of the outcome's residual variation the latent confounder explains.
       */
      cf_y: number;
      /**
       * Share of the Riesz representer's variation it explains (its strength with the treatment).
       */
      cf_d: number;
      /**
       * Correlation of the two confounding directions (1: adversarial).
       */
      rho?: number;
    }[];
  };
  /**
   * ρ-sensitivity of each linear mediation estimator as R mediation::medsens: the indirect effect as the correlation ρ of the mediator and outcome models' errors varies, and the ρ at which it is zero.
   */
  mediation_rho?: {
    /**
     * Grid step of ρ (medsens rho.by); the grid runs from −1 + step to 1 − step.
     */
    step?: number;
    /**
     * Variance of the ACME(ρ) intervals: cluster: cluster-robust by user, as medsens with cluster; classical: the seemingly-unrelated-regressions variance without clustering.
     */
    variance?: 'cluster' | 'classical';
  };
}
/**
 * Template, figures, formats and the analyst's own limitations and recommendations.
 */
export interface Report {
  /**
   * default, or a path (relative to the spec) to a Handlebars template.
   */
  template?: string;
  /**
   * Figures to draw (docs/report.md): estimator_forest: total effect per estimator with 95% intervals; love_plot: standardized mean differences before/after weighting; overlap: propensity histograms by arm (needs the overlap diagnostic); weight_sensitivity: estimate per weighting variant with its effective sample size; secondary_outcomes: effects on the secondary outcomes; mediation_decomposition: total, direct and indirect effects per approach; dag: the assumed causal graph; specification_curve: grid estimates ranked, with the grid choices below; heterogeneity: effects by segment with intervals; feature_importance: top features of the nuisance models and effect moderators by share of gain; ovb_contour: estimate adjusted for an unobserved confounder over partial-R² grids, benchmark bounds marked (sensemakr; needs sensitivity.omitted_variable_bias); mediation_rho: indirect effect against the mediator–outcome error correlation ρ (medsens; needs sensitivity.mediation_rho).
   *
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
    | 'ovb_contour'
    | 'mediation_rho'
  )[];
  /**
   * Image formats of the figures: png and/or svg.
   *
   * @maxItems 50
   */
  formats?: ('png' | 'svg')[];
  /**
   * Limitations the analyst states (the report adds those the numbers call for).
   *
   * @maxItems 1000
   */
  limitations?: {
    /**
     * The limitation, in one sentence.
     */
    limitation: string;
    /**
     * How it could bias or limit the conclusions.
     */
    why_it_matters?: string;
    /**
     * What was done or could be done about it.
     */
    mitigation?: string;
  }[];
  /**
   * Decision recommendations with the evidence behind them (docs/seeds.md §003).
   *
   * @maxItems 1000
   */
  recommendations?: {
    /**
     * The area the recommendation concerns (a product surface, a metric).
     */
    area: string;
    /**
     * The recommended decision.
     */
    recommendation: string;
    /**
     * The estimates or checks it rests on.
     */
    evidence?: string;
  }[];
  /**
   * Estimator id whose total effect is the report's headline (default: the mediation estimator, else the first adjusted estimator).
   */
  primary?: string;
}
