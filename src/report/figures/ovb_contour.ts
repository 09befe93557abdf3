/**
 * sensemakr's contour plot: the estimate adjusted for a confounder of partial R² r2dz with the treatment
 * (x) and r2yz with the outcome (y), contour lines over the grid results.json holds
 * (src/sensitivity/ovb-linear.ts), the zero line dashed red, benchmark bounds as red diamonds.
 * Drawn directly on the canvas (marching squares), so it needs no chart type chart.js lacks.
 */
import type { SKRSContext2D } from '@napi-rs/canvas';
import type { FigureKind } from './kind.js';
import { FONT_FAMILY, PALETTE, renderDrawing } from './render.js';
import type { OvbLinearResult } from '../../results/index.js';
import { formatNumber } from '../format.js';

interface OvbContourInput {
  result: OvbLinearResult;
  label: string;
}

const W = 760, H = 620;
const M = { left: 78, right: 30, top: 70, bottom: 64 };

/** Segments of the level set of z (z[i][j] at x[i], y[j]) by marching squares. */
function levelSegments(x: number[], y: number[], z: number[][], level: number): Array<[number, number, number, number]> {
  const out: Array<[number, number, number, number]> = [];
  const cross = (x0: number, y0: number, z0: number, x1: number, y1: number, z1: number): [number, number] => {
    const t = (level - z0) / (z1 - z0);
    return [x0 + t * (x1 - x0), y0 + t * (y1 - y0)];
  };
  for (let i = 0; i + 1 < x.length; i++)
    for (let j = 0; j + 1 < y.length; j++) {
      const corners: Array<[number, number, number]> = [
        [x[i], y[j], z[i][j]], [x[i + 1], y[j], z[i + 1][j]], [x[i + 1], y[j + 1], z[i + 1][j + 1]], [x[i], y[j + 1], z[i][j + 1]],
      ];
      const pts: Array<[number, number]> = [];
      for (let k = 0; k < 4; k++) {
        const a = corners[k], b = corners[(k + 1) % 4];
        if ((a[2] < level) !== (b[2] < level)) pts.push(cross(a[0], a[1], a[2], b[0], b[1], b[2]));
      }
      if (pts.length === 2) out.push([pts[0][0], pts[0][1], pts[1][0], pts[1][1]]);
      else if (pts.length === 4) out.push([pts[0][0], pts[0][1], pts[1][0], pts[1][1]], [pts[2][0], pts[2][1], pts[3][0], pts[3][1]]);
    }
  return out;
}

function niceLevels(min: number, max: number, count: number): number[] {
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max; v += step) out.push(Math.round(v / step) * step);
  return out;
}

