/**
 * Propensity weights: the propensity fit (cached per (X, A) in the frame's Env, so secondary-outcome
 * frames share it), clip, stabilization by the treatment rate, a cap at a quantile (docs/estimators.md),
 * their diagnostics, and the Hajek weighted difference. The estimand picks the weights: ATE 1/e and
 * 1/(1 − e); ATT treated 1, controls e/(1 − e); ATC treated (1 − e)/e, controls 1. Entropy balancing
 * (./balancing.ts) replaces the propensity by weights that balance the covariate moments exactly.
 */
import { Rng } from '../rng.js';
import { entropyBalanceOptions, entropyBalanceWeights, type Estimand } from './balancing.js';
import { balanceTable, clipPileupWarning, clipPileup, overlapSummary, weightReadiness, weightSummary } from './diagnostics.js';
import type { Env, Weights } from './env.js';
import { mean } from './frame-helpers.js';
import { EstimatorFailure, type Opts } from './kinds/kind.js';
import { bool, estimandOf, modelFor, nullableNum, pair } from './kinds/options.js';
import { makeLearner } from './learners.js';
import { finiteOrNull, mapRows, quantile } from './linalg.js';
import type { AnalysisFrame, EstimatorContext, ModelSpec } from './types.js';

/** The Rng of one learner fit, keyed by (seed, cell, estimator or purpose, role, fold) so order never matters. */
export function learnerRng(ctx: EstimatorContext, id: string, purpose: string, fold: number): Rng {
  return new Rng(ctx.seed, ctx.cellId, id, purpose, fold);
}

interface WeightOptions { model: ModelSpec; clip: [number, number] | null; stabilize: boolean; capQuantile: number | null; estimand: Estimand }

export const isEntropyBalance = (model: ModelSpec) => model.kind === 'entropy_balance';

export function weightOptions(opts: Opts, ctx: EstimatorContext): WeightOptions {
  const estimand = estimandOf(opts);
  const model = modelFor(opts, 'propensity', ctx, 'logistic');
  return {
    // CBPS solves the balance conditions of the estimand it weights for (./balancing.ts)
    model: model.kind === 'cbps' && estimand !== 'ate' ? { ...model, estimand } : model,
    clip: pair(opts, 'clip', [0.02, 0.98]),
    stabilize: bool(opts, 'stabilize', true),
    // entropy-balancing weights balance exactly; a cap (which undoes that) only when the entry sets one.
    // ATT/ATC weights are not capped unless set: their largest weights are the controls (treated) most like
    // the target arm, and a quantile cap of them biased the ATT on the simulator (docs/calibration.md)
    capQuantile: nullableNum(opts, 'cap_quantile', isEntropyBalance(model) || estimand !== 'ate' ? null : 0.99),
    estimand,
  };
}

export function fitPropensity(frame: AnalysisFrame, model: ModelSpec, ctx: EstimatorContext, env: Env): { e: Float64Array; warnings: string[] } {
  const key = `propensity:${ctx.seed}:${ctx.cellId}:${JSON.stringify(model)}`;
  const cached = env.weights(key, () => {
    const learner = makeLearner(model, learnerRng(ctx, 'propensity', JSON.stringify(model), 0));
    const fit = learner.fit(frame.X, frame.A);
    const e = fit.predict(frame.X);
    const warnings = [...(fit.warnings ?? [])];
    return { propensity: e, clipped: e, w: e, cap: null, warnings };
  });
  return { e: cached.propensity, warnings: cached.warnings };
}

export function stabilizedWeights(A: Float64Array, e: Float64Array, clip: [number, number] | null, stabilize: boolean): { ec: Float64Array; w: Float64Array } {
  const n = A.length;
  const rate = mean(A);
  const ec = clip ? mapRows(e.length, (i) => Math.min(Math.max(e[i], clip[0]), clip[1])) : e;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = A[i] === 1 ? (stabilize ? rate : 1) / ec[i] : (stabilize ? 1 - rate : 1) / (1 - ec[i]);
  return { ec, w };
}

/**
 * Weights of an estimand from propensities e (clipped to `clip`): ATE as stabilizedWeights; ATT treated 1,
 * controls e/(1 − e); ATC treated (1 − e)/e, controls 1. ATT and ATC weights already put the target arm at
 * weight 1, so `stabilize` (a rescaling of ATE weights) does not apply to them.
 */
export function estimandWeights(A: Float64Array, e: Float64Array, clip: [number, number] | null, stabilize: boolean, estimand: Estimand): { ec: Float64Array; w: Float64Array } {
  if (estimand === 'ate') return stabilizedWeights(A, e, clip, stabilize);
  const ec = clip ? mapRows(e.length, (i) => Math.min(Math.max(e[i], clip[0]), clip[1])) : e;
  const w = estimand === 'att'
    ? mapRows(A.length, (i) => (A[i] === 1 ? 1 : ec[i] / (1 - ec[i])))
    : mapRows(A.length, (i) => (A[i] === 1 ? (1 - ec[i]) / ec[i] : 1));
  return { ec, w };
}

