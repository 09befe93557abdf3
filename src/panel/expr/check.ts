/**
 * Type checker. Runs on the parsed tree before any data is read and resolves every name against a
 * scope, giving each node a value type (number / boolean / category) and a level:
 *
 *   scalar  a constant (literals, quantile(...) computed once)
 *   item    one value per video (item.*)            user   one value per user (user.*)
 *   event   one value per interaction               day    one value per user-day (aggregations, measures)
 *
 * Contexts: `event` (events: fields), `day` (days: measures; aggregation arguments are checked in
 * event context) and `row` (expressions over finished panel rows, e.g. population). Errors are
 * CausewayErrors located at the offending token.
 */
import type { BinaryOperator, ExprNode, ParsedExpression } from './ast.js';
import type { ErrorCode } from '../../errors.js';
import { closestName, expressionError } from './location.js';

import type { ValueType } from '../../data/table.js';
export type { ValueType };
export type Level = 'scalar' | 'item' | 'user' | 'event' | 'day';
export type ExpressionContext = 'event' | 'day' | 'row';
export type ColumnSource = 'event' | 'item' | 'user' | 'day' | 'row';
export type AggregateFunction = 'count' | 'sum' | 'mean' | 'min' | 'max' | 'share' | 'nunique';
type ElementFunction = 'clip' | 'log1p' | 'abs' | 'min2' | 'max2' | 'missing' | 'coalesce';

/** Names visible to an expression, by namespace: bare names per context, `item.` and `user.` qualified. */
export interface ExpressionScope {
  event?: Map<string, ValueType>;
  item?: Map<string, ValueType>;
  user?: Map<string, ValueType>;
  day?: Map<string, ValueType>;
  row?: Map<string, ValueType>;
}

interface Typed {
  type: ValueType;
  level: Level;
  start: number;
  end: number;
}
export type CheckedNode =
  | (Typed & { kind: 'const'; value: number })
  | (Typed & { kind: 'column'; source: ColumnSource; name: string })
  | (Typed & { kind: 'categoryEquals'; arg: CheckedNode; text: string; negate: boolean })
  | (Typed & { kind: 'unary'; op: '-' | 'not'; arg: CheckedNode })
  | (Typed & { kind: 'binary'; op: BinaryOperator; left: CheckedNode; right: CheckedNode })
  | (Typed & { kind: 'element'; fn: ElementFunction; args: CheckedNode[] })
  | (Typed & { kind: 'quantile'; arg: CheckedNode; q: number })
  | (Typed & { kind: 'firstTime'; group: CheckedNode; key: CheckedNode })
  | (Typed & { kind: 'aggregate'; fn: AggregateFunction; arg: CheckedNode | null })
  | (Typed & { kind: 'zmean'; args: CheckedNode[]; scale: 'z' | 'unit' })
  | (Typed & { kind: 'qbin'; arg: CheckedNode; bins: number });

/** Options of a check: `quantileBins` allows qbin(), whose edges need the analysis rows (derived: columns). */
export interface CheckOptions { quantileBins?: boolean }

/** The most bins qbin() cuts (deciles are 10; more is a typo or a continuous variable). */
export const QBIN_MAX_BINS = 1000;

export interface CheckedExpression {
  parsed: ParsedExpression;
  context: ExpressionContext;
  root: CheckedNode;
  type: ValueType;
  level: Level;
  /** Names referenced, by namespace (for dependency ordering and for what the data must provide). */
  refs: { event: Set<string>; item: Set<string>; user: Set<string>; day: Set<string>; row: Set<string> };
}

const AGGREGATES = new Set(['count', 'sum', 'mean', 'min', 'max', 'share', 'nunique']);
const FUNCTION_NAMES = ['clip', 'log1p', 'abs', 'min', 'max', 'missing', 'coalesce', 'quantile', 'first_time', 'count', 'sum', 'mean', 'share', 'nunique', 'zmean', 'unitmean', 'qbin'];

const LEVEL_RANK: Record<Level, number> = { scalar: 0, item: 1, user: 1, event: 2, day: 2 };

