import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellEValues, evalueContinuous, evalueForRiskRatio, evalueRiskRatio } from '../../src/sensitivity/evalue.js';
import { mediatorConfoundingSweep } from '../../src/sensitivity/mediator-confounding.js';
import type { CellResult } from '../../src/results/index.js';

const close = (a: number | null, b: number, tol = 1e-9) => assert.ok(a !== null && Math.abs(a - b) < tol, `${a} vs ${b}`);

test('E-values for risk ratios match hand computation (VanderWeele & Ding 2017 example RR 3.9 → 7.26)', () => {
  // E = RR + sqrt(RR (RR - 1)): 3.9 + sqrt(3.9 * 2.9) = 7.2630343…
  close(evalueForRiskRatio(3.9), 7.263034344160047);
  // protective: 1/0.8 = 1.25 → 1.25 + sqrt(1.25 * 0.25) = 1.8090170…
  close(evalueForRiskRatio(0.8), 1.8090169943749475);
  close(evalueForRiskRatio(1), 1);
  assert.equal(evalueForRiskRatio(0), null);
  const withCi = evalueRiskRatio(3.9, [1.8, 8.7]);
  close(withCi.ciBound, 1.8 + Math.sqrt(1.8 * 0.8));
  assert.equal(evalueRiskRatio(1.3, [0.9, 1.8]).ciBound, 1);
  close(evalueRiskRatio(0.5, [0.3, 0.8]).ciBound, 1.25 + Math.sqrt(1.25 * 0.25));
});

test('E-values for continuous outcomes via d = effect / SD(Y) and RR ≈ exp(0.91 d)', () => {
  // effect 2, SD 4: d = 0.5, RR = exp(0.455) = 1.57617…, E = 2.5291420
  const e = evalueContinuous(2, 4, [0.4, 3.6]);
  close(e.d, 0.5);
  close(e.rr, Math.exp(0.455));
  close(e.point, 2.5291419818612693);
  // CI limit nearest zero 0.4: d = 0.1, RR = exp(0.091), E = 1.4182941
  close(e.ciBound, 1.4182940640718693);
  // a harmful effect mirrors; its nearest limit is the upper one
  const neg = evalueContinuous(-2, 4, [-3.6, -0.4]);
  close(neg.point, 2.5291419818612693);
  close(neg.ciBound, 1.4182940640718693);
  assert.equal(evalueContinuous(2, 4, [-1, 5]).ciBound, 1);
  assert.equal(evalueContinuous(2, 0).point, null);
});

test('cellEValues reads the total effect of each ok estimator and the outcome SD', () => {
  const cell = {
    id: 'c1', axes: {}, status: 'ok', readiness: [], assumptions: [], diagnostics: {}, warnings: [],
    definitions: { treatment: { name: 'A', measure: 'm', rule: '', threshold: 0, treatedShare: 0.5 }, outcome: { name: 'y', rule: 'y', sd: 4 }, secondary: [] },
    estimators: [
      { id: 'aipw', kind: 'aipw', status: 'ok', estimates: { ate: { estimate: 2, ci: [0.4, 3.6] } }, diagnostics: {}, warnings: [] },
      { id: 'bad', kind: 'ipw', status: 'failed', estimates: {}, diagnostics: {}, warnings: [] },
      { id: 'sec', kind: 'aipw', status: 'ok', outcome: 'other', estimates: { ate: { estimate: 9 } }, diagnostics: {}, warnings: [] },
    ],
  } as unknown as CellResult;
  const rows = cellEValues(cell);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.estimator, 'aipw');
  assert.equal(rows[0]!.estimand, 'ate');
  close(rows[0]!.point, 2.5291419818612693);
  close(rows[0]!.ciBound, 1.4182940640718693);
});

test('mediator–outcome confounding sweep: NIE_adj = NIE − δγ towards zero, with the breakdown point', () => {
  const s = mediatorConfoundingSweep({ estimator: 'med', nie: -1.3, ci: [-2.3, -0.43], sdOutcome: 10, deltas: [0.1, 0.5], gammasSd: [0.1, 0.5] });
  assert.equal(s.grid.length, 4);
  const cell = s.grid.find((g) => g.delta === 0.5 && g.gammaSd === 0.5)!;
  // δγ = 0.5 * 5 = 2.5 towards zero: −1.3 + 2.5 = 1.2, explained away
  close(cell.bias, -2.5);
  close(cell.nieAdjusted, 1.2);
  assert.equal(cell.explainedAway, true);
  const weak = s.grid.find((g) => g.delta === 0.1 && g.gammaSd === 0.1)!;
  close(weak.nieAdjusted, -1.2);
  assert.equal(weak.explainedAway, false);
  assert.equal(weak.ciIncludesZero, false);
  close(s.breakdown.bias, 1.3);
  close(s.breakdown.biasSd, 0.13);
  close(s.breakdown.ciBias!, 0.43);
  // at δ = 0.1 a U must move Y by 1.3 / (0.1 * 10) = 1.3 SD to explain the NIE away
  close(s.breakdown.gammaSdAtDelta[0]!.gammaSd, 1.3);
  close(s.breakdown.gammaSdAtDelta[1]!.gammaSd, 0.26);
});
