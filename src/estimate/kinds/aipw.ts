/**
 * AIPW (doubly robust): cross-fitted (3 folds unless told) propensity and outcome models, the score ψ
 * averaged, its user-clustered SE; replicates resample users on ψ with the nuisances fixed (the DML score
 * bootstrap). With a gbm model named the any-learner cross-fitted form (src/estimate/ml/ate.ts) runs.
 * `estimand: att | atc` uses the doubly robust scores of the effect on the treated (controls), ./aipw_scores.ts.
 */
import { clipPileupWarning, clipPileup, influenceSummary, overlapSummary } from '../diagnostics.js';
import { constant, mean, requireArms, regressionMetrics } from '../frame-helpers.js';
import { groupKFold, makeLearner, takeRows } from '../learners.js';
import { finiteOrNull, mapRows } from '../linalg.js';
import { linearCrossfitPredictions, outcomePredictions, userSums, weightedSums } from '../linear-fits.js';
import { aipwCrossfit } from '../ml/ate.js';
import { roleLearner } from '../ml/common.js';
import { learnerRng } from '../weights.js';
import { AVERAGE_EFFECTS } from './estimands.js';
import { averageEffectScores } from './aipw_scores.js';
import type { Env } from '../env.js';
import type { AnalysisFrame, EstimatorContext, ModelSpec } from '../types.js';
import { asksCrossfit, EstimatorFailure, modelKindOf, type EstimatorKind, type Opts } from './kind.js';
import {
  BOOTSTRAP_OPTION, INTERVAL_OPTION, CLIP_OPTION, crossfitFolds, estimandOf, ESTIMAND_OPTION, crossfitFormFolds, CROSSFIT_OPTION, isLinear, modelFor, modelOption, pair, propensityModelFor, reportedFolds, ridgeOf, symmetricClip, crossfitLearner, scoreBootstrap } from './options.js';

/** Cross-fitted nuisances of the AIPW scores: propensity e (clipped: ec) and outcome predictions at A = observed, 1, 0. */
export function aipwNuisances(frame: AnalysisFrame, opts: Opts, ctx: EstimatorContext, env: Env, purpose: string) {
  requireArms(frame);
  const pModel = propensityModelFor(opts, ctx, 'logistic');
  const oModel = modelFor(opts, 'outcome', ctx, 'linear');
  const clip = pair(opts, 'clip', [0.02, 0.98]);
  const k = opts.crossfit === undefined ? 3 : crossfitFolds(opts);
  const folds = k ? groupKFold(frame.cluster, k) : null;
  const n = frame.n;
  const warnings: string[] = [];
  const e = new Float64Array(n);
  for (let f = 0; f < (folds ? k! : 1); f++) {
    const train: number[] = [], test: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!folds) { train.push(i); test.push(i); } else (folds[i] === f ? test : train).push(i);
    }
    const tr = Int32Array.from(train), te = Int32Array.from(test);
    const At = mapRows(tr.length, (k) => frame.A[tr[k]]);
    if (At.every((a) => a === At[0])) throw new EstimatorFailure(`cross-fitting fold ${f + 1}: the training users have only one treatment arm`);
    const fit = makeLearner(pModel, learnerRng(ctx, purpose, 'propensity', f)).fit(takeRows(frame.X, tr), At);
    warnings.push(...(fit.warnings ?? []));
    const p = fit.predict(takeRows(frame.X, te));
    te.forEach((i, r) => (e[i] = p[r]));
  }
  const { mu, mu1, mu0, warnings: ow } =
    perArm(opts) ? perArmPredictions(frame, oModel, folds, k ?? 1, ctx, purpose)
      : isLinear(oModel) ? linearCrossfitPredictions(frame, env, folds, k ?? 1, ridgeOf(oModel)) : outcomePredictions(frame, oModel, folds, k ?? 1, ctx, purpose);
  warnings.push(...ow);
  const ec = clip ? mapRows(e.length, (i) => Math.min(Math.max(e[i], clip[0]), clip[1])) : e;
  // propensities piling up at the clip bounds warn, or past the documented share fail (src/estimate/diagnostics.ts)
  const pileup = env.light ? undefined : clipPileup(e, clip);
  const pileupWarning = pileup ? clipPileupWarning(pileup) : null;
  if (pileupWarning) warnings.push(pileupWarning);
  return { e, ec, mu, mu1, mu0, folds, warnings, pileup };
}

const perArm = (opts: Opts) => opts.outcome_models === 'per_arm';

/**
 * Out-of-fold outcome predictions from one model per arm on X (T-learner, docs/seeds.md §003's AIPW):
 * μ1 fitted on the fold's treated training rows, μ0 on its untreated ones, both predicted for every test row.
 */
