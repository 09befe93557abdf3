/**
 * Frame-level calibration of the estimation core: many simulated frames with known truth (linear
 * structural model with user effects and confounding), each estimated with its user-cluster bootstrap;
 * bias, RMSE and CI coverage per estimator and estimand. Used by test/estimate/calibrate.test.ts; the
 * pipeline-level calibration on simulated archives is bench/calibrate.ts (docs/calibration.md).
 */
import { runEstimator, type EstimatorResult, type EstimatorSpec } from '../../src/estimate/index.js';
import { simulateFrame, type SimulationOptions, type SimulationTruth } from './simulate-frame.js';

export interface CalibrationOptions {
  archives: number;
  users: number;
  daysPerUser: number;
  covariates: number;
  reps: number;
  level?: number;
  seed: number;
  estimators: EstimatorSpec[];
  simulation?: Partial<SimulationOptions>;
}

export interface CalibrationRow {
  estimator: string;
  estimand: string;
  truth: number;
  runs: number;
  mean_estimate: number;
  bias: number;
  rmse: number;
  coverage: number;
  mean_ci_width: number;
  se_coverage: number | null;
}

/** Which truth each estimate targets. */
const TARGET: Record<string, keyof SimulationTruth> = { ate: 'ate', te: 'te', nde: 'nde', nie: 'nie', total: 'te', indirect: 'nie', alpha: 'alpha', beta: 'beta' };

export function runCalibration(o: CalibrationOptions): CalibrationRow[] {
  const records: { estimator: string; estimand: string; truth: number; result: EstimatorResult }[] = [];
  for (let a = 0; a < o.archives; a++) {
    const { frame, truth } = simulateFrame({ users: o.users, daysPerUser: o.daysPerUser, covariates: o.covariates, seed: o.seed * 1000 + a, ...o.simulation });
    // the heavy-tailed column enters the truth through log1p: the spec's transform
    const heavy = frame.X.data.subarray(frame.n, 2 * frame.n);
    for (let i = 0; i < heavy.length; i++) heavy[i] = Math.log1p(heavy[i]);
    for (const spec of o.estimators) {
      const result = runEstimator(spec, frame, { seed: o.seed, cellId: `calibration-${a}`, models: {}, bootstrap: { reps: o.reps, level: o.level ?? 0.95 } }, 'point');
      for (const estimand of Object.keys(result.estimates))
        if (TARGET[estimand]) records.push({ estimator: spec.id, estimand, truth: truth[TARGET[estimand]], result });
    }
  }
  return calibrationTable(records.map((r) => ({ estimator: r.estimator, estimand: r.estimand, truth: r.truth, value: r.result.estimates[r.estimand] })), o.level ?? 0.95);
}

/** Bias, RMSE, percentile-CI coverage and normal-SE coverage from (truth, estimate value) pairs. */
export function calibrationTable(
  records: { estimator: string; estimand: string; truth: number; value: { estimate: number | null; ci?: [number, number] | null; se?: number | null } }[],
  level = 0.95,
): CalibrationRow[] {
  const groups = new Map<string, typeof records>();
  for (const r of records) {
    const k = `${r.estimator}\u0000${r.estimand}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  const z = normalQuantile(0.5 + level / 2);
  const rows: CalibrationRow[] = [];
  for (const rs of groups.values()) {
    const ok = rs.filter((r) => r.value.estimate !== null);
    if (!ok.length) continue;
    let bias = 0, sq = 0, cover = 0, width = 0, seCover = 0, seRuns = 0, truthMean = 0, estMean = 0;
    for (const r of ok) {
      const e = r.value.estimate as number;
      bias += e - r.truth;
      sq += (e - r.truth) ** 2;
      truthMean += r.truth;
      estMean += e;
      if (r.value.ci && r.value.ci[0] <= r.truth && r.truth <= r.value.ci[1]) cover++;
      if (r.value.ci) width += r.value.ci[1] - r.value.ci[0];
      if (typeof r.value.se === 'number') {
        seRuns++;
        if (Math.abs(e - r.truth) <= z * r.value.se) seCover++;
      }
    }
    const n = ok.length;
    rows.push({
      estimator: rs[0].estimator, estimand: rs[0].estimand, truth: truthMean / n, runs: n, mean_estimate: estMean / n,
      bias: bias / n, rmse: Math.sqrt(sq / n), coverage: cover / n, mean_ci_width: width / n, se_coverage: seRuns ? seCover / seRuns : null,
    });
  }
  return rows;
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
