/** Effects by segment with intervals, coloured by segmenting variable, dashed overall estimate. */
import { intervalChart, type IntervalRow } from './charts.js';
import type { FigureKind } from './kind.js';
import { shortLabel } from './render.js';

interface HeterogeneityFigureInput {
  /** which analysis the segments come from */
  source: string;
  valueLabel: string;
  rows: IntervalRow[];
  /** the overall estimate of the analysis' estimator (dashed line), null when it has none */
  overall: { estimate: number | null } | null;
}

function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

export const heterogeneityFigure = {
  id: 'heterogeneity',
  section: 'heterogeneity',
  shows: 'effects by segment with intervals, coloured by segmenting variable, dashed overall estimate',
  plan: ({ source, valueLabel, rows, overall }) => ({
    kind: 'heterogeneity',
    file: 'heterogeneity',
    title: 'Effects by segment',
    draw: (o) =>
      intervalChart(
        {
          title: `Effects by segment`,
          subtitle: `${shortLabel(source, 70)} · colours mark the segmenting variable` + (overall ? ' · dashed: overall estimate' : ''),
          valueLabel,
          rows,
          ...(overall && isNum(overall.estimate) ? { reference: { value: overall.estimate, label: 'overall' } } : {}),
        },
        o,
        'Segment forest plot',
      ),
  }),
} as const satisfies FigureKind<HeterogeneityFigureInput>;
