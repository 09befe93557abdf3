/** The estimator forest plot: the total effect per estimator with 95% intervals. */
import { intervalChart } from './charts.js';
import type { IntervalChartData, IntervalRow } from './interval-model.js';
import type { FigureKind } from './kind.js';
import { findKind } from '../../estimate/kinds/index.js';

interface EstimatorForestInput {
  treatment: string;
  outcome: string;
  valueLabel: string;
  /** one row per estimate; `kind` is the estimator's kind (an unadjusted kind stays out of the axis range) */
  rows: Array<Omit<IntervalRow, 'unadjusted'> & { kind?: string }>;
  /** the simulator's true total effect, drawn dashed; null on real data */
  truthTe: number | null;
}

/**
 * The chart data: an unadjusted comparison (difference in means) is marked so that it does not set the axis
 * range — it is often several times the adjusted estimates and would squash them into one point — and is
 * drawn at the edge with its value when it lies beyond. The truth line has its legend entry.
 */
export function estimatorForestModel({ treatment, outcome, valueLabel, rows, truthTe }: EstimatorForestInput): IntervalChartData {
  return {
    title: 'Effect estimates across estimators',
    subtitle: `${treatment} on ${outcome}`,
    valueLabel,
    rows: rows.map(({ kind, ...r }) => ({ ...r, ...(kind !== undefined && findKind(kind)?.adjusted === false ? { unadjusted: true } : {}) })),
    ...(truthTe !== null ? { reference: { value: truthTe, label: 'simulator’s true TE' } } : {}),
  };
}

export const estimatorForestFigure = {
  id: 'estimator_forest',
  section: 'estimators',
  shows: 'total effect per estimator with 95% intervals, zero line, dashed true TE for simulated data; the unadjusted estimate stays out of the axis range',
  plan: (input) => ({
    kind: 'estimator_forest',
    file: 'estimator_forest',
    title: 'Estimates across estimators',
    draw: (o) => intervalChart(estimatorForestModel(input), o),
  }),
} as const satisfies FigureKind<EstimatorForestInput>;
