/**
 * Dot paths into a spec, as grid axes and command-line overrides write them: `treatment.threshold.value`,
 * `estimators.<id>.clip` (a list entry by its id), `history.lag.days.0` (a list item by index).
 */
import { CausewayError } from '../errors.js';
import { FORBIDDEN_NAMES } from './source.js';

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function listIndex(list: unknown[], segment: string): number | null {
  const byId = list.findIndex((item) => isPlainObject(item) && item.id === segment);
  if (byId >= 0) return byId;
  if (/^(0|[1-9][0-9]*)$/.test(segment) && Number(segment) < list.length) return Number(segment);
  return null;
}

/**
 * Sets a dot path on a spec; `estimators.<id>` addresses the estimator with that id, a number the
 * list item at that index (`history.lag.days.0`). Paths are checked by pathProblem first.
 */
export function setPath(spec: unknown, path: string, value: unknown): void {
  const segments = path.split('.');
  let node: unknown = spec;
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = segments[i];
    let next: unknown;
    if (FORBIDDEN_NAMES.has(seg)) next = undefined;
    else if (Array.isArray(node)) {
      const at = listIndex(node, seg);
      next = at === null ? undefined : node[at];
      if (at !== null && !isPlainObject(next) && !Array.isArray(next)) next = node[at] = {};
    } else if (isPlainObject(node)) {
      if (!isPlainObject(node[seg]) && !Array.isArray(node[seg])) node[seg] = {};
      next = node[seg];
    }
    if (next === undefined) throw new CausewayError('SPEC_UNKNOWN_AXIS', `cannot set the grid axis '${path}'`);
    node = next;
  }
  const last = segments[segments.length - 1];
  if (FORBIDDEN_NAMES.has(last)) throw new CausewayError('SPEC_UNKNOWN_AXIS', `cannot set the grid axis '${path}'`);
  if (Array.isArray(node)) {
    const index = listIndex(node, last);
    if (index === null) throw new CausewayError('SPEC_UNKNOWN_AXIS', `cannot set the grid axis '${path}'`);
    node[index] = value;
  } else (node as Record<string, unknown>)[last] = value;
}
