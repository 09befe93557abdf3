/**
 * The report's charts. Each takes plain data and returns { png, svg?, alt }; the alt text states what
 * the figure shows in words (and numbers where short) and goes into the report next to the image.
 */
import { formatInteger, formatInterval, formatNumber } from '../format.js';
import { intervalLayout, offScaleText, type IntervalChartData, type IntervalLayoutRow } from './interval-model.js';
import {
  PALETTE,
  legendOptions,
  paddedRange,
  renderChart,
  shortLabel,
  titleOptions,
  type Figure,
  type LegendSwatch,
  type FigureOptions,
  type ReferenceLine,
} from './render.js';

const WIDTH = 1000;

export type { IntervalRow, IntervalChartData } from './interval-model.js';

function intervalAlt(kind: string, data: IntervalChartData, layout: ReturnType<typeof intervalLayout>): string {
  const parts = data.rows.map((r) => `${r.label}${r.detail ? ` (${r.detail})` : ''} ${formatNumber(r.estimate)} ${r.ci ? formatInterval(r.ci) : '(no interval)'}`);
  const crossing = data.rows.filter((r) => r.ci && r.ci[0] <= 0 && r.ci[1] >= 0).length;
  const withCi = data.rows.filter((r) => r.ci).length;
  const beyond = layout.rows.filter((r) => r.offScale).map((r) => r.label);
  return (
    `${kind}: ${data.title}${data.subtitle ? ` (${data.subtitle})` : ''}. ${data.valueLabel} with 95% intervals, one row each: ${parts.join('; ')}.` +
    (withCi ? ` ${crossing} of ${withCi} intervals cross zero.` : '') +
    (withCi < data.rows.length ? ` ${data.rows.length - withCi} without an interval (hollow markers).` : '') +
    (beyond.length ? ` Beyond the axis (arrow at the edge): ${beyond.join(', ')}.` : '') +
    (data.reference
      ? ` A dashed line marks ${data.reference.label} (${formatNumber(data.reference.value)}); ${data.rows.filter((r) => r.ci && r.ci[0] <= data.reference!.value && data.reference!.value <= r.ci[1]).length} of ${withCi} intervals cover it.`
      : '') +
    rowTruthAlt(layout.rows)
  );
}

/** The alt text of rows' own true values (amber ticks): each value with its rows, and how many intervals cover their row's. */
function rowTruthAlt(rows: IntervalLayoutRow[]): string {
  const marked = rows.filter((r) => r.truth !== null);
  if (marked.length === 0) return '';
  const byValue = new Map<number, string[]>();
  for (const r of marked) byValue.set(r.truth!, [...(byValue.get(r.truth!) ?? []), r.label]);
  const listed = [...byValue].map(([v, labels]) => `${formatNumber(v)} for ${labels.join(', ')}`).join('; ');
  const withCi = marked.filter((r) => r.ci);
  const covering = withCi.filter((r) => r.ci![0] <= r.truth! && r.truth! <= r.ci![1]).length;
  return ` Amber ticks mark each row's true value (simulator): ${listed}${withCi.length ? `; ${covering} of ${withCi.length} intervals cover their row's` : ''}.`;
}

/**
 * Horizontal point-and-interval chart (forest plot). Used for the estimator comparison, weight
 * sensitivity, secondary outcomes and heterogeneity by segment.
 */
