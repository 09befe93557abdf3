/**
 * AIPW with one outcome model per arm (outcome_models: per_arm, the T-learner): with an outcome whose
 * treatment effect varies with X, per-arm linear models are exact, so every AIPW residual is zero and the
 * estimate is the true average effect; the pooled model on [A, X] is misspecified and misses it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runEstimator } from '../../src/estimate/runner.js';
import { simulateFrame } from '../support/simulate-frame.js';
import type { EstimatorContext } from '../../src/estimate/types.js';

const ctx: EstimatorContext = { seed: 5, cellId: 'per-arm', models: {} };

function heterogeneousFrame() {
  const { frame } = simulateFrame({ users: 60, daysPerUser: 10, covariates: 4, seed: 9 });
  const x0 = frame.X.data.subarray(0, frame.n);
  const x2 = frame.X.data.subarray(2 * frame.n, 3 * frame.n);
  let truth = 0;
  for (let i = 0; i < frame.n; i++) {
    // no noise: Y is exactly linear in X within each arm, with an effect 0.5 + 1.5·x2 varying by row
    const effect = 0.5 + 1.5 * x2[i];
    frame.Y[i] = 1 + 0.2 * x0[i] - 0.7 * x2[i] + frame.A[i] * effect;
    truth += effect;
  }
  return { frame, truth: truth / frame.n };
}

test('per-arm linear outcome models recover a heterogeneous effect exactly; the pooled model does not', () => {
  const { frame, truth } = heterogeneousFrame();
  const perArm = runEstimator({ id: 't', kind: 'aipw', outcome: 'linear', outcome_models: 'per_arm' }, frame, ctx);
  const pooled = runEstimator({ id: 'p', kind: 'aipw', outcome: 'linear' }, frame, ctx);
  assert.equal(perArm.status, 'ok');
  assert.ok(Math.abs(perArm.estimates.ate.estimate! - truth) < 1e-8, `per arm ${perArm.estimates.ate.estimate} vs truth ${truth}`);
  assert.ok(Math.abs(pooled.estimates.ate.estimate! - truth) > 1e-4, `pooled ${pooled.estimates.ate.estimate} should miss ${truth}`);
  assert.equal(perArm.diagnostics.outcome_models, 'per_arm');
});

test('the cross-fitted (gbm) form honours per_arm too: finite, different from pooled, labelled', () => {
  const { frame, truth } = heterogeneousFrame();
  const spec = { kind: 'aipw', outcome: { kind: 'gbm', trees: 30, max_depth: 2 }, crossfit: { folds: 3 } } as const;
  const perArm = runEstimator({ id: 't', ...spec, outcome_models: 'per_arm' }, frame, ctx);
  const pooled = runEstimator({ id: 'p', ...spec }, frame, ctx);
  assert.equal(perArm.status, 'ok');
  assert.match(String(perArm.diagnostics.method), /one outcome model per arm/);
  assert.notEqual(perArm.estimates.ate.estimate, pooled.estimates.ate.estimate);
  assert.ok(Math.abs(perArm.estimates.ate.estimate! - truth) < 0.5 * Math.abs(truth) + 0.2, `per arm ${perArm.estimates.ate.estimate} near ${truth}`);
});
