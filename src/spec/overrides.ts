/**
 * Command-line overrides, applied to a spec after `extends` and before validation, so a value tried from
 * the command line is checked exactly as one written in the file (DVC's `-S`, Hydra's `key=a,b`):
 *  - `-S path=value` sets one value; `value` is YAML (`0.6`, `[0.05, 0.95]`, `{ kind: gbm, trees: 50 }`);
 *  - `--sweep path=a,b,c` adds a grid axis `sensitivity.grid.<path>: [a, b, c]` (commas inside brackets,
 *    braces or quotes do not split).
 * Paths are the dot paths of grid axes (src/spec/paths.ts). Errors point at the option, written as the
 * file `-S` or `--sweep` at line 1 and the column of the offending text, and the resolved spec
 * (spec.resolved.yaml) records the result.
 */
import { parse as parseYaml } from 'yaml';
import { CausewayError } from '../errors.js';
import { setPath } from './paths.js';
import { FORBIDDEN_NAMES, joinPointer, type SourceMap } from './source.js';

export interface SpecOverrides {
  /** `-S path=value`, in order */
  set?: string[];
  /** `--sweep path=a,b,c`, in order */
  sweep?: string[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function fail(option: string, text: string, col: number, message: string): CausewayError {
  return new CausewayError('SPEC_OVERRIDE', `${message} (${option} ${text})`, { kind: 'spec', file: option, line: 1, col });
}

function split(option: string, text: string): { path: string; value: string; valueCol: number } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw fail(option, text, 1, `expected path=value`);
  const path = text.slice(0, eq).trim();
  if (!/^[A-Za-z0-9_$*?.-]+$/.test(path) || path.split('.').some((s) => s === '' || FORBIDDEN_NAMES.has(s))) {
    throw fail(option, text, 1, `'${path}' is not a spec path (dot-separated keys, estimator ids or list indices)`);
  }
  return { path, value: text.slice(eq + 1), valueCol: eq + 2 };
}

function parseValue(option: string, text: string, value: string, col: number): unknown {
  try {
    return parseYaml(value, { prettyErrors: false, logLevel: 'error' }) ?? null;
  } catch (e) {
    throw fail(option, text, col, `the value does not parse as YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Splits `a,b,[c,d],"e,f"` at top-level commas; returns each piece with its column offset. */
export function splitSweepValues(text: string): Array<{ text: string; offset: number }> {
  const out: Array<{ text: string; offset: number }> = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (i === text.length || (c === ',' && depth === 0 && quote === null)) {
      out.push({ text: text.slice(start, i), offset: start });
      start = i + 1;
    } else if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
  }
  return out;
}

/** The JSON pointer of a dot path in a spec value: list entries named by id become their index. */
function pointerOf(spec: unknown, path: string): string {
  let node: unknown = spec;
  let pointer = '';
  for (const seg of path.split('.')) {
    let key = seg;
    if (Array.isArray(node)) {
      const byId = node.findIndex((item) => isPlainObject(item) && item.id === seg);
      if (byId >= 0) key = String(byId);
    }
    pointer = joinPointer(pointer, key);
    node = Array.isArray(node) ? node[Number(key)] : isPlainObject(node) ? node[key] : undefined;
  }
  return pointer;
}

/**
 * Applies the overrides to a merged spec value in place and records where each came from in the source
 * map, so a schema error about an overridden value points at the option.
 */
export function applyOverrides(spec: Record<string, unknown>, source: SourceMap, overrides: SpecOverrides): void {
  for (const text of overrides.set ?? []) {
    const { path, value, valueCol } = split('-S', text);
    const parsed = parseValue('-S', text, value, valueCol);
    try {
      setPath(spec, path, parsed);
    } catch {
      throw fail('-S', text, 1, `cannot set '${path}': a key on the way is not a mapping, or the list has no entry '${path.split('.').pop()}'`);
    }
    const where = { file: '-S', line: 1, col: valueCol };
    const pointer = pointerOf(spec, path);
    source.values.set(pointer, where);
    source.keys.set(pointer, { file: '-S', line: 1, col: 1 });
  }
  for (const text of overrides.sweep ?? []) {
    const { path, value, valueCol } = split('--sweep', text);
    const pieces = splitSweepValues(value);
    if (pieces.some((p) => p.text.trim() === '')) throw fail('--sweep', text, valueCol, 'an empty value in the list');
    const values = pieces.map((p) => parseValue('--sweep', text, p.text, valueCol + p.offset));
    if (!isPlainObject(spec.sensitivity)) spec.sensitivity = {};
    const sensitivity = spec.sensitivity as Record<string, unknown>;
    if (!isPlainObject(sensitivity.grid)) sensitivity.grid = {};
    (sensitivity.grid as Record<string, unknown>)[path] = values;
    const axis = joinPointer('/sensitivity/grid', path);
    source.keys.set(axis, { file: '--sweep', line: 1, col: 1 });
    source.values.set(axis, { file: '--sweep', line: 1, col: valueCol });
    pieces.forEach((p, i) => source.values.set(`${axis}/${i}`, { file: '--sweep', line: 1, col: valueCol + p.offset }));
  }
}

/** The overrides as the command line wrote them, for the manifest. */
export function overridesAsArgs(overrides: SpecOverrides | undefined): string[] {
  return [...(overrides?.set ?? []).map((s) => `-S ${s}`), ...(overrides?.sweep ?? []).map((s) => `--sweep ${s}`)];
}