export function intervalChart(data: IntervalChartData, opts: FigureOptions = {}, kind = 'Forest plot'): Figure {
  const layout = intervalLayout(data);
  const { range, rows } = layout;
  // a row with a detail (a segment's size) gets it as a second tick line
  const labels = rows.map((r) => (r.detail ? [shortLabel(r.label, 62), shortLabel(r.detail, 62)] : shortLabel(r.label, 62)));
  const rowHeight = rows.some((r) => r.detail) ? 46 : 38;
  const legendRows = layout.legend.length ? Math.ceil(layout.legend.reduce((w, e) => w + e.text.length * 7 + 40, 0) / (WIDTH - 60)) : 0;
  const height = Math.max(260, 130 + rows.length * rowHeight + (data.subtitle ? 18 : 0) + legendRows * 24);
  const lines: ReferenceLine[] = [{ scale: 'x', value: 0, color: '#111827', width: 1.4 }];
  // the reference line's name and value are in the legend (interval-model.ts always shows one with a reference)
  if (data.reference) lines.push({ scale: 'x', value: data.reference.value, color: PALETTE.reference, width: 2, dash: [7, 4] });
  const styleOf = { interval: 'circle', 'no-interval': 'circle', unadjusted: 'rectRot', main: 'rect' } as const;
  const config = {
    type: 'line',
    data: {
      labels,
      datasets: [
        {
          // an off-scale estimate has no point: the arrow at the edge stands for it
          data: rows.map((r) => (r.offScale ? null : r.estimate)),
          // an off-scale row's interval is printed beside its arrow instead
          intervals: rows.map((r) => (r.offScale ? null : r.ci)),
          offScale: rows.map((r) => (r.offScale ? { side: r.offScale, text: offScaleText(r), color: r.color } : null)),
          showLine: false,
          spanGaps: false,
          // a point smaller than its interval keeps narrow whiskers visible
          pointRadius: rows.map((r) => (r.ci && (r.ci[1] - r.ci[0]) / (range.max - range.min) < 0.04 ? 4 : r.marker === 'unadjusted' || r.marker === 'main' ? 7 : 6)),
          pointHoverRadius: 6,
          pointStyle: rows.map((r) => styleOf[r.marker]),
          // hollow: no interval (an unadjusted row without one too)
          pointBackgroundColor: rows.map((r) => (r.ci ? r.color : '#ffffff')),
          pointBorderColor: rows.map((r) => (r.ci ? '#111827' : r.color)),
          pointBorderWidth: rows.map((r) => (r.ci ? 1 : 2.5)),
          // each row's own true value, drawn by render.ts's mark plugin
          ...(rows.some((r) => r.truth !== null) ? { marks: rows.map((r) => r.truth) } : {}),
        },
      ],
    },
    options: {
      ...horizontalLayout(),
      scales: {
        x: valueAxis(data.valueLabel, { min: range.min, max: range.max }),
        y: {
          type: 'category',
          offset: true,
          title: data.categoryLabel ? { display: true, text: data.categoryLabel, font: { size: 13, weight: 'bold' } } : { display: false },
          grid: { display: false },
          ticks: { font: { size: 13 } },
        },
      },
      plugins: {
        legend: legendOptions(layout.legend),
        ...titleOptions(data.title, data.subtitle),
        causewayLines: { lines },
      },
    },
  };
  const out = renderChart(config, WIDTH, height, opts);
  return { ...out, alt: intervalAlt(kind, data, layout) };
}

export interface LovePlotData {
  title?: string;
  rows: Array<{ covariate: string; before: number | null; after: number | null }>;
  /** show at most this many covariates, largest |before| first */
  limit?: number;
  /** further weightings' SMDs by covariate (entropy balancing, CBPS), one series each */
  others?: Array<{ label: string; smd: Record<string, number | null> }>;
}

