/**
 * The runner of every estimator kind (src/estimate/kinds/): dispatch (delegate, cross-fitted form, or
 * point + fast replicate), standard errors where a kind has none (infinitesimal jackknife), the
 * user-cluster bootstrap, and the one error policy:
 *
 *  - an unknown kind is thrown (ESTIMATE_UNKNOWN_KIND): a spec mistake with nothing to report against;
 *  - anything else thrown while an estimator runs makes that estimator `status: 'failed'` with the reason:
 *    a design problem (EstimatorFailure: an empty arm, a constant mediator), a CausewayError (an option
 *    the schema let through, a model of the wrong task, one arm in a cross-fitting fold) or a defect
 *    ("internal error in <kind>: …"). One estimator never takes its cell down; spec mistakes stop earlier,
 *    at the spec schema, whose estimator branch is generated from the kinds' option declarations;
 *  - a bootstrap refit replicate that fails with an EstimatorFailure or a CausewayError is left out
 *    (counted in diagnostics.bootstrap.failed and warned); a defect there fails the estimator as above.
 */
import { CausewayError } from '../errors.js';
import { DesignScratch, subsetFrame } from '../frame/index.js';
import { drawUsers, multiplicities, replicateRows, summarizeReplicates } from './bootstrap.js';
import { ClipPileupFailure } from './diagnostics.js';
import { envFor, replicateEnv, type Env } from './env.js';
import { EstimatorFailure, type Estimates, type EstimatorKind, type Opts, type PointResult, type Replicator } from './kinds/kind.js';
import { estimandDeclaration, kindInfo } from './kinds/index.js';
import { finiteOrNull } from './linalg.js';
import { normalCi } from './ml/common.js';
import { intervalMethod } from './kinds/options.js';
import type { AnalysisFrame, EstimateValue, EstimatorContext, EstimatorResult, EstimatorSpec } from './types.js';

/**
 * Defaults of options whose schema leaves them unwritten (a schema default would enter every resolved spec
 * and change its cell ids, src/estimate/kinds/options.ts ESTIMAND_OPTION).
 */
const UNWRITTEN_DEFAULTS: Record<string, unknown> = { estimand: 'ate' };

/** Model options that, naming a gbm model, send an entry to its kind's cross-fitted form. */
const MODEL_OPTIONS = ['outcome', 'propensity', 'mediator_model', 'outcome_model'];

/** Whether an entry runs its kind's cross-fitted (any learner) form: it asks to cross-fit or names a gbm model. */
export function usesCrossfitForm(spec: EstimatorSpec, models: EstimatorContext['models']): boolean {
  const kind = kindInfo(spec.kind);
  if (!kind.crossfit) return false;
  // a kind whose own point form fits any learner refits it on every replicate there (gcomp: kinds/gcomp.ts)
  if (spec.bootstrap === 'refit' && kind.crossfit.refitsInPointForm) return false;
  if (spec.crossfit) return true;
  for (const key of MODEL_OPTIONS) {
    const ref = spec[key];
    if (typeof ref === 'string' && models[ref]?.kind === 'gbm') return true;
  }
  return false;
}

/**
 * Options an entry sets that the form it will run in does not honour (its kind's crossfit.ignores), with
 * why: src/run/compile.ts reports each at the option's line:col before any data is read.
 */
export function ignoredOptions(spec: EstimatorSpec, models: EstimatorContext['models']): Array<{ option: string; why: string }> {
  const kind = kindInfo(spec.kind);
  // method: debiased | both delegates to mediation_debiased, which reads its own options
  if (kind.delegate?.(spec as Record<string, unknown>)) return [];
  if (!usesCrossfitForm(spec, models)) return [];
  return Object.entries(kind.crossfit?.ignores ?? {})
    // set, and not to its default (weights: none is the default, and harmless)
    .filter(([option]) => spec[option] !== undefined && spec[option] !== null && JSON.stringify(spec[option]) !== JSON.stringify((kind.options[option] as { default?: unknown } | undefined)?.default ?? UNWRITTEN_DEFAULTS[option]))
    .map(([option, why]) => ({ option, why }));
}

