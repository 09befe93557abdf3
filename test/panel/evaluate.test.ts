/**
 * Evaluation over typed columns: arithmetic, comparisons and three-valued logic with missing
 * values, functions, categorical comparisons, quantiles, and the row helpers frame/ uses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CausewayError } from '../../src/errors.js';
import type { ColumnTable } from '../../src/data/table.js';
import { buildPanel, compileRowExpression, evaluateRowText, evaluateRows, panelColumns, quantileOf } from '../../src/panel/index.js';
import { makeTinyData } from './fixture.js';
import { kuairecSchema } from '../../src/data/kuairec/index.js';

const N = NaN;
const table: ColumnTable = {
  length: 4,
  numeric: {
    x: Float64Array.from([1, -2, N, 4]),
    y: Float64Array.from([2, 2, 2, N]),
    flag: Float64Array.from([1, 0, N, 1]),
    other: Float64Array.from([N, N, 0, 0]),
    active_day: Float64Array.from([1, 0, 1, 1]),
  },
  categorical: { degree: { codes: Int32Array.from([0, 1, -1, 0]), levels: ['full_active', 'high_active'] } },
};
const run = (text: string) => [...evaluateRowText(text, table)];
const same = (actual: number[], expected: number[]) =>
  assert.deepEqual(actual.map((v) => (Number.isNaN(v) ? 'NaN' : Math.round(v * 1e12) / 1e12)), expected.map((v) => (Number.isNaN(v) ? "NaN" : Math.round(v * 1e12) / 1e12)));

test('arithmetic propagates missing values', () => {
  same(run('x + y * 2'), [5, 2, N, N]);
  same(run('(x - 1) / y'), [0, -1.5, N, N]);
  same(run('-x'), [-1, 2, N, -4]);
  same(run('10 - x'), [9, 12, N, 6]);
  same(run('x / 0'), [Infinity, -Infinity, N, Infinity]);
});

test('comparisons give 0/1, or missing when a side is missing', () => {
  same(run('x >= 1'), [1, 0, N, 1]);
  same(run('1 < x'), [0, 0, N, 1]);
  same(run('x == y'), [0, 0, N, N]);
  same(run('x != 4'), [1, 1, N, 0]);
  same(run('2 <= y'), [1, 1, 1, N]);
});

test('and / or / not follow three-valued logic', () => {
  // flag [1, 0, NaN, 1]; other > 0 is [NaN, NaN, 0, 0]
  same(run('flag and other > 0'), [N, 0, 0, 0]);
  same(run('flag or other > 0'), [1, N, N, 1]);
  same(run('not flag'), [0, 1, N, 0]);
  same(run('flag and true'), [1, 0, N, 1]);
  same(run('flag or true'), [1, 1, 1, 1]);
  same(run('missing(x) or x > 0'), [1, 0, 1, 1]);
});

test('functions', () => {
  same(run('clip(x, 0, 2)'), [1, 0, N, 2]);
  same(run('clip(x, y, 3)'), [2, 2, N, N]);
  same(run('abs(x)'), [1, 2, N, 4]);
  same(run('log1p(y)'), [Math.log1p(2), Math.log1p(2), Math.log1p(2), N]);
  same(run('min(x, y)'), [1, -2, N, N]);
  same(run('max(x, 0)'), [1, 0, N, 4]);
  same(run('missing(y)'), [0, 0, 0, 1]);
  same(run('coalesce(x, y, 7)'), [1, -2, 2, 4]);
  same(run('coalesce(other, -1)'), [-1, -1, 0, 0]);
});

test('categorical columns compare with quoted text', () => {
  same(run("degree == 'full_active'"), [1, 0, N, 1]);
  same(run('degree != "full_active"'), [0, 1, N, 0]);
  same(run("degree == 'no_such_level'"), [0, 0, N, 0]);
});

test('quantile interpolates linearly between order statistics, skipping missing values', () => {
  assert.equal(quantileOf(Float64Array.from([20, 40, 100, 1000]), 0.5), 70);
  assert.equal(quantileOf(Float64Array.from([3, N, 1, 2]), 0.5), 2);
  assert.equal(quantileOf(Float64Array.from([1, 2, 3, 4, 5]), 0.75), 4);
  assert.equal(quantileOf(Float64Array.from([1, 2]), 0.25), 1.25);
  assert.ok(Number.isNaN(quantileOf(Float64Array.from([N]), 0.5)));
});

test('compileRowExpression / evaluateRows: a population filter over the panel', () => {
  const data = makeTinyData();
  const panel = buildPanel(data, {
    events: [],
    days: [{ name: 'interactions', expr: 'count()', origin: { file: 's.yaml', line: 3, col: 17 } }],
    history: [{ kind: 'future', days: [7], of: ['interactions'], incomplete: 'missing' }],
    userFeatures: ['user_active_degree'],
  });
  const population = compileRowExpression('active_day and not missing(future_7day_interactions)', { file: 's.yaml', line: 9, col: 13 }, panel.table, 'boolean');
  assert.equal(population.type, 'boolean');
  assert.deepEqual(population.columns.sort(), ['active_day', 'future_7day_interactions']);
  const keep = evaluateRows(population, panel.table);
  // Active days with a complete 7-day future (day index <= 1): user 10 days 0 and 1 only.
  assert.deepEqual([...keep].map((v, i) => (v === 1 ? i : -1)).filter((i) => i >= 0), [0, 1]);
  // Categorical panel columns can be used by name or as user.*.
  const full = evaluateRows(compileRowExpression("user.user_active_degree == 'full_active'", { file: 's.yaml', line: 10, col: 13 }, panel.table), panel.table);
  assert.equal([...full].reduce((a, b) => a + b, 0), 9);
  // A bare column is returned as a copy, never the panel's own array.
  const copy = evaluateRows(compileRowExpression('interactions', { file: 's.yaml', line: 1, col: 1 }, panel.table), panel.table);
  copy[0] = 99;
  assert.equal(panel.table.numeric.interactions[0], 3);
});

test('row expressions are checked against the panel columns before any data is read', () => {
  const columns = panelColumns({
    events: [],
    days: [{ name: 'interactions', expr: 'count()', origin: { file: 's.yaml', line: 3, col: 17 } }],
    history: [{ kind: 'future', days: [7], of: ['interactions'] }],
  }, kuairecSchema());
  compileRowExpression('active_day and future_7day_interactions > 3', { file: 's.yaml', line: 9, col: 13 }, columns, 'boolean');
  let error: unknown;
  try {
    compileRowExpression('active_day and not missing(future_7day_interaction)', { file: 's.yaml', line: 9, col: 13 }, columns);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof CausewayError);
  assert.equal(error.format(), 's.yaml:9:40  unknown column `future_7day_interaction` (did you mean `future_7day_interactions`?)');
  assert.throws(() => compileRowExpression('interactions + 1', { file: 's.yaml', line: 9, col: 13 }, columns, 'boolean'), /must be true\/false/);
  // A plain list of names works too (all numeric).
  assert.equal(compileRowExpression('a > b', { file: 's', line: 1, col: 1 }, ['a', 'b']).type, 'boolean');
});
