/**
 * panel/: the expression language, event fields, user-day aggregation, the dense panel with its
 * history columns, and the panel cache. See docs/CONTRACTS.md (data/ → panel/ → frame/).
 */
export type { ExpressionOrigin, ExprNode, ParsedExpression } from './expr/ast.js';
export { parseExpression, tokenize } from './expr/parser.js';
export { checkExpression, type CheckedExpression, type CheckedNode, type ExpressionScope, type ValueType, type Level, type ExpressionContext } from './expr/check.js';
export { quantileOf } from './expr/evaluate.js';
export {
  checkPanelDefinition,
  panelColumns,
  type PanelDefinition,
  type NamedExpression,
  type HistoryEntry,
  type HistoryKind,
  type HistoryColumn,
  type PanelPlan,
} from './definition.js';
export { schemaOfData, type DataSchema } from '../data/schema.js';
export { buildPanel, type BuildOptions } from './build.js';
export { compileRowExpression, evaluateRows, withDerivedColumns, type CompiledRowExpression, type AvailableColumns, type DerivedColumn } from './rows.js';
export { buildPanelCached, panelCacheKey, type PanelSource, type PanelCacheOptions } from './cache.js';
export type { LoadedData, Panel } from './types.js';

import type { ColumnTable } from '../data/table.js';
import type { CheckedExpression } from './expr/check.js';
import { compileRowExpression, evaluateRows } from './rows.js';

/** CONTRACTS.md's `evaluate(ast, table)`: a row-context expression over a table. */
export function evaluate(checked: CheckedExpression, table: ColumnTable): Float64Array {
  return evaluateRows({ checked, type: checked.type, columns: [...checked.refs.row] }, table);
}
/** Shorthand used by tests and tools: compile and evaluate a row expression in one go. */
export function evaluateRowText(text: string, table: ColumnTable): Float64Array {
  return evaluateRows(compileRowExpression(text, { file: '<expression>', line: 1, col: 1 }, table), table);
}
/** The type checker's public name in CONTRACTS.md. */
export { checkExpression as typeCheck } from './expr/check.js';
