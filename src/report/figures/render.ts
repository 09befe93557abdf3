/**
 * chart.js 4 on @napi-rs/canvas, set up for reports: a DejaVu font shipped from npm (text would be blank
 * without a registered font), no animation, fixed device pixel ratio, white background, and plugins for
 * confidence-interval whiskers and reference lines. Same data → same PNG bytes.
 */
import { createRequire } from 'node:module';
import type * as NapiCanvas from '@napi-rs/canvas';
import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';
import { Chart, registerables, type Plugin } from 'chart.js';

/**
 * @napi-rs/canvas, required when the first figure is drawn: loading its native library took about 40 ms
 * of every run, also of a cached re-run whose report is kept (docs/performance-notes.md, Start-up and
 * cached re-runs).
 */
let napiCanvas: typeof NapiCanvas | undefined;
const canvasModule = (): typeof NapiCanvas => (napiCanvas ??= createRequire(import.meta.url)('@napi-rs/canvas') as typeof NapiCanvas);

export const FONT_FAMILY = 'DejaVu Sans';
/** Output pixels per layout pixel: crisp on high-density screens, still small files. */
export const PIXEL_RATIO = 2;

export interface Figure {
  /** the PNG bytes; empty when drawn with `encodeInBackground` (they come in `encoding`) */
  png: Buffer;
  /** with FigureOptions.encodeInBackground: the PNG bytes, being encoded on libuv's thread pool */
  encoding?: Promise<Buffer>;
  svg?: string;
  alt: string;
}

export interface FigureOptions {
  svg?: boolean;
  /**
   * Encode the PNG off the main thread (@napi-rs/canvas `encode`, the same encoder and settings as
   * `toBuffer`, so the same bytes): the report writer draws the next figures and writes its tables
   * meanwhile. Encoding is most of a figure's cost (about 40–80 ms of a 1,800-pixel-wide chart).
   */
  encodeInBackground?: boolean;
}

const NO_BYTES = Buffer.alloc(0);

/**
 * The canvas's PNG now, or (encodeInBackground) a promise of it; `done` runs once the pixels are no longer
 * needed, and then the pixels are freed. @napi-rs/canvas frees a canvas's surface (about 9 MB for a
 * 1,800 × 1,200 figure) only when the collector takes its wrapper, which V8 sees as a few bytes and so
 * takes late: rendering the full-size demo spec's report alone peaked at 194–217 MB, 160 MB with the
 * release (docs/performance-notes.md). Resizing the canvas to one pixel replaces its surface at once.
 */
export function encodePng(canvas: Canvas, opts: FigureOptions, done: () => void = () => {}): { png: Buffer; encoding?: Promise<Buffer> } {
  const finish = (): void => {
    done();
    canvas.width = 1;
    canvas.height = 1;
  };
  if (!opts.encodeInBackground) {
    const png = canvas.toBuffer('image/png');
    finish();
    return { png };
  }
  const encoding = canvas.encode('png');
  void encoding.then(finish, finish);
  return { png: NO_BYTES, encoding };
}

export const PALETTE = {
  primary: '#2a6f97',
  secondary: '#c8553d',
  tertiary: '#5c946e',
  quaternary: '#8d6a9f',
  grey: '#6b7280',
  dark: '#111827',
  excludes: '#1d4e89',
  crosses: '#9ca3af',
  /** reference values (known truth, overall estimate): apart from the series colours */
  reference: '#d97706',
  series: ['#2a6f97', '#c8553d', '#5c946e', '#8d6a9f', '#d4a017', '#3d5a80', '#e07a5f', '#81b29a'],
};

let ready = false;

/** Registers chart.js components and the bundled font once per process. */
export function ensureChartSetup(): void {
  if (ready) return;
  const require = createRequire(import.meta.url);
  const { GlobalFonts } = canvasModule();
  for (const face of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']) {
    const path = require.resolve(`dejavu-fonts-ttf/ttf/${face}`);
    GlobalFonts.registerFromPath(path, FONT_FAMILY);
  }
  Chart.register(...registerables, whiskerPlugin, markPlugin, offScalePlugin, referenceLinePlugin, backgroundPlugin);
  Chart.defaults.font.family = FONT_FAMILY;
  Chart.defaults.font.size = 13;
  Chart.defaults.color = '#1f2937';
  Chart.defaults.animation = false;
  Chart.defaults.responsive = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.devicePixelRatio = PIXEL_RATIO;
  ready = true;
}

/**
 * Known-value marks on horizontal bars: a dataset may carry `marks: Array<number | null>` aligned with its
 * data; each is drawn as a short vertical bar across its element (e.g. the simulator's true effect).
 */
