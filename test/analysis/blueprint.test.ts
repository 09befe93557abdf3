// The model blueprint (src/analysis/blueprint.ts) is generated from the resolved estimator entries, the
// models table and each estimator's result: change a model, an option or an interval method and the
// table changes with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelBlueprint } from '../../src/analysis/blueprint.js';
import type { EstimatorResult, EstimatorSpec, ModelSpec } from '../../src/estimate/types.js';
import { goldenFrame } from '../golden/fixture.js';

const frame = goldenFrame();
const X = `X (${frame.X.cols} columns)`;
const models: Record<string, ModelSpec> = {
  logistic: { kind: 'logistic', C: 1, standardize: true },
  linear: { kind: 'linear' },
  boost: { kind: 'gbm', trees: 80, max_depth: 3 },
};

function result(id: string, kind: string, estimates: Record<string, boolean>, diagnostics: Record<string, unknown> = {}): EstimatorResult {
  return {
    id, kind, status: 'ok', warnings: [], diagnostics,
    estimates: Object.fromEntries(Object.entries(estimates).map(([k, ci]) => [k, { estimate: 1, ci: ci ? [0, 2] : null }])),
  };
}

const BOOT = { bootstrap: { reps: 40, level: 0.95, method: 'percentile', nuisance: 'refit_per_replicate' } };

test('each estimator gets its model steps and an effect step, from its options', () => {
  const specs: EstimatorSpec[] = [
    { id: 'naive', kind: 'difference_in_means' },
    { id: 'ipw', kind: 'ipw', propensity: 'logistic', clip: [0.02, 0.98], stabilize: true, cap_quantile: 0.99 },
    { id: 'med', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear', interaction: true },
    { id: 'med_noint', kind: 'mediation', mediator_model: 'linear', outcome_model: 'boost', interaction: false, crossfit: { folds: 5 }, mediator_clip: [0, 1] },
  ];
  const results = [
    result('naive', 'difference_in_means', { ate: true }, BOOT),
    result('ipw', 'ipw', { ate: true }, { ...BOOT, weight_cap: 4.2901 }),
    result('med', 'mediation', { te: true, nde: true, nie: true }, BOOT),
    result('med_noint', 'mediation', { te: false, nde: false, nie: false }),
  ];
  const rows = modelBlueprint(specs, models, frame, results);
  const of = (id: string) => rows.filter((r) => r.estimator === id);

  assert.deepEqual(of('naive').map((r) => r.step), ['effect']);
  assert.equal(of('naive')[0]!.interval, 'user-cluster bootstrap, 40 replicates, percentile, level 0.95');

  const [prop, ipwEffect] = of('ipw');
  assert.equal(prop!.step, 'propensity model');
  assert.equal(prop!.target, 'P(A = 1)');
  assert.equal(prop!.features, X);
  assert.equal(prop!.learner, 'logistic; C 1, standardize true');
  assert.equal(ipwEffect!.weights, 'inverse propensity, stabilized, propensity clipped to [0.02, 0.98], capped at their q0.99 (4.29)');

  assert.deepEqual(of('med').map((r) => r.step), ['mediator model', 'outcome model', 'effect']);
  assert.equal(of('med')[1]!.features, `A + mediator + A×mediator + ${X}`);
  assert.equal(of('med')[2]!.target, 'te, nde, nie');
  assert.equal(of('med')[2]!.fitting, 'full sample');

  const noint = of('med_noint');
  assert.equal(noint[1]!.features, `A + mediator + ${X}`);
  assert.equal(noint[1]!.learner, 'boost (gbm; trees 80, max_depth 3)');
  assert.equal(noint[0]!.learner, 'linear; predictions clipped to [0, 1]');
  for (const r of noint) assert.equal(r.fitting, 'cross-fitted, 5 folds by user');
  assert.equal(noint[2]!.interval, 'none (point estimates only)');
});

test('the debiased mediation lists its propensity, nested and mediator-free models, and its interval method', () => {
  const specs: EstimatorSpec[] = [{ id: 'dml', kind: 'mediation', mediator_model: 'boost', outcome_model: 'boost', propensity: 'boost', method: 'both', crossfit: { folds: 3, repeats: 5 } }];
  const results = [result('dml', 'mediation', { te: false, te_debiased: true }, { interval: { method: 'influence_function', level: 0.95, estimates: ['te_debiased'] } })];
  const rows = modelBlueprint(specs, models, frame, results);
  assert.deepEqual(rows.map((r) => r.step), ['propensity model', 'propensity model', 'mediator model', 'outcome model', 'outcome model without the mediator (ν)', 'nested regression (ω)', 'effect']);
  assert.equal(rows[1]!.features, `mediator + ${X}`);
  assert.equal(rows.at(-1)!.fitting, 'cross-fitted, 3 folds by user, 5 repeats');
  assert.equal(rows.at(-1)!.interval, 'influence function clustered by user, level 0.95 (te_debiased)');
});

test('an estimator that failed says so instead of an interval', () => {
  const specs: EstimatorSpec[] = [{ id: 'g', kind: 'gcomp', outcome: 'linear' }];
  const failed: EstimatorResult = { id: 'g', kind: 'gcomp', status: 'failed', reason: 'one arm is empty', estimates: {}, diagnostics: {}, warnings: [] };
  const rows = modelBlueprint(specs, models, frame, [failed]);
  assert.deepEqual(rows.map((r) => [r.step, r.features]), [['outcome model', `A + ${X}`], ['effect', 'the models above']]);
  assert.equal(rows[1]!.interval, 'none (failed)');
  assert.equal(rows[1]!.target, 'no estimate');
});
