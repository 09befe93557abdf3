/**
 * What a panel is made of (PanelDefinition, mapped by the spec stage from `events`, `days`,
 * `history`) and the checks that run on it before any data is read: every expression parsed and
 * type-checked in dependency order, every history name resolved, and the list of panel columns
 * (with types) that later stages may name.
 */
import { CausewayError, CausewayErrors } from '../errors.js';
import type { ExprNode, ExpressionOrigin } from './expr/ast.js';
import { checkExpression, type CheckedExpression, type ExpressionScope, type ValueType } from './expr/check.js';
import { closestName } from './expr/location.js';
import { parseExpression } from './expr/parser.js';
import type { DataSchema } from '../data/schema.js';

export interface NamedExpression {
  name: string;
  expr: string;
  /** Where the expression string starts in the spec (its first character). */
  origin: ExpressionOrigin;
}

export type HistoryKind = 'lag' | 'prior' | 'lead' | 'next_day' | 'future';

/**
 * One history family. Columns made, for each name x in `of`:
 *   lag      days [k..]  lag_k_x        value k days before; 0 before the first day (and where missing)
 *   prior    days [n..]  prior_{n}day_x sum over the n days before; 0-filled at the start
 *   lead     days [k..]  lead_k_x       value k days after; past the last day: missing or 0 (`incomplete`)
 *   next_day             next_day_x     lead 1
 *   future   days [n..]  future_{n}day_x sum over the n days after; a window running past the last day
 *                                       is missing (`incomplete: missing`, docs/seeds.md §001) or summed over
 *                                       the days there are (`zero`, docs/seeds.md §000); future days [1] also
 *                                       gives next_day_x
 */
export interface HistoryEntry {
  kind: HistoryKind;
  days?: number[];
  of: string[];
  incomplete?: 'missing' | 'zero';
  /** Where the entry is written; errors about it point here. */
  origin?: ExpressionOrigin;
  /** Where each `of` name is written, same order as `of`. */
  ofOrigins?: ExpressionOrigin[];
}

export interface PanelDefinition {
  events: NamedExpression[];
  days: NamedExpression[];
  history: HistoryEntry[];
  /** User features joined onto every panel row: all columns of the users table (default), none, or a list. */
  userFeatures?: 'all' | 'none' | string[];
  userFeaturesOrigin?: ExpressionOrigin;
}

interface CheckedDefinition {
  name: string;
  checked: CheckedExpression;
}

export interface HistoryColumn {
  column: string;
  kind: HistoryKind;
  of: string;
  /** lag/lead offset or window length. */
  days: number;
  incomplete: 'missing' | 'zero';
}

export interface PanelPlan {
  events: CheckedDefinition[]; // dependency order
  days: CheckedDefinition[]; // dependency order
  history: HistoryColumn[];
  userFeatures: string[];
  /** Per-item daily columns to average (item.avg_<c>): the source reads only these (src/data/source-types.ts PanelNeeds). */
  itemDailyColumns: string[];
  /** Columns of the source's items table the definitions name (item.<c>). */
  itemColumns: string[];
  /** Every panel column with its type, in panel order. */
  columns: Map<string, ValueType>;
}

/** Panel columns that always exist. */
const BUILTIN_DAY_COLUMNS: ReadonlyArray<[string, ValueType]> = [
  ['active_day', 'boolean'],
  ['calendar_day_index', 'number'],
];
const RESERVED = new Set(['user_id', 'date', 'active_day', 'calendar_day_index', 'day_of_week']);
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const AGGREGATE_CALLS = new Set(['count', 'sum', 'mean', 'share', 'nunique', 'quantile']);

function noOrigin(): ExpressionOrigin {
  return { file: '<panel>', line: 1, col: 1 };
}

/** Bare names an expression uses, split by whether they sit inside an aggregation (event level). */
function bareNames(root: ExprNode): { outside: Set<string>; inside: Set<string> } {
  const outside = new Set<string>();
  const inside = new Set<string>();
  const walk = (node: ExprNode, inAggregate: boolean): void => {
    switch (node.kind) {
      case 'ref':
        if (!node.name.includes('.')) (inAggregate ? inside : outside).add(node.name);
        return;
      case 'unary':
        return walk(node.arg, inAggregate);
      case 'binary':
        walk(node.left, inAggregate);
        return walk(node.right, inAggregate);
      case 'call': {
        const aggregate = AGGREGATE_CALLS.has(node.name) || ((node.name === 'min' || node.name === 'max') && node.args.length === 1);
        for (const a of node.args) walk(a, inAggregate || aggregate);
        return;
      }
      default:
        return;
    }
  };
  walk(root, false);
  return { outside, inside };
}

