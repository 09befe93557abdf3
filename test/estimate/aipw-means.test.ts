import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describesEstimand, kindInfo } from '../../src/estimate/kinds/index.js';
import { runEstimator } from '../../src/estimate/runner.js';
import { Rng } from '../../src/rng.js';
import type { AnalysisFrame, EstimatorContext } from '../../src/estimate/types.js';

/**
 * A frame with known potential-outcome means: Y(a) = 1 + 2a + x1 + 0.5·x2 + u + ε with a user effect u,
 * treatment confounded through x1 (P(A=1) = logistic(1.5·x1)). The sample truth of E[Y(a)] is the mean
 * of 1 + 2a + x1 + 0.5·x2 + u over the rows.
 */
function confoundedFrame(users: number, days: number, seed: number): { frame: AnalysisFrame; truth: { y1: number; y0: number } } {
  const rng = new Rng(seed, 'aipw-means-test');
  const n = users * days;
  const X = new Float64Array(2 * n), A = new Float64Array(n), Y = new Float64Array(n);
  const cluster = new Int32Array(n);
  let structural = 0;
  for (let u = 0, i = 0; u < users; u++) {
    const ue = rng.normal();
    for (let d = 0; d < days; d++, i++) {
      cluster[i] = u;
      const x1 = 0.5 * ue + rng.normal(), x2 = rng.normal();
      X[i] = x1;
      X[n + i] = x2;
      A[i] = rng.bernoulli(1 / (1 + Math.exp(-1.5 * x1)));
      const base = 1 + x1 + 0.5 * x2 + ue;
      structural += base;
      Y[i] = base + 2 * A[i] + rng.normal();
    }
  }
  const frame: AnalysisFrame = {
    n, rows: Int32Array.from({ length: n }, (_, i) => i), cluster, A, M: null, Y, secondary: {},
    X: { rows: n, cols: 2, data: X, names: ['x1', 'x2'] },
    extra: { length: n, numeric: {}, categorical: {} },
    definitions: {
      treatment: { name: 'A', measure: 'a', threshold: { value: 0.5 } }, outcome: 'Y', secondary: [], threshold: 0.5,
      treatedShare: A.reduce((s, v) => s + v, 0) / n, covariates: ['x1', 'x2'],
      excluded: { missingTreatment: 0, missingMediator: 0, missingOutcome: 0 }, populationRows: n,
    },
    warnings: [],
  };
  return { frame, truth: { y1: structural / n + 2, y0: structural / n } };
}

const ctx = (reps: number): EstimatorContext => ({ seed: 7, cellId: 'aipw-means', models: {}, bootstrap: reps ? { reps, level: 0.95 } : undefined });

test('aipw_means recovers the known potential-outcome means of a confounded frame', () => {
  const { frame, truth } = confoundedFrame(200, 15, 1);
  const r = runEstimator({ id: 'pm', kind: 'aipw_means' }, frame, ctx(0));
  assert.equal(r.status, 'ok', r.reason);
  for (const arm of ['y1', 'y0'] as const) {
    const v = r.estimates[arm];
    assert.ok(v.se! > 0 && v.se! < 0.2, `${arm} se ${v.se}`);
    assert.ok(Math.abs(v.estimate! - truth[arm]) < 4 * v.se!, `${arm}: ${v.estimate} vs truth ${truth[arm]} (se ${v.se})`);
    assert.equal(v.relative, null, 'a mean, not an effect: no relative value');
  }
  // the naive arm means are biased by the confounding through x1 and would fail the same check
  let s1 = 0, n1 = 0, s0 = 0;
  for (let i = 0; i < frame.n; i++) if (frame.A[i] === 1) { s1 += frame.Y[i]; n1++; } else s0 += frame.Y[i];
  assert.ok(s1 / n1 - truth.y1 > 4 * r.estimates.y1.se!, `naive treated mean ${s1 / n1} vs truth ${truth.y1}`);
  assert.ok(truth.y0 - s0 / (frame.n - n1) > 4 * r.estimates.y0.se!, `naive control mean ${s0 / (frame.n - n1)} vs truth ${truth.y0}`);
});

test('aipw_means agrees with its peer: y1 − y0 is the aipw ATE on the same nuisances; score bootstrap', () => {
  const { frame } = confoundedFrame(60, 10, 2);
  const means = runEstimator({ id: 'pm', kind: 'aipw_means' }, frame, ctx(200));
  const ate = runEstimator({ id: 'a', kind: 'aipw' }, frame, ctx(0));
  assert.ok(Math.abs(means.estimates.y1.estimate! - means.estimates.y0.estimate! - ate.estimates.ate.estimate!) < 1e-10);
  for (const arm of ['y1', 'y0']) {
    const v = means.estimates[arm];
    assert.ok(v.ci && v.ci[0] < v.estimate! && v.estimate! < v.ci[1], `${arm} ${JSON.stringify(v)}`);
    assert.ok(v.bootSd! > 0.5 * v.se! && v.bootSd! < 2 * v.se!, `${arm}: bootstrap sd ${v.bootSd} vs se ${v.se}`);
  }
  assert.deepEqual((means.diagnostics.bootstrap as { assembly: string; nuisance: string }).assembly, 'sufficient_statistics');
  assert.equal((means.diagnostics.bootstrap as { nuisance: string }).nuisance, 'held_fixed');
});

test('aipw_means is described by its own file: label, estimand texts, no secondary outcomes', () => {
  const kind = kindInfo('aipw_means');
  assert.equal(kind.label({ outcome: 'gbm' }, {}), 'AIPW potential-outcome means (gbm)');
  assert.ok(describesEstimand('y1', 'aipw_means') && !describesEstimand('y1', 'aipw'), 'aipw\'s own y1 stays out of the report registry');
  assert.equal(kind.secondaryOutcomes, false);
});
