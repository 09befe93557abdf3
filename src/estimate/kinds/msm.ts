/**
 * Marginal structural model: weighted regression of Y on A (optionally + X, doubly robust), weights from
 * the ipw pipeline, unweighted, unclipped or capped at k; `variants` feed the weight-sensitivity table
 * (src/sensitivity/weights.ts). An msm naming an ipw estimator by id takes its weighting options
 * (src/run/compile.ts, resolveEstimators).
 */
import { CausewayError } from '../../errors.js';
import { influenceSummary, weightSummary } from '../diagnostics.js';
import { mapRows } from '../linalg.js';
import type { Env, Weights } from '../env.js';
import { constant, nameA, requireArms } from '../frame-helpers.js';
import { columnsOf } from '../learners.js';
import { linearGram, slopeSE, userSums, weightedSums } from '../linear-fits.js';
import type { AnalysisFrame, EstimatorContext } from '../types.js';
import { hajek, ipwWeights, uncappedWeights, weightDiagnostics, weightOptions } from '../weights.js';
import { AVERAGE_EFFECTS } from './estimands.js';
import { EstimatorFailure, type EstimatorKind, type Opts } from './kind.js';
import { BOOTSTRAP_OPTION, bool, CAP_QUANTILE_OPTION, CLIP_OPTION, estimandOf, ESTIMAND_OPTION, modelOption, STABILIZE_OPTION } from './options.js';

/** MSM weights: unweighted | unclipped | { clip: k } | ipw (the ipw pipeline's weights). */
function msmWeights(frame: AnalysisFrame, opts: Opts, ctx: EstimatorContext, env: Env): { w: Float64Array | null; label: string; wt: Weights | null } {
  const spec = opts.weights ?? 'ipw';
  if (spec === 'unweighted' || spec === 'none') return { w: null, label: 'unweighted', wt: null };
  const wo = weightOptions(opts, ctx);
  if (spec === 'ipw') {
    const wt = ipwWeights(frame, wo, ctx, env);
    return { w: wt.w, label: 'ipw', wt };
  }
  // the estimand's weights (ATE: stabilized) from unclipped propensities, or entropy balancing uncapped;
  // unclipped, propensities near 0 or 1 are the pile-up (src/estimate/diagnostics.ts)
  const { propensity: e, w, warnings, method, pileup } = uncappedWeights(frame, wo, null, ctx, env);
  if (w.some((v) => !Number.isFinite(v))) throw new EstimatorFailure('unclipped propensities of exactly 0 or 1 give infinite weights');
  const prefix = method?.weighting === 'entropy_balance' ? 'entropy_balance' : wo.estimand === 'ate' ? 'stabilized' : wo.estimand;
  if (spec === 'unclipped') return { w, label: `${prefix}_unclipped`, wt: { propensity: e, clipped: e, w, cap: null, warnings, method, pileup } };
  if (typeof spec === 'object' && spec !== null && typeof (spec as Opts).clip === 'number') {
    const k = (spec as Opts).clip as number;
    for (let i = 0; i < w.length; i++) if (w[i] > k) w[i] = k;
    return { w, label: `${prefix}_clip_${k}`, wt: { propensity: e, clipped: e, w, cap: k, warnings, method, pileup } };
  }
  throw new CausewayError('ESTIMATE_BAD_OPTION', 'msm option weights must be ipw, unweighted, unclipped or { clip: k }');
}

/**
 * Weighting options the entry's `weights` never reads (msmWeights): unweighted fits no propensity; unclipped
 * and {clip: k} weight by unclipped propensities, uncapped or capped at k, so a propensity clip or a
 * quantile cap would be silently dropped.
 */
