/**
 * Options shared by several estimator kinds: their JSON Schema fragments (as in the spec schema's
 * estimator branch, schemas/causeway.schema.json) and the readers that turn an entry's options into
 * values with the kinds' defaults.
 */
import { CausewayError } from '../../errors.js';
import type { Env } from '../env.js';
import { foldsByUser, resolveModel } from '../learners.js';
import { roleLearner } from '../ml/common.js';
import type { AnalysisFrame, CrossfitFolds, EstimatorContext, ModelSpec } from '../types.js';
import type { OptionSchema, Opts } from './kind.js';

// ---------------------------------------------------------------------------------------------
// schema fragments

export const BOOTSTRAP_OPTION: OptionSchema = {
  enum: ['auto', 'refit'],
  default: 'auto',
  description: 'How bootstrap replicates (uncertainty.bootstrap) are computed. auto: linear estimators assemble replicates from per-user sufficient statistics, cross-fitted ones use the score bootstrap (nuisances fixed); refit: refit every replicate from rows (slower; docs/batch.md estimates the cost).',
  markdownEnumDescriptions: [
    'Fast replicates: per-user sufficient statistics for linear fits, the score bootstrap for cross-fitted ones.',
    'Refit the whole estimator on every resampled set of users (slower, also resamples the nuisance fits).',
  ],
};
/** Replicates of one entry's bootstrap (src/estimate/runner.ts bootstrapReps). */
export const BOOTSTRAP_REPS_OPTION: OptionSchema = {
  type: 'integer',
  minimum: 2,
  maximum: 100000,
  description: 'Bootstrap replicates of this entry (default: uncertainty.bootstrap.reps; no bootstrap when that is 0). Fewer replicates keep a refit bootstrap of a costly model affordable.',
  examples: [50],
};
/**
 * Which interval the doubly robust and debiased estimators report. The influence-function interval,
 * clustered by user, covers in the calibration (docs/calibration.md) where the score bootstrap, which
 * holds the cross-fitted nuisance models fixed across replicates, under-covers; the runner applies it
 * (src/estimate/runner.ts influenceIntervals) and records the choice in diagnostics.interval.
 */
// No schema `default`: the validator fills defaults into the spec, and a new default would change every
// cell id (src/spec/plan.ts cellId) and so every bootstrap draw; the default is intervalMethod's.
export const INTERVAL_OPTION: OptionSchema = {
  enum: ['influence', 'bootstrap'],
  description: 'The reported interval (when uncertainty.bootstrap asks for intervals). influence (the default): estimate ± z·SE with the influence-function SE clustered by user (covers in docs/calibration.md); bootstrap: the user-cluster bootstrap percentile interval, as the bootstrap option makes it (auto: the score bootstrap with the nuisance models held fixed, narrower; refit: refits every replicate).',
  markdownEnumDescriptions: [
    'Normal interval from the influence-function standard error clustered by user.',
    'Percentile interval of the user-cluster bootstrap (the score bootstrap unless bootstrap: refit).',
  ],
  examples: ['influence', 'bootstrap'],
};
/** The interval an entry of a kind with an `interval` option reports: influence unless told. */
export function intervalMethod(opts: Opts): 'influence' | 'bootstrap' {
  const v = opts.interval ?? 'influence';
  if (v !== 'influence' && v !== 'bootstrap') throw new CausewayError('ESTIMATE_BAD_OPTION', 'option interval must be influence or bootstrap');
  return v;
}
/** A nuisance model option: a model id from `models` or a built-in (linear, ridge, logistic, gbm). */
export const modelOption = (dflt: string, role = 'model'): OptionSchema => ({
  type: 'string',
  default: dflt,
  description: `The ${role}: the id of an entry of \`models\` or a built-in model (linear, ridge, logistic, gbm${role.startsWith('propensity') ? '; for propensities also cbps, the covariate balancing propensity score, and for ipw and msm entropy_balance, weights balancing the covariate moments' : ''}); default ${dflt}.`,
  examples: [dflt, 'gbm'],
});
export const CLIP_OPTION: OptionSchema = {
  $ref: '#/$defs/Clip',
  description: 'Propensity clip [low, high]: estimated propensities are kept inside this interval before weighting (default [0.02, 0.98]).',
  examples: [[0.02, 0.98], [0.05, 0.95]],
};
export const CROSSFIT_OPTION: OptionSchema = {
  $ref: '#/$defs/Crossfit',
  description: 'Cross-fitting of the nuisance models: each fold is predicted by models trained on the other folds, users kept whole (docs/gbm.md).',
  examples: [{ folds: 3 }, { folds: 5 }],
};
export const STABILIZE_OPTION: OptionSchema = {
  type: 'boolean',
  default: true,
  description: 'Multiply the inverse-propensity weights by the treatment rate (stabilized weights, mean near 1).',
};
export const CAP_QUANTILE_OPTION: OptionSchema = {
  type: 'number',
  exclusiveMinimum: 0,
  maximum: 1,
  description: 'Cap the weights at this quantile of their distribution (0.99, the default for ATE weights: the top 1% are set to the 99th percentile; ATT/ATC and entropy-balancing weights are not capped unless this is set).',
  examples: [0.99],
};

