/**
 * qbin(x, k) in derived columns: codes equal to pandas qcut(x, k, labels=False, duplicates='drop') with the
 * edges over a population of rows (golden values from test/panel/make_qbin_golden.py), and errors at the
 * spec's file:line:col for a bad k, a non-numeric x, or qbin outside derived:.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CausewayError } from '../../src/errors.js';
import { qbinCodes } from '../../src/panel/expr/qbin.js';
import { compileRowExpression, withDerivedColumns } from '../../src/panel/rows.js';
import type { ColumnTable } from '../../src/data/table.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
interface GoldenCase { name: string; k: number; values: (number | null)[]; population: number[]; codes: (number | null)[] }
const golden = JSON.parse(readFileSync(`${root}test/panel/qbin_golden.json`, 'utf8')) as GoldenCase[];

test('qbin codes equal pandas qcut(labels=False, duplicates="drop") with edges over the population', () => {
  assert.ok(golden.length >= 10);
  for (const c of golden) {
    const values = Float64Array.from(c.values, (v) => (v === null ? NaN : v));
    const got = Array.from(qbinCodes(values, c.k, c.population), (v) => (Number.isNaN(v) ? null : v));
    assert.deepEqual(got, c.codes, c.name);
  }
});

const origin = { file: 'spec.yaml', line: 30, col: 12, pointer: '/derived/x_q' };
const table: ColumnTable = {
  length: 6,
  numeric: { x: Float64Array.from([5, 1, 3, 2, 4, NaN]), active_day: Float64Array.from([1, 1, 1, 1, 0, 1]) },
  categorical: { degree: { codes: Int32Array.from([0, 1, 0, 1, 0, 1]), levels: ['high', 'low'] } },
};

test('derived columns: qbin edges over the population, later columns see earlier ones, the panel table is untouched', () => {
  const q = compileRowExpression('qbin(x, 2)', origin, table, undefined, { quantileBins: true });
  const twice = compileRowExpression('x_q * 2', origin, new Map([...Object.keys(table.numeric).map((c) => [c, 'number'] as const), ['x_q', 'number']]));
  const population = Float64Array.from([1, 1, 1, 1, 0, 1]);
  const out = withDerivedColumns(table, [{ name: 'x_q', compiled: q }, { name: 'x_q2', compiled: twice }], population);
  // edges over 5, 1, 3, 2 (row 4 is outside the population): 1, 2.5, 5 → row 4's value 4 is coded against them
  assert.deepEqual(Array.from(out.numeric.x_q), [1, 0, 1, 0, 1, NaN]);
  assert.deepEqual(Array.from(out.numeric.x_q2), [2, 0, 2, 0, 2, NaN]);
  assert.equal(table.numeric.x_q, undefined);
  // over every row the edges move: 1, 3, 5
  assert.deepEqual(Array.from(withDerivedColumns(table, [{ name: 'x_q', compiled: q }], null).numeric.x_q), [1, 0, 0, 0, 1, NaN]);
});

function errorOf(text: string, quantileBins = true): CausewayError {
  try {
    compileRowExpression(text, origin, table, undefined, { quantileBins });
  } catch (e) {
    assert.ok(e instanceof CausewayError, String(e));
    return e;
  }
  throw new Error(`no error for ${text}`);
}

test('qbin errors: bad k, non-numeric input, outside derived:, each at the offending token', () => {
  for (const [text, col, pattern] of [
    ['qbin(x, 1)', 8, /whole number of bins from 2 to 1000/],
    ['qbin(x, 2.5)', 8, /whole number of bins/],
    ['qbin(x, 5000)', 8, /whole number of bins/],
    ['qbin(x, active_day)', 8, /whole number of bins/],
    ['qbin(degree, 4)', 5, /qbin\(\) needs a number, but `degree` is categorical/],
    ['qbin(x > 1, 4)', 5, /qbin\(\) needs a number, but `x > 1` is true\/false/],
    ['qbin(x)', 0, /qbin\(\) takes 2 arguments/],
  ] as const) {
    const e = errorOf(text);
    assert.match(e.message, pattern, text);
    assert.deepEqual([e.where.kind, (e.where as { line: number }).line, (e.where as { col: number }).col], ['spec', 30, 12 + col], text);
  }
  const outside = errorOf('active_day and qbin(x, 4) > 0', false);
  assert.equal(outside.code, 'EXPR_CONTEXT');
  assert.match(outside.message, /belongs in a derived column \(derived:\)/);
  assert.equal((outside.where as { col: number }).col, 12 + 15);
});
