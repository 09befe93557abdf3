/**
 * Report section: the raw ingredients of the mediation pathway — rows, users and the means of the
 * treatment measure, M, Y and the secondary outcomes per arm with their differences (`group_summary`),
 * and the Spearman correlations along A → M → Y (`pathway_correlations`); computed by
 * src/analysis/design-summary.ts. Unadjusted descriptions, not effects.
 */
import type { GroupSummary, PathwayCorrelation } from '../../results/index.js';
import type { ReportSection, Row } from './context.js';

export const pathwaySection: ReportSection = {
  id: 'pathway',
  title: 'Pathway ingredients by arm',
  reads: ['diagnostics.groupSummary', 'diagnostics.pathwayCorrelations'],
  build(ctx, s) {
    const { cell, addTable } = ctx;
    const d = cell?.diagnostics as { groupSummary?: GroupSummary; pathwayCorrelations?: PathwayCorrelation[] } | undefined;
    const g = d?.groupSummary;
    if (g) {
      const rows: Row[] = [
        { variable: 'rows (user-days)', role: 'count', control: g.rows.control, treated: g.rows.treated, difference: null },
        { variable: 'users', role: 'count', control: g.users.control, treated: g.users.treated, difference: null },
        ...g.means.map((m) => ({ variable: m.name, role: `${m.role} mean`, control: m.control, treated: m.treated, difference: m.difference })),
      ];
      addTable(
        s,
        {
          id: 'group_summary',
          title: `Group summary by arm (${ctx.names.A} = 0 and 1, unadjusted)`,
          columns: [
            { key: 'variable', label: 'Variable' },
            { key: 'role', label: 'Role' },
            { key: 'control', label: `${ctx.names.A} = 0`, format: 'num' },
            { key: 'treated', label: `${ctx.names.A} = 1`, format: 'num' },
            { key: 'difference', label: 'Treated − control', format: 'num' },
          ],
          rows,
        },
        'groups',
      );
    }
    const corr = d?.pathwayCorrelations;
    if (corr?.length) {
      addTable(
        s,
        {
          id: 'pathway_correlations',
          title: 'Spearman correlations along the pathway (analysis rows; tied values get their average rank)',
          columns: [
            { key: 'relationship', label: 'Relationship' },
            { key: 'x', label: 'Column', format: 'code' },
            { key: 'y', label: 'With', format: 'code' },
            { key: 'rows', label: 'Rows', format: 'int' },
            { key: 'spearman', label: 'Spearman ρ', format: 'num' },
          ],
          rows: corr.map((c) => ({ ...c })),
        },
        'correlations',
      );
    }
  },
};
