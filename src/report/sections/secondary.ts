/** Report section: effects on the secondary outcomes (secondary_outcomes figure). */
import { TOTAL_KEYS, firstEstimate } from '../../results/index.js';
import { zeroVerdict } from '../format.js';
import { ciOf, isNum, type ReportSection, type Row } from './context.js';
import { secondaryOutcomesFigure } from '../figures/secondary_outcomes.js';

export const secondarySection: ReportSection = {
  id: 'secondary',
  title: 'Secondary outcomes',
  reads: ['cells[].estimators (outcome set)'],
  build(ctx, s) {
    const { cell, labelOf, addTable, addFigure } = ctx;
    if (cell) {
      const sec = cell.estimators.filter((e) => e.outcome !== undefined && e.status === 'ok');
      const rows: Row[] = [];
      const pts: Array<{ label: string; estimate: number; ci: [number, number] | null; group: string; kind: string }> = [];
      let allRelative = sec.length > 0;
      for (const e of sec) {
        const t = firstEstimate(e, TOTAL_KEYS);
        if (!t) continue;
        const ci = ciOf(t.value);
        rows.push({ outcome: e.outcome!, estimator: labelOf(e), estimand: t.key, estimate: t.value.estimate, ci, relative: t.value.relative ?? null, conclusion: zeroVerdict(ci) });
        if (!isNum(t.value.relative)) allRelative = false;
      }
      addTable(
        s,
        {
          id: 'secondary_outcomes',
          title: 'Secondary outcomes',
          columns: [
            { key: 'outcome', label: 'Outcome', format: 'code' },
            { key: 'estimator', label: 'Estimator' },
            { key: 'estimand', label: 'Estimand' },
            { key: 'estimate', label: 'Estimate', format: 'num' },
            { key: 'ci', label: '95% CI', format: 'ci' },
            { key: 'relative', label: 'Relative', format: 'pct' },
            { key: 'conclusion', label: 'Conclusion' },
          ],
          rows,
        },
        'table',
      );
      for (const e of sec) {
        const t = firstEstimate(e, TOTAL_KEYS);
        if (!t) continue;
        const ci = ciOf(t.value);
        const rel = t.value.relative;
        // outcomes have different units: plot relative effects (% of control mean) when every row has one
        if (allRelative && isNum(rel) && t.value.estimate !== 0) {
          const scale = (rel / t.value.estimate!) * 100;
          pts.push({ label: `${e.outcome} — ${e.id}`, estimate: rel * 100, ci: ci ? [ci[0] * scale, ci[1] * scale] : null, group: e.outcome!, kind: e.kind });
        } else pts.push({ label: `${e.outcome} — ${e.id}`, estimate: t.value.estimate!, ci, group: e.outcome!, kind: e.kind });
      }
      if (pts.length) {
        addFigure(s, secondaryOutcomesFigure.plan({ rows: pts, relative: allRelative }), 'figure');
      }
    }
  },
};