/** Whether the entry's kind also runs on the secondary outcomes (in its cross-fitted form only where that form says so). */
export function runsOnSecondaryOutcomes(spec: EstimatorSpec, models: EstimatorContext['models']): boolean {
  const kind = kindInfo(spec.kind);
  return kind.secondaryOutcomes && (!usesCrossfitForm(spec, models) || kind.crossfit?.secondaryOutcomes === true);
}

/** Bootstrap replicates of an entry: its own `bootstrap_reps` where it sets one, else uncertainty.bootstrap.reps (0: none). */
export function bootstrapReps(opts: Opts, ctx: EstimatorContext): number {
  const reps = ctx.bootstrap?.reps ?? 0;
  if (reps <= 0) return 0;
  return typeof opts.bootstrap_reps === 'number' ? opts.bootstrap_reps : reps;
}

/**
 * Cluster-robust standard errors by the infinitesimal jackknife: d_u = ∂θ/∂(weight of user u) at the
 * full sample (central difference through the same replicate function the bootstrap uses), and
 * SE² = G/(G−1) · Σ_u d_u². For linear fits this is the CR1 sandwich without the (N−1)/(N−K) factor.
 */
function ijStandardErrors(env: Env, rep: Replicator, keys: string[]): Estimates {
  const G = env.users().ids.length;
  const out: Estimates = {};
  if (G < 2) {
    for (const k of keys) out[k] = null;
    return out;
  }
  const h = 1e-4;
  const acc = new Float64Array(keys.length);
  const mult = new Float64Array(G).fill(1);
  try {
    for (let u = 0; u < G; u++) {
      env.ij = { user: u, h };
      mult[u] = 1 + h;
      const plus = rep(-2, mult);
      env.ij = { user: u, h: -h };
      mult[u] = 1 - h;
      const minus = rep(-2, mult);
      mult[u] = 1;
      keys.forEach((k, j) => {
        const d = ((plus[k] as number) - (minus[k] as number)) / (2 * h);
        acc[j] += d * d;
      });
    }
  } finally {
    env.ij = null;
    for (const g of env.ijGrams) g.clearIj();
    env.ijGrams.clear();
  }
  keys.forEach((k, j) => (out[k] = finiteOrNull(Math.sqrt((acc[j] * G) / (G - 1)))));
  return out;
}

function toValue(x: number | null | undefined): number | null {
  return finiteOrNull(x ?? NaN);
}

function optionsOf(spec: EstimatorSpec): Opts {
  const opts: Opts = { ...spec };
  delete opts.id;
  delete opts.kind;
  return opts;
}

function failed(spec: EstimatorSpec, frame: AnalysisFrame, e: unknown): EstimatorResult {
  const reason = e instanceof EstimatorFailure || e instanceof CausewayError
    ? e.message
    : `internal error in ${spec.kind}: ${e instanceof Error ? e.message : String(e)}`;
  // a failure for propensities piled up at the clip bounds keeps the share, for the positivity row
  const diagnostics = e instanceof ClipPileupFailure ? { clip_pileup: e.pileup } : {};
  return { id: spec.id, kind: spec.kind, status: 'failed', reason, estimates: {}, diagnostics, warnings: [...frame.warnings] };
}

/**
 * Which implementation runs an entry. 'spec' (what a spec's entry gets): a delegate when the kind names one,
 * else the cross-fitted form when the entry cross-fits or names a gbm model, else point + fast replicate.
 * 'point': always the kind's own point estimate and fast replicate, whose linear cross-fitting
 * (`crossfit` on gcomp, aipw, mediation) test/golden checks against Python and the calibration uses.
 */
type EstimatorForm = 'spec' | 'point';

/**
 * Run one estimator entry on a frame. `rows` are the cross-fitted form's per-row quantities (for
 * heterogeneity), null otherwise; `propensity` the per-row propensity the entry used when it fitted its
 * own (a cross-fitted form's out-of-fold one, or a kind's point form's: PointResult.propensity).
 */
