/**
 * Maps a character offset inside an expression string onto the spec file's line:col, and builds
 * the CausewayErrors the expression language throws.
 */
import { CausewayError, type ErrorCode, type ErrorLocation } from '../../errors.js';
import type { ExpressionOrigin } from './ast.js';

/**
 * The spec location of `offset` within `text`. Single-line scalars shift the column; for
 * multi-line (block) scalars, later lines are counted from the origin line and their column is
 * the offset within that line plus the origin's indentation (the best a folded scalar allows).
 */
export function locate(text: string, origin: ExpressionOrigin, offset: number): ErrorLocation {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = origin.line;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const col = line === origin.line ? origin.col + clamped : origin.col + (clamped - lineStart);
  const where: ErrorLocation = { kind: 'spec', file: origin.file, line, col };
  if (origin.pointer !== undefined) where.pointer = origin.pointer;
  return where;
}

export function expressionError(
  code: ErrorCode,
  message: string,
  text: string,
  origin: ExpressionOrigin,
  offset: number,
  hint?: string,
): CausewayError {
  return new CausewayError(code, message, locate(text, origin, offset), hint);
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const previous = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length];
}

/** The closest candidate within a distance proportional to the name's length, if any. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(name.length / 3));
  // A name that is a prefix/suffix of a candidate (likes → item.avg_likes) also counts.
  if (bestDistance <= limit) return best;
  for (const candidate of candidates) {
    if (candidate.endsWith(name) || candidate.endsWith('_' + name) || candidate.endsWith('.' + name)) return candidate;
  }
  return undefined;
}
