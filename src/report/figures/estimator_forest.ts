/** The estimator forest plot: the total effect per estimator with 95% intervals. */
import { intervalChart } from './charts.js';
import type { IntervalChartData, IntervalRow } from './interval-model.js';
import type { FigureKind } from './kind.js';
import { findKind } from '../../estimate/kinds/index.js';

interface EstimatorForestInput {
  treatment: string;
  outcome: string;
  valueLabel: string;
  /**
   * one row per estimate; `kind` is the estimator's kind (an unadjusted kind stays out of the axis range);
   * `truth` the simulator's true value of the row's estimand (TE, ATT or ATC; absent on real data)
   */
  rows: Array<Omit<IntervalRow, 'unadjusted' | 'truth'> & { kind?: string; truth?: { estimand: string; value: number } }>;
}

/**
 * The chart data: an unadjusted comparison (difference in means) is marked so that it does not set the axis
 * range — it is often several times the adjusted estimates and would squash them into one point — and is
 * drawn at the edge with its value when it lies beyond. The truth has its legend entry: one dashed line when
 * every row with a truth estimates the same quantity (the TE, say), else an amber tick on each row at its
 * own estimand's true value — rows on the treated (ATT) are not measured against the true TE.
 */
export function estimatorForestModel({ treatment, outcome, valueLabel, rows }: EstimatorForestInput): IntervalChartData {
  const truths = new Map(rows.flatMap((r) => (r.truth ? [[`${r.truth.estimand}=${r.truth.value}`, r.truth] as const] : [])));
  const common = truths.size === 1 ? [...truths.values()][0]! : null;
  return {
    title: 'Effect estimates across estimators',
    subtitle: `${treatment} on ${outcome}`,
    valueLabel,
    rows: rows.map(({ kind, truth, ...r }) => ({
      ...r,
      ...(kind !== undefined && findKind(kind)?.adjusted === false ? { unadjusted: true } : {}),
      ...(truth && truths.size > 1 ? { truth: truth.value } : {}),
    })),
    ...(common ? { reference: { value: common.value, label: `simulator’s true ${common.estimand}` } } : {}),
  };
}

export const estimatorForestFigure = {
  id: 'estimator_forest',
  section: 'estimators',
  shows: 'total effect per estimator with 95% intervals, zero line, the true effect for simulated data (dashed; a tick per row when rows estimate different populations); the unadjusted estimate stays out of the axis range',
  plan: (input) => ({
    kind: 'estimator_forest',
    file: 'estimator_forest',
    title: 'Estimates across estimators',
    draw: (o) => intervalChart(estimatorForestModel(input), o),
  }),
} as const satisfies FigureKind<EstimatorForestInput>;
