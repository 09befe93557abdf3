/**
 * The expression language: parsing (shape, precedence, positions), type checking before data
 * (contexts, types, unknown names with suggestions) and error locations in the spec file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CausewayError, CausewayErrors } from '../../src/errors.js';
import {
  checkExpression,
  checkPanelDefinition,
  parseExpression,
  type ExprNode,
  type ExpressionScope,
  type PanelDefinition,
} from '../../src/panel/index.js';
import { kuairecRequest, kuairecSchema } from '../../src/data/kuairec/index.js';

const origin = { file: 'specs/demo.yaml', line: 12, col: 16 };

/** A compact rendering of the tree, to check shape and precedence. */
function show(node: ExprNode): string {
  switch (node.kind) {
    case 'number':
      return String(node.value);
    case 'boolean':
      return String(node.value);
    case 'string':
      return JSON.stringify(node.value);
    case 'ref':
      return node.name;
    case 'unary':
      return `(${node.op} ${show(node.arg)})`;
    case 'binary':
      return `(${show(node.left)} ${node.op} ${show(node.right)})`;
    case 'call':
      return `${node.name}(${node.args.map(show).join(', ')})`;
  }
}
const parse = (text: string) => show(parseExpression(text, origin).root);

function errorOf(fn: () => unknown): CausewayError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CausewayError) return e;
    throw e;
  }
  assert.fail('expected a CausewayError');
}
function at(e: CausewayError): string {
  assert.equal(e.where.kind, 'spec');
  const w = e.where as { file: string; line: number; col: number };
  return `${w.file}:${w.line}:${w.col}`;
}

test('parses with the usual precedence', () => {
  assert.equal(parse('a + b * c'), '(a + (b * c))');
  assert.equal(parse('(a + b) * c'), '((a + b) * c)');
  assert.equal(parse('a - b - c'), '((a - b) - c)');
  assert.equal(parse('-x * 2'), '((- x) * 2)');
  assert.equal(parse('not a and b or c'), '(((not a) and b) or c)');
  assert.equal(parse('not x >= 0.8'), '(not (x >= 0.8))');
  assert.equal(parse('a or b and c'), '(a or (b and c))');
  assert.equal(parse('item.avg_show_cnt <= quantile(item.avg_show_cnt, 0.5)'), '(item.avg_show_cnt <= quantile(item.avg_show_cnt, 0.5))');
  assert.equal(parse('count()'), 'count()');
  assert.equal(parse('zmean(a, b, -c)'), 'zmean(a, b, (- c))');
  assert.equal(parse("user.user_active_degree == 'full_active'"), '(user.user_active_degree == "full_active")');
  assert.equal(parse('1.5e3 + .5 + true'), '((1500 + 0.5) + true)');
});

test('records source offsets on every node', () => {
  const parsed = parseExpression('clip(watch_ratio, 0, 2)', origin);
  const root = parsed.root as ExprNode & { kind: 'call' };
  assert.equal(root.start, 0);
  assert.equal(root.end, 23);
  assert.deepEqual([root.args[0].start, root.args[0].end], [5, 16]);
});

test('syntax errors point at the offending token in the spec', () => {
  let e = errorOf(() => parseExpression('clip(watch_ratio, 0 2)', origin));
  assert.equal(e.code, 'EXPR_SYNTAX');
  assert.equal(at(e), 'specs/demo.yaml:12:36'); // the "2" is at offset 20
  e = errorOf(() => parseExpression('watch_ratio >= ', origin));
  assert.match(e.message, /ends too early/);
  assert.equal(at(e), 'specs/demo.yaml:12:31');
  e = errorOf(() => parseExpression('watch_ratio = 1', origin));
  assert.equal(at(e), 'specs/demo.yaml:12:28');
  assert.match(e.hint ?? '', /==/);
  e = errorOf(() => parseExpression('a && b', origin));
  assert.match(e.hint ?? '', /and/);
  e = errorOf(() => parseExpression('0 < a < 1', origin));
  assert.match(e.message, /chained/);
  assert.equal(at(e), 'specs/demo.yaml:12:22');
  e = errorOf(() => parseExpression('(a + b', origin));
  assert.match(e.message, /expected '\)'/);
  e = errorOf(() => parseExpression("x == 'abc", origin));
  assert.match(e.message, /unterminated/);
  assert.equal(at(e), 'specs/demo.yaml:12:21');
  e = errorOf(() => parseExpression('3x', origin));
  assert.equal(at(e), 'specs/demo.yaml:12:17');
  e = errorOf(() => parseExpression('a b', origin));
  assert.match(e.message, /after a complete expression/);
  e = errorOf(() => parseExpression('   ', origin));
  assert.match(e.message, /empty/);
});

