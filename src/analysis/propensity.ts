/**
 * Overlap and balance for the cell: the summary, balance and weights of the first estimator that reports
 * overlap, plus a propensity histogram by arm from a logistic propensity fitted here for the overlap figure
 * (and as the whole diagnostic when no estimator weights).
 */
import { balanceTable, overlapSummary } from '../estimate/diagnostics.js';
import { makeLearner, resolveModel } from '../estimate/learners.js';
import type { AnalysisFrame, EstimatorContext, EstimatorResult, ModelSpec } from '../estimate/types.js';
import { Rng } from '../rng.js';

export function cellPropensityDiagnostics(frame: AnalysisFrame, ctx: EstimatorContext, models: Record<string, ModelSpec>, results: EstimatorResult[]): Record<string, unknown> {
  let treated = 0;
  for (let i = 0; i < frame.n; i++) treated += frame.A[i];
  if (treated === 0 || treated === frame.n) return {};
  const learner = makeLearner(resolveModel('logistic', models, 'logistic'), new Rng(ctx.seed, ctx.cellId, 'cell-propensity'));
  const p = learner.fit(frame.X, frame.A).predict(frame.X);
  const histogram = propensityHistogram(p, frame.A, 20);
  const withOverlap = results.find((r) => r.status === 'ok' && r.diagnostics.overlap);
  if (withOverlap) {
    const out: Record<string, unknown> = { overlap: { ...(withOverlap.diagnostics.overlap as object), histogram }, overlapFrom: withOverlap.id };
    if (withOverlap.diagnostics.balance) out.balance = withOverlap.diagnostics.balance;
    if (withOverlap.diagnostics.weights) out.weights = withOverlap.diagnostics.weights;
    return out;
  }
  return { overlap: { ...overlapSummary(p, frame.A), histogram }, balance: balanceTable(frame, null), overlapFrom: 'logistic propensity (diagnostic)' };
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
