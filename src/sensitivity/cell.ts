/**
 * One call for a cell's sensitivity section, driven by the spec's `sensitivity:` settings:
 *  - evalue: E-values of each ok estimator's total effect (SD(Y) from the frame);
 *  - mediator_confounding: the NIE sweep for every ok estimator with an indirect effect;
 *  - refuters: each named refuter on the refuted estimators (default: the first ok estimator with a total
 *    effect other than a difference in means, which has no covariates to refute), total effect only;
 *  - weights: docs/seeds.md §003's table for every msm estimator that lists `variants`.
 *  - omitted_variable_bias: sensemakr-style analysis of each linear g-computation (./ovb-linear.ts) and
 *    bounds for each cross-fitted AIPW from its nuisance rows (./ovb-dml.ts);
 *  - mediation_rho: medsens ρ-sensitivity of each linear plug-in mediation (./mediation-rho.ts).
 * The mediator sweep has no slot in results' `Sensitivity`; put it in `cell.diagnostics.mediatorConfounding`.
 */
import { findKind } from '../estimate/kinds/index.js';
import type { AnalysisFrame, EstimatorContext, EstimatorResult, EstimatorSpec } from '../estimate/types.js';
import type { EValueRow, RefuterRow, Sensitivity, WeightSensitivityRow } from '../results/index.js';
import { firstEstimate, INDIRECT_KEYS, TOTAL_KEYS } from '../results/index.js';
import { EVALUE_SCALE, evalueContinuous } from './evalue.js';
import { resolveModel } from '../estimate/learners.js';
import { ridgeOf } from '../estimate/kinds/options.js';
import type { AipwRows } from '../estimate/ml/ate.js';
import { mediationRho } from './mediation-rho.js';
import { mediatorConfoundingSweep, type MediatorConfoundingSweep } from './mediator-confounding.js';
import { ovbDml } from './ovb-dml.js';
import { ovbLinear } from './ovb-linear.js';
import { refute, refuterRows, type RefuterName, type RunEstimatorFn } from './refuters.js';
import { weightSensitivity, type WeightVariantSpec } from './weights.js';

export interface SensitivitySettings {
  evalue?: boolean;
  mediator_confounding?: boolean;
  refuters?: RefuterName[];
  refuter_reps?: number;
  omitted_variable_bias?: {
    benchmarks?: string[];
    multipliers?: number[];
    q?: number;
    alpha?: number;
    estimators?: string[];
    dml_scenarios?: { cf_y: number; cf_d: number; rho?: number }[];
  };
  mediation_rho?: { step?: number; variance?: 'cluster' | 'classical' };
}

/** Cf_Y = Cf_D scenarios of the AIPW bounds when the spec lists none. */
const DEFAULT_DML_SCENARIOS = [0.01, 0.03, 0.1].map((c) => ({ cf_y: c, cf_d: c, rho: 1 }));

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
  /** per-row nuisance predictions of the cross-fitted estimators, by id (the AIPW bounds read them) */
  rows?: Map<string, unknown>;
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

  const ovb = settings.omitted_variable_bias;
  if (ovb) {
    const wanted = (id: string) => !ovb.estimators || ovb.estimators.includes(id);
    const level = 1 - (ovb.alpha ?? 0.05);
    const linear = [], dml = [];
    for (const spec of input.estimators) {
      if (!wanted(spec.id) || !ok.some((r) => r.id === spec.id)) continue;
      if (isPlainLinearGcomp(spec, ctx)) {
        linear.push(ovbLinear(frame, { estimator: spec.id, benchmarks: ovb.benchmarks ?? [], multipliers: ovb.multipliers ?? [1, 2, 3], q: ovb.q ?? 1, alpha: ovb.alpha ?? 0.05 }));
        continue;
      }
      const rows = input.rows?.get(spec.id) as AipwRows | undefined;
      if (spec.kind === 'aipw' && rows && 'psi' in rows && 'propensity' in rows) {
        const scenarios = (ovb.dml_scenarios ?? DEFAULT_DML_SCENARIOS).map((x) => ({ cfY: x.cf_y, cfD: x.cf_d, rho: x.rho ?? 1 }));
        const estimand = spec.estimand === 'att' || spec.estimand === 'atc' ? spec.estimand : 'ate';
        dml.push(ovbDml({ Y: frame.Y, A: frame.A, mu0: rows.mu0, mu1: rows.mu1, propensity: rows.propensity, psi: rows.psi }, frame.cluster, { estimator: spec.id, level, scenarios, estimand }));
      }
    }
    if (linear.length) sensitivity.omittedVariableBias = linear;
    if (dml.length) sensitivity.omittedVariableBiasDml = dml;
  }

  if (settings.mediation_rho && frame.M) {
    const out = [];
    for (const spec of input.estimators) {
      if (!ok.some((r) => r.id === spec.id) || !isPlainLinearMediation(spec, ctx)) continue;
      out.push(mediationRho(frame, {
        estimator: spec.id, interaction: spec.interaction !== false, step: settings.mediation_rho.step ?? 0.05,
        level: ctx.bootstrap?.level ?? 0.95, variance: settings.mediation_rho.variance ?? 'cluster',
      }));
    }
    if (out.length) sensitivity.mediationRho = out;
  }

  const weights: WeightSensitivityRow[] = [];
  for (const spec of input.estimators) {
    if (!findKind(spec.kind)?.options.variants || !Array.isArray(spec.variants) || spec.variants.length === 0) continue;
    weights.push(...(await weightSensitivity(frame, spec, ctx, runEstimator, spec.variants as WeightVariantSpec[])));
  }
  if (weights.length) sensitivity.weights = weights;
  return { sensitivity, mediatorConfounding };
}

const linearModel = (ref: unknown, ctx: EstimatorContext) => {
  const m = resolveModel(ref, ctx.models, 'linear');
  return m.kind === 'linear' && ridgeOf(m) === 0;
};

/** g-computation whose point estimate is the A coefficient of one OLS fit Y ~ A + X (src/estimate/kinds/gcomp.ts). */
function isPlainLinearGcomp(spec: EstimatorSpec, ctx: EstimatorContext): boolean {
  return spec.kind === 'gcomp' && !spec.crossfit && linearModel(spec.outcome, ctx);
}

/** The linear plug-in mediation medsens analyses: OLS mediator and outcome models on all rows, unweighted. */
function isPlainLinearMediation(spec: EstimatorSpec, ctx: EstimatorContext): boolean {
  return spec.kind === 'mediation' && !spec.crossfit && (spec.weights ?? 'none') === 'none' && !spec.clip_mediator && (spec.method ?? 'plugin') === 'plugin' &&
    linearModel(spec.mediator_model, ctx) && linearModel(spec.outcome_model, ctx);
}
