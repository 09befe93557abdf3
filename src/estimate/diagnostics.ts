/**
 * Diagnostics as the seeds compute them: overlap (002), SMD before/after weighting (002, ddof 0),
 * weight summaries and ESS (002/003), readiness checks with pass/caution (001/003), residualized
 * mediator–outcome correlation (002), naive associations (001), and per-user influence.
 */
import { fitLinear, predictLinear } from './linear.js';
import { finiteOrNull, mapRows, pearson, quantileSorted, sortedFinite, spearman } from './linalg.js';
import { EstimatorFailure } from './kinds/kind.js';
import type { AnalysisFrame } from './types.js';

type Num = number | null;

export interface OverlapSummary {
  treatment_rate: Num;
  propensity_min: Num;
  propensity_p01: Num;
  propensity_p05: Num;
  propensity_median: Num;
  propensity_p95: Num;
  propensity_p99: Num;
  propensity_max: Num;
  share_propensity_below_0_05: Num;
  share_propensity_above_0_95: Num;
}

export function overlapSummary(propensity: Float64Array, A: Float64Array): OverlapSummary {
  const s = sortedFinite(propensity);
  const n = s.length;
  let below = 0;
  let above = 0;
  for (let i = 0; i < n; i++) {
    if (s[i] < 0.05) below++;
    if (s[i] > 0.95) above++;
  }
  let t = 0;
  for (let i = 0; i < A.length; i++) t += A[i];
  return {
    treatment_rate: finiteOrNull(t / A.length),
    propensity_min: finiteOrNull(s[0]),
    propensity_p01: finiteOrNull(quantileSorted(s, 0.01)),
    propensity_p05: finiteOrNull(quantileSorted(s, 0.05)),
    propensity_median: finiteOrNull(quantileSorted(s, 0.5)),
    propensity_p95: finiteOrNull(quantileSorted(s, 0.95)),
    propensity_p99: finiteOrNull(quantileSorted(s, 0.99)),
    propensity_max: finiteOrNull(s[n - 1]),
    share_propensity_below_0_05: finiteOrNull(below / n),
    share_propensity_above_0_95: finiteOrNull(above / n),
  };
}

/**
 * Propensities piling up at the clip bounds (docs/limits.md, "Overlap"): the share of rows whose raw
 * propensity is at or beyond the estimator's clip bounds, or within NEAR_DETERMINISTIC of 0 or 1 when
 * the clip is looser or absent. Past CLIP_PILEUP_WARN of rows the estimator warns; past
 * CLIP_PILEUP_FAIL it fails: the weights then come from the clip, not from the data.
 */
export const CLIP_PILEUP_WARN = 0.1;
export const CLIP_PILEUP_FAIL = 0.5;
export const NEAR_DETERMINISTIC = 0.025;

export interface ClipPileup {
  /** share of rows at or beyond the bounds */
  share: number;
  rows: number;
  /** the bounds counted against: the clip, tightened to [NEAR_DETERMINISTIC, 1 − NEAR_DETERMINISTIC] */
  low: number;
  high: number;
}

/** A design failure carrying the pile-up, so the failed estimator's diagnostics still show it (src/estimate/runner.ts). */
export class ClipPileupFailure extends EstimatorFailure {
  constructor(message: string, readonly pileup: ClipPileup) { super(message); }
}

export function clipPileup(e: Float64Array, clip: readonly [number, number] | null): ClipPileup {
  const low = Math.max(clip ? clip[0] : 0, NEAR_DETERMINISTIC);
  const high = Math.min(clip ? clip[1] : 1, 1 - NEAR_DETERMINISTIC);
  let rows = 0, n = 0;
  for (let i = 0; i < e.length; i++) {
    const v = e[i];
    if (Number.isNaN(v)) continue;
    n++;
    if (v <= low || v >= high) rows++;
  }
  return { share: n ? rows / n : 0, rows, low, high };
}

/**
 * The pile-up check of one estimator's propensity (`what` names it: "propensity", "P(A=1|M,X)"):
 * throws a ClipPileupFailure past CLIP_PILEUP_FAIL (unless `fail` is false: a propensity given the
 * mediator may approach 0 or 1 by design), returns the warning past CLIP_PILEUP_WARN, else null.
 */
export function clipPileupWarning(p: ClipPileup, what = 'propensity', fail = true): string | null {
  const pct = (p.share * 100).toFixed(1);
  const bounds = `[${finiteOrNull(p.low)}, ${finiteOrNull(p.high)}]`;
  if (fail && p.share > CLIP_PILEUP_FAIL) {
    throw new ClipPileupFailure(`${pct}% of rows have a ${what} at or beyond ${bounds} (over ${CLIP_PILEUP_FAIL * 100}%): the treatment is (nearly) determined by the covariates, so the weights would come from the clip, not the data`, p);
  }
  if (p.share > CLIP_PILEUP_WARN) {
    return `${pct}% of rows have a ${what} at or beyond ${bounds} (over ${CLIP_PILEUP_WARN * 100}%): positivity is doubtful and the estimate leans on the clip`;
  }
  return null;
}

