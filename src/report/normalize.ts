/**
 * Reads diagnostics in either of the two shapes found in results: the report's typed keys
 * (results.ts: overlap, weights, balance, nuisance[], importance[], heterogeneity[]) or the snake_case
 * shapes the estimators emit (estimate/diagnostics.ts and estimate/ml/: overlap with propensity_*,
 * weights with effective_sample_size, balance {rows, summary}, nuisance {target: metrics},
 * *_performance, residual_mediator_outcome [], readiness [], importance/moderator_importance with
 * importance_share, heterogeneity with segment_value/total_effect). Anything unrecognised is ignored.
 */
import type { BalanceRow, ImportanceRow, NuisanceRow, OverlapSummary, ReadinessCheck, ResidualMediatorOutcome, SegmentEffect, WeightDistribution } from '../results/index.js';

/** The report's view of a diagnostics record: each known key in the report's own shape (results schema). */
export interface NormalizedDiagnostics {
  overlap?: OverlapSummary;
  balance?: BalanceRow[];
  ess?: number;
  essShare?: number;
  weights?: WeightDistribution;
  nuisance?: NuisanceRow[];
  importance?: ImportanceRow[];
  heterogeneity?: SegmentEffect[];
  residualMediatorOutcome?: ResidualMediatorOutcome;
  readiness?: ReadinessCheck[];
  /** weighted SMDs of further balancing weightings (entropy balancing, CBPS; src/analysis/propensity.ts) */
  balanceWeightings?: BalanceWeighting[];
  [key: string]: unknown;
}

export interface BalanceWeighting { label: string; smd: Record<string, number | null> }

function balanceWeightingsFrom(x: unknown): BalanceWeighting[] | null {
  if (!Array.isArray(x)) return null;
  const out: BalanceWeighting[] = [];
  for (const w of x) {
    if (!isRec(w) || typeof w.estimator !== 'string' || !isRec(w.smd)) continue;
    const method = w.weighting === 'entropy_balance' ? 'entropy balancing' : w.weighting === 'cbps' ? 'CBPS' : String(w.weighting);
    const estimand = typeof w.estimand === 'string' ? w.estimand.toUpperCase() : 'ATE';
    out.push({ label: `${method}, ${estimand} (${w.estimator})`, smd: Object.fromEntries(Object.entries(w.smd).map(([k, v]) => [k, num(v)])) });
  }
  return out.length ? out : null;
}

type Rec = Record<string, unknown>;

