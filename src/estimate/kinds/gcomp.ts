/**
 * G-computation: an outcome regression on [A, X] averaged at A = 1 and A = 0 over the estimand's rows
 * (all; the treated for ATT; the controls for ATC). Linear without cross-fitting: the A coefficient (the
 * model has no A×X terms, so its effect is the same on every row and ATT = ATC = ATE), replicates from
 * the shared gram; with `crossfit` or a gbm outcome the cross-fitted form (src/estimate/ml/ate.ts) runs,
 * unless the entry asks `bootstrap: refit`: then this kind's point form fits the learner (cross-fitted by
 * user when `crossfit` is set, else on all rows) and the runner refits it on every user-cluster replicate
 * (`bootstrap_reps` of them), which gives the any-learner plug-in its percentile interval.
 */
import { gramFit, gramPredict } from '../bootstrap.js';
import { mean, requireArms, regressionMetrics } from '../frame-helpers.js';
import { columnsOf, groupKFold, resolveModel } from '../learners.js';
import { aliasWarning, linearCrossfitPredictions, linearGram, outcomePredictions } from '../linear-fits.js';
import { gcompCrossfit } from '../ml/ate.js';
import { roleLearner } from '../ml/common.js';
import { AVERAGE_EFFECTS } from './estimands.js';
import { asksCrossfit, modelKindOf, type EstimatorKind } from './kind.js';
import { BOOTSTRAP_OPTION, BOOTSTRAP_REPS_OPTION, crossfitFolds, crossfitFormFolds, CROSSFIT_OPTION, estimandOf, ESTIMAND_OPTION, isLinear, modelFor, modelOption, reportedFolds, ridgeOf } from './options.js';

/** Mean of v over the estimand's rows: all, the treated (att) or the controls (atc). */
function populationMean(v: Float64Array, A: Float64Array, estimand: 'ate' | 'att' | 'atc'): number {
  if (estimand === 'ate') return mean(v);
  let s = 0, k = 0;
  for (let i = 0; i < v.length; i++) if ((A[i] === 1) === (estimand === 'att')) { s += v[i]; k++; }
  return s / k;
}

