/**
 * Plugs the debiased ML mediation estimator into the estimator registry (src/estimate/estimators.ts)
 * as kind `mediation_debiased`, so a spec can run it beside `mediation` (plug-in):
 *
 *   - { id: mediation_gbm_debiased, kind: mediation_debiased, mediator_model: gbm, outcome_model: gbm,
 *       propensity: gbm, crossfit: { folds: 3 }, interaction: true, mediator_clip: [0, 1], clip: 0.01,
 *       importance: true }   # adds seed 004's feature-importance audit to the diagnostics
 *
 * Estimates: te, nde, nie (plug-in, seed 004) and te_debiased, nde_debiased, nie_debiased with
 * user-clustered influence-function SEs. Under the cell's user-cluster bootstrap the debiased
 * estimates are resampled from their per-user score sums (same draws as every other estimator, the
 * nuisance models held fixed: the score bootstrap of double machine learning); the plug-in estimates
 * have no score, so they get CIs only with `bootstrap: refit` (every replicate refits all models).
 */
import { CausewayError } from '../../errors.js';
import { EstimatorFailure, registerEstimator, type EstimatorImpl, type PointResult } from '../estimators.js';
import { resolveModel } from '../learners.js';
import type { AnalysisFrame, EstimatorContext } from '../types.js';
import { roleLearner, usersOf } from './common.js';
import { mediationCrossfit, nuisanceImportance, type MediationRows } from './mediation.js';

/** Codes of design problems (reported as a failed estimator), as opposed to spec mistakes (thrown). */
const DESIGN_FAILURES = new Set([
  'ESTIMATE_ONE_ARM', 'ESTIMATE_NO_MEDIATOR', 'ESTIMATE_BAD_MEDIATOR', 'ESTIMATE_BAD_OUTCOME', 'ESTIMATE_BAD_TREATMENT',
  'ESTIMATE_TOO_FEW_GROUPS', 'MODEL_NO_ROWS', 'MODEL_BAD_TARGET', 'MODEL_BAD_WEIGHT',
]);

type Opts = Record<string, unknown>;

function foldsOf(opts: Opts): number {
  const cf = opts.crossfit;
  if (cf === undefined || cf === true) return 3;
  const folds = (cf as { folds?: unknown })?.folds ?? 3;
  if (typeof folds !== 'number' || !Number.isInteger(folds) || folds < 2) {
    throw new CausewayError('ESTIMATE_BAD_OPTION', 'option crossfit.folds must be an integer ≥ 2');
  }
  return folds;
}

/** crossfit.repeats: how many fold splits repeated cross-fitting combines (default 1). */
export function repeatsOf(opts: Opts): number {
  const cf = opts.crossfit;
  if (cf === undefined || cf === true || cf === null || typeof cf !== 'object') return 1;
  const repeats = (cf as { repeats?: unknown }).repeats ?? 1;
  if (typeof repeats !== 'number' || !Number.isInteger(repeats) || repeats < 1) {
    throw new CausewayError('ESTIMATE_BAD_OPTION', 'option crossfit.repeats must be an integer ≥ 1');
  }
  return repeats;
}

function clipOf(opts: Opts): number {
  const clip = opts.clip;
  if (clip === undefined) return 0.01;
  if (typeof clip === 'number' && clip >= 0 && clip < 0.5) return clip;
  if (Array.isArray(clip) && clip.length === 2 && typeof clip[0] === 'number' && typeof clip[1] === 'number' && clip[0] < clip[1]) {
    return Math.min(clip[0], 1 - clip[1]);
  }
  throw new CausewayError('ESTIMATE_BAD_OPTION', 'option clip must be a number in [0, 0.5) or [low, high]');
}

function mediatorClipOf(opts: Opts): [number, number] | null {
  const v = opts.mediator_clip;
  if (v === undefined || v === null || v === false) return null;
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number' && v[0] <= v[1]) return [v[0], v[1]];
  throw new CausewayError('ESTIMATE_BAD_OPTION', 'option mediator_clip must be [low, high]');
}

