/**
 * Cross-fitted ML estimators (any learner: linear, logistic, gbm), and the spec-level entry point.
 *
 * Spec kinds handled by `runMlEstimator` (the lead wires them where an estimator has `crossfit:` or
 * names a gbm model):
 *   gcomp      { outcome, crossfit: { folds } }                                   → ate (plug-in)
 *   aipw       { outcome, propensity, crossfit: { folds }, clip }                 → ate (debiased), ate_gcomp, y1, y0
 *   mediation  { mediator_model, outcome_model, propensity, crossfit: { folds }, interaction, mediator_clip,
 *                clip, debiased }                                                 → te, nde, nie (plug-in) and
 *                                                                                   te_debiased, nde_debiased, nie_debiased
 */
import { CausewayError, isCausewayError } from '../../errors.js';
import '../gbm/index.js';
import { repeatsOf } from './register.js';
import { resolveModel } from '../learners.js';
import type { AnalysisFrame, EstimatorContext, EstimatorResult, EstimatorSpec } from '../types.js';
import { aipwCrossfit, gcompCrossfit, type AipwRows, type GcompRows } from './ate.js';
import { roleLearner } from './common.js';
import { mediationCrossfit, type MediationRows } from './mediation.js';
import {
  moderatorImportance, segmentEffects, segmentationsFor, type HeterogeneitySpec, type ModeratorImportance, type SegmentEffect,
} from './heterogeneity.js';

export * from './ate.js';
export * from './common.js';
export * from './mediation.js';
export * from './heterogeneity.js';
export { mediationDebiased } from './register.js';

export interface MlEstimatorOutput {
  result: EstimatorResult;
  /** Per-row cross-fitted quantities for heterogeneity (not written to results.json). */
  rows: GcompRows | AipwRows | MediationRows | null;
}

function foldsOf(spec: EstimatorSpec): number {
  const cf = spec.crossfit as { folds?: unknown } | undefined;
  const folds = cf?.folds ?? 3;
  if (typeof folds !== 'number' || !Number.isInteger(folds) || folds < 2) {
    throw new CausewayError('ESTIMATE_BAD_OPTION', `estimator ${spec.id}: crossfit.folds must be an integer ≥ 2`);
  }
  return folds;
}

function clipOf(spec: EstimatorSpec): number | undefined {
  const clip = spec.clip;
  if (clip === undefined) return undefined;
  if (typeof clip === 'number' && clip >= 0 && clip < 0.5) return clip;
  if (Array.isArray(clip) && clip.length === 2 && typeof clip[0] === 'number' && typeof clip[1] === 'number' && clip[0] < clip[1]) {
    return Math.min(clip[0], 1 - clip[1]);
  }
  throw new CausewayError('ESTIMATE_BAD_OPTION', `estimator ${spec.id}: clip must be a number in [0, 0.5) or [low, high]`);
}