export const gcomp: EstimatorKind = {
  kind: 'gcomp',
  summary: 'Outcome regression on [A, X] averaged at A = 1 and 0; cross-fitted with any learner on request.',
  options: {
    outcome: modelOption('linear', 'outcome model E[Y|A,X]'), crossfit: CROSSFIT_OPTION,
    bootstrap: {
      ...BOOTSTRAP_OPTION,
      description: `${BOOTSTRAP_OPTION.description} With a gbm outcome or crossfit, refit gives the plug-in its interval: every replicate refits (and re-cross-fits) the outcome model on the resampled users; auto reports no interval there.`,
    },
    bootstrap_reps: BOOTSTRAP_REPS_OPTION,
    estimand: ESTIMAND_OPTION,
  },
  estimands: AVERAGE_EFFECTS,
  secondaryOutcomes: true,
  adjusted: true,
  headlineRank: 1,
  nuisances: () => ['outcome'],
  replicatesHoldNuisances: () => false,
  label: (opts, models) => `G-computation${asksCrossfit(opts) ? ', cross-fitted' : ''} (${modelKindOf(opts.outcome, models) ?? 'linear'}${opts.estimand === 'att' || opts.estimand === 'atc' ? `, ${opts.estimand.toUpperCase()}` : ''})`,
  labelFromResult: ({ diagnostics: d, crossfitNote: cf }) => {
    const method = typeof d.method === 'string' ? d.method : '';
    const estimand = d.estimand === 'att' || d.estimand === 'atc' ? ` ${d.estimand.toUpperCase()}` : '';
    return cf || /cross-fitted/.test(method) ? `G-computation${estimand}, ${cf ?? 'cross-fitted'}` : `G-computation${estimand} (outcome regression)`;
  },
  crossfit: {
    // a plug-in mean of predictions: as meaningful for any secondary outcome as for the primary
    secondaryOutcomes: true,
    // bootstrap: refit runs point() below, which cross-fits any learner, once per replicate
    refitsInPointForm: true,
    ignores: {
      // gcompCrossfit (src/estimate/ml/ate.ts) reports no interval, so it has no replicates to count
      bootstrap_reps: 'the cross-fitted g-computation has no bootstrap; set bootstrap: refit to refit it per replicate',
    },
    run(frame, id, opts, ctx) {
      const outcome = roleLearner(resolveModel(opts.outcome, ctx.models, 'gbm'), ctx, id, 'outcome', 'regression');
      return gcompCrossfit(frame, { id, outcome, folds: crossfitFormFolds(opts), estimand: estimandOf(opts) });
    },
  },
  point(frame, opts, ctx, env) {
    requireArms(frame);
    const estimand = estimandOf(opts);
    const tag = estimand !== 'ate' ? { estimand } : {};
    const model = modelFor(opts, 'outcome', ctx, 'linear');
    const k = crossfitFolds(opts);
    if (isLinear(model) && !k) {
      // Y ~ A + X without A×X terms: the averaged contrast μ(1,x) − μ(0,x) is the A coefficient
      const g = linearGram(frame, env, 'none', null);
      const regs = [g.col('\u0000A'), ...frame.X.names.map((n) => g.col(`x:${n}`))];
      const iY = g.col('\u0000Y');
      const fit = gramFit(g, regs, iY, frame.n, ridgeOf(model));
      const ate = fit.slopes[0];
      const mu = gramPredict(g, fit, regs, iY, [frame.A, ...columnsOf(frame.X)]);
      // μ(0, x) = μ(A, x) − ate·A, averaged over the estimand's rows
      const mu0 = populationMean(mu, frame.A, estimand) - ate * populationMean(frame.A, frame.A, estimand);
      const diagnostics: Record<string, unknown> = env.light ? {} : { ...tag, mean_mu1: mu0 + ate, mean_mu0: mu0, outcome_performance: { ...regressionMetrics(frame.Y, mu), out_of_fold: false } };
      return { estimates: { [estimand]: ate }, se: { [estimand]: fit.se ? fit.se[0] : null }, controlMean: mu0, diagnostics, warnings: aliasWarning(g, fit.aliased) };
    }
    // a refit bootstrap replicate hands the drawn users (src/estimate/runner.ts), so a user's copies share a fold
    const groups = opts.__fold_groups instanceof Int32Array ? opts.__fold_groups : frame.cluster;
    const folds = k ? groupKFold(groups, k) : null;
    const { mu, mu1, mu0, warnings } =
      isLinear(model) ? linearCrossfitPredictions(frame, env, folds, k ?? 1, ridgeOf(model)) : outcomePredictions(frame, model, folds, k ?? 1, ctx, 'gcomp');
    const m1 = populationMean(mu1, frame.A, estimand), m0 = populationMean(mu0, frame.A, estimand);
    const ate = m1 - m0;
    const diagnostics: Record<string, unknown> = env.light ? {} : { ...tag, mean_mu1: m1, mean_mu0: m0, outcome_performance: { ...regressionMetrics(frame.Y, mu), out_of_fold: Boolean(folds) }, ...(k ? { crossfit_folds: k } : {}) };
    return { estimates: { [estimand]: ate }, se: { [estimand]: null }, controlMean: m0, diagnostics, warnings: [...new Set(warnings)], folds: reportedFolds(frame, folds, env) };
  },
  fast(frame, opts, ctx, env) {
    const model = modelFor(opts, 'outcome', ctx, 'linear');
    if (!isLinear(model) || crossfitFolds(opts)) return null;
    const ridge = ridgeOf(model);
    const g = linearGram(frame, env, 'none', null);
    const regs = [g.col('\u0000A'), ...frame.X.names.map((n) => g.col(`x:${n}`))];
    const yi = g.col('\u0000Y');
    const estimand = estimandOf(opts);
    return (rep, mult) => ({ [estimand]: g.regress(env.aggregate('lin:none', g, rep, mult), regs, yi, ridge).slopes[0] });
  },
};
