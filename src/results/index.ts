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
  const seen = new Set<object>();
  const walk = (v: unknown, path: string, indent: string): string => {
    if (v === null) return 'null';
    switch (typeof v) {
      case 'number':
        if (!Number.isFinite(v)) throw new TypeError(`stableStringify: non-finite number ${v} at ${path || '/'}`);
        return JSON.stringify(v);
      case 'string':
        return JSON.stringify(v);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'object':
        break;
      default:
        throw new TypeError(`stableStringify: cannot serialize ${typeof v} at ${path || '/'}`);
    }
    const obj = v as object;
    if (seen.has(obj)) throw new TypeError(`stableStringify: cycle at ${path || '/'}`);
    seen.add(obj);
    const inner = indent + '  ';
    let out: string;
    if (Array.isArray(obj) || ArrayBuffer.isView(obj)) {
      const items = Array.from(obj as ArrayLike<unknown>);
      if (items.length === 0) out = '[]';
      else {
        const parts = items.map((item, i) => {
          if (item === undefined) throw new TypeError(`stableStringify: undefined at ${path}/${i}`);
          return inner + walk(item, `${path}/${i}`, inner);
        });
        out = '[\n' + parts.join(',\n') + '\n' + indent + ']';
      }
    } else {
      const record = obj as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      if (keys.length === 0) out = '{}';
      else {
        const parts = keys.map((k) => inner + JSON.stringify(k) + ': ' + walk(record[k], `${path}/${k}`, inner));
        out = '{\n' + parts.join(',\n') + '\n' + indent + '}';
      }
    }
    seen.delete(obj);
    return out;
  };
  return walk(value, '', '') + '\n';
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