export function runEstimatorWithRows(
  spec: EstimatorSpec, frame: AnalysisFrame, ctx: EstimatorContext, form: EstimatorForm = 'spec',
): { result: EstimatorResult; rows: unknown; propensity?: Float64Array } {
  let kind = kindInfo(spec.kind);
  let opts = optionsOf(spec);
  const delegated = form === 'spec' ? kind.delegate?.(opts) : null;
  try {
    if (form === 'point') {
      // the kind's own implementation only
    } else if (delegated) {
      kind = kindInfo(delegated.kind);
      opts = delegated.opts;
    } else if (usesCrossfitForm(spec, ctx.models)) {
      const out = kind.crossfit!.run(frame, spec.id, opts, ctx);
      // a kind that delegates (mediation → mediation_debiased) runs its own forms as the plug-in: no influence function
      if (kind.options.interval && !kind.delegate && (ctx.bootstrap?.reps ?? 0) > 0) {
        const own = Object.keys(out.result.estimates).filter((k) => typeof out.result.estimates[k]!.se === 'number');
        out.result.diagnostics.interval = influenceIntervals(out.result.estimates, opts, own, ctx.bootstrap!.level);
      }
      const propensity = (out.rows as { propensity?: unknown } | null)?.propensity;
      return { result: { ...out.result, kind: spec.kind }, rows: out.rows, ...(propensity instanceof Float64Array ? { propensity } : {}) };
    }
    const { result, propensity } = runKind(kind, spec, opts, frame, ctx);
    return { result: { ...result, kind: spec.kind }, rows: null, ...(propensity ? { propensity } : {}) };
  } catch (e) {
    return { result: failed(spec, frame, e), rows: null };
  }
}

/**
 * Run one estimator entry on a frame: point estimate, analytic SEs where available, and (when
 * ctx.bootstrap.reps > 0) the user-cluster bootstrap — from per-user sufficient statistics for linear
 * estimators, on the score for cross-fitted ones, by refitting on resampled users otherwise (or with
 * `bootstrap: refit`).
 */
export function runEstimator(spec: EstimatorSpec, frame: AnalysisFrame, ctx: EstimatorContext, form: EstimatorForm = 'spec'): EstimatorResult {
  return runEstimatorWithRows(spec, frame, ctx, form).result;
}

/**
 * The interval of a kind with an `interval` option (src/estimate/kinds/options.ts INTERVAL_OPTION): with
 * `influence` (the default) each estimate whose SE is the estimator's own influence-function SE, clustered
 * by user (`own`), gets estimate ± z·SE in place of the bootstrap percentile interval; estimates without
 * one (plug-in g-computation) keep theirs. Returns what results.json records as diagnostics.interval.
 */
function influenceIntervals(estimates: Record<string, EstimateValue>, opts: Opts, own: string[], level: number) {
  const method = intervalMethod(opts);
  if (method === 'bootstrap') return { method: 'bootstrap_percentile', cluster: 'user', level };
  const keys: string[] = [];
  for (const k of own) {
    const v = estimates[k];
    if (!v || v.estimate === null || typeof v.se !== 'number') continue;
    v.ci = normalCi(v.estimate, v.se, level);
    keys.push(k);
  }
  return { method: 'influence_function', cluster: 'user', level, estimates: keys };
}

