/**
 * Types handed between frame/, estimate/ (and estimate/gbm/) and run/. See docs/CONTRACTS.md.
 * Design matrices are column-major Float64Arrays: column j occupies data[j*rows .. (j+1)*rows).
 */
import type { ColumnTable } from '../data/table.js';
import type { Rng } from '../rng.js';

export interface DesignMatrix {
  rows: number;
  cols: number;
  /** column-major: element (i, j) is data[j * rows + i] */
  data: Float64Array;
  names: string[];
}

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

export interface TreatmentDefinition {
  name: string;
  measure: string;
  threshold: { value: number } | { quantile: number; among?: 'population' | 'active_days' };
}

export interface FrameDefinitions {
  treatment: TreatmentDefinition;
  mediator?: string;
  outcome: string;
  secondary: string[];
  /** resolved threshold value: A = measure >= threshold */
  threshold: number;
  treatedShare: number;
  covariates: string[];
  /** rows dropped from the population because A, M or Y was missing */
  excluded: { missingTreatment: number; missingMediator: number; missingOutcome: number };
  populationRows: number;
}

export interface AnalysisFrame {
  n: number;
  /** panel rows in the analysis frame (population minus rows with missing A/M/Y) */
  rows: Int32Array;
  /** user id per row (bootstrap / cross-fitting groups) */
  cluster: Int32Array;
  A: Float64Array;
  M: Float64Array | null;
  Y: Float64Array;
  secondary: Record<string, Float64Array>;
  X: DesignMatrix;
  extra: ColumnTable;
  definitions: FrameDefinitions;
  warnings: string[];
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
}

/** An estimator entry from the spec's `estimators:` list. */
export interface EstimatorSpec {
  id: string;
  kind: string;
  [option: string]: unknown;
}
