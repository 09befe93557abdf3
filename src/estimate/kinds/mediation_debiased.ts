/**
 * Debiased ML mediation (the efficient-influence-function estimator of src/estimate/ml/mediation.ts) as a
 * kind the runner bootstraps: a `mediation` entry with `method: debiased | both` runs here (./mediation.ts,
 * delegate). Options as the mediation entry's, plus `importance: true` for the nuisance feature-importance
 * audit and `normalize_weights`.
 *
 * Estimates: te, nde, nie (plug-in) and te_debiased, nde_debiased, nie_debiased with user-clustered
 * influence-function SEs. Under the cell's user-cluster bootstrap the debiased estimates are resampled
 * from their per-user score sums (same draws as every other estimator, the nuisance models held fixed:
 * the score bootstrap of double machine learning); the plug-in estimates have no score, so they get CIs
 * only with `bootstrap: refit` (every replicate refits all models).
 */
import { resolveModel } from '../learners.js';
import { roleLearner, usersOf } from '../ml/common.js';
import { mediationCrossfit, nuisanceImportance, type MediationRows } from '../ml/mediation.js';
import { modelKindOf, type EstimatorKind, type PointResult } from './kind.js';
import { crossfitCdeLevels, mediation, MEDIATION_ESTIMANDS } from './mediation.js';
import { INTERVAL_OPTION, bool, estimandOf, crossfitFormFolds, crossfitRepeats, mediatorClip, symmetricClip } from './options.js';
import { mapRows } from '../linalg.js';

/**
 * Per-row scores of a point fit, for its score bootstrap (fast), keyed by the point result the runner
 * hands back to fast: they go with it once the estimator is done (keyed by the frame, the repeated
 * splits' scores stayed for the rest of the cell: about 17 MB on the full-size demo frame).
 */
const scoresOf = new WeakMap<PointResult, MediationRows>();

export const mediationDebiased: EstimatorKind = {
  kind: 'mediation_debiased',
  summary: 'Debiased (efficient-influence-function) mediation with cross-fitted nuisances beside the plug-in; a mediation entry with method debiased or both.',
  internal: true,
  // read from the delegating mediation entry; declared so the runner applies the interval (src/estimate/runner.ts)
  options: { interval: INTERVAL_OPTION },
  estimands: [...MEDIATION_ESTIMANDS, { key: /^y(11|10|00)_debiased$/ }],
  secondaryOutcomes: false,
  adjusted: true,
  headlineRank: 0,
  nuisances: () => ['propensity', 'mediator', 'outcome'],
  // the score replicates reuse the cross-fitted nuisance fits (bootstrap: refit refits them instead)
  replicatesHoldNuisances: () => true,
  label: (opts, models) => `Mediation, debiased EIF, cross-fitted (${modelKindOf(opts.outcome, models) ?? modelKindOf(opts.mediator_model, models) ?? 'gbm'})`,
  labelFromResult: (input) => mediation.labelFromResult(input),
  point(frame, opts, ctx) {
    const learner = (ref: unknown, fallback: string, role: string, task: 'regression' | 'classification') =>
      roleLearner(resolveModel(ref, ctx.models, fallback), ctx, 'mediation_debiased', role, task);
    const options = {
      id: 'mediation_debiased',
      folds: crossfitFormFolds(opts),
      repeats: crossfitRepeats(opts),
      seed: ctx.seed,
      cellId: ctx.cellId,
      clip: symmetricClip(opts) ?? 0.01,
      interaction: bool(opts, 'interaction', true),
      mediatorClip: mediatorClip(opts),
      cde: crossfitCdeLevels(frame, opts),
      mediator: learner(opts.mediator_model, 'gbm', 'mediator', 'regression'),
      outcome: learner(opts.outcome_model, 'gbm', 'outcome', 'regression'),
      propensity: learner(opts.propensity, 'logistic', 'propensity', 'classification'),
      debiased: true,
      // diagnostics.ci_normal at the cell's level, as the interval the runner reports (src/estimate/runner.ts)
      level: ctx.bootstrap?.level ?? 0.95,
      normalizeWeights: bool(opts, 'normalize_weights', true),
      estimand: estimandOf(opts),
    };
    const out = mediationCrossfit(frame, options);
    const r = out.result;
    const estimates: Record<string, number | null> = {};
    const se: Record<string, number | null> = {};
    for (const [name, v] of Object.entries(r.estimates)) {
      estimates[name] = v.estimate;
      se[name] = v.se ?? null;
    }
    if (bool(opts, 'importance', false)) {
      // Seed 004's audit: full-sample nuisance models, top 12 features per target.
      const rows = nuisanceImportance(frame, options.mediator, options.outcome, { interaction: options.interaction });
      r.diagnostics.feature_importance = ['mediator', 'outcome'].flatMap((t) => rows.filter((x) => x.target === t).slice(0, 12));
    }
    // unweighted always: a mediation entry's weights: ipw is refused with the debiased method (./mediation.ts)
    r.diagnostics.weights = 'none';
    const reference = (r.diagnostics.plugin as { reference_mean: number | null }).reference_mean;
    const point: PointResult = {
      estimates,
      se,
      controlMean: estimates.y00_debiased ?? reference,
      diagnostics: r.diagnostics,
      warnings: r.warnings,
      psi: out.rows.psi11 && out.rows.psi10 ? mapRows(out.rows.psi11.length, (i) => out.rows.psi11![i] - out.rows.psi10![i]) : undefined,
      folds: r.folds,
    };
    scoresOf.set(point, out.rows);
    return point;
  },

  /** Score bootstrap of the debiased estimates from the point fit's per-user score sums. */
  fast(frame, _opts, _ctx, _env, point) {
    const rows = scoresOf.get(point);
    if (!rows || !rows.psi11 || !rows.psi10 || !rows.psi00) return null;
    const users = usersOf(frame.cluster);
    const G = users.ids.length;
    const count = new Float64Array(G);
    // rows each score sum is divided by: every row, or the target arm's for att/atc (rows.target)
    for (let i = 0; i < frame.n; i++) count[users.ofRow[i]] += rows.target ? rows.target[i] : 1;
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
