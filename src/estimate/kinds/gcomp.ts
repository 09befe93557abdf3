/**
 * G-computation: an outcome regression on [A, X] averaged at A = 1 and A = 0. Linear without cross-fitting:
 * the A coefficient, replicates from the shared gram; with `crossfit` or a gbm outcome the cross-fitted
 * form (src/estimate/ml/ate.ts) runs instead.
 */
import { gramFit, gramPredict } from '../bootstrap.js';
import { mean, requireArms, regressionMetrics } from '../frame-helpers.js';
import { columnsOf, groupKFold, resolveModel } from '../learners.js';
import { aliasWarning, linearCrossfitPredictions, linearGram, outcomePredictions } from '../linear-fits.js';
import { gcompCrossfit } from '../ml/ate.js';
import { roleLearner } from '../ml/common.js';
import { ATE } from './estimands.js';
import { asksCrossfit, modelKindOf, type EstimatorKind } from './kind.js';
import { BOOTSTRAP_OPTION, crossfitFolds, crossfitFormFolds, CROSSFIT_OPTION, isLinear, modelFor, modelOption, reportedFolds, ridgeOf } from './options.js';

export const gcomp: EstimatorKind = {
  kind: 'gcomp',
  summary: 'Outcome regression on [A, X] averaged at A = 1 and 0; cross-fitted with any learner on request.',
  options: { outcome: modelOption('linear', 'outcome model E[Y|A,X]'), crossfit: CROSSFIT_OPTION, bootstrap: BOOTSTRAP_OPTION },
  estimands: [ATE],
  secondaryOutcomes: true,
  adjusted: true,
  headlineRank: 1,
  nuisances: () => ['outcome'],
  replicatesHoldNuisances: () => false,
  label: (opts, models) => `G-computation${asksCrossfit(opts) ? ', cross-fitted' : ''} (${modelKindOf(opts.outcome, models) ?? 'linear'})`,
  labelFromResult: ({ diagnostics: d, crossfitNote: cf }) => {
    const method = typeof d.method === 'string' ? d.method : '';
    return cf || /cross-fitted/.test(method) ? `G-computation, ${cf ?? 'cross-fitted'}` : 'G-computation (outcome regression)';
  },
  crossfit: {
    run(frame, id, opts, ctx) {
      const outcome = roleLearner(resolveModel(opts.outcome, ctx.models, 'gbm'), ctx, id, 'outcome', 'regression');
      return gcompCrossfit(frame, { id, outcome, folds: crossfitFormFolds(opts) });
    },
  },
  point(frame, opts, ctx, env) {
    requireArms(frame);
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
      const mu0 = mean(mu) - ate * mean(frame.A);
      const diagnostics: Record<string, unknown> = env.light ? {} : { mean_mu1: mu0 + ate, mean_mu0: mu0, outcome_performance: { ...regressionMetrics(frame.Y, mu), out_of_fold: false } };
      return { estimates: { ate }, se: { ate: fit.se ? fit.se[0] : null }, controlMean: mu0, diagnostics, warnings: aliasWarning(g, fit.aliased) };
    }
    const folds = k ? groupKFold(frame.cluster, k) : null;
    const { mu, mu1, mu0, warnings } =
      isLinear(model) ? linearCrossfitPredictions(frame, env, folds, k ?? 1, ridgeOf(model)) : outcomePredictions(frame, model, folds, k ?? 1, ctx, 'gcomp');
    const ate = mean(mu1) - mean(mu0);
    const diagnostics: Record<string, unknown> = env.light ? {} : { mean_mu1: mean(mu1), mean_mu0: mean(mu0), outcome_performance: { ...regressionMetrics(frame.Y, mu), out_of_fold: Boolean(folds) } };
    return { estimates: { ate }, se: { ate: null }, controlMean: mean(mu0), diagnostics, warnings: [...new Set(warnings)], folds: reportedFolds(frame, folds, env) };
  },
  fast(frame, opts, ctx, env) {
    const model = modelFor(opts, 'outcome', ctx, 'linear');
    if (!isLinear(model) || crossfitFolds(opts)) return null;
    const ridge = ridgeOf(model);
    const g = linearGram(frame, env, 'none', null);
    const regs = [g.col('\u0000A'), ...frame.X.names.map((n) => g.col(`x:${n}`))];
    const yi = g.col('\u0000Y');
    return (rep, mult) => ({ ate: g.regress(env.aggregate('lin:none', g, rep, mult), regs, yi, ridge).slopes[0] });
  },
};