/** Love plot: standardized mean differences before and after weighting, with ±0.1 reference lines. */
export function lovePlot(data: LovePlotData, opts: FigureOptions = {}): Figure {
  const limit = data.limit ?? 20;
  const rows = [...data.rows]
    .filter((r) => r.before !== null || r.after !== null)
    .sort((a, b) => Math.abs(b.before ?? 0) - Math.abs(a.before ?? 0) || (a.covariate < b.covariate ? -1 : 1))
    .slice(0, limit);
  const others = data.others ?? [];
  const values = rows.flatMap((r) => [r.before ?? 0, r.after ?? 0, 0.1, -0.1, ...others.map((o) => o.smd[r.covariate] ?? 0)]);
  const range = paddedRange(values);
  const height = Math.max(300, 150 + rows.length * 30);
  const config = {
    type: 'line',
    data: {
      labels: rows.map((r) => shortLabel(r.covariate, 44)),
      datasets: [
        {
          label: 'Before weighting',
          data: rows.map((r) => r.before),
          showLine: false,
          pointRadius: 6,
          pointStyle: 'circle',
          pointBackgroundColor: '#ffffff',
          pointBorderColor: PALETTE.secondary,
          pointBorderWidth: 2,
          backgroundColor: '#ffffff',
          borderColor: PALETTE.secondary,
        },
        {
          label: 'After weighting',
          data: rows.map((r) => r.after),
          showLine: false,
          pointRadius: 6,
          pointStyle: 'circle',
          pointBackgroundColor: PALETTE.primary,
          pointBorderColor: PALETTE.primary,
          backgroundColor: PALETTE.primary,
          borderColor: PALETTE.primary,
        },
        ...others.map((o, k) => {
          const color = PALETTE.series[(k + 2) % PALETTE.series.length]!;
          return {
            label: o.label, data: rows.map((r) => o.smd[r.covariate] ?? null), showLine: false, pointRadius: 6,
            pointStyle: k % 2 ? 'rectRot' : 'triangle', pointBackgroundColor: color, pointBorderColor: color, backgroundColor: color, borderColor: color,
          };
        }),
      ],
    },
    options: {
      ...horizontalLayout(),
      scales: {
        x: valueAxis('Standardized mean difference (treated − control)', { suggestedMin: range.min, suggestedMax: range.max }),
        y: { type: 'category', offset: true, grid: { color: '#f3f4f6' }, ticks: { font: { size: 12 } } },
      },
      plugins: {
        legend: { display: true, position: 'top', labels: { usePointStyle: true, boxHeight: 10, padding: 18 } },
        ...titleOptions(data.title ?? 'Covariate balance before and after weighting', 'Dashed lines mark |SMD| = 0.1'),
        causewayLines: {
          lines: [
            { scale: 'x', value: 0, color: '#111827', width: 1.2 },
            { scale: 'x', value: 0.1, color: '#6b7280', dash: [6, 4] },
            { scale: 'x', value: -0.1, color: '#6b7280', dash: [6, 4] },
          ],
        },
      },
    },
  };
  const maxBefore = Math.max(0, ...rows.map((r) => Math.abs(r.before ?? 0)));
  const maxAfter = Math.max(0, ...rows.map((r) => Math.abs(r.after ?? 0)));
  const above = rows.filter((r) => r.after !== null && Math.abs(r.after) > 0.1).length;
  const out = renderChart(config, WIDTH, height, opts);
  return {
    ...out,
    alt:
      `Love plot of ${rows.length} covariates: standardized mean differences before (hollow) and after (filled) weighting, ` +
      `dashed lines at ±0.1. Largest |SMD| ${formatNumber(maxBefore)} before, ${formatNumber(maxAfter)} after; ${above} covariates stay above 0.1 after weighting.` +
      others.map((o) => ` ${o.label}: largest |SMD| ${formatNumber(Math.max(0, ...rows.map((r) => Math.abs(o.smd[r.covariate] ?? 0))))}.`).join(''),
  };
}

export interface OverlapPlotData {
  title?: string;
  edges: number[];
  treated: number[];
  control: number[];
  treatedLabel?: string;
  controlLabel?: string;
}

interface OverlapSeries {
  label: string;
  color: string;
  fill: string;
}

/**
 * Series and legend of the overlap figure: each arm's label with its row count (control dashed outline,
 * treated solid, both translucent) and the 0.05 / 0.95 bounds.
 */
export function overlapModel(data: OverlapPlotData): { series: [OverlapSeries, OverlapSeries]; legend: LegendSwatch[] } {
  const n = (c: number[]): string => formatInteger(c.reduce((a, b) => a + b, 0));
  const control: OverlapSeries = { label: `${data.controlLabel ?? 'Control (A = 0)'}, ${n(data.control)} rows`, color: PALETTE.secondary, fill: 'rgba(200, 85, 61, 0.14)' };
  const treated: OverlapSeries = { label: `${data.treatedLabel ?? 'Treated (A = 1)'}, ${n(data.treated)} rows`, color: PALETTE.primary, fill: 'rgba(42, 111, 151, 0.14)' };
  return {
    series: [control, treated],
    legend: [
      { text: control.label, kind: 'area', color: control.color, fill: control.fill },
      { text: treated.label, kind: 'area', color: treated.color, fill: treated.fill },
      { text: 'propensity 0.05 and 0.95', kind: 'dashed', color: PALETTE.dark },
    ],
  };
}