test('errors in a multi-line expression count lines from the origin', () => {
  const e = errorOf(() => parseExpression('a +\n  * b', { file: 'x.yaml', line: 5, col: 3 }));
  assert.equal(at(e), 'x.yaml:6:5');
});

const schema = kuairecSchema();
const itemScope = new Map([
  ['avg_show_cnt', 'number' as const],
  ['avg_play_cnt', 'number' as const],
  ['first_category', 'number' as const],
]);
const eventScope: ExpressionScope = {
  event: new Map([...schema.event, ['high_watch', 'boolean' as const]]),
  item: itemScope,
  user: schema.user,
  day: new Map([
    ['active_day', 'boolean' as const],
    ['interactions', 'number' as const],
  ]),
};
const check = (text: string, context: 'event' | 'day' | 'row' = 'event', scope: ExpressionScope = eventScope) =>
  checkExpression(parseExpression(text, origin), scope, context);

test('types and levels of good expressions', () => {
  let c = check('clip(watch_ratio, 0, 2)');
  assert.deepEqual([c.type, c.level], ['number', 'event']);
  c = check('watch_ratio >= 0.8');
  assert.deepEqual([c.type, c.level], ['boolean', 'event']);
  c = check('item.avg_show_cnt <= quantile(item.avg_show_cnt, 0.5)');
  assert.deepEqual([c.type, c.level], ['boolean', 'item']);
  c = check('item.avg_show_cnt > user.register_days');
  assert.equal(c.level, 'event'); // item meets user at the event
  c = check('first_time(user_id, item.first_category)');
  assert.deepEqual([c.type, c.level], ['boolean', 'event']);
  c = check("user.user_active_degree != 'UNKNOWN'");
  assert.deepEqual([c.type, c.level], ['boolean', 'user']);
  c = check('sum(play_duration) / 1000', 'day');
  assert.deepEqual([c.type, c.level], ['number', 'day']);
  c = check('share(high_watch) - mean(watch_ratio >= 1) + interactions * user.register_days', 'day');
  assert.equal(c.level, 'day');
  c = check('min(watch_ratio)', 'day');
  assert.equal(c.root.kind, 'aggregate');
  c = check('min(watch_ratio, 2)');
  assert.equal(c.root.kind, 'element');
  c = check('zmean(interactions, -interactions)', 'day');
  assert.equal(c.level, 'day');
  c = check('-(2 * 3)');
  assert.equal(c.root.kind, 'const'); // constants fold
  assert.deepEqual([...c.refs.event], []);
  assert.deepEqual([...check('watch_ratio * high_watch').refs.event].sort(), ['high_watch', 'watch_ratio']);
});

test('unknown columns and functions get a "did you mean"', () => {
  let e = errorOf(() => check('watch_ratoi >= 0.8'));
  assert.equal(e.code, 'EXPR_UNKNOWN_COLUMN');
  assert.equal(e.hint, 'did you mean `watch_ratio`?');
  assert.equal(at(e), 'specs/demo.yaml:12:16');
  e = errorOf(() => check('watch_ratio + item.show_cnt'));
  assert.equal(e.hint, 'did you mean `item.avg_show_cnt`?');
  assert.equal(at(e), 'specs/demo.yaml:12:30');
  e = errorOf(() => check('user.register_day > 3'));
  assert.equal(e.hint, 'did you mean `user.register_days`?');
  e = errorOf(() => check('mena(watch_ratio)', 'day'));
  assert.equal(e.code, 'EXPR_UNKNOWN_FUNCTION');
  assert.equal(e.hint, 'did you mean mean()?');
  e = errorOf(() => check('video.x'));
  assert.match(e.message, /qualifier/);
  e = errorOf(() => check('interactoins + 1', 'day'));
  assert.equal(e.hint, 'did you mean `interactions`?');
});

