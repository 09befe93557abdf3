/**
 * Expressions over finished panel rows (population filters and the like), for frame/:
 *
 *   const population = compileRowExpression('active_day and not missing(future_7day_interactions)', origin, panel.table);
 *   const keep = evaluateRows(population, panel.table);   // Float64Array of 0/1/NaN per row
 *
 * `availableColumns` is a ColumnTable (the panel's table; a numeric column holding only 0/1/missing
 * counts as true/false), a Map of column types (panelColumns(def), before any data is read) or a
 * plain list of numeric column names.
 */
import { CausewayError } from '../errors.js';
import type { ColumnTable } from '../data/table.js';
import type { ExpressionOrigin, ExprNode } from './expr/ast.js';
import { checkExpression, type CheckedExpression, type CheckOptions, type ValueType } from './expr/check.js';
import { evaluateNode, toArray, type EvaluationEnvironment } from './expr/evaluate.js';
import { parseExpression } from './expr/parser.js';

export type AvailableColumns = ColumnTable | Map<string, ValueType> | string[];

export interface CompiledRowExpression {
  checked: CheckedExpression;
  /** number or boolean (categorical results are refused). */
  type: ValueType;
  /** Panel columns the expression reads. */
  columns: string[];
}

/** A stored numeric column is true/false when every value is 0, 1 or missing (the panel keeps booleans as 0/1). */
function isZeroOne(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== 0 && v !== 1 && v === v) return false;
  }
  return true;
}

function scopeOf(available: AvailableColumns, used: Set<string>): Map<string, ValueType> {
  if (available instanceof Map) return available;
  if (Array.isArray(available)) return new Map(available.map((c) => [c, 'number' as ValueType]));
  const scope = new Map<string, ValueType>();
  for (const [c, values] of Object.entries(available.numeric)) {
    // Only the columns the expression names are scanned; the rest are listed for suggestions.
    scope.set(c, used.has(c) && isZeroOne(values) ? 'boolean' : 'number');
  }
  for (const c of Object.keys(available.categorical)) scope.set(c, 'category');
  return scope;
}

function namesIn(node: ExprNode, out: Set<string>): Set<string> {
  switch (node.kind) {
    case 'ref':
      out.add(node.name.startsWith('user.') ? node.name.slice(5) : node.name);
      break;
    case 'unary':
      namesIn(node.arg, out);
      break;
    case 'binary':
      namesIn(node.left, out);
      namesIn(node.right, out);
      break;
    case 'call':
      for (const a of node.args) namesIn(a, out);
      break;
    default:
      break;
  }
  return out;
}

export function compileRowExpression(
  text: string,
  origin: ExpressionOrigin,
  availableColumns: AvailableColumns,
  expect?: 'boolean' | 'number',
  options: CheckOptions = {},
): CompiledRowExpression {
  const parsed = parseExpression(text, origin);
  const checked = checkExpression(parsed, { row: scopeOf(availableColumns, namesIn(parsed.root, new Set())) }, 'row', options);
  const where = { kind: 'spec' as const, file: origin.file, line: origin.line, col: origin.col, ...(origin.pointer !== undefined ? { pointer: origin.pointer } : {}) };
  if (checked.type === 'category') {
    throw new CausewayError('EXPR_TYPE', 'this expression gives a categorical value; compare it with quoted text', where);
  }
  if (expect === 'boolean' && checked.type !== 'boolean') {
    throw new CausewayError('EXPR_TYPE', 'this expression must be true/false (a condition), but it gives a number', where, 'compare it, e.g. x > 0');
  }
  return { checked, type: checked.type, columns: [...checked.refs.row] };
}

/**
 * Evaluates a compiled row expression over a table (the panel's, or any table with the named
 * columns). Booleans are 0/1; NaN is missing.
 */
export function evaluateRows(compiled: CompiledRowExpression, table: ColumnTable, binPopulation: ArrayLike<number> | null = null): Float64Array {
  const categoricalCache = new Map<string, Float64Array>();
  const env: EvaluationEnvironment = {
    binPopulation,
    size: (level) => (level === 'scalar' ? 1 : table.length),
    column(_source, name) {
      const numeric = table.numeric[name];
      if (numeric) return { values: numeric };
      const categorical = table.categorical[name];
      if (categorical) {
        let values = categoricalCache.get(name);
        if (!values) {
          values = new Float64Array(categorical.codes.length);
          for (let i = 0; i < values.length; i++) values[i] = categorical.codes[i] >= 0 ? categorical.codes[i] : NaN;
          categoricalCache.set(name, values);
        }
        return { values, levels: categorical.levels };
      }
      throw new CausewayError('PANEL_MISSING_COLUMN', `the panel has no column \`${name}\``, { kind: 'none' });
    },
    lift: (values) => values,
    aggregate: () => {
      throw new Error('aggregation in a row expression');
    },
    firstTime: () => {
      throw new Error('first_time in a row expression');
    },
    zscore: () => {
      throw new Error('zmean in a row expression');
    },
  };
  const value = evaluateNode(compiled.checked.root, env);
  const out = toArray(value, table.length);
  // Never hand back a column of the table itself: callers may modify the result.
  return compiled.checked.root.kind === 'column' ? out.slice() : out;
}

/** A derived analysis column (the spec's `derived:`), compiled with qbin() allowed. */
export interface DerivedColumn { name: string; compiled: CompiledRowExpression }

/**
 * The table with the derived columns added in order (each sees the ones before it), numbers and
 * true/false as 0/1; qbin() edges over the rows where `population` > 0 (every row when null). The
 * panel's own table is not modified: it is shared by every cell of the panel.
 */
export function withDerivedColumns(table: ColumnTable, derived: DerivedColumn[], population: ArrayLike<number> | null): ColumnTable {
  if (!derived.length) return table;
  const numeric = { ...table.numeric };
  const out: ColumnTable = { ...table, numeric };
  for (const d of derived) numeric[d.name] = evaluateRows(d.compiled, out, population);
  return out;
}
