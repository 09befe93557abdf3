/**
 * Cross-fitted ML estimators (any learner: linear, logistic, gbm): the engines behind the cross-fitted
 * forms of the gcomp, aipw and mediation kinds (src/estimate/kinds/) and the spec's heterogeneity section.
 */
import { isCausewayError } from '../../errors.js';
import { resolveModel } from '../learners.js';
import type { AnalysisFrame, EstimatorContext, EstimatorSpec } from '../types.js';
import { crossfitFormFolds, symmetricClip } from '../kinds/options.js';
import { aipwCrossfit } from './ate.js';
import { roleLearner } from './common.js';
import {
  moderatorImportance, segmentEffects, segmentationsFor, type HeterogeneitySpec, type ModeratorImportance, type SegmentEffect,
} from './heterogeneity.js';

export * from './ate.js';
export * from './common.js';
export * from './mediation.js';
export * from './repeats.js';
export * from './heterogeneity.js';

interface HeterogeneityOutput {
  status: 'ok' | 'failed';
  reason?: string;
  /** AIPW segment effects (docs/seeds.md §003's table), bootstrap CIs for segments passing the size filter. */
  segments: SegmentEffect[];
  /** Effect-moderator importance: a gbm fitted to the AIPW pseudo-outcomes (docs/seeds.md §003). */
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
      id: 'heterogeneity', folds: crossfitFormFolds(base), clip: symmetricClip(base),
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