function isRec(x: unknown): x is Rec {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
function num(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}
function has(o: Rec, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

function overlapFrom(x: unknown): OverlapSummary | null {
  if (!isRec(x)) return null;
  if (num(x.median) !== null && num(x.p05) !== null && num(x.p95) !== null) {
    // report shape, or estimate/ml propensitySummary (share_below_0_05…)
    return {
      treatmentRate: num(x.treatmentRate) ?? num(x.treatment_rate) ?? NaN,
      min: num(x.min) ?? NaN,
      p01: num(x.p01) ?? NaN,
      p05: num(x.p05)!,
      median: num(x.median)!,
      p95: num(x.p95)!,
      p99: num(x.p99) ?? NaN,
      max: num(x.max) ?? NaN,
      shareBelow005: num(x.shareBelow005) ?? num(x.share_below_0_05) ?? NaN,
      shareAbove095: num(x.shareAbove095) ?? num(x.share_above_0_95) ?? NaN,
      ...(isRec(x.histogram) ? { histogram: x.histogram as OverlapSummary['histogram'] } : {}),
    };
  }
  if (num(x.propensity_median) !== null) {
    return {
      treatmentRate: num(x.treatment_rate) ?? NaN,
      min: num(x.propensity_min) ?? NaN,
      p01: num(x.propensity_p01) ?? NaN,
      p05: num(x.propensity_p05) ?? NaN,
      median: num(x.propensity_median)!,
      p95: num(x.propensity_p95) ?? NaN,
      p99: num(x.propensity_p99) ?? NaN,
      max: num(x.propensity_max) ?? NaN,
      shareBelow005: num(x.share_propensity_below_0_05) ?? NaN,
      shareAbove095: num(x.share_propensity_above_0_95) ?? NaN,
      ...(isRec(x.histogram) ? { histogram: x.histogram as OverlapSummary['histogram'] } : {}),
    };
  }
  return null;
}

function weightsFrom(x: unknown): WeightDistribution | null {
  if (!isRec(x) || num(x.mean) === null || num(x.max) === null) return null;
  return {
    ...(typeof x.name === 'string' ? { name: x.name } : {}),
    mean: num(x.mean)!,
    sd: num(x.sd) ?? num(x.std) ?? NaN,
    min: num(x.min) ?? NaN,
    p50: num(x.p50) ?? NaN,
    p90: num(x.p90) ?? NaN,
    p95: num(x.p95) ?? NaN,
    p99: num(x.p99) ?? NaN,
    max: num(x.max)!,
    ess: num(x.ess) ?? num(x.effective_sample_size) ?? NaN,
    essShare: num(x.essShare) ?? num(x.ess_share_of_rows) ?? NaN,
  };
}

function balanceFrom(x: unknown): BalanceRow[] | null {
  const rows = Array.isArray(x) ? x : isRec(x) && Array.isArray(x.rows) ? x.rows : null;
  if (!rows || rows.length === 0) return null;
  const out: BalanceRow[] = [];
  for (const r of rows) {
    if (!isRec(r) || typeof r.covariate !== 'string') continue;
    out.push({
      covariate: r.covariate,
      treatedMean: num(r.treatedMean) ?? num(r.treated_mean),
      controlMean: num(r.controlMean) ?? num(r.control_mean),
      smdBefore: num(r.smdBefore) ?? num(r.unweighted_smd),
      weightedTreatedMean: num(r.weightedTreatedMean) ?? num(r.weighted_treated_mean),
      weightedControlMean: num(r.weightedControlMean) ?? num(r.weighted_control_mean),
      smdAfter: num(r.smdAfter) ?? num(r.weighted_smd),
    });
  }
  return out.length ? out : null;
}

function metricsRow(model: string, target: string, m: Rec): NuisanceRow {
  return {
    model,
    target,
    rmse: num(m.rmse),
    mae: num(m.mae),
    r2: num(m.r2),
    auc: num(m.auc),
    logLoss: num(m.logLoss) ?? num(m.log_loss),
    brier: num(m.brier),
    ...(num(m.folds) !== null ? { folds: num(m.folds)! } : {}),
  };
}

function nuisanceFrom(d: Rec, model: string): NuisanceRow[] | null {
  const out: NuisanceRow[] = [];
  const n = d.nuisance;
  if (Array.isArray(n)) {
    for (const r of n) if (isRec(r) && typeof r.model === 'string' && typeof r.target === 'string') out.push(metricsRow(r.model, r.target, r));
  } else if (isRec(n)) {
    for (const target of Object.keys(n).sort()) if (isRec(n[target])) out.push(metricsRow(model, target, n[target] as Rec));
  }
  for (const key of Object.keys(d).sort()) {
    const m = /^(.+)_performance$/.exec(key);
    if (m && isRec(d[key])) out.push(metricsRow(model, m[1]!, d[key] as Rec));
  }
  return out.length ? out : null;
}

function importanceFrom(d: Rec, model: string): ImportanceRow[] | null {
  const out: ImportanceRow[] = [];
  for (const key of ['importance', 'moderator_importance', 'feature_importance']) {
    const rows = d[key];
    if (!Array.isArray(rows)) continue;
    const target = key === 'moderator_importance' ? 'effect' : 'outcome';
    const total = rows.reduce((s: number, r) => s + (isRec(r) ? num(r.gain) ?? num(r.importance) ?? 0 : 0), 0);
    for (const r of rows) {
      if (!isRec(r) || typeof r.feature !== 'string') continue;
      const gain = num(r.gain) ?? num(r.importance) ?? 0;
      out.push({
        model: typeof r.model === 'string' ? r.model : model,
        target: typeof r.target === 'string' ? r.target : target,
        feature: r.feature,
        gain,
        ...(num(r.splits) !== null ? { splits: num(r.splits)! } : {}),
        share: num(r.share) ?? num(r.importance_share) ?? (total > 0 ? gain / total : 0),
      });
    }
  }
  return out.length ? out : null;
}

function heterogeneityFrom(x: unknown): SegmentEffect[] | null {
  if (!Array.isArray(x) || x.length === 0) return null;
  const out: SegmentEffect[] = [];
  for (const r of x) {
    if (!isRec(r)) continue;
    if (isRec(r.value) && typeof r.segment === 'string' && typeof r.by === 'string') {
      out.push(r as unknown as SegmentEffect);
    } else if (typeof r.segment === 'string' && (typeof r.segment_value === 'string' || typeof r.segment_value === 'number')) {
      out.push({
        by: r.segment,
        segment: String(r.segment_value),
        rows: num(r.user_days) ?? num(r.rows) ?? 0,
        ...(num(r.users) !== null ? { users: num(r.users)! } : {}),
        estimand: 'te',
        value: {
          estimate: num(r.total_effect) ?? num(r.estimate) ?? null,
          ci: Array.isArray(r.ci) && r.ci.length === 2 ? (r.ci as [number, number]) : num(r.ci_95_lower) !== null && num(r.ci_95_upper) !== null ? [num(r.ci_95_lower)!, num(r.ci_95_upper)!] : null,
        },
      });
    }
  }
  return out.length ? out : null;
}

function residualFrom(d: Rec): ResidualMediatorOutcome | undefined {
  const mine = d.residualMediatorOutcome;
  if (isRec(mine) && isRec(mine.raw) && isRec(mine.residual)) return mine as unknown as ResidualMediatorOutcome;
  const rows = d.residual_mediator_outcome;
  if (!Array.isArray(rows) || rows.length < 2) return undefined;
  const pick = (r: unknown) => (isRec(r) ? { pearson: num(r.pearson_corr) ?? num(r.pearson), spearman: num(r.spearman_corr) ?? num(r.spearman) } : { pearson: null, spearman: null });
  return { raw: pick(rows[0]), residual: pick(rows[1]) };
}

/** Estimator-style readiness rows ({check, value, passes, status}) as report readiness checks. */
function readinessFrom(x: unknown): ReadinessCheck[] {
  if (!Array.isArray(x)) return [];
  const out: ReadinessCheck[] = [];
  for (const r of x) {
    if (!isRec(r) || typeof r.check !== 'string') continue;
    out.push({
      check: r.check,
      value: typeof r.value === 'string' ? r.value : num(r.value),
      ...(typeof r.threshold === 'string' ? { threshold: r.threshold } : {}),
      passes: typeof r.passes === 'boolean' ? r.passes : null,
      ...(typeof r.note === 'string' ? { note: r.note } : {}),
    });
  }
  return out;
}

/** Normalized view of one diagnostics record (estimator or cell). `model` names the estimator for nuisance rows. */
export function normalizeDiagnostics(d: Record<string, unknown> | undefined, model: string): NormalizedDiagnostics {
  const out: NormalizedDiagnostics = {};
  if (!d) return out;
  const overlap = overlapFrom(d.overlap) ?? (isRec(d.propensity) ? overlapFrom(d.propensity) ?? (isRec(d.propensity.x) ? overlapFrom(d.propensity.x) : null) : null);
  if (overlap) out.overlap = overlap;
  const weights = weightsFrom(d.weights);
  if (weights) out.weights = weights;
  const balance = balanceFrom(d.balance);
  if (balance) out.balance = balance;
  const ess = num(d.ess) ?? weights?.ess ?? null;
  if (ess !== null && Number.isFinite(ess)) out.ess = ess;
  const essShare = num(d.essShare) ?? weights?.essShare ?? null;
  if (essShare !== null && Number.isFinite(essShare)) out.essShare = essShare;
  const nuisance = nuisanceFrom(d, model);
  if (nuisance) out.nuisance = nuisance;
  const importance = importanceFrom(d, model);
  if (importance) out.importance = importance;
  const het = heterogeneityFrom(d.heterogeneity);
  if (het) out.heterogeneity = het;
  const residual = residualFrom(d);
  if (residual) out.residualMediatorOutcome = residual;
  if (has(d, 'readiness')) out.readiness = readinessFrom(d.readiness);
  const weightings = balanceWeightingsFrom(d.balance_weightings);
  if (weightings) out.balanceWeightings = weightings;
  return out;
}
