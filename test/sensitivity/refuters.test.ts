import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runEstimator } from '../../src/estimate/index.js';
import { simulateFrame } from '../support/simulate-frame.js';
import type { EstimatorContext, EstimatorResult, EstimatorSpec, AnalysisFrame } from '../../src/estimate/types.js';
import { randomCommonCauseFrame, refute, refuterRows, userSubsetFrame } from '../../src/sensitivity/refuters.js';
import { DesignScratch, subsetFrame } from '../../src/frame/index.js';
import { msmSpecForVariant, SEED_003_VARIANTS, weightSensitivity } from '../../src/sensitivity/weights.js';
import { Rng } from '../../src/rng.js';

const { frame, truth } = simulateFrame({ users: 120, daysPerUser: 10, covariates: 4, seed: 11 });
const ctx: EstimatorContext = { seed: 7, cellId: 'cell-refute', models: {} };
const regression: EstimatorSpec = { id: 'reg', kind: 'regression_adjustment', outcome: 'linear' };

test('placebo treatment: refuted effects centre on zero and the real effect has a small permutation p-value', async () => {
  const r = await refute('placebo_treatment', frame, regression, ctx, runEstimator, { reps: 19, estimands: ['ate'] });
  const e = r.estimands[0]!;
  assert.ok(e.original! > 1, `original ${e.original} (truth ${truth.ate})`);
  assert.ok(Math.abs(e.mean!) < 0.15 * e.original!, `placebo mean ${e.mean}`);
  assert.equal(e.passes, true);
  // No placebo reaches the real effect: p = 1 / (19 + 1)
  assert.equal(e.pValue, 0.05);
  assert.equal(r.failedReps, 0);
  const rows = refuterRows(r);
  assert.equal(rows[0]!.refuter, 'placebo_treatment');
  assert.match(rows[0]!.note!, /p = 0\.050 over 19 of 19/);
});

test('random common cause and data subset leave a sound estimate in place (high p-value)', async () => {
  const rcc = await refute('random_common_cause', frame, regression, ctx, runEstimator, { reps: 9, estimands: ['ate'] });
  const a = rcc.estimands[0]!;
  assert.ok(Math.abs(a.mean! - a.original!) < 0.02 * Math.abs(a.original!), `${a.mean} vs ${a.original}`);
  assert.ok(a.pValue! >= 0.05 && a.passes === true);
  const subset = await refute('data_subset', frame, regression, ctx, runEstimator, { reps: 9, estimands: ['ate'] });
  const s = subset.estimands[0]!;
  assert.ok(Math.abs(s.mean! - s.original!) < 3 * s.sd! + 1e-9, `${s.mean} ± ${s.sd} vs ${s.original}`);
  assert.equal(s.values.length, 9);
});

test('refuters are seeded by (seed, cell, refuter, rep) and work with any estimator', async () => {
  const calls: AnalysisFrame[] = [];
  // A minimal estimator: difference in means, recording the frames it saw.
  const fake = (spec: EstimatorSpec, f: AnalysisFrame): EstimatorResult => {
    calls.push(f);
    let s1 = 0, n1 = 0, s0 = 0, n0 = 0;
    for (let i = 0; i < f.n; i++) f.A[i] ? ((s1 += f.Y[i]!), n1++) : ((s0 += f.Y[i]!), n0++);
    return { id: spec.id, kind: spec.kind, status: 'ok', estimates: { ate: { estimate: s1 / n1 - s0 / n0 } }, diagnostics: {}, warnings: [] };
  };
  const spec: EstimatorSpec = { id: 'dim', kind: 'custom' };
  const first = await refute('data_subset', frame, spec, ctx, fake, { reps: 4 });
  const again = await refute('data_subset', frame, spec, ctx, fake, { reps: 4 });
  assert.deepEqual(first, again);
  const other = await refute('data_subset', frame, spec, { ...ctx, cellId: 'another' }, fake, { reps: 4 });
  assert.notDeepEqual(other.estimands[0]!.values, first.estimands[0]!.values);
  // 80% of users, whole users only
  const sub = userSubsetFrame(frame, new Rng(1, 'x'), 0.8);
  const users = new Set(sub.cluster);
  assert.equal(users.size, 96);
  for (const u of users) assert.equal(sub.cluster.filter((c) => c === u).length, 10);
  assert.equal(sub.X.rows, sub.n);
});

