/**
 * The Methods rows of the cell's sensitivity and heterogeneity analyses: what each one computed and with
 * which settings, every value read from the analysis' own results.json record (src/sensitivity/ovb-linear.ts,
 * ovb-dml.ts, mediation-rho.ts; src/analysis/dr-learner.ts and heterogeneity.ts). ./methods.ts has the
 * per-estimator rows.
 */
import type { DrLearnerResult, MediationRhoResult, OvbDmlResult, OvbLinearResult, Sensitivity } from '../results/index.js';
import { formatNumber, formatPercent } from './format.js';

export interface AnalysisMethodRow {
  analysis: string;
  /** the estimator (label) or estimates the analysis reads */
  appliedTo: string;
  /** what it computed, with its settings */
  how: string;
}

const pct = (level: number) => `${formatNumber(level * 100, 0)}%`;
const list = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);
const uniq = <T>(xs: T[]) => [...new Set(xs)];

export function ovbLinearMethod(r: OvbLinearResult): string {
  const names = uniq(r.benchmarks.map((b) => b.benchmark));
  const ks = uniq(r.benchmarks.map((b) => (b.kd === b.ky ? `${formatNumber(b.kd)}` : `${formatNumber(b.kd)} (treatment) / ${formatNumber(b.ky)} (outcome)`)));
  const top = r.contour.r2dz.length ? r.contour.r2dz[r.contour.r2dz.length - 1]! : null;
  return `The treatment coefficient of the regression ${r.model} (residual degrees of freedom ${formatNumber(r.dof)}), with classical OLS standard errors as R's sensemakr: ` +
    `the partial R² of A with Y given X (t²/(t² + dof)); the robustness value RV for a confounder that would ${r.q === 1 ? 'bring the estimate to zero' : `reduce the estimate by ${formatPercent(r.q)}`}, and RV at α = ${formatNumber(r.alpha, 2)} for its interval to reach zero. ` +
    (names.length ? `Bounds for a confounder k times as strong as ${list(names)} (its partial R² with the treatment and with the outcome, given the other covariates, times k), k = ${list(ks)}. ` : 'No benchmark covariates were named. ') +
    (top !== null ? `The contour figure adjusts the estimate over partial R² from 0 to ${formatNumber(top, 2)} on both axes.` : '');
}

export function ovbDmlMethod(r: OvbDmlResult): string {
  const scen = r.scenarios.map((x) => `(${formatPercent(x.cfY)}, ${formatPercent(x.cfD)}, ${formatNumber(x.rho, 2)})`);
  return `From the cross-fitted AIPW's own nuisance predictions (Chernozhukov, Cinelli, Newey, Sharma & Syrgkanis 2022): σ² = E[(Y − ĝ(A, X))²] = ${formatNumber(r.sigma2)} and ν² = E[2(1/ê + 1/(1 − ê)) − α²] = ${formatNumber(r.nu2)} ` +
    `(α = A/ê − (1 − A)/(1 − ê)); the bound on the bias is |ρ|·√(Cf_Y·Cf_D/(1 − Cf_D))·√(σ²ν²), evaluated at (Cf_Y, Cf_D, ρ) = ${list(scen)}, with ${pct(r.level)} confidence limits from the influence functions of θ, σ² and ν² clustered by user; ` +
    'the robustness values are the Cf_Y = Cf_D at which the bound (RV) or its confidence limit reaches zero.' +
    (r.nu2 <= 0 ? ` Here ν² is not positive (${formatNumber(r.nu2)}), so √(σ²ν²) is taken as 0: every bound collapses to the estimate and the analysis says nothing about confounding for this fit.` : '');
}

export function mediationRhoMethod(r: MediationRhoResult): string {
  const rhos = r.curve.map((p) => p.rho);
  const step = rhos.length > 1 ? rhos[1]! - rhos[0]! : null;
  return `The mediator model and the outcome model (${r.interaction ? 'with' : 'without'} the A·M interaction) re-estimated jointly with the correlation ρ of their errors fixed, as R's mediation::medsens (Imai, Keele & Yamamoto 2010): ` +
    `ρ from ${formatNumber(rhos[0] ?? 0, 2)} to ${formatNumber(rhos[rhos.length - 1] ?? 0, 2)}` + (step !== null ? ` in steps of ${formatNumber(step, 2)} (${rhos.length} values)` : '') +
    `; at each, the indirect effect of each arm with a ${pct(r.level)} interval (${r.variance === 'cluster' ? 'variance clustered by user' : 'classical variance'}); the ρ at which the indirect effect is zero is found exactly and on the grid, with the R²*/R̃² products a confounder would need (mediator model R² ${formatNumber(r.r2Mediator, 3)}, outcome model R² ${formatNumber(r.r2Outcome, 3)}).`;
}

