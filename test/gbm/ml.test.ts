import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gbmLearner } from '../../src/estimate/gbm/index.js';
import {
  aipwCrossfit, categoricalSegments, classificationMetrics, clusteredMean, gcompCrossfit, mediationCrossfit, moderatorImportance,
  numericSegments, regressionMetrics, runHeterogeneity, segmentEffects, summarizeRowEffects, userFolds, type CrossfitData,
} from '../../src/estimate/ml/index.js';
import type { AnalysisFrame, DesignMatrix, EstimatorContext, FittedModel, Learner } from '../../src/estimate/types.js';
import { runEstimator, runEstimatorWithRows } from '../../src/estimate/runner.js';
import { linearLearner, logisticLearner } from '../../src/estimate/learners.js';
import { Rng } from '../../src/rng.js';
import { simulateMediation, type MediationSimulation } from '../support/simulate-mediation.js';


/** Least squares with intercept (normal equations), local to the test. */
const leastSquares: Learner = {
  task: 'regression',
  fit(X: DesignMatrix, y: Float64Array): FittedModel {
    const p = X.cols + 1;
    const col = (j: number, i: number) => (j === 0 ? 1 : X.data[(j - 1) * X.rows + i]);
    const xtx = Array.from({ length: p }, () => new Float64Array(p));
    const xty = new Float64Array(p);
    for (let i = 0; i < X.rows; i++) {
      for (let a = 0; a < p; a++) {
        xty[a] += col(a, i) * y[i];
        for (let b = 0; b < p; b++) xtx[a][b] += col(a, i) * col(b, i);
      }
    }
    // Gaussian elimination with partial pivoting.
    const beta = Float64Array.from(xty);
    for (let k = 0; k < p; k++) {
      let piv = k;
      for (let r = k + 1; r < p; r++) if (Math.abs(xtx[r][k]) > Math.abs(xtx[piv][k])) piv = r;
      [xtx[k], xtx[piv]] = [xtx[piv], xtx[k]];
      [beta[k], beta[piv]] = [beta[piv], beta[k]];
      for (let r = k + 1; r < p; r++) {
        const f = xtx[r][k] / xtx[k][k];
        for (let c = k; c < p; c++) xtx[r][c] -= f * xtx[k][c];
        beta[r] -= f * beta[k];
      }
    }
    for (let k = p - 1; k >= 0; k--) {
      for (let c = k + 1; c < p; c++) beta[k] -= xtx[k][c] * beta[c];
      beta[k] /= xtx[k][k];
    }
    return {
      predict(Z: DesignMatrix) {
        const out = new Float64Array(Z.rows).fill(beta[0]);
        for (let j = 0; j < Z.cols; j++) for (let i = 0; i < Z.rows; i++) out[i] += beta[j + 1] * Z.data[j * Z.rows + i];
        return out;
      },
    };
  },
};

function simulate(seed: string, opts: MediationSimulation = {}): CrossfitData {
  return simulateMediation(seed, opts).data;
}

test('folds keep users whole and balance rows as GroupKFold', () => {
  const data = simulate('folds', { users: 30, days: 5 });
  const folds = userFolds(data.cluster, 3);
  const seen = new Int32Array(data.n);
  for (const f of folds) {
    const testUsers = new Set(Array.from(f.test, (i) => data.cluster[i]));
    for (const i of f.train) assert.ok(!testUsers.has(data.cluster[i]));
    for (const i of f.test) seen[i]++;
    assert.equal(f.train.length + f.test.length, data.n);
    assert.equal(f.test.length, 50);
  }
  assert.ok(seen.every((c) => c === 1));
});