function perArmPredictions(frame: AnalysisFrame, model: ModelSpec, folds: Int32Array | null, k: number, ctx: EstimatorContext, purpose: string) {
  const n = frame.n;
  const mu = new Float64Array(n), mu1 = new Float64Array(n), mu0 = new Float64Array(n);
  const warnings: string[] = [];
  for (let f = 0; f < (folds ? k : 1); f++) {
    const test: number[] = [];
    const train: [number[], number[]] = [[], []];
    for (let i = 0; i < n; i++) {
      if (!folds || folds[i] !== f) train[frame.A[i] === 1 ? 1 : 0].push(i);
      if (!folds || folds[i] === f) test.push(i);
    }
    const Xte = takeRows(frame.X, Int32Array.from(test));
    for (const arm of [1, 0] as const) {
      if (train[arm].length === 0) throw new EstimatorFailure(`cross-fitting fold ${f + 1}: no ${arm ? 'treated' : 'untreated'} training rows for the per-arm outcome model`);
      const tr = Int32Array.from(train[arm]);
      const fit = makeLearner(model, learnerRng(ctx, purpose, `outcome_arm${arm}`, f)).fit(takeRows(frame.X, tr), mapRows(tr.length, (k) => frame.Y[tr[k]]));
      warnings.push(...(fit.warnings ?? []).map((w) => `${arm ? 'treated' : 'untreated'}-arm outcome model: ${w}`));
      const p = fit.predict(Xte);
      test.forEach((i, r) => ((arm ? mu1 : mu0)[i] = p[r]));
    }
  }
  for (let i = 0; i < n; i++) mu[i] = frame.A[i] === 1 ? mu1[i] : mu0[i];
  return { mu, mu1, mu0, warnings };
}