function ignoredWeighting(entry: Opts): Array<{ option: string; code: 'SPEC_IGNORED_OPTION'; message: string }> {
  const weights = entry.weights;
  // the schema fills propensity: logistic and stabilize: true into every entry: those are no request
  const set = (option: string) => entry[option] !== undefined && entry[option] !== null && !(option === 'stabilize' && entry[option] === true) && !(option === 'propensity' && entry[option] === 'logistic');
  const refuse = (options: string[], why: string, fix: string) =>
    options.filter(set).map((option) => ({ option, code: 'SPEC_IGNORED_OPTION' as const, message: `${option} has no effect here: ${why}; ${fix}` }));
  if (weights === 'unweighted' || weights === 'none') {
    const estimand = entry.estimand === 'att' || entry.estimand === 'atc'
      ? [{ option: 'estimand', code: 'SPEC_IGNORED_OPTION' as const, message: `estimand has no effect here: '${entry.id as string}' has weights: ${weights}, so every row counts alike and the unweighted contrast is not an ${String(entry.estimand).toUpperCase()}; remove it, or use weights: ipw` }]
      : [];
    return [...refuse(['propensity', 'clip', 'stabilize', 'cap_quantile'], `'${entry.id as string}' has weights: ${weights}, so no propensity is fitted and nothing is weighted`, 'remove it, or use weights: ipw'), ...estimand];
  }
  if (weights === 'unclipped') {
    return refuse(['clip', 'cap_quantile'], `weights: unclipped weights by the unclipped, uncapped propensities of '${entry.id as string}'`, 'remove it, or use weights: ipw for clipped and capped weights');
  }
  if (typeof weights === 'object' && weights !== null) {
    return refuse(['clip', 'cap_quantile'], `weights: {clip: k} caps the weights from unclipped propensities of '${entry.id as string}' at k`, 'remove it, or use weights: ipw for a propensity clip and a quantile cap');
  }
  return [];
}