/** Propensity score distributions by arm (densities, step histograms) with 0.05 / 0.95 lines. */
export function overlapPlot(data: OverlapPlotData, opts: FigureOptions = {}): Figure {
  const bins = data.edges.length - 1;
  const density = (counts: number[]): number[] => {
    const total = counts.reduce((a, b) => a + b, 0);
    return counts.map((c, i) => (total > 0 ? c / total / (data.edges[i + 1]! - data.edges[i]!) : 0));
  };
  const step = (d: number[]): Array<{ x: number; y: number }> => {
    const pts: Array<{ x: number; y: number }> = [];
    for (let i = 0; i < bins; i++) pts.push({ x: data.edges[i]!, y: d[i]! });
    pts.push({ x: data.edges[bins]!, y: d[bins - 1] ?? 0 });
    return pts;
  };
  const dt = density(data.treated);
  const dc = density(data.control);
  const ymax = Math.max(0.1, ...dt, ...dc) * 1.1;
  const model = overlapModel(data);
  const [control, treated] = model.series;
  // light fills and strong outlines: where the arms overlap both outlines stay visible over a pale mix
  const series = (s: OverlapSeries, d: number[], dash: number[]) => ({
    label: s.label,
    data: step(d),
    // chart.js 'before' keeps a point's value until the next point: bin i spans [edge i, edge i+1]
    stepped: 'before',
    fill: 'origin',
    borderColor: s.color,
    backgroundColor: s.fill,
    borderWidth: 2.5,
    borderDash: dash,
    pointRadius: 0,
  });
  const config = {
    type: 'line',
    data: { datasets: [series(control!, dc, [7, 3]), series(treated!, dt, [])] },
    options: {
      layout: { padding: { left: 8, right: 24, top: 4, bottom: 8 } },
      scales: {
        x: {
          type: 'linear',
          min: 0,
          max: 1,
          title: { display: true, text: 'Estimated propensity score P(A = 1 | X)', font: { size: 13, weight: 'bold' } },
          ticks: { stepSize: 0.1 },
          grid: { color: '#e5e7eb' },
        },
        y: {
          type: 'linear',
          min: 0,
          suggestedMax: ymax,
          title: { display: true, text: 'Density (area 1 per arm)', font: { size: 13, weight: 'bold' } },
          grid: { color: '#e5e7eb' },
        },
      },
      plugins: {
        legend: legendOptions(model.legend),
        ...titleOptions(data.title ?? 'Propensity score overlap by arm', 'Step histograms of each arm, scaled to density'),
        causewayLines: {
          lines: [
            { scale: 'x', value: 0.05, color: '#111827', dash: [3, 3] },
            { scale: 'x', value: 0.95, color: '#111827', dash: [3, 3] },
          ],
        },
      },
    },
  };
  const out = renderChart(config, WIDTH, 480, opts);
  const mean = (d: number[]): number => {
    const counts = d;
    const total = counts.reduce((a, b) => a + b, 0);
    let s = 0;
    for (let i = 0; i < bins; i++) s += counts[i]! * (data.edges[i]! + data.edges[i + 1]!) / 2;
    return total > 0 ? s / total : NaN;
  };
  return {
    ...out,
    alt:
      `Step histograms of the estimated propensity score for ${control!.label} and ${treated!.label} over ${bins} bins, ` +
      `dashed lines at 0.05 and 0.95. Mean propensity ${formatNumber(mean(data.control))} in control and ${formatNumber(mean(data.treated))} in treated.`,
  };
}

export interface DecompositionData {
  title?: string;
  valueLabel: string;
  /** one group per approach (estimator); parts in a fixed order */
  groups: Array<{ label: string; parts: Array<{ part: string; estimate: number | null; ci: [number, number] | null }> }>;
  /** known true value per part (simulated data), marked across every bar of that part */
  truth?: Record<string, number>;
}

/** The decomposition's legend: one colour per part, the pale bar of an estimate without an interval, the truth mark. */
export function decompositionLegend(data: DecompositionData, partNames: string[], colors: string[]): LegendSwatch[] {
  const parts = data.groups.flatMap((g) => g.parts);
  return [
    ...partNames.map((part, k): LegendSwatch => ({ text: part, kind: 'box', color: colors[k % colors.length]! })),
    ...(parts.some((p) => p.estimate !== null && !p.ci) ? [{ text: 'pale bar: no interval', kind: 'area' as const, color: PALETTE.grey, fill: `${PALETTE.grey}40` }] : []),
    ...(data.truth && Object.values(data.truth).some((v) => Number.isFinite(v)) ? [{ text: 'true value (simulator)', kind: 'mark' as const, color: PALETTE.reference }] : []),
  ];
}

