// Grid axes that change nothing: the cell's bucketed fingerprint of its treated rows and its M and Y values
// (src/analysis/exploratory.ts) and the bound on what a variant changes (src/sensitivity/robustness.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameFingerprint } from '../../src/analysis/exploratory.js';
import type { AnalysisFrame } from '../../src/estimate/types.js';
import type { CellResult } from '../../src/results/index.js';
import { designChange, robustnessFamilies, unchangedDesign } from '../../src/sensitivity/robustness.js';

const USERS = 60;
const DAYS = 30;

/** A frame over a users × days panel; `edit` changes A, M or Y of some rows. */
function frame(edit: (k: number, f: { A: Float64Array; M: Float64Array; Y: Float64Array }) => void = () => {}) {
  const n = USERS * DAYS;
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const userId = Int32Array.from({ length: n }, (_, i) => 1000 + Math.floor(i / DAYS));
  const dayIndex = Int32Array.from({ length: n }, (_, i) => i % DAYS);
  const A = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 13 < 6 ? 1 : 0));
  const M = Float64Array.from({ length: n }, (_, i) => ((i * 31) % 17) / 17);
  const Y = Float64Array.from({ length: n }, (_, i) => 100 + ((i * 13) % 29));
  for (let k = 0; k < n; k++) edit(k, { A, M, Y });
  const f = { n, rows, cluster: userId, A, M, Y } as unknown as AnalysisFrame;
  const panel = { length: n, dates: Array.from({ length: DAYS }, (_, d) => 20200701 + d), userId, dayIndex };
  return frameFingerprint(f, panel);
}

function cell(id: string, axes: Record<string, number>, fp: ReturnType<typeof frameFingerprint>): CellResult {
  return {
    id, axes, status: 'ok', readiness: [], assumptions: [], warnings: [], sensitivity: {},
    estimators: [{ id: 'g', kind: 'gcomp', status: 'ok', estimates: { ate: { estimate: 1, ci: [0.5, 1.5] } }, diagnostics: {}, warnings: [] }],
    diagnostics: { fingerprint: fp },
  } as unknown as CellResult;
}

test('the fingerprint bounds the share of treated rows, mediator and outcome values a variant changes', () => {
  const base = cell('base', {}, frame());
  assert.deepEqual(designChange(base, cell('same', {}, frame())), { treated: 0, mediator: 0, outcome: 0 });
  // one treated row switched off: a change at or above its true share (1 of the base's treated rows), under 1%
  const treatedRows = frame().treatedRows;
  const one = designChange(base, cell('one', {}, frame((k, f) => { if (k === 17) f.A[k] = 1 - f.A[k]!; })))!;
  assert.ok(one.treated >= 1 / treatedRows && one.treated < 0.01, `bound ${one.treated}`);
  assert.equal(one.outcome, 0);
  assert.ok(unchangedDesign(one));
  // a fifth of the rows treated differently: far above the documented share
  const many = designChange(base, cell('many', {}, frame((k, f) => { if (k % 5 === 0) f.A[k] = 1 - f.A[k]!; })))!;
  assert.ok(many.treated > 0.2, `bound ${many.treated}`);
  assert.ok(!unchangedDesign(many));
  // outcome and mediator values
  const y = designChange(base, cell('y', {}, frame((k, f) => { if (k % 3 === 0) f.Y[k]! += 1; })))!;
  assert.ok(y.outcome > 0.3 && y.treated === 0 && y.mediator === 0);
  const m = designChange(base, cell('m', {}, frame((k, f) => { if (k % 4 === 0) f.M[k]! += 0.5; })))!;
  assert.ok(m.mediator! > 0.2 && m.outcome === 0);
});

test('robustness families list each variant\'s design change', () => {
  const cells = [
    cell('base', { t: 0.5, o: 1 }, frame()),
    cell('t4', { t: 0.4, o: 1 }, frame()),
    cell('t6', { t: 0.6, o: 1 }, frame((k, f) => { if (k % 2 === 0) f.A[k] = 1 - f.A[k]!; })),
    cell('o2', { t: 0.5, o: 2 }, frame((k, f) => { f.Y[k]! += 3; })),
  ];
  const fam = robustnessFamilies(cells, { axes: ['t', 'o'], baseCellId: 'base' });
  const t = fam.find((f) => f.family === 't')!;
  assert.deepEqual(t.designChange!.map((c) => [c.cellId, unchangedDesign(c)]), [['t4', true], ['t6', false]]);
  const o = fam.find((f) => f.family === 'o')!;
  assert.equal(o.designChange!.length, 1);
  assert.equal(o.designChange![0]!.outcome, 1);
});