function flag(opts: Opts, key: string, dflt: boolean): boolean {
  const v = opts[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new CausewayError('ESTIMATE_BAD_OPTION', `option ${key} must be true or false`);
  return v;
}

/** Per-row scores kept from the point fit of a frame, for the score bootstrap. */
const scoresOf = new WeakMap<AnalysisFrame, Map<string, MediationRows>>();

export const mediationDebiased: EstimatorImpl = {
  point(frame: AnalysisFrame, opts: Opts, ctx: EstimatorContext): PointResult {
    const learner = (ref: unknown, fallback: string, role: string, task: 'regression' | 'classification') =>
      roleLearner(resolveModel(ref, ctx.models, fallback), ctx, 'mediation_debiased', role, task);
    const options = {
      id: 'mediation_debiased',
      folds: foldsOf(opts),
      repeats: repeatsOf(opts),
      seed: ctx.seed,
      cellId: ctx.cellId,
      clip: clipOf(opts),
      interaction: flag(opts, 'interaction', true),
      mediatorClip: mediatorClipOf(opts),
      mediator: learner(opts.mediator_model, 'gbm', 'mediator', 'regression'),
      outcome: learner(opts.outcome_model, 'gbm', 'outcome', 'regression'),
      propensity: learner(opts.propensity, 'logistic', 'propensity', 'classification'),
      debiased: true,
      normalizeWeights: flag(opts, 'normalize_weights', true),
    };
    let out: ReturnType<typeof mediationCrossfit>;
    try {
      out = mediationCrossfit(frame, options);
    } catch (e) {
      if (e instanceof CausewayError && DESIGN_FAILURES.has(e.code)) throw new EstimatorFailure(e.message);
      throw e;
    }
    const key = JSON.stringify(opts);
    let perFrame = scoresOf.get(frame);
    if (!perFrame) scoresOf.set(frame, (perFrame = new Map()));
    perFrame.set(key, out.rows);
    const r = out.result;
    const estimates: Record<string, number | null> = {};
    const se: Record<string, number | null> = {};
    for (const [name, v] of Object.entries(r.estimates)) {
      estimates[name] = v.estimate;
      se[name] = v.se ?? null;
    }
    if (flag(opts, 'importance', false)) {
      // Seed 004's audit: full-sample nuisance models, top 12 features per target.
      const rows = nuisanceImportance(frame, options.mediator, options.outcome, { interaction: options.interaction });
      r.diagnostics.feature_importance = ['mediator', 'outcome'].flatMap((t) => rows.filter((x) => x.target === t).slice(0, 12));
    }
    const reference = (r.diagnostics.plugin as { reference_mean: number | null }).reference_mean;
    return {
      estimates,
      se,
      controlMean: estimates.y00_debiased ?? reference,
      diagnostics: r.diagnostics,
      warnings: r.warnings,
      psi: out.rows.psi11 && out.rows.psi10 ? Float64Array.from(out.rows.psi11, (v, i) => v - out.rows.psi10![i]) : undefined,
      folds: r.folds,
    };
  },

  /** Score bootstrap of the debiased estimates from the point fit's per-user score sums. */
  fast(frame: AnalysisFrame, opts: Opts, _ctx: EstimatorContext, _env: unknown, point: PointResult) {
    const rows = scoresOf.get(frame)?.get(JSON.stringify(opts));
    if (!rows || !rows.psi11 || !rows.psi10 || !rows.psi00) return null;
    const users = usersOf(frame.cluster);
    const G = users.ids.length;
    const count = new Float64Array(G);
    for (let i = 0; i < frame.n; i++) count[users.ofRow[i]]++;
    // With repeated cross-fitting, replicate r reads split r mod S (splitMixtureBootstrap in mediation.ts):
    // the replicates then spread by the sampling and the split-to-split variance together.
    const splits = rows.splits ?? [{ psi11: rows.psi11, psi10: rows.psi10, psi00: rows.psi00 }];
    const sums = splits.map((sp) => {
      const s11 = new Float64Array(G);
      const s10 = new Float64Array(G);
      const s00 = new Float64Array(G);
      for (let i = 0; i < frame.n; i++) {
        const u = users.ofRow[i];
        s11[u] += sp.psi11[i];
        s10[u] += sp.psi10[i];
        s00[u] += sp.psi00[i];
      }
      return { s11, s10, s00 };
    });
    const plugInKeys = Object.keys(point.estimates).filter((k) => !k.endsWith('_debiased'));
    // Users are in ascending id order here and in the core bootstrap (userIndex), so multiplicities align.
    return (replicate: number, mult: Float64Array) => {
      const { s11, s10, s00 } = sums[replicate >= 0 ? replicate % sums.length : 0]; // negative: jackknife probes, split 0
      let n = 0;
      let a11 = 0;
      let a10 = 0;
      let a00 = 0;
      for (let u = 0; u < G; u++) {
        const m = mult[u];
        if (m === 0) continue;
        n += m * count[u];
        a11 += m * s11[u];
        a10 += m * s10[u];
        a00 += m * s00[u];
      }
      const y11 = a11 / n;
      const y10 = a10 / n;
      const y00 = a00 / n;
      const rep: Record<string, number | null> = {
        te_debiased: y11 - y00, nde_debiased: y10 - y00, nie_debiased: y11 - y10,
        y11_debiased: y11, y10_debiased: y10, y00_debiased: y00,
      };
      for (const k of plugInKeys) rep[k] = null;
      return rep;
    };
  },
};

registerEstimator('mediation_debiased', mediationDebiased);
