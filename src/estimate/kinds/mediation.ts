/**
 * Mediation g-formula (plug-in): mediator model M ~ A + X, outcome model Y ~ A + M (+ A·M) + X, natural
 * effects TE, NDE, NIE and controlled direct effects at mediator levels. Linear models: closed form from
 * the shared gram (point and replicates); other learners or `crossfit`: fitted per fold. Entries that
 * name a gbm model run the cross-fitted form (src/estimate/ml/mediation.ts); `method: debiased | both`
 * runs the efficient-influence-function estimator (./mediation_debiased.ts) beside the plug-in.
 */
import { CausewayError } from '../../errors.js';
import { gramFit, gramPredict } from '../bootstrap.js';
import { designReadiness, residualMediatorOutcome, weightSummary } from '../diagnostics.js';
import { envFor, type Env } from '../env.js';
import { constant, mean, nameA, nameM, ones, regressionMetrics, requireArms, requireMediator, withFront } from '../frame-helpers.js';
import { columnsOf, groupKFold, makeLearner, takeRows } from '../learners.js';
import { mapRows, quantile } from '../linalg.js';
import { aliasWarning, linearGram } from '../linear-fits.js';
import { mediationCrossfit } from '../ml/mediation.js';
import type { AnalysisFrame, DesignMatrix, EstimatorContext, ModelSpec } from '../types.js';
import { ipwWeights, learnerRng, weightOptions } from '../weights.js';
import { asksCrossfit, modelKindOf, type EstimandDeclaration, type EstimatorKind, type Estimates, type Names, type Opts, type PointResult, type Replicator } from './kind.js';
import {
  BOOTSTRAP_OPTION, INTERVAL_OPTION, bool, CAP_QUANTILE_OPTION, crossfitFolds, crossfitFormFolds, crossfitRepeats, CROSSFIT_OPTION, estimandOf, ESTIMAND_OPTION, isLinear,
  mediatorClip, modelFor, modelOption, pair, reportedFolds, ridgeOf, STABILIZE_OPTION, symmetricClip, crossfitLearner, scoreBootstrap } from './options.js';

const natural = (key: string, text: (n: Names) => ReturnType<NonNullable<EstimandDeclaration['text']>>): EstimandDeclaration[] => [
  { key, text },
  {
    key: `${key}_debiased`,
    text: (n) => {
      const base = text(n);
      return { ...base, symbol: `${base.symbol} (debiased)`, name: `${base.name}, efficient-influence-function estimator` };
    },
  },
];

/** The natural and controlled effects (plug-in and debiased), shared with ./mediation_debiased.ts. */
export const MEDIATION_ESTIMANDS: EstimandDeclaration[] = [
  ...natural('te', ({ A, Y }) => ({
    symbol: 'TE', name: 'total effect', definition: 'E[Y(1, M(1)) − Y(0, M(0))]',
    meaning: `Overall difference in ${Y} between treated and untreated days, through every pathway.`, answers: `Does ${A} relate to ${Y} at all?`,
  })),
  ...natural('nde', ({ A, M, Y }) => ({
    symbol: 'NDE', name: 'natural direct effect', definition: 'E[Y(1, M(0)) − Y(0, M(0))]',
    meaning: `Effect of ${A} while ${M} stays at the level it would have had without treatment.`, answers: `How much of the effect bypasses ${M}?`,
  })),
  ...natural('nie', ({ A, M }) => ({
    symbol: 'NIE', name: 'natural indirect effect', definition: 'E[Y(1, M(1)) − Y(1, M(0))]',
    meaning: `Effect transmitted through the change in ${M} that ${A} causes.`, answers: `How much of the effect flows through ${M}?`,
  })),
  {
    key: /^cde_q(\d+)$/,
    text: ({ A, M, Y }, key) => {
      const q = Number(/^cde_q(\d+)$/.exec(key)![1]);
      return {
        symbol: `CDE(q${q})`,
        name: `controlled direct effect at the ${q}th percentile of the mediator`,
        definition: `E[Y(1, m) − Y(0, m)], m = q${q}(M)`,
        meaning: `Direct contrast in ${Y} if ${M} were fixed at its ${q}th percentile for everyone.`,
        answers: `What is the direct effect of ${A} when ${M} is ${q <= 50 ? 'low' : 'high'}?`,
      };
    },
  },
  { key: /^cde_at_/ },
  { key: 'reverse_indirect' },
  { key: 'mediator_shift', relative: false },
];

