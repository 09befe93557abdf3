/**
 * Loading a spec: YAML with positions → `extends` chain merged → JSON Schema validation (ajv,
 * draft 2020-12) → reference checks. Every problem is reported as `file:line:col  /pointer  message`
 * and all problems are collected before failing.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv2020, ErrorObject, Options, ValidateFunction } from 'ajv/dist/2020.js';
import { CausewayError, CausewayErrors, type ErrorCode } from '../errors.js';
import { closest } from './closest.js';
import { loadPrebuiltValidator, schemaFileHash } from './prebuilt-validator.js';
import { applyOverrides, type SpecOverrides } from './overrides.js';
import { joinPointer, locate, parseYamlFile, type ParsedYaml, type SourceMap, type SourcePosition } from './source.js';
import { MAX_TEMPLATE_BYTES, ProjectReadError, projectRoots, readProjectFile } from './project.js';
import type { CausewaySpec } from './types.generated.js';

/** Longest `extends` chain (a spec, its parent, its grandparent, ...). */
const MAX_EXTENDS_DEPTH = 16;

export type { CausewaySpec } from './types.generated.js';

export interface LoadedSpec {
  spec: CausewaySpec;
  /** Positions of every value of the merged spec, in the file that wrote it. */
  source: SourceMap;
  /** The spec file and every file it extends, nearest first. */
  files: string[];
  /** Absolute path of the spec file; relative paths inside it resolve against its folder. */
  path: string;
  baseDir: string;
  /** command-line overrides applied to it (spec/overrides.ts) */
  overrides?: SpecOverrides;
}

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const specSchemaPath = resolve(projectRoot, 'schemas', 'causeway.schema.json');

let compiled: ValidateFunction | null = null;
export function specSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(specSchemaPath, 'utf8')) as Record<string, unknown>;
}

/** The spec schema's validator options: the runtime compile and the build's standalone module share them. */
export const SPEC_AJV_OPTIONS: Options = { allErrors: true, strict: true, strictRequired: false, discriminator: true, useDefaults: true, verbose: true };

/** An ajv instance set up for the spec schema (ajv is loaded only here: `--version` and most commands never need it). */
export function specAjv(extra: Options = {}): Ajv2020 {
  const require = createRequire(import.meta.url);
  const { Ajv2020: AjvClass } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const ajv = new AjvClass({ ...SPEC_AJV_OPTIONS, ...extra });
  // Editor hover text (VS Code's JSON/YAML language servers) beside each enum; no validation meaning.
  ajv.addKeyword({ keyword: 'markdownEnumDescriptions', schemaType: 'array' });
  return ajv;
}

/** sha-256 of the schema file's bytes: ties the build's standalone validator to the schema it was made from. */
export function specSchemaHash(text: Buffer | string = readFileSync(specSchemaPath)): string {
  return schemaFileHash(text);
}

/** The build's validator module (scripts/postbuild.mjs), written beside this file. */
export const PREBUILT_VALIDATOR = 'spec-validator.generated.cjs';

/**
 * The validator scripts/postbuild.mjs generated from the schema at build time (src/spec/prebuilt-validator.ts),
 * or the schema compiled here when there is none or it was made from another version of the schema.
 */
export function specValidator(): ValidateFunction {
  if (!compiled) compiled = loadPrebuiltValidator(fileURLToPath(new URL(PREBUILT_VALIDATOR, import.meta.url)), specSchemaPath) ?? specAjv().compile(specSchema());
  return compiled;
}

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

const BUILTIN_MODELS = new Set(['linear', 'logistic', 'gbm', 'ridge', 'cbps', 'entropy_balance']);
/** Kinds whose propensity may be entropy balancing: weights, not P(A = 1 | X) (src/estimate/balancing.ts). */
const WEIGHT_ONLY_KINDS = new Set(['ipw', 'msm']);

/**
 * Loads, merges, validates and checks references. Throws CausewayError(s) with locations; given
 * `collect`, the schema, reference and template errors are pushed there instead and the spec is
 * returned as read (possibly invalid), so later checks (src/run/check-spec.ts) still run on it.
 */
