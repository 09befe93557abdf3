/**
 * Overlap and balance for the cell: the summary, balance and weights of the first estimator that reports
 * overlap, plus a propensity histogram by arm from a logistic propensity (the estimators' fit when they
 * made one, else fitted here) for the overlap figure (and as the whole diagnostic when no estimator weights).
 */
import { balanceTable, CLIP_PILEUP_WARN, overlapSummary } from '../estimate/diagnostics.js';
import { envFor } from '../estimate/env.js';
import { makeLearner, resolveModel } from '../estimate/learners.js';
import { fitPropensity } from '../estimate/weights.js';
import type { AnalysisFrame, EstimatorContext, EstimatorResult, ModelSpec } from '../estimate/types.js';
import { Rng } from '../rng.js';

export function cellPropensityDiagnostics(frame: AnalysisFrame, ctx: EstimatorContext, models: Record<string, ModelSpec>, results: EstimatorResult[]): Record<string, unknown> {
  let treated = 0;
  for (let i = 0; i < frame.n; i++) treated += frame.A[i];
  if (treated === 0 || treated === frame.n) return {};
  const model = resolveModel('logistic', models, 'logistic');
  // A logistic fit draws no random numbers, so the estimators' fit of the same model on this frame (cached
  // in its Env, src/estimate/weights.ts) is this one: reused rather than fitted again. A model named
  // `logistic` of another kind keeps its own draws.
  const p = model.kind === 'logistic'
    ? fitPropensity(frame, model, ctx, envFor(frame)).e
    : makeLearner(model, new Rng(ctx.seed, ctx.cellId, 'cell-propensity')).fit(frame.X, frame.A).predict(frame.X);
  const histogram = propensityHistogram(p, frame.A, 20);
  const support = commonSupport(p, frame.A);
  const pileup = clipPileups(results);
  const withOverlap = results.find((r) => r.status === 'ok' && r.diagnostics.overlap);
  if (withOverlap) {
    const out: Record<string, unknown> = { overlap: { ...(withOverlap.diagnostics.overlap as object), histogram, support, ...pileup }, overlapFrom: withOverlap.id };
    if (withOverlap.diagnostics.balance) out.balance = withOverlap.diagnostics.balance;
    if (withOverlap.diagnostics.weights) out.weights = withOverlap.diagnostics.weights;
    const others = balancingWeightings(results.filter((r) => r !== withOverlap));
    if (others.length) out.balance_weightings = others;
    return out;
  }
  return { overlap: { ...overlapSummary(p, frame.A), histogram, support, ...pileup }, balance: balanceTable(frame, null), overlapFrom: 'logistic propensity (diagnostic)' };
}

/** One estimator's propensities at its clip bounds, as the overlap table and the positivity row show them. */
export interface EstimatorPileup { estimator: string; share: number; low: number; high: number; status: 'ok' | 'failed' }

/**
 * The estimators' propensities piled up at their clip bounds (diagnostics.clip_pileup, src/estimate/
 * diagnostics.ts), worst first, and whether the worst passes the warning share: the overlap table and the
 * positivity row of the assumption table both read this one record, so they cannot disagree.
 */
export function clipPileups(results: EstimatorResult[]): { clip_pileup?: { worst: EstimatorPileup; fires: boolean; estimators: EstimatorPileup[] } } {
  const rows: EstimatorPileup[] = [];
  for (const r of results) {
    const p = r.diagnostics.clip_pileup as { share?: unknown; low?: unknown; high?: unknown } | undefined;
    if (!p || typeof p.share !== 'number' || typeof p.low !== 'number' || typeof p.high !== 'number') continue;
    rows.push({ estimator: r.id, share: p.share, low: p.low, high: p.high, status: r.status });
  }
  if (!rows.length) return {};
  rows.sort((a, b) => b.share - a.share || a.estimator.localeCompare(b.estimator));
  return { clip_pileup: { worst: rows[0]!, fires: rows[0]!.share > CLIP_PILEUP_WARN, estimators: rows } };
}

/**
 * The weighted SMDs of the other estimators whose weights come from entropy balancing or CBPS
 * (diagnostics.weighting, src/estimate/weights.ts), for the love plot beside the first weighting's.
 */
function balancingWeightings(results: EstimatorResult[]): Array<{ estimator: string; weighting: string; estimand: string; smd: Record<string, number | null> }> {
  const out: Array<{ estimator: string; weighting: string; estimand: string; smd: Record<string, number | null> }> = [];
  for (const r of results) {
    const method = r.diagnostics.weighting as { weighting?: unknown; estimand?: unknown } | undefined;
    const balance = r.diagnostics.balance as { rows?: Array<{ covariate: string; weighted_smd: number | null }> } | undefined;
    if (r.status !== 'ok' || typeof method?.weighting !== 'string' || !Array.isArray(balance?.rows)) continue;
    out.push({
      estimator: r.id, weighting: method.weighting, estimand: typeof method.estimand === 'string' ? method.estimand : 'ate',
      smd: Object.fromEntries(balance.rows.map((row) => [row.covariate, row.weighted_smd])),
    });
  }
  return out;
}

/** Share of rows outside the arms' common propensity range past which the cell warns of (near) separation. */
export const SEPARATION_SHARE = 0.5;

/**
 * Common support of the diagnostic propensity: the range both arms reach. Rows outside it have no
 * comparable rows in the other arm; when most rows are outside (the treatment is nearly determined by the
 * covariates, e.g. its own measure among them) weighting and outcome models only extrapolate.
 */
export function commonSupport(p: Float64Array, A: Float64Array): { low: number; high: number; outside: number; separated: boolean } {
  let minT = Infinity, maxT = -Infinity, minC = Infinity, maxC = -Infinity;
  for (let i = 0; i < p.length; i++) {
    if (!Number.isFinite(p[i])) continue;
    if (A[i] === 1) { minT = Math.min(minT, p[i]); maxT = Math.max(maxT, p[i]); }
    else { minC = Math.min(minC, p[i]); maxC = Math.max(maxC, p[i]); }
  }
  const low = Math.max(minT, minC);
  const high = Math.min(maxT, maxC);
  let out = 0, n = 0;
  for (let i = 0; i < p.length; i++) {
    if (!Number.isFinite(p[i])) continue;
    n++;
    if (p[i] < low || p[i] > high) out++;
  }
  const outside = n ? out / n : 0;
  return { low, high, outside, separated: !(high > low) || outside > SEPARATION_SHARE };
}

function propensityHistogram(p: Float64Array, A: Float64Array, bins: number): { edges: number[]; treated: number[]; control: number[] } {
  const edges = Array.from({ length: bins + 1 }, (_, k) => k / bins);
  const treated = new Array<number>(bins).fill(0);
  const control = new Array<number>(bins).fill(0);
  for (let i = 0; i < p.length; i++) {
    if (!Number.isFinite(p[i])) continue;
    const k = Math.min(bins - 1, Math.max(0, Math.floor(p[i] * bins)));
    if (A[i] === 1) treated[k]++;
    else control[k]++;
  }
  return { edges, treated, control };
}
