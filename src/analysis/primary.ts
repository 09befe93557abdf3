/**
 * The estimator a report calls primary: the one the spec names (report.primary) when it has a total
 * effect, else the first by the kinds' headline rank (mediation first, the other adjusted estimators,
 * the unadjusted last). One rule for the summary (run/run-spec.ts) and the cell's own tables.
 */
import { findKind } from '../estimate/kinds/index.js';
import { firstEstimate, TOTAL_KEYS } from '../results/index.js';
import type { EstimatorResult } from '../estimate/types.js';

export function headlineEstimator<E extends Pick<EstimatorResult, 'id' | 'kind' | 'status' | 'estimates'>>(
  estimators: readonly E[],
  preferred?: string,
): { estimator: E; estimand: string } | null {
  const ok = estimators.filter((e) => e.status === 'ok');
  const rank = (kind: string) => findKind(kind)?.headlineRank ?? 1;
  const ranked = [...ok.filter((e) => e.id === preferred), ...[...ok].sort((a, b) => rank(a.kind) - rank(b.kind))];
  for (const e of ranked) {
    const found = firstEstimate(e as unknown as EstimatorResult, TOTAL_KEYS);
    if (found) return { estimator: e, estimand: found.key };
  }
  return null;
}
