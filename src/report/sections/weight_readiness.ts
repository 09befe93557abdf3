/**
 * Report section: the weight-readiness checks of each weighted estimator (docs/seeds.md §003's five:
 * propensities inside [0.05, 0.95], weight max under the cap, effective sample size, mean and maximum
 * |SMD| improving after weighting), which the estimator computes beside its estimate. The data section's
 * readiness table is the cell's design checks; these are the weights' own.
 */
import type { ReportSection, Row } from './context.js';

export const weightReadinessSection: ReportSection = {
  id: 'weight_readiness',
  title: 'Weight readiness',
  reads: ['cells[].estimators[].diagnostics.readiness'],
  build(ctx, s) {
    const { okEsts, normEst, labelOf, addTable } = ctx;
    const rows: Row[] = [];
    // estimators with weights of their own (msm, ipw); the others' readiness rows are the design checks
    for (const e of okEsts.filter((x) => typeof x.diagnostics.weights === 'object' && x.diagnostics.weights !== null)) {
      for (const r of normEst.get(e)!.readiness ?? []) {
        rows.push({ estimator: labelOf(e), check: r.check, value: typeof r.value === 'number' ? r.value : null, status: r.passes === null ? 'n/a' : r.passes ? 'passes' : 'caution' });
      }
    }
    addTable(
      s,
      {
        id: 'weight_readiness_checks',
        title: 'Weight readiness checks',
        columns: [
          { key: 'estimator', label: 'Estimator' },
          { key: 'check', label: 'Check' },
          { key: 'value', label: 'Value', format: 'num' },
          { key: 'status', label: 'Status' },
        ],
        rows,
      },
      'table',
    );
  },
};
