/**
 * The working mediation design: observed history/profile X → A, M, Y; A → M → Y; A → Y
 * directly; unobserved U ⇢ M, Y dashed. Drawn directly on the canvas (boxes, arrows, wrapped labels).
 */
import type { SKRSContext2D } from '@napi-rs/canvas';
import { FONT_FAMILY, renderDrawing, type Figure, type FigureOptions } from './render.js';
import type { FigureKind } from './kind.js';

export interface DagData {
  title?: string;
  treatment: string;
  /** null when the spec has no mediator: the figure then shows X → A → Y with U ⇢ Y */
  mediator: string | null;
  outcome: string;
  covariates?: string;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  fill: string;
  lines: string[];
}

function wrap(ctx: SKRSContext2D, text: string, maxWidth: number): string[] {
  const fits = (t: string): boolean => ctx.measureText(t).width <= maxWidth;
  // a word wider than the box is broken by characters (long column names) so nothing overflows
  const pieces: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (fits(word)) {
      pieces.push(word);
      continue;
    }
    let part = '';
    for (const ch of word) {
      if (part && !fits(part + ch)) {
        pieces.push(part);
        part = ch;
      } else part += ch;
    }
    if (part) pieces.push(part);
  }
  const lines: string[] = [];
  let line = '';
  for (const piece of pieces) {
    const candidate = line ? `${line} ${piece}` : piece;
    if (!line || fits(candidate)) line = candidate;
    else {
      lines.push(line);
      line = piece;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function roundRect(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.lineTo(x + w - r, y);
  ctx.quadraticCurveTo(x + w, y, x + w, y + r);
  ctx.lineTo(x + w, y + h - r);
  ctx.quadraticCurveTo(x + w, y + h, x + w - r, y + h);
  ctx.lineTo(x + r, y + h);
  ctx.quadraticCurveTo(x, y + h, x, y + h - r);
  ctx.lineTo(x, y + r);
  ctx.quadraticCurveTo(x, y, x + r, y);
  ctx.closePath();
}

/** Where the segment from the box centre towards (tx, ty) leaves the box, pushed out by `gap`. */
function edgePoint(b: Box, tx: number, ty: number, gap = 6): [number, number] {
  const dx = tx - b.x;
  const dy = ty - b.y;
  if (dx === 0 && dy === 0) return [b.x, b.y];
  const sx = dx !== 0 ? b.w / 2 / Math.abs(dx) : Infinity;
  const sy = dy !== 0 ? b.h / 2 / Math.abs(dy) : Infinity;
  const s = Math.min(sx, sy);
  const len = Math.hypot(dx, dy);
  return [b.x + dx * s + (dx / len) * gap, b.y + dy * s + (dy / len) * gap];
}

function arrowHead(ctx: SKRSContext2D, x: number, y: number, angle: number, color: string): void {
  const size = 12;
  ctx.save();
  ctx.setLineDash([]);
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.moveTo(x, y);
  ctx.lineTo(x - size * Math.cos(angle - 0.38), y - size * Math.sin(angle - 0.38));
  ctx.lineTo(x - size * Math.cos(angle + 0.38), y - size * Math.sin(angle + 0.38));
  ctx.closePath();
  ctx.fill();
  ctx.restore();
}

/** Arrow between boxes; `bend` > 0 bows it to the left of the direction of travel (pixels at the middle). */
function arrow(ctx: SKRSContext2D, from: Box, to: Box, opts: { dashed?: boolean; bend?: number; color?: string; label?: string } = {}): void {
  const color = opts.color ?? '#111827';
  const bend = opts.bend ?? 0;
  const mx = (from.x + to.x) / 2;
  const my = (from.y + to.y) / 2;
  const len = Math.hypot(to.x - from.x, to.y - from.y);
  // perpendicular (to the left of travel in screen coordinates)
  const nx = (to.y - from.y) / len;
  const ny = -(to.x - from.x) / len;
  const cx = mx + nx * bend * 2;
  const cy = my + ny * bend * 2;
  const [sx, sy] = edgePoint(from, bend ? cx : to.x, bend ? cy : to.y);
  const [ex, ey] = edgePoint(to, bend ? cx : from.x, bend ? cy : from.y, 8);
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.setLineDash(opts.dashed ? [8, 6] : []);
  ctx.beginPath();
  ctx.moveTo(sx, sy);
  if (bend) ctx.quadraticCurveTo(cx, cy, ex, ey);
  else ctx.lineTo(ex, ey);
  ctx.stroke();
  ctx.restore();
  const angle = bend ? Math.atan2(ey - cy, ex - cx) : Math.atan2(ey - sy, ex - sx);
  arrowHead(ctx, ex, ey, angle, color);
  if (opts.label) {
    // label at the curve's midpoint (quadratic Bézier at t = 0.5)
    const lx = bend ? 0.25 * sx + 0.5 * cx + 0.25 * ex : (sx + ex) / 2;
    const ly = bend ? 0.25 * sy + 0.5 * cy + 0.25 * ey : (sy + ey) / 2;
    ctx.save();
    ctx.font = `italic 13px "${FONT_FAMILY}"`;
    const w = ctx.measureText(opts.label).width;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(lx - w / 2 - 4, ly - 10, w + 8, 20);
    ctx.fillStyle = '#374151';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(opts.label, lx, ly);
    ctx.restore();
  }
}

export function mediationDag(data: DagData, opts: FigureOptions = {}): Figure {
  const W = 1000;
  const H = 600;
  const title = data.title ?? (data.mediator !== null ? 'Working mediation design' : 'Working causal design');
  const hasM = data.mediator !== null;
  const mk = (x: number, y: number, w: number, h: number, fill: string): Box => ({ x, y, w, h, fill, lines: [] });
  const X = mk(500, 125, 380, 78, '#eef2ff');
  const A = mk(hasM ? 190 : 270, 300, 220, 90, '#e0f2fe');
  const M = mk(500, 300, 220, 90, '#ecfccb');
  const Y = mk(hasM ? 810 : 730, 300, 220, 90, '#fef3c7');
  const U = mk(hasM ? 700 : 730, 480, 280, 70, '#f3f4f6');
  const texts: Array<[Box, string]> = [
    [X, `Observed history and user profile (X)${data.covariates ? ': ' + data.covariates : ''}`],
    [A, `Treatment (A): ${data.treatment}`],
    [Y, `Outcome (Y): ${data.outcome}`],
    [U, 'Unobserved factors (U): sensitivity risk'],
  ];
  if (hasM) texts.push([M, `Mediator (M): ${data.mediator}`]);
  const draw = (ctx: SKRSContext2D): void => {
    ctx.font = `bold 20px "${FONT_FAMILY}"`;
    ctx.fillStyle = '#111827';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(title, W / 2, 22);
    ctx.font = `14px "${FONT_FAMILY}"`;
    for (const [box, text] of texts) {
      box.lines = wrap(ctx, text, box.w - 24);
      box.h = Math.max(box.h, box.lines.length * 19 + 22);
    }
    // arrows first, boxes on top
    arrow(ctx, X, A, { bend: -12 });
    if (hasM) arrow(ctx, X, M);
    arrow(ctx, X, Y, { bend: 12 });
    if (hasM) {
      arrow(ctx, A, M, { label: 'α' });
      arrow(ctx, M, Y, { label: 'β' });
      arrow(ctx, A, Y, { bend: -95, label: "direct (c′, NDE)" });
      arrow(ctx, U, M, { dashed: true, color: '#6b7280' });
      arrow(ctx, U, Y, { dashed: true, color: '#6b7280', bend: -10 });
    } else {
      arrow(ctx, A, Y, { label: 'effect' });
      arrow(ctx, U, Y, { dashed: true, color: '#6b7280' });
      arrow(ctx, U, A, { dashed: true, color: '#6b7280' });
    }
    for (const box of [X, A, ...(hasM ? [M] : []), Y, U]) {
      const left = box.x - box.w / 2;
      const top = box.y - box.h / 2;
      roundRect(ctx, left, top, box.w, box.h, 12);
      ctx.fillStyle = box.fill;
      ctx.fill();
      ctx.setLineDash(box === U ? [6, 4] : []);
      ctx.strokeStyle = '#374151';
      ctx.lineWidth = 1.5;
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = '#111827';
      ctx.font = `14px "${FONT_FAMILY}"`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      const lh = 19;
      const y0 = box.y - ((box.lines.length - 1) * lh) / 2;
      box.lines.forEach((line, i) => ctx.fillText(line, box.x, y0 + i * lh));
    }
    ctx.font = `13px "${FONT_FAMILY}"`;
    ctx.fillStyle = '#4b5563';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.fillText('Dashed arrows: unobserved confounding that diagnostics cannot rule out (see sensitivity).', W / 2, H - 14);
  };
  const out = renderDrawing(W, H, (ctx) => draw(ctx), opts);
  const alt = hasM
    ? `Causal diagram: observed history and profile X point to treatment ${data.treatment}, mediator ${data.mediator} and outcome ${data.outcome}; ` +
      `the treatment points to the mediator (α), the mediator to the outcome (β), and the treatment directly to the outcome; ` +
      `unobserved factors U point to the mediator and the outcome with dashed arrows.`
    : `Causal diagram: observed history and profile X point to treatment ${data.treatment} and outcome ${data.outcome}; the treatment points to the outcome; ` +
      `unobserved factors U point to treatment and outcome with dashed arrows.`;
  return { ...out, alt };
}

/** The dag figure kind (figures/kind.ts): the mediation section draws it from the cell's definitions. */
export const dagFigure = {
  id: 'dag',
  section: 'mediation',
  shows: 'X → A, M, Y; A → M → Y; A → Y; unobserved U ⇢ M, Y (dashed)',
  plan: (data) => ({ kind: 'dag', file: 'dag', title: 'Working causal diagram', draw: (o) => mediationDag(data, o) }),
} as const satisfies FigureKind<DagData>;