/** Orders definitions so each comes after the ones it names; a cycle is an error. */
function dependencyOrder<T extends { def: NamedExpression; deps: Set<string> }>(items: T[], errors: CausewayError[], what: string): T[] {
  const byName = new Map(items.map((i) => [i.def.name, i]));
  const position = new Map(items.map((i, k) => [i.def.name, k]));
  const state = new Map<string, 'visiting' | 'done'>();
  const out: T[] = [];
  const visit = (item: T, path: string[]): boolean => {
    const s = state.get(item.def.name);
    if (s === 'done') return true;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(item.def.name)), item.def.name];
      errors.push(new CausewayError('EXPR_CYCLE', `${what} refer to each other in a cycle: ${cycle.join(' → ')}`, { kind: 'spec', ...item.def.origin }));
      return false;
    }
    state.set(item.def.name, 'visiting');
    let ok = true;
    // Dependencies in definition order, so the result keeps the spec's order where it can.
    const deps = [...item.deps].sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
    for (const dep of deps) {
      const target = byName.get(dep);
      if (target && target !== item && !visit(target, [...path, item.def.name])) ok = false;
      if (target === item) {
        errors.push(new CausewayError('EXPR_CYCLE', `${what.replace(/s$/, '')} \`${item.def.name}\` refers to itself`, { kind: 'spec', ...item.def.origin }));
        ok = false;
      }
    }
    state.set(item.def.name, 'done');
    if (ok) out.push(item);
    return ok;
  };
  for (const item of items) visit(item, []);
  return out;
}

function specWhere(origin: ExpressionOrigin | undefined) {
  const o = origin ?? noOrigin();
  return { kind: 'spec' as const, file: o.file, line: o.line, col: o.col, ...(o.pointer !== undefined ? { pointer: o.pointer } : {}) };
}

/**
 * Checks a panel definition against a data schema (a source's description, so it runs before any
 * data is read). Throws CausewayError (one problem) or CausewayErrors (several).
 */
