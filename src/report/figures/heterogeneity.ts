/** Effects by segment with intervals, coloured by segmenting variable, dashed overall estimate. */
import { intervalChart } from './charts.js';
import type { IntervalChartData, IntervalRow } from './interval-model.js';
import type { FigureKind } from './kind.js';
import { shortLabel } from './render.js';
import { formatInteger } from '../format.js';
import { BELOW_SIZE_FILTER } from '../../estimate/ml/heterogeneity.js';
import type { SegmentEffect } from '../../results/index.js';

interface HeterogeneityFigureInput {
  /** which analysis the segments come from */
  source: string;
  valueLabel: string;
  /** every segment of the analysis, as results.json has them (those below the size filter too) */
  segments: SegmentEffect[];
  /** the overall the segments average to: the mean of their pseudo-outcomes (src/analysis/heterogeneity.ts `overall`), null when unknown */
  overall: { estimate: number | null } | null;
}

function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/**
 * Bin edges as a reader writes them: tertile labels carry the data's raw values ("[0.444444, 0.545455]",
 * "[0.0, 71.0]", src/estimate/ml/heterogeneity.ts); three significant digits (whole numbers from 100 up).
 */
export function readableSegment(label: string): string {
  return label.replace(/-?\d+\.\d+(?:e[-+]?\d+)?/gi, (m) => {
    const x = Number(m);
    if (!Number.isFinite(x)) return m;
    return String(Math.abs(x) >= 100 ? Math.round(x) : Number(x.toPrecision(3)));
  });
}

/**
 * The chart data: segments below the analysis' size filter (no interval, src/analysis/heterogeneity.ts) are
 * left out and counted in the subtitle; each row says its size; colours mark the segmenting variable.
 */
export function heterogeneityModel({ source, valueLabel, segments, overall }: HeterogeneityFigureInput): IntervalChartData {
  const shown = segments.filter((s) => !s.segment.endsWith(BELOW_SIZE_FILTER) && isNum(s.value.estimate));
  const dropped = segments.filter((s) => s.segment.endsWith(BELOW_SIZE_FILTER)).length;
  const rows: IntervalRow[] = shown.map((s) => ({
    label: `${s.by}: ${readableSegment(s.segment)}`,
    detail: `n = ${formatInteger(s.rows)} rows` + (isNum(s.users) ? `, ${formatInteger(s.users)} users` : ''),
    estimate: s.value.estimate!,
    ci: s.value.ci ?? null,
    group: s.by,
  }));
  const overallValue = overall && isNum(overall.estimate) ? overall.estimate : null;
  return {
    title: 'Effects by segment',
    subtitle:
      shortLabel(source, 70) +
      (dropped ? ` · ${dropped} segment${dropped === 1 ? '' : 's'} below the size filter left out (see the table)` : ''),
    valueLabel,
    rows,
    groupLegend: 'segmented by',
    ...(overallValue !== null ? { reference: { value: overallValue, label: `overall estimate` } } : {}),
  };
}

export const heterogeneityFigure = {
  id: 'heterogeneity',
  section: 'heterogeneity',
  shows: 'effects by segment with intervals and sizes, coloured by segmenting variable, dashed overall estimate; segments below the size filter left out',
  plan: (input) => ({
    kind: 'heterogeneity',
    file: 'heterogeneity',
    title: 'Effects by segment',
    draw: (o) => intervalChart(heterogeneityModel(input), o, 'Segment forest plot'),
  }),
} as const satisfies FigureKind<HeterogeneityFigureInput>;
