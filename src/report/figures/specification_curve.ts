/** The grid's estimates ranked, with the choice panel of grid axes. */
import { specificationCurve } from './charts.js';
import type { FigureKind } from './kind.js';
import { axisShortName } from '../labels.js';
import type { SpecificationCurve } from '../../results/index.js';

interface SpecificationCurveInput {
  curve: SpecificationCurve;
  /** per axis: value (JSON text) → its short label */
  valueLabels: Map<string, Map<string, string>>;
  /** the y label when every specification shares the outcome */
  valueLabel: string;
  /** one true total effect for every specification, else null */
  truth: number | null;
  /** some cell thresholds the treatment differently from the simulator */
  someShifted: boolean;
}

export const specificationCurveFigure = {
  id: 'specification_curve',
  section: 'robustness',
  shows: 'grid estimates ranked, with the choice panel of grid axes',
  plan: ({ curve, valueLabels, valueLabel, truth, someShifted }) => ({
    kind: 'specification_curve',
    file: 'specification_curve',
    title: 'Specification curve',
    draw: (o) =>
      specificationCurve(
        {
          title: `Specification curve: ${curve.estimator} (${curve.estimand})`,
          // when the outcome is a grid axis, the estimates are in different outcomes' units
          valueLabel: curve.axes.some((a) => a.startsWith('outcomes')) ? 'Effect on each specification’s outcome' : valueLabel,
          axes: curve.axes,
          axisLabels: Object.fromEntries(curve.axes.map((a) => [a, axisShortName(a)])),
          ...(truth !== null ? { reference: { value: truth, label: someShifted ? 'true TE (simulator threshold)' : 'true TE' } } : {}),
          points: curve.points.map((p) => ({ estimate: p.estimate, ci: p.ci, choices: Object.fromEntries(curve.axes.map((a) => [a, valueLabels.get(a)!.get(JSON.stringify(p.axes[a] ?? null)) ?? '—'])) })),
        },
        o,
      ),
  }),
} as const satisfies FigureKind<SpecificationCurveInput>;