/** The level of a value combining two levels (item with user meets at the event). */
function joinLevel(a: Level, b: Level): Level {
  if (a === b) return a;
  if (a === 'scalar') return b;
  if (b === 'scalar') return a;
  if (a === 'day' || b === 'day') return 'day'; // user + day (the checker never lets event/item meet day)
  if (LEVEL_RANK[a] === 1 && LEVEL_RANK[b] === 1) return 'event';
  return 'event';
}

export function checkExpression(parsed: ParsedExpression, scope: ExpressionScope, context: ExpressionContext, options: CheckOptions = {}): CheckedExpression {
  const { text, origin } = parsed;
  const refs = { event: new Set<string>(), item: new Set<string>(), user: new Set<string>(), day: new Set<string>(), row: new Set<string>() };
  const fail = (code: ErrorCode, message: string, at: number, hint?: string): never => {
    throw expressionError(code, message, text, origin, at, hint);
  };
  const source = (node: { start: number; end: number }): string => text.slice(node.start, node.end);

  const allNames = (ctx: ExpressionContext): string[] => {
    const names: string[] = [];
    const bare = ctx === 'event' ? scope.event : ctx === 'day' ? scope.day : scope.row;
    if (bare) names.push(...bare.keys());
    if (ctx !== 'row' && scope.user) for (const k of scope.user.keys()) names.push('user.' + k);
    if (ctx === 'event' && scope.item) for (const k of scope.item.keys()) names.push('item.' + k);
    return names;
  };

  const resolve = (node: ExprNode & { kind: 'ref' }, ctx: ExpressionContext): CheckedNode => {
    const name = node.name;
    const base = { start: node.start, end: node.end };
    const dot = name.indexOf('.');
    if (dot >= 0) {
      const qualifier = name.slice(0, dot);
      const column = name.slice(dot + 1);
      if (qualifier === 'item') {
        if (ctx === 'day') {
          fail('EXPR_CONTEXT', `\`${name}\` is a per-video column; a day measure can use it only inside an aggregation`, node.start, `e.g. mean(${name})`);
        }
        if (ctx === 'row') fail('EXPR_CONTEXT', `\`${name}\` is a per-video column and is not a panel column`, node.start);
        const type = scope.item?.get(column);
        if (type === undefined) unknown(node, ctx);
        refs.item.add(column);
        return { ...base, kind: 'column', source: 'item', name: column, type: type as ValueType, level: 'item' };
      }
      if (qualifier === 'user') {
        if (ctx === 'row') {
          const type = scope.row?.get(column);
          if (type === undefined) unknown(node, ctx);
          refs.row.add(column);
          return { ...base, kind: 'column', source: 'row', name: column, type: type as ValueType, level: 'day' };
        }
        const type = scope.user?.get(column);
        if (type === undefined) unknown(node, ctx);
        refs.user.add(column);
        return { ...base, kind: 'column', source: 'user', name: column, type: type as ValueType, level: 'user' };
      }
      return fail('EXPR_UNKNOWN_COLUMN', `unknown qualifier \`${qualifier}.\` in \`${name}\``, node.start, 'qualified names start with item. or user.');
    }
    if (ctx === 'event') {
      const type = scope.event?.get(name);
      if (type !== undefined) {
        refs.event.add(name);
        return { ...base, kind: 'column', source: 'event', name, type, level: 'event' };
      }
      if (scope.day?.has(name)) {
        fail('EXPR_CONTEXT', `\`${name}\` is a user-day measure; per-event expressions (and aggregation arguments) cannot use it`, node.start);
      }
      return unknown(node, ctx);
    }
    if (ctx === 'day') {
      const type = scope.day?.get(name);
      if (type !== undefined) {
        refs.day.add(name);
        return { ...base, kind: 'column', source: 'day', name, type, level: 'day' };
      }
      if (scope.event?.has(name)) {
        fail('EXPR_CONTEXT', `\`${name}\` is a per-event column; a day measure can use it only inside an aggregation`, node.start, `e.g. mean(${name}) or sum(${name})`);
      }
      return unknown(node, ctx);
    }
    const type = scope.row?.get(name);
    if (type !== undefined) {
      refs.row.add(name);
      return { ...base, kind: 'column', source: 'row', name, type, level: 'day' };
    }
    return unknown(node, ctx);
  };

  const unknown = (node: ExprNode & { kind: 'ref' }, ctx: ExpressionContext): never => {
    if (ctx !== 'row' && /^(lag_\d+|prior_\d+day|lead_\d+|next_day|future_\d+day)_/.test(node.name)) {
      fail('EXPR_CONTEXT', `\`${node.name}\` is a history column; history is built from the day measures, after them`, node.start, 'use it in population, treatment, outcomes or covariates');
    }
    const suggestion = closestName(node.name, allNames(ctx));
    return fail('EXPR_UNKNOWN_COLUMN', `unknown column \`${node.name}\``, node.start, suggestion ? `did you mean \`${suggestion}\`?` : undefined);
  };

  const requireNumeric = (node: CheckedNode, what: string): void => {
    if (node.type === 'category') {
      fail('EXPR_TYPE', `${what} needs a number, but \`${source(node)}\` is categorical`, node.start);
    }
  };
  const requireBoolean = (node: CheckedNode, what: string): void => {
    if (node.type !== 'boolean') {
      fail('EXPR_TYPE', `${what} needs true/false values, but \`${source(node)}\` is ${node.type === 'number' ? 'a number' : 'categorical'}`, node.start, node.type === 'number' ? `compare it first, e.g. ${source(node)} > 0` : undefined);
    }
  };
  const arity = (node: ExprNode & { kind: 'call' }, min: number, max: number, usage: string): void => {
    if (node.args.length < min || node.args.length > max) {
      fail('EXPR_ARITY', `${node.name}() takes ${min === max ? min : max === Infinity ? `at least ${min}` : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, got ${node.args.length}`, node.start, `usage: ${usage}`);
    }
  };

  const visit = (node: ExprNode, ctx: ExpressionContext): CheckedNode => {
    const base = { start: node.start, end: node.end };
    switch (node.kind) {
      case 'number':
        return { ...base, kind: 'const', value: node.value, type: 'number', level: 'scalar' };
      case 'boolean':
        return { ...base, kind: 'const', value: node.value ? 1 : 0, type: 'boolean', level: 'scalar' };
      case 'string':
        return fail('EXPR_TYPE', 'quoted text can only be compared with a categorical column (== or !=)', node.start, 'e.g. user.user_active_degree == "full_active"');
      case 'ref':
        return resolve(node, ctx);
      case 'unary': {
        const arg = visit(node.arg, ctx);
        if (node.op === 'not') {
          requireBoolean(arg, '`not`');
          return { ...base, kind: 'unary', op: 'not', arg, type: 'boolean', level: arg.level };
        }
        requireNumeric(arg, 'unary minus');
        if (arg.kind === 'const') return { ...base, kind: 'const', value: -arg.value, type: 'number', level: 'scalar' };
        return { ...base, kind: 'unary', op: '-', arg, type: 'number', level: arg.level };
      }
      case 'binary':
        return visitBinary(node, ctx);
      case 'call':
        return visitCall(node, ctx);
    }
  };

  const visitBinary = (node: ExprNode & { kind: 'binary' }, ctx: ExpressionContext): CheckedNode => {
    const base = { start: node.start, end: node.end };
    const op = node.op;
    const isEquality = op === '==' || op === '!=';
    // Category == "text": the only place quoted text may appear.
    if (node.left.kind === 'string' || node.right.kind === 'string') {
      const textNode = (node.left.kind === 'string' ? node.left : node.right) as ExprNode & { kind: 'string' };
      const otherNode = node.left.kind === 'string' ? node.right : node.left;
      if (!isEquality) {
        fail('EXPR_TYPE', `quoted text can only be compared with == or !=, not ${op}`, node.opStart);
      }
      if (otherNode.kind === 'string') fail('EXPR_TYPE', 'comparing two quoted texts is constant', node.start);
      const other = visit(otherNode, ctx);
      if (other.type !== 'category') {
        fail('EXPR_TYPE', `\`${source(other)}\` is ${other.type === 'number' ? 'a number' : 'true/false'}; quoted text compares only with categorical columns`, textNode.start, other.type === 'number' ? 'drop the quotes to compare numbers' : undefined);
      }
      return { ...base, kind: 'categoryEquals', arg: other, text: textNode.value, negate: op === '!=', type: 'boolean', level: other.level };
    }
    const left = visit(node.left, ctx);
    const right = visit(node.right, ctx);
    const level = joinLevel(left.level, right.level);
    if (op === 'and' || op === 'or') {
      requireBoolean(left, `\`${op}\``);
      requireBoolean(right, `\`${op}\``);
      return { ...base, kind: 'binary', op, left, right, type: 'boolean', level };
    }
    if (left.type === 'category' || right.type === 'category') {
      const cat = left.type === 'category' ? left : right;
      fail('EXPR_TYPE', `\`${source(cat)}\` is categorical; it can only be compared with quoted text using == or !=`, cat.start, `e.g. ${source(cat)} == "some_level"`);
    }
    const comparison = op === '<' || op === '<=' || op === '>' || op === '>=' || isEquality;
    if (left.kind === 'const' && right.kind === 'const' && !comparison) {
      return { ...base, kind: 'const', value: constantArithmetic(op, left.value, right.value), type: 'number', level: 'scalar' };
    }
    return { ...base, kind: 'binary', op, left, right, type: comparison ? 'boolean' : 'number', level };
  };

  const visitCall = (node: ExprNode & { kind: 'call' }, ctx: ExpressionContext): CheckedNode => {
    const base = { start: node.start, end: node.end };
    const name = node.name;
    const isAggregate = AGGREGATES.has(name) && !((name === 'min' || name === 'max') && node.args.length !== 1);
    if (isAggregate) {
      if (ctx !== 'day') {
        fail('EXPR_CONTEXT', `${name}() aggregates events into user-days; it belongs in a day measure (days:)`, node.start, ctx === 'row' ? 'panel rows are already user-days' : name === 'min' || name === 'max' ? `per event, use ${name}(a, b)` : undefined);
      }
      if (name === 'count') {
        arity(node, 0, 0, 'count()');
        return { ...base, kind: 'aggregate', fn: 'count', arg: null, type: 'number', level: 'day' };
      }
      arity(node, 1, 1, `${name}(per-event expression)`);
      const arg = visit(node.args[0], 'event');
      if (name === 'share') requireBoolean(arg, 'share()');
      else if (name !== 'nunique') requireNumeric(arg, `${name}()`);
      return { ...base, kind: 'aggregate', fn: name as AggregateFunction, arg, type: 'number', level: 'day' };
    }
    switch (name) {
      case 'clip': {
        arity(node, 3, 3, 'clip(x, lo, hi)');
        const args = node.args.map((a) => visit(a, ctx));
        args.forEach((a, i) => requireNumeric(a, `argument ${i + 1} of clip()`));
        return { ...base, kind: 'element', fn: 'clip', args, type: 'number', level: args.reduce<Level>((l, a) => joinLevel(l, a.level), 'scalar') };
      }
      case 'log1p':
      case 'abs': {
        arity(node, 1, 1, `${name}(x)`);
        const arg = visit(node.args[0], ctx);
        requireNumeric(arg, `${name}()`);
        return { ...base, kind: 'element', fn: name, args: [arg], type: 'number', level: arg.level };
      }
      case 'min':
      case 'max': {
        arity(node, 2, 2, `${name}(a, b) per value, or ${name}(x) to aggregate a day`);
        const args = node.args.map((a) => visit(a, ctx));
        args.forEach((a) => requireNumeric(a, `${name}()`));
        return { ...base, kind: 'element', fn: name === 'min' ? 'min2' : 'max2', args, type: 'number', level: joinLevel(args[0].level, args[1].level) };
      }
      case 'missing': {
        arity(node, 1, 1, 'missing(x)');
        const arg = visit(node.args[0], ctx);
        return { ...base, kind: 'element', fn: 'missing', args: [arg], type: 'boolean', level: arg.level };
      }
      case 'coalesce': {
        arity(node, 2, Infinity, 'coalesce(x, fallback, ...)');
        const args = node.args.map((a) => visit(a, ctx));
        args.forEach((a) => requireNumeric(a, 'coalesce()'));
        const type: ValueType = args.every((a) => a.type === 'boolean') ? 'boolean' : 'number';
        return { ...base, kind: 'element', fn: 'coalesce', args, type, level: args.reduce<Level>((l, a) => joinLevel(l, a.level), 'scalar') };
      }
      case 'quantile': {
        arity(node, 2, 2, 'quantile(column, q)');
        if (ctx === 'row') {
          fail('EXPR_CONTEXT', 'quantile() is computed over the item or event table; it is not available over panel rows', node.start, 'thresholds over the population belong in treatment.threshold');
        }
        const arg = visit(node.args[0], 'event');
        requireNumeric(arg, 'quantile()');
        if (arg.level !== 'item' && arg.level !== 'event') {
          fail('EXPR_TYPE', 'the first argument of quantile() must be a per-video (item.*) or per-event column', node.args[0].start);
        }
        const qNode = node.args[1];
        if (qNode.kind !== 'number' || !(qNode.value >= 0 && qNode.value <= 1)) {
          fail('EXPR_TYPE', 'the second argument of quantile() must be a number between 0 and 1', qNode.start);
        }
        return { ...base, kind: 'quantile', arg, q: (qNode as { value: number }).value, type: 'number', level: 'scalar' };
      }
      case 'first_time': {
        arity(node, 2, 2, 'first_time(user_id, key)');
        if (ctx !== 'event') {
          fail('EXPR_CONTEXT', 'first_time() marks events; it belongs in an event field (events:)', node.start);
        }
        const group = visit(node.args[0], 'event');
        const key = visit(node.args[1], 'event');
        return { ...base, kind: 'firstTime', group, key, type: 'boolean', level: 'event' };
      }
      case 'zmean':
      case 'unitmean': {
        // zmean: mean of z-scores; unitmean: mean of min-max scaled measures, a score in [0, 1]
        arity(node, 1, Infinity, `${name}(measure, measure, -measure, ...)`);
        if (ctx !== 'day') {
          fail('EXPR_CONTEXT', `${name}() combines day measures; it belongs in a day measure (days:)`, node.start);
        }
        const args = node.args.map((a) => visit(a, 'day'));
        args.forEach((a) => requireNumeric(a, `${name}()`));
        return { ...base, kind: 'zmean', args, scale: name === 'zmean' ? 'z' : 'unit', type: 'number', level: 'day' };
      }
      case 'qbin': {
        arity(node, 2, 2, 'qbin(x, k)');
        if (!options.quantileBins) {
          fail('EXPR_CONTEXT', 'qbin() cuts at quantiles over the analysis rows, which are chosen after this expression; it belongs in a derived column (derived:)', node.start,
            'e.g. derived: { prior_3day_interactions_q4: "qbin(prior_3day_interactions, 4)" }');
        }
        const arg = visit(node.args[0], ctx);
        if (arg.type !== 'number') {
          fail('EXPR_TYPE', `qbin() needs a number, but \`${source(arg)}\` is ${arg.type === 'boolean' ? 'true/false' : 'categorical'}`, arg.start);
        }
        const kNode = node.args[1];
        if (kNode.kind !== 'number' || !Number.isInteger(kNode.value) || kNode.value < 2 || kNode.value > QBIN_MAX_BINS) {
          fail('EXPR_TYPE', `the second argument of qbin() must be a whole number of bins from 2 to ${QBIN_MAX_BINS}`, kNode.start, 'quartiles: qbin(x, 4); deciles: qbin(x, 10)');
        }
        return { ...base, kind: 'qbin', arg, bins: (kNode as { value: number }).value, type: 'number', level: arg.level };
      }
      default: {
        const suggestion = closestName(name, FUNCTION_NAMES);
        return fail('EXPR_UNKNOWN_FUNCTION', `unknown function ${name}()`, node.start, suggestion ? `did you mean ${suggestion}()?` : `functions: ${FUNCTION_NAMES.join(', ')}`);
      }
    }
  };

  const root = visit(parsed.root, context);
  return { parsed, context, root, type: root.type, level: root.level, refs };
}

function constantArithmetic(op: BinaryOperator, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    default:
      return NaN;
  }
}
