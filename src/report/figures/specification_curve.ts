/** The grid's estimates ranked, with the choice panel of grid axes. */
import { specificationCurve, type SpecCurveData } from './charts.js';
import type { FigureKind } from './kind.js';
import { axisShortName } from '../labels.js';
import { truthComparison } from '../truth.js';
import type { CellResult, SpecificationCurve } from '../../results/index.js';

interface SpecificationCurveInput {
  curve: SpecificationCurve;
  /** the run's cells (for each specification's known truth) */
  cells: CellResult[];
  /** per axis: value (JSON text) → its short label */
  valueLabels: Map<string, Map<string, string>>;
  /** the y label: the effect on the report's outcome */
  valueLabel: string;
  /** the report's (primary) outcome */
  outcome: string;
}

/**
 * The chart data. Estimates on different outcomes are in different units, so when the outcome is a grid
 * axis the curve keeps the specifications on the report's outcome (the grid table lists the others) and
 * drops that axis from the choice panel. The truth line is drawn when every kept specification has the same
 * known value of the curve's estimand (the simulator's truth).
 */
export function specificationCurveModel({ curve, cells, valueLabels, valueLabel, outcome }: SpecificationCurveInput): SpecCurveData & { subtitle?: string } {
  const outcomeAxis = curve.axes.find((a) => a === 'outcomes' || a.startsWith('outcomes.'));
  let points = curve.points;
  let note: string | undefined;
  let yLabel = valueLabel;
  if (outcomeAxis) {
    const nameOf = (value: unknown): string | null =>
      typeof value === 'string' ? value : typeof value === 'object' && value !== null && typeof (value as { primary?: unknown }).primary === 'string' ? (value as { primary: string }).primary : null;
    // the report's outcome, or (when no specification used it) the first specification's
    const kept = points.some((p) => nameOf(p.axes[outcomeAxis]) === outcome) ? outcome : nameOf(points[0]?.axes[outcomeAxis]);
    points = points.filter((p) => nameOf(p.axes[outcomeAxis]) === kept);
    note = `${points.length} of ${curve.points.length} specifications: those on ${kept}; the grid table lists the other outcomes`;
    if (kept !== outcome) yLabel = `Effect on ${kept}`;
  }
  const axes = curve.axes.filter((a) => a !== outcomeAxis);
  // each specification's true value of what the curve shows: its estimator's row in the cell's truth
  // comparison (truth.ts), so an estimator on the treated is compared with the true ATT, not the TE
  const truths = points.map((p) => {
    const t = truthComparison(cells.find((c) => c.id === p.cellId) ?? null);
    const row = t?.applicable ? t.rows.find((r) => r.estimatorId === curve.estimator && r.key === curve.estimand) : undefined;
    return row ? { estimand: row.estimand, value: row.truth, shifted: t!.thresholdDiffers } : null;
  });
  const first = truths[0] ?? null;
  const truth = first && truths.every((t) => t && t.estimand === first.estimand && t.value === first.value) ? first : null;
  const someShifted = truths.some((t) => t?.shifted);
  return {
    title: `Specification curve: ${curve.estimator} (${curve.estimand})`,
    ...(note ? { subtitle: note } : {}),
    valueLabel: yLabel,
    axes,
    axisLabels: Object.fromEntries(axes.map((a) => [a, axisShortName(a)])),
    ...(truth !== null ? { reference: { value: truth.value, label: someShifted ? `true ${truth.estimand} at the simulator’s threshold` : `simulator’s true ${truth.estimand}` } } : {}),
    points: points.map((p) => ({ estimate: p.estimate, ci: p.ci, choices: Object.fromEntries(axes.map((a) => [a, valueLabels.get(a)!.get(JSON.stringify(p.axes[a] ?? null)) ?? '—'])) })),
  };
}

export const specificationCurveFigure = {
  id: 'specification_curve',
  section: 'robustness',
  shows: 'grid estimates on the report\'s outcome ranked, with the choice panel of grid axes',
  plan: (input) => ({
    kind: 'specification_curve',
    file: 'specification_curve',
    title: 'Specification curve',
    draw: (o) => specificationCurve(specificationCurveModel(input), o),
  }),
} as const satisfies FigureKind<SpecificationCurveInput>;
