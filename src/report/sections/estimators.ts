/** Report section: unadjusted associations, the estimator comparison (estimator_forest figure) and warnings. */
import { TOTAL_KEYS, firstEstimate } from '../../results/index.js';
import { estimandInfo } from '../estimands.js';
import { formatInterval, formatNumber, zeroVerdict } from '../format.js';
import { ciOf, isNum, type ReportSection, type Row } from './context.js';
import { estimatorForestFigure } from '../figures/estimator_forest.js';

const TOTAL_ESTIMANDS = new Set(['TE', 'ATT', 'ATC']);

export const estimatorsSection: ReportSection = {
  id: 'estimators',
  title: 'Estimator comparison',
  reads: ['cells[].estimators', 'diagnostics.naive_associations', 'diagnostics.truth', 'cells[].warnings'],
  build(ctx, s) {
    const { cell, names, yLabel, ests, okEsts, labelOf, truth, addTable, addFigure } = ctx;
    // each row's own true value (TE, ATT or ATC by the entry's population; truth.ts keysOf)
    const truthOf = (id: string, key: string): { estimand: string; value: number } | undefined => {
      const row = truth?.applicable ? truth.rows.find((r) => r.estimatorId === id && r.key === key && TOTAL_ESTIMANDS.has(r.estimand)) : undefined;
      return row ? { estimand: row.estimand, value: row.truth } : undefined;
    };
    const naiveRaw = (cell?.diagnostics as Record<string, unknown> | undefined)?.naive_associations ?? okEsts.find((e) => Array.isArray(e.diagnostics.naive_associations))?.diagnostics.naive_associations;
    const naiveRows: Row[] = [];
    if (Array.isArray(naiveRaw)) {
      for (const r of naiveRaw as Array<Record<string, unknown>>) {
        if (typeof r?.outcome !== 'string') continue;
        const n = (k: string): number | null => (isNum(r[k]) ? (r[k] as number) : null);
        naiveRows.push({ outcome: r.outcome, treatedDays: n('treated_days'), controlDays: n('control_days'), treatedMean: n('treated_mean'), controlMean: n('control_mean'), difference: n('difference'), relative: n('relative_lift') });
      }
    }
    addTable(
      s,
      {
        id: 'naive_associations',
        title: `Unadjusted associations: mean outcome on ${names.A} = 1 vs 0 days`,
        columns: [
          { key: 'outcome', label: 'Outcome', format: 'code' },
          { key: 'treatedDays', label: 'Treated days', format: 'int' },
          { key: 'controlDays', label: 'Control days', format: 'int' },
          { key: 'treatedMean', label: 'Treated mean', format: 'num' },
          { key: 'controlMean', label: 'Control mean', format: 'num' },
          { key: 'difference', label: 'Difference', format: 'num' },
          { key: 'relative', label: 'Relative lift', format: 'pct' },
        ],
        rows: naiveRows,
      },
      'naive',
    );
    // One denominator for the whole table: the observed control-arm mean of the primary outcome (from the
    // naive comparison). Estimators' own `relative` values divide by their own E[Y(0)] and would mix
    // denominators; without the observed mean the column is left out.
    const primaryNaive = naiveRows.find((r) => r.outcome === names.Y) ?? (naiveRows.length === 1 ? naiveRows[0] : undefined);
    const controlMean = typeof primaryNaive?.controlMean === 'number' && primaryNaive.controlMean !== 0 ? primaryNaive.controlMean : null;
    const relativeTo = (estimate: number | null | undefined) => (controlMean !== null && typeof estimate === 'number' ? estimate / controlMean : null);
    const rows: Row[] = [];
    const forest: Array<{ label: string; estimate: number; ci: [number, number] | null; kind: string; truth?: { estimand: string; value: number } }> = [];
    for (const e of ests) {
      if (e.status !== 'ok') {
        rows.push({ estimator: e.id, method: labelOf(e), estimand: null, estimate: null, ci: null, relative: null, conclusion: `failed: ${e.reason ?? 'no reason given'}` });
        continue;
      }
      const t = firstEstimate(e, TOTAL_KEYS);
      if (!t) continue;
      // a cross-fitted ML estimator reports a plug-in and a debiased total; the debiased one carries the interval
      const variants = [t.key, `${t.key}_debiased`].filter((k) => isNum(e.estimates[k]?.estimate));
      for (const k of variants) {
        const v = e.estimates[k]!;
        const ci = ciOf(v);
        rows.push({ estimator: e.id, method: labelOf(e), estimand: k, estimate: v.estimate, ci, relative: relativeTo(v.estimate), conclusion: zeroVerdict(ci) });
        const base = labelOf(e).replace(/: plug-in and debiased$/, '');
        const variant = variants.length > 1 ? `, ${k.endsWith('_debiased') ? 'debiased' : 'plug-in'}` : '';
        const known = truthOf(e.id, k);
        forest.push({ label: `${base}${variant} (${estimandInfo(k.replace(/_debiased$/, ''), names).symbol})`, estimate: v.estimate!, ci, kind: e.kind, ...(known ? { truth: known } : {}) });
      }
    }
    addTable(
      s,
      {
        id: 'estimator_comparison',
        title: 'Estimator comparison',
        columns: [
          { key: 'estimator', label: 'Estimator', format: 'code' },
          { key: 'method', label: 'Method' },
          { key: 'estimand', label: 'Estimand', format: 'code' },
          { key: 'estimate', label: 'Estimate', format: 'num' },
          { key: 'ci', label: '95% CI', format: 'ci' },
          ...(controlMean !== null ? [{ key: 'relative', label: `Relative to the control-arm mean (${formatNumber(controlMean)})`, format: 'pct' as const }] : []),
          { key: 'conclusion', label: 'Conclusion' },
        ],
        rows,
      },
      'table',
    );
    for (const r of rows) {
      if (r.estimate === null) s.lines.push(`${r.method}: ${r.conclusion}.`);
      else s.lines.push(`${r.method} (${r.estimand}): ${formatNumber(r.estimate as number)} ${formatInterval(r.ci as [number, number] | null)} — ${r.conclusion}.`);
    }
    if (forest.length) {
      addFigure(s, estimatorForestFigure.plan({ treatment: names.A, outcome: names.Y, valueLabel: yLabel, rows: forest }), 'figure');
    }
    const warningRows: Row[] = [];
    for (const e of ests) for (const w of e.warnings) warningRows.push({ estimator: e.id, warning: w });
    for (const w of cell?.warnings ?? []) warningRows.push({ estimator: '(cell)', warning: w });
    addTable(s, { id: 'estimator_warnings', title: 'Warnings', columns: [{ key: 'estimator', label: 'Estimator' }, { key: 'warning', label: 'Warning' }], rows: warningRows }, 'warnings');
  },
};
