/**
 * SEM path model (product of coefficients): M = α·A + γ′X, Y = c′·A + β·M + δ′X, indirect α·β and total
 * c′ + α·β, from the shared gram; ipw-weighted by default, `weights: none` for the unweighted path model.
 */
import { CausewayError } from '../../errors.js';
import { gramFit, gramPredict } from '../bootstrap.js';
import { requireArms, requireMediator } from '../frame-helpers.js';
import { columnsOf } from '../learners.js';
import { finiteOrNull } from '../linalg.js';
import { aliasWarning, linearGram } from '../linear-fits.js';
import { ipwWeights, weightOptions } from '../weights.js';
import type { EstimatorKind } from './kind.js';
import { BOOTSTRAP_OPTION, CAP_QUANTILE_OPTION, CLIP_OPTION } from './options.js';

export const semPath: EstimatorKind = {
  kind: 'sem_path',
  summary: 'Linear path model: α (A → M), β (M → Y), c′ (A → Y), indirect α·β and total c′ + α·β; ipw-weighted unless weights: none.',
  options: {
    bootstrap: BOOTSTRAP_OPTION,
    // no schema defaults here: defaults enter the resolved spec and with it every cell id (src/spec/load.ts,
    // useDefaults), and these options arrived after specs relied on the ids; the code's defaults are ipw's
    weights: {
      enum: ['ipw', 'none'],
      description: 'ipw: fit the path regressions with the ipw weights (the default; weighting options as the ipw kind); none: unweighted.',
      markdownEnumDescriptions: ['Inverse-propensity-weighted path regressions (default).', 'Unweighted path regressions.'],
      examples: ['ipw', 'none'],
    },
    propensity: { type: 'string', description: 'Propensity model id of the ipw weights (default logistic).', examples: ['logistic', 'gbm'] },
    clip: CLIP_OPTION,
    stabilize: { type: 'boolean', description: 'Stabilize the ipw weights with the treatment rate (default true).' },
    cap_quantile: CAP_QUANTILE_OPTION,
  },
  estimands: [
    {
      key: 'alpha', relative: false,
      text: ({ A, M }) => ({ symbol: 'α', name: 'path A → M', definition: 'M = α·A + γ′X + e', meaning: `Shift in ${M} associated with ${A}, adjusted for X.`, answers: `Does ${A} move ${M}?` }),
    },
    {
      key: 'beta', relative: false,
      text: ({ A, M, Y }) => ({ symbol: 'β', name: 'path M → Y', definition: 'Y = c′·A + β·M + δ′X + e', meaning: `Change in ${Y} per unit of ${M}, holding ${A} and X fixed.`, answers: `Does ${M} move ${Y}?` }),
    },
    {
      key: 'c_prime',
      text: ({ A, M, Y }) => ({ symbol: 'c′', name: 'direct path A → Y', definition: 'Y = c′·A + β·M + δ′X + e', meaning: `Difference in ${Y} by ${A} not carried by ${M} (linear path model).`, answers: 'How large is the direct path?' }),
    },
    {
      key: 'indirect',
      text: ({ M }) => ({ symbol: 'α·β', name: 'indirect path', definition: 'α × β', meaning: `Product-of-paths indirect effect through ${M}.`, answers: `How much flows through ${M} in the path model?` }),
    },
    {
      key: 'total',
      text: () => ({ symbol: 'c′ + α·β', name: 'total path', definition: 'c′ + α × β', meaning: 'Direct plus indirect path in the linear path model.', answers: 'What is the total effect in the path model?' }),
    },
    { key: 'total_regression' },
  ],
  secondaryOutcomes: false,
  adjusted: true,
  headlineRank: 1,
  nuisances: (opts) => (opts.weights === 'none' ? [] : ['propensity']),
  replicatesHoldNuisances: (opts) => opts.weights !== 'none',
  // the weighting options shape the ipw weights only: on the unweighted path model they would change nothing
  checkReferences(entry) {
    if (entry.weights !== 'none') return [];
    return ['propensity', 'clip', 'stabilize', 'cap_quantile']
      .filter((option) => entry[option] !== undefined && entry[option] !== null)
      .map((option) => ({ option, code: 'SPEC_IGNORED_OPTION' as const, message: `${option} has no effect here: it shapes the ipw weights, and '${entry.id}' has weights: none` }));
  },
  label: (opts) => (opts.weights === 'none' ? 'SEM path model (product of coefficients, unweighted)' : 'SEM path model (product of coefficients)'),
  labelFromResult: () => 'SEM path model (product of coefficients)',
  point(frame, opts, ctx, env) {
    const { n0 } = requireArms(frame);
    const M = requireMediator(frame);
    const weights = (opts.weights ?? 'ipw') as string;
    if (weights !== 'none' && weights !== 'ipw') throw new CausewayError('ESTIMATE_BAD_OPTION', 'sem_path option weights must be none or ipw');
    const wo = weightOptions(opts, ctx);
    const wt = weights === 'ipw' ? ipwWeights(frame, wo, ctx, env) : null;
    const w = wt?.w ?? null;
    const key = weights === 'ipw' ? `ipw:${JSON.stringify(wo)}` : 'none';
    const g = linearGram(frame, env, key, w);
    const xi = frame.X.names.map((nm) => g.col(`x:${nm}`));
    const iA = g.col('\u0000A'), iM = g.col('\u0000M'), iY = g.col('\u0000Y');
    const mRegs = [iA, ...xi], yRegs = [iA, iM, ...xi];
    const mFit = gramFit(g, mRegs, iM, frame.n);
    const yFit = gramFit(g, yRegs, iY, frame.n);
    const tFit = gramFit(g, mRegs, iY, frame.n);
    const alpha = mFit.slopes[0], cPrime = yFit.slopes[0], beta = yFit.slopes[1];
    let c0 = 0;
    for (let i = 0; i < frame.n; i++) if (frame.A[i] === 0) c0 += frame.Y[i];
    const diagnostics: Record<string, unknown> = { weights };
    if (!env.light) {
      const X = columnsOf(frame.X);
      const r2 = (pred: Float64Array, y: Float64Array) => {
        let ss = 0, tss = 0, sw = 0, ym = 0;
        for (let i = 0; i < y.length; i++) { const wi = w ? w[i] : 1; sw += wi; ym += wi * y[i]; }
        ym /= sw;
        for (let i = 0; i < y.length; i++) {
          const wi = w ? w[i] : 1;
          ss += wi * (y[i] - pred[i]) ** 2;
          tss += wi * (y[i] - ym) ** 2;
        }
        return finiteOrNull(1 - ss / tss);
      };
      diagnostics.mediator_model_r2 = r2(gramPredict(g, mFit, mRegs, iM, [frame.A, ...X]), M);
      diagnostics.outcome_model_r2 = r2(gramPredict(g, yFit, yRegs, iY, [frame.A, M, ...X]), frame.Y);
      diagnostics.total_model_r2 = r2(gramPredict(g, tFit, mRegs, iY, [frame.A, ...X]), frame.Y);
    }
    return {
      estimates: { alpha, beta, c_prime: cPrime, indirect: alpha * beta, total: cPrime + alpha * beta, total_regression: tFit.slopes[0] },
      se: {
        alpha: mFit.se ? mFit.se[0] : null, beta: yFit.se ? yFit.se[1] : null, c_prime: yFit.se ? yFit.se[0] : null,
        total_regression: tFit.se ? tFit.se[0] : null,
      },
      controlMean: c0 / n0,
      diagnostics,
      warnings: [
        ...(wt?.warnings ?? []),
        ...aliasWarning(g, mFit.aliased).map((s) => `mediator model: ${s}`),
        ...aliasWarning(g, yFit.aliased).map((s) => `outcome model: ${s}`),
      ],
    };
  },
  fast(frame, opts, ctx, env) {
    const weights = (opts.weights ?? 'ipw') as string;
    const wo = weightOptions(opts, ctx);
    const w = weights === 'ipw' ? ipwWeights(frame, wo, ctx, env).w : null;
    const key = weights === 'ipw' ? `ipw:${JSON.stringify(wo)}` : 'none';
    const g = linearGram(frame, env, key, w);
    const xi = frame.X.names.map((nm) => g.col(`x:${nm}`));
    const iA = g.col('\u0000A'), iM = g.col('\u0000M'), iY = g.col('\u0000Y');
    return (rep, mult) => {
      const S = env.aggregate(`lin:${key}`, g, rep, mult);
      const alpha = g.regress(S, [iA, ...xi], iM).slopes[0];
      const yr = g.regress(S, [iA, iM, ...xi], iY);
      const cPrime = yr.slopes[0], beta = yr.slopes[1];
      const total = g.regress(S, [iA, ...xi], iY).slopes[0];
      return { alpha, beta, c_prime: cPrime, indirect: alpha * beta, total: cPrime + alpha * beta, total_regression: total };
    };
  },
};
