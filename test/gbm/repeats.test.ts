import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gbmLearner } from '../../src/estimate/gbm/index.js';
import { clusteredMean, mediationCrossfit, type CrossfitData } from '../../src/estimate/ml/index.js';
import { median, randomUserFolds } from '../../src/estimate/ml/repeats.js';
import { simulateMediation } from '../support/simulate-mediation.js';
import { runEstimator } from '../../src/estimate/runner.js';
import type { AnalysisFrame, EstimatorContext } from '../../src/estimate/types.js';

const data: CrossfitData = simulateMediation('crossfit-repeats', { users: 60, days: 20 }).data;
const learner = gbmLearner({ trees: 40, max_depth: 3, learning_rate: 0.1, seed: 1 });
const propensity = gbmLearner({ trees: 40, max_depth: 2, learning_rate: 0.1, loss: 'logistic', seed: 2 });
const base = { mediator: learner, outcome: learner, propensity, folds: 3, seed: 7, cellId: 'cell-r' };
const effects = ['te_debiased', 'nde_debiased', 'nie_debiased'] as const;

test('random user splits keep users whole, deal users evenly and depend on the split number only through the key', () => {
  const a = randomUserFolds(data.cluster, 3, 7, 'cell-r', 1);
  const b = randomUserFolds(data.cluster, 3, 7, 'cell-r', 1);
  const c = randomUserFolds(data.cluster, 3, 7, 'cell-r', 2);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.map((f) => f.test), c.map((f) => f.test));
  assert.deepEqual(a.map((f) => f.testUsers), [20, 20, 20]);
  const seen = new Map<number, number>();
  a.forEach((f, k) => f.test.forEach((i) => {
    const u = data.cluster[i];
    assert.ok(!seen.has(u) || seen.get(u) === k, `user ${u} in two folds`);
    seen.set(u, k);
  }));
  assert.equal(a.reduce((s, f) => s + f.test.length, 0), data.n);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
});

test('repeated cross-fitting: repeats 1 is the single split; repeats 3 is deterministic, median-combined and no narrower than its splits', () => {
  const single = mediationCrossfit(data, base);
  const one = mediationCrossfit(data, { ...base, repeats: 1 });
  assert.deepEqual(one.result, single.result);
  assert.equal(one.rows.splits, undefined);
  assert.equal(single.result.diagnostics.crossfit_repeats, undefined);

  const three = mediationCrossfit(data, { ...base, repeats: 3 });
  const again = mediationCrossfit(data, { ...base, repeats: 3 });
  assert.deepEqual(three.result, again.result);
  // Split 0 is today's deterministic split: its scores are the single-split scores, bit for bit.
  const splits = three.rows.splits!;
  assert.equal(splits.length, 3);
  assert.deepEqual(splits[0].psi11, single.rows.psi11);
  assert.deepEqual(splits[0].psi10, single.rows.psi10);
  assert.notDeepEqual(splits[1].psi10, splits[0].psi10);
  // Another cell id draws other splits 1 and 2.
  const otherCell = mediationCrossfit(data, { ...base, repeats: 3, cellId: 'cell-s' });
  assert.notEqual(otherCell.result.estimates.nde_debiased.estimate, three.result.estimates.nde_debiased.estimate);

  const diff = (x: Float64Array, z: Float64Array) => Float64Array.from(x, (v, i) => v - z[i]);
  for (const name of effects) {
    const score = (s: (typeof splits)[number]) => (name === 'te_debiased' ? diff(s.psi11, s.psi00) : name === 'nde_debiased' ? diff(s.psi10, s.psi00) : diff(s.psi11, s.psi10));
    const fits = splits.map((s) => clusteredMean(score(s), data.cluster));
    const theta = median(fits.map((f) => f.estimate));
    const est = three.result.estimates[name];
    assert.ok(Math.abs(est.estimate! - theta) < 1e-12, `${name} ${est.estimate} vs median ${theta}`);
    // σ̃² = median(σ²_s + (θ_s − θ̃)²) ≥ median(σ²_s), with equality only when every split gives the same θ.
    const medianVariance = median(fits.map((f) => f.se! ** 2));
    assert.ok(est.se! ** 2 > medianVariance, `${name} se ${est.se} vs median split se ${Math.sqrt(medianVariance)}`);
    assert.equal(single.result.estimates[name].se, fits[0].se);
    // The IF normal interval uses the combined standard error.
    const ci = (three.result.diagnostics.ci_normal as Record<string, [number, number]>)[name];
    assert.ok(Math.abs((ci[1] - ci[0]) / (2 * est.se!) - 1.959964) < 1e-5);
  }
  assert.throws(() => mediationCrossfit(data, { ...base, repeats: 0 }), /repeats/);
});

test('the cell bootstrap of kind mediation_debiased mixes the splits: wider than one split, deterministic', () => {
  const frame = { ...data, rows: new Int32Array(data.n), secondary: {}, extra: { length: data.n, numeric: {}, categorical: {} }, warnings: [] } as unknown as AnalysisFrame;
  const ctx: EstimatorContext = {
    seed: 3, cellId: 'cell-b', bootstrap: { reps: 60, level: 0.9 },
    models: { gbm: { kind: 'gbm', trees: 30, max_depth: 3, learning_rate: 0.1 } },
  };
  const spec = (repeats: number) => ({ id: 'md', kind: 'mediation_debiased', mediator_model: 'gbm', outcome_model: 'gbm', propensity: 'gbm', crossfit: { folds: 3, repeats } });
  const one = runEstimator(spec(1), frame, ctx);
  const four = runEstimator(spec(4), frame, ctx);
  assert.deepEqual(runEstimator(spec(4), frame, ctx), four);
  assert.equal(four.status, 'ok', four.reason);
  assert.equal((four.diagnostics.crossfit_repeats as { repeats: number }).repeats, 4);
  for (const k of effects) {
    const v = four.estimates[k];
    assert.ok(v.ci && v.ci[0] < v.estimate! && v.estimate! < v.ci[1], `${k} ${JSON.stringify(v)}`);
    assert.ok(v.bootSd! > 0 && v.se! > 0);
  }
  // Across the three effects the split-mixed replicates spread at least as much as one split's.
  const spread = (r: typeof one) => effects.reduce((s, k) => s + r.estimates[k].bootSd!, 0);
  assert.ok(spread(four) > spread(one), `${spread(four)} vs ${spread(one)}`);
});