/** Total / direct / indirect effects per approach, grouped horizontal bars with CI whiskers. */
export function decompositionChart(data: DecompositionData, opts: FigureOptions = {}): Figure {
  const partNames = [...new Set(data.groups.flatMap((g) => g.parts.map((p) => p.part)))];
  const colors = [PALETTE.primary, PALETTE.tertiary, PALETTE.secondary, PALETTE.quaternary, '#d4a017'];
  const all = [...data.groups.flatMap((g) => g.parts.flatMap((p) => [p.estimate ?? 0, ...(p.ci ?? [])])), ...Object.values(data.truth ?? {})];
  const range = paddedRange(all);
  const height = Math.max(300, 150 + data.groups.length * partNames.length * 26);
  const config = {
    type: 'bar',
    data: {
      labels: data.groups.map((g) => shortLabel(g.label, 40)),
      datasets: partNames.map((part, k) => {
        const byGroup = data.groups.map((g) => g.parts.find((p) => p.part === part));
        return {
          label: part,
          data: byGroup.map((p) => (p ? p.estimate : null)),
          intervals: byGroup.map((p) => (p ? p.ci : null)),
          ...(data.truth && Number.isFinite(data.truth[part]) ? { marks: byGroup.map((p) => (p ? data.truth![part]! : null)) } : {}),
          // a part without an interval is a pale bar with an outline (as a hollow marker on the forest plot)
          backgroundColor: byGroup.map((p) => (p?.ci ? colors[k % colors.length] : `${colors[k % colors.length]}40`)),
          borderColor: colors[k % colors.length],
          borderWidth: byGroup.map((p) => (p?.ci ? 0 : 2)),
          barPercentage: 0.85,
          categoryPercentage: 0.8,
        };
      }),
    },
    options: {
      ...horizontalLayout(),
      scales: {
        x: valueAxis(data.valueLabel, { suggestedMin: range.min, suggestedMax: range.max }),
        y: { type: 'category', grid: { display: false }, ticks: { font: { size: 13 } } },
      },
      plugins: {
        legend: legendOptions(decompositionLegend(data, partNames, colors)),
        ...titleOptions(data.title ?? 'Mediation decomposition: total, direct and indirect effects', 'Bars: estimates; whiskers: 95% intervals'),
        causewayLines: { lines: [{ scale: 'x', value: 0, color: '#111827', width: 1.4 }] },
      },
    },
  };
  const out = renderChart(config, WIDTH, height, opts);
  const text = data.groups
    .map((g) => `${g.label}: ` + g.parts.map((p) => `${p.part} ${formatNumber(p.estimate)}${p.ci ? ' ' + formatInterval(p.ci) : ''}`).join(', '))
    .join('; ');
  const truthText = data.truth ? ` Amber marks show the true values: ${Object.entries(data.truth).map(([p, v]) => `${p} ${formatNumber(v)}`).join(', ')}.` : '';
  return { ...out, alt: `Grouped bars of mediation effects (${data.valueLabel}) with 95% intervals where bootstrapped. ${text}.${truthText}` };
}

export interface ImportanceData {
  title: string;
  subtitle?: string;
  rows: Array<{ feature: string; share: number }>;
  limit?: number;
}

/** Feature importance (share of total gain), top features as horizontal bars. */
export function importanceChart(data: ImportanceData, opts: FigureOptions = {}): Figure {
  const rows = [...data.rows]
    .sort((a, b) => b.share - a.share || (a.feature < b.feature ? -1 : 1))
    .slice(0, data.limit ?? 12);
  const height = Math.max(280, 130 + rows.length * 30);
  const config = {
    type: 'bar',
    data: {
      labels: rows.map((r) => shortLabel(r.feature, 44)),
      datasets: [{ data: rows.map((r) => r.share * 100), backgroundColor: PALETTE.primary, barPercentage: 0.8 }],
    },
    options: {
      ...horizontalLayout(),
      scales: {
        x: valueAxis('Share of total gain (%)', { min: 0 }),
        y: { type: 'category', grid: { display: false }, ticks: { font: { size: 12 } } },
      },
      plugins: { legend: { display: false }, ...titleOptions(data.title, data.subtitle) },
    },
  };
  const out = renderChart(config, WIDTH, height, opts);
  return {
    ...out,
    alt: `Horizontal bars of the top ${rows.length} features by share of total gain: ` + rows.map((r) => `${r.feature} ${formatNumber(r.share * 100, 1)}%`).join(', ') + '.',
  };
}

