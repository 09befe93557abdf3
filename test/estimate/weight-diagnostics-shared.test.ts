// ipw and msm entries with the same weighting share one cached weighting (src/estimate/env.ts), and its
// diagnostics (balance table, weight and overlap summaries) are computed once (src/estimate/weights.ts):
// both report the same values, each in an object of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runEstimator } from '../../src/estimate/runner.js';
import type { EstimatorContext } from '../../src/estimate/types.js';
import { simulateFrame } from '../support/simulate-frame.js';

test('ipw and msm with the same weighting report equal weight diagnostics in objects of their own', () => {
  const { frame } = simulateFrame({ users: 50, daysPerUser: 8, covariates: 3, seed: 21 });
  const ctx: EstimatorContext = { seed: 3, cellId: 'shared-weights', models: {}, bootstrap: undefined };
  const ipw = runEstimator({ id: 'ipw', kind: 'ipw', propensity: 'logistic', clip: [0.02, 0.98], stabilize: true, cap_quantile: 0.99 }, frame, ctx);
  const msm = runEstimator({ id: 'msm', kind: 'msm', propensity: 'logistic' }, frame, ctx);
  for (const key of ['balance', 'overlap', 'weights', 'weight_cap', 'readiness']) {
    assert.ok(ipw.diagnostics[key] !== undefined, key);
    assert.deepEqual(msm.diagnostics[key], ipw.diagnostics[key], key);
  }
  assert.notEqual(msm.diagnostics.balance, ipw.diagnostics.balance, 'not one shared object');
  // a frame with other treatment values is not served the first frame's table
  const flipped = { ...frame, A: Float64Array.from(frame.A, (a) => 1 - a) };
  const other = runEstimator({ id: 'ipw', kind: 'ipw', propensity: 'logistic', clip: [0.02, 0.98], stabilize: true, cap_quantile: 0.99 }, flipped, ctx);
  assert.notDeepEqual(other.diagnostics.balance, ipw.diagnostics.balance);
});
