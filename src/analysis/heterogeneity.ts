import { runEstimatorWithRows } from '../estimate/runner.js';
import { kindInfo } from '../estimate/kinds/index.js';
import { segmentEffects, numericSegments, categoricalSegments, moderatorImportance, summarizeRowEffects, BELOW_SIZE_FILTER, type Segmentation } from '../estimate/ml/heterogeneity.js';
import type { AipwRows } from '../estimate/ml/ate.js';
import type { MediationRows } from '../estimate/ml/mediation.js';
import { makeLearner, resolveModel } from '../estimate/learners.js';
import type { AnalysisFrame, CrossfitFolds, EstimatorContext, EstimatorSpec, ModelSpec } from '../estimate/types.js';
import type { DrLearnerResult, ImportanceRow, SegmentEffect } from '../results/index.js';
import { groupKFold } from '../estimate/learners.js';
import { drLearner, type Modifier } from './dr-learner.js';
import { Rng } from '../rng.js';
import { clusteredMean } from '../estimate/ml/common.js';
import { finiteOrNull, mapRows } from '../estimate/linalg.js';
import type { CellHeterogeneity } from './settings.js';

/**
 * Heterogeneity (docs/seeds.md §003/§004): per-row cross-fitted effects of the named estimator summarized by
 * segments — AIPW pseudo-outcome means with bootstrap CIs and a size filter (docs/seeds.md §003), or the
 * mediation estimator's per-row TE/NDE/NIE means (docs/seeds.md §004) — and moderator importance from a gbm
 * fitted to the pseudo-outcomes.
 */
export function heterogeneity(
  het: CellHeterogeneity, frame: AnalysisFrame, ctx: EstimatorContext, estimators: EstimatorSpec[], models: Record<string, ModelSpec>, mlRows: Map<string, unknown>,
): { raw: Record<string, unknown>; segments: SegmentEffect[]; importance: ImportanceRow[]; folds?: CrossfitFolds; drLearner?: DrLearnerResult } {
  const estimatorId = het.estimator ?? estimators.find((e) => e.kind === 'aipw')?.id;
  const segmentations: Segmentation[] = [];
  for (const [column, rule] of Object.entries(het.by)) {
    const categorical = frame.extra.categorical[column];
    const numeric = frame.extra.numeric[column];
    if (categorical) segmentations.push(categoricalSegments(column, categorical));
    else if (numeric) {
      const cut = rule.buckets ? { buckets: rule.buckets } : rule.quantiles ? { quantiles: rule.quantiles, edges: rule.edges ?? 'rank' } : { tertiles: true as const };
      segmentations.push(numericSegments(column, numeric, cut));
    }
  }
  const out: Record<string, unknown> = { estimator: estimatorId ?? null };
  const named = estimatorId ? mlRows.get(estimatorId) : undefined;
  if (named && 'iteTotal' in (named as object)) out.mediation_segments = summarizeRowEffects(frame.cluster, named as MediationRows, segmentations);
  let aipwRows = named && 'psi' in (named as object) ? (named as AipwRows) : undefined;
  let sourceId = aipwRows ? estimatorId : undefined;
  if (!aipwRows) {
    // The named estimator has no AIPW scores (a mediation estimator): take those of a cross-fitted AIPW the
    // cell ran, so the segments, the DR-learner and the overall effect they average to are one estimate the
    // report shows (a separately fitted AIPW put its segments beside another estimator's overall effect).
    const ran = estimators.find((e) => e.kind === 'aipw' && isAipwRows(mlRows.get(e.id)));
    if (ran) {
      aipwRows = mlRows.get(ran.id) as AipwRows;
      sourceId = ran.id;
    }
  }
  let internalFolds: CrossfitFolds | undefined;
  if (!aipwRows) {
    // No cross-fitted AIPW ran: fit one (linear outcome, logistic propensity) for the pseudo-outcomes.
    const aipwSpec: EstimatorSpec = { id: 'aipw_heterogeneity', kind: 'aipw', outcome: 'linear', propensity: 'logistic', crossfit: { folds: 3 } };
    const fitted = runEstimatorWithRows(aipwSpec, frame, { ...ctx, bootstrap: undefined });
    aipwRows = (fitted.rows as AipwRows | null) ?? undefined;
    internalFolds = fitted.result.folds;
    out.pseudo_outcomes_from = 'cross-fitted AIPW (linear outcome, logistic propensity)';
    sourceId = aipwSpec.id;
  }
  if (!aipwRows) return { raw: { ...out, error: 'no per-row effects could be computed' }, segments: [], importance: [] };
  out.pseudo_outcomes_estimator = sourceId ?? null;
  // Segment effects are means of these shared pseudo-outcomes (no refit per segment), so the segments of a
  // partition average, weighted by rows, to this overall mean: the report's reference line.
  const overall = clusteredMean(aipwRows.psi, frame.cluster);
  out.overall = { estimate: finiteOrNull(overall.estimate), se: overall.se, rows: aipwRows.psi.length };
  const rawSegments = segmentEffects(frame, aipwRows, segmentations, {
    minRows: het.min_size ?? 50,
    minUsers: 10,
    reps: ctx.bootstrap?.reps ?? 0,
    level: ctx.bootstrap?.level ?? 0.95,
    seed: ctx.seed,
    cellId: ctx.cellId,
  });
  out.segments = rawSegments;
  // The report's typed view: AIPW segment effects (docs/seeds.md §003) and moderator importance.
  const shown = het.top ? topSegments(rawSegments, het.top) : rawSegments.map((r) => ({ ...r, direction: undefined }));
  if (het.top) out.top_segments = shown;
  const segments: SegmentEffect[] = shown.map((r) => ({
    by: r.segment_type,
    segment: r.passes_size_filter ? r.segment : `${r.segment}${BELOW_SIZE_FILTER}`,
    rows: r.rows,
    users: r.users,
    treatedShare: r.treatment_rate,
    estimand: 'ate',
    value: { estimate: r.aipw_ate, ci: r.ci_95_lower !== null && r.ci_95_upper !== null ? [r.ci_95_lower, r.ci_95_upper] : null, bootMean: r.bootstrap_mean, bootSd: r.bootstrap_std },
    ...(r.direction ? { direction: r.direction } : {}),
  }));
  let importance: ImportanceRow[] = [];
  if (het.importance !== false) {
    const learner = makeLearner(resolveModel('gbm', models, 'gbm'), new Rng(ctx.seed, ctx.cellId, 'moderator-importance'));
    const moderators = moderatorImportance(frame.X, aipwRows.psi, learner);
    out.moderator_importance = moderators;
    importance = moderators.map((m) => ({ model: 'effect moderators (gbm on AIPW pseudo-outcomes)', target: 'effect', feature: m.feature, gain: m.importance, splits: m.splits, share: m.importance_share ?? 0 }));
  }
  let dr: DrLearnerResult | undefined;
  if (het.dr_learner) {
    const sourceSpec = estimators.find((e) => e.id === sourceId);
    const source = typeof out.pseudo_outcomes_from === 'string' ? out.pseudo_outcomes_from : sourceSpec ? kindInfo(sourceSpec.kind).label(sourceSpec, models) : `cross-fitted AIPW ${sourceId}`;
    dr = drLearner(aipwRows.psi, frame.cluster, effectModifiers(frame, het.dr_learner.modifiers), groupKFold(frame.cluster, het.dr_learner.folds ?? 5), { level: ctx.bootstrap?.level ?? 0.95, source });
  }
  return { raw: out, segments, importance, folds: internalFolds, ...(dr ? { drLearner: dr } : {}) };
}

