/**
 * Planning: a loaded spec's sensitivity grid expanded into cells. Axes are dot paths into the
 * spec (`treatment.threshold.quantile`, `estimators.ipw.clip` — estimators addressed by id);
 * the product is cartesian, `zip` groups pair axes, `exclude` rules drop cells. Each cell's id is
 * a hash of its resolved analysis definition, so the same analysis has the same id in any spec.
 */
import { CausewayError, CausewayErrors } from '../errors.js';
import { canonicalJson, contentHash, sha256 } from './canonical.js';
import { closest, isPlainObject, schemaErrorsToCauseway, specValidator, type LoadedSpec } from './load.js';
import { FORBIDDEN_NAMES, forbiddenSegment, joinPointer, locate, type SourceMap } from './source.js';
import type { CausewaySpec } from './types.generated.js';
import { listIndex, setPath } from './paths.js';

export interface Cell {
  id: string;
  /** Axis path → value for this cell ({} for a spec without a grid). */
  axes: Record<string, unknown>;
  spec: CausewaySpec;
}

export interface Plan {
  name: string;
  specHash: string;
  cells: Cell[];
  axes: Array<{ path: string; values: unknown[] }>;
  excluded: number;
  maxCells: number;
}

interface Axis {
  /** One path for a grid axis; several for a zip group, whose values move together. */
  paths: string[];
  values: unknown[][];
  pointers: string[][];
}

/** Largest grid (the product of its axes' value counts, before exclusions) a plan expands. */
const MAX_GRID_PRODUCT = 100_000;

/** Keys that name or present a study but do not change its numbers: left out of cell ids. */
const PRESENTATION_KEYS = ['name', 'title', 'description', 'report', '$schema'];

export function analysisDefinition(spec: CausewaySpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) if (!PRESENTATION_KEYS.includes(k)) out[k] = v;
  // Where the data lie is not part of the analysis: the same archive at another path or in another
  // layout (outer zip, inner zip, folder) gives the same cell ids, so the same seeds and results.
  if (isPlainObject(out.data) && out.data.path !== undefined) {
    const { path: _path, ...data } = out.data;
    out.data = data;
  }
  if (isPlainObject(out.sensitivity)) {
    const { grid: _g, zip: _z, exclude: _e, max_cells: _m, ...rest } = out.sensitivity;
    out.sensitivity = rest;
  }
  return out;
}

export function cellId(spec: CausewaySpec): string {
  return contentHash(analysisDefinition(spec), 12);
}

/**
 * cellId for many cells of one spec: the canonical JSON of the sections no axis touches is computed
 * once. Produces exactly canonicalJson(analysisDefinition(cell)) piece by piece, so ids agree with cellId.
 */
class CellHasher {
  private readonly fixed = new Map<string, string>();
  constructor(base: CausewaySpec, private readonly touched: Set<string>) {
    for (const [k, v] of Object.entries(analysisDefinition(base))) if (!touched.has(k) && v !== undefined) this.fixed.set(k, canonicalJson(v));
  }
  id(spec: CausewaySpec): string {
    const def = analysisDefinition(spec);
    const keys = Object.keys(def).filter((k) => def[k] !== undefined).sort();
    const parts = keys.map((k) => `${JSON.stringify(k)}:${this.touched.has(k) ? canonicalJson(def[k]) : (this.fixed.get(k) ?? canonicalJson(def[k]))}`);
    return sha256(`{${parts.join(',')}}`).slice(0, 12);
  }
}