test('out-of-fold metrics follow scikit-learn definitions', () => {
  const m = regressionMetrics(Float64Array.of(1, 2, 3, 4), Float64Array.of(1.5, 2, 2, 5));
  assert.ok(Math.abs(m.rmse! - Math.sqrt((0.25 + 0 + 1 + 1) / 4)) < 1e-12);
  assert.ok(Math.abs(m.mae! - 2.5 / 4) < 1e-12);
  assert.ok(Math.abs(m.r2! - (1 - 2.25 / 5)) < 1e-12);
  // sklearn: roc_auc_score([0,0,1,1],[0.1,0.4,0.35,0.8]) = 0.75; log_loss = 0.47228795380917615
  const c = classificationMetrics(Float64Array.of(0, 0, 1, 1), Float64Array.of(0.1, 0.4, 0.35, 0.8));
  assert.ok(Math.abs(c.auc! - 0.75) < 1e-12);
  assert.ok(Math.abs(c.log_loss! - 0.47228795380917615) < 1e-12);
  // Clustered mean: two users with sums of deviations ±1 → se = √(2·2)/4.
  const cm = clusteredMean(Float64Array.of(0, 1, 2, 3), Int32Array.of(7, 7, 8, 8));
  assert.equal(cm.estimate, 1.5);
  assert.ok(Math.abs(cm.se! - Math.sqrt(2 * (4 + 4)) / 4) < 1e-12);
});

test('debiased ML mediation recovers NDE and NIE where the shrunk plug-in GBM is biased', () => {
  const data = simulate('mediation-truth');
  const shrunk = gbmLearner({ trees: 80, max_depth: 3, learning_rate: 0.05, subsample: 0.85, colsample: 0.85, seed: 1 });
  const propensity = gbmLearner({ trees: 150, max_depth: 3, learning_rate: 0.1, loss: 'logistic', seed: 2 });
  const { result } = mediationCrossfit(data, { mediator: shrunk, outcome: shrunk, propensity, folds: 3 });
  assert.equal(result.status, 'ok');
  const e = result.estimates;
  const truth = { te: 2, nde: 1, nie: 1 };
  for (const k of ['te', 'nde', 'nie'] as const) {
    const debiased = e[`${k}_debiased`];
    assert.ok(debiased.se! > 0 && debiased.se! < 0.2, `${k} se ${debiased.se}`);
    assert.ok(Math.abs(debiased.estimate! - truth[k]) < Math.max(0.12, 2.5 * debiased.se!), `${k}_debiased ${debiased.estimate} ± ${debiased.se}`);
  }
  // The plug-in direct effect is off by well over its error; the debiased one is closer.
  assert.ok(Math.abs(e.nde.estimate! - 1) > 0.2, `plug-in nde ${e.nde.estimate}`);
  assert.ok(Math.abs(e.nde_debiased.estimate! - 1) < Math.abs(e.nde.estimate! - 1));
  assert.ok(Math.abs(e.te_debiased.estimate! - 2) < Math.abs(e.te.estimate! - 2));
  const plugErr = Math.abs(e.nde.estimate! - 1) + Math.abs(e.nie.estimate! - 1);
  const debErr = Math.abs(e.nde_debiased.estimate! - 1) + Math.abs(e.nie_debiased.estimate! - 1);
  assert.ok(debErr < plugErr, `debiased error ${debErr} vs plug-in ${plugErr}`);
  const nuisance = result.diagnostics.nuisance as Record<string, { r2?: number; auc?: number }>;
  assert.ok(nuisance.outcome.r2! > 0.5 && nuisance.propensity_x.auc! > 0.6 && nuisance.propensity_mx.auc! > nuisance.propensity_x.auc!);
});

