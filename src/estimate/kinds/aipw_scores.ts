/**
 * Doubly robust scores of the effect on the treated (ATT) and on the controls (ATC), as Hahn (1998) and the
 * DML "ATTE" score of Chernozhukov et al. (2018, §5.1):
 *
 *   ATT:  θ = Σ [A·Y − (A·μ̂₀ + (1 − A)·ê/(1 − ê)·(Y − μ̂₀))] / Σ A,
 *   ATC:  θ = Σ [((1 − A)·μ̂₁ + A·(1 − ê)/ê·(Y − μ̂₁)) − (1 − A)·Y] / Σ (1 − A),
 *
 * each a ratio of score sums to the target arm's row count, so the influence of row i is
 * (scoreᵢ − dᵢ·θ)/Σ d (dᵢ the target-arm indicator), clustered by user for the SE. The per-arm parts are
 * E[Y(1) | target] and E[Y(0) | target] (the aipw_means kind reports them).
 */
import { finiteOrNull, mapRows } from '../linalg.js';

export interface ConditionalScores {
  /** per-row score of the effect (its sum over the target's row count is the estimate) */
  score: Float64Array;
  /** per-row scores of E[Y(1) | target] and E[Y(0) | target] */
  score1: Float64Array;
  score0: Float64Array;
  /** 1 on the target arm's rows */
  inTarget: Float64Array;
  estimate: number;
  /** per-row influence on the estimate, divided by n (user sums give the clustered SE) */
  centered: Float64Array;
  /** E[Y(0) | target], the base of relative effects */
  controlMean: number;
}

export function averageEffectScores(A: Float64Array, Y: Float64Array, mu0: Float64Array, mu1: Float64Array, e: Float64Array, estimand: 'att' | 'atc'): ConditionalScores {
  const n = A.length;
  const score1 = new Float64Array(n), score0 = new Float64Array(n), inTarget = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = A[i], y = Y[i];
    if (estimand === 'att') {
      inTarget[i] = a;
      score1[i] = a * y;
      score0[i] = a * mu0[i] + ((1 - a) * e[i] * (y - mu0[i])) / (1 - e[i]);
    } else {
      inTarget[i] = 1 - a;
      score1[i] = (1 - a) * mu1[i] + (a * (1 - e[i]) * (y - mu1[i])) / e[i];
      score0[i] = (1 - a) * y;
    }
  }
  const score = mapRows(score1.length, (i) => score1[i] - score0[i]);
  let total = 0, count = 0, s0 = 0;
  for (let i = 0; i < n; i++) { total += score[i]; count += inTarget[i]; s0 += score0[i]; }
  const estimate = total / count;
  const centered = mapRows(score.length, (i) => (score[i] - inTarget[i] * estimate) / count);
  return { score, score1, score0, inTarget, estimate, centered, controlMean: s0 / count };
}

/** A ratio Σ s / Σ d with its user-clustered SE (CR1-style G/(G − 1)), as clusteredMean for d = 1. */
export function clusteredRatio(s: Float64Array, d: Float64Array, cluster: Int32Array): { estimate: number; se: number | null } {
  let num = 0, den = 0;
  for (let i = 0; i < s.length; i++) { num += s[i]; den += d[i]; }
  const estimate = num / den;
  const perUser = new Map<number, number>();
  for (let i = 0; i < s.length; i++) perUser.set(cluster[i], (perUser.get(cluster[i]) ?? 0) + s[i] - d[i] * estimate);
  const G = perUser.size;
  if (G < 2) return { estimate, se: null };
  let ss = 0;
  for (const v of perUser.values()) ss += v * v;
  return { estimate, se: finiteOrNull(Math.sqrt((G / (G - 1)) * ss) / den) };
}
