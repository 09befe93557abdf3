/**
 * Controlled direct effects from the cross-fitted mediation (cde_at on a crossfit entry, plug-in and
 * debiased forms): CDE(m) = mean μ̂(1, m, X) − μ̂(0, m, X) from the out-of-fold outcome model. With a
 * noise-free outcome linear in A, M, A·M and X, a linear outcome model is exact in every fold, so
 * CDE(m) is the structural 2 + 0.3·m.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runEstimator } from '../../src/estimate/runner.js';
import { quantileSorted, sortedFinite } from '../../src/frame/quantile.js';
import { simulateFrame } from '../support/simulate-frame.js';
import type { EstimatorContext } from '../../src/estimate/types.js';

const ctx: EstimatorContext = { seed: 3, cellId: 'cde', models: {} };

function frameWithKnownCde() {
  const { frame } = simulateFrame({ users: 50, daysPerUser: 10, covariates: 4, seed: 4 });
  const x2 = frame.X.data.subarray(2 * frame.n, 3 * frame.n);
  for (let i = 0; i < frame.n; i++) {
    const a = frame.A[i], m = frame.M![i];
    frame.Y[i] = 1 + 2 * a + 0.5 * m + 0.3 * a * m + 0.4 * x2[i];
  }
  return frame;
}

test('a cross-fitted mediation reports CDE at the cde_at levels, matching the structural truth', () => {
  const frame = frameWithKnownCde();
  const median = quantileSorted(sortedFinite(frame.M!), 0.5);
  const spec = { kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear', crossfit: { folds: 3 }, cde_at: { quantiles: [0.5], values: [0.4] } } as const;
  const plugin = runEstimator({ id: 'cf', ...spec }, frame, ctx);
  assert.equal(plugin.status, 'ok', JSON.stringify(plugin.warnings));
  assert.ok(Math.abs(plugin.estimates['cde_at_0.4'].estimate! - (2 + 0.3 * 0.4)) < 1e-8, `cde_at_0.4 ${plugin.estimates['cde_at_0.4'].estimate}`);
  assert.ok(Math.abs(plugin.estimates.cde_q50.estimate! - (2 + 0.3 * median)) < 1e-8, `cde_q50 ${plugin.estimates.cde_q50.estimate}`);
  // without cde_at the cross-fitted form reports no controlled direct effects
  const { cde_at: _c, ...bare } = spec;
  assert.equal(runEstimator({ id: 'cf', ...bare }, frame, ctx).estimates.cde_q50, undefined);
  // the debiased form (method both) carries them too
  const both = runEstimator({ id: 'both', ...spec, method: 'both' }, frame, ctx);
  assert.equal(both.status, 'ok');
  assert.ok(Math.abs(both.estimates['cde_at_0.4'].estimate! - 2.12) < 1e-8);
});