export function checkPanelDefinition(def: PanelDefinition, schema: DataSchema): PanelPlan {
  const errors: CausewayError[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof CausewayError) errors.push(e);
      else if (e instanceof CausewayErrors) errors.push(...e.errors);
      else throw e;
      return undefined;
    }
  };

  // Names: valid, unique, not clashing with raw columns or built-ins.
  const seen = new Map<string, string>();
  const checkName = (d: NamedExpression, section: 'events' | 'days'): boolean => {
    if (!NAME_PATTERN.test(d.name)) {
      errors.push(new CausewayError('PANEL_BAD_NAME', `\`${d.name}\` is not a valid name (letters, digits and _; not starting with a digit)`, specWhere(d.origin)));
      return false;
    }
    if (RESERVED.has(d.name)) {
      errors.push(new CausewayError('PANEL_BAD_NAME', `\`${d.name}\` is a built-in panel column; choose another name`, specWhere(d.origin)));
      return false;
    }
    if (section === 'events' && schema.event.has(d.name)) {
      errors.push(new CausewayError('PANEL_BAD_NAME', `\`${d.name}\` is already a raw event column; choose another name`, specWhere(d.origin)));
      return false;
    }
    if (section === 'days' && schema.user.has(d.name)) {
      errors.push(new CausewayError('PANEL_BAD_NAME', `\`${d.name}\` is a user feature joined onto the panel; choose another name`, specWhere(d.origin)));
      return false;
    }
    const previous = seen.get(d.name);
    if (previous !== undefined) {
      errors.push(new CausewayError('PANEL_BAD_NAME', `\`${d.name}\` is defined twice (also under ${previous})`, specWhere(d.origin)));
      return false;
    }
    seen.set(d.name, section);
    return true;
  };

  const itemScope = new Map<string, ValueType>();
  for (const c of schema.itemDaily) itemScope.set(`avg_${c}`, 'number');
  for (const [c, type] of schema.item ?? []) itemScope.set(c, type);

  // Event fields.
  const eventScope = new Map(schema.event);
  const dayScope = new Map<string, ValueType>(BUILTIN_DAY_COLUMNS);
  const scope: ExpressionScope = { event: eventScope, item: itemScope, user: schema.user, day: dayScope };
  const eventItems: Array<{ def: NamedExpression; deps: Set<string>; parsed?: ReturnType<typeof parseExpression> }> = [];
  const eventNames = new Set(def.events.map((d) => d.name));
  for (const d of def.events) {
    if (!checkName(d, 'events')) continue;
    const parsed = attempt(() => parseExpression(d.expr, d.origin));
    if (!parsed) {
      eventScope.set(d.name, 'number'); // keep dependents from cascading into "unknown column"
      continue;
    }
    const names = bareNames(parsed.root);
    const deps = new Set([...names.outside, ...names.inside].filter((n) => eventNames.has(n)));
    eventItems.push({ def: d, deps, parsed });
  }
  const dayNames = new Set(def.days.map((d) => d.name));
  for (const d of def.days) if (!eventNames.has(d.name)) dayScope.set(d.name, 'number'); // placeholder until checked (for messages)
  const events: CheckedDefinition[] = [];
  for (const item of dependencyOrder(eventItems, errors, 'event fields')) {
    const checked = attempt(() => checkExpression(item.parsed!, scope, 'event'));
    if (!checked) {
      eventScope.set(item.def.name, 'number');
      continue;
    }
    eventScope.set(item.def.name, checked.type);
    events.push({ name: item.def.name, checked });
  }

  // Day measures.
  for (const d of def.days) dayScope.delete(d.name);
  const dayItems: Array<{ def: NamedExpression; deps: Set<string>; parsed?: ReturnType<typeof parseExpression> }> = [];
  for (const d of def.days) {
    if (!checkName(d, 'days')) continue;
    const parsed = attempt(() => parseExpression(d.expr, d.origin));
    if (!parsed) {
      dayScope.set(d.name, 'number');
      continue;
    }
    const names = bareNames(parsed.root);
    dayItems.push({ def: d, deps: new Set([...names.outside].filter((n) => dayNames.has(n))), parsed });
  }
  const days: CheckedDefinition[] = [];
  for (const item of dependencyOrder(dayItems, errors, 'day measures')) {
    const checked = attempt(() => {
      const c = checkExpression(item.parsed!, scope, 'day');
      if (c.type === 'category') {
        throw new CausewayError('EXPR_TYPE', `day measure \`${item.def.name}\` is categorical; a day measure must be a number or true/false`, specWhere(item.def.origin));
      }
      if (c.level === 'event' || c.level === 'item') {
        throw new CausewayError('EXPR_CONTEXT', `day measure \`${item.def.name}\` is per event; aggregate it (mean, sum, share, ...)`, specWhere(item.def.origin));
      }
      return c;
    });
    if (!checked) {
      dayScope.set(item.def.name, 'number');
      continue;
    }
    dayScope.set(item.def.name, checked.type);
    days.push({ name: item.def.name, checked });
  }

  // History.
  const columns = new Map<string, ValueType>([
    ['user_id', 'number'],
    ['date', 'number'],
    ...BUILTIN_DAY_COLUMNS,
    // the weekday of `date` (Monday … Sunday), for segments, covariates and row expressions
    ['day_of_week', 'category'],
  ]);
  for (const d of days) columns.set(d.name, d.checked.type);
  const planned = planHistory(def.history, dayScope, errors);
  const history = planned.history;
  for (const [c, t] of planned.columns) columns.set(c, t);

  // User features.
  let userFeatures: string[] = [];
  const requested = def.userFeatures ?? 'all';
  if (requested === 'all') userFeatures = [...schema.user.keys()];
  else if (requested !== 'none') {
    for (const name of requested) {
      if (!schema.user.has(name)) {
        const suggestion = closestName(name, schema.user.keys());
        errors.push(new CausewayError('PANEL_UNKNOWN_USER_FEATURE', `unknown user feature \`${name}\``, specWhere(def.userFeaturesOrigin), suggestion ? `did you mean \`${suggestion}\`?` : undefined));
      } else userFeatures.push(name);
    }
  }
  for (const f of userFeatures) {
    if (columns.has(f)) {
      errors.push(new CausewayError('PANEL_BAD_NAME', `user feature \`${f}\` clashes with a panel column of the same name`, specWhere(def.userFeaturesOrigin)));
    } else columns.set(f, schema.user.get(f)!);
  }

  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new CausewayErrors(errors);

  const itemDailyColumns = new Set<string>();
  const itemColumns = new Set<string>();
  for (const d of [...events, ...days]) {
    for (const c of d.checked.refs.item) {
      if (schema.item?.has(c)) itemColumns.add(c); // the source's items table
      else if (c.startsWith('avg_')) itemDailyColumns.add(c.slice(4));
    }
  }
  return { events, days, history, userFeatures, itemDailyColumns: [...itemDailyColumns].sort(), itemColumns: [...itemColumns].sort(), columns };
}