/**
 * Uncapped weights of the options: entropy balancing (its overlap diagnostic then from a logistic
 * propensity, which weights nothing), else the estimand's weights from the fitted propensity.
 */
export function uncappedWeights(frame: AnalysisFrame, wo: WeightOptions, clip: [number, number] | null, ctx: EstimatorContext, env: Env): Weights {
  if (isEntropyBalance(wo.model)) {
    const o = entropyBalanceOptions(wo.model);
    const { e, warnings } = fitPropensity(frame, { kind: 'logistic' }, ctx, env);
    const eb = entropyBalanceWeights(frame.X, frame.A, wo.estimand, o);
    return {
      propensity: e, clipped: e, w: eb.w, cap: null, warnings: [...warnings],
      method: { weighting: 'entropy_balance', estimand: wo.estimand, moments: o.moments, newton_iterations: eb.iterations, max_abs_standardized_imbalance: finiteOrNull(eb.maxImbalance) },
    };
  }
  const { e, warnings } = fitPropensity(frame, wo.model, ctx, env);
  // propensities piling up at the clip bounds (or near 0/1 unclipped): a warning, or past the documented share a failure
  const pileup = env.light ? undefined : clipPileup(e, clip);
  const pileupWarning = pileup ? clipPileupWarning(pileup) : null;
  const { ec, w } = estimandWeights(frame.A, e, clip, wo.stabilize, wo.estimand);
  return {
    propensity: e, clipped: ec, w, cap: null, warnings: [...warnings, ...(pileupWarning ? [pileupWarning] : [])], ...(pileup ? { pileup } : {}),
    method: wo.model.kind === 'cbps' ? { weighting: 'cbps', estimand: wo.estimand } : undefined,
  };
}

export function ipwWeights(frame: AnalysisFrame, wo: WeightOptions, ctx: EstimatorContext, env: Env): Weights {
  const key = `ipw:${ctx.seed}:${ctx.cellId}:${JSON.stringify(wo)}`;
  return env.weights(key, () => {
    const base = uncappedWeights(frame, wo, wo.clip, ctx, env);
    const { propensity: e, clipped: ec, w, warnings, pileup } = base;
    let cap: number | null = null;
    if (wo.capQuantile !== null) {
      cap = quantile(w, wo.capQuantile);
      for (let i = 0; i < w.length; i++) if (w[i] > cap) w[i] = cap;
    }
    const bad = w.some((v) => !Number.isFinite(v));
    if (bad) throw new EstimatorFailure('propensities of exactly 0 or 1 give infinite weights; set clip (e.g. [0.02, 0.98])');
    return { propensity: e, clipped: ec, w, cap, warnings: [...warnings], method: base.method, ...(pileup ? { pileup } : {}) };
  });
}

/**
 * Diagnostics already made for a weighting on a design: entries with the same weighting options (ipw, msm,
 * sem_path) share one cached Weights (Env.weights), so its balance table and summaries are computed once.
 */
const diagnosticsOf = new WeakMap<Weights, { X: Float64Array; A: Float64Array; diagnostics: Record<string, unknown> }>();

export function weightDiagnostics(frame: AnalysisFrame, wt: Weights, env: Env): Record<string, unknown> {
  if (env.light) return {};
  const seen = diagnosticsOf.get(wt);
  // a copy, so that no two results share (and could edit) one object
  if (seen && seen.X === frame.X.data && seen.A === frame.A) return structuredClone(seen.diagnostics);
  const diagnostics = computeWeightDiagnostics(frame, wt);
  diagnosticsOf.set(wt, { X: frame.X.data, A: frame.A, diagnostics });
  return structuredClone(diagnostics);
}

function computeWeightDiagnostics(frame: AnalysisFrame, wt: Weights): Record<string, unknown> {
  const balance = balanceTable(frame, wt.w);
  return {
    ...(wt.method ? { weighting: wt.method } : {}),
    overlap: overlapSummary(wt.propensity, frame.A),
    weights: weightSummary(wt.w),
    weight_cap: finiteOrNull(wt.cap ?? NaN),
    ...(wt.pileup ? { clip_pileup: wt.pileup } : {}),
    balance,
    readiness: weightReadiness(wt.propensity, wt.w, wt.cap, balance),
  };
}

/** Hajek weighted difference and its per-row influence (for the influence diagnostic). */
export function hajek(A: Float64Array, Y: Float64Array, w: Float64Array) {
  let s1 = 0, w1 = 0, s0 = 0, w0 = 0;
  for (let i = 0; i < A.length; i++) {
    if (A[i] === 1) { s1 += w[i] * Y[i]; w1 += w[i]; } else { s0 += w[i] * Y[i]; w0 += w[i]; }
  }
  const mu1 = s1 / w1;
  const mu0 = s0 / w0;
  const psi = new Float64Array(A.length);
  for (let i = 0; i < A.length; i++) psi[i] = A[i] === 1 ? (w[i] * (Y[i] - mu1)) / w1 : (-w[i] * (Y[i] - mu0)) / w0;
  return { mu1, mu0, ate: mu1 - mu0, psi };
}
