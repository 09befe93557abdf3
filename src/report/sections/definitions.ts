/** Report section: definitions of A, M, Y and the secondary outcomes, and the covariate summary. */
import { formatNumber, formatPercent } from '../format.js';
import { type ReportSection, type Row } from './context.js';

export const definitionsSection: ReportSection = {
  id: 'definitions',
  title: 'Definitions of A, M and Y',
  reads: ['cells[].definitions'],
  build(ctx, s) {
    const { defs, addTable } = ctx;
    if (defs) {
      const rows: Row[] = [
        { symbol: 'A', role: 'treatment', name: defs.treatment.name, rule: `${defs.treatment.rule} (threshold ${formatNumber(defs.treatment.threshold)})`, rate: `treated share ${formatPercent(defs.treatment.treatedShare)}`, mean: defs.treatment.treatedShare, missing: null },
      ];
      if (defs.mediator) rows.push({ symbol: 'M', role: 'mediator', name: defs.mediator.name, rule: defs.mediator.rule, rate: defs.mediator.sd !== undefined && defs.mediator.sd !== null ? `sd ${formatNumber(defs.mediator.sd)}` : null, mean: defs.mediator.mean ?? null, missing: defs.mediator.missingShare ?? null });
      rows.push({ symbol: 'Y', role: 'primary outcome', name: defs.outcome.name, rule: defs.outcome.rule, rate: defs.outcome.sd !== undefined && defs.outcome.sd !== null ? `sd ${formatNumber(defs.outcome.sd)}` : null, mean: defs.outcome.mean ?? null, missing: defs.outcome.missingShare ?? null });
      defs.secondary.forEach((s, i) => rows.push({ symbol: `Y_alt_${i + 1}`, role: 'secondary outcome', name: s.name, rule: s.rule, rate: s.sd !== undefined && s.sd !== null ? `sd ${formatNumber(s.sd)}` : null, mean: s.mean ?? null, missing: s.missingShare ?? null }));
      addTable(
        s,
        {
          id: 'definitions',
          title: 'Definitions of A, M and Y',
          columns: [
            { key: 'symbol', label: 'Symbol' },
            { key: 'role', label: 'Role' },
            { key: 'name', label: 'Column', format: 'code' },
            { key: 'rule', label: 'Rule' },
            { key: 'mean', label: 'Mean / rate', format: 'num' },
            { key: 'rate', label: 'Spread' },
            { key: 'missing', label: 'Missing (dropped)', format: 'pct' },
          ],
          rows,
        },
        'variables',
      );
      if (defs.covariates) {
        const cv = defs.covariates;
        s.lines.push(
          `Covariates: ${cv.numeric.length} numeric and ${cv.categorical.length} categorical, ${cv.designColumns} encoded design columns` +
            (cv.dropped.length ? `; dropped as constant: ${cv.dropped.join(', ')}` : '') +
            '.',
        );
      }
    }
  },
};
