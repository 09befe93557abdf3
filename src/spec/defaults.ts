/**
 * Defaults the code needs outside spec validation, read from the schema (schemas/causeway.schema.json,
 * the one place they are written). The validator fills them into every loaded spec (useDefaults), but
 * the generated types leave defaulted fields optional, so a stage that must not trust that (a spec built
 * by hand in a test, a results file from an older run) takes the value from here.
 */
import { specSchema } from './load.js';

type Node = { default?: unknown; properties?: Record<string, Node> };

function schemaDefault<T>(path: string[]): T {
  const schema = specSchema() as { properties: Record<string, Node>; $defs: Record<string, Node> };
  let node: Node | undefined = path[0] === '$defs' ? schema.$defs[path[1]] : schema.properties[path[0]];
  for (const key of path.slice(path[0] === '$defs' ? 2 : 1)) node = node?.properties?.[key];
  if (node?.default === undefined) throw new Error(`schemas/causeway.schema.json has no default at ${path.join('/')}`);
  return node.default as T;
}

let cached: { seed: number; matrix: 'small' | 'big'; formats: Array<'png' | 'svg'> } | null = null;

/** The spec's seed, archive matrix and figure formats when a spec leaves them out. */
export function specDefaults(): { seed: number; matrix: 'small' | 'big'; formats: Array<'png' | 'svg'> } {
  cached ??= {
    seed: schemaDefault<number>(['seed']),
    matrix: schemaDefault<'small' | 'big'>(['$defs', 'Data', 'matrix']),
    formats: schemaDefault<Array<'png' | 'svg'>>(['$defs', 'Report', 'formats']),
  };
  return cached;
}
