/**
 * Omitted-variable-bias bounds for the cross-fitted AIPW (Chernozhukov, Cinelli, Newey, Sharma & Syrgkanis
 * 2022, "Long story short: omitted variable bias in causal machine learning", NBER w30302), in the form
 * DoubleML's sensitivity analysis reports for the ATE:
 *   |θ_short − θ_long| ≤ |ρ| · sqrt(Cf_Y · Cf_D / (1 − Cf_D)) · sqrt(σ² ν²),
 * σ² = E[(Y − g(A, X))²] the outcome model's residual variance and ν² = E[2 m(α) − α²] the Riesz
 * representer's second moment (α = A/π − (1 − A)/(1 − π), m(α) = 1/π + 1/(1 − π)). Cf_Y is the share of the
 * outcome's residual variation a latent confounder explains, Cf_D the share of the Riesz representer's
 * variation it explains (1 − E[α_s²]/E[α²]); ρ the correlation of the two confounding directions (1 is
 * the adversarial worst case). The bounds' confidence limits use the influence functions of θ, σ² and ν²
 * clustered by user. Robustness values: the Cf_Y = Cf_D at which the bound (or its confidence limit)
 * reaches zero. All from the estimator's cross-fitted nuisance predictions (src/estimate/ml/ate.ts AipwRows).
 *
 * Effect on the treated (estimand att), as DoubleML's ATTE sensitivity: with p̄ the treated share, the
 * Riesz representer α = (π/p̄)·(A/π − (1 − A)/(1 − π)), m(α) = (A/p̄)·(π/p̄)·(1/π + 1/(1 − π)), and σ² from the
 * controls' residuals only (the treated rows' Y(1) is observed: g(1, X) = Y there); θ's influence function is
 * the ATT score's (s − A·θ)/p̄ (src/estimate/kinds/aipw_scores.ts). On the controls (atc) the mirror image:
 * weights (1 − π)/(1 − p̄) and (1 − A)/(1 − p̄), σ² from the treated rows' residuals.
 */
import { clusterIndex } from '../estimate/linear.js';
import { normalQuantile } from '../estimate/ml/common.js';
import type { OvbDmlScenario, OvbDmlResult } from '../results/index.js';
import { mapRows } from '../estimate/linalg.js';
export type { OvbDmlScenario, OvbDmlResult };

export interface DmlRows {
  Y: Float64Array;
  A: Float64Array;
  mu0: Float64Array;
  mu1: Float64Array;
  propensity: Float64Array;
  psi: Float64Array;
}

/** Standard error of a mean of per-row scores, the scores summed by user first (as the AIPW's IF SE). */
function clusteredSe(scores: Float64Array, clusters: { index: Int32Array; groups: number }): number {
  return clusteredSeOf((i) => scores[i], scores.length, clusters);
}

/** clusteredSe of the scores score(0) … score(n − 1), formed on the fly (each twice) instead of stored. */
function clusteredSeOf(score: (i: number) => number, n: number, clusters: { index: Int32Array; groups: number }): number {
  const { index, groups } = clusters;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += score(i);
  mean /= n;
  const sums = new Float64Array(groups);
  for (let i = 0; i < n; i++) sums[index[i]] += score(i) - mean;
  let ss = 0;
  for (let g = 0; g < groups; g++) ss += sums[g] * sums[g];
  return Math.sqrt((ss * groups) / (groups - 1)) / n;
}