/** Kish effective sample size (Σw)² / Σw². */
function effectiveSampleSize(w: Float64Array): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < w.length; i++) {
    s += w[i];
    s2 += w[i] * w[i];
  }
  return (s * s) / s2;
}

interface WeightSummary {
  mean: Num; std: Num; min: Num; p50: Num; p90: Num; p95: Num; p99: Num; max: Num;
  effective_sample_size: Num; ess_share_of_rows: Num;
}

export function weightSummary(w: Float64Array): WeightSummary {
  const s = sortedFinite(w);
  const n = s.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += s[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (s[i] - m) * (s[i] - m);
  const ess = effectiveSampleSize(w);
  return {
    mean: finiteOrNull(m),
    std: finiteOrNull(Math.sqrt(v / (n - 1))),
    min: finiteOrNull(s[0]),
    p50: finiteOrNull(quantileSorted(s, 0.5)),
    p90: finiteOrNull(quantileSorted(s, 0.9)),
    p95: finiteOrNull(quantileSorted(s, 0.95)),
    p99: finiteOrNull(quantileSorted(s, 0.99)),
    max: finiteOrNull(s[n - 1]),
    effective_sample_size: finiteOrNull(ess),
    ess_share_of_rows: finiteOrNull(ess / w.length),
  };
}

export interface BalanceRow {
  covariate: string;
  treated_mean: Num; control_mean: Num; unweighted_smd: Num;
  weighted_treated_mean: Num; weighted_control_mean: Num; weighted_smd: Num;
}
interface BalanceTable {
  rows: BalanceRow[];
  summary: {
    max_abs_unweighted_smd: Num; max_abs_weighted_smd: Num;
    mean_abs_unweighted_smd: Num; mean_abs_weighted_smd: Num;
    covariates_abs_weighted_smd_above_0_10: number; covariates_abs_weighted_smd_above_0_25: number;
  };
}

/** Seed 002's standardized_mean_difference: population (ddof 0) variances, pooled √((v_t+v_c)/2), 0 when pooled ≈ 0. */
export function smd(x: Float64Array, A: Float64Array, w: Float64Array | null): { mt: number; mc: number; smd: number } {
  let st = 0, sc = 0, wt = 0, wc = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w ? w[i] : 1;
    if (A[i] === 1) { st += wi * x[i]; wt += wi; } else { sc += wi * x[i]; wc += wi; }
  }
  const mt = st / wt;
  const mc = sc / wc;
  let vt = 0, vc = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w ? w[i] : 1;
    if (A[i] === 1) vt += wi * (x[i] - mt) ** 2; else vc += wi * (x[i] - mc) ** 2;
  }
  vt /= wt;
  vc /= wc;
  const pooled = Math.sqrt((vt + vc) / 2);
  // np.isclose(pooled, 0): |pooled| <= 1e-8
  return { mt, mc, smd: Math.abs(pooled) <= 1e-8 ? 0 : (mt - mc) / pooled };
}

export function balanceTable(frame: AnalysisFrame, w: Float64Array | null): BalanceTable {
  const rows: BalanceRow[] = [];
  const X = frame.X;
  for (let j = 0; j < X.cols; j++) {
    const x = X.data.subarray(j * X.rows, (j + 1) * X.rows);
    let distinct = false;
    for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) { distinct = true; break; }
    if (!distinct) continue;
    const u = smd(x, frame.A, null);
    const wt = w ? smd(x, frame.A, w) : u;
    rows.push({
      covariate: X.names[j],
      treated_mean: finiteOrNull(u.mt), control_mean: finiteOrNull(u.mc), unweighted_smd: finiteOrNull(u.smd),
      weighted_treated_mean: finiteOrNull(wt.mt), weighted_control_mean: finiteOrNull(wt.mc), weighted_smd: finiteOrNull(wt.smd),
    });
  }
  rows.sort((a, b) => Math.abs(b.unweighted_smd ?? 0) - Math.abs(a.unweighted_smd ?? 0));
  const absU = rows.map((r) => Math.abs(r.unweighted_smd ?? NaN)).filter((v) => !Number.isNaN(v));
  const absW = rows.map((r) => Math.abs(r.weighted_smd ?? NaN)).filter((v) => !Number.isNaN(v));
  const max = (a: number[]) => (a.length ? Math.max(...a) : null);
  const avg = (a: number[]) => (a.length ? a.reduce((s, v) => s + v, 0) / a.length : null);
  return {
    rows,
    summary: {
      max_abs_unweighted_smd: max(absU), max_abs_weighted_smd: max(absW),
      mean_abs_unweighted_smd: avg(absU), mean_abs_weighted_smd: avg(absW),
      covariates_abs_weighted_smd_above_0_10: absW.filter((v) => v > 0.1).length,
      covariates_abs_weighted_smd_above_0_25: absW.filter((v) => v > 0.25).length,
    },
  };
}

