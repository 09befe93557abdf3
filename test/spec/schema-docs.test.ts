// The spec schema is what editors show on hover and completion (docs/spec-reference.md is written from it):
// every property must say what it is, every enum what its values mean, and the keys a new spec writes
// first must carry examples. The estimator and gbm branches are generated from src/estimate/kinds/ and
// src/estimate/gbm/options.ts, so a gap there is fixed in those declarations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specSchema } from '../../src/spec/load.js';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every property of the schema as [pointer into the schema, its schema], and every enum with the description that explains it. */
function walk(root: Node) {
  const properties: Array<[string, Node]> = [];
  const enums: Array<{ at: string; node: Node; described: string }> = [];
  const visit = (node: unknown, at: string, context: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${at}/${i}`, context));
    if (!isNode(node)) return;
    const here = typeof node.description === 'string' ? node.description : context;
    if (Array.isArray(node.enum) && !at.endsWith('/not')) enums.push({ at, node, described: here });
    for (const [key, value] of Object.entries(node)) {
      if (key === 'enum' || key === 'const' || key === 'default' || key === 'examples' || key === 'not') continue;
      if (key === 'properties' && isNode(value)) {
        for (const [name, prop] of Object.entries(value)) {
          if (isNode(prop)) properties.push([`${at}/properties/${name}`, prop]);
          visit(prop, `${at}/properties/${name}`, '');
        }
      } else if (key === 'items' || key === 'additionalProperties' || key === 'oneOf') visit(value, `${at}/${key}`, here);
      else visit(value, `${at}/${key}`, key === '$defs' ? '' : here);
    }
  };
  visit(root, '#', '');
  return { properties, enums };
}

function resolveRef(root: Node, node: Node): Node {
  if (typeof node.$ref !== 'string') return node;
  let target: unknown = root;
  for (const part of node.$ref.replace(/^#\//, '').split('/')) target = (target as Node)[part];
  return target as Node;
}

const described = (root: Node, node: Node): boolean =>
  typeof node.description === 'string' && node.description.trim().length > 0 ||
  (typeof node.$ref === 'string' && described(root, resolveRef(root, node)));

test('every property of the spec schema has a description', () => {
  const root = specSchema();
  const { properties } = walk(root);
  const missing = properties.filter(([, p]) => !described(root, p)).map(([at]) => at);
  assert.deepEqual(missing, [], `${missing.length} of ${properties.length} properties have no description:\n${missing.join('\n')}`);
});

test('every enum explains each of its values', () => {
  const root = specSchema();
  const problems: string[] = [];
  for (const { at, node, described: text } of walk(root).enums) {
    const values = node.enum as unknown[];
    const explained = node.markdownEnumDescriptions;
    if (!Array.isArray(explained) || explained.length !== values.length || explained.some((d) => typeof d !== 'string' || !d.trim())) {
      problems.push(`${at}: markdownEnumDescriptions must give one explanation per value (${values.length})`);
    }
    const unnamed = values.filter((v) => !text.includes(String(v)));
    if (unnamed.length) problems.push(`${at}: the description does not name ${unnamed.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  assert.deepEqual(problems, [], problems.join('\n'));
});

/**
 * The schema nodes a dotted spec path names: through $ref, every oneOf branch that has the key (data
 * sources, estimator kinds) and `[]` for list items; `*` is every property of the section.
 */
function nodesAt(root: Node, path: string): Array<[string, Node]> {
  let current: Array<[string, Node]> = [[path, root]];
  for (const raw of path.split('.')) {
    const arrayItems = raw.endsWith('[]');
    const key = arrayItems ? raw.slice(0, -2) : raw;
    const next: Array<[string, Node]> = [];
    const expand = (node: Node): Node[] => {
      const n = resolveRef(root, node);
      return Array.isArray(n.oneOf) ? [n, ...(n.oneOf as Node[]).flatMap(expand)] : [n];
    };
    for (const [label, node] of current) {
      for (const n of expand(node)) {
        const props = isNode(n.properties) ? n.properties : {};
        const keys = key === '*' ? Object.keys(props) : key in props ? [key] : [];
        for (const k of keys) {
          let child = props[k] as Node;
          if (arrayItems) child = resolveRef(root, child.items as Node);
          next.push([key === '*' ? label.replace('*', k) : label, child]);
        }
      }
    }
    current = next;
  }
  return current;
}

// The keys a first spec writes, and the estimator options most specs set (README's tour, specs/demo/).
const WITH_EXAMPLES = [
  'data.source', 'data.path', 'data.sample.modulus',
  'treatment.*', 'mediator', 'outcomes.*', 'covariates.*',
  'estimators[].kind', 'estimators[].propensity', 'estimators[].outcome', 'estimators[].clip', 'estimators[].crossfit',
  'estimators[].method', 'estimators[].weights',
  'uncertainty.bootstrap.reps', 'sensitivity.grid', 'report.figures', 'history.*',
];

test('the important properties carry examples', () => {
  const root = specSchema();
  const problems: string[] = [];
  for (const path of WITH_EXAMPLES) {
    const nodes = nodesAt(root, path);
    if (nodes.length === 0) problems.push(`${path}: not in the schema`);
    for (const [label, node] of nodes) {
      const examples = node.examples ?? resolveRef(root, node).examples;
      if (!Array.isArray(examples) || examples.length === 0) problems.push(`${label}: no examples`);
    }
  }
  assert.deepEqual([...new Set(problems)], [], [...new Set(problems)].join('\n'));
});
