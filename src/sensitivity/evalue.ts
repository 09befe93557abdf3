/**
 * E-values (VanderWeele & Ding 2017, "Sensitivity analysis in observational research: introducing the
 * E-value", Ann Intern Med): the minimum strength of association, on the risk-ratio scale, that an
 * unmeasured confounder would need with both treatment and outcome to explain away an effect.
 *   E = RR + sqrt(RR · (RR − 1))  for RR ≥ 1 (RR < 1 is inverted first).
 * Continuous outcomes go through the standardized mean difference d = effect / SD(Y) and the
 * approximation RR ≈ exp(0.91 · d) (their Table 2); CI limits convert the same way. The E-value of the
 * CI is that of the limit nearest the null, and 1 when the interval contains the null.
 */
import type { CellResult, EValueRow } from '../results/index.js';
import { firstEstimate, primaryEstimators, TOTAL_KEYS } from '../results/index.js';

/** E-value of a risk ratio (any positive RR; 1 means no effect). */
export function evalueForRiskRatio(rr: number): number | null {
  if (!(rr > 0) || !Number.isFinite(rr)) return null;
  const r = rr < 1 ? 1 / rr : rr;
  return r + Math.sqrt(r * (r - 1));
}

/** Risk ratio approximating a standardized mean difference d (VanderWeele & Ding: RR ≈ exp(0.91 d)). */
export function riskRatioFromSmd(d: number): number {
  return Math.exp(0.91 * d);
}

export interface EValue {
  /** E-value of the point estimate */
  point: number | null;
  /** E-value of the CI limit nearest the null; 1 when the CI contains the null; null without a CI */
  ciBound: number | null;
  /** the standardized difference used (continuous outcomes) */
  d: number | null;
  rr: number | null;
}

/** E-values on a risk-ratio scale: `rr` with an optional CI [lo, hi] on the same scale. */
export function evalueRiskRatio(rr: number, ci?: [number, number] | null): EValue {
  const point = evalueForRiskRatio(rr);
  let ciBound: number | null = null;
  if (ci) {
    const [lo, hi] = ci;
    if (lo <= 1 && hi >= 1) ciBound = 1;
    else ciBound = evalueForRiskRatio(rr >= 1 ? lo : hi);
  }
  return { point, ciBound, d: null, rr };
}

/**
 * E-values for a difference in a continuous outcome, via d = effect / SD(Y). The CI limit nearest zero
 * is converted the same way; a CI containing zero gives 1.
 */
export function evalueContinuous(effect: number, sdOutcome: number, ci?: [number, number] | null): EValue {
  if (!Number.isFinite(effect) || !(sdOutcome > 0)) return { point: null, ciBound: null, d: null, rr: null };
  const d = effect / sdOutcome;
  const rr = riskRatioFromSmd(d);
  const out = evalueRiskRatio(rr, ci ? [riskRatioFromSmd(ci[0] / sdOutcome), riskRatioFromSmd(ci[1] / sdOutcome)] : null);
  return { ...out, d };
}

export const EVALUE_SCALE = 'standardized difference d = effect / SD(Y), RR ≈ exp(0.91·d) (VanderWeele & Ding 2017)';

/**
 * E-value rows for a cell: every ok estimator of the primary outcome with a total effect (ate, te or
 * total), plus the indirect effect of mediation estimators when asked. SD(Y) comes from the cell's outcome
 * definition unless given.
 */
export function cellEValues(
  cell: CellResult,
  opts: { sdOutcome?: number; estimands?: readonly string[] } = {},
): EValueRow[] {
  const sd = opts.sdOutcome ?? cell.definitions.outcome.sd ?? null;
  const rows: EValueRow[] = [];
  if (cell.status !== 'ok' || sd === null || !(sd > 0)) return rows;
  for (const est of primaryEstimators(cell)) {
    if (est.status !== 'ok') continue;
    const keys = opts.estimands ? opts.estimands.filter((k) => est.estimates[k]?.estimate != null) : [firstEstimate(est, TOTAL_KEYS)?.key].filter((k): k is string => !!k);
    for (const key of keys) {
      const v = est.estimates[key]!;
      const e = evalueContinuous(v.estimate!, sd, v.ci ?? null);
      rows.push({ estimator: est.id, estimand: key, point: e.point, ciBound: e.ciBound, scale: EVALUE_SCALE });
    }
  }
  return rows;
}