/**
 * The history columns of `history:` entries over day measures of the given types (lag_k_x, prior_{n}day_x,
 * lead_k_x, next_day_x, future_{n}day_x), in order, with their types; problems are pushed onto `errors`.
 * Used by checkPanelDefinition and by sources that hand over a ready panel (src/data/duckdb/panel.ts).
 */
export function planHistory(entries: HistoryEntry[], dayScope: Map<string, ValueType>, errors: CausewayError[]): { history: HistoryColumn[]; columns: Array<[string, ValueType]> } {
  const columns = new Map<string, ValueType>();
  const history: HistoryColumn[] = [];
  const historyByColumn = new Map<string, HistoryColumn>();
  for (const entry of entries) {
    const incomplete = entry.incomplete ?? 'missing';
    const lengths = entry.kind === 'next_day' ? [1] : entry.days ?? [];
    if (entry.kind !== 'next_day' && lengths.length === 0) {
      errors.push(new CausewayError('PANEL_BAD_HISTORY', `history ${entry.kind} needs at least one entry in days`, specWhere(entry.origin)));
      continue;
    }
    const badDays = lengths.filter((k) => !Number.isInteger(k) || k < 1);
    if (badDays.length > 0) {
      errors.push(new CausewayError('PANEL_BAD_HISTORY', `history ${entry.kind} days must be whole numbers ≥ 1 (got ${badDays.join(', ')})`, specWhere(entry.origin)));
      continue;
    }
    entry.of.forEach((name, i) => {
      const where = specWhere(entry.ofOrigins?.[i] ?? entry.origin);
      const type = dayScope.get(name);
      if (type === undefined || name === 'calendar_day_index') {
        const suggestion = closestName(name, [...dayScope.keys()].filter((n) => n !== 'calendar_day_index'));
        errors.push(new CausewayError('PANEL_UNKNOWN_MEASURE', `history ${entry.kind} names \`${name}\`, which is not a day measure`, where, suggestion ? `did you mean \`${suggestion}\`?` : undefined));
        return;
      }
      const add = (column: string, kind: HistoryKind, days: number, columnType: ValueType): void => {
        const existing = historyByColumn.get(column);
        if (existing) {
          if (existing.incomplete !== incomplete && (kind === 'lead' || kind === 'future' || kind === 'next_day')) {
            errors.push(new CausewayError('PANEL_BAD_HISTORY', `\`${column}\` is requested twice with different incomplete settings`, where));
          }
          return;
        }
        const h: HistoryColumn = { column, kind, of: name, days, incomplete };
        historyByColumn.set(column, h);
        history.push(h);
        columns.set(column, columnType);
      };
      for (const k of lengths) {
        switch (entry.kind) {
          case 'lag':
            add(`lag_${k}_${name}`, 'lag', k, type);
            break;
          case 'prior':
            add(`prior_${k}day_${name}`, 'prior', k, 'number');
            break;
          case 'lead':
            add(`lead_${k}_${name}`, 'lead', k, type);
            break;
          case 'next_day':
            add(`next_day_${name}`, 'lead', 1, type);
            break;
          case 'future':
            add(`future_${k}day_${name}`, 'future', k, 'number');
            if (k === 1) add(`next_day_${name}`, 'lead', 1, type);
            break;
        }
      }
    });
  }

  return { history, columns: [...columns] };
}

/** The panel's columns and their types, without reading data (for validating later spec sections). */
export function panelColumns(def: PanelDefinition, schema: DataSchema): Map<string, ValueType> {
  return checkPanelDefinition(def, schema).columns;
}
