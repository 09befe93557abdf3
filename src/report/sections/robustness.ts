/** Report section: run scope of a grid: robustness families, the grid cells table and the specification curve (specification_curve figure). */
import { primaryEstimators } from '../../results/index.js';
import { DESIGN_UNCHANGED_SHARE, unchangedDesign } from '../../sensitivity/robustness.js';
import { formatPercent, zeroVerdict } from '../format.js';
import { axisValueLabels } from '../labels.js';
import { truthComparison } from '../truth.js';
import { axisText, ciOf, type ReportSection, type Row } from './context.js';
import { specificationCurveFigure } from '../figures/specification_curve.js';

export const robustnessSection: ReportSection = {
  id: 'robustness',
  title: 'Robustness grid',
  reads: ['summary.robustness', 'summary.primary', 'summary.specificationCurve', 'spec.grid', 'cells[]', 'diagnostics.truth'],
  build(ctx, s) {
    const { results, scope, cell, names, yLabel, truth, addTable, addFigure } = ctx;
    if (scope === 'run' && results.cells.length > 1) {
      const fam = results.summary.robustness;
      addTable(
        s,
        {
          id: 'robustness_families',
          title: 'Robustness families (one grid axis varied at a time)',
          columns: [
            { key: 'family', label: 'Family (axis)', format: 'code' },
            { key: 'specifications', label: 'Specifications', format: 'int' },
            { key: 'totalMin', label: 'Total min', format: 'num' },
            { key: 'totalMax', label: 'Total max', format: 'num' },
            { key: 'totalSharePositive', label: 'Share positive', format: 'pct' },
            { key: 'totalShareCiExcludesZero', label: 'Share CI excludes 0', format: 'pct' },
            { key: 'indirectMin', label: 'Indirect min', format: 'num' },
            { key: 'indirectMax', label: 'Indirect max', format: 'num' },
            { key: 'indirectSharePositive', label: 'Indirect share positive', format: 'pct' },
            { key: 'medianAbsIndirectToTotal', label: 'Median abs(NIE/TE)', format: 'num', digits: 4 },
            ...(fam.some((f) => f.designChange) ? [{ key: 'unchanged', label: `Variants changing < ${formatPercent(DESIGN_UNCHANGED_SHARE, 0)} of the design` }] : []),
          ],
          rows: fam.map(({ designChange: changes, ...f }) => ({ ...f, unchanged: changes ? `${changes.filter(unchangedDesign).length} of ${changes.length}` : null })),
        },
        'families',
      );
      // beside each family's claim: variants that leave the analysed data (almost) as the base cell has it
      const prim0 = results.summary.primary;
      const estimateOf = (id: string) => {
        const c = results.cells.find((x) => x.id === id);
        const e = c && prim0 ? primaryEstimators(c).find((x) => x.id === prim0.estimator && x.status === 'ok') : undefined;
        return e?.estimates[prim0!.estimand]?.estimate ?? null;
      };
      const baseEstimate = prim0?.cellId ? estimateOf(prim0.cellId) : null;
      const share = formatPercent(DESIGN_UNCHANGED_SHARE, 0);
      const unchangedRows: Row[] = [];
      for (const f of fam) {
        const same = (f.designChange ?? []).filter(unchangedDesign);
        if (same.length === 0) continue;
        const identical = same.filter((c) => sameEstimate(estimateOf(c.cellId), baseEstimate));
        const modelOnly = same.filter((c) => !identical.includes(c));
        if (identical.length) {
          unchangedRows.push({ family: f.family, cells: identical.map((c) => c.cellId).join(', '), verdict: `same data and the same estimate as the base cell: as gridded, this axis tests nothing, and the agreement is no evidence of robustness` });
        }
        if (modelOnly.length) {
          unchangedRows.push({ family: f.family, cells: modelOnly.map((c) => c.cellId).join(', '), verdict: 'same data, another estimate: the axis varies the modelling only, not the definitions of A, M or Y' });
        }
      }
      addTable(
        s,
        {
          id: 'robustness_unchanged_variants',
          title: `Variant cells that change fewer than ${share} of the base cell's treated rows, mediator and outcome values`,
          columns: [{ key: 'family', label: 'Family (axis)', format: 'code' }, { key: 'cells', label: 'Cells' }, { key: 'verdict', label: 'What the family then shows' }],
          rows: unchangedRows,
        },
        'unchanged',
      );
      const axes = results.spec.grid?.map((g) => g.path) ?? [...new Set(results.cells.flatMap((c) => Object.keys(c.axes)))];
      const prim = results.summary.primary;
      let anyTruth = false;
      let thresholdNote = false;
      const rows: Row[] = results.cells.map((c) => {
        const row: Row = { cell: c.id };
        for (const a of axes) row[a] = c.axes[a] === undefined ? null : axisText(c.axes[a]!);
        const e = prim ? primaryEstimators(c).find((x) => x.id === prim.estimator && x.status === 'ok') : undefined;
        const v = e?.estimates[prim?.estimand ?? ''];
        row.status = c.status === 'ok' ? 'ok' : `${c.status}: ${c.reason ?? ''}`.trim();
        row.estimate = v?.estimate ?? null;
        row.ci = ciOf(v);
        row.conclusion = v ? zeroVerdict(ciOf(v)) : null;
        row.report = c.status === 'ok' ? `cells/${c.id}/report.md` : null;
        // the simulator's truth for this cell's own definitions (none when they differ from the simulated ones)
        const tc = c.status === 'ok' && e ? truthComparison(c) : null;
        const tr = tc?.applicable ? tc.rows.find((r) => r.estimatorId === e!.id && r.key === prim!.estimand && r.entry.outcome === undefined) : undefined;
        if (tr) {
          anyTruth = true;
          row.truth = tr.truth;
          row.covers = (tr.covers === null ? 'no interval' : tr.covers ? 'yes' : 'no') + (tc!.thresholdDiffers ? ' *' : '');
          if (tc!.thresholdDiffers) thresholdNote = true;
        }
        return row;
      });
      addTable(
        s,
        {
          id: 'grid_cells',
          title: prim ? `Grid cells: ${prim.estimator} (${prim.estimand})` : 'Grid cells',
          columns: [
            { key: 'cell', label: 'Cell', format: 'code' },
            ...axes.map((a) => ({ key: a, label: a })),
            { key: 'status', label: 'Status' },
            { key: 'estimate', label: 'Estimate', format: 'num' as const },
            { key: 'ci', label: '95% CI', format: 'ci' as const },
            { key: 'conclusion', label: 'Conclusion' },
            ...(anyTruth ? [{ key: 'truth', label: 'True value', format: 'num' as const }, { key: 'covers', label: 'Covers truth' }] : []),
            { key: 'report', label: 'Cell report', format: 'link' as const, linkText: 'report' },
          ],
          rows,
        },
        'cells',
      );
      if (anyTruth) {
        s.lines.push(
          'True value: the simulator\'s total effect for the cell\'s outcome (— where the simulator has none, e.g. another outcome window)' +
            (thresholdNote ? '; * the cell thresholds the treatment differently from the simulator, so it estimates a somewhat different contrast.' : '.'),
        );
      }
      const curve = results.summary.specificationCurve;
      if (curve && curve.points.length > 1) {
        // per axis: the shortest labels that still tell its values apart (a model mapping → its kind)
        const valueLabels = new Map(curve.axes.map((a) => [a, axisValueLabels(curve.points.map((p) => p.axes[a]), 30)] as const));
        addFigure(s, specificationCurveFigure.plan({ curve, cells: results.cells, valueLabels, valueLabel: yLabel, outcome: names.Y }), 'figure');
      }
    }
  },
};

/** Two estimates equal up to rounding: the variant reproduced the base cell's analysis. */
export function sameEstimate(a: number | null, b: number | null): boolean {
  return a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}
