/** The estimator forest plot: the total effect per estimator with 95% intervals. */
import { intervalChart, type IntervalRow } from './charts.js';
import type { FigureKind } from './kind.js';

interface EstimatorForestInput {
  treatment: string;
  outcome: string;
  valueLabel: string;
  rows: IntervalRow[];
  /** the simulator's true total effect, drawn dashed; null on real data */
  truthTe: number | null;
}

export const estimatorForestFigure = {
  id: 'estimator_forest',
  section: 'estimators',
  shows: 'total effect per estimator with 95% intervals, zero line, dashed true TE for simulated data',
  plan: ({ treatment, outcome, valueLabel, rows, truthTe }) => ({
    kind: 'estimator_forest',
    file: 'estimator_forest',
    title: 'Estimates across estimators',
    draw: (o) =>
      intervalChart(
        {
          title: 'Effect estimates across estimators',
          subtitle: `${treatment} on ${outcome}` + (truthTe !== null ? ' · dashed line: true total effect (simulator)' : ''),
          valueLabel,
          rows,
          ...(truthTe !== null ? { reference: { value: truthTe, label: 'true TE' } } : {}),
        },
        o,
      ),
  }),
} as const satisfies FigureKind<EstimatorForestInput>;