/** Run a cross-fitted estimator from its spec entry; user-caused failures become a failed result. */
export function runMlEstimator(frame: AnalysisFrame, spec: EstimatorSpec, ctx: EstimatorContext,
  opts: { weights?: Float64Array | null } = {}): MlEstimatorOutput {
  const bootstrap = ctx.bootstrap && ctx.bootstrap.reps > 0
    ? { reps: ctx.bootstrap.reps, level: ctx.bootstrap.level, seed: ctx.seed, cellId: ctx.cellId }
    : null;
  try {
    const folds = foldsOf(spec);
    const learner = (ref: unknown, fallback: string, role: string, task: 'regression' | 'classification') =>
      roleLearner(resolveModel(ref, ctx.models, fallback), ctx, spec.id, role, task);
    switch (spec.kind) {
      case 'gcomp':
        return gcompCrossfit(frame, { id: spec.id, outcome: learner(spec.outcome, 'gbm', 'outcome', 'regression'), folds, weights: opts.weights });
      case 'aipw':
        return aipwCrossfit(frame, {
          id: spec.id, folds, clip: clipOf(spec), bootstrap, weights: opts.weights,
          outcome: learner(spec.outcome, 'gbm', 'outcome', 'regression'),
          propensity: learner(spec.propensity, 'logistic', 'propensity', 'classification'),
        });
      case 'mediation':
      case 'mediation_debiased': {
        const debiased = spec.debiased === undefined ? true : Boolean(spec.debiased);
        const mediatorClip = spec.mediator_clip as [number, number] | undefined;
        if (mediatorClip !== undefined && !(Array.isArray(mediatorClip) && mediatorClip.length === 2 && mediatorClip[0] <= mediatorClip[1])) {
          throw new CausewayError('ESTIMATE_BAD_OPTION', `estimator ${spec.id}: mediator_clip must be [low, high]`);
        }
        return mediationCrossfit(frame, {
          id: spec.id, folds, repeats: repeatsOf(spec), seed: ctx.seed, cellId: ctx.cellId, clip: clipOf(spec), bootstrap, weights: opts.weights, debiased,
          interaction: spec.interaction === undefined ? true : Boolean(spec.interaction),
          mediatorClip: mediatorClip ?? null,
          mediator: learner(spec.mediator_model, 'gbm', 'mediator', 'regression'),
          outcome: learner(spec.outcome_model, 'gbm', 'outcome', 'regression'),
          propensity: debiased ? learner(spec.propensity, 'logistic', 'propensity', 'classification') : undefined,
        });
      }
      default:
        throw new CausewayError('ESTIMATE_UNKNOWN_KIND', `estimator ${spec.id}: kind ${spec.kind} is not a cross-fitted ML estimator`);
    }
  } catch (e) {
    if (!isCausewayError(e)) throw e;
    return {
      rows: null,
      result: { id: spec.id, kind: spec.kind, status: 'failed', reason: e.message, estimates: {}, diagnostics: {}, warnings: [] },
    };
  }
}

export interface HeterogeneityOutput {
  status: 'ok' | 'failed';
  reason?: string;
  /** AIPW segment effects (seed 003's table), bootstrap CIs for segments passing the size filter. */
  segments: SegmentEffect[];
  /** Effect-moderator importance: a gbm fitted to the AIPW pseudo-outcomes (seed 003). */
  moderators: ModeratorImportance[];
  ate: number | null;
  diagnostics: Record<string, unknown>;
}

/**
 * The spec's `heterogeneity:` section: cross-fitted AIPW pseudo-outcomes (models from the referenced
 * AIPW estimator entry: outcome, propensity, crossfit), summarized by segments, plus moderator importance.
 */
export function runHeterogeneity(frame: AnalysisFrame, spec: HeterogeneitySpec & { moderator_model?: unknown },
  aipwSpec: EstimatorSpec | null, ctx: EstimatorContext): HeterogeneityOutput {
  const base = aipwSpec ?? { id: 'heterogeneity', kind: 'aipw' };
  try {
    const learner = (ref: unknown, fallback: string, role: string, task: 'regression' | 'classification') =>
      roleLearner(resolveModel(ref, ctx.models, fallback), ctx, 'heterogeneity', role, task);
    const { result, rows } = aipwCrossfit(frame, {
      id: 'heterogeneity', folds: foldsOf(base), clip: clipOf(base),
      outcome: learner(base.outcome, 'gbm', 'outcome', 'regression'),
      propensity: learner(base.propensity, 'logistic', 'propensity', 'classification'),
    });
    const segmentations = segmentationsFor(frame, spec.by);
    const segments = segmentEffects(frame, rows, segmentations, {
      minRows: spec.min_rows, minUsers: spec.min_users, reps: ctx.bootstrap?.reps ?? 0, level: ctx.bootstrap?.level ?? 0.95,
      seed: ctx.seed, cellId: ctx.cellId,
    });
    const moderators = moderatorImportance(frame.X, rows.psi, learner(spec.moderator_model, 'gbm', 'moderators', 'regression'));
    return { status: 'ok', segments, moderators, ate: result.estimates.ate.estimate, diagnostics: { nuisance: result.diagnostics.nuisance } };
  } catch (e) {
    if (!isCausewayError(e)) throw e;
    return { status: 'failed', reason: e.message, segments: [], moderators: [], ate: null, diagnostics: {} };
  }
}