export function loadSpec(file: string, overrides?: SpecOverrides, collect?: CausewayError[]): LoadedSpec {
  const absolute = resolve(file);
  // The spec's project: its own folder tree, folders named with --project, causeway's bundled specs.
  const { data, source, files } = loadWithExtends(absolute, [], projectRoots(dirname(absolute)));
  const spec = data as Record<string, unknown>;
  delete spec.extends;
  // -S / --sweep from the command line, applied before validation so they are checked like the file
  if (overrides) applyOverrides(spec, source, overrides);
  // Absent optional sections are made explicit so their defaults are filled in the same way
  // whether or not a spec wrote them: the same analysis then always has the same cell id.
  for (const section of ['uncertainty', 'sensitivity', 'covariates', 'report']) if (spec[section] === undefined) spec[section] = {};
  if (!collect) {
    validateSpecValue(spec, source);
    checkReferences(spec as unknown as CausewaySpec, source);
    checkTemplate(spec as unknown as CausewaySpec, source, dirname(absolute));
  } else {
    const validate = specValidator();
    const schemaValid = validate(spec);
    if (!schemaValid) collect.push(...schemaErrorsToCauseway(validate.errors ?? [], source));
    for (const check of [
      () => checkReferences(spec as unknown as CausewaySpec, source),
      () => checkTemplate(spec as unknown as CausewaySpec, source, dirname(absolute)),
    ]) {
      try {
        check();
      } catch (e) {
        if (e instanceof CausewayErrors) collect.push(...e.errors);
        else if (e instanceof CausewayError) collect.push(e);
        // A check that trips over a value of the wrong type is answered by that value's schema error.
        else if (schemaValid) throw e;
      }
    }
  }
  return { spec: spec as unknown as CausewaySpec, source, files, path: absolute, baseDir: dirname(absolute), ...(overrides ? { overrides } : {}) };
}

/**
 * A spec's report template is read only from the spec's project (src/spec/project.ts): checked here so
 * validate reports a refused template at its line, before any data is read.
 */
function checkTemplate(spec: CausewaySpec, source: SourceMap, specDir: string): void {
  const value = isPlainObject(spec.report) ? spec.report.template : undefined;
  if (typeof value !== 'string' || value === '' || value === 'default') return;
  try {
    readProjectFile(resolve(specDir, value), projectRoots(specDir), MAX_TEMPLATE_BYTES, 'report template');
  } catch (e) {
    if (!(e instanceof ProjectReadError)) throw e;
    const pos = locate(source, '/report/template');
    const code = e.reason === 'missing' ? 'REPORT_TEMPLATE_MISSING' : e.reason === 'outside' ? 'REPORT_TEMPLATE_OUTSIDE' : 'REPORT_TEMPLATE_READ';
    throw new CausewayError(code, e.reason === 'missing' ? `report template not found: ${value}` : e.detail, {
      kind: 'spec', file: pos.file, line: pos.line, col: pos.col, pointer: '/report/template',
    });
  }
}

interface Merged {
  data: unknown;
  source: SourceMap;
  files: string[];
}

function loadWithExtends(absolute: string, chain: string[], roots: string[], from?: SourcePosition): Merged {
  const shown = displayPath(absolute);
  if (chain.includes(absolute)) {
    const cycle = [...chain, absolute].map(displayPath).join(' → ');
    throw new CausewayError('SPEC_EXTENDS_CYCLE', `extends cycle: ${cycle}`, specWhere(from, '/extends'));
  }
  if (chain.length > MAX_EXTENDS_DEPTH) {
    throw new CausewayError('SPEC_EXTENDS_DEPTH', `extends chain longer than ${MAX_EXTENDS_DEPTH} files`, specWhere(from, '/extends'));
  }
  let parsed: ParsedYaml;
  try {
    parsed = parseYamlFile(absolute, shown, from ? roots : [dirname(absolute)]);
  } catch (e) {
    if (e instanceof CausewayError && e.code === 'SPEC_NOT_FOUND' && from) {
      throw new CausewayError('SPEC_EXTENDS_MISSING', `extends: file not found: ${shown}`, specWhere(from, '/extends'));
    }
    // Only the path is named: the message of a refused read never quotes the file.
    if (e instanceof CausewayError && (e.code === 'SPEC_OUTSIDE_PROJECT' || e.code === 'SPEC_READ') && from) {
      throw new CausewayError(e.code === 'SPEC_READ' ? 'SPEC_EXTENDS_READ' : 'SPEC_EXTENDS_OUTSIDE', `extends ${shown}: ${e.message}`, specWhere(from, '/extends'));
    }
    throw e;
  }
  const data = parsed.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new CausewayError('SPEC_NOT_MAPPING', 'a spec must be a YAML mapping of sections', {
      kind: 'spec', file: shown, line: 1, col: 1, pointer: '',
    });
  }
  const record = data as Record<string, unknown>;
  if (record.extends === undefined) return { data: record, source: parsed.source, files: [absolute] };
  const extendsPos = parsed.source.values.get('/extends');
  if (typeof record.extends !== 'string' || record.extends.trim() === '') {
    throw new CausewayError('SPEC_EXTENDS_TYPE', 'extends must be a path to another spec', specWhere(extendsPos, '/extends'));
  }
  const parentPath = resolve(dirname(absolute), record.extends);
  const parent = loadWithExtends(parentPath, [...chain, absolute], roots, extendsPos);
  const child = { ...record };
  delete child.extends;
  const parentData = { ...(parent.data as Record<string, unknown>) };
  delete parentData.extends;
  return {
    data: deepMerge(parentData, child),
    source: mergeSources(parent.source, parsed.source, child),
    files: [absolute, ...parent.files],
  };
}