test('weight sensitivity runs the msm estimator once per seed 003 variant', async () => {
  const seen: EstimatorSpec[] = [];
  const rows = await weightSensitivity(frame, { id: 'msm', kind: 'msm', weights: 'ipw' }, ctx, (spec, f, c) => {
    seen.push(spec);
    return runEstimator(spec, f, c);
  });
  assert.deepEqual(rows.map((r) => r.label), ['unweighted', 'logistic, stabilized, unclipped', 'logistic, stabilized, clip 10', 'logistic, stabilized, clip 5', 'logistic, stabilized, clip 2']);
  assert.deepEqual(seen.map((s) => s.weights), ['unweighted', 'unclipped', { clip: 10 }, { clip: 5 }, { clip: 2 }]);
  assert.equal(rows[0]!.essShare, 1);
  for (const r of rows) assert.ok(r.value.estimate !== null && Number.isFinite(r.value.estimate));
  // weighting moves the estimate off the unweighted (confounded) one
  assert.notEqual(rows[0]!.value.estimate, rows[2]!.value.estimate);
  assert.ok(rows[1]!.essShare! <= 1);
  assert.equal(msmSpecForVariant({ id: 'm', kind: 'msm' }, { id: 'g', weights: 'clipped', propensity: 'gbm' }).propensity, 'gbm');
  assert.equal(SEED_003_VARIANTS.length, 5);
});

test('repetitions written into one shared design buffer give the estimates of fresh copies', async () => {
  // ipw caches its propensity fit by the design array (src/estimate/env.ts): each repetition's design must
  // be a new array even where it shares the buffer, or every repetition would reuse the first one's fit
  const ipw: EstimatorSpec = { id: 'ipw', kind: 'ipw', propensity: 'logistic' };
  const models = { logistic: { kind: 'logistic', C: 1, standardize: true } };
  const c: EstimatorContext = { ...ctx, models };
  const point: EstimatorContext = { ...c, bootstrap: undefined };
  for (const name of ['random_common_cause', 'data_subset'] as const) {
    const r = await refute(name, frame, ipw, c, runEstimator, { reps: 3, estimands: ['ate'] });
    const fresh: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      const rng = new Rng(c.seed, c.cellId, `refuter:${name}`, rep);
      const changed = name === 'random_common_cause' ? randomCommonCauseFrame(frame, rng) : userSubsetFrame(frame, rng, 0.8);
      fresh.push((await runEstimator(ipw, changed, point)).estimates.ate!.estimate!);
    }
    assert.deepEqual(r.estimands[0]!.values, fresh);
    assert.equal(new Set(fresh).size, 3);
  }
});

test('a design scratch hands out a new array per subset on one buffer, grown when a subset needs more', () => {
  const scratch = new DesignScratch();
  const a = scratch.view(100);
  const b = scratch.view(80);
  assert.notEqual(a, b);
  assert.equal(a.buffer, b.buffer);
  assert.equal(b.length, 80);
  const c = scratch.view(1000);
  assert.notEqual(c.buffer, a.buffer);
  assert.equal(c.length, 1000);
  // subsets written into the scratch hold the same values as fresh copies
  const index = Int32Array.from({ length: 50 }, (_, i) => i * 3);
  assert.deepEqual(subsetFrame(frame, index, undefined, scratch).X, subsetFrame(frame, index).X);
});

test('refuters ask for point estimates only: no jackknife standard errors, the same estimates', async () => {
  // a collinear design (a covariate twice) leaves linear g-computation without its analytic SE: a full
  // run adds the infinitesimal jackknife (two fast replicates per user), which a refuter never reads
  // (src/estimate/runner.ts runKind)
  const { rows, cols } = frame.X;
  const data = new Float64Array(rows * (cols + 1));
  data.set(frame.X.data.subarray(0, rows * cols));
  data.set(frame.X.data.subarray(0, rows), rows * cols);
  const aliased: AnalysisFrame = { ...frame, X: { rows, cols: cols + 1, data, names: [...frame.X.names, 'copy_of_first'] } };
  const gcomp: EstimatorSpec = { id: 'g', kind: 'gcomp', outcome: 'linear' };
  const full = runEstimator(gcomp, aliased, ctx);
  const point = runEstimator(gcomp, aliased, { ...ctx, pointOnly: true });
  assert.equal(full.estimates.ate!.estimate, point.estimates.ate!.estimate);
  assert.equal((full.diagnostics.se_method as Record<string, string>).ate, 'infinitesimal_jackknife');
  assert.ok(full.estimates.ate!.se! > 0);
  assert.equal(point.estimates.ate!.se, null);
  const seen: EstimatorContext[] = [];
  const recording = (spec: EstimatorSpec, f: AnalysisFrame, c: EstimatorContext) => {
    seen.push(c);
    return runEstimator(spec, f, c);
  };
  const r = await refute('data_subset', aliased, gcomp, { ...ctx, bootstrap: { reps: 50, level: 0.95 } }, recording, { reps: 2 });
  assert.equal(seen.length, 3, 'the original estimate and two repetitions');
  assert.ok(seen.every((c) => c.pointOnly === true && c.bootstrap === undefined));
  assert.equal(r.estimands.find((e) => e.estimand === 'ate')!.original, full.estimates.ate!.estimate);
});
