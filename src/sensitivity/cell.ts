/**
 * One call for a cell's sensitivity section, driven by the spec's `sensitivity:` settings:
 *  - evalue: E-values of each ok estimator's total effect (SD(Y) from the frame);
 *  - mediator_confounding: the NIE sweep for every ok estimator with an indirect effect;
 *  - refuters: each named refuter on the refuted estimators (default: the first ok estimator with a total
 *    effect other than a difference in means, which has no covariates to refute), total effect only;
 *  - weights: docs/seeds.md §003's table for every msm estimator that lists `variants`.
 * The mediator sweep has no slot in results' `Sensitivity`; put it in `cell.diagnostics.mediatorConfounding`.
 */
import { findKind } from '../estimate/kinds/index.js';
import type { AnalysisFrame, EstimatorContext, EstimatorResult, EstimatorSpec } from '../estimate/types.js';
import type { EValueRow, RefuterRow, Sensitivity, WeightSensitivityRow } from '../results/index.js';
import { firstEstimate, INDIRECT_KEYS, TOTAL_KEYS } from '../results/index.js';
import { EVALUE_SCALE, evalueContinuous } from './evalue.js';
import { mediatorConfoundingSweep, type MediatorConfoundingSweep } from './mediator-confounding.js';
import { refute, refuterRows, type RefuterName, type RunEstimatorFn } from './refuters.js';
import { weightSensitivity, type WeightVariantSpec } from './weights.js';

export interface SensitivitySettings {
  evalue?: boolean;
  mediator_confounding?: boolean;
  refuters?: RefuterName[];
  refuter_reps?: number;
}

export interface CellSensitivityInput {
  settings: SensitivitySettings;
  frame: AnalysisFrame;
  /** the primary-outcome estimator specs as run */
  estimators: EstimatorSpec[];
  /** their results (matched by id) */
  results: EstimatorResult[];
  ctx: EstimatorContext;
  runEstimator: RunEstimatorFn;
  /** estimator ids to refute (default: see header) */
  refute?: string[];
}

export function standardDeviation(values: Float64Array): number | null {
  let n = 0, mean = 0, m2 = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    n++;
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
  }
  return n > 1 ? Math.sqrt(m2 / (n - 1)) : null;
}

export async function cellSensitivity(input: CellSensitivityInput): Promise<{ sensitivity: Sensitivity; mediatorConfounding: MediatorConfoundingSweep[] }> {
  const { settings, frame, ctx, runEstimator } = input;
  const ok = input.results.filter((r) => r.status === 'ok');
  const sd = standardDeviation(frame.Y);
  const sensitivity: Sensitivity = {};
  const mediatorConfounding: MediatorConfoundingSweep[] = [];

  if (settings.evalue && sd !== null && sd > 0) {
    const rows: EValueRow[] = [];
    for (const r of ok) {
      const total = firstEstimate(r, TOTAL_KEYS);
      if (!total) continue;
      const e = evalueContinuous(total.value.estimate!, sd, total.value.ci ?? null);
      rows.push({ estimator: r.id, estimand: total.key, point: e.point, ciBound: e.ciBound, scale: EVALUE_SCALE });
    }
    sensitivity.evalues = rows;
  }

  if (settings.mediator_confounding && sd !== null && sd > 0) {
    for (const r of ok) {
      const nie = firstEstimate(r, INDIRECT_KEYS);
      if (!nie) continue;
      mediatorConfounding.push(mediatorConfoundingSweep({ estimator: r.id, estimand: nie.key, nie: nie.value.estimate!, ci: nie.value.ci ?? null, sdOutcome: sd }));
    }
  }

  if (settings.refuters?.length) {
    const specs = new Map(input.estimators.map((s) => [s.id, s]));
    const targets =
      input.refute ??
      ok
        .filter((r) => (findKind(r.kind)?.adjusted ?? true) && firstEstimate(r, TOTAL_KEYS))
        .slice(0, 1)
        .map((r) => r.id);
    const rows: RefuterRow[] = [];
    for (const id of targets) {
      const spec = specs.get(id);
      const original = ok.find((r) => r.id === id);
      const total = original ? firstEstimate(original, TOTAL_KEYS) : null;
      if (!spec || !original || !total) continue;
      for (const name of settings.refuters) {
        const r = await refute(name, frame, spec, ctx, runEstimator, { reps: settings.refuter_reps ?? 20, estimands: [total.key], original });
        rows.push(...refuterRows(r));
      }
    }
    sensitivity.refuters = rows;
  }

  const weights: WeightSensitivityRow[] = [];
  for (const spec of input.estimators) {
    if (!findKind(spec.kind)?.options.variants || !Array.isArray(spec.variants) || spec.variants.length === 0) continue;
    weights.push(...(await weightSensitivity(frame, spec, ctx, runEstimator, spec.variants as WeightVariantSpec[])));
  }
  if (weights.length) sensitivity.weights = weights;
  return { sensitivity, mediatorConfounding };
}
