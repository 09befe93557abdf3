/**
 * The weight-sensitivity table of docs/seeds.md §003: the MSM effect re-estimated under each weight specification
 * (unweighted; stabilized unclipped; stabilized with the ratio capped at 10 / 5 / 2; a different propensity
 * model), with its CI, relative effect and the weights' effective sample size.
 *
 * A spec variant `{ id, weights: none | unclipped | clipped, clip_ratio, propensity }` maps to the msm
 * estimator's options: none → weights 'unweighted'; unclipped → 'unclipped'; a clip_ratio k → { clip: k };
 * clipped without a ratio → 'ipw' (the ipw pipeline: clip + cap quantile); propensity → the model id.
 */
import type { EstimatorContext, EstimatorResult, EstimatorSpec, AnalysisFrame } from '../estimate/types.js';
import type { WeightSensitivityRow } from '../results/index.js';
import type { RunEstimatorFn } from './refuters.js';

export interface WeightVariantSpec {
  id: string;
  weights?: 'none' | 'unclipped' | 'clipped';
  clip_ratio?: number;
  propensity?: string;
}

/** Seed 003's logistic rows (add a `propensity: <gbm model>` variant for its LightGBM rows). */
export const SEED_003_VARIANTS: WeightVariantSpec[] = [
  { id: 'unweighted', weights: 'none' },
  { id: 'stabilized_unclipped', weights: 'unclipped' },
  { id: 'stabilized_clip_10', weights: 'clipped', clip_ratio: 10 },
  { id: 'stabilized_clip_5', weights: 'clipped', clip_ratio: 5 },
  { id: 'stabilized_clip_2', weights: 'clipped', clip_ratio: 2 },
];

export function msmSpecForVariant(msm: EstimatorSpec, variant: WeightVariantSpec): EstimatorSpec {
  const spec: EstimatorSpec = { ...msm, id: `${msm.id}:${variant.id}` };
  delete spec.variants;
  if (variant.weights === 'none') spec.weights = 'unweighted';
  else if (variant.clip_ratio !== undefined) spec.weights = { clip: variant.clip_ratio };
  else if (variant.weights === 'unclipped') spec.weights = 'unclipped';
  else spec.weights = 'ipw';
  if (variant.propensity !== undefined) spec.propensity = variant.propensity;
  return spec;
}

export function variantLabel(msm: EstimatorSpec, variant: WeightVariantSpec): { label: string; weighting: string } {
  if (variant.weights === 'none') return { label: 'unweighted', weighting: 'none' };
  const model = variant.propensity ?? (typeof msm.propensity === 'string' ? msm.propensity : 'logistic');
  const weighting =
    variant.clip_ratio !== undefined ? `stabilized, clip ${variant.clip_ratio}` : variant.weights === 'unclipped' ? 'stabilized, unclipped' : 'stabilized, clipped (ipw)';
  return { label: `${model}, ${weighting}`, weighting };
}

/** A table row from an msm result run under a variant. */
export function weightSensitivityRow(msm: EstimatorSpec, variant: WeightVariantSpec, result: EstimatorResult): WeightSensitivityRow {
  const { label, weighting } = variantLabel(msm, variant);
  const total = result.estimates.ate ?? result.estimates.att ?? result.estimates.atc ?? result.estimates.te ?? result.estimates.total;
  const weights = (result.diagnostics.weights ?? {}) as { effective_sample_size?: number | null; ess_share_of_rows?: number | null; ess?: number; essShare?: number };
  return {
    label,
    weighting,
    value: result.status === 'ok' && total ? total : { estimate: null },
    ess: weights.effective_sample_size ?? weights.ess ?? null,
    essShare: weights.ess_share_of_rows ?? weights.essShare ?? null,
  };
}

/** Runs the msm estimator once per variant (default docs/seeds.md §003's) and returns the table in variant order. */
export async function weightSensitivity(
  frame: AnalysisFrame,
  msm: EstimatorSpec,
  ctx: EstimatorContext,
  runEstimator: RunEstimatorFn,
  variants: WeightVariantSpec[] = (msm.variants as WeightVariantSpec[] | undefined) ?? SEED_003_VARIANTS,
): Promise<WeightSensitivityRow[]> {
  const rows: WeightSensitivityRow[] = [];
  for (const variant of variants) {
    let result: EstimatorResult;
    try {
      result = await runEstimator(msmSpecForVariant(msm, variant), frame, ctx);
    } catch (e) {
      result = { id: msm.id, kind: msm.kind, status: 'failed', reason: (e as Error).message, estimates: {}, diagnostics: {}, warnings: [] };
    }
    rows.push(weightSensitivityRow(msm, variant, result));
  }
  return rows;
}
