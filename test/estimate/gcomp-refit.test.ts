/**
 * The gbm g-computation's refit bootstrap (`bootstrap: refit`, src/estimate/kinds/gcomp.ts): every
 * user-cluster replicate re-cross-fits the outcome model on the resampled users. On simulated frames with a
 * known average effect (test/support/simulate-frame.ts) its percentile intervals cover the truth; the
 * cross-fitted form without refit reports no interval, and refuses bootstrap_reps at its location.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ignoredOptions, runEstimator, runsOnSecondaryOutcomes } from '../../src/estimate/runner.js';
import type { EstimatorContext, EstimatorSpec } from '../../src/estimate/types.js';
import { simulateFrame } from '../support/simulate-frame.js';

const models: EstimatorContext['models'] = { gbm_small: { kind: 'gbm', trees: 100, max_depth: 2, learning_rate: 0.3 } };
const refit: EstimatorSpec = { id: 'g', kind: 'gcomp', outcome: 'gbm_small', crossfit: { folds: 3 }, bootstrap: 'refit', bootstrap_reps: 30 };

function frameWithTruth(seed: number) {
  const { frame, truth } = simulateFrame({ users: 80, daysPerUser: 8, covariates: 3, seed, interaction: 0 });
  // the heavy-tailed column enters the truth through log1p (as test/support/calibrate-frames.ts)
  const heavy = frame.X.data.subarray(frame.n, 2 * frame.n);
  for (let i = 0; i < heavy.length; i++) heavy[i] = Math.log1p(heavy[i]);
  return { frame, truth: truth.ate };
}

test('refit: every replicate refits the cross-fitted gbm; the percentile intervals cover a known effect', () => {
  const frames = 12;
  let covered = 0;
  for (let a = 0; a < frames; a++) {
    const { frame, truth } = frameWithTruth(700 + a);
    const ctx: EstimatorContext = { seed: 11, cellId: `gcomp-refit-${a}`, models, bootstrap: { reps: 500, level: 0.9 } };
    const r = runEstimator(refit, frame, ctx);
    assert.equal(r.status, 'ok', r.reason);
    const boot = r.diagnostics.bootstrap as { reps: number; assembly: string; nuisance: string };
    // bootstrap_reps (30) overrides uncertainty.bootstrap.reps (500)
    assert.deepEqual([boot.reps, boot.assembly, boot.nuisance], [30, 'refit', 'refit_per_replicate']);
    const ci = r.estimates.ate.ci!;
    assert.ok(ci && ci[0] < r.estimates.ate.estimate! && r.estimates.ate.estimate! < ci[1], `interval ${ci} around ${r.estimates.ate.estimate}`);
    if (ci[0] <= truth && truth <= ci[1]) covered++;
  }
  // with too few trees the plug-in's regularisation bias shows (it is the estimator's, not the interval's);
  // nominal 90%: 12 frames at ≥ 9 covered fails with probability < 0.03 if the intervals are right
  assert.ok(covered >= 9, `covered ${covered} of ${frames}`);
});

test('the refit form estimates what the cross-fitted form does; without refit there is no interval', () => {
  const { frame } = frameWithTruth(42);
  const ctx: EstimatorContext = { seed: 11, cellId: 'gcomp-refit-same', models, bootstrap: { reps: 20, level: 0.95 } };
  const crossfitted = runEstimator({ id: 'g', kind: 'gcomp', outcome: 'gbm_small', crossfit: { folds: 3 } }, frame, ctx);
  const refitted = runEstimator({ ...refit, bootstrap_reps: 5 }, frame, ctx);
  assert.equal(crossfitted.estimates.ate.ci ?? null, null);
  assert.ok(Math.abs(crossfitted.estimates.ate.estimate! - refitted.estimates.ate.estimate!) < 1e-9,
    `${crossfitted.estimates.ate.estimate} vs ${refitted.estimates.ate.estimate}`);
  assert.ok(refitted.estimates.ate.ci);
});

test('bootstrap_reps on the cross-fitted form without refit is refused; both forms run on the secondary outcomes', () => {
  const noRefit: EstimatorSpec = { id: 'g', kind: 'gcomp', outcome: 'gbm_small', crossfit: { folds: 3 }, bootstrap_reps: 5 };
  assert.match(ignoredOptions(noRefit, models).find((o) => o.option === 'bootstrap_reps')?.why ?? '', /set bootstrap: refit/);
  assert.deepEqual(ignoredOptions(refit, models), []);
  assert.ok(runsOnSecondaryOutcomes(refit, models));
  assert.ok(runsOnSecondaryOutcomes(noRefit, models));
});
