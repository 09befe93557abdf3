/** Report section: the summary bullets (known truth, primary estimate, ranges, cautions); recommendations are the findings section's. */
import { TOTAL_KEYS, firstEstimate } from '../../results/index.js';
import { formatInterval, formatNumber, formatPercent, zeroVerdict } from '../format.js';
import { ciOf, type ReportSection } from './context.js';
import { findKind } from '../../estimate/kinds/index.js';

export const summarySection: ReportSection = {
  id: 'summary',
  title: 'Summary',
  reads: ['summary', 'cells[].estimators', 'diagnostics.truth', 'cells[].readiness'],
  build(ctx, s) {
    const { results, scope, cell, names, okEsts, labelOf, truth, readinessRows } = ctx;
    s.available = true;
    const lines = s.lines;
    const prim = results.summary.primary;
    const headEst = prim ? okEsts.find((e) => e.id === prim.estimator) : undefined;
    const headVal = headEst && prim ? headEst.estimates[prim.estimand] : undefined;
    if (cell && cell.status !== 'ok') lines.push(`This cell did not run: ${cell.reason ?? 'no reason given'}.`);
    if (truth?.applicable) {
      const te = truth.rows.filter((r) => r.estimand === 'TE' && r.entry.outcome === undefined);
      const withCi = te.filter((r) => r.covers !== null);
      if (te.length) {
        lines.push(
          `Known truth (simulated data): the true total effect on ${names.Y} is ${formatNumber(te[0]!.truth)}; ${withCi.filter((r) => r.covers).length} of ${withCi.length} estimator intervals cover it` +
            (withCi.some((r) => !r.covers) ? ` (missed by: ${[...new Set(withCi.filter((r) => !r.covers).map((r) => `${r.estimatorId} ${r.key}`))].join(', ')}).` : '.'),
        );
      }
    }
    if (headEst && headVal && prim) {
      lines.push(`Primary estimate (${labelOf(headEst)}, ${prim.estimand}): ${formatNumber(headVal.estimate)} on ${names.Y}, 95% CI ${formatInterval(ciOf(headVal))} — ${zeroVerdict(ciOf(headVal))}.`);
    }
    // the unadjusted difference in means is a reference, not one of the estimators being compared
    const adjusted = okEsts.filter((e) => findKind(e.kind)?.adjusted ?? true);
    const totals = adjusted.map((e) => firstEstimate(e, TOTAL_KEYS)).filter((t): t is NonNullable<typeof t> => !!t);
    if (totals.length > 1) {
      const vals = totals.map((t) => t.value.estimate!);
      // only estimates that have an interval can exclude zero; the others are named as such
      const withInterval = totals.filter((t) => ciOf(t.value) !== null);
      const excl = withInterval.filter((t) => zeroVerdict(ciOf(t.value)) === 'interval excludes zero').length;
      const without = totals.length - withInterval.length;
      const naive = okEsts.find((e) => findKind(e.kind)?.adjusted === false);
      const naiveValue = naive ? firstEstimate(naive, TOTAL_KEYS) : null;
      lines.push(
        `Across ${totals.length} adjusted estimators the total effect ranges from ${formatNumber(Math.min(...vals))} to ${formatNumber(Math.max(...vals))}; ${excl} of ${withInterval.length} intervals exclude zero${without ? ` (${without} estimate${without === 1 ? ' has' : 's have'} no interval)` : ''}` +
          (naiveValue ? ` (unadjusted difference in means: ${formatNumber(naiveValue.value.estimate)}).` : '.'),
      );
    }
    const med = okEsts.find((e) => firstEstimate(e, ['nie']) && firstEstimate(e, ['te']));
    if (med) {
      const nie = med.estimates.nie!;
      const te = med.estimates.te!;
      lines.push(`Indirect effect through ${names.M} (${labelOf(med)}): ${formatNumber(nie.estimate)} ${formatInterval(ciOf(nie))}, ${te.estimate ? formatPercent(Math.abs((nie.estimate ?? 0) / te.estimate)) : '—'} of the total effect in size.`);
    }
    if (scope === 'run' && results.cells.length > 1) {
      const c = results.summary.cells;
      lines.push(`Grid: ${c.total} cells, ${c.ok} ok, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}.`);
      const curve = results.summary.specificationCurve;
      if (curve && curve.points.length) {
        const pos = curve.points.filter((p) => p.estimate > 0).length;
        const excl = curve.points.filter((p) => p.ci && (p.ci[0] > 0 || p.ci[1] < 0)).length;
        lines.push(`Across the grid, ${curve.estimator} (${curve.estimand}) ranges from ${formatNumber(curve.points[0]!.estimate)} to ${formatNumber(curve.points[curve.points.length - 1]!.estimate)}; ${pos} of ${curve.points.length} positive, ${excl} with intervals excluding zero.`);
      }
    }
    // a truth for another treatment is a footnote, not a headline
    if (truth && !truth.applicable) lines.push(truth.notes[0]!);
    // the positivity row of the assumption table, when it is at risk (separation, propensities at the clip bounds)
    const positivity = cell?.assumptions.find((a) => a.assumption === 'Positivity (overlap)');
    if (positivity && positivity.risk.startsWith('high')) lines.push(`Caution: positivity (overlap) is at risk — ${positivity.risk.replace(/^high: /, '')} (${positivity.value}).`);
    for (const r of readinessRows) if (r.passes === false) lines.push(`Caution: ${r.check} is ${typeof r.value === 'number' ? formatNumber(r.value) : r.value ?? '—'}${r.threshold !== undefined && r.threshold !== null ? ` (wanted ${r.threshold})` : ''}.`);
    s.available = true;
  },
};