function specWhere(pos: SourcePosition | undefined, pointer: string) {
  return pos ? { kind: 'spec' as const, file: pos.file, line: pos.line, col: pos.col, pointer } : { kind: 'none' as const };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Objects merge key by key; arrays and scalars from the child replace the parent's; a child's `null`
 * removes the inherited key (as JSON Merge Patch, RFC 7396).
 */
function deepMerge(parent: unknown, child: unknown): unknown {
  if (isPlainObject(parent) && isPlainObject(child)) {
    const out: Record<string, unknown> = { ...parent };
    for (const [k, v] of Object.entries(child)) {
      if (v === null) delete out[k];
      else out[k] = k in parent ? deepMerge(parent[k], v) : v;
    }
    return out;
  }
  return child;
}

function mergeSources(parent: SourceMap, child: SourceMap, childData: Record<string, unknown>): SourceMap {
  // Pointers where the child replaced a whole value: the parent's positions beneath them are gone.
  const replaced = new Set<string>();
  const collect = (value: unknown, pointer: string): void => {
    if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) collect(v, joinPointer(pointer, k));
    else replaced.add(pointer);
  };
  collect(childData, '');
  // A pointer is replaced when it or one of its ancestors is: a walk up its own segments (linear in
  // the spec's size overall, where comparing with every replaced pointer was quadratic).
  const isReplaced = (p: string) => {
    for (let q = p; ; q = q.slice(0, q.lastIndexOf('/'))) {
      if (replaced.has(q)) return true;
      if (q === '') return false;
    }
  };
  const merge = (a: Map<string, SourcePosition>, b: Map<string, SourcePosition>) => {
    const out = new Map<string, SourcePosition>();
    for (const [p, pos] of a) if (!isReplaced(p)) out.set(p, pos);
    for (const [p, pos] of b) out.set(p, pos);
    return out;
  };
  return { values: merge(parent.values, child.values), keys: merge(parent.keys, child.keys) };
}

/** Validates a spec value against the JSON Schema (filling defaults) and throws located errors. */
function validateSpecValue(spec: unknown, source: SourceMap): void {
  const validate = specValidator();
  if (validate(spec)) return;
  const errors = schemaErrorsToCauseway(validate.errors ?? [], source);
  throw errors.length === 1 ? errors[0] : new CausewayErrors(errors);
}

export function schemaErrorsToCauseway(raw: ErrorObject[], source: SourceMap, pointerPrefix = ''): CausewayError[] {
  // A failed oneOf also reports every branch's errors; keep the oneOf line, drop the branch noise.
  const oneOfPaths = raw.filter((e) => e.keyword === 'oneOf').map((e) => e.schemaPath.replace(/\/oneOf$/, '/oneOf/'));
  // The top-level if/else (sections a child spec with extends may leave out) adds a line of its own
  // beside each missing key: the missing keys say it.
  const kept = raw.filter((e) => e.keyword !== 'if' && (e.keyword === 'oneOf' || !oneOfPaths.some((p) => e.schemaPath.startsWith(p))));
  const seen = new Set<string>();
  const out: CausewayError[] = [];
  for (const e of kept) {
    const { pointer, message, preferKey } = describeSchemaError(e);
    const fullPointer = pointerPrefix + pointer;
    const pos = locate(source, fullPointer, preferKey);
    const line = `${pos.file}:${pos.line}:${pos.col} ${fullPointer} ${message}`;
    if (seen.has(line)) continue;
    seen.add(line);
    out.push(new CausewayError('SPEC_SCHEMA', message, { kind: 'spec', file: pos.file, line: pos.line, col: pos.col, pointer: fullPointer || '/' }));
  }
  out.sort((a, b) => {
    const wa = a.where as { line: number; col: number };
    const wb = b.where as { line: number; col: number };
    return wa.line - wb.line || wa.col - wb.col;
  });
  return out;
}

