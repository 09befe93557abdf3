/**
 * What a point-and-interval chart (charts.ts intervalChart) draws, decided before any pixel: the value
 * axis range, each row's marker and colour, which rows lie beyond the axis, and the legend. Kept apart from
 * the drawing so tests can check the data a figure is given (test/report/figure-models.test.ts).
 *
 * Marker conventions (docs/report.md, Figures): filled circle = estimate with a 95% interval; hollow circle
 * = estimate without one; grey diamond = an unadjusted comparison (difference in means, unweighted), left
 * out of the axis range so it cannot squash the adjusted estimates and drawn as an arrow at the edge when it
 * lies beyond; square = the setting the main estimate uses; dashed amber line = a reference value (the
 * simulator's truth, the overall estimate); amber tick across a row = that row's own true value. Colours mark groups (segmenting variable, outcome) only.
 */
import { formatInterval, formatNumber } from '../format.js';
import { PALETTE, paddedRange, type LegendSwatch } from './render.js';

export interface IntervalRow {
  label: string;
  estimate: number;
  ci: [number, number] | null;
  /** a second, smaller line under the label (e.g. a segment's size) */
  detail?: string;
  /** colour group (e.g. the segmenting variable); rows of one group share a colour */
  group?: string;
  /** an unadjusted comparison: kept out of the axis range, drawn as a grey diamond (an arrow when beyond the axis) */
  unadjusted?: boolean;
  /** the setting the main estimate uses (weight sensitivity): drawn as a square */
  main?: boolean;
  /**
   * this row's own known value (the simulator's truth of its estimand), drawn as an amber tick across the
   * row: for charts whose rows estimate different quantities (a forest plot mixing ATE and ATT rows)
   */
  truth?: number;
}

export interface IntervalChartData {
  title: string;
  subtitle?: string;
  /** what the value axis measures, e.g. "Effect on future_7day_interactions" */
  valueLabel: string;
  rows: IntervalRow[];
  /** label for the category axis */
  categoryLabel?: string;
  /** a known or reference value drawn as a dashed vertical line, e.g. the simulator's true effect */
  reference?: { value: number; label: string };
  /** what the colour groups are, for the legend (e.g. "segmented by"); groups get legend entries when there are several */
  groupLegend?: string;
}

export type MarkerKind = 'interval' | 'no-interval' | 'unadjusted' | 'main';

/** One legend entry: a marker, a line or a colour box, and its meaning. */
export type LegendEntry = LegendSwatch;

export interface IntervalLayoutRow {
  label: string;
  detail?: string;
  estimate: number;
  ci: [number, number] | null;
  marker: MarkerKind;
  color: string;
  /** the estimate lies beyond the axis: drawn as an arrow at that edge with its value printed */
  offScale: 'left' | 'right' | null;
  /** the row's own true value (IntervalRow.truth), null when it has none */
  truth: number | null;
}

export interface IntervalLayout {
  range: { min: number; max: number };
  rows: IntervalLayoutRow[];
  legend: LegendEntry[];
}

const UNADJUSTED_COLOR = PALETTE.grey;

/** Axis range, markers, off-scale rows and legend of a point-and-interval chart. */
export function intervalLayout(data: IntervalChartData): IntervalLayout {
  const groups = [...new Set(data.rows.map((r) => r.group ?? ''))];
  const colorOf = (g: string | undefined): string => PALETTE.series[groups.indexOf(g ?? '') % PALETTE.series.length]!;
  // unadjusted rows do not set the range, unless nothing else would
  const ranged = data.rows.some((r) => !r.unadjusted) ? data.rows.filter((r) => !r.unadjusted) : data.rows;
  const truths = data.rows.flatMap((r) => (r.truth !== undefined && Number.isFinite(r.truth) ? [r.truth] : []));
  const range = niceRange(paddedRange([...ranged.flatMap((r) => [r.estimate, ...(r.ci ?? [])]), ...(data.reference ? [data.reference.value] : []), ...truths]));
  const rows = data.rows.map((r): IntervalLayoutRow => {
    const marker: MarkerKind = r.unadjusted ? 'unadjusted' : r.main ? 'main' : r.ci ? 'interval' : 'no-interval';
    return {
      label: r.label,
      ...(r.detail ? { detail: r.detail } : {}),
      estimate: r.estimate,
      ci: r.ci,
      marker,
      color: r.unadjusted ? UNADJUSTED_COLOR : colorOf(r.group),
      offScale: r.estimate < range.min ? 'left' : r.estimate > range.max ? 'right' : null,
      truth: r.truth !== undefined && Number.isFinite(r.truth) ? r.truth : null,
    };
  });
  const legend: LegendEntry[] = [];
  const several = groups.length > 1;
  if (several) for (const g of groups) legend.push({ text: data.groupLegend ? `${data.groupLegend} ${g || '—'}` : g || '—', kind: 'box', color: colorOf(g) });
  const neutral = several ? PALETTE.dark : PALETTE.series[0]!;
  const has = (m: MarkerKind): boolean => rows.some((r) => r.marker === m);
  const markers: LegendEntry[] = [];
  if (has('interval')) markers.push({ text: 'estimate with 95% interval', kind: 'filled', color: neutral });
  if (has('no-interval')) markers.push({ text: 'estimate without an interval', kind: 'hollow', color: neutral });
  if (has('main')) markers.push({ text: 'setting of the main estimate', kind: 'square', color: neutral });
  // only unadjusted rows can lie beyond the axis: every other row sets the range
  if (rows.some((r) => r.marker === 'unadjusted' && !r.offScale)) markers.push({ text: 'unadjusted (kept out of the axis range)', kind: 'diamond', color: UNADJUSTED_COLOR });
  if (rows.some((r) => r.offScale)) markers.push({ text: 'unadjusted, beyond the axis (value printed)', kind: 'arrow', color: UNADJUSTED_COLOR });
  const reference: LegendEntry[] = data.reference ? [{ text: `${data.reference.label} ${formatNumber(data.reference.value)}`, kind: 'dashed', color: PALETTE.reference }] : [];
  if (truths.length > 0) reference.push({ text: 'true value of the row’s estimand (simulator)', kind: 'mark', color: PALETTE.reference });
  // a lone "estimate with 95% interval" explains nothing the whiskers do not: no legend then
  if (several || reference.length || markers.length > 1) legend.push(...markers, ...reference);
  return { range, rows, legend };
}

/**
 * The axis limits drawn: the padded range widened to whole ticks (1, 2 or 5 × 10^k, about six of them),
 * fixed so that "beyond the axis" means beyond what the reader sees.
 */
export function niceRange(r: { min: number; max: number }): { min: number; max: number } {
  const raw = (r.max - r.min) / 6;
  if (!(raw > 0) || !Number.isFinite(raw)) return r;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  // rounding to 12 significant digits keeps ticks like 0.30000000000000004 out of the limits
  const round = (x: number): number => Number(x.toPrecision(12));
  return { min: round(Math.floor(r.min / step) * step), max: round(Math.ceil(r.max / step) * step) };
}

/** The text beside an off-scale arrow: the estimate and its interval. */
export function offScaleText(row: Pick<IntervalLayoutRow, 'estimate' | 'ci' | 'offScale'>): string {
  const text = `${formatNumber(row.estimate)}${row.ci ? ' ' + formatInterval(row.ci) : ''}`;
  return row.offScale === 'left' ? `← ${text}` : `${text} →`;
}