interface LinearMediationOptions {
  mModel: ModelSpec; yModel: ModelSpec; interaction: boolean; folds: number | null;
  cdeQuantiles: number[]; cdeValues: number[]; clipMediator: [number, number] | null; weights: 'none' | 'ipw';
  /** CDE mediator levels fixed from the full sample (set for bootstrap refits, so replicates target the same levels) */
  fixedLevels: Record<string, number> | null;
  /** the rows the natural effects average over: all (ate), the treated (att) or the controls (atc) */
  estimand: 'ate' | 'att' | 'atc';
}

function mediationOptions(opts: Opts, ctx: EstimatorContext): LinearMediationOptions {
  const cde = (opts.cde_at ?? { quantiles: [0.1, 0.9] }) as Opts;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : []);
  const weights = (opts.weights ?? 'none') as string;
  if (weights !== 'none' && weights !== 'ipw') throw new CausewayError('ESTIMATE_BAD_OPTION', 'mediation option weights must be none or ipw');
  return {
    mModel: modelFor(opts, 'mediator_model', ctx, 'linear'),
    yModel: modelFor(opts, 'outcome_model', ctx, 'linear'),
    interaction: bool(opts, 'interaction', true),
    folds: crossfitFolds(opts),
    cdeQuantiles: list(cde.quantiles),
    cdeValues: list(cde.values),
    clipMediator: pair(opts, 'clip_mediator', null),
    weights: weights as 'none' | 'ipw',
    fixedLevels: (opts.__cde_levels as Record<string, number> | undefined) ?? null,
    estimand: estimandOf(opts),
  };
}

/**
 * The CDE levels of a cross-fitted mediation: only when the entry sets cde_at (its default levels would add
 * estimates to every cross-fitted entry), quantiles of the observed mediator as the linear form.
 */
export function crossfitCdeLevels(frame: AnalysisFrame, opts: Opts): { key: string; m: number }[] {
  if (!opts.cde_at) return [];
  const cde = opts.cde_at as Opts;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : []);
  const M = requireMediator(frame);
  return [
    ...list(cde.quantiles).map((q) => ({ key: `cde_q${Math.round(q * 100)}`, m: quantile(M, q) })),
    ...list(cde.values).map((v) => ({ key: `cde_at_${v}`, m: v })),
  ];
}

/** The mean over the estimand's rows: every row (ate), the treated (att) or the controls (atc). */
function populationMean(A: Float64Array, estimand: 'ate' | 'att' | 'atc'): (v: Float64Array) => number {
  if (estimand === 'ate') return mean;
  const inTarget = (i: number) => (A[i] === 1) === (estimand === 'att');
  return (v) => {
    let s = 0, k = 0;
    for (let i = 0; i < v.length; i++) if (inTarget(i)) { s += v[i]; k++; }
    return s / k;
  };
}

function cdeLevels(frame: AnalysisFrame, mo: LinearMediationOptions): { key: string; m: number }[] {
  if (mo.fixedLevels) return Object.entries(mo.fixedLevels).map(([key, m]) => ({ key, m }));
  const out: { key: string; m: number }[] = [];
  for (const q of mo.cdeQuantiles) out.push({ key: `cde_q${Math.round(q * 100)}`, m: quantile(frame.M!, q) });
  for (const v of mo.cdeValues) out.push({ key: `cde_at_${v}`, m: v });
  return out;
}

