/** Report section: the NIE sweep over an unmeasured mediator–outcome confounder, E-values, refuters, weight sensitivity (weight_sensitivity figure), omitted-variable-bias bounds and mediation ρ-sensitivity (./sensitivity-bounds.ts). */
import { formatInterval, formatNumber, type TableColumn } from '../format.js';
import { ciOf, isNum, type ReportSection, type Row } from './context.js';
import { mainWeighting, weightSensitivityFigure } from '../figures/weight_sensitivity.js';
import { addBoundsParts } from './sensitivity-bounds.js';

export const sensitivitySection: ReportSection = {
  id: 'sensitivity',
  title: 'Sensitivity',
  reads: ['diagnostics.mediatorConfounding', 'cells[].sensitivity'],
  build(ctx, s) {
    const { cell, names, yLabel, okEsts, labelOf, addTable, addFigure } = ctx;
    // NIE adjusted for an unmeasured mediator–outcome confounder U (sensitivity/mediator-confounding.ts):
    // rows are U's prevalence difference δ between arms, columns its effect γ on Y in SD(Y)
    const sweeps = (cell?.diagnostics as Record<string, unknown> | undefined)?.mediatorConfounding;
    const rows: Row[] = [];
    const gammaKeys = new Map<number, string>();
    if (Array.isArray(sweeps)) {
      for (const sw of sweeps as Array<Record<string, unknown>>) {
        const grid = Array.isArray(sw?.grid) ? (sw.grid as Array<Record<string, unknown>>) : [];
        const breakdown = (sw?.breakdown ?? {}) as { bias?: number; biasSd?: number; ciBias?: number | null; ciBiasSd?: number | null; gammaSdAtDelta?: Array<{ delta: number; gammaSd: number | null }> };
        const est = typeof sw.estimator === 'string' ? sw.estimator : '?';
        const entry = okEsts.find((e) => e.id === est);
        const deltas = [...new Set(grid.map((g) => g.delta as number))].filter(isNum).sort((a, b) => a - b);
        for (const g of grid) if (isNum(g.gammaSd)) gammaKeys.set(g.gammaSd, `g_${String(g.gammaSd).replace('.', '_')}`);
        for (const d of deltas) {
          const row: Row = { estimator: entry ? labelOf(entry) : est, delta: d };
          for (const g of grid.filter((x) => x.delta === d)) {
            if (!isNum(g.gammaSd) || !isNum(g.nieAdjusted)) continue;
            const mark = g.explainedAway ? ' (sign flips)' : g.ciIncludesZero ? ' (CI ∋ 0)' : '';
            row[gammaKeys.get(g.gammaSd)!] = `${formatNumber(g.nieAdjusted)}${mark}`;
          }
          const need = breakdown.gammaSdAtDelta?.find((x) => x.delta === d);
          row.needed = need && isNum(need.gammaSd) ? need.gammaSd : null;
          rows.push(row);
        }
        if (isNum(sw.nie) && isNum(breakdown.bias)) {
          s.lines.push(
            `${entry ? labelOf(entry) : est}: NIE ${formatNumber(sw.nie)}${ciOf({ estimate: sw.nie, ci: sw.ci as [number, number] | null }) ? ' ' + formatInterval(ciOf({ estimate: sw.nie, ci: sw.ci as [number, number] | null })) : ' (no interval)'}. ` +
              `An unmeasured M–Y confounder explains it away when δ·γ reaches ${formatNumber(breakdown.bias)} (${formatNumber(breakdown.biasSd ?? null)} SD of ${names.Y})` +
              (isNum(breakdown.ciBias) ? `; its interval reaches zero at δ·γ = ${formatNumber(breakdown.ciBias)} (${formatNumber(breakdown.ciBiasSd ?? null)} SD)` : '') +
              '.',
          );
        }
      }
    }
    const gammas = [...gammaKeys.keys()].sort((a, b) => a - b);
    addTable(
      s,
      {
        id: 'mediator_confounding',
        title: 'NIE adjusted for an unmeasured mediator–outcome confounder',
        columns: [
          { key: 'estimator', label: 'Estimator' },
          { key: 'delta', label: 'δ (prevalence difference of U)', format: 'num', digits: 2 },
          ...gammas.map((g): TableColumn => ({ key: gammaKeys.get(g)!, label: `γ = ${g} SD`, align: 'right' })),
          { key: 'needed', label: 'γ that explains NIE away (SD)', format: 'num', digits: 3 },
        ],
        rows,
      },
      'mediatorConfounding',
    );
    if (cell?.sensitivity) {
      const sens = cell.sensitivity;
      addTable(
        s,
        {
          id: 'evalues',
          title: 'E-values',
          columns: [
            { key: 'estimator', label: 'Estimator' },
            { key: 'estimand', label: 'Estimand' },
            { key: 'point', label: 'E-value (point)', format: 'num', digits: 2 },
            { key: 'ciBound', label: 'E-value (CI bound)', format: 'num', digits: 2 },
            { key: 'scale', label: 'Scale' },
          ],
          rows: (sens.evalues ?? []).map((r) => ({ ...r, scale: r.scale ?? null })),
        },
        'evalues',
      );
      addTable(
        s,
        {
          id: 'refuters',
          title: 'Refutation tests',
          columns: [
            { key: 'refuter', label: 'Refuter' },
            { key: 'estimator', label: 'Estimator' },
            { key: 'estimand', label: 'Estimand' },
            { key: 'original', label: 'Original', format: 'num' },
            { key: 'refuted', label: 'Refuted', format: 'num' },
            { key: 'ci', label: '95% CI', format: 'ci' },
            { key: 'result', label: 'Result' },
            { key: 'note', label: 'Note' },
          ],
          rows: (sens.refuters ?? []).map((r) => ({ refuter: r.refuter, estimator: r.estimator, estimand: r.estimand, original: r.original, refuted: r.refuted.estimate, ci: ciOf(r.refuted), result: r.passes === null ? 'n/a' : r.passes ? 'passes' : 'fails', note: r.note ?? null })),
        },
        'refuters',
      );
      const ws = sens.weights ?? [];
      addTable(
        s,
        {
          id: 'weight_sensitivity',
          title: 'Weight sensitivity',
          columns: [
            { key: 'label', label: 'Weighting' },
            { key: 'weighting', label: 'Weights', format: 'code' },
            { key: 'estimate', label: 'Estimate', format: 'num' },
            { key: 'ci', label: '95% CI', format: 'ci' },
            { key: 'relative', label: 'Relative', format: 'pct' },
            { key: 'ess', label: 'ESS', format: 'num' },
            { key: 'essShare', label: 'ESS share', format: 'pct' },
          ],
          rows: ws.map((r) => ({ label: r.label, weighting: r.weighting, estimate: r.value.estimate, ci: ciOf(r.value), relative: r.value.relative ?? null, ess: r.ess ?? null, essShare: r.essShare ?? null })),
        },
        'weights',
      );
      if (ws.some((r) => isNum(r.value.estimate))) {
        addFigure(s, weightSensitivityFigure.plan({ valueLabel: yLabel, weights: ws, main: mainWeighting(okEsts, labelOf) }), 'weightsFigure');
      }
      addBoundsParts(ctx, s, sens);
    }
  },
};