function runKind(impl: EstimatorKind, spec: EstimatorSpec, opts: Opts, frame: AnalysisFrame, ctx: EstimatorContext): { result: EstimatorResult; propensity?: Float64Array } {
  const env = envFor(frame);
  const base: EstimatorResult = { id: spec.id, kind: impl.kind, status: 'ok', estimates: {}, diagnostics: {}, warnings: [] };
  const point: PointResult = impl.point(frame, opts, ctx, env);
  // analytic SEs where the estimator has none: infinitesimal jackknife through its fast replicate
  const missingSe = Object.keys(point.estimates).filter((k) => !point.se || point.se[k] === undefined || point.se[k] === null);
  let seMethod: Record<string, string> = Object.fromEntries(Object.keys(point.se ?? {}).filter((k) => point.se![k] !== null).map((k) => [k, 'CR1']));
  if (missingSe.length && opts.bootstrap !== 'refit' && !ctx.pointOnly) {
    const fastSe = impl.fast?.(frame, opts, ctx, env, point) ?? null;
    if (fastSe) {
      const ij = ijStandardErrors(env, fastSe, missingSe);
      point.se = { ...(point.se ?? {}), ...ij };
      seMethod = { ...seMethod, ...Object.fromEntries(missingSe.map((k) => [k, 'infinitesimal_jackknife'])) };
    }
  }
  const estimates: Record<string, EstimateValue> = {};
  const cm = point.controlMean;
  for (const [k, v] of Object.entries(point.estimates)) {
    const value: EstimateValue = { estimate: toValue(v) };
    if (point.se && k in point.se) value.se = toValue(point.se[k]);
    value.relative = v !== null && cm !== null && cm !== 0 && estimandDeclaration(k, impl.kind)?.relative !== false ? toValue(v / cm) : null;
    estimates[k] = value;
  }
  const warnings = [...point.warnings];
  const diagnostics: Record<string, unknown> = { ...point.diagnostics, control_mean: toValue(cm), rows: frame.n, se_method: seMethod };
  const reps = bootstrapReps(opts, ctx);
  if (reps > 0) {
    const level = ctx.bootstrap?.level ?? 0.95;
    const ui = env.users();
    const G = ui.ids.length;
    const keys = Object.keys(point.estimates);
    const values = keys.map(() => new Float64Array(reps).fill(NaN));
    env.setDraws(ctx.seed, ctx.cellId);
    const fast = opts.bootstrap === 'refit' ? null : impl.fast?.(frame, opts, ctx, env, point) ?? null;
    let failures = 0;
    const scratch = fast ? null : new DesignScratch();
    for (let r = 0; r < reps; r++) {
      const draws = drawUsers(G, ctx.seed, ctx.cellId, r);
      let rep: Estimates | null = null;
      if (fast) rep = fast(r, multiplicities(draws, G));
      else {
        const { index, cluster } = replicateRows(ui, draws);
        const sub = subsetFrame(frame, index, cluster, scratch!);
        const subEnv = replicateEnv(sub);
        // mediator levels of the CDEs stay those of the full sample, as in the fast replicates
        const levels = (point.diagnostics as { cde_levels?: Record<string, number> }).cde_levels;
        // a user drawn twice is two clusters of the replicate, but its copies share a cross-fitting fold
        // (else a copy is predicted by a model trained on its twin): folds group by the drawn user
        const foldGroups = new Int32Array(index.length);
        for (let k = 0; k < index.length; k++) foldGroups[k] = frame.cluster[index[k]];
        const repOpts = { ...opts, __fold_groups: foldGroups, ...(levels ? { __cde_levels: levels } : {}) };
        try {
          rep = impl.point(sub, repOpts, ctx, subEnv).estimates;
        } catch (e) {
          if (!(e instanceof EstimatorFailure || e instanceof CausewayError)) throw e;
          rep = null;
        }
      }
      if (!rep) failures++;
      keys.forEach((k, j) => (values[j][r] = rep && rep[k] !== null && rep[k] !== undefined ? (rep[k] as number) : NaN));
    }
    keys.forEach((k, j) => {
      const s = summarizeReplicates(values[j], level);
      Object.assign(estimates[k], { ci: s.ci, bootMean: s.bootMean, bootSd: s.bootSd });
    });
    if (failures) warnings.push(`${failures} of ${reps} bootstrap replicates could not be estimated and were left out`);
    diagnostics.bootstrap = {
      reps, level, method: 'percentile', cluster: 'user', assembly: fast ? 'sufficient_statistics' : 'refit', failed: failures,
      // fast replicates keep propensity weights / cross-fitted nuisances from the full sample (as docs/seeds.md §004 does)
      nuisance: fast && impl.replicatesHoldNuisances(opts) ? 'held_fixed' : 'refit_per_replicate',
    };
    if (impl.options.interval && !impl.delegate) {
      const own = Object.keys(seMethod).filter((k) => seMethod[k] === 'CR1');
      diagnostics.interval = influenceIntervals(estimates, opts, own, level);
    }
  }
  const result = { ...base, estimates, diagnostics, warnings: [...new Set([...frame.warnings, ...warnings])], ...(point.folds ? { folds: point.folds } : {}) };
  return point.propensity ? { result, propensity: point.propensity } : { result };
}