/** Linear mediation g-computation in closed form from the shared gram (replicates and the point estimate). */
function mediationLinear(frame: AnalysisFrame, opts: Opts, ctx: EstimatorContext, env: Env): Replicator | null {
    const mo = mediationOptions(opts, ctx);
    if (!isLinear(mo.mModel) || !isLinear(mo.yModel) || mo.folds || mo.clipMediator) return null;
    const wo = weightOptions(opts, ctx);
    const w = mo.weights === 'ipw' ? ipwWeights(frame, wo, ctx, env).w : null;
    const key = mo.weights === 'ipw' ? `ipw:${JSON.stringify(wo)}` : 'none';
    const g = linearGram(frame, env, key, w);
    const gu = w ? linearGram(frame, env, 'none', null) : g; // unweighted means for averaging over rows
    const xi = frame.X.names.map((nm) => g.col(`x:${nm}`));
    const iA = g.col('\u0000A'), iM = g.col('\u0000M'), iAM = g.col('\u0000AM'), iY = g.col('\u0000Y');
    const mRegs = [iA, ...xi];
    const yRegs = mo.interaction ? [iA, iM, iAM, ...xi] : [iA, iM, ...xi];
    const s = g.shift;
    const levels = cdeLevels(frame, mo);
    const rA = ridgeOf(mo.mModel), rY = ridgeOf(mo.yModel);
    return (rep, mult) => {
      const S = env.aggregate(`lin:${key}`, g, rep, mult);
      const U = w ? env.aggregate('lin:none', gu, rep, mult) : S;
      const total = U[gu.at(0, 0)];
      // the shifted covariate means over the estimand's rows: Σ A·(x − s) = Σ (A − s_A)(x − s) + s_A·Σ (x − s)
      let xbar = xi.map((j) => U[gu.at(0, j)] / total);
      if (mo.estimand !== 'ate') {
        const sA = gu.shift[iA];
        const treated = U[gu.at(0, iA)] + sA * total;
        const treatedSums = xi.map((j) => U[gu.at(iA, j)] + sA * U[gu.at(0, j)]);
        xbar = mo.estimand === 'att'
          ? treatedSums.map((v) => v / treated)
          : xi.map((j, k) => (U[gu.at(0, j)] - treatedSums[k]) / (total - treated));
      }
      const mr = g.regress(S, mRegs, iM, rA);
      const yr = g.regress(S, yRegs, iY, rY);
      const gA = mr.slopes[0];
      const Em = (a: number) => {
        let v = s[iM] + mr.intercept + gA * (a - s[iA]);
        xi.forEach((_, k) => (v += mr.slopes[k + 1] * xbar[k]));
        return v;
      };
      const tA = yr.slopes[0], tM = yr.slopes[1], tAM = mo.interaction ? yr.slopes[2] : 0;
      const off = mo.interaction ? 3 : 2;
      let xPart = 0;
      xi.forEach((_, k) => (xPart += yr.slopes[k + off] * xbar[k]));
      const Ey = (a: number, m: number) => s[iY] + yr.intercept + tA * (a - s[iA]) + tM * (m - s[iM]) + tAM * (a * m - s[iAM]) + xPart;
      const em0 = Em(0), em1 = Em(1);
      const out: Estimates = {
        te: Ey(1, em1) - Ey(0, em0), nde: Ey(1, em0) - Ey(0, em0), nie: Ey(1, em1) - Ey(1, em0),
      };
      for (const l of levels) out[l.key] = tA + tAM * l.m;
      out.reverse_indirect = Ey(0, em1) - Ey(0, em0);
      out.mediator_shift = em1 - em0;
      out.__reference = Ey(0, em0);
      return out;
    };
}