function describeSchemaError(e: ErrorObject): { pointer: string; message: string; preferKey: boolean } {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys(((e.parentSchema as Record<string, unknown>)?.properties as object) ?? {});
      const suggestion = closest(key, known);
      return {
        pointer: joinPointer(e.instancePath, key),
        message: `unknown key '${key}'` + (suggestion ? `; did you mean '${suggestion}'?` : known.length ? ` (allowed: ${known.join(', ')})` : ''),
        preferKey: true,
      };
    }
    case 'required':
      return { pointer: e.instancePath, message: `missing required key '${String(params.missingProperty)}'`, preferKey: false };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      return { pointer: e.instancePath, message: `must be one of ${allowed.join(', ')}`, preferKey: false };
    }
    case 'const':
      return { pointer: e.instancePath, message: `must be ${JSON.stringify(params.allowedValue)}`, preferKey: false };
    case 'type':
      return { pointer: e.instancePath, message: `must be ${String(params.type)}`, preferKey: false };
    case 'oneOf':
      return { pointer: e.instancePath, message: describeOneOf(e), preferKey: false };
    case 'discriminator': {
      const mapping = (e.parentSchema as { oneOf?: Array<{ properties?: { kind?: { const?: string } } }> })?.oneOf ?? [];
      const kinds = mapping.map((b) => b.properties?.kind?.const).filter(Boolean) as string[];
      const tag = String(params.tag);
      const value = params.tagValue;
      if (params.error === 'mapping' && typeof value === 'string') {
        const suggestion = closest(value, kinds);
        return {
          pointer: joinPointer(e.instancePath, tag),
          message: `unknown ${tag} '${value}'` + (suggestion ? `; did you mean '${suggestion}'?` : `; one of ${kinds.join(', ')}`),
          preferKey: false,
        };
      }
      return { pointer: joinPointer(e.instancePath, tag), message: `${tag} must be one of ${kinds.join(', ')}`, preferKey: false };
    }
    case 'not':
      return { pointer: e.instancePath, message: `${JSON.stringify(e.data)} is a reserved name (it addresses JavaScript's object prototype)`, preferKey: false };
    case 'pattern':
      return { pointer: e.instancePath, message: `must match ${String(params.pattern)}`, preferKey: false };
    default:
      return { pointer: e.instancePath, message: e.message ?? e.keyword, preferKey: false };
  }
}

function describeOneOf(e: ErrorObject): string {
  const branches = ((e.parentSchema as { oneOf?: Array<{ required?: string[]; properties?: object }> })?.oneOf ?? []).map(
    (b) => `{${Object.keys(b.properties ?? {}).join(', ')}}`,
  );
  return branches.length ? `must be one of the forms ${branches.join(' or ')}` : 'must match exactly one allowed form';
}

/** The known name nearest to `word`, if it is close enough to be a likely typo. */
export { closest };

