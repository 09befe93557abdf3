/**
 * The results contract: everything a run found, in one plain JSON-able value. The report, the CSV tables,
 * the figures and `compare` are all renderings of it; `causeway report` re-renders from results.json alone.
 * Schema tag `causeway.results/1`. The types are generated from schemas/results.schema.json
 * (types.generated.ts, `npm run gen:types`; test/results/schema-types.test.ts fails when they drift), so
 * the schema is the one source. Stages before the report (sensitivity/, run/) import this folder, never report/.
 *
 * Numbers are finite or null, never NaN: `stableStringify` throws on NaN/Infinity so a bug cannot hide.
 */
import type { CellResult, EstimateValue, EstimatorEntry } from './types.generated.js';

export * from './types.generated.js';

export const RESULTS_SCHEMA_TAG = 'causeway.results/1' as const;

// ---------------------------------------------------------------------------------------------
// Serialization

/**
 * JSON with object keys sorted (recursively) and 2-space indentation; arrays keep their order.
 * Throws on NaN, ±Infinity, undefined inside arrays, functions, bigint and cycles, so a numeric bug
 * surfaces here instead of as `null` in results.json. `undefined` object members are omitted.
 */
export function stableStringify(value: unknown): string {
  // One output string and a trail of keys, not a path string per value: the path is spelled out only for
  // an error, and the 1.3 MB results.json of the robustness demo took ~100 ms to write otherwise (most of
  // a cached re-run's; docs/performance-notes.md, Start-up and cached re-runs).
  const onPath = new Set<object>();
  const trail: Array<string | number> = [];
  const where = (): string => (trail.length === 0 ? '/' : '/' + trail.join('/'));
  let out = '';
  const walk = (v: unknown, indent: string): void => {
    if (v === null) {
      out += 'null';
      return;
    }
    switch (typeof v) {
      case 'number':
        if (!Number.isFinite(v)) throw new TypeError(`stableStringify: non-finite number ${v} at ${where()}`);
        out += JSON.stringify(v);
        return;
      case 'string':
        out += JSON.stringify(v);
        return;
      case 'boolean':
        out += v ? 'true' : 'false';
        return;
      case 'object':
        break;
      default:
        throw new TypeError(`stableStringify: cannot serialize ${typeof v} at ${where()}`);
    }
    const obj = v as object;
    if (onPath.has(obj)) throw new TypeError(`stableStringify: cycle at ${where()}`);
    onPath.add(obj);
    const inner = indent + '  ';
    if (Array.isArray(obj) || ArrayBuffer.isView(obj)) {
      const items = obj as ArrayLike<unknown>;
      const n = items.length ?? 0;
      if (n === 0) out += '[]';
      else {
        out += '[\n';
        for (let i = 0; i < n; i++) {
          const item = items[i];
          trail.push(i);
          if (item === undefined) throw new TypeError(`stableStringify: undefined at ${where()}`);
          out += i === 0 ? inner : ',\n' + inner;
          walk(item, inner);
          trail.pop();
        }
        out += '\n' + indent + ']';
      }
    } else {
      const record = obj as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      if (keys.length === 0) out += '{}';
      else {
        out += '{\n';
        for (let i = 0; i < keys.length; i++) {
          const k = keys[i];
          out += (i === 0 ? inner : ',\n' + inner) + JSON.stringify(k) + ': ';
          trail.push(k);
          walk(record[k], inner);
          trail.pop();
        }
        out += '\n' + indent + '}';
      }
    }
    onPath.delete(obj);
  };
  walk(value, '');
  return out + '\n';
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the report, compare and the summary

/** Estimand keys that mean "the total effect" for an estimator, in preference order. */
export const TOTAL_KEYS = ['ate', 'att', 'atc', 'te', 'total'] as const;
export const INDIRECT_KEYS = ['nie', 'indirect'] as const;
export const DIRECT_KEYS = ['nde', 'c_prime'] as const;

export function firstEstimate(est: Pick<EstimatorEntry, 'estimates'>, keys: readonly string[]): { key: string; value: EstimateValue } | null {
  for (const k of keys) {
    const v = Object.prototype.hasOwnProperty.call(est.estimates, k) ? est.estimates[k] : undefined;
    if (v && v.estimate !== null && v.estimate !== undefined) return { key: k, value: v };
  }
  return null;
}

/** Estimators of the primary outcome (entries without `outcome`). */
export function primaryEstimators(cell: CellResult): EstimatorEntry[] {
  return cell.estimators.filter((e) => e.outcome === undefined);
}