test('with linear nuisances on linear data, plug-in and debiased mediation agree with the truth', () => {
  const data = simulate('mediation-linear', { users: 100, days: 30, linear: true });
  const propensity = gbmLearner({ trees: 100, max_depth: 2, learning_rate: 0.1, loss: 'logistic', seed: 4 });
  const { result, rows } = mediationCrossfit(data, { mediator: leastSquares, outcome: leastSquares, propensity, folds: 3, bootstrap: { reps: 100, level: 0.95, seed: 1, cellId: 'c' } });
  const e = result.estimates;
  assert.ok(Math.abs(e.nde.estimate! - 1) < 0.15 && Math.abs(e.nie.estimate! - 1) < 0.1, JSON.stringify(e));
  assert.ok(Math.abs(e.nde_debiased.estimate! - 1) < 0.2 && Math.abs(e.nie_debiased.estimate! - 1) < 0.2);
  // Bootstrap percentile CIs bracket the estimates; TE = NDE + NIE row by row.
  for (const k of ['te_debiased', 'nde_debiased', 'nie_debiased']) {
    const ci = e[k].ci!;
    assert.ok(ci[0] < e[k].estimate! && e[k].estimate! < ci[1]);
  }
  for (let i = 0; i < data.n; i += 97) assert.ok(Math.abs(rows.iteTotal[i] - rows.iteDirect[i] - rows.iteIndirect[i]) < 1e-9);
});

test('cross-fitted AIPW with GBM nuisances recovers the ATE; g-computation beside it', () => {
  const data = simulate('aipw', { users: 120, days: 30, tau: 1.5 });
  // Total effect of A on Y: tau + 2·0.5 = 2.5 (M is a post-treatment variable, not adjusted for).
  const outcome = gbmLearner({ trees: 150, max_depth: 3, learning_rate: 0.1, seed: 5 });
  const propensity = gbmLearner({ trees: 150, max_depth: 3, learning_rate: 0.1, loss: 'logistic', seed: 6 });
  const { result, rows } = aipwCrossfit(data, { outcome, propensity, folds: 3, bootstrap: { reps: 200, level: 0.95, seed: 9, cellId: 'cell' } });
  const ate = result.estimates.ate;
  assert.ok(Math.abs(ate.estimate! - 2.5) < Math.max(0.15, 2.5 * ate.se!), `ate ${ate.estimate} ± ${ate.se}`);
  assert.ok(ate.ci![0] < ate.estimate! && ate.estimate! < ate.ci![1]);
  // The bootstrap SD and the influence-function SE describe the same spread.
  assert.ok(Math.abs(ate.bootSd! / ate.se! - 1) < 0.35, `${ate.bootSd} vs ${ate.se}`);
  assert.equal(rows.psi.length, data.n);
  const g = gcompCrossfit(data, { outcome, folds: 3 }).result;
  assert.ok(Math.abs(g.estimates.ate.estimate! - result.estimates.ate_gcomp.estimate!) < 1e-12, 'same outcome folds → same plug-in');
  // Deterministic: a second run is identical.
  const again = aipwCrossfit(data, { outcome, propensity, folds: 3 }).result;
  assert.equal(again.estimates.ate.estimate, ate.estimate);
  assert.equal(again.estimates.ate.se, ate.se);
});

