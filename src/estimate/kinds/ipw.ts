/**
 * Inverse probability weighting: stabilized, clipped and capped propensity weights (src/estimate/weights.ts);
 * Hajek (normalized) weighted difference with a CR1 SE, or Horvitz–Thompson with `normalize: false`.
 * `estimand: att | atc` weights the other arm to the treated (controls) and reports `att` (`atc`);
 * `propensity: entropy_balance | cbps` takes balancing weights (src/estimate/balancing.ts).
 */
import { influenceSummary } from '../diagnostics.js';
import { mapRows } from '../linalg.js';
import { constant, mean, nameA, requireArms } from '../frame-helpers.js';
import { slopeSE, userSums, weightedSums } from '../linear-fits.js';
import { CausewayError } from '../../errors.js';
import { hajek, ipwWeights, isEntropyBalance, weightDiagnostics, weightOptions } from '../weights.js';
import { AVERAGE_EFFECTS } from './estimands.js';
import { isRecord, modelKindOf, type EstimatorKind } from './kind.js';
import { BOOTSTRAP_OPTION, bool, CAP_QUANTILE_OPTION, CLIP_OPTION, ESTIMAND_OPTION, modelOption, STABILIZE_OPTION } from './options.js';

export const ipw: EstimatorKind = {
  kind: 'ipw',
  summary: 'Propensity weights (clip, stabilize with the treatment rate, cap at a quantile); Hajek weighted difference.',
  options: {
    propensity: modelOption('logistic', 'propensity model P(A=1|X)'),
    clip: CLIP_OPTION,
    stabilize: STABILIZE_OPTION,
    cap_quantile: CAP_QUANTILE_OPTION,
    normalize: { type: 'boolean', default: true, description: 'true: Hajek (self-normalized) weighted means per arm; false: Horvitz–Thompson sums divided by the number of rows.' },
    bootstrap: BOOTSTRAP_OPTION,
    estimand: ESTIMAND_OPTION,
  },
  estimands: AVERAGE_EFFECTS,
  secondaryOutcomes: true,
  adjusted: true,
  headlineRank: 1,
  nuisances: () => ['propensity'],
  replicatesHoldNuisances: () => true,
  // defaults as weightOptions: stabilized, clipped at [0.02, 0.98], capped at the 0.99 quantile
  label(opts, models) {
    const propensity = modelKindOf(opts.propensity, models);
    const estimand = typeof opts.estimand === 'string' && opts.estimand !== 'ate' ? opts.estimand.toUpperCase() : null;
    if (propensity === 'entropy_balance') {
      const cap = opts.cap_quantile;
      return `Entropy balancing${estimand ? ` ${estimand}` : ''}${typeof cap === 'number' ? ` (capped at q${cap})` : ''}`;
    }
    const parts = estimand ? [`${estimand} weights`] : [opts.stabilize === false ? 'unstabilized' : 'stabilized'];
    const clip = opts.clip === undefined ? [0.02, 0.98] : opts.clip;
    if (Array.isArray(clip)) parts.push(`clipped [${clip.join(', ')}]`);
    const cap = opts.cap_quantile === undefined ? (estimand ? null : 0.99) : opts.cap_quantile;
    if (typeof cap === 'number') parts.push(`capped at q${cap}`);
    if (propensity && propensity !== 'logistic') parts.push(`${propensity} propensity`);
    return `IPW (${parts.join(', ')})`;
  },
  labelFromResult({ diagnostics: d, formatNumber }) {
    const weighting = isRecord(d.weighting) ? d.weighting : null;
    const estimand = typeof d.estimand === 'string' && d.estimand !== 'ate' ? d.estimand.toUpperCase() : null;
    if (weighting?.weighting === 'entropy_balance') return `Entropy balancing${estimand ? ` ${estimand}` : ''}`;
    const parts: string[] = [];
    if (estimand) parts.push(`${estimand} weights`);
    if (weighting?.weighting === 'cbps') parts.push('CBPS');
    const w = isRecord(d.weights) ? d.weights : null;
    // stabilized weights average 1 (E[A·p/e] = p), unstabilized ones 2
    if (!estimand && w && typeof w.mean === 'number') parts.push(Math.abs(w.mean - 1) < 0.3 ? 'stabilized' : 'unstabilized');
    if (typeof d.weight_cap === 'number') parts.push(`capped at ${formatNumber(d.weight_cap)}`);
    return parts.length ? `IPW (${parts.join(', ')})` : 'IPW';
  },
  point(frame, opts, ctx, env) {
    requireArms(frame);
    const wo = weightOptions(opts, ctx);
    const normalize = bool(opts, 'normalize', true);
    if (!normalize && isEntropyBalance(wo.model))
      throw new CausewayError('ESTIMATE_BAD_OPTION', 'normalize: false (Horvitz–Thompson) needs inverse-propensity weights; entropy-balancing weights are normalized within each arm');
    const wt = ipwWeights(frame, wo, ctx, env);
    const warnings = [...wt.warnings];
    let ate: number, controlMean: number, psi: Float64Array;
    let se: Float64Array | null = null;
    if (normalize) {
      const h = hajek(frame.A, frame.Y, wt.w);
      ate = h.ate;
      controlMean = h.mu0;
      psi = h.psi;
      se = slopeSE([frame.A], [nameA(frame)], frame.Y, frame, wt.w).se;
    } else {
      // Horvitz–Thompson with the (clipped, capped, unstabilized) inverse probabilities, divided by the
      // rows of the estimand's population (all, treated or controls)
      const n = htDenominator(frame.A, wo.estimand);
      const rate = mean(frame.A);
      let s1 = 0, s0 = 0;
      psi = new Float64Array(frame.n);
      const scale = (a: number) => (wo.stabilize && wo.estimand === 'ate' ? (a === 1 ? rate : 1 - rate) : 1);
      for (let i = 0; i < frame.n; i++) {
        const wi = wt.w[i] / scale(frame.A[i]);
        psi[i] = frame.A[i] === 1 ? wi * frame.Y[i] : -wi * frame.Y[i];
        if (frame.A[i] === 1) s1 += psi[i]; else s0 -= psi[i];
      }
      ate = (s1 - s0) / n;
      controlMean = s0 / n;
      const inPopulation = (a: number) => (wo.estimand === 'ate' ? 1 : wo.estimand === 'att' ? a : 1 - a);
      for (let i = 0; i < frame.n; i++) psi[i] = (psi[i] - ate * inPopulation(frame.A[i])) / n;
    }
    const diagnostics: Record<string, unknown> = { ...(wo.estimand !== 'ate' ? { estimand: wo.estimand } : {}), ...weightDiagnostics(frame, wt, env) };
    if (!env.light) {
      const inf = influenceSummary(psi, frame.cluster, ctx.influenceWarnShare ?? 0.2, ate);
      diagnostics.influence = inf.summary;
      if (inf.warning) warnings.push(inf.warning);
      const caution = (diagnostics.readiness as { status: string; check: string }[]).filter((c) => c.status === 'caution');
      for (const c of caution) warnings.push(`readiness caution: ${c.check}`);
    }
    return { estimates: { [wo.estimand]: ate }, se: { [wo.estimand]: se ? se[0] : null }, controlMean, diagnostics, warnings };
  },
  fast(frame, opts, ctx, env) {
    const wo = weightOptions(opts, ctx);
    const wt = ipwWeights(frame, wo, ctx, env);
    const ui = env.users();
    const A = frame.A, Y = frame.Y, w = wt.w;
    if (bool(opts, 'normalize', true)) {
      const sums = userSums(ui, [
        mapRows(A.length, (i) => A[i] * w[i]), mapRows(A.length, (i) => A[i] * w[i] * Y[i]),
        mapRows(A.length, (i) => (1 - A[i]) * w[i]), mapRows(A.length, (i) => (1 - A[i]) * w[i] * Y[i]),
      ]);
      return (_rep, mult) => {
        const s = weightedSums(sums, 4, mult);
        return { [wo.estimand]: s[1] / s[0] - s[3] / s[2] };
      };
    }
    const rate = mean(A);
    const stab = wo.stabilize && wo.estimand === 'ate';
    const sums = userSums(ui, [
      mapRows(A.length, (i) => (A[i] === 1 ? (w[i] / (stab ? rate : 1)) * Y[i] : (-w[i] / (stab ? 1 - rate : 1)) * Y[i])),
      wo.estimand === 'ate' ? constant(frame.n, 1) : mapRows(A.length, (i) => (wo.estimand === 'att' ? A[i] : 1 - A[i])),
    ]);
    return (_rep, mult) => {
      const s = weightedSums(sums, 2, mult);
      return { [wo.estimand]: s[0] / s[1] };
    };
  },
};

/** Rows of the estimand's population: the Horvitz–Thompson denominator. */
function htDenominator(A: Float64Array, estimand: 'ate' | 'att' | 'atc'): number {
  if (estimand === 'ate') return A.length;
  let treated = 0;
  for (let i = 0; i < A.length; i++) treated += A[i];
  return estimand === 'att' ? treated : A.length - treated;
}