export function ovbDml(rows: DmlRows, cluster: Int32Array, opts: {
  estimator: string; level: number; scenarios: { cfY: number; cfD: number; rho: number }[];
  /** the AIPW's estimand (default ate); for att/atc rows.psi holds the score whose sum over the target's row count is θ */
  estimand?: 'ate' | 'att' | 'atc';
}): OvbDmlResult {
  const n = rows.Y.length;
  const estimand = opts.estimand ?? 'ate';
  // indexed once: the robustness value of the interval takes ~80 clustered SEs
  const clusters = clusterIndex(cluster);
  const eSq = new Float64Array(n), nuScore = new Float64Array(n);
  // the target indicator d and its share (every row for the ATE)
  const d = mapRows(rows.A.length, (i) => (estimand === 'ate' ? 1 : estimand === 'att' ? rows.A[i] : 1 - rows.A[i]));
  let count = 0;
  for (let i = 0; i < n; i++) count += d[i];
  const share = count / n; // exactly 1 for the ATE
  let theta = 0;
  for (let i = 0; i < n; i++) theta += rows.psi[i];
  theta /= n * share;
  // θ's per-row influence plus θ (mean θ): for the ATE the score itself
  const thetaScore = estimand === 'ate' ? rows.psi : mapRows(rows.psi.length, (i) => (rows.psi[i] - d[i] * theta) / share + theta);
  let sigma2 = 0, nu2 = 0;
  for (let i = 0; i < n; i++) {
    const p = rows.propensity[i]; // already clipped as the estimator's weights were (src/estimate/ml/ate.ts)
    const a = rows.A[i];
    // the target arm's own outcome is observed: its residual is zero (DoubleML's g_hat1 = y for the ATTE)
    const g = estimand === 'att' && a ? rows.Y[i] : estimand === 'atc' && !a ? rows.Y[i] : a ? rows.mu1[i] : rows.mu0[i];
    const wBar = estimand === 'ate' ? 1 : (estimand === 'att' ? p : 1 - p) / share;
    const alpha = wBar * (a / p - (1 - a) / (1 - p));
    eSq[i] = (rows.Y[i] - g) ** 2;
    const w = estimand === 'ate' ? 1 : d[i] / share;
    nuScore[i] = 2 * w * wBar * (1 / p + 1 / (1 - p)) - alpha * alpha;
    sigma2 += eSq[i];
    nu2 += nuScore[i];
  }
  sigma2 /= n;
  nu2 /= n;
  const se = clusteredSe(thetaScore, clusters);
  const z = normalQuantile(1 - (1 - opts.level) / 2);
  const sn = Math.sqrt(Math.max(0, sigma2 * nu2));

  const strengthOf = (cfY: number, cfD: number, rho: number) => Math.abs(rho) * Math.sqrt((cfY * cfD) / (1 - cfD));
  // influence function of the bias: strength · (σ² ψ_ν² + ν² ψ_σ²) / (2 sqrt(σ² ν²))
  const biasIf = (strength: number, i: number) => (sn > 0 ? (strength * (sigma2 * (nuScore[i] - nu2) + nu2 * (eSq[i] - sigma2))) / (2 * sn) : 0);
  /** the SE of the lower (side −1) or upper (+1) limit's scores θ_i ∓ bias_i */
  const limitSe = (strength: number, side: -1 | 1) =>
    clusteredSeOf(side < 0 ? (i) => thetaScore[i] - biasIf(strength, i) : (i) => thetaScore[i] + biasIf(strength, i), n, clusters);
  const bounds = (cfY: number, cfD: number, rho: number): OvbDmlScenario => {
    const strength = strengthOf(cfY, cfD, rho);
    const maxBias = strength * sn;
    const lower = theta - maxBias, upper = theta + maxBias;
    return { cfY, cfD, rho, maxBias, lower, upper, ciLower: lower - z * limitSe(strength, -1), ciUpper: upper + z * limitSe(strength, 1) };
  };
  const scenarios = opts.scenarios.map((s) => bounds(s.cfY, s.cfD, s.rho));

  // robustness values: bisection on c = Cf_Y = Cf_D ∈ (0, 1), where the bound nearest zero crosses it. Each
  // step forms only the limit it tests (the bound itself needs no pass over the rows; its interval limit
  // one SE), the same values bounds() gives.
  const reaches = (c: number, ci: boolean) => {
    const strength = strengthOf(c, c, 1);
    const maxBias = strength * sn;
    if (theta >= 0) {
      const lower = theta - maxBias;
      return (ci ? lower - z * limitSe(strength, -1) : lower) <= 0;
    }
    const upper = theta + maxBias;
    return (ci ? upper + z * limitSe(strength, 1) : upper) >= 0;
  };
  const rvOf = (ci: boolean) => {
    if (reaches(0, ci)) return 0;
    let lo = 0, hi = 1 - 1e-12;
    for (let it = 0; it < 80; it++) {
      const mid = (lo + hi) / 2;
      if (reaches(mid, ci)) hi = mid; else lo = mid;
    }
    return (lo + hi) / 2;
  };
  const rv = rvOf(false), rvAlpha = rvOf(true);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const summary = !(nu2 > 0)
    ? `The Riesz representer's second moment ν² is estimated at ${nu2.toPrecision(4)}, not positive (the cross-fitted propensities are too poorly calibrated for 2·m(α) − α² to average above zero), so every bound collapses to the estimate and no robustness value is defined; refit the propensity model (other settings or learner) before reading these bounds.`
    : `A latent confounder explaining ${pct(rv)} of the outcome's residual variation and of the Riesz representer's would explain the AIPW estimate away (${pct(rvAlpha)} for its ${Math.round(opts.level * 100)}% interval to reach zero).`;
  return { estimator: opts.estimator, estimand, estimate: theta, se, sigma2, nu2, level: opts.level, scenarios, rv, rvAlpha, summary };
}