export interface ReadinessCheck { check: string; value: Num; passes: boolean; status: 'pass' | 'caution' }

function check(name: string, value: number, passes: boolean): ReadinessCheck {
  const ok = passes && Number.isFinite(value);
  return { check: name, value: finiteOrNull(value), passes: ok, status: ok ? 'pass' : 'caution' };
}

/** Seed 003's weight readiness checks. `cap` is the weight cap in force (null when none). */
export function weightReadiness(propensity: Float64Array, w: Float64Array, cap: number | null, balance: BalanceTable): ReadinessCheck[] {
  let extreme = 0;
  for (let i = 0; i < propensity.length; i++) if (propensity[i] < 0.05 || propensity[i] > 0.95) extreme++;
  const share = extreme / propensity.length;
  let wmax = -Infinity;
  for (let i = 0; i < w.length; i++) wmax = Math.max(wmax, w[i]);
  const essShare = effectiveSampleSize(w) / w.length;
  const s = balance.summary;
  return [
    check('no propensity below 0.05 or above 0.95 for most rows (share outside < 5%)', share, share < 0.05),
    check('analysis weight max below clipping cap', wmax, cap === null ? true : wmax <= cap * (1 + 1e-12)),
    check('effective sample size at least 70% of rows', essShare, essShare >= 0.7),
    check('mean absolute SMD improves after weighting', s.mean_abs_unweighted_smd ?? NaN,
      s.mean_abs_weighted_smd !== null && s.mean_abs_unweighted_smd !== null && s.mean_abs_weighted_smd < s.mean_abs_unweighted_smd),
    check('maximum absolute SMD improves after weighting', s.max_abs_unweighted_smd ?? NaN,
      s.max_abs_weighted_smd !== null && s.max_abs_unweighted_smd !== null && s.max_abs_weighted_smd < s.max_abs_unweighted_smd),
  ];
}

/** Design readiness as docs/seeds.md §000/§001: users, days per user, treatment variation, mediator/outcome variation. */
export function designReadiness(frame: AnalysisFrame): ReadinessCheck[] {
  const perUser = new Map<number, number>();
  for (let i = 0; i < frame.n; i++) perUser.set(frame.cluster[i], (perUser.get(frame.cluster[i]) ?? 0) + 1);
  const counts = Float64Array.from(perUser.values()).sort();
  let t = 0;
  for (let i = 0; i < frame.n; i++) t += frame.A[i];
  const rate = t / frame.n;
  const sd = (v: Float64Array) => {
    let m = 0;
    for (let i = 0; i < v.length; i++) m += v[i];
    m /= v.length;
    let s = 0;
    for (let i = 0; i < v.length; i++) s += (v[i] - m) ** 2;
    return Math.sqrt(s / (v.length - 1));
  };
  const out = [
    check('at least 50 users in the frame', perUser.size, perUser.size >= 50),
    check('median user has at least 7 rows (user-days)', quantileSorted(counts, 0.5), quantileSorted(counts, 0.5) >= 7),
    check('treatment has non-trivial variation (0.01 < rate < 0.99)', rate, rate > 0.01 && rate < 0.99),
    check('outcome varies across rows (sd > 0)', sd(frame.Y), sd(frame.Y) > 0),
  ];
  if (frame.M) out.push(check('mediator varies across rows (sd > 0)', sd(frame.M), sd(frame.M) > 0));
  // docs/seeds.md §001: calendar coverage and outcome availability (future windows run past the data)
  const dayColumn = frame.extra.numeric.calendar_day_index ?? columnByName(frame, 'calendar_day_index');
  if (dayColumn) {
    const days = new Set(dayColumn).size;
    out.push(check('at least 30 calendar dates', days, days >= 30));
  }
  const d = frame.definitions;
  if (d.populationRows > 0) {
    const available = 1 - d.excluded.missingOutcome / d.populationRows;
    out.push(check('outcome available for most population rows (>= 70%)', available, available >= 0.7));
  }
  return out;
}

interface ResidualCorrelation { relationship: string; pearson_corr: Num; spearman_corr: Num }