function mediationLinearPoint(frame: AnalysisFrame, opts: Opts, ctx: EstimatorContext, env: Env, mo: LinearMediationOptions, lin: Replicator): PointResult {
  const r = lin(-1, ones(env.users().ids.length));
  const reference = r.__reference as number;
  const estimates: Estimates = {};
  for (const [k, v] of Object.entries(r)) if (!k.startsWith('__')) estimates[k] = v;
  const levels = cdeLevels(frame, mo);
  const diagnostics: Record<string, unknown> = {
    reference_mean: reference,
    cde_levels: Object.fromEntries(levels.map((l) => [l.key, l.m])),
    crossfit_folds: null,
    weights: mo.weights,
    ...(mo.estimand !== 'ate' ? { estimand: mo.estimand } : {}),
  };
  const wo = weightOptions(opts, ctx);
  const key = mo.weights === 'ipw' ? `ipw:${JSON.stringify(wo)}` : 'none';
  const g = linearGram(frame, env, key, mo.weights === 'ipw' ? ipwWeights(frame, wo, ctx, env).w : null);
  const xi = frame.X.names.map((nm) => g.col(`x:${nm}`));
  const iA = g.col('\u0000A'), iM = g.col('\u0000M'), iAM = g.col('\u0000AM'), iY = g.col('\u0000Y');
  const mRegs = [iA, ...xi];
  const yRegs = mo.interaction ? [iA, iM, iAM, ...xi] : [iA, iM, ...xi];
  const mFit = gramFit(g, mRegs, iM, frame.n, ridgeOf(mo.mModel));
  const yFit = gramFit(g, yRegs, iY, frame.n, ridgeOf(mo.yModel));
  const warnings = [
    ...aliasWarning(g, mFit.aliased).map((w) => `mediator model: ${w}`),
    ...aliasWarning(g, yFit.aliased).map((w) => `outcome model: ${w}`),
  ];
  if (!env.light) {
    const X = columnsOf(frame.X);
    const M = frame.M!;
    const AM = mapRows(frame.n, (i) => frame.A[i] * M[i]);
    const mhat = gramPredict(g, mFit, mRegs, iM, [frame.A, ...X]);
    const yhat = gramPredict(g, yFit, yRegs, iY, mo.interaction ? [frame.A, M, AM, ...X] : [frame.A, M, ...X]);
    diagnostics.mediator_performance = regressionMetrics(M, mhat);
    diagnostics.outcome_performance = regressionMetrics(frame.Y, yhat);
    const gu = linearGram(frame, env, 'none', null);
    const xu = frame.X.names.map((nm) => gu.col(`x:${nm}`));
    const rm = gramFit(gu, xu, gu.col('\u0000M'), frame.n);
    const ry = gramFit(gu, xu, gu.col('\u0000Y'), frame.n);
    diagnostics.residual_mediator_outcome = residualMediatorOutcome(frame, {
      m: gramPredict(gu, rm, xu, gu.col('\u0000M'), X, frame.n),
      y: gramPredict(gu, ry, xu, gu.col('\u0000Y'), X, frame.n),
    });
    diagnostics.readiness = designReadiness(frame);
  }
  return { estimates, controlMean: reference, diagnostics, warnings };
}

