/** Report section: propensity overlap, analysis weights and covariate balance (overlap and love_plot figures). */
import { type TableColumn } from '../format.js';
import { isNum, type ReportSection, type Row } from './context.js';
import { overlapFigure } from '../figures/overlap.js';
import { lovePlotFigure } from '../figures/love_plot.js';

export const overlapSection: ReportSection = {
  id: 'overlap',
  title: 'Overlap and balance',
  reads: ['diagnostics.overlap', 'diagnostics.weights', 'diagnostics.balance'],
  build(ctx, s) {
    const { names, diag, addTable, addFigure } = ctx;
    const ov = diag('overlap');
    if (ov) {
      const keys: Array<[string, number]> = [
        ['treatment rate', ov.treatmentRate],
        ['propensity min', ov.min],
        ['propensity p01', ov.p01],
        ['propensity p05', ov.p05],
        ['propensity median', ov.median],
        ['propensity p95', ov.p95],
        ['propensity p99', ov.p99],
        ['propensity max', ov.max],
        ['share below 0.05', ov.shareBelow005],
        ['share above 0.95', ov.shareAbove095],
      ];
      // the estimators' propensities at their clip bounds (src/analysis/propensity.ts clipPileups): the
      // positivity row of the assumption table reads the same record
      const pileup = (ctx.cell?.diagnostics.overlap as { clip_pileup?: { estimators?: Array<{ estimator: string; share: number; low: number; high: number; status: string }> } } | undefined)?.clip_pileup;
      for (const p of pileup?.estimators ?? []) {
        keys.push([`share at or beyond [${p.low}, ${p.high}], the clip bounds or near 0/1 (${p.estimator}${p.status === 'failed' ? ', failed' : ''})`, p.share]);
      }
      addTable(s, { id: 'overlap_summary', title: 'Propensity overlap', columns: [{ key: 'diagnostic', label: 'Diagnostic' }, { key: 'value', label: 'Value', format: 'num', digits: 4 }], rows: keys.map(([diagnostic, value]) => ({ diagnostic, value })) }, 'summary');
      const h = ov.histogram;
      if (h && h.edges.length >= 2 && h.treated.length === h.edges.length - 1 && h.control.length === h.edges.length - 1) {
        addFigure(s, overlapFigure.plan({ treatment: names.A, edges: h.edges, treated: h.treated, control: h.control }), 'figure');
      }
    }
    const w = diag('weights');
    if (w) {
      addTable(
        s,
        {
          id: 'weight_distribution',
          title: 'Analysis weights',
          columns: [
            ...['mean', 'sd', 'min', 'p50', 'p90', 'p95', 'p99', 'max'].map((k): TableColumn => ({ key: k, label: k, format: 'num' })),
            { key: 'ess', label: 'ESS', format: 'num' },
            { key: 'essShare', label: 'ESS share', format: 'pct' },
          ],
          rows: [{ ...w } as unknown as Row],
        },
        'weights',
      );
    }
    const bal = diag('balance') ?? null;
    // "after weighting" only when an estimator weighted the rows; otherwise the columns would repeat the
    // unweighted SMDs under a heading that claims a weighting that never happened
    const weighted = Boolean(diag('weights'));
    if (bal) {
      const abs = (x: number | null | undefined): number | null => (isNum(x) ? Math.abs(x) : null);
      const before = bal.map((r) => abs(r.smdBefore)).filter(isNum);
      const after = bal.map((r) => abs(r.smdAfter)).filter(isNum);
      const mean = (a: number[]): number | null => (a.length ? a.reduce((s, v) => s + v, 0) / a.length : null);
      addTable(
        s,
        {
          id: 'balance_summary',
          title: 'Balance summary',
          columns: weighted
            ? [{ key: 'diagnostic', label: 'Diagnostic' }, { key: 'before', label: 'Before weighting', format: 'num', digits: 4 }, { key: 'after', label: 'After weighting', format: 'num', digits: 4 }]
            : [{ key: 'diagnostic', label: 'Diagnostic' }, { key: 'before', label: 'Between arms (no estimator weights the rows)', format: 'num', digits: 4 }],
          rows: [
            { diagnostic: 'max |SMD|', before: before.length ? Math.max(...before) : null, after: after.length ? Math.max(...after) : null },
            { diagnostic: 'mean |SMD|', before: mean(before), after: mean(after) },
            { diagnostic: 'covariates with |SMD| > 0.10', before: before.filter((v) => v > 0.1).length, after: after.filter((v) => v > 0.1).length },
            { diagnostic: 'covariates with |SMD| > 0.25', before: before.filter((v) => v > 0.25).length, after: after.filter((v) => v > 0.25).length },
          ],
        },
        'balanceSummary',
      );
      const sorted = [...bal].sort((a, b) => (abs(b.smdBefore) ?? 0) - (abs(a.smdBefore) ?? 0));
      addTable(
        s,
        {
          id: 'balance_table',
          title: 'Covariate balance (largest imbalances first)',
          columns: [
            { key: 'covariate', label: 'Covariate', format: 'code' },
            { key: 'treatedMean', label: 'Treated mean', format: 'num' },
            { key: 'controlMean', label: 'Control mean', format: 'num' },
            { key: 'smdBefore', label: weighted ? 'SMD before' : 'SMD', format: 'num', digits: 3 },
            ...(weighted ? [{ key: 'smdAfter', label: 'SMD after', format: 'num' as const, digits: 3 }] : []),
          ],
          rows: sorted.map((r) => ({ covariate: r.covariate, treatedMean: r.treatedMean, controlMean: r.controlMean, smdBefore: r.smdBefore, smdAfter: r.smdAfter })),
        },
        'balance',
      );
      const others = diag('balanceWeightings');
      addFigure(s, lovePlotFigure.plan(others ? Object.assign([...bal], { others }) : bal), 'loveFigure');
    }
  },
};