export function buildPlan(loaded: LoadedSpec): Plan {
  const { spec, source } = loaded;
  // Every grid problem is collected before failing, so one bad axis does not hide the others.
  const errors: CausewayError[] = [];
  const axes = readAxes(spec, source, errors);
  validateAxisValues(spec, source, axes, errors);
  const rawExclude = isPlainObject(spec.sensitivity) ? spec.sensitivity.exclude : undefined;
  const excludeRules = (Array.isArray(rawExclude) ? rawExclude.filter(isPlainObject) : []) as Array<Record<string, unknown>>;
  checkExcludeRules(excludeRules, axes, source, errors);
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new CausewayErrors(errors);
  const cells: Cell[] = [];
  let excluded = 0;
  const seen = new Set<string>();
  const counts = axes.map((a) => a.values[0].length);
  const total = counts.reduce((a, b) => a * b, 1);
  // The product is checked before it is expanded: 32 axes of 1,000 values each pass the schema's
  // bounds but would never finish expanding.
  if (total > MAX_GRID_PRODUCT) {
    const pos = locate(source, '/sensitivity/grid');
    throw new CausewayError('SPEC_GRID_TOO_LARGE', `the grid has ${total <= Number.MAX_SAFE_INTEGER ? total : total.toExponential(2)} cells before exclusions; at most ${MAX_GRID_PRODUCT} are allowed`, {
      kind: 'spec', file: pos.file, line: pos.line, col: pos.col, pointer: '/sensitivity/grid',
    }, 'split the study into several specs');
  }
  const index = new Array(axes.length).fill(0);
  // An axis value that is a mapping (a model, a threshold form) may leave defaults unfilled: such cells
  // are validated once more so their resolved definition, and id, equals the same analysis written out.
  const fillDefaults = axes.some((a) => a.paths.some((p) => /(^|\.)kind$/.test(p)) || a.values.some((vs) => vs.some((v) => v !== null && typeof v === 'object')));
  const validate = specValidator();
  // Sections no axis touches are shared between cells and their canonical JSON is computed once,
  // so a 10,000-cell plan hashes only what each cell changes.
  const touched = new Set(axes.flatMap((a) => a.paths.map((p) => p.split('.')[0])));
  const hasher = new CellHasher(spec, touched);
  for (let n = 0; n < total; n++) {
    const assignment: Record<string, unknown> = {};
    axes.forEach((axis, ai) => axis.paths.forEach((p, pi) => (assignment[p] = axis.values[pi][index[ai]])));
    if (excludeRules.some((rule) => Object.entries(rule).every(([p, v]) => canonicalJson(assignment[p]) === canonicalJson(v)))) {
      excluded++;
    } else {
      const cellSpec = { ...spec } as Record<string, unknown>;
      for (const key of touched) if (cellSpec[key] !== undefined) cellSpec[key] = structuredClone(cellSpec[key]);
      for (const [p, v] of Object.entries(assignment)) setPath(cellSpec as unknown as CausewaySpec, p, structuredClone(v));
      if (fillDefaults) validate(cellSpec);
      const id = hasher.id(cellSpec as unknown as CausewaySpec);
      // Two assignments resolving to the same analysis are one cell.
      if (!seen.has(id)) {
        seen.add(id);
        cells.push({ id, axes: assignment, spec: cellSpec as unknown as CausewaySpec });
      }
    }
    for (let ai = axes.length - 1; ai >= 0; ai--) {
      index[ai]++;
      if (index[ai] < counts[ai]) break;
      index[ai] = 0;
    }
  }
  return {
    name: spec.name,
    specHash: contentHash(analysisDefinition(spec), 16),
    cells,
    axes: axes.flatMap((a) => a.paths.map((p, i) => ({ path: p, values: a.values[i] }))),
    excluded,
    maxCells: spec.sensitivity?.max_cells ?? 200,
  };
}

