/** Effects on the secondary outcomes (relative to the control mean when every row has one). */
import { intervalChart } from './charts.js';
import type { IntervalChartData, IntervalRow } from './interval-model.js';
import type { FigureKind } from './kind.js';
import { findKind } from '../../estimate/kinds/index.js';

interface SecondaryOutcomesInput {
  /** one row per estimate; `group` is the outcome, `kind` the estimator's kind */
  rows: Array<Omit<IntervalRow, 'unadjusted'> & { kind?: string }>;
  /** rows are % of the control mean (else each outcome's units) */
  relative: boolean;
}

/** The chart data: colours mark the outcome (legend); an unadjusted comparison stays out of the axis range, as on the forest plot. */
export function secondaryOutcomesModel({ rows, relative }: SecondaryOutcomesInput): IntervalChartData {
  return {
    title: 'Effects on secondary outcomes',
    subtitle: relative ? 'Relative to each outcome’s control mean' : 'In each outcome’s own units: compare rows of one colour only',
    valueLabel: relative ? 'Effect (% of control mean)' : 'Effect (outcome units)',
    rows: rows.map(({ kind, ...r }) => ({ ...r, ...(kind !== undefined && findKind(kind)?.adjusted === false ? { unadjusted: true } : {}) })),
    groupLegend: 'outcome',
  };
}

export const secondaryOutcomesFigure = {
  id: 'secondary_outcomes',
  section: 'secondary',
  shows: 'effects on secondary outcomes (relative to control mean when available), coloured by outcome; the unadjusted estimate stays out of the axis range',
  plan: (input) => ({
    kind: 'secondary_outcomes',
    file: 'secondary_outcomes',
    title: 'Effects on secondary outcomes',
    draw: (o) => intervalChart(secondaryOutcomesModel(input), o),
  }),
} as const satisfies FigureKind<SecondaryOutcomesInput>;