export interface SpecCurveData {
  title?: string;
  /** a note under the title (e.g. which outcome's specifications are shown) */
  subtitle?: string;
  valueLabel: string;
  /** sorted by estimate */
  points: Array<{ estimate: number; ci: [number, number] | null; choices: Record<string, string> }>;
  /** axis names in display order */
  axes: string[];
  /** short display names of the axes (default: the last two path segments) */
  axisLabels?: Record<string, string>;
  /** a known value (the simulator's truth) drawn as a dashed horizontal line */
  reference?: { value: number; label: string };
}

/**
 * Specification curve: estimates (with intervals) sorted by size on top, and below it a choice panel
 * marking which value of each grid axis every specification used. Two stacked y scales share the x scale.
 */
export function specificationCurve(data: SpecCurveData, opts: FigureOptions = {}): Figure {
  const n = data.points.length;
  const choiceLabels: string[] = [];
  const axisName = (axis: string): string => data.axisLabels?.[axis] ?? axis.split('.').slice(-2).join('.');
  const keyOf = (axis: string, v: string): string => `${shortLabel(axisName(axis), 22)} = ${shortLabel(v, 30)}`;
  for (const axis of data.axes) {
    const values = [...new Set(data.points.map((p) => p.choices[axis] ?? '—'))].sort();
    for (const v of values) choiceLabels.push(keyOf(axis, v));
  }
  // stacked scales on one side are not widened to the longest tick of the other: both reserve room for the labels
  const longest = Math.max(0, ...choiceLabels.map((l) => l.length));
  const range = paddedRange([...data.points.flatMap((p) => [p.estimate, ...(p.ci ?? [])]), ...(data.reference ? [data.reference.value] : [])]);
  const excludes = (p: SpecCurveData['points'][number]): boolean => !!p.ci && (p.ci[0] > 0 || p.ci[1] < 0);
  const choicePoints: Array<{ x: number; y: string }> = [];
  data.points.forEach((p, i) => {
    for (const axis of data.axes) choicePoints.push({ x: i + 1, y: keyOf(axis, p.choices[axis] ?? '—') });
  });
  const panelHeight = Math.max(120, (choiceLabels.length + 1) * 24);
  const height = 230 + 300 + panelHeight;
  const config = {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'Estimate (95% interval)',
          data: data.points.map((p, i) => ({ x: i + 1, y: p.estimate })),
          intervals: data.points.map((p) => p.ci),
          whiskerColor: '#6b7280',
          yAxisID: 'y',
          pointRadius: n > 40 ? 3.5 : 5,
          // filled: interval excludes zero; hollow: crosses it; hollow grey: no interval
          pointBackgroundColor: data.points.map((p) => (excludes(p) ? PALETTE.excludes : '#ffffff')),
          pointBorderColor: data.points.map((p) => (p.ci ? PALETTE.excludes : PALETTE.grey)),
          pointBorderWidth: data.points.map((p) => (p.ci ? 1.5 : 2)),
        },
        {
          label: 'Choice used',
          data: choicePoints,
          yAxisID: 'choices',
          pointRadius: n > 40 ? 3.5 : 5,
          pointStyle: 'rect',
          pointBackgroundColor: PALETTE.dark,
          pointBorderColor: PALETTE.dark,
        },
      ],
    },
    options: {
      layout: { padding: { left: 8, right: 24, top: 4, bottom: 8 } },
      scales: {
        x: {
          type: 'linear',
          min: 0.5,
          max: n + 0.5,
          title: { display: true, text: 'Specification (ranked by estimate)', font: { size: 13, weight: 'bold' } },
          // one tick per specification (every k-th past 40), including the first and the last
          afterBuildTicks: (axis: { ticks: Array<{ value: number }> }) => {
            const step = Math.max(1, Math.ceil(n / 40));
            const ticks: Array<{ value: number }> = [];
            for (let i = 1; i <= n; i += step) ticks.push({ value: i });
            if (ticks[ticks.length - 1]!.value !== n) ticks.push({ value: n });
            axis.ticks = ticks;
          },
          ticks: { maxRotation: 0, autoSkip: false, font: { size: n > 30 ? 10 : 12 } },
          grid: { color: '#f3f4f6' },
        },
        choices: {
          type: 'category',
          // a blank first row keeps the choice rows clear of the estimate axis' bottom tick label
          labels: ['', ...choiceLabels],
          stack: 'spec',
          stackWeight: panelHeight,
          offset: true,
          position: 'left',
          grid: { color: '#e5e7eb' },
          ticks: { font: { size: 11 }, autoSkip: false },
          afterFit: (scale: { width: number }) => {
            scale.width = Math.max(scale.width, Math.round(longest * 6.6) + 12);
          },
        },
        y: {
          type: 'linear',
          stack: 'spec',
          stackWeight: 300,
          suggestedMin: range.min,
          suggestedMax: range.max,
          title: { display: true, text: shortLabel(data.valueLabel, 40), font: { size: 12, weight: 'bold' } },
          grid: { color: '#e5e7eb' },
          afterFit: (scale: { width: number }) => {
            scale.width = Math.max(scale.width, Math.round(longest * 6.6) + 12);
          },
        },
      },
      plugins: {
        legend: legendOptions([
          ...(data.points.some(excludes) ? [{ text: 'interval excludes zero', kind: 'filled' as const, color: PALETTE.excludes }] : []),
          ...(data.points.some((p) => p.ci && !excludes(p)) ? [{ text: 'interval crosses zero', kind: 'hollow' as const, color: PALETTE.excludes }] : []),
          ...(data.points.some((p) => !p.ci) ? [{ text: 'no interval', kind: 'hollow' as const, color: PALETTE.grey }] : []),
          ...(data.reference ? [{ text: `${data.reference.label} ${formatNumber(data.reference.value)}`, kind: 'dashed' as const, color: PALETTE.reference }] : []),
          { text: 'choice the specification used (lower panel)', kind: 'box' as const, color: PALETTE.dark },
        ]),
        ...titleOptions(data.title ?? 'Specification curve', data.subtitle),
        causewayLines: {
          lines: [
            { scale: 'y', value: 0, color: '#111827', width: 1.2 },
            // named in the legend: a label on the line would run into the points
            ...(data.reference ? [{ scale: 'y', value: data.reference.value, color: PALETTE.reference, width: 2, dash: [7, 4] }] : []),
          ],
        },
      },
    },
  };
  const out = renderChart(config, WIDTH, height, opts);
  const ex = data.points.filter(excludes).length;
  const pos = data.points.filter((p) => p.estimate > 0).length;
  return {
    ...out,
    alt:
      `Specification curve of ${n} specifications over ${data.axes.join(', ')}: estimates range from ${formatNumber(data.points[0]?.estimate ?? null)} ` +
      `to ${formatNumber(data.points[n - 1]?.estimate ?? null)}; ${pos} of ${n} are positive and ${ex} have intervals excluding zero. ` +
      'The lower panel marks the choice of each axis per specification.' +
      (data.reference ? ` A dashed line marks ${data.reference.label} (${formatNumber(data.reference.value)}).` : ''),
  };
}

/** Horizontal charts (estimates listed down the y axis) share one layout. */
function horizontalLayout(): { indexAxis: 'y'; layout: { padding: { left: number; right: number; top: number; bottom: number } } } {
  return { indexAxis: 'y', layout: { padding: { left: 8, right: 24, top: 4, bottom: 8 } } };
}

/** The value axis of a horizontal chart: linear, titled, light grid, with the given limits. */
function valueAxis(title: string, limits: { suggestedMin?: number; suggestedMax?: number; min?: number; max?: number }) {
  return { type: 'linear' as const, ...limits, title: { display: true, text: title, font: { size: 13, weight: 'bold' as const } }, grid: { color: '#e5e7eb' } };
}