// no schema default: defaults enter the resolved spec and with it every cell id (src/spec/load.ts,
// useDefaults), so an option added later leaves it out; estimandOf reads an absent estimand as ate
export const ESTIMAND_OPTION: OptionSchema = {
  enum: ['ate', 'att', 'atc'],
  description: 'Which population the effect is averaged over (default ate): ate (every row), att (the treated rows: weights treated 1, controls e/(1 − e); g-computation averaged over the treated) or atc (the control rows). The estimate is reported under this key (ate, att or atc).',
  markdownEnumDescriptions: [
    'Average treatment effect over all rows, E[Y(1) − Y(0)].',
    'Average treatment effect on the treated, E[Y(1) − Y(0) | A = 1].',
    'Average treatment effect on the controls, E[Y(1) − Y(0) | A = 0].',
  ],
};

// ---------------------------------------------------------------------------------------------
// readers

/** The entry's estimand (ate unless told). */
export function estimandOf(opts: Opts): 'ate' | 'att' | 'atc' {
  const v = opts.estimand ?? 'ate';
  if (v !== 'ate' && v !== 'att' && v !== 'atc') throw new CausewayError('ESTIMATE_BAD_OPTION', 'option estimand must be ate, att or atc');
  return v;
}

export function num(opts: Opts, key: string, dflt: number): number {
  const v = opts[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new CausewayError('ESTIMATE_BAD_OPTION', `option ${key} must be a number`);
  return v;
}
export function bool(opts: Opts, key: string, dflt: boolean): boolean {
  const v = opts[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new CausewayError('ESTIMATE_BAD_OPTION', `option ${key} must be true or false`);
  return v;
}
export function pair(opts: Opts, key: string, dflt: [number, number] | null): [number, number] | null {
  const v = opts[key];
  if (v === undefined) return dflt;
  if (v === null || v === false) return null;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number'))
    throw new CausewayError('ESTIMATE_BAD_OPTION', `option ${key} must be [low, high]`);
  return [v[0], v[1]];
}
export function nullableNum(opts: Opts, key: string, dflt: number | null): number | null {
  const v = opts[key];
  if (v === undefined) return dflt;
  if (v === null || v === false) return null;
  if (typeof v !== 'number') throw new CausewayError('ESTIMATE_BAD_OPTION', `option ${key} must be a number or null`);
  return v;
}

/** Folds of the linear estimators' optional cross-fitting: null when the entry does not cross-fit. */
export function crossfitFolds(opts: Opts): number | null {
  const cf = opts.crossfit;
  if (cf === undefined || cf === null || cf === false) return null;
  if (cf === true) return 3;
  if (typeof cf === 'object') {
    const f = (cf as Opts).folds;
    return typeof f === 'number' ? f : 3;
  }
  throw new CausewayError('ESTIMATE_BAD_OPTION', 'option crossfit must be { folds, group } or true');
}

/**
 * Each user's fold (PointResult.folds) for the run folder's crossfit_folds.csv, from per-row GroupKFold
 * folds; none without cross-fitting or in a bootstrap replicate (light env), whose users are resampled.
 */
export function reportedFolds(frame: AnalysisFrame, folds: Int32Array | null, env: Env): CrossfitFolds | undefined {
  return folds && !env.light ? foldsByUser(frame.cluster, [folds]) : undefined;
}

/** Folds of a cross-fitted (any learner) form: always cross-fits, 3 folds unless told. */
export function crossfitFormFolds(opts: Opts): number {
  const cf = opts.crossfit;
  if (cf === undefined || cf === true) return 3;
  const folds = (cf as { folds?: unknown })?.folds ?? 3;
  if (typeof folds !== 'number' || !Number.isInteger(folds) || folds < 2) {
    throw new CausewayError('ESTIMATE_BAD_OPTION', 'option crossfit.folds must be an integer ≥ 2');
  }
  return folds;
}

/** crossfit.repeats: how many fold splits repeated cross-fitting combines (default 1). */
export function crossfitRepeats(opts: Opts): number {
  const cf = opts.crossfit;
  if (cf === undefined || cf === true || cf === null || typeof cf !== 'object') return 1;
  const repeats = (cf as { repeats?: unknown }).repeats ?? 1;
  if (typeof repeats !== 'number' || !Number.isInteger(repeats) || repeats < 1) {
    throw new CausewayError('ESTIMATE_BAD_OPTION', 'option crossfit.repeats must be an integer ≥ 1');
  }
  return repeats;
}

/**
 * Propensity clip of the cross-fitted forms as one number c (propensities kept in [c, 1 − c]): a number,
 * or [low, high] read as min(low, 1 − high); undefined when the entry sets none (each form has its default).
 */
export function symmetricClip(opts: Opts): number | undefined {
  const clip = opts.clip;
  if (clip === undefined) return undefined;
  if (typeof clip === 'number' && clip >= 0 && clip < 0.5) return clip;
  if (Array.isArray(clip) && clip.length === 2 && typeof clip[0] === 'number' && typeof clip[1] === 'number' && clip[0] < clip[1]) {
    return Math.min(clip[0], 1 - clip[1]);
  }
  throw new CausewayError('ESTIMATE_BAD_OPTION', 'option clip must be a number in [0, 0.5) or [low, high]');
}

/** Clip of predicted mediator values of the cross-fitted mediation ([low, high]), or null. */
export function mediatorClip(opts: Opts): [number, number] | null {
  const v = opts.mediator_clip;
  if (v === undefined || v === null || v === false) return null;
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number' && v[0] <= v[1]) return [v[0], v[1]];
  throw new CausewayError('ESTIMATE_BAD_OPTION', 'option mediator_clip must be [low, high]');
}

export function modelFor(opts: Opts, key: string, ctx: EstimatorContext, fallback: string): ModelSpec {
  return resolveModel(opts[key], ctx.models, fallback);
}

/**
 * The propensity model of an entry with an estimand: CBPS solves the balance conditions of the estimand it
 * serves (src/estimate/balancing.ts), so an att/atc entry's CBPS is told which (logistic and gbm ignore it).
 */
export function propensityModelFor(opts: Opts, ctx: EstimatorContext, fallback: string): ModelSpec {
  const model = modelFor(opts, 'propensity', ctx, fallback);
  const estimand = estimandOf(opts);
  return model.kind === 'cbps' && estimand !== 'ate' ? { ...model, estimand } : model;
}

export const isLinear = (m: ModelSpec) => m.kind === 'linear' || m.kind === 'ridge';
export const ridgeOf = (m: ModelSpec) =>
  typeof m.alpha === 'number' ? m.alpha : typeof m.ridge === 'number' ? m.ridge : m.kind === 'ridge' ? 1 : 0;

/** A cross-fitted form's learner for one nuisance role: the model an option names, else the fallback kind. */
export function crossfitLearner(ctx: EstimatorContext, id: string) {
  return (ref: unknown, fallback: string, role: string, task: 'regression' | 'classification') =>
    roleLearner(resolveModel(ref, ctx.models, fallback), ctx, id, role, task);
}

/** The score bootstrap a cross-fitted form runs (null without replicates). */
export function scoreBootstrap(ctx: EstimatorContext): { reps: number; level: number; seed: EstimatorContext['seed']; cellId: string } | null {
  return ctx.bootstrap && ctx.bootstrap.reps > 0 ? { reps: ctx.bootstrap.reps, level: ctx.bootstrap.level, seed: ctx.seed, cellId: ctx.cellId } : null;
}