/** Seed 002 §14: residualize M and Y on X by OLS, then correlate (raw and residual). */
export function residualMediatorOutcome(frame: AnalysisFrame, fitted?: { m: Float64Array; y: Float64Array }): ResidualCorrelation[] | null {
  if (!frame.M) return null;
  let pm: Float64Array, py: Float64Array;
  if (fitted) ({ m: pm, y: py } = fitted);
  else {
    const cols: Float64Array[] = [];
    for (let j = 0; j < frame.X.cols; j++) cols.push(frame.X.data.subarray(j * frame.n, (j + 1) * frame.n));
    pm = predictLinear(fitLinear(cols, frame.X.names, frame.M), cols);
    py = predictLinear(fitLinear(cols, frame.X.names, frame.Y), cols);
  }
  const M = frame.M;
  const rm = mapRows(M.length, (i) => M[i] - pm[i]);
  const ry = mapRows(frame.Y.length, (i) => frame.Y[i] - py[i]);
  return [
    { relationship: 'raw M with Y', pearson_corr: finiteOrNull(pearson(frame.M, frame.Y)), spearman_corr: finiteOrNull(spearman(frame.M, frame.Y)) },
    { relationship: 'M residual with Y residual after X', pearson_corr: finiteOrNull(pearson(rm, ry)), spearman_corr: finiteOrNull(spearman(rm, ry)) },
  ];
}

interface NaiveAssociation {
  outcome: string; control_mean: Num; treated_mean: Num; difference: Num; relative_lift: Num; control_days: number; treated_days: number;
}

/** Seed 001's summarize_naive_association for the primary and every secondary outcome (NaN rows dropped). */
export function naiveAssociations(frame: AnalysisFrame): NaiveAssociation[] {
  const outcomes: [string, Float64Array][] = [[frame.definitions.outcome, frame.Y], ...Object.entries(frame.secondary)];
  return outcomes.map(([name, y]) => {
    let s1 = 0, n1 = 0, s0 = 0, n0 = 0;
    for (let i = 0; i < frame.n; i++) {
      if (Number.isNaN(y[i])) continue;
      if (frame.A[i] === 1) { s1 += y[i]; n1++; } else { s0 += y[i]; n0++; }
    }
    const m1 = s1 / n1;
    const m0 = s0 / n0;
    return {
      outcome: name,
      control_mean: finiteOrNull(m0), treated_mean: finiteOrNull(m1), difference: finiteOrNull(m1 - m0),
      relative_lift: m0 !== 0 ? finiteOrNull(m1 / m0 - 1) : null, control_days: n0, treated_days: n1,
    };
  });
}

interface InfluenceSummary {
  users: number;
  top: { user: number; share: number; shift_if_removed: Num }[];
  max_share: Num;
  warn_share: number;
}

/**
 * Per-user influence of an estimate: rows' influence-function values ψᵢ (centred, scaled so the
 * estimate moves by about Σ_{i∈u} ψᵢ when user u is removed) summed per user; a user's share is
 * |c_u| / Σ|c_u|.
 */
export function influenceSummary(psi: Float64Array, cluster: Int32Array, warnShare: number, estimate: number): { summary: InfluenceSummary; warning?: string } {
  const per = new Map<number, number>();
  for (let i = 0; i < psi.length; i++) per.set(cluster[i], (per.get(cluster[i]) ?? 0) + psi[i]);
  let total = 0;
  for (const v of per.values()) total += Math.abs(v);
  const entries = [...per.entries()].map(([user, c]) => ({ user, share: total > 0 ? Math.abs(c) / total : 0, c }));
  entries.sort((a, b) => b.share - a.share || a.user - b.user);
  const top = entries.slice(0, 5).map((e) => ({ user: e.user, share: e.share, shift_if_removed: finiteOrNull(-e.c) }));
  const max = entries.length ? entries[0].share : null;
  const summary: InfluenceSummary = { users: per.size, top, max_share: finiteOrNull(max ?? NaN), warn_share: warnShare };
  if (max !== null && max > warnShare)
    return {
      summary,
      warning: `user ${entries[0].user} carries ${(100 * max).toFixed(1)}% of the estimate's influence (over ${(100 * warnShare).toFixed(0)}%); removing that user would move the estimate ${finiteOrNull(estimate) === null ? '' : `from ${estimate.toPrecision(4)} `}by about ${(-entries[0].c).toPrecision(3)}`,
    };
  return { summary };
}

function columnByName(frame: AnalysisFrame, name: string): Float64Array | null {
  const j = frame.X.names.indexOf(name);
  return j < 0 ? null : frame.X.data.subarray(j * frame.X.rows, (j + 1) * frame.X.rows);
}