test('context errors: aggregation, per-event and per-day names in the wrong place', () => {
  let e = errorOf(() => check('count()'));
  assert.equal(e.code, 'EXPR_CONTEXT');
  assert.match(e.message, /days:/);
  e = errorOf(() => check('watch_ratio * 2', 'day'));
  assert.equal(e.code, 'EXPR_CONTEXT');
  assert.match(e.hint ?? '', /mean\(watch_ratio\)/);
  e = errorOf(() => check('mean(item.avg_show_cnt) + item.avg_show_cnt', 'day'));
  assert.equal(at(e), 'specs/demo.yaml:12:42');
  e = errorOf(() => check('watch_ratio > interactions'));
  assert.match(e.message, /user-day measure/);
  e = errorOf(() => check('sum(count())', 'day'));
  assert.equal(e.code, 'EXPR_CONTEXT');
  assert.equal(at(e), 'specs/demo.yaml:12:20');
  e = errorOf(() => check('first_time(user_id, video_id)', 'day'));
  assert.equal(e.code, 'EXPR_CONTEXT');
  e = errorOf(() => check('zmean(watch_ratio)'));
  assert.equal(e.code, 'EXPR_CONTEXT');
  e = errorOf(() => check('quantile(interactions, 0.5)', 'day'));
  assert.equal(e.code, 'EXPR_CONTEXT');
  e = errorOf(() => check('interactions - lag_1_interactions', 'day'));
  assert.match(e.message, /history column/);
  assert.equal(at(e), 'specs/demo.yaml:12:31');
});

test('type errors', () => {
  let e = errorOf(() => check('watch_ratio and high_watch'));
  assert.equal(e.code, 'EXPR_TYPE');
  assert.equal(at(e), 'specs/demo.yaml:12:16');
  assert.match(e.hint ?? '', /watch_ratio > 0/);
  e = errorOf(() => check('not watch_ratio'));
  assert.equal(e.code, 'EXPR_TYPE');
  e = errorOf(() => check('share(watch_ratio)', 'day'));
  assert.equal(e.code, 'EXPR_TYPE');
  e = errorOf(() => check('user.user_active_degree > 2'));
  assert.match(e.message, /categorical/);
  e = errorOf(() => check("watch_ratio == 'high'"));
  assert.match(e.message, /quoted text compares only with categorical/);
  e = errorOf(() => check("user.user_active_degree < 'x'"));
  assert.match(e.message, /== or !=/);
  e = errorOf(() => check("'abc'"));
  assert.equal(e.code, 'EXPR_TYPE');
  e = errorOf(() => check('quantile(item.avg_show_cnt, 1.5)'));
  assert.equal(at(e), 'specs/demo.yaml:12:44');
  e = errorOf(() => check('quantile(2, 0.5)'));
  assert.match(e.message, /per-video/);
  e = errorOf(() => check('clip(watch_ratio, 0)'));
  assert.equal(e.code, 'EXPR_ARITY');
  e = errorOf(() => check('count(watch_ratio)', 'day'));
  assert.equal(e.code, 'EXPR_ARITY');
  e = errorOf(() => check('sum(user.user_active_degree)', 'day'));
  assert.equal(e.code, 'EXPR_TYPE');
});

test('row context: panel columns only, no aggregation or quantile', () => {
  const rowScope: ExpressionScope = { row: new Map([['active_day', 'boolean' as const], ['future_7day_interactions', 'number' as const], ['user_active_degree', 'category' as const]]) };
  const c = check('active_day and not missing(future_7day_interactions)', 'row', rowScope);
  assert.deepEqual([c.type, c.level], ['boolean', 'day']);
  assert.equal(check("user.user_active_degree == 'x'", 'row', rowScope).type, 'boolean');
  assert.equal(errorOf(() => check('mean(active_day)', 'row', rowScope)).code, 'EXPR_CONTEXT');
  assert.equal(errorOf(() => check('quantile(active_day, 0.5)', 'row', rowScope)).code, 'EXPR_CONTEXT');
  assert.equal(errorOf(() => check('future_7day_interaction > 0', 'row', rowScope)).hint, 'did you mean `future_7day_interactions`?');
});

const o = (line: number, col = 19) => ({ file: 's.yaml', line, col });

