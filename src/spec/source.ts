/**
 * YAML with source positions. A spec is parsed with the `yaml` Document API so that every value
 * and key keeps its file:line:col; later stages report errors against the line a person wrote.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, Scalar, type Node } from 'yaml';
import { CausewayError, CausewayErrors } from '../errors.js';

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

export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function joinPointer(base: string, segment: string | number): string {
  return `${base}/${escapePointerSegment(String(segment))}`;
}

/** Reads and parses one YAML file; syntax errors become CausewayErrors at their line:col. */
export function parseYamlFile(file: string, displayName: string): ParsedYaml {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CausewayError('SPEC_NOT_FOUND', code === 'ENOENT' ? 'spec file not found' : `cannot read spec (${code})`, {
      kind: 'path',
      path: displayName,
    });
  }
  return parseYamlText(text, displayName);
}

export function parseYamlText(text: string, displayName: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((err) => {
      const pos = lineCounter.linePos(err.pos[0]);
      const message = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
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
  const walk = (node: Node | null | undefined, pointer: string): void => {
    if (!node) return;
    if (node.range) {
      let start = node.range[0];
      // Expressions are located by their first character, inside any quotes.
      if (isScalar(node) && (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE)) start += 1;
      source.values.set(pointer, at(start));
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        const child = joinPointer(pointer, key);
        if (keyNode?.range) source.keys.set(child, at(keyNode.range[0]));
        if (pair.value) walk(pair.value as Node, child);
        else if (keyNode?.range) source.values.set(child, at(keyNode.range[0]));
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item as Node, joinPointer(pointer, index)));
    }
  };
  walk(doc.contents as Node, '');
  if (!source.values.has('')) source.values.set('', { file: displayName, line: 1, col: 1 });
  return { file: displayName, data: doc.toJS({ maxAliasCount: 100 }), source };
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
