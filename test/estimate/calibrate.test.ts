import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibrationTable, runCalibration } from '../support/calibrate-frames.js';

test('calibration table: bias, RMSE and coverage from known truths', () => {
  const rows = calibrationTable([
    { estimator: 'e', estimand: 'ate', truth: 1, value: { estimate: 1.5, ci: [1.2, 1.8], se: 0.1 } },
    { estimator: 'e', estimand: 'ate', truth: 1, value: { estimate: 0.9, ci: [0.5, 1.3], se: 0.2 } },
    { estimator: 'e', estimand: 'ate', truth: 1, value: { estimate: null } },
  ]);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].runs, 2);
  assert.ok(Math.abs(rows[0].bias - 0.2) < 1e-12);
  assert.ok(Math.abs(rows[0].rmse - Math.sqrt((0.25 + 0.01) / 2)) < 1e-12);
  assert.equal(rows[0].coverage, 0.5);
  assert.equal(rows[0].se_coverage, 0.5);
});

test('simulated frames: linear mediation is unbiased and covers; the no-interaction SEM path does not', () => {
  const rows = runCalibration({
    archives: 12, users: 60, daysPerUser: 12, covariates: 4, reps: 60, seed: 17,
    estimators: [{ id: 'mediation', kind: 'mediation' }, { id: 'sem', kind: 'sem_path', weights: 'none' }],
  });
  const get = (e: string, k: string) => rows.find((r) => r.estimator === e && r.estimand === k)!;
  for (const k of ['te', 'nde', 'nie']) {
    const r = get('mediation', k);
    assert.ok(Math.abs(r.bias) < 0.5 * r.rmse + 0.01, `${k} bias ${r.bias} rmse ${r.rmse}`);
    assert.ok(r.coverage >= 0.75, `${k} coverage ${r.coverage}`);
  }
  // the simulator has an A×M interaction: the path model's single β averages the two arms' slopes
  assert.ok(get('sem', 'beta').bias > 0.1);
});
