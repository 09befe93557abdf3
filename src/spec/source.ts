/**
 * YAML with source positions. A spec is parsed with the `yaml` Document API so that every value
 * and key keeps its file:line:col; later stages report errors against the line a person wrote.
 */
import { dirname } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, Scalar, visit, type Node } from 'yaml';
import { CausewayError, CausewayErrors, type ErrorCode } from '../errors.js';
import { MAX_SPEC_BYTES, ProjectReadError, readProjectFile } from './project.js';

/**
 * Names no spec key (nor any dot-separated part of a grid axis path) may have: they address an
 * object's prototype in JavaScript, so a measure or axis so named could be dropped or pollute it.
 */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The first dot-separated part of a key or axis path that is a forbidden name. */
export function forbiddenSegment(key: string): string | undefined {
  return key.split('.').find((segment) => FORBIDDEN_NAMES.has(segment));
}

/** Nesting of mappings and lists a spec may have (the deepest real spec nests five levels). */
const MAX_YAML_DEPTH = 64;
/** Alias uses (`*name`) a spec may have, counted as they expand: bounds alias bombs. */
const MAX_YAML_ALIASES = 100;

export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/** Positions by JSON pointer: `values` for the value at a pointer, `keys` for the key naming it. */
export interface SourceMap {
  values: Map<string, SourcePosition>;
  keys: Map<string, SourcePosition>;
}

export interface ParsedYaml {
  file: string;
  data: unknown;
  source: SourceMap;
}

function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function joinPointer(base: string, segment: string | number): string {
  return `${base}/${escapePointerSegment(String(segment))}`;
}

/**
 * Reads and parses one YAML file; syntax errors become CausewayErrors at their line:col. The file must
 * be a regular file of at most MAX_SPEC_BYTES inside one of `roots` (default: its own folder).
 */
export function parseYamlFile(file: string, displayName: string, roots: string[] = [dirname(file)]): ParsedYaml {
  let text: string;
  try {
    text = readProjectFile(file, roots, MAX_SPEC_BYTES, 'spec file');
  } catch (e) {
    if (!(e instanceof ProjectReadError)) throw e;
    const code = e.reason === 'missing' ? 'SPEC_NOT_FOUND' : e.reason === 'outside' ? 'SPEC_OUTSIDE_PROJECT' : 'SPEC_READ';
    throw new CausewayError(code, e.detail, { kind: 'path', path: displayName });
  }
  return parseYamlText(text, displayName);
}

function parseYamlText(text: string, displayName: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // Duplicate keys are found by the walk below with one Set per mapping: the yaml library's own check
  // (uniqueKeys) compares each key with every earlier one, quadratic in a mapping's size.
  // logLevel 'error': the library's warnings (a collection as a key, an odd tag) would go to stderr;
  // what matters of them surfaces as a schema error at its line.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((err) => {
      const pos = lineCounter.linePos(err.pos[0]);
      let message = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      // The parser recurses per level: a very deep spec exhausts the stack before the walk's own limit.
      if (/call stack/i.test(message)) message = `the spec nests too deeply (at most ${MAX_YAML_DEPTH} levels)`;
      return new CausewayError('SPEC_YAML_SYNTAX', `YAML syntax error: ${message}`, {
        kind: 'spec',
        file: displayName,
        line: pos.line,
        col: pos.col,
      });
    });
    throw errors.length === 1 ? errors[0] : new CausewayErrors(errors);
  }
  const source: SourceMap = { values: new Map(), keys: new Map() };
  const at = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { file: displayName, line: p.line, col: p.col };
  };
  const located = (code: ErrorCode, message: string, offset: number) => {
    const p = lineCounter.linePos(offset);
    return new CausewayError(code, message, { kind: 'spec', file: displayName, line: p.line, col: p.col });
  };
  // Aliases are checked before anything expands them: an undefined one is the spec's mistake, and a
  // spec with many is refused at the first one past the limit (an alias bomb never expands).
  let aliasError: CausewayError | null = null;
  let aliases = 0;
  let firstAlias = 0;
  visit(doc, {
    Alias(_, alias) {
      const offset = alias.range?.[0] ?? 0;
      if (aliases === 0) firstAlias = offset;
      if (!alias.resolve(doc)) aliasError = located('SPEC_YAML_ALIAS', `YAML alias *${alias.source} has no anchor &${alias.source} before it`, offset);
      else if (++aliases > MAX_YAML_ALIASES) aliasError = located('SPEC_YAML_ALIAS', `more than ${MAX_YAML_ALIASES} YAML aliases; a spec needs few (docs/limits.md)`, offset);
      return aliasError ? visit.BREAK : undefined;
    },
  });
  if (aliasError) throw aliasError;
  const walk = (node: Node | null | undefined, pointer: string, depth = 0): void => {
    if (!node) return;
    if (depth > MAX_YAML_DEPTH) throw located('SPEC_YAML_DEPTH', `the spec nests more than ${MAX_YAML_DEPTH} levels deep`, node.range?.[0] ?? 0);
    if (node.range) {
      let start = node.range[0];
      // Expressions are located by their first character, inside any quotes.
      if (isScalar(node) && (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE)) start += 1;
      source.values.set(pointer, at(start));
    }
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        if (seen.has(key)) throw located('SPEC_YAML_SYNTAX', `YAML syntax error: Map keys must be unique ('${key}' appears twice)`, keyNode?.range?.[0] ?? node.range?.[0] ?? 0);
        seen.add(key);
        const child = joinPointer(pointer, key);
        const bad = forbiddenSegment(key);
        if (bad) throw located('SPEC_FORBIDDEN_NAME', `'${bad}' cannot be a name or a path part in a spec (it addresses JavaScript's object prototype)`, keyNode?.range?.[0] ?? node.range?.[0] ?? 0);
        if (keyNode?.range) source.keys.set(child, at(keyNode.range[0]));
        if (pair.value) walk(pair.value as Node, child, depth + 1);
        else if (keyNode?.range) source.values.set(child, at(keyNode.range[0]));
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item as Node, joinPointer(pointer, index), depth + 1));
    }
  };
  walk(doc.contents as Node, '');
  if (!source.values.has('')) source.values.set('', { file: displayName, line: 1, col: 1 });
  let data: unknown;
  try {
    // An alias that expands to much (a bomb of nested aliases) still trips the count here.
    data = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (e) {
    const message = String((e as Error)?.message ?? e).split('\n')[0];
    if (/alias/i.test(message)) throw located('SPEC_YAML_ALIAS', `the spec's YAML aliases expand too far (${message})`, firstAlias);
    throw located('SPEC_YAML_SYNTAX', `YAML syntax error: ${message}`, 0);
  }
  return { file: displayName, data, source };
}

/** The best position for a pointer: its own, else the nearest ancestor's. */
export function locate(source: SourceMap, pointer: string, preferKey = false): SourcePosition {
  let p = pointer;
  for (;;) {
    const pos = (preferKey ? source.keys.get(p) : undefined) ?? source.values.get(p) ?? source.keys.get(p);
    if (pos) return pos;
    if (p === '') return { file: '?', line: 1, col: 1 };
    p = p.slice(0, p.lastIndexOf('/'));
  }
}
