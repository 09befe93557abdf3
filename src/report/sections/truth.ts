/** Report section: known truth on simulated data: each estimate beside the true value (src/report/truth.ts). */
import { type ReportSection } from './context.js';

export const truthSection: ReportSection = {
  id: 'truth',
  title: 'Known truth (simulated data)',
  reads: ['diagnostics.truth'],
  build(ctx, s) {
    const { truth, addTable } = ctx;
    if (truth) {
      s.available = true;
      s.lines.push(...truth.notes);
      if (truth.applicable) {
        addTable(
          s,
          {
            id: 'truth_comparison',
            title: 'Known truth (simulated data) beside each estimate',
            columns: [
              { key: 'outcome', label: 'Outcome', format: 'code' },
              { key: 'estimand', label: 'Estimand' },
              { key: 'truth', label: 'True value', format: 'num' },
              { key: 'truthSe', label: 'Truth MC s.e.', format: 'num' },
              // the estimator comparison pairs each id with its method: the id keeps this table narrow
              { key: 'estimator', label: 'Estimator', format: 'code' },
              { key: 'key', label: 'Key', format: 'code' },
              { key: 'estimate', label: 'Estimate', format: 'num' },
              { key: 'ci', label: '95% CI', format: 'ci' },
              { key: 'bias', label: 'Estimate − truth', format: 'num' },
              { key: 'covers', label: 'Covers truth' },
            ],
            rows: truth.rows.map((r) => ({
              outcome: r.outcome,
              estimand: r.estimand,
              truth: r.truth,
              truthSe: r.truthSe,
              estimator: r.estimatorId,
              key: r.key,
              estimate: r.estimate,
              ci: r.ci,
              bias: r.bias,
              covers: r.covers === null ? 'no interval' : r.covers ? 'yes' : 'no',
            })),
          },
          'table',
        );
        addTable(
          s,
          {
            id: 'truth_estimands',
            title: 'True estimands as the simulator defines them',
            columns: [{ key: 'estimand', label: 'Estimand' }, { key: 'definition', label: 'Definition' }],
            rows: Object.entries(truth.definitions).map(([estimand, definition]) => ({ estimand, definition })),
          },
          'definitions',
        );
      }
    }
  },
};