export const aipw: EstimatorKind = {
  kind: 'aipw',
  summary: 'Doubly robust AIPW with cross-fitted nuisances, user-clustered influence-function SE and the score bootstrap.',
  options: {
    propensity: modelOption('logistic', 'propensity model P(A=1|X)'),
    outcome: modelOption('linear', 'outcome model E[Y|A,X]'),
    outcome_models: {
      enum: ['pooled', 'per_arm'],
      description: 'pooled (default): one outcome model on [A, X], predicted at A = 1 and 0; per_arm: one outcome model per arm on X (T-learner), each fitted on that arm\'s training rows.',
      markdownEnumDescriptions: ['One outcome model on [A, X] (default).', 'One outcome model per treatment arm on X (T-learner).'],
      examples: ['per_arm'],
    },
    clip: CLIP_OPTION,
    crossfit: CROSSFIT_OPTION,
    bootstrap: BOOTSTRAP_OPTION,
    interval: INTERVAL_OPTION,
    estimand: ESTIMAND_OPTION,
  },
  estimands: [...AVERAGE_EFFECTS, { key: 'ate_gcomp' }, { key: 'y1' }, { key: 'y0' }],
  secondaryOutcomes: true,
  adjusted: true,
  headlineRank: 1,
  nuisances: () => ['propensity', 'outcome'],
  replicatesHoldNuisances: () => true,
  label(opts, models) {
    const outcome = modelKindOf(opts.outcome, models);
    const propensity = modelKindOf(opts.propensity, models);
    const estimand = opts.estimand === 'att' || opts.estimand === 'atc' ? `, ${opts.estimand.toUpperCase()}` : '';
    return `AIPW, ${asksCrossfit(opts) ? 'cross-fitted' : 'doubly robust'} (${outcome ?? 'linear'}${perArm(opts) ? ' per arm' : ''}${propensity && propensity !== 'logistic' ? `, ${propensity} propensity` : ''}${estimand})`;
  },
  labelFromResult: ({ diagnostics: d, crossfitNote: cf }) => {
    const method = typeof d.method === 'string' ? d.method : '';
    const estimand = d.estimand === 'att' || d.estimand === 'atc' ? ` ${d.estimand.toUpperCase()}` : '';
    const arms = d.outcome_models === 'per_arm' || /per arm/.test(method) ? ', per-arm outcome models' : '';
    return `AIPW${estimand}, ${cf ?? (/cross-fitted/.test(method) ? 'cross-fitted' : 'doubly robust')}${arms}`;
  },
  crossfit: {
    ignores: {
      bootstrap: 'the cross-fitted form always resamples users on its scores with the nuisance fits held fixed (the score bootstrap)',
    },
    run(frame, id, opts, ctx) {
      const learner = crossfitLearner(ctx, id);
      const bootstrap = scoreBootstrap(ctx);
      const folds = crossfitFormFolds(opts);
      return aipwCrossfit(frame, {
        id, folds, clip: symmetricClip(opts), bootstrap,
        outcome: learner(opts.outcome, 'gbm', 'outcome', 'regression'),
        perArm: perArm(opts),
        estimand: estimandOf(opts),
        // a CBPS propensity solves the estimand's balance conditions (./options.ts propensityModelFor)
        propensity: roleLearner(propensityModelFor(opts, ctx, 'logistic'), ctx, id, 'propensity', 'classification'),
      });
    },
  },
  point(frame, opts, ctx, env) {
    const estimand = estimandOf(opts);
    const { e, mu, mu1, mu0, ec, folds, warnings, pileup } = aipwNuisances(frame, opts, ctx, env, 'aipw');
    const n = frame.n;
    let psi: Float64Array, ate: number, centered: Float64Array, controlMean: number;
    if (estimand === 'ate') {
      psi = new Float64Array(n);
      let c0 = 0;
      for (let i = 0; i < n; i++) {
        const a = frame.A[i], y = frame.Y[i];
        psi[i] = mu1[i] - mu0[i] + (a * (y - mu1[i])) / ec[i] - ((1 - a) * (y - mu0[i])) / (1 - ec[i]);
        c0 += mu0[i] + ((1 - a) * (y - mu0[i])) / (1 - ec[i]);
      }
      if (psi.some((v) => !Number.isFinite(v))) throw new EstimatorFailure('propensities of 0 or 1 make the AIPW score infinite; set clip');
      ate = mean(psi);
      centered = mapRows(psi.length, (i) => (psi[i] - ate) / n);
      controlMean = c0 / n;
    } else {
      const s = averageEffectScores(frame.A, frame.Y, mu0, mu1, ec, estimand);
      if (s.score.some((v) => !Number.isFinite(v))) throw new EstimatorFailure('propensities of 0 or 1 make the AIPW score infinite; set clip');
      ({ estimate: ate, centered, controlMean } = s);
      // per-row contributions whose user sums over the population's row count give the estimate (score bootstrap)
      psi = s.score;
    }
    const perUser = new Map<number, number>();
    for (let i = 0; i < n; i++) perUser.set(frame.cluster[i], (perUser.get(frame.cluster[i]) ?? 0) + centered[i]);
    const G = perUser.size;
    let ss = 0;
    for (const v of perUser.values()) ss += v * v;
    const se = G > 1 ? Math.sqrt((ss * G) / (G - 1)) : null;
    const diagnostics: Record<string, unknown> = perArm(opts) ? { outcome_models: 'per_arm' } : {};
    if (!env.light) {
      diagnostics.overlap = overlapSummary(e, frame.A);
      if (pileup) diagnostics.clip_pileup = pileup;
      diagnostics.outcome_performance = { ...regressionMetrics(frame.Y, mu), out_of_fold: Boolean(folds) };
      let ll = 0;
      for (let i = 0; i < n; i++) {
        const p = Math.min(Math.max(e[i], 1e-15), 1 - 1e-15);
        ll -= frame.A[i] * Math.log(p) + (1 - frame.A[i]) * Math.log(1 - p);
      }
      diagnostics.propensity_performance = { log_loss: finiteOrNull(ll / n), out_of_fold: Boolean(folds) };
      if (estimand !== 'ate') diagnostics.estimand = estimand;
      diagnostics.score_sd = finiteOrNull(Math.sqrt(psi.reduce((s, v) => s + (v - ate) ** 2, 0) / (n - 1)));
      const inf = influenceSummary(centered, frame.cluster, ctx.influenceWarnShare ?? 0.2, ate);
      diagnostics.influence = inf.summary;
      if (inf.warning) warnings.push(inf.warning);
    }
    return { estimates: { [estimand]: ate }, se: { [estimand]: se }, controlMean, diagnostics, warnings: [...new Set(warnings)], psi, propensity: ec, folds: reportedFolds(frame, folds, env) };
  },
  // nuisances fitted once (cross-fitted); users resampled on the score ψ — the standard DML bootstrap
  fast(frame, opts, ctx, env, point) {
    if (opts.bootstrap === 'refit') return null;
    const psi = point.psi;
    if (!psi) return null;
    const ui = env.users();
    const estimand = estimandOf(opts);
    // the ratio of score sums to the population's row count (all rows for the ATE)
    const denominator = estimand === 'ate' ? constant(frame.n, 1) : mapRows(frame.n, (i) => (estimand === 'att' ? frame.A[i] : 1 - frame.A[i]));
    const sums = userSums(ui, [psi, denominator]);
    return (_rep, mult) => {
      const s = weightedSums(sums, 2, mult);
      return { [estimand]: s[0] / s[1] };
    };
  },
};