test('segments, segment effects with bootstrap CIs and a size filter, and effect-moderator importance', () => {
  const data = simulate('hetero', { users: 120, days: 30, hetero: true });
  const outcome = gbmLearner({ trees: 120, max_depth: 3, learning_rate: 0.1, seed: 7 });
  const propensity = gbmLearner({ trees: 100, max_depth: 3, learning_rate: 0.1, loss: 'logistic', seed: 8 });
  const { rows } = aipwCrossfit(data, { outcome, propensity, folds: 3 });
  const x1 = data.X.data.subarray(0, data.n);
  const tertiles = numericSegments('x1_tertile', x1, { tertiles: true });
  const counts = [0, 0, 0];
  for (const c of tertiles.code) counts[c]++;
  assert.deepEqual(counts, [data.n / 3, data.n / 3, data.n / 3]);
  assert.match(tertiles.labels[0], /^low \[/);
  const buckets = numericSegments('x1_bucket', x1, { buckets: [0.5] });
  assert.deepEqual(buckets.labels, ['(-inf, 0.5]', '(0.5, inf]']);
  const degree = categoricalSegments('degree', {
    codes: Int32Array.from(data.cluster, (c) => (c % 10 === 0 ? -1 : c % 2)), levels: ['full_active', 'high_active'],
  });
  assert.deepEqual(degree.labels, ['full_active', 'high_active', 'missing']);
  const table = segmentEffects(data, rows, [tertiles, degree], { minRows: 500, minUsers: 20, reps: 100, seed: 3, cellId: 'cell' });
  const byLabel = new Map(table.map((r) => [r.segment, r]));
  // Effect 4·x1 (plus 1 through M): low tertile ≈ 1 + 4/6, high ≈ 1 + 4·5/6.
  const low = byLabel.get(tertiles.labels[0])!;
  const high = byLabel.get(tertiles.labels[2])!;
  assert.ok(high.aipw_ate! - low.aipw_ate! > 1.5, `${low.aipw_ate} → ${high.aipw_ate}`);
  assert.ok(low.passes_size_filter && low.ci_95_lower! < low.aipw_ate! && low.aipw_ate! < low.ci_95_upper!);
  assert.equal(low.bootstrap_reps, 100);
  const missing = byLabel.get('missing')!;
  assert.equal(missing.passes_size_filter, false);
  assert.equal(missing.ci_95_lower, null);
  assert.equal(table.reduce((s, r) => s + (r.segment_type === 'x1_tertile' ? r.rows : 0), 0), data.n);
  // Moderator importance: x1 drives the effect.
  const imp = moderatorImportance(data.X, rows.psi, gbmLearner({ trees: 60, max_depth: 2, learning_rate: 0.1, seed: 9 }));
  assert.equal(imp[0].feature, 'x1');
  assert.ok(Math.abs(imp.reduce((s, r) => s + (r.importance_share ?? 0), 0) - 1) < 1e-9);
  // Row-effect summaries (seed 004) over the same segments.
  const med = mediationCrossfit(data, { mediator: outcome, outcome, folds: 3, debiased: false });
  const summary = summarizeRowEffects(data.cluster, med.rows, [tertiles]);
  assert.equal(summary.length, 3);
  assert.ok(summary[2].total_effect! > summary[0].total_effect!);
});

test('cross-fitted forms through the runner: gbm by name, failures explained instead of thrown', () => {
  const data = simulate('spec', { users: 40, days: 20 });
  const frame = { ...data, rows: new Int32Array(data.n), secondary: {}, extra: { length: data.n, numeric: {}, categorical: {} }, warnings: [] } as unknown as AnalysisFrame;
  const ctx: EstimatorContext = {
    seed: 1, cellId: 'cell-a',
    models: { gbm: { kind: 'gbm', trees: 30, max_depth: 3, learning_rate: 0.1 }, logistic: { kind: 'logistic' } },
  };
  const out = runEstimatorWithRows({ id: 'mediation_gbm', kind: 'mediation', method: 'both', mediator_model: 'gbm', outcome_model: 'gbm', propensity: 'gbm', crossfit: { folds: 3 } }, frame, ctx);
  assert.equal(out.result.status, 'ok', out.result.reason);
  assert.ok(out.result.estimates.nde_debiased.estimate !== null && out.result.estimates.nde.estimate !== null);
  const again = runEstimatorWithRows({ id: 'mediation_gbm', kind: 'mediation', method: 'both', mediator_model: 'gbm', outcome_model: 'gbm', propensity: 'gbm', crossfit: { folds: 3 } }, frame, ctx);
  assert.deepEqual(again.result, out.result);
  const noMediator = runEstimatorWithRows({ id: 'm', kind: 'mediation', crossfit: { folds: 3 } }, { ...frame, M: null }, ctx);
  assert.equal(noMediator.result.status, 'failed');
  assert.match(noMediator.result.reason!, /mediator/);
  const oneArm = runEstimatorWithRows({ id: 'a', kind: 'aipw', outcome: 'gbm', crossfit: { folds: 3 } }, { ...frame, A: new Float64Array(data.n) }, ctx);
  assert.equal(oneArm.result.status, 'failed');
  assert.match(oneArm.result.reason!, /untreated/);
  // Untreated rows from one user only: the fold that holds that user out cannot fit a contrast.
  const oneUserUntreated = Float64Array.from(data.cluster, (c) => (c === data.cluster[0] ? 0 : 1));
  const poorOverlap = runEstimatorWithRows({ id: 'm', kind: 'mediation', propensity: 'gbm', crossfit: { folds: 3 } }, { ...frame, A: oneUserUntreated }, ctx);
  assert.equal(poorOverlap.result.status, 'failed');
  assert.match(poorOverlap.result.reason!, /overlap/);
  const badTask = runEstimatorWithRows({ id: 'a', kind: 'aipw', outcome: 'logistic', crossfit: { folds: 3 } }, frame, ctx);
  assert.equal(badTask.result.status, 'failed');
  assert.match(badTask.result.reason!, /regression/);
});

test('kind mediation_debiased runs through the estimator registry with the cell bootstrap on its scores', () => {
  const data = simulate('registry', { users: 60, days: 20 });
  const frame = { ...data, rows: new Int32Array(data.n), secondary: {}, extra: { length: data.n, numeric: {}, categorical: {} }, warnings: [] } as unknown as AnalysisFrame;
  const ctx: EstimatorContext = {
    seed: 3, cellId: 'cell-b', bootstrap: { reps: 60, level: 0.9 },
    models: { gbm: { kind: 'gbm', trees: 40, max_depth: 3, learning_rate: 0.1 } },
  };
  const spec = { id: 'md', kind: 'mediation_debiased', mediator_model: 'gbm', outcome_model: 'gbm', propensity: 'gbm', crossfit: { folds: 3 }, importance: true };
  const result = runEstimator(spec, frame, ctx);
  assert.equal(result.status, 'ok', result.reason);
  for (const k of ['te_debiased', 'nde_debiased', 'nie_debiased']) {
    const v = result.estimates[k];
    assert.ok(v.ci && v.ci[0] < v.estimate! && v.estimate! < v.ci[1], `${k} ${JSON.stringify(v)}`);
    assert.ok(v.bootSd! > 0 && v.se! > 0);
  }
  // Plug-in estimates are reported beside them; their CIs need `bootstrap: refit`.
  assert.ok(result.estimates.nde.estimate !== null);
  assert.equal(result.estimates.nde.ci, null);
  assert.equal((result.diagnostics.bootstrap as { assembly: string }).assembly, 'sufficient_statistics');
  // Feature-importance audit: the outcome model leans on M and x2 (4·sin(2π·x2)), the mediator model on A and x1.
  const importance = result.diagnostics.feature_importance as { target: string; feature: string; importance_share: number }[];
  const top = (t: string) => importance.filter((r) => r.target === t).slice(0, 3).map((r) => r.feature);
  assert.ok(top('outcome').includes('x2') && top('outcome').includes('M'), JSON.stringify(top('outcome')));
  assert.ok(top('mediator').includes('x1') && top('mediator').includes('A'), JSON.stringify(top('mediator')));
  const oneArm = runEstimator(spec, { ...frame, A: new Float64Array(data.n).fill(1) } as AnalysisFrame, ctx);
  assert.equal(oneArm.status, 'failed');
});

test('heterogeneity section: segments from extra columns and covariates, moderators, explained failures', () => {
  const data = simulate('hetero-spec', { users: 60, days: 20, hetero: true });
  const degree = { codes: Int32Array.from(data.cluster, (c) => c % 3), levels: ['full_active', 'high_active', 'middle_active'] };
  const frame = {
    ...data, rows: new Int32Array(data.n), secondary: {}, warnings: [],
    extra: { length: data.n, numeric: { prior: Float64Array.from(data.X.data.subarray(data.n, 2 * data.n)) }, categorical: { user_active_degree: degree } },
  } as unknown as AnalysisFrame;
  const ctx: EstimatorContext = {
    seed: 5, cellId: 'cell-h', bootstrap: { reps: 30, level: 0.95 },
    models: { gbm: { kind: 'gbm', trees: 40, max_depth: 3, learning_rate: 0.1 } },
  };
  const aipwSpec = { id: 'aipw', kind: 'aipw', outcome: 'gbm', propensity: 'gbm', crossfit: { folds: 3 } };
  const out = runHeterogeneity(frame, { by: { prior: { buckets: [0.5] }, user_active_degree: null, x1: null }, min_rows: 100 }, aipwSpec, ctx);
  assert.equal(out.status, 'ok', out.reason);
  assert.deepEqual([...new Set(out.segments.map((s) => s.segment_type))], ['prior_bucket', 'user_active_degree', 'x1_tertile']);
  assert.equal(out.segments.filter((s) => s.segment_type === 'user_active_degree').length, 3);
  assert.ok(out.segments.every((s) => s.passes_size_filter === (s.ci_95_lower !== null)));
  assert.equal(out.moderators[0].feature, 'x1');
  const missing = runHeterogeneity(frame, { by: { nope: null } }, aipwSpec, ctx);
  assert.equal(missing.status, 'failed');
  assert.match(missing.reason!, /nope/);
});

test('a share mediator (k of n events) with an A×M interaction: debiased agrees with plug-in and truth', () => {
  const rng = new Rng('share-mediator');
  const users = 120;
  const days = 40;
  const n = users * days;
  const X = new Float64Array(n * 3);
  const A = new Float64Array(n);
  const M = new Float64Array(n);
  const Y = new Float64Array(n);
  const cluster = new Int32Array(n);
  let i = 0;
  let m0 = 0;
  for (let u = 0; u < users; u++) {
    const x1 = rng.nextFloat();
    const rate = 2 + 20 * rng.nextFloat();
    for (let d = 0; d < days; d++, i++) {
      const x2 = rng.nextFloat();
      const events = 1 + rng.poisson(rate);
      X[i] = x1;
      X[n + i] = x2;
      X[2 * n + i] = events;
      cluster[i] = u;
      A[i] = rng.bernoulli(1 / (1 + Math.exp(-(2 * (x1 - 0.5) + (x2 - 0.5)))));
      const base = 0.4 + 0.1 * x1;
      let k = 0;
      for (let e = 0; e < events; e++) k += rng.bernoulli(base + 0.08 * A[i]);
      M[i] = k / events;
      m0 += base / n;
      Y[i] = 5 * A[i] + 60 * M[i] + 20 * A[i] * M[i] + 30 * x1 + 10 * x2 + 2 * events + 5 * rng.normal();
    }
  }
  const data: CrossfitData = { n, A, M, Y, cluster, X: { rows: n, cols: 3, data: X, names: ['x1', 'x2', 'events'] } };
  const truth = { nde: 5 + 20 * m0, nie: 80 * 0.08 };
  const { result } = mediationCrossfit(data, { mediator: linearLearner(), outcome: linearLearner(), propensity: logisticLearner(), folds: 3 });
  const e = result.estimates;
  for (const k of ['nde', 'nie'] as const) {
    const d = e[`${k}_debiased`];
    assert.ok(Math.abs(d.estimate! - truth[k]) < 3 * d.se! + 0.1, `${k}_debiased ${d.estimate} ± ${d.se} vs ${truth[k]}`);
    assert.ok(Math.abs(d.estimate! - e[k].estimate!) < 2 * d.se!, `${k}: debiased ${d.estimate} vs plug-in ${e[k].estimate}`);
  }
  const weights = result.diagnostics.mediator_weights as { raw_means: { cross_world: number } };
  assert.ok(Math.abs(weights.raw_means.cross_world - 1) < 0.1);
});
