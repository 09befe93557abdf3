/** Report section: the assumption table and the mediator–outcome relationship before and after adjusting for X. */
import { type ReportSection } from './context.js';

export const assumptionsSection: ReportSection = {
  id: 'assumptions',
  title: 'Assumptions and checks',
  reads: ['cells[].assumptions', 'diagnostics.residual_mediator_outcome'],
  build(ctx, s) {
    const { cell, diag, addTable } = ctx;
    if (cell) {
      addTable(
        s,
        {
          id: 'assumption_checks',
          title: 'Assumptions and checks',
          columns: [
            { key: 'assumption', label: 'Assumption' },
            { key: 'status', label: 'Status' },
            { key: 'diagnostic', label: 'Diagnostic' },
            { key: 'value', label: 'Value' },
            { key: 'risk', label: 'Risk if violated' },
          ],
          rows: cell.assumptions.map((a) => ({ ...a, status: a.status.replace(/_/g, ' ') })),
        },
        'checks',
      );
      const rmo = diag('residualMediatorOutcome');
      if (rmo) {
        addTable(
          s,
          {
            id: 'residual_mediator_outcome',
            title: 'Mediator–outcome relationship before and after adjusting for X',
            columns: [
              { key: 'relationship', label: 'Relationship' },
              { key: 'pearson', label: 'Pearson', format: 'num', digits: 4 },
              { key: 'spearman', label: 'Spearman', format: 'num', digits: 4 },
            ],
            rows: [
              { relationship: 'raw M with Y', pearson: rmo.raw.pearson, spearman: rmo.raw.spearman },
              { relationship: 'M residual with Y residual after X', pearson: rmo.residual.pearson, spearman: rmo.residual.spearman },
            ],
          },
          'residual',
        );
      }
    }
  },
};
