/** The assumption table: what each identifying assumption rests on and what checked it. */
import type { AnalysisFrame, EstimatorResult } from '../estimate/types.js';
import type { AssumptionCheck, CellResult } from '../results/index.js';
import { round } from './definitions.js';

export function assumptionTable(frame: AnalysisFrame, results: EstimatorResult[], diagnostics: Record<string, unknown>, sensitivity: CellResult['sensitivity']): AssumptionCheck[] {
  const overlap = diagnostics.overlap as Record<string, number | null> | undefined;
  const extremes = overlap ? (overlap.share_below_0_05 ?? overlap.shareBelow005 ?? 0)! + (overlap.share_above_0_95 ?? overlap.shareAbove095 ?? 0)! : null;
  const evalue = sensitivity?.evalues?.[0];
  const residual = diagnostics.residual_mediator_outcome as Array<{ relationship: string; pearson_corr: number | null }> | undefined;
  return [
    {
      assumption: 'Consistency (well-defined treatment)',
      status: 'design_definition',
      diagnostic: 'treatment is a fixed rule on a measured day-level share',
      value: `${frame.definitions.treatment.measure} ≥ ${round(frame.definitions.threshold)}; treated share ${(frame.definitions.treatedShare * 100).toFixed(1)}%`,
      risk: 'versions of "high discovery" differ in content mix',
    },
    {
      assumption: 'Positivity (overlap)',
      status: overlap ? 'checked' : 'not_testable',
      diagnostic: 'share of rows with propensity outside [0.05, 0.95]',
      value: extremes === null ? 'not computed' : `${(extremes * 100).toFixed(1)}%`,
      risk: extremes !== null && extremes > 0.1 ? 'high: weights will be extreme' : 'low',
    },
    {
      assumption: 'No unmeasured treatment–outcome confounding',
      status: evalue ? 'partially_checked' : 'not_testable',
      diagnostic: 'E-value of the primary total effect',
      value: evalue ? `E-value ${evalue.point?.toFixed(2) ?? 'n/a'} (CI bound ${evalue.ciBound?.toFixed(2) ?? 'n/a'})` : 'not computed (sensitivity.evalue)',
      risk: 'user intent or external events may drive both discovery and future activity',
    },
    {
      assumption: 'No unmeasured mediator–outcome confounding',
      status: residual ? 'partially_checked' : 'not_testable',
      diagnostic: 'residual correlation of mediator and outcome given covariates',
      value: residual ? residual.map((r) => `${r.relationship}: ${r.pearson_corr?.toFixed(3) ?? 'n/a'}`).join('; ') : 'no mediator',
      risk: 'same-day mood or session context may move satisfaction and future activity',
    },
    {
      assumption: 'No treatment-induced mediator–outcome confounding (cross-world)',
      status: 'not_testable',
      diagnostic: 'by design: covariates are pre-treatment (lags, prior windows, user features)',
      value: `${frame.X.cols} design columns`,
      risk: 'NDE/NIE need it; CDE does not',
    },
    {
      assumption: 'Correct nuisance models',
      status: results.some((r) => r.diagnostics.nuisance || r.diagnostics.nuisance_performance) ? 'checked' : 'partially_checked',
      diagnostic: 'linear vs flexible nuisance estimators agree; out-of-fold performance',
      value: `${results.filter((r) => r.status === 'ok').length} of ${results.length} estimators ran`,
      risk: 'linear models miss nonlinearity; compare with gbm estimators',
    },
  ];
}