function readAxes(spec: CausewaySpec, source: SourceMap, errors: CausewayError[]): Axis[] {
  const axes: Axis[] = [];
  // Values of the wrong type (a spec the schema rejected, checked on by src/run/check-spec.ts) are skipped: their schema error says what is wrong.
  const sensitivity = isPlainObject(spec.sensitivity) ? spec.sensitivity : {};
  const grid = (isPlainObject(sensitivity.grid) ? sensitivity.grid : {}) as Record<string, unknown[]>;
  for (const [path, values] of Object.entries(grid)) {
    if (!Array.isArray(values) || values.length === 0) continue;
    const base = joinPointer('/sensitivity/grid', path);
    axes.push({ paths: [path], values: [values], pointers: [values.map((_, i) => `${base}/${i}`)] });
  }
  const zips = (Array.isArray(sensitivity.zip) ? sensitivity.zip : []) as Array<Record<string, unknown[]>>;
  zips.forEach((group, gi) => {
    if (!isPlainObject(group)) return;
    const entries = Object.entries(group);
    if (entries.length === 0 || entries.some(([, v]) => !Array.isArray(v) || v.length === 0)) return;
    const lengths = new Set(entries.map(([, v]) => v.length));
    if (lengths.size > 1) {
      const pos = locate(source, `/sensitivity/zip/${gi}`);
      errors.push(new CausewayError('SPEC_ZIP_LENGTHS', `zip group axes must list the same number of values (${entries.map(([p, v]) => `${p}: ${v.length}`).join(', ')})`, {
        kind: 'spec', file: pos.file, line: pos.line, col: pos.col, pointer: `/sensitivity/zip/${gi}`,
      }));
      return;
    }
    axes.push({
      paths: entries.map(([p]) => p),
      values: entries.map(([, v]) => v),
      pointers: entries.map(([p, v]) => v.map((_, i) => `${joinPointer(`/sensitivity/zip/${gi}`, p)}/${i}`)),
    });
  });
  const all = axes.flatMap((a) => a.paths);
  const dup = all.find((p, i) => all.indexOf(p) !== i);
  if (dup) {
    const pos = locate(source, '/sensitivity');
    errors.push(new CausewayError('SPEC_AXIS_TWICE', `axis '${dup}' appears twice in the grid`, {
      kind: 'spec', file: pos.file, line: pos.line, col: pos.col, pointer: '/sensitivity',
    }));
    // the second of the two is dropped so the values of the first are still checked
    const firstOnly = axes.filter((a, i) => !a.paths.includes(dup) || axes.findIndex((b) => b.paths.includes(dup)) === i);
    return firstOnly;
  }
  return axes;
}

/** Each axis value is applied alone to the base spec and validated, so a bad value is reported at its own line. */
function validateAxisValues(spec: CausewaySpec, source: SourceMap, axes: Axis[], errors: CausewayError[]): void {
  const validate = specValidator();
  // When the base spec itself fails the schema (src/run/check-spec.ts checks on), its own errors come
  // back with every trial: only the errors a value adds are the value's.
  const baseErrors = new Set(validate(spec) ? [] : schemaErrorsToCauseway(validate.errors ?? [], source).map((e) => e.format()));
  for (const axis of axes) {
    axis.paths.forEach((path, pi) => {
      const keyPointer = axis.pointers[pi][0].replace(/\/\d+$/, '');
      const problem = pathProblem(spec, path);
      if (problem) {
        const pos = locate(source, keyPointer, true);
        errors.push(new CausewayError('SPEC_UNKNOWN_AXIS', problem, { kind: 'spec', file: pos.file, line: pos.line, col: pos.col, pointer: keyPointer }));
        return;
      }
      axis.values[pi].forEach((value, vi) => {
        // Only the section the axis writes into is copied: the rest is shared, read-only, with the spec.
        const trial = { ...spec } as unknown as Record<string, unknown>;
        const section = path.split('.')[0];
        if (trial[section] !== undefined) trial[section] = structuredClone(trial[section]);
        setPath(trial as unknown as CausewaySpec, path, structuredClone(value));
        if (!validate(trial)) {
          const pointer = axis.pointers[pi][vi];
          const pos = locate(source, pointer);
          for (const err of schemaErrorsToCauseway(validate.errors ?? [], source)) {
            if (baseErrors.has(err.format())) continue;
            const w = err.where as { pointer?: string };
            errors.push(new CausewayError('SPEC_AXIS_VALUE', `value ${canonicalJson(value)} for '${path}': ${err.message} (at ${w.pointer})`, {
              kind: 'spec', file: pos.file, line: pos.line, col: pos.col, pointer,
            }));
          }
        }
      });
    });
  }
}