export const msm: EstimatorKind = {
  kind: 'msm',
  summary: 'Weighted regression of Y on A (optionally + X); weights ipw, unweighted, unclipped or capped at k.',
  options: {
    weights: {
      description: 'ipw (stabilized, clipped and capped as the ipw options or the named ipw estimator), unweighted, unclipped, {clip: k} (stabilized weights capped at k), or the id of an ipw estimator whose options to use.',
      examples: ['ipw', 'unweighted', { clip: 10 }],
      oneOf: [
        { type: 'string' },
        {
          type: 'object', additionalProperties: false, required: ['clip'],
          properties: { clip: { type: 'number', exclusiveMinimum: 0, description: 'Cap of the stabilized weights, e.g. 10, 5 or 2.' } },
        },
      ],
    },
    variants: { type: 'array', maxItems: 100, items: { $ref: '#/$defs/WeightVariant' }, description: 'Weight-sensitivity variants (docs/seeds.md §003).' },
    bootstrap: BOOTSTRAP_OPTION,
    propensity: modelOption('logistic', 'propensity model P(A=1|X)'),
    clip: CLIP_OPTION,
    stabilize: STABILIZE_OPTION,
    cap_quantile: CAP_QUANTILE_OPTION,
    adjust: { type: 'boolean', default: false, description: 'Add the covariates to the weighted outcome regression (doubly robust MSM).' },
    estimand: ESTIMAND_OPTION,
  },
  estimands: AVERAGE_EFFECTS,
  // docs/seeds.md §003 reports the MSM on every secondary outcome
  secondaryOutcomes: true,
  adjusted: true,
  headlineRank: 1,
  nuisances: (opts) => (opts.weights === 'unweighted' || opts.weights === 'none' ? [] : ['propensity']),
  replicatesHoldNuisances: () => true,
  checkReferences(entry, entries) {
    const weights = entry.weights;
    const literal = ['ipw', 'unweighted', 'unclipped', 'none'];
    if (typeof weights === 'string' && !literal.includes(weights) && !entries.some((o) => o.id === weights && o.kind === 'ipw')) {
      return [{
        option: 'weights', code: 'SPEC_UNKNOWN_ESTIMATOR',
        message: `msm weights must be ipw, unweighted, unclipped, {clip: k} or the id of an ipw estimator; '${weights}' is none of these`,
      }];
    }
    const source = typeof weights === 'string' ? entries.find((o) => o.id === weights && o.kind === 'ipw') : undefined;
    if (source) {
      // weights: <id of an ipw entry> takes that entry's weighting options over the msm's own (resolve below)
      const filled: Record<string, unknown> = { propensity: 'logistic', stabilize: true };
      return ['propensity', 'clip', 'stabilize', 'cap_quantile', 'estimand']
        .filter((option) => entry[option] !== undefined && entry[option] !== filled[option] && source[option] !== undefined && JSON.stringify(entry[option]) !== JSON.stringify(source[option]))
        .map((option) => ({
          option, code: 'SPEC_IGNORED_OPTION' as const,
          message: `${option} has no effect here: weights: ${String(weights)} takes the ipw estimator's own ${option}, which replaces '${entry.id as string}''s; set it on '${String(weights)}' only`,
        }));
    }
    return ignoredWeighting(entry);
  },
  /** `weights: <id of an ipw entry>` takes that entry's propensity model, clip, stabilization and cap. */
  resolve(entry, entries) {
    if (typeof entry.weights !== 'string') return entry;
    const source = entries.find((o) => o.id === entry.weights && o.kind === 'ipw');
    if (!source) return entry;
    const { id: _id, kind: _kind, normalize: _normalize, bootstrap: _bootstrap, ...weighting } = source;
    return { ...entry, ...weighting, weights: 'ipw' };
  },
  label: (opts) => `Marginal structural model (${opts.estimand === 'att' || opts.estimand === 'atc' ? `${opts.estimand.toUpperCase()} weights` : 'IPW-weighted'})`,
  labelFromResult: ({ diagnostics: d }) =>
    typeof d.weight_spec === 'string' ? `Marginal structural model (${d.weight_spec.replace(/_/g, ' ')})` : 'Marginal structural model (IPW-weighted)',
  point(frame, opts, ctx, env) {
    requireArms(frame);
    const estimand = estimandOf(opts);
    const adjust = bool(opts, 'adjust', false);
    const { w, label, wt } = msmWeights(frame, opts, ctx, env);
    const cols = adjust ? [frame.A, ...columnsOf(frame.X)] : [frame.A];
    const names = adjust ? [nameA(frame), ...frame.X.names] : [nameA(frame)];
    const { fit, se } = slopeSE(cols, names, frame.Y, frame, w);
    const warnings = [...(wt?.warnings ?? []), ...fit.warnings];
    const ate = fit.coef[1];
    let controlMean: number;
    if (adjust) {
      let s = 0, sw = 0;
      for (let i = 0; i < frame.n; i++) if (frame.A[i] === 0) { s += (w ? w[i] : 1) * frame.Y[i]; sw += w ? w[i] : 1; }
      controlMean = s / sw;
    } else controlMean = fit.coef[0];
    const diagnostics: Record<string, unknown> = { weight_spec: estimand !== 'ate' && label === 'ipw' ? `${estimand}_ipw` : label, ...(estimand !== 'ate' ? { estimand } : {}) };
    if (!env.light) {
      if (wt) Object.assign(diagnostics, weightDiagnostics(frame, wt, env));
      else diagnostics.weights = weightSummary(constant(frame.n, 1));
      const h = hajek(frame.A, frame.Y, w ?? constant(frame.n, 1));
      if (!adjust) {
        const inf = influenceSummary(h.psi, frame.cluster, ctx.influenceWarnShare ?? 0.2, ate);
        diagnostics.influence = inf.summary;
        if (inf.warning) warnings.push(inf.warning);
      }
    }
    return { estimates: { [estimand]: ate }, se: { [estimand]: se ? se[0] : null }, controlMean, diagnostics, warnings };
  },
  fast(frame, opts, ctx, env) {
    const estimand = estimandOf(opts);
    const adjust = bool(opts, 'adjust', false);
    const { w, label } = msmWeights(frame, opts, ctx, env);
    const ui = env.users();
    if (!adjust) {
      const ww = w ?? constant(frame.n, 1);
      const A = frame.A, Y = frame.Y;
      const sums = userSums(ui, [
        mapRows(A.length, (i) => A[i] * ww[i]), mapRows(A.length, (i) => A[i] * ww[i] * Y[i]),
        mapRows(A.length, (i) => (1 - A[i]) * ww[i]), mapRows(A.length, (i) => (1 - A[i]) * ww[i] * Y[i]),
      ]);
      return (_rep, mult) => {
        const s = weightedSums(sums, 4, mult);
        return { [estimand]: s[1] / s[0] - s[3] / s[2] };
      };
    }
    const key = `msm:${label}:${JSON.stringify(opts)}`;
    const g = linearGram(frame, env, key, w);
    const regs = [g.col('\u0000A'), ...frame.X.names.map((n) => g.col(`x:${n}`))];
    const yi = g.col('\u0000Y');
    return (rep, mult) => ({ [estimand]: g.regress(env.aggregate(key, g, rep, mult), regs, yi).slopes[0] });
  },
};
