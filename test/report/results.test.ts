import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { stableStringify, RESULTS_SCHEMA_TAG } from '../../src/results/index.js';
import { summarizeCells } from '../../src/sensitivity/robustness.js';
import { validateResults } from '../../src/report/writer.js';
import { exampleResults } from './fixture.js';

const schema = JSON.parse(readFileSync(new URL('../../../schemas/results.schema.json', import.meta.url), 'utf8'));

function compile() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  return ajv.compile(schema);
}

test('the rich example results value validates against schemas/results.schema.json', () => {
  const validate = compile();
  const value = JSON.parse(stableStringify(exampleResults()));
  const ok = validate(value);
  assert.equal(ok, true, JSON.stringify(validate.errors?.slice(0, 5)));
  assert.equal(value.schema, RESULTS_SCHEMA_TAG);
});

test('the schema rejects a wrong tag, a missing cell field and a string estimate', () => {
  const validate = compile();
  const bad1 = JSON.parse(stableStringify(exampleResults()));
  bad1.schema = 'causeway.results/2';
  assert.equal(validate(bad1), false);
  const bad2 = JSON.parse(stableStringify(exampleResults()));
  delete bad2.cells[0].definitions;
  assert.equal(validate(bad2), false);
  const bad3 = JSON.parse(stableStringify(exampleResults()));
  bad3.cells[0].estimators[0].estimates.ate.estimate = '176';
  assert.equal(validate(bad3), false);
  assert.throws(() => validateResults(bad3), (e: Error & { code?: string }) => e.code === 'RESULTS_INVALID' && /estimate/.test(e.message));
});

test('stableStringify sorts keys at every depth, keeps array order, and is byte-identical across runs', () => {
  const a = { b: 1, a: { d: [3, 1, 2], c: 'x' }, e: undefined };
  const b = { a: { c: 'x', d: [3, 1, 2] }, b: 1 };
  assert.equal(stableStringify(a), stableStringify(b));
  assert.equal(stableStringify(a), '{\n  "a": {\n    "c": "x",\n    "d": [\n      3,\n      1,\n      2\n    ]\n  },\n  "b": 1\n}\n');
  assert.equal(stableStringify(exampleResults()), stableStringify(exampleResults()));
  // key order of construction does not matter
  const r = exampleResults();
  const reversed = JSON.parse(JSON.stringify(r), (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v));
  assert.equal(stableStringify(reversed), stableStringify(r));
});

test('stableStringify throws on NaN, Infinity, functions and cycles, naming where', () => {
  assert.throws(() => stableStringify({ cells: [{ estimate: NaN }] }), /non-finite number NaN at \/cells\/0\/estimate/);
  assert.throws(() => stableStringify({ x: Infinity }), /non-finite/);
  assert.throws(() => stableStringify({ x: -Infinity }), /non-finite/);
  assert.throws(() => stableStringify({ f: () => 1 }), /cannot serialize function/);
  const cyc: Record<string, unknown> = {};
  cyc.self = cyc;
  assert.throws(() => stableStringify(cyc), /cycle/);
  assert.throws(() => stableStringify([1, undefined]), /undefined/);
  assert.equal(stableStringify({ n: null, t: true, s: 'é"' }), '{\n  "n": null,\n  "s": "é\\"",\n  "t": true\n}\n');
  // the place named is the value's own, also after earlier siblings and inside typed arrays
  assert.throws(() => stableStringify({ a: [1, undefined] }), /undefined at \/a\/1$/);
  assert.throws(() => stableStringify({ a: { ok: 1 }, b: [{ x: 1 }, { x: Float64Array.of(1, NaN) }] }), /non-finite number NaN at \/b\/1\/x\/1$/);
  assert.throws(() => stableStringify({ k: { self: cyc } }), /cycle at \/k\/self\/self$/);
  assert.throws(() => stableStringify(NaN), /non-finite number NaN at \/$/);
  assert.throws(() => stableStringify({ big: [1n] }), /cannot serialize bigint at \/big\/0$/);
  // one object reached twice is not a cycle
  const shared = { v: 1 };
  assert.equal(stableStringify({ p: shared, q: [shared] }), '{\n  "p": {\n    "v": 1\n  },\n  "q": [\n    {\n      "v": 1\n    }\n  ]\n}\n');
  assert.equal(stableStringify({ t: Float64Array.of(0.5, -0), e: [], o: {} }), '{\n  "e": [],\n  "o": {},\n  "t": [\n    0.5,\n    0\n  ]\n}\n');
});

test('summarizeCells: headline, one robustness family per axis, specification curve sorted', () => {
  const r = exampleResults();
  const s = summarizeCells(r.cells, { estimator: 'aipw', gridAxes: ['treatment.threshold.quantile', 'mediator'] });
  assert.deepEqual(s.cells, { total: 6, ok: 5, failed: 1, skipped: 0 });
  assert.deepEqual(s.primary, { estimator: 'aipw', estimand: 'ate', cellId: r.cells[0]!.id });
  assert.equal(s.robustness.length, 2);
  const q = s.robustness.find((f) => f.family === 'treatment.threshold.quantile')!;
  // cells 0, 2, 4 share the base mediator and vary only the quantile
  assert.equal(q.specifications, 3);
  const aipw = (i: number) => r.cells[i]!.estimators.find((e) => e.id === 'aipw')!.estimates.ate!.estimate!;
  assert.equal(q.totalMin, Math.min(aipw(0), aipw(2), aipw(4)));
  assert.equal(q.totalMax, Math.max(aipw(0), aipw(2), aipw(4)));
  assert.equal(q.totalSharePositive, 1);
  const m = s.robustness.find((f) => f.family === 'mediator')!;
  assert.equal(m.specifications, 2);
  const curve = s.specificationCurve!;
  assert.equal(curve.points.length, 5);
  for (let i = 1; i < curve.points.length; i++) assert.ok(curve.points[i - 1]!.estimate <= curve.points[i]!.estimate);
  assert.ok(!curve.points.some((p) => p.cellId === r.cells[5]!.id), 'failed cell is not on the curve');
});
