/**
 * Per-arm AIPW means: E[Y(1)] and E[Y(0)], each the mean of its doubly robust score
 *   ψ₁ = μ̂₁ + A(Y − μ̂₁)/ê,   ψ₀ = μ̂₀ + (1 − A)(Y − μ̂₀)/(1 − ê),
 * with the nuisances of the aipw kind (./aipw.ts, `aipwNuisances`: cross-fitted, 3 folds unless told), so
 * y1 − y0 is that kind's ATE. SEs from the influence function clustered by user; replicates resample users
 * on the scores with the nuisances fixed (the score bootstrap). `estimand: att | atc` reports the means over
 * the treated (y1_treated, y0_treated) or the controls (y1_controls, y0_controls) from the scores of
 * ./aipw_scores.ts, whose difference is the aipw kind's ATT (ATC).
 */
import { overlapSummary } from '../diagnostics.js';
import { constant } from '../frame-helpers.js';
import { userSums, weightedSums } from '../linear-fits.js';
import { clusteredMean } from '../ml/common.js';
import { aipwNuisances } from './aipw.js';
import { averageEffectScores, clusteredRatio } from './aipw_scores.js';
import { EstimatorFailure, modelKindOf, type EstimatorKind, type Names, type PointResult } from './kind.js';
import { BOOTSTRAP_OPTION, INTERVAL_OPTION, CLIP_OPTION, CROSSFIT_OPTION, estimandOf, ESTIMAND_OPTION, modelOption, reportedFolds } from './options.js';

/** The point fit's scores, for its score bootstrap (fast), keyed by the point result (as mediation_debiased.ts keeps its own). */
const scoresOf = new WeakMap<PointResult, { psi1: Float64Array; psi0: Float64Array; inTarget: Float64Array | null }>();

const armText = (arm: 1 | 0) => ({ A, Y }: Names) => ({
  symbol: `E[Y(${arm})]`,
  name: `mean potential outcome ${arm ? 'under treatment' : 'without treatment'}`,
  definition: `E[Y(${arm})]`,
  meaning: `Average ${Y} had every day been ${A} = ${arm}.`,
  answers: `What would ${Y} be if ${arm ? 'every' : 'no'} day were treated?`,
});

/** The mean over the treated (target 1) or control (target 0) days of the potential outcome under `arm`. */
const conditionalArmText = (arm: 1 | 0, target: 1 | 0) => ({ A, Y }: Names) => ({
  symbol: `E[Y(${arm}) | ${A} = ${target}]`,
  name: `mean potential outcome ${arm ? 'under treatment' : 'without treatment'} on the ${target ? 'treated' : 'control'} days`,
  definition: `E[Y(${arm}) | ${A} = ${target}]`,
  meaning: `Average ${Y} on the days with ${A} = ${target} had they been ${A} = ${arm}.`,
  answers: `What would ${Y} be on the ${target ? 'treated' : 'untreated'} days ${arm ? 'with' : 'without'} treatment?`,
});

/** Estimate keys of each estimand: the arm means over all rows, the treated or the controls. */
const KEYS = { ate: ['y1', 'y0'], att: ['y1_treated', 'y0_treated'], atc: ['y1_controls', 'y0_controls'] } as const;

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
    estimand: { ...ESTIMAND_OPTION, description: 'Over which rows the potential-outcome means are taken: ate (all rows: y1, y0), att (the treated: y1_treated, y0_treated) or atc (the controls: y1_controls, y0_controls).' },
  },
  estimands: [
    { key: 'y1', relative: false, text: armText(1) },
    { key: 'y0', relative: false, text: armText(0) },
    { key: 'y1_treated', relative: false, text: conditionalArmText(1, 1) },
    { key: 'y0_treated', relative: false, text: conditionalArmText(0, 1) },
    { key: 'y1_controls', relative: false, text: conditionalArmText(1, 0) },
    { key: 'y0_controls', relative: false, text: conditionalArmText(0, 0) },
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
    const estimand = estimandOf(opts);
    const { e, mu1, mu0, ec, folds, warnings, pileup } = aipwNuisances(frame, opts, ctx, env, 'aipw');
    const n = frame.n;
    let psi1: Float64Array = new Float64Array(n), psi0: Float64Array = new Float64Array(n);
    let inTarget: Float64Array | null = null;
    if (estimand === 'ate') {
      for (let i = 0; i < n; i++) {
        const a = frame.A[i], y = frame.Y[i];
        psi1[i] = mu1[i] + (a * (y - mu1[i])) / ec[i];
        psi0[i] = mu0[i] + ((1 - a) * (y - mu0[i])) / (1 - ec[i]);
      }
    } else {
      const s = averageEffectScores(frame.A, frame.Y, mu0, mu1, ec, estimand);
      ({ score1: psi1, score0: psi0, inTarget } = s);
    }
    if (psi1.some((v) => !Number.isFinite(v)) || psi0.some((v) => !Number.isFinite(v)))
      throw new EstimatorFailure('propensities of 0 or 1 make the AIPW scores infinite; set clip');
    const [k1, k0] = KEYS[estimand];
    const y1 = inTarget ? clusteredRatio(psi1, inTarget, frame.cluster) : clusteredMean(psi1, frame.cluster);
    const y0 = inTarget ? clusteredRatio(psi0, inTarget, frame.cluster) : clusteredMean(psi0, frame.cluster);
    const point: PointResult = {
      estimates: { [k1]: y1.estimate, [k0]: y0.estimate },
      se: { [k1]: y1.se, [k0]: y0.se },
      controlMean: y0.estimate,
      diagnostics: env.light ? {} : { ...(estimand !== 'ate' ? { estimand } : {}), overlap: overlapSummary(e, frame.A), ...(pileup ? { clip_pileup: pileup } : {}) },
      warnings: [...new Set(warnings)],
      propensity: ec,
      folds: reportedFolds(frame, folds, env),
    };
    scoresOf.set(point, { psi1, psi0, inTarget });
    return point;
  },
  fast(frame, opts, _ctx, env, point) {
    if (opts.bootstrap === 'refit') return null;
    const scores = scoresOf.get(point);
    if (!scores) return null;
    const [k1, k0] = KEYS[estimandOf(opts)];
    const sums = userSums(env.users(), [scores.psi1, scores.psi0, scores.inTarget ?? constant(frame.n, 1)]);
    return (_rep, mult) => {
      const s = weightedSums(sums, 3, mult);
      return { [k1]: s[0] / s[2], [k0]: s[1] / s[2] };
    };
  },
};