/** Cross-references the schema cannot express: model and estimator ids. */
export function checkReferences(spec: CausewaySpec, source: SourceMap): void {
  const errors: CausewayError[] = [];
  const at = (pointer: string, code: ErrorCode, message: string) => {
    const pos = locate(source, pointer);
    errors.push(new CausewayError(code, message, { kind: 'spec', file: pos.file, line: pos.line, col: pos.col, pointer }));
  };
  // Written for a spec the schema may have rejected (loadSpec with `collect`): values of the wrong type are skipped.
  const modelIds = new Set([...Object.keys(isPlainObject(spec.models) ? spec.models : {}), ...BUILTIN_MODELS]);
  const estimatorIds = new Map<string, string>();
  const estimators = Array.isArray(spec.estimators) ? spec.estimators : [];
  estimators.forEach((est, index) => {
    const base = `/estimators/${index}`;
    if (!isPlainObject(est) || typeof est.id !== 'string') return;
    if (estimatorIds.has(est.id)) at(`${base}/id`, 'SPEC_DUPLICATE_ID', `estimator id '${est.id}' is used twice`);
    estimatorIds.set(est.id, est.kind);
    const refs = est as Record<string, unknown>;
    for (const key of ['propensity', 'outcome', 'mediator_model', 'outcome_model']) {
      const ref = refs[key];
      if (typeof ref === 'string' && !modelIds.has(ref)) {
        const s = closest(ref, [...modelIds]);
        at(`${base}/${key}`, 'SPEC_UNKNOWN_MODEL', `no model '${ref}' in models` + (s ? `; did you mean '${s}'?` : ''));
      }
      const named = typeof ref === 'string' && isPlainObject(spec.models) && isPlainObject(spec.models[ref]) ? spec.models[ref].kind : ref;
      if (key === 'propensity' && named === 'entropy_balance' && !WEIGHT_ONLY_KINDS.has(String(est.kind))) {
        at(`${base}/${key}`, 'ESTIMATE_NOT_PROPENSITY', `entropy_balance gives weights, not propensities: a propensity choice of ipw and msm only, not of ${String(est.kind)} (use logistic, cbps or gbm)`);
      }
    }
    // references to other entries (msm weights: the id of an ipw entry) are the kinds' to check (src/run/compile.ts)
    const variants = Array.isArray(refs.variants) ? (refs.variants as Array<{ propensity?: unknown }>) : [];
    variants.forEach((v, vi) => {
      if (isPlainObject(v) && typeof v.propensity === 'string' && !modelIds.has(v.propensity)) {
        at(`${base}/variants/${vi}/propensity`, 'SPEC_UNKNOWN_MODEL', `no model '${v.propensity}' in models`);
      }
    });
  });
  if (typeof spec.report?.primary === 'string' && !estimatorIds.has(spec.report.primary)) {
    const s = closest(spec.report.primary, [...estimatorIds.keys()]);
    at('/report/primary', 'SPEC_UNKNOWN_ESTIMATOR', `no estimator '${spec.report.primary}'` + (s ? `; did you mean '${s}'?` : ''));
  }
  if (isPlainObject(spec.heterogeneity) && typeof spec.heterogeneity.estimator === 'string' && !estimatorIds.has(spec.heterogeneity.estimator)) {
    const s = closest(spec.heterogeneity.estimator, [...estimatorIds.keys()]);
    at('/heterogeneity/estimator', 'SPEC_UNKNOWN_ESTIMATOR', `no estimator '${spec.heterogeneity.estimator}'` + (s ? `; did you mean '${s}'?` : ''));
  }
  const ovbEstimators = isPlainObject(spec.sensitivity) && isPlainObject(spec.sensitivity.omitted_variable_bias) ? spec.sensitivity.omitted_variable_bias.estimators : undefined;
  (Array.isArray(ovbEstimators) ? ovbEstimators : []).forEach((id, i) => {
    if (typeof id !== 'string' || estimatorIds.has(id)) return;
    const s = closest(id, [...estimatorIds.keys()]);
    at(`/sensitivity/omitted_variable_bias/estimators/${i}`, 'SPEC_UNKNOWN_ESTIMATOR', `no estimator '${id}'` + (s ? `; did you mean '${s}'?` : ''));
  });
  if (!isPlainObject(spec.data)) return finish(errors);
  if (spec.data.source === 'kuairec' && !spec.data.path) {
    at('/data', 'SPEC_DATA_PATH', "data.source kuairec needs data.path (the archive or the extracted 'KuaiRec 2.0' folder)");
  }
  const sample = 'sample' in spec.data ? spec.data.sample : undefined;
  if (isPlainObject(sample) && typeof sample.modulus === 'number' && (typeof sample.remainder === 'number' ? sample.remainder : 0) >= sample.modulus) {
    at('/data/sample/remainder', 'SPEC_SAMPLE', `remainder must be below modulus (${sample.modulus})`);
  }
  finish(errors);
}

function finish(errors: CausewayError[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new CausewayErrors(errors);
}