test('a panel definition is checked before data: dependency order, what the data must provide', () => {
  const def: PanelDefinition = {
    events: [
      { name: 'discovery', expr: 'long_tail or first_time(user_id, item.first_category)', origin: o(3) },
      { name: 'long_tail', expr: 'item.avg_show_cnt <= quantile(item.avg_show_cnt, 0.5)', origin: o(4) },
    ],
    days: [
      { name: 'score', expr: 'zmean(share_d, interactions)', origin: o(7) },
      { name: 'interactions', expr: 'count()', origin: o(8) },
      { name: 'share_d', expr: 'share(discovery)', origin: o(9) },
    ],
    history: [{ kind: 'future', days: [1, 7], of: ['interactions'], incomplete: 'missing' }],
    userFeatures: ['register_days', 'user_active_degree'],
  };
  const plan = checkPanelDefinition(def, schema);
  assert.deepEqual(plan.events.map((e) => e.name), ['long_tail', 'discovery']);
  assert.deepEqual(plan.days.map((e) => e.name), ['interactions', 'share_d', 'score']);
  assert.deepEqual(plan.itemDailyColumns, ['show_cnt']);
  assert.deepEqual(plan.itemColumns, ['first_category']);
  // The kuairec source reads the side tables those need, and play_cnt for the exposure stand-in.
  const request = kuairecRequest({ source: 'kuairec', path: 'x.zip' }, '/specs', { itemColumns: plan.itemColumns, itemDailyColumns: plan.itemDailyColumns });
  assert.deepEqual(request.tables, ['item_categories', 'item_daily_features', 'user_features']);
  assert.deepEqual(request.itemDailyColumns, ['play_cnt', 'show_cnt']);
  assert.deepEqual(
    [...plan.columns.keys()],
    ['user_id', 'date', 'active_day', 'calendar_day_index', 'day_of_week', 'interactions', 'share_d', 'score', 'future_1day_interactions', 'next_day_interactions', 'future_7day_interactions', 'register_days', 'user_active_degree'],
  );
  assert.equal(plan.columns.get('user_active_degree'), 'category');
});

test('a panel definition reports every problem at once, each at its line', () => {
  const def: PanelDefinition = {
    events: [
      { name: 'a', expr: 'b + 1', origin: o(3) },
      { name: 'b', expr: 'a * 2', origin: o(4) },
      { name: 'watch_ratio', expr: '1', origin: o(5) },
    ],
    days: [
      { name: 'n', expr: 'count(', origin: o(8) },
      { name: 'm', expr: 'mean(watch_ratoi)', origin: o(9) },
      { name: 'active_day', expr: 'count()', origin: o(10) },
    ],
    history: [{ kind: 'lag', days: [1], of: ['nn', 'm'], origin: o(12), ofOrigins: [o(12, 30), o(12, 34)] }],
  };
  let caught: unknown;
  try {
    checkPanelDefinition(def, schema);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof CausewayErrors);
  const lines = caught.errors.map((e) => `${at(e)} ${e.code}`).sort();
  assert.deepEqual(lines, [
    's.yaml:10:19 PANEL_BAD_NAME',
    's.yaml:12:30 PANEL_UNKNOWN_MEASURE',
    's.yaml:3:19 EXPR_CYCLE',
    's.yaml:5:19 PANEL_BAD_NAME',
    's.yaml:8:25 EXPR_SYNTAX',
    's.yaml:9:24 EXPR_UNKNOWN_COLUMN',
  ]);
  const unknownMeasure = caught.errors.find((e) => e.code === 'PANEL_UNKNOWN_MEASURE')!;
  assert.equal(unknownMeasure.hint, 'did you mean `n`?');
});

test('history and user-feature mistakes', () => {
  const base: PanelDefinition = { events: [], days: [{ name: 'interactions', expr: 'count()', origin: o(2) }], history: [] };
  let e = errorOf(() => checkPanelDefinition({ ...base, history: [{ kind: 'prior', days: [0], of: ['interactions'], origin: o(5) }] }, schema));
  assert.equal(e.code, 'PANEL_BAD_HISTORY');
  e = errorOf(() => checkPanelDefinition({ ...base, history: [{ kind: 'lag', days: [1], of: ['interaction'], origin: o(5) }] }, schema));
  assert.equal(e.hint, 'did you mean `interactions`?');
  e = errorOf(() => checkPanelDefinition({ ...base, userFeatures: ['register_dayz'], userFeaturesOrigin: o(7) }, schema));
  assert.equal(e.code, 'PANEL_UNKNOWN_USER_FEATURE');
  assert.equal(e.hint, 'did you mean `register_days`?');
  e = errorOf(() => checkPanelDefinition({ ...base, days: [{ name: 'cat', expr: 'user.user_active_degree', origin: o(2) }] }, schema));
  assert.match(e.message, /categorical/);
  e = errorOf(() => checkPanelDefinition({ ...base, days: [{ name: 'register_days', expr: 'count()', origin: o(2) }] }, schema));
  assert.match(e.message, /user feature/);
});
