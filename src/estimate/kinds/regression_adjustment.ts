/**
 * Regression adjustment: separate outcome models per arm on X; ATE = mean over rows of μ1(x) − μ0(x).
 * With linear arm models the point estimate and every replicate come from the per-arm grams.
 */
import { ClusterGram } from '../bootstrap.js';
import type { Env } from '../env.js';
import { mean, ones, requireArms } from '../frame-helpers.js';
import { columnsOf, makeLearner, takeRows } from '../learners.js';
import type { AnalysisFrame, EstimatorContext } from '../types.js';
import { learnerRng } from '../weights.js';
import { ATE } from './estimands.js';
import { modelKindOf, type EstimatorKind, type Opts, type Replicator } from './kind.js';
import { BOOTSTRAP_OPTION, isLinear, modelFor, modelOption, ridgeOf } from './options.js';
import { mapRows } from '../linalg.js';

/** Regression adjustment with linear arm models: replicate from the per-arm grams (also the point estimate). */
function raLinear(frame: AnalysisFrame, opts: Opts, ctx: EstimatorContext, env: Env): Replicator | null {
  const model = modelFor(opts, 'outcome', ctx, 'linear');
  if (!isLinear(model)) return null;
  const ridge = ridgeOf(model);
  const ui = env.users();
  const cols = [...columnsOf(frame.X), frame.Y];
  const names = [...frame.X.names, '\u0000Y'];
  const g1 = env.gram('ra:1', () => new ClusterGram(cols, names, ui, null, frame.A));
  const g0 = env.gram('ra:0', () => new ClusterGram(cols, names, ui, null, mapRows(frame.n, (i) => 1 - frame.A[i])));
  const p = frame.X.cols;
  const regs = Array.from({ length: p }, (_, j) => j + 1);
  return (rep, mult) => {
    const S1 = env.aggregate('ra:1', g1, rep, mult);
    const S0 = env.aggregate('ra:0', g0, rep, mult);
    const r1 = g1.regress(S1, regs, p + 1, ridge);
    const r0 = g0.regress(S0, regs, p + 1, ridge);
    const total = S1[g1.at(0, 0)] + S0[g0.at(0, 0)];
    // mean over all replicate rows of μ1(x) − μ0(x), in shifted coordinates (both grams share shifts)
    let ate = r1.intercept - r0.intercept;
    let mu0 = g0.shift[p + 1] + r0.intercept;
    for (let j = 0; j < p; j++) {
      const xbar = (S1[g1.at(0, j + 1)] + S0[g0.at(0, j + 1)]) / total;
      ate += (r1.slopes[j] - r0.slopes[j]) * xbar;
      mu0 += r0.slopes[j] * xbar;
    }
    return { ate, __mu0: mu0, __rank: Math.min(r1.rank, r0.rank) };
  };
}

export const regressionAdjustment: EstimatorKind = {
  kind: 'regression_adjustment',
  summary: 'Separate outcome models per arm on X; ATE = mean over rows of μ1(x) − μ0(x).',
  options: { outcome: modelOption('linear', 'outcome model E[Y|A,X]'), bootstrap: BOOTSTRAP_OPTION },
  estimands: [ATE],
  secondaryOutcomes: true,
  adjusted: true,
  headlineRank: 1,
  nuisances: () => ['outcome'],
  replicatesHoldNuisances: () => false,
  label: (opts, models) => `Regression adjustment (${modelKindOf(opts.outcome, models) ?? 'linear'})`,
  labelFromResult: () => 'Regression adjustment',
  point(frame, opts, ctx, env) {
    requireArms(frame);
    const model = modelFor(opts, 'outcome', ctx, 'linear');
    const lin = raLinear(frame, opts, ctx, env);
    if (lin) {
      const r = lin(-1, ones(env.users().ids.length));
      const warnings = r.__rank! < frame.X.cols ? ['collinear covariates within a treatment arm; minimum-norm solution used'] : [];
      return { estimates: { ate: r.ate }, controlMean: r.__mu0, diagnostics: {}, warnings };
    }
    const idx1: number[] = [], idx0: number[] = [];
    for (let i = 0; i < frame.n; i++) (frame.A[i] === 1 ? idx1 : idx0).push(i);
    const warnings: string[] = [];
    const fitArm = (idx: number[], arm: number) => {
      const ix = Int32Array.from(idx);
      const fit = makeLearner(model, learnerRng(ctx, 'regression_adjustment', 'outcome', arm)).fit(takeRows(frame.X, ix), mapRows(ix.length, (k) => frame.Y[ix[k]]));
      warnings.push(...(fit.warnings ?? []).map((w) => `${arm ? 'treated' : 'control'} arm model: ${w}`));
      return fit.predict(frame.X);
    };
    const mu1 = fitArm(idx1, 1);
    const mu0 = fitArm(idx0, 0);
    const ate = mean(mu1) - mean(mu0);
    return { estimates: { ate }, controlMean: mean(mu0), diagnostics: env.light ? {} : { mean_mu1: mean(mu1), mean_mu0: mean(mu0) }, warnings };
  },
  fast(frame, opts, ctx, env) {
    const lin = raLinear(frame, opts, ctx, env);
    return lin ? (rep, mult) => ({ ate: lin(rep, mult).ate }) : null;
  },
};