const markPlugin: Plugin = {
  id: 'causewayMarks',
  afterDatasetsDraw(chart) {
    const ctx = chart.ctx;
    chart.data.datasets.forEach((ds, d) => {
      const marks = (ds as unknown as { marks?: Array<number | null> }).marks;
      if (!marks) return;
      const meta = chart.getDatasetMeta(d);
      if (meta.hidden) return;
      const scale = meta.vScale!;
      ctx.save();
      ctx.strokeStyle = PALETTE.reference;
      ctx.lineWidth = 3;
      marks.forEach((m, i) => {
        const el = meta.data[i] as unknown as { y: number; height?: number } | undefined;
        if (m === null || m === undefined || !Number.isFinite(m) || !el) return;
        const x = scale.getPixelForValue(m);
        const half = (el.height ?? 12) / 2 + 3;
        ctx.beginPath();
        ctx.moveTo(x, el.y - half);
        ctx.lineTo(x, el.y + half);
        ctx.stroke();
      });
      ctx.restore();
    });
  },
};

/** Interval whiskers: a dataset may carry `intervals: Array<[lo, hi] | null>` aligned with its data. */
const whiskerPlugin: Plugin = {
  id: 'causewayWhiskers',
  afterDatasetsDraw(chart) {
    const ctx = chart.ctx;
    chart.data.datasets.forEach((ds, d) => {
      const intervals = (ds as unknown as { intervals?: Array<[number, number] | null> }).intervals;
      if (!intervals) return;
      const meta = chart.getDatasetMeta(d);
      if (meta.hidden) return;
      const horizontal = chart.options.indexAxis === 'y' || (meta.xScale && meta.xScale.axis === 'x' && meta.vScale === meta.xScale);
      const valueScale = meta.vScale!;
      const cap = 5;
      ctx.save();
      ctx.strokeStyle = (ds as unknown as { whiskerColor?: string }).whiskerColor ?? PALETTE.dark;
      ctx.lineWidth = 1.6;
      const area = chart.chartArea;
      intervals.forEach((iv, i) => {
        const el = meta.data[i] as unknown as { x: number; y: number } | undefined;
        if (!iv || !el || !Number.isFinite(iv[0]) || !Number.isFinite(iv[1])) return;
        const a = valueScale.getPixelForValue(iv[0]);
        const b = valueScale.getPixelForValue(iv[1]);
        ctx.beginPath();
        if (horizontal) {
          // an interval reaching past the axis (an unadjusted row kept out of the range) is cut at the
          // edge and ends in an arrowhead there instead of a cap
          const y = Number.isFinite(el.y) ? el.y : chart.scales.y!.getPixelForValue(i);
          const lo = Math.max(area.left, Math.min(area.right, a));
          const hi = Math.max(area.left, Math.min(area.right, b));
          if (hi - lo < 0.5 && (a > area.right || b < area.left)) return;
          ctx.moveTo(lo, y);
          ctx.lineTo(hi, y);
          for (const [end, cut, dir] of [[lo, a < area.left, -1], [hi, b > area.right, 1]] as Array<[number, boolean, number]>) {
            if (cut) {
              ctx.moveTo(end - dir * 7, y - 4);
              ctx.lineTo(end, y);
              ctx.lineTo(end - dir * 7, y + 4);
            } else {
              ctx.moveTo(end, y - cap);
              ctx.lineTo(end, y + cap);
            }
          }
        } else {
          ctx.moveTo(el.x, a);
          ctx.lineTo(el.x, b);
          ctx.moveTo(el.x - cap, a);
          ctx.lineTo(el.x + cap, a);
          ctx.moveTo(el.x - cap, b);
          ctx.lineTo(el.x + cap, b);
        }
        ctx.stroke();
      });
      ctx.restore();
    });
  },
};

/**
 * Estimates beyond the value axis of a horizontal chart: a dataset may carry `offScale: Array<{ side, text,
 * color } | null>` aligned with its data (whose value there is null); each is drawn as a triangle at that
 * edge of the chart area, pointing out, with its text (the value) beside it.
 */