function checkExcludeRules(rules: Array<Record<string, unknown>>, axes: Axis[], source: SourceMap, errors: CausewayError[]): void {
  const known = axes.flatMap((a) => a.paths);
  rules.forEach((rule, ri) => {
    for (const path of Object.keys(rule)) {
      if (!known.includes(path)) {
        const pointer = joinPointer(`/sensitivity/exclude/${ri}`, path);
        const pos = locate(source, pointer, true);
        const s = closest(path, known);
        errors.push(new CausewayError('SPEC_EXCLUDE_AXIS', `exclude names '${path}', which is not a grid axis` + (s ? `; did you mean '${s}'?` : ''), {
          kind: 'spec', file: pos.file, line: pos.line, col: pos.col, pointer,
        }));
      }
    }
  });
}

/** Why a dot path cannot be set on this spec, or null when it can. */
function pathProblem(spec: CausewaySpec, path: string): string | null {
  const segments = path.split('.');
  const reserved = forbiddenSegment(path);
  if (reserved) return `'${reserved}' cannot be part of a grid axis path (it addresses JavaScript's object prototype)`;
  if (segments.some((s) => s === '')) return `axis path '${path}' has an empty part`;
  if (segments[0] === 'sensitivity' || segments[0] === 'name' || segments[0] === 'extends') return `'${segments[0]}' cannot be a grid axis`;
  // Cell ids leave data.path out (analysisDefinition): one results.json describes one data set.
  if (path === 'data.path' || path === 'data') return `'${path}' cannot be a grid axis: run the spec once per archive`;
  if (segments[0] === 'estimators') {
    if (segments.length < 2) return "an estimators axis names an estimator: 'estimators.<id>.<option>'";
    const ids = (Array.isArray(spec.estimators) ? spec.estimators : []).map((e) => (isPlainObject(e) ? e.id : undefined)).filter((id): id is string => typeof id === 'string');
    if (!ids.includes(segments[1])) {
      const s = closest(segments[1], ids);
      return `no estimator with id '${segments[1]}'` + (s ? `; did you mean '${s}'?` : ` (ids: ${ids.join(', ')})`);
    }
  }
  const top = ['seed', 'data', 'events', 'days', 'history', 'population', 'treatment', 'mediator', 'outcomes', 'covariates', 'models', 'estimators', 'uncertainty', 'diagnostics', 'heterogeneity'];
  if (!top.includes(segments[0])) {
    const s = closest(segments[0], top);
    return `unknown spec path '${path}'` + (s ? `; did you mean '${[s, ...segments.slice(1)].join('.')}'?` : '');
  }
  // Walk the path as setPath will: a list is entered by an item's id (estimators) or by a 0-based
  // index below its length; a missing mapping key is created; anything else cannot hold the value.
  let node: unknown = spec;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const so = segments.slice(0, i).join('.') || '(the spec)';
    const last = i === segments.length - 1;
    if (Array.isArray(node)) {
      const at = listIndex(node, seg);
      if (at === null) return `'${so}' is a list: the next part of '${path}' must be an item id or an index from 0 to ${node.length - 1}, not '${seg}'`;
      node = node[at];
    } else if (isPlainObject(node)) {
      node = node[seg];
    } else if (node === undefined || node === null) {
      return null;
    } else return `'${so}' is ${JSON.stringify(node)}, not a mapping or list: '${path}' cannot be set inside it`;
    if (last) return null;
  }
  return null;
}

/** The item of a list a path part addresses: the item whose id it is, else a 0-based index; null when neither. */
