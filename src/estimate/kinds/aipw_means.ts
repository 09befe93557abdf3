/**
 * Per-arm AIPW means: E[Y(1)] and E[Y(0)], each the mean of its doubly robust score
 *   ψ₁ = μ̂₁ + A(Y − μ̂₁)/ê,   ψ₀ = μ̂₀ + (1 − A)(Y − μ̂₀)/(1 − ê),
 * with the nuisances of the aipw kind (./aipw.ts, `aipwNuisances`: cross-fitted, 3 folds unless told), so
 * y1 − y0 is that kind's ATE. SEs from the influence function clustered by user; replicates resample users
 * on the scores with the nuisances fixed (the score bootstrap).
 */
import { overlapSummary } from '../diagnostics.js';
import { constant } from '../frame-helpers.js';
import { userSums, weightedSums } from '../linear-fits.js';
import { clusteredMean } from '../ml/common.js';
import type { AnalysisFrame } from '../types.js';
import { aipwNuisances } from './aipw.js';
import { EstimatorFailure, modelKindOf, type EstimatorKind, type Names } from './kind.js';
import { BOOTSTRAP_OPTION, INTERVAL_OPTION, CLIP_OPTION, CROSSFIT_OPTION, modelOption, reportedFolds } from './options.js';

/** The point fit's scores per frame and options, for the score bootstrap. */
const scoresOf = new WeakMap<AnalysisFrame, Map<string, { psi1: Float64Array; psi0: Float64Array }>>();

const armText = (arm: 1 | 0) => ({ A, Y }: Names) => ({
  symbol: `E[Y(${arm})]`,
  name: `mean potential outcome ${arm ? 'under treatment' : 'without treatment'}`,
  definition: `E[Y(${arm})]`,
  meaning: `Average ${Y} had every day been ${A} = ${arm}.`,
  answers: `What would ${Y} be if ${arm ? 'every' : 'no'} day were treated?`,
});

export const aipwMeans: EstimatorKind = {
  kind: 'aipw_means',
  summary: 'Per-arm AIPW means E[Y(1)] and E[Y(0)] from the doubly robust scores, user-clustered SEs and the score bootstrap.',
  options: {
    propensity: modelOption('logistic', 'propensity model P(A=1|X)'),
    outcome: modelOption('linear', 'outcome model E[Y|A,X]'),
    clip: CLIP_OPTION,
    crossfit: CROSSFIT_OPTION,
    bootstrap: BOOTSTRAP_OPTION,
    interval: INTERVAL_OPTION,
  },
  estimands: [
    { key: 'y1', relative: false, text: armText(1) },
    { key: 'y0', relative: false, text: armText(0) },
  ],
  secondaryOutcomes: false,
  adjusted: true,
  headlineRank: 1,
  nuisances: () => ['propensity', 'outcome'],
  replicatesHoldNuisances: () => true,
  label(opts, models) {
    const propensity = modelKindOf(opts.propensity, models);
    return `AIPW potential-outcome means (${modelKindOf(opts.outcome, models) ?? 'linear'}${propensity && propensity !== 'logistic' ? `, ${propensity} propensity` : ''})`;
  },
  labelFromResult: () => 'AIPW potential-outcome means',
  point(frame, opts, ctx, env) {
    const { e, mu1, mu0, ec, folds, warnings, pileup } = aipwNuisances(frame, opts, ctx, env, 'aipw');
    const n = frame.n;
    const psi1 = new Float64Array(n), psi0 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = frame.A[i], y = frame.Y[i];
      psi1[i] = mu1[i] + (a * (y - mu1[i])) / ec[i];
      psi0[i] = mu0[i] + ((1 - a) * (y - mu0[i])) / (1 - ec[i]);
    }
    if (psi1.some((v) => !Number.isFinite(v)) || psi0.some((v) => !Number.isFinite(v)))
      throw new EstimatorFailure('propensities of 0 or 1 make the AIPW scores infinite; set clip');
    let perFrame = scoresOf.get(frame);
    if (!perFrame) scoresOf.set(frame, (perFrame = new Map()));
    perFrame.set(JSON.stringify(opts), { psi1, psi0 });
    const y1 = clusteredMean(psi1, frame.cluster), y0 = clusteredMean(psi0, frame.cluster);
    return {
      estimates: { y1: y1.estimate, y0: y0.estimate },
      se: { y1: y1.se, y0: y0.se },
      controlMean: y0.estimate,
      diagnostics: env.light ? {} : { overlap: overlapSummary(e, frame.A), ...(pileup ? { clip_pileup: pileup } : {}) },
      warnings: [...new Set(warnings)],
      folds: reportedFolds(frame, folds, env),
    };
  },
  fast(frame, opts, _ctx, env) {
    if (opts.bootstrap === 'refit') return null;
    const scores = scoresOf.get(frame)?.get(JSON.stringify(opts));
    if (!scores) return null;
    const sums = userSums(env.users(), [scores.psi1, scores.psi0, constant(frame.n, 1)]);
    return (_rep, mult) => {
      const s = weightedSums(sums, 3, mult);
      return { y1: s[0] / s[2], y0: s[1] / s[2] };
    };
  },
};