const offScalePlugin: Plugin = {
  id: 'causewayOffScale',
  afterDatasetsDraw(chart) {
    const ctx = chart.ctx;
    const area = chart.chartArea;
    chart.data.datasets.forEach((ds) => {
      const marks = (ds as unknown as { offScale?: Array<{ side: 'left' | 'right'; text: string; color: string } | null> }).offScale;
      if (!marks) return;
      ctx.save();
      ctx.font = `12px "${FONT_FAMILY}"`;
      ctx.textBaseline = 'middle';
      marks.forEach((m, i) => {
        if (!m) return;
        const y = chart.scales.y!.getPixelForValue(i);
        const x = m.side === 'right' ? area.right - 2 : area.left + 2;
        const dir = m.side === 'right' ? 1 : -1;
        ctx.fillStyle = m.color;
        ctx.beginPath();
        ctx.moveTo(x, y);
        ctx.lineTo(x - dir * 12, y - 7);
        ctx.lineTo(x - dir * 12, y + 7);
        ctx.closePath();
        ctx.fill();
        // the value beside the arrow, on a white ground so grid lines do not cross it
        const w = ctx.measureText(m.text).width;
        const tx = x - dir * 16;
        ctx.fillStyle = '#ffffff';
        ctx.fillRect(m.side === 'right' ? tx - w - 3 : tx - 3, y - 9, w + 6, 18);
        ctx.fillStyle = m.color;
        ctx.textAlign = m.side === 'right' ? 'right' : 'left';
        ctx.fillText(m.text, tx, y);
      });
      ctx.restore();
    });
  },
};

/** One legend entry (the model in interval-model.ts): a marker, a line or a colour box, and its meaning. */
export interface LegendSwatch {
  text: string;
  kind: 'filled' | 'hollow' | 'diamond' | 'square' | 'dashed' | 'box' | 'area' | 'mark' | 'arrow';
  color: string;
  /** the fill of an 'area' swatch (a translucent histogram) */
  fill?: string;
}

/** chart.js legend options drawing exactly these entries (not one per dataset). */
export function legendOptions(entries: LegendSwatch[]): Record<string, unknown> {
  if (entries.length === 0) return { display: false };
  return {
    display: true,
    position: 'top',
    labels: {
      usePointStyle: true,
      boxHeight: 11,
      padding: 14,
      font: { size: 12 },
      generateLabels: () =>
        entries.map((e) => {
          const base = { text: e.text, hidden: false, lineWidth: 2, strokeStyle: e.color, fillStyle: e.color, fontColor: '#1f2937', rotation: 0, lineDash: [] as number[] };
          switch (e.kind) {
            case 'hollow':
              return { ...base, pointStyle: 'circle', fillStyle: '#ffffff' };
            case 'diamond':
              return { ...base, pointStyle: 'rectRot' };
            case 'square':
              return { ...base, pointStyle: 'rect', strokeStyle: PALETTE.dark };
            case 'dashed':
              return { ...base, pointStyle: 'line', lineDash: [5, 3], lineWidth: 2.5 };
            case 'box':
              return { ...base, pointStyle: 'rect', lineWidth: 0 };
            case 'mark':
              return { ...base, pointStyle: 'line', rotation: 90, lineWidth: 3 };
            case 'area':
              return { ...base, pointStyle: 'rect', fillStyle: e.fill ?? e.color };
            case 'arrow':
              return { ...base, pointStyle: 'triangle', rotation: 90, lineWidth: 0 };
            default:
              return { ...base, pointStyle: 'circle', strokeStyle: PALETTE.dark, lineWidth: 1 };
          }
        }),
    },
  };
}

export interface ReferenceLine {
  /** scale id the value lives on, e.g. 'x' */
  scale: string;
  value: number;
  dash?: number[];
  color?: string;
  width?: number;
  label?: string;
  /** draw the label above the chart area (needs top layout padding) instead of inside it */
  labelAbove?: boolean;
}

/** Reference lines (zero, ±0.1 SMD, 0.05/0.95 propensity) drawn under the data: options.plugins.causewayLines.lines */
const referenceLinePlugin: Plugin = {
  id: 'causewayLines',
  beforeDatasetsDraw(chart, _args, options) {
    const lines = (options as { lines?: ReferenceLine[] }).lines ?? [];
    const ctx = chart.ctx;
    const area = chart.chartArea;
    for (const line of lines) {
      const scale = chart.scales[line.scale];
      if (!scale) continue;
      const p = scale.getPixelForValue(line.value);
      const vertical = scale.axis === 'x';
      if (vertical ? p < area.left - 0.5 || p > area.right + 0.5 : p < area.top - 0.5 || p > area.bottom + 0.5) continue;
      ctx.save();
      ctx.strokeStyle = line.color ?? '#111827';
      ctx.lineWidth = line.width ?? 1.2;
      ctx.setLineDash(line.dash ?? []);
      ctx.beginPath();
      if (vertical) {
        ctx.moveTo(p, area.top);
        ctx.lineTo(p, area.bottom);
      } else {
        ctx.moveTo(area.left, p);
        ctx.lineTo(area.right, p);
      }
      ctx.stroke();
      if (line.label) {
        ctx.setLineDash([]);
        ctx.fillStyle = line.color ?? '#111827';
        ctx.font = `11px "${FONT_FAMILY}"`;
        // near the right edge the label runs to the left of the line so it stays on the canvas
        const leftOfLine = vertical && p > area.right - ctx.measureText(line.label).width - 8;
        ctx.textAlign = vertical ? (leftOfLine ? 'right' : 'left') : 'right';
        ctx.textBaseline = line.labelAbove ? 'bottom' : 'top';
        if (vertical) ctx.fillText(line.label, leftOfLine ? p - 3 : p + 3, line.labelAbove ? area.top - 3 : area.top + 2);
        else ctx.fillText(line.label, area.right - 2, p + 2);
      }
      ctx.restore();
    }
  },
};

