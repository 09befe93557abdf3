import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runEstimator } from '../../src/estimate/index.js';
import { simulateFrame } from '../support/simulate-frame.js';
import type { EstimatorContext, EstimatorSpec } from '../../src/estimate/types.js';
import { cellSensitivity, standardDeviation } from '../../src/sensitivity/cell.js';
import { evalueContinuous } from '../../src/sensitivity/evalue.js';

test('cellSensitivity assembles E-values, the NIE sweep, refuters and the weight table from the settings', async () => {
  const { frame } = simulateFrame({ users: 80, daysPerUser: 8, covariates: 3, seed: 5 });
  const ctx: EstimatorContext = { seed: 3, cellId: 'c', models: {} };
  const estimators: EstimatorSpec[] = [
    { id: 'naive', kind: 'difference_in_means' },
    { id: 'reg', kind: 'regression_adjustment', outcome: 'linear' },
    { id: 'med', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear', interaction: true },
    { id: 'msm', kind: 'msm', weights: 'ipw', variants: [{ id: 'none', weights: 'none' }, { id: 'c5', weights: 'clipped', clip_ratio: 5 }] },
  ];
  const results = estimators.map((s) => runEstimator(s, frame, ctx));
  assert.ok(results.every((r) => r.status === 'ok'), JSON.stringify(results.map((r) => r.reason)));
  const { sensitivity, mediatorConfounding } = await cellSensitivity({
    settings: { evalue: true, mediator_confounding: true, refuters: ['placebo_treatment', 'data_subset'], refuter_reps: 5 },
    frame, estimators, results, ctx, runEstimator,
  });
  const sd = standardDeviation(frame.Y)!;
  const reg = results[1]!.estimates.ate!.estimate!;
  const row = sensitivity.evalues!.find((r) => r.estimator === 'reg')!;
  assert.equal(row.point, evalueContinuous(reg, sd).point);
  assert.equal(sensitivity.evalues!.length, 4);
  assert.equal(mediatorConfounding.length, 1);
  assert.equal(mediatorConfounding[0]!.estimator, 'med');
  // refuters target the first covariate-adjusted estimator, total effect only
  assert.deepEqual(sensitivity.refuters!.map((r) => `${r.refuter}/${r.estimator}/${r.estimand}`), ['placebo_treatment/reg/ate', 'data_subset/reg/ate']);
  assert.deepEqual(sensitivity.weights!.map((w) => w.label), ['unweighted', 'logistic, stabilized, clip 5']);
  // the unweighted msm equals the naive difference in means
  assert.ok(Math.abs(sensitivity.weights![0]!.value.estimate! - results[0]!.estimates.ate!.estimate!) < 1e-9);
  const none = await cellSensitivity({ settings: {}, frame, estimators: estimators.slice(0, 2), results: results.slice(0, 2), ctx, runEstimator });
  assert.deepEqual(none.sensitivity, {});
});
