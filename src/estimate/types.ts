/**
 * Types handed between frame/, estimate/ (and estimate/gbm/) and run/. See docs/CONTRACTS.md.
 * Design matrices are column-major Float64Arrays: column j occupies data[j*rows .. (j+1)*rows).
 */
import type { ColumnTable } from '../data/table.js';
import type { Rng } from '../rng.js';
import type { AnalysisFrame, DesignMatrix } from '../frame/types.js';
// The analysis frame is frame/'s output; estimate/ reads it (no stage imports a later one).
export type { AnalysisFrame, DesignMatrix, FrameDefinitions, TreatmentDefinition } from '../frame/types.js';


export interface FittedModel {
  /** Predictions for each row: the mean for regressors, P(y = 1) for classifiers. */
  predict(X: DesignMatrix): Float64Array;
  importance?(): { feature: string; gain: number; splits: number }[];
  /** Coefficients (intercept first) where the model has them. */
  coefficients?(): { names: string[]; values: Float64Array };
  warnings?: string[];
}

export interface Learner {
  /** 'regression' learners predict E[y|x]; 'classification' learners predict P(y=1|x) with y in {0,1}. */
  readonly task: 'regression' | 'classification';
  fit(X: DesignMatrix, y: Float64Array, w?: Float64Array): FittedModel;
}

/** Model definition from the spec's `models:` section, e.g. { kind: 'logistic', C: 1, standardize: true }. */
export interface ModelSpec {
  kind: string;
  [option: string]: unknown;
}

/** Makes a learner from a model spec. `rng` seeds stochastic learners (subsampling in gbm). */
export type LearnerFactory = (spec: ModelSpec, rng: Rng) => Learner;

export interface EstimateValue {
  /** null (never NaN) when it could not be computed */
  estimate: number | null;
  /** analytic (cluster-robust CR1) standard error where available */
  se?: number | null;
  /** bootstrap percentile CI */
  ci?: [number, number] | null;
  bootMean?: number | null;
  bootSd?: number | null;
  /** estimate / control mean */
  relative?: number | null;
}

export interface EstimatorResult {
  id: string;
  kind: string;
  status: 'ok' | 'failed';
  reason?: string;
  /** e.g. ate; te, nde, nie, cde_q10, cde_q90; alpha, beta, c_prime, indirect, total */
  estimates: Record<string, EstimateValue>;
  /** overlap, balance, ess, nuisance performance, importance… */
  diagnostics: Record<string, unknown>;
  warnings: string[];
  /** cross-fitted estimators: each user's fold in each split (src/analysis/index.ts moves it out of the entry) */
  folds?: CrossfitFolds;
}

/**
 * Which fold predicted each user's rows: `splits[s][u]` is the 0-based fold of `users[u]` in split s.
 * Split 0 is GroupKFold (learners.ts groupKFold); splits 1.. are repeated cross-fitting's random splits.
 */
export interface CrossfitFolds {
  /** user ids, ascending */
  users: number[];
  splits: number[][];
}




/** Per-cell context for running estimators. */
export interface EstimatorContext {
  /** spec seed */
  seed: number;
  /** stable cell id: keys every Rng so results never depend on order or thread count */
  cellId: string;
  /** named models from the spec's `models:` section */
  models: Record<string, ModelSpec>;
  /** bootstrap settings; absent or reps = 0 → point estimates and analytic SEs only */
  bootstrap?: { reps: number; level: number };
  /** share of an estimate one user may carry before a warning (default 0.2) */
  influenceWarnShare?: number;
  /**
   * The caller reads only the point estimates (the refuters, src/sensitivity/refuters.ts): no
   * infinitesimal-jackknife standard errors, which cost two fast replicates per user.
   */
  pointOnly?: boolean;
}

/** An estimator entry from the spec's `estimators:` list. */
export interface EstimatorSpec {
  id: string;
  kind: string;
  [option: string]: unknown;
}