/** Opaque white background, so PNGs read on dark-mode pages too. */
const backgroundPlugin: Plugin = {
  id: 'causewayBackground',
  beforeDraw(chart) {
    const ctx = chart.ctx;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

/** Renders one chart.js configuration to PNG (and SVG with text as paths when asked). */
// chart.js's configuration types are a deep union; figure modules build plain objects and cast here.
export function renderChart(config: unknown, width: number, height: number, opts: FigureOptions = {}): { png: Buffer; encoding?: Promise<Buffer>; svg?: string } {
  ensureChartSetup();
  const { createCanvas, SvgExportFlag } = canvasModule();
  const canvas = createCanvas(width, height);
  const chart = new Chart(canvas.getContext("2d") as never, config as never);
  // destroying the chart clears its canvas: only once the PNG is encoded
  const { png, encoding } = encodePng(canvas, opts, () => chart.destroy());
  let svg: string | undefined;
  if (opts.svg) {
    const svgCanvas = createCanvas(width, height, SvgExportFlag.ConvertTextToPaths);
    const svgChart = new Chart(svgCanvas.getContext("2d") as never, {
      ...(config as object),
      options: { ...((config as { options?: object }).options ?? {}), devicePixelRatio: 1 },
    } as never);
    // getContent() finalizes the document: call it exactly once
    svg = svgCanvas.getContent().toString('utf8');
    svgChart.destroy();
  }
  return { png, ...(encoding ? { encoding } : {}), svg };
}

/** Draws directly on a canvas (figures that are not charts, e.g. the DAG). */
export function renderDrawing(
  width: number,
  height: number,
  draw: (ctx: SKRSContext2D, width: number, height: number) => void,
  opts: FigureOptions = {},
): { png: Buffer; encoding?: Promise<Buffer>; svg?: string } {
  ensureChartSetup();
  const { createCanvas, SvgExportFlag } = canvasModule();
  const canvas = createCanvas(width * PIXEL_RATIO, height * PIXEL_RATIO);
  const ctx = canvas.getContext('2d');
  ctx.scale(PIXEL_RATIO, PIXEL_RATIO);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  draw(ctx, width, height);
  const { png, encoding } = encodePng(canvas, opts);
  let svg: string | undefined;
  if (opts.svg) {
    const svgCanvas = createCanvas(width, height, SvgExportFlag.ConvertTextToPaths);
    const sctx = svgCanvas.getContext('2d');
    sctx.fillStyle = '#ffffff';
    sctx.fillRect(0, 0, width, height);
    draw(sctx, width, height);
    svg = svgCanvas.getContent().toString('utf8');
  }
  return { png, ...(encoding ? { encoding } : {}), svg };
}

/** Axis bounds that include every value and interval end plus zero, padded by 6%. */
export function paddedRange(values: number[], includeZero = true): { min: number; max: number } {
  const finite = values.filter((v) => Number.isFinite(v));
  if (includeZero) finite.push(0);
  if (finite.length === 0) return { min: -1, max: 1 };
  let min = Math.min(...finite);
  let max = Math.max(...finite);
  if (min === max) {
    const d = Math.abs(min) > 0 ? Math.abs(min) * 0.5 : 1;
    min -= d;
    max += d;
  }
  const pad = (max - min) * 0.06;
  return { min: min - pad, max: max + pad };
}

/** Shortens long labels for axes (the full text stays in the tables). */
export function shortLabel(text: string, max = 42): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

/** Title and subtitle; `gapBelow` leaves room under them (e.g. for a reference line's label above the chart area). */
export function titleOptions(title: string, subtitle?: string, gapBelow?: number): Record<string, unknown> {
  return {
    title: { display: true, text: title, font: { size: 16, weight: 'bold' }, padding: { top: 6, bottom: subtitle ? 2 : gapBelow ?? 12 } },
    subtitle: subtitle
      ? { display: true, text: subtitle, font: { size: 12 }, color: '#4b5563', padding: { bottom: gapBelow ?? 10 } }
      : { display: false },
  };
}