export const mediation: EstimatorKind = {
  kind: 'mediation',
  summary: 'Mediation g-formula: natural direct and indirect effects and controlled direct effects; plug-in or debiased.',
  options: {
    mediator_model: modelOption('linear', 'mediator model E[M|A,X]'),
    outcome_model: modelOption('linear', 'outcome model E[Y|A,M,X]'),
    interaction: { type: 'boolean', default: true, description: 'Include the A\u00d7M interaction in the outcome model (docs/seeds.md §002/§004).' },
    method: {
      enum: ['plugin', 'debiased', 'both'],
      default: 'plugin',
      description: 'plugin: g-computation from the mediator and outcome models (docs/seeds.md §002/§004); debiased: the cross-fitted efficient-influence-function estimator (any learner); both: report the two side by side.',
      markdownEnumDescriptions: [
        'Plug-in g-formula from the mediator and outcome models; bootstrap intervals.',
        'Cross-fitted efficient-influence-function (doubly robust) estimator; influence-function standard errors.',
        'Both estimators, reported side by side.',
      ],
      examples: ['plugin', 'debiased'],
    },
    propensity: {
      type: 'string',
      description: 'Model id for P(A=1|X) and P(A=1|M,X) (debiased method), or for the ipw weights (weights: ipw).',
      examples: ['logistic', 'gbm'],
    },
    cde_at: {
      type: 'object',
      additionalProperties: false,
      description: 'Mediator levels at which the controlled direct effect CDE(m) is reported: quantiles of the mediator, fixed values, or both. Linear form: default quantiles 0.1 and 0.9; cross-fitted form: only when set, from the out-of-fold outcome model.',
      examples: [{ quantiles: [0.1, 0.9] }],
      properties: {
        quantiles: { type: 'array', maxItems: 100, items: { type: 'number', minimum: 0, maximum: 1 }, description: 'Quantiles (0–1) of the observed mediator; 0.1 gives the estimate cde_q10.' },
        values: { type: 'array', maxItems: 100, items: { type: 'number' }, description: 'Mediator values in its own units.' },
      },
    },
    crossfit: CROSSFIT_OPTION,
    bootstrap: BOOTSTRAP_OPTION,
    interval: { ...INTERVAL_OPTION, description: `Debiased method (method: debiased | both) only: ${INTERVAL_OPTION.description as string}` },
    clip_mediator: { $ref: '#/$defs/Clip', description: 'Clip the mediator model\'s predictions (M̂ at A = 0, at A = 1 and at the observed A) to this [low, high] range, in the mediator\'s units (e.g. [0, 1] for a share), before the outcome model is evaluated at them; the observed mediator is not changed.' },
    weights: {
      enum: ['none', 'ipw'],
      default: 'none',
      description: 'none: unweighted mediation models; ipw: fit them with the ipw weights as sample weights (propensity, clip, stabilize and cap_quantile as the ipw kind), estimated once on all rows; cross-fitted, each fold\'s mediator and outcome models take their training rows\' weights (docs/seeds.md §004). The debiased method fits unweighted.',
      markdownEnumDescriptions: ['Unweighted mediator and outcome models.', 'Mediator and outcome models (every cross-fitting fold\'s too) fitted with inverse-propensity sample weights from one full-sample propensity model.'],
      examples: ['none', 'ipw'],
    },
    clip: { $ref: '#/$defs/Clip', description: 'Propensity clip [low, high]: of the debiased method (default [0.01, 0.99]), or of the ipw weights with weights: ipw (default [0.02, 0.98]).', examples: [[0.01, 0.99]] },
    mediator_clip: {
      type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2, description: 'Debiased method: clip mediator predictions to [low, high].',
    },
    stabilize: STABILIZE_OPTION,
    cap_quantile: CAP_QUANTILE_OPTION,
    estimand: {
      ...ESTIMAND_OPTION,
      description: 'Over which rows the natural effects (te, nde, nie, and the CDEs) are averaged: ate (every row, default), att (the treated rows: E[Y(1, M(1)) − Y(0, M(0)) | A = 1] and so on) or atc (the control rows). The debiased method uses the efficient influence function of the effect on that population; the estimate keys stay te, nde, nie and diagnostics.estimand names the population.',
      markdownEnumDescriptions: ['Natural effects averaged over every row.', 'Natural effects averaged over the treated rows.', 'Natural effects averaged over the control rows.'],
    },
  },
  estimands: MEDIATION_ESTIMANDS,
  secondaryOutcomes: false,
  adjusted: true,
  headlineRank: 0,
  nuisances: (opts) => [...(opts.weights === 'ipw' || opts.method === 'debiased' || opts.method === 'both' ? ['propensity' as const] : []), 'mediator', 'outcome'],
  replicatesHoldNuisances: (opts) => opts.weights === 'ipw',
  label(opts, models) {
    const m = modelKindOf(opts.mediator_model, models) ?? 'linear';
    const y = modelKindOf(opts.outcome_model, models) ?? 'linear';
    const both = m === y ? m : `${m} M, ${y} Y`;
    const method = opts.method === 'both' ? ': plug-in and debiased' : opts.method === 'debiased' ? ', debiased' : '';
    const estimand = opts.estimand === 'att' || opts.estimand === 'atc' ? `, ${opts.estimand.toUpperCase()}` : '';
    return `Mediation g-formula${asksCrossfit(opts) ? ', cross-fitted' : ''} (${both}${estimand})${method}`;
  },
  labelFromResult: ({ diagnostics: d, crossfitNote: cf }) => {
    const method = typeof d.method === 'string' ? d.method : '';
    const estimand = d.estimand === 'att' || d.estimand === 'atc' ? ` ${d.estimand.toUpperCase()}` : '';
    if (/debiased/.test(method)) return `Mediation${estimand}, ${cf ?? 'cross-fitted'}: plug-in and debiased`;
    return `Mediation g-formula${estimand} (regression)`;
  },
  // the interval option picks the debiased estimator's interval; the plug-in has no influence function
  // and the debiased method (./mediation_debiased.ts) fits its own unweighted, unclipped-mediator models
  checkReferences(entry, _entries, form) {
    const debiased = entry.method === 'debiased' || entry.method === 'both';
    if (!debiased) {
      const problems: Array<{ option: string; code: 'SPEC_IGNORED_OPTION'; message: string }> = [];
      // mediator_clip is read by the cross-fitted form (src/estimate/ml/mediation.ts) and the debiased method;
      // the plug-in without cross-fitting clips its mediator predictions with clip_mediator
      if (!form.crossfitted && entry.mediator_clip !== undefined && entry.mediator_clip !== null) {
        problems.push({ option: 'mediator_clip', code: 'SPEC_IGNORED_OPTION', message: `mediator_clip has no effect here: it clips mediator predictions in the cross-fitted form (crossfit: or a gbm model) and the debiased method (method: debiased or both); '${entry.id}' runs the plug-in without cross-fitting, whose mediator predictions clip_mediator clips` });
      }
      if (entry.interval !== undefined && entry.interval !== 'influence') {
        problems.push({ option: 'interval', code: 'SPEC_IGNORED_OPTION', message: `interval has no effect here: it chooses the interval of the debiased method (method: debiased or both); '${entry.id}' runs the plug-in only` });
      }
      // the propensity options shape the ipw weights (weights: ipw) or the debiased method's propensities
      if (entry.weights !== 'ipw') {
        for (const option of ['propensity', 'clip', 'stabilize', 'cap_quantile']) {
          if (entry[option] === undefined || entry[option] === null || (option === 'stabilize' && entry[option] === true)) continue;
          problems.push({ option, code: 'SPEC_IGNORED_OPTION', message: `${option} has no effect here: it shapes the ipw weights (weights: ipw) or the debiased method's propensities; '${entry.id}' runs the unweighted plug-in` });
        }
      }
      // repeated cross-fitting takes the median over splits of the debiased estimates only (src/estimate/ml/mediation.ts)
      const crossfit = entry.crossfit as { repeats?: number } | undefined;
      if (form.crossfitted && typeof crossfit === 'object' && crossfit !== null && (crossfit.repeats ?? 1) > 1) {
        problems.push({ option: 'crossfit', code: 'SPEC_IGNORED_OPTION', message: `crossfit.repeats has no effect here: repeated cross-fitting combines the debiased method's estimates (method: debiased or both); '${entry.id}' runs the plug-in, which uses the first split only` });
      }
      return problems;
    }
    const notHonoured: Record<string, string> = {
      weights: 'the debiased method fits its nuisance models unweighted',
      stabilize: 'it shapes the ipw weights, which the debiased method does not use',
      cap_quantile: 'it shapes the ipw weights, which the debiased method does not use',
      clip_mediator: 'the debiased method clips mediator predictions with mediator_clip instead',
    };
    const defaults: Record<string, unknown> = { weights: 'none', stabilize: true };
    return Object.entries(notHonoured)
      .filter(([option]) => entry[option] !== undefined && entry[option] !== null && entry[option] !== defaults[option])
      .map(([option, why]) => ({ option, code: 'SPEC_IGNORED_OPTION' as const, message: `${option} has no effect here: ${why} (method: ${entry.method as string})` }));
  },
  delegate(opts) {
    if (opts.method !== 'debiased' && opts.method !== 'both') return null;
    const { method: _m, ...rest } = opts;
    return { kind: 'mediation_debiased', opts: rest };
  },
  crossfit: {
    ignores: {
      // the plug-in estimates of src/estimate/ml/mediation.ts have no score and no bootstrap interval
      bootstrap: 'the cross-fitted mediation never refits per bootstrap replicate (its plug-in estimates get no interval; the debiased method, method: debiased or both, resamples its scores)',
      clip_mediator: 'the cross-fitted mediation clips mediator predictions with mediator_clip instead',
    },
    run(frame, id, allOpts, ctx) {
      const { method: _m, ...opts } = allOpts;
      const learner = crossfitLearner(ctx, id);
      const bootstrap = scoreBootstrap(ctx);
      const folds = crossfitFormFolds(opts);
      // weights: ipw fits every fold's nuisance models with the ipw weights as sample weights, estimated once
      // on all rows (the weight column docs/seeds.md §004 reads), each fold taking its training rows' weights
      const ipw = opts.weights === 'ipw' ? ipwWeights(frame, weightOptions(opts, ctx), ctx, envFor(frame)) : null;
      // the plug-in only: method debiased | both runs ./mediation_debiased.ts through `delegate`
      const out = mediationCrossfit(frame, {
        id, folds, repeats: crossfitRepeats(opts), seed: ctx.seed, cellId: ctx.cellId, clip: symmetricClip(opts), bootstrap, debiased: false,
        interaction: opts.interaction === undefined ? true : Boolean(opts.interaction),
        mediatorClip: mediatorClip(opts),
        cde: crossfitCdeLevels(frame, opts),
        estimand: estimandOf(opts),
        mediator: learner(opts.mediator_model, 'gbm', 'mediator', 'regression'),
        outcome: learner(opts.outcome_model, 'gbm', 'outcome', 'regression'),
        weights: ipw?.w ?? null,
      });
      out.result.diagnostics.weights = ipw ? 'ipw' : 'none';
      if (ipw) out.result.diagnostics.weight_summary = weightSummary(ipw.w);
      return out;
    },
  },
  point(frame, opts, ctx, env) {
    requireArms(frame);
    const M = requireMediator(frame);
    const mo = mediationOptions(opts, ctx);
    const lin = mediationLinear(frame, opts, ctx, env);
    if (lin) return mediationLinearPoint(frame, opts, ctx, env, mo, lin);
    const w = mo.weights === 'ipw' ? ipwWeights(frame, weightOptions(opts, ctx), ctx, env).w : null;
    const n = frame.n;
    const folds = mo.folds ? groupKFold(frame.cluster, mo.folds) : null;
    const An = nameA(frame), Mn = nameM(frame), AMn = `${An}_x_${Mn}`;
    const levels = cdeLevels(frame, mo);
    const m0 = new Float64Array(n), m1 = new Float64Array(n), mhat = new Float64Array(n), yhat = new Float64Array(n);
    const y00 = new Float64Array(n), y10 = new Float64Array(n), y11 = new Float64Array(n), y01 = new Float64Array(n);
    const cde = levels.map(() => new Float64Array(n));
    const warnings: string[] = [];
    const clipM = (v: Float64Array) => (mo.clipMediator ? v.map((x) => Math.min(Math.max(x, mo.clipMediator![0]), mo.clipMediator![1])) : v);
    const outDesign = (a: Float64Array, m: Float64Array, X: DesignMatrix, index?: Int32Array) =>
      withFront(mo.interaction ? [[An, a], [Mn, m], [AMn, mapRows(a.length, (i) => a[i] * m[i])]] : [[An, a], [Mn, m]], X, index);
    for (let f = 0; f < (folds ? mo.folds! : 1); f++) {
      const train: number[] = [], test: number[] = [];
      for (let i = 0; i < n; i++) {
        if (!folds) { train.push(i); test.push(i); } else (folds[i] === f ? test : train).push(i);
      }
      const tr = Int32Array.from(train), te = Int32Array.from(test);
      // training designs gathered straight from the frame's rows (no copy of X's training rows kept beside them)
      const Xte = folds ? takeRows(frame.X, te) : frame.X;
      const pick = (v: Float64Array, ix: Int32Array) => mapRows(ix.length, (k) => v[ix[k]]);
      const wtr = w ? pick(w, tr) : undefined;
      const mFit = makeLearner(mo.mModel, learnerRng(ctx, 'mediation', 'mediator', f)).fit(withFront([[An, frame.A]], frame.X, tr), pick(M, tr), wtr);
      const yFit = makeLearner(mo.yModel, learnerRng(ctx, 'mediation', 'outcome', f)).fit(outDesign(frame.A, M, frame.X, tr), pick(frame.Y, tr), wtr);
      warnings.push(...(mFit.warnings ?? []).map((s) => `mediator model: ${s}`), ...(yFit.warnings ?? []).map((s) => `outcome model: ${s}`));
      const k = te.length;
      const zeros = constant(k, 0), ones = constant(k, 1);
      const aObs = pick(frame.A, te), mObs = pick(M, te);
      const pm = clipM(mFit.predict(withFront([[An, aObs]], Xte)));
      const p0 = clipM(mFit.predict(withFront([[An, zeros]], Xte)));
      const p1 = clipM(mFit.predict(withFront([[An, ones]], Xte)));
      const py = yFit.predict(outDesign(aObs, mObs, Xte));
      const q00 = yFit.predict(outDesign(zeros, p0, Xte));
      const q10 = yFit.predict(outDesign(ones, p0, Xte));
      const q11 = yFit.predict(outDesign(ones, p1, Xte));
      const q01 = yFit.predict(outDesign(zeros, p1, Xte));
      const qc = levels.map((l) => {
        const ml = constant(k, l.m);
        const a1 = yFit.predict(outDesign(ones, ml, Xte));
        const a0 = yFit.predict(outDesign(zeros, ml, Xte));
        return a1.map((v, i) => v - a0[i]);
      });
      te.forEach((i, r) => {
        mhat[i] = pm[r]; m0[i] = p0[r]; m1[i] = p1[r]; yhat[i] = py[r];
        y00[i] = q00[r]; y10[i] = q10[r]; y11[i] = q11[r]; y01[i] = q01[r];
        qc.forEach((c, l) => (cde[l][i] = c[r]));
      });
    }
    const over = populationMean(frame.A, mo.estimand);
    const md = (a: Float64Array, b: Float64Array) => over(a) - over(b);
    const estimates: Estimates = {
      te: md(y11, y00), nde: md(y10, y00), nie: md(y11, y10),
    };
    levels.forEach((l, k) => (estimates[l.key] = over(cde[k])));
    estimates.reverse_indirect = md(y01, y00);
    estimates.mediator_shift = md(m1, m0);
    const reference = over(y00);
    const diagnostics: Record<string, unknown> = {
      reference_mean: reference,
      cde_levels: Object.fromEntries(levels.map((l) => [l.key, l.m])),
      crossfit_folds: mo.folds,
      weights: mo.weights,
      ...(mo.estimand !== 'ate' ? { estimand: mo.estimand } : {}),
    };
    if (!env.light) {
      diagnostics.mediator_performance = regressionMetrics(M, mhat);
      diagnostics.outcome_performance = regressionMetrics(frame.Y, yhat);
      diagnostics.residual_mediator_outcome = residualMediatorOutcome(frame);
      diagnostics.readiness = designReadiness(frame);
    }
    return { estimates, controlMean: reference, diagnostics, warnings: [...new Set(warnings)], folds: reportedFolds(frame, folds, env) };
  },
  fast(frame, opts, ctx, env) {
    return mediationLinear(frame, opts, ctx, env);
  },
};
