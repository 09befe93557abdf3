/** The assumption table: what each identifying assumption rests on and what checked it. */
import type { AnalysisFrame, EstimatorResult } from '../estimate/types.js';
import type { AssumptionCheck, CellResult } from '../results/index.js';
import { round } from './definitions.js';
import { headlineEstimator } from './primary.js';
import type { EstimatorPileup } from './propensity.js';

export function assumptionTable(frame: AnalysisFrame, results: EstimatorResult[], diagnostics: Record<string, unknown>, sensitivity: CellResult['sensitivity'], primaryEstimator?: string): AssumptionCheck[] {
  const overlap = diagnostics.overlap as Record<string, number | null> | undefined;
  const support = (diagnostics.overlap as { support?: { outside: number; separated: boolean } } | undefined)?.support;
  // the estimators' propensities at their clip bounds (src/analysis/propensity.ts clipPileups), as the overlap table shows them
  const pileup = (diagnostics.overlap as { clip_pileup?: { worst: EstimatorPileup; fires: boolean } } | undefined)?.clip_pileup;
  const extremes = overlap ? (overlap.share_below_0_05 ?? overlap.shareBelow005 ?? 0)! + (overlap.share_above_0_95 ?? overlap.shareAbove095 ?? 0)! : null;
  // the E-value of the estimator the report calls primary, never just the first row (the unadjusted one)
  const head = headlineEstimator(results, primaryEstimator);
  const evalue = head ? sensitivity?.evalues?.find((e) => e.estimator === head.estimator.id && e.estimand === head.estimand) : undefined;
  const { treatment, mediator, outcome } = frame.definitions;
  const residual = diagnostics.residual_mediator_outcome as Array<{ relationship: string; pearson_corr: number | null }> | undefined;
  return [
    {
      assumption: 'Consistency (well-defined treatment)',
      status: 'design_definition',
      diagnostic: 'treatment is a fixed threshold rule on a measured quantity',
      value: `${frame.definitions.treatment.measure} ≥ ${round(frame.definitions.threshold)}; treated share ${(frame.definitions.treatedShare * 100).toFixed(1)}%`,
      risk: `days that meet the rule for ${treatment.name} may differ in what made them meet it`,
    },
    {
      assumption: 'Positivity (overlap)',
      status: overlap ? 'checked' : 'not_testable',
      diagnostic: 'share of rows with propensity outside [0.05, 0.95]',
      value: (extremes === null ? 'not computed' : `${(extremes * 100).toFixed(1)}%`) +
        (support ? `; ${(support.outside * 100).toFixed(1)}% of rows outside the arms' common propensity range` : '') +
        (pileup ? `; ${(pileup.worst.share * 100).toFixed(1)}% of rows at or beyond [${pileup.worst.low}, ${pileup.worst.high}], the clip bounds or near 0/1 (${pileup.worst.estimator})` : ''),
      risk: support?.separated
        ? 'high: the treatment is (nearly) determined by the covariates; estimates extrapolate'
        : pileup?.fires
          ? `high: propensities pile up at the clip bounds (${pileup.worst.estimator}${pileup.worst.status === 'failed' ? ', which failed' : ''}); weighting and doubly robust estimates rest on the clip`
          : extremes !== null && extremes > 0.1 ? 'high: weights will be extreme' : 'low',
    },
    {
      assumption: 'No unmeasured treatment–outcome confounding',
      status: evalue ? 'partially_checked' : 'not_testable',
      diagnostic: head ? `E-value of the primary estimate (${head.estimator.id}, ${head.estimand})` : 'E-value of the primary estimate',
      value: evalue ? `E-value ${evalue.point?.toFixed(2) ?? 'n/a'} (CI bound ${evalue.ciBound?.toFixed(2) ?? 'n/a'})` : 'not computed (sensitivity.evalue)',
      risk: `unmeasured user intent or outside events may drive both ${treatment.name} and ${outcome}`,
    },
    {
      assumption: 'No unmeasured mediator–outcome confounding',
      status: residual ? 'partially_checked' : 'not_testable',
      diagnostic: 'residual correlation of mediator and outcome given covariates',
      value: residual ? residual.map((r) => `${r.relationship}: ${r.pearson_corr?.toFixed(3) ?? 'n/a'}`).join('; ') : mediator ? 'not computed (diagnostics: residual_mediator_outcome)' : 'no mediator',
      risk: mediator ? `same-day context may move both ${mediator} and ${outcome}` : 'applies only to a study with a mediator',
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