/** The modifiers' columns: numeric panel columns (missing values at the mean), categorical ones one-hot with the first level dropped (missing: all zero). */
function effectModifiers(frame: AnalysisFrame, names: string[]): Modifier[] {
  const out: Modifier[] = [];
  for (const name of names) {
    const numeric = frame.extra.numeric[name];
    const categorical = frame.extra.categorical[name];
    if (numeric) {
      // a missing value takes the column's mean, so it moves neither the projection's slope nor its centre
      let sum = 0, count = 0;
      for (const v of numeric) if (Number.isFinite(v)) { sum += v; count++; }
      const mean = count ? sum / count : 0;
      out.push({ name, values: count === numeric.length ? numeric : mapRows(numeric.length, (i) => (Number.isFinite(numeric[i]) ? numeric[i] : mean)) });
    }
    else if (categorical) {
      categorical.levels.slice(1).forEach((level, k) => out.push({ name: `${name}_${level}`, values: mapRows(categorical.codes.length, (i) => (categorical.codes[i] === k + 1 ? 1 : 0)) }));
    }
  }
  return out;
}

const isAipwRows = (rows: unknown): rows is AipwRows => typeof rows === 'object' && rows !== null && 'psi' in rows;

type RawSegment = ReturnType<typeof segmentEffects>[number];

/**
 * The k most positive and the k most negative segment effects among segments passing the size filter
 * (docs/seeds.md §003's final segment table: sort by the AIPW effect, head(k) each way, concatenated, so a
 * segment can appear in both lists when fewer than 2k pass).
 */
export function topSegments(rows: RawSegment[], k: number): (RawSegment & { direction?: 'most_positive' | 'most_negative' })[] {
  const eligible = rows.filter((r) => r.passes_size_filter && r.aipw_ate !== null);
  // ties (rare with continuous effects) keep segment order
  const byEffect = (sign: number) => [...eligible].sort((a, b) => sign * (a.aipw_ate! - b.aipw_ate!));
  return [
    ...byEffect(-1).slice(0, k).map((r) => ({ ...r, direction: 'most_positive' as const })),
    ...byEffect(1).slice(0, k).map((r) => ({ ...r, direction: 'most_negative' as const })),
  ];
}