function draw(ctx: SKRSContext2D, input: OvbContourInput): void {
  const { result, label } = input;
  const { r2dz: xs, r2yz: ys, estimate: z } = result.contour;
  const lim = xs[xs.length - 1] || 1;
  const px = (v: number) => M.left + (v / lim) * (W - M.left - M.right);
  const py = (v: number) => H - M.bottom - (v / lim) * (H - M.top - M.bottom);
  ctx.fillStyle = '#1f2937';
  ctx.font = `bold 16px "${FONT_FAMILY}"`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(`Sensitivity contours: ${label}`, M.left - 60, 26);
  ctx.font = `12px "${FONT_FAMILY}"`;
  ctx.fillStyle = '#4b5563';
  ctx.fillText(`Adjusted estimate; unadjusted ${formatNumber(result.estimate)} at the origin. Red dashed: 0. Diamonds: benchmark bounds.`, M.left - 60, 46);
  // frame and ticks
  ctx.strokeStyle = '#9ca3af';
  ctx.lineWidth = 1;
  ctx.strokeRect(M.left, M.top, W - M.left - M.right, H - M.top - M.bottom);
  ctx.fillStyle = '#1f2937';
  ctx.font = `12px "${FONT_FAMILY}"`;
  for (const t of niceLevels(0, lim, 5)) {
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(t.toFixed(2), px(t), H - M.bottom + 6);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(t.toFixed(2), M.left - 6, py(t));
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.font = `13px "${FONT_FAMILY}"`;
  ctx.fillText('Partial R² of the confounder with the treatment', (M.left + W - M.right) / 2, H - 12);
  ctx.save();
  ctx.translate(20, (M.top + H - M.bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'top';
  ctx.fillText('Partial R² of the confounder with the outcome', 0, 0);
  ctx.restore();
  // contour lines
  // levels between the estimate and as far past zero again: the far corner's large values would crowd them
  const flat = z.flat().filter(Number.isFinite);
  const span = Math.abs(result.estimate) || 1;
  const levels = niceLevels(Math.max(Math.min(...flat), -span), Math.min(Math.max(...flat), span), 8);
  ctx.save();
  ctx.beginPath();
  ctx.rect(M.left, M.top, W - M.left - M.right, H - M.top - M.bottom);
  ctx.clip();
  for (const level of [...levels.filter((l) => l !== 0), 0]) {
    const segs = levelSegments(xs, ys, z, level);
    if (!segs.length) continue;
    const zero = level === 0;
    ctx.strokeStyle = zero ? '#b91c1c' : PALETTE.grey;
    ctx.lineWidth = zero ? 2 : 1;
    ctx.setLineDash(zero ? [6, 4] : []);
    ctx.beginPath();
    for (const [x0, y0, x1, y1] of segs) {
      ctx.moveTo(px(x0), py(y0));
      ctx.lineTo(px(x1), py(y1));
    }
    ctx.stroke();
    // label where the line crosses the diagonal r2dz = r2yz: there the levels are furthest apart
    const far = segs.reduce((best, s) => (Math.abs(s[0] - s[1]) < Math.abs(best[0] - best[1]) ? s : best), segs[0]);
    ctx.setLineDash([]);
    ctx.fillStyle = zero ? '#b91c1c' : '#374151';
    ctx.font = `11px "${FONT_FAMILY}"`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    ctx.fillText(formatNumber(level), Math.min(px(far[0]) + 3, W - M.right - 40), Math.max(py(far[1]) - 2, M.top + 12));
  }
  ctx.restore();
  // origin and benchmarks
  ctx.fillStyle = '#111827';
  ctx.beginPath();
  ctx.moveTo(px(0), py(0) - 7);
  ctx.lineTo(px(0) + 6, py(0) + 4);
  ctx.lineTo(px(0) - 6, py(0) + 4);
  ctx.fill();
  const labelled: Array<[number, number]> = [];
  for (const b of result.benchmarks) {
    if (b.r2dz > lim || b.r2yz > lim) continue;
    const x = px(b.r2dz), y = py(b.r2yz);
    // bounds that land on one spot (a weak benchmark's multiples) get one marker and the first label
    if (labelled.some(([lx, ly]) => Math.abs(lx - x) < 10 && Math.abs(ly - y) < 12)) continue;
    labelled.push([x, y]);
    ctx.fillStyle = '#b91c1c';
    ctx.beginPath();
    ctx.moveTo(x, y - 6); ctx.lineTo(x + 6, y); ctx.lineTo(x, y + 6); ctx.lineTo(x - 6, y);
    ctx.fill();
    ctx.fillStyle = '#111827';
    ctx.font = `11px "${FONT_FAMILY}"`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText(`${b.kd}× ${b.benchmark} (${formatNumber(b.adjustedEstimate)})`, Math.min(x + 8, W - M.right - 150), y);
  }
}

export const ovbContourFigure = {
  id: 'ovb_contour',
  section: 'sensitivity',
  shows: 'estimate adjusted for a confounder over partial-R² grids, benchmark bounds marked (sensemakr)',
  plan: (input) => ({
    kind: 'ovb_contour',
    file: `ovb_contour_${input.result.estimator.replace(/[^A-Za-z0-9_-]/g, '_')}`,
    title: `Omitted-variable-bias contours (${input.label})`,
    draw: (o) => {
      const out = renderDrawing(W, H, (ctx) => draw(ctx, input), o);
      const r = input.result;
      const bench = r.benchmarks.map((b) => `${b.kd}× ${b.benchmark}: ${formatNumber(b.adjustedEstimate)}`).join('; ');
      return { ...out, alt: `Contour plot of the ${input.label} estimate adjusted for an unobserved confounder, by its partial R² with the treatment (x) and the outcome (y), 0 to ${formatNumber(r.contour.r2dz[r.contour.r2dz.length - 1])}. Unadjusted ${formatNumber(r.estimate)}; robustness value ${formatNumber(r.rv)}.${bench ? ` Benchmark bounds: ${bench}.` : ''}` };
    },
  }),
} as const satisfies FigureKind<OvbContourInput>;