export function drLearnerMethod(dr: DrLearnerResult): string {
  const modifiers = Object.keys(dr.centres);
  return `Pseudo-outcomes: the per-row doubly robust scores of ${dr.pseudoOutcomes} (${formatNumber(dr.rows)} rows, ${formatNumber(dr.users)} users; nuisances fitted out of fold). ` +
    `Best linear projection: OLS of the pseudo-outcomes on a constant and ${modifiers.length ? list(modifiers) : 'no modifier'}, centred at their means, so the intercept is the average effect; standard errors CR1 by user, ${pct(dr.level)} normal intervals. ` +
    `Calibration: each row's effect predicted by the projection fitted on the other ${dr.calibration.folds - 1} of ${dr.calibration.folds} user folds; the pseudo-outcomes regressed on [1, prediction − its mean] (CR1 by user); heterogeneity counts as detected only for a slope above zero (one-sided), and a slope of 1 means calibrated predictions.`;
}

/** The segment table's record (src/analysis/heterogeneity.ts `diagnostics.heterogeneity_analysis`). */
export interface SegmentsRecord {
  pseudo_outcomes_estimator?: unknown;
  pseudo_outcomes_from?: unknown;
  overall?: unknown;
}

export function segmentsMethod(overall: number | null, reps: number | null): string {
  return 'Each segment\'s effect is the mean over its rows of the per-row AIPW scores (pseudo-outcomes); no model is refitted per segment, ' +
    `so the segments of a partition average, weighted by rows, to the overall${overall !== null ? ` ${formatNumber(overall)}` : ''}. ` +
    (reps ? `Intervals: percentiles of the same mean over the cell's ${formatNumber(reps)} user-cluster bootstrap replicates, for segments that pass the size filter (the others have none).` : 'No bootstrap ran, so the segments have no intervals.');
}

/** The rows of the analyses that ran in the cell, in the order the report shows them. */
export function analysisMethodRows(
  sens: Sensitivity | undefined, dr: DrLearnerResult | undefined, labelFor: (id: string) => string,
  segments?: { record: SegmentsRecord; reps: number | null },
): AnalysisMethodRow[] {
  const rows: AnalysisMethodRow[] = [];
  if (segments && (typeof segments.record.pseudo_outcomes_estimator === 'string' || typeof segments.record.pseudo_outcomes_from === 'string')) {
    const r = segments.record;
    const source = typeof r.pseudo_outcomes_from === 'string' ? r.pseudo_outcomes_from : labelFor(r.pseudo_outcomes_estimator as string);
    const o = r.overall as { estimate?: unknown } | undefined;
    rows.push({ analysis: 'Effects by segment', appliedTo: source, how: segmentsMethod(typeof o?.estimate === 'number' ? o.estimate : null, segments.reps) });
  }
  for (const r of sens?.omittedVariableBias ?? []) rows.push({ analysis: 'Omitted-variable bias (sensemakr)', appliedTo: labelFor(r.estimator), how: ovbLinearMethod(r) });
  for (const r of sens?.omittedVariableBiasDml ?? []) rows.push({ analysis: 'Omitted-variable-bias bounds (debiased ML)', appliedTo: labelFor(r.estimator), how: ovbDmlMethod(r) });
  for (const r of sens?.mediationRho ?? []) rows.push({ analysis: 'Mediation sensitivity to ρ (medsens)', appliedTo: `${labelFor(r.estimator)} (indirect effect)`, how: mediationRhoMethod(r) });
  if (dr) rows.push({ analysis: 'DR-learner (effect heterogeneity)', appliedTo: dr.pseudoOutcomes, how: drLearnerMethod(dr) });
  return rows;
}
