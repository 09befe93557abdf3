// Golden agreement with pandas / scikit-learn / statsmodels: expected.json is produced by the committed
// test/golden/make_golden.py from the committed fixture.csv (see the script's docstring).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { columnsOf, groupKFold } from '../../src/estimate/learners.js';
import { clusterRobustSE, fitLinear, fitLogistic, predictLogistic } from '../../src/estimate/linear.js';
import { runEstimator } from '../../src/estimate/runner.js';
import type { EstimatorContext, EstimatorSpec } from '../../src/estimate/types.js';
import { goldenFrame, root } from './fixture.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const expected: any = JSON.parse(readFileSync(new URL('expected.json', root), 'utf8'));

function close(actual: number | null | undefined, wanted: number, rel: number, what: string): void {
  assert.ok(typeof actual === 'number' && Number.isFinite(actual), `${what}: got ${actual}`);
  const err = Math.abs(actual - wanted) / Math.max(Math.abs(wanted), 1e-12);
  assert.ok(err <= rel, `${what}: ${actual} vs ${wanted} (relative error ${err.toExponential(2)} > ${rel})`);
}
function closeAll(actual: ArrayLike<number>, wanted: number[], rel: number, what: string, scaleFloor = 0): void {
  assert.equal(actual.length, wanted.length, `${what}: length`);
  const scale = Math.max(scaleFloor, ...wanted.map(Math.abs));
  for (let i = 0; i < wanted.length; i++) {
    const err = Math.abs(actual[i] - wanted[i]) / Math.max(Math.abs(wanted[i]), 1e-3 * scale, 1e-12);
    assert.ok(err <= rel, `${what}[${i}]: ${actual[i]} vs ${wanted[i]} (relative error ${err.toExponential(2)})`);
  }
}

const frame = goldenFrame();

test('frame matches pandas: threshold, exclusions, covariate names in get_dummies order, imputed sums', () => {
  const f = expected.frame;
  assert.equal(frame.n, f.n);
  assert.equal(frame.definitions.populationRows, f.population_rows);
  close(frame.definitions.threshold, f.threshold, 1e-15, 'threshold');
  assert.deepEqual(frame.X.names, f.names);
  const cols = columnsOf(frame.X);
  closeAll(cols.map((c) => c.reduce((s, v) => s + v, 0)), f.col_sums, 1e-12, 'column sums');
  closeAll(cols.map((c) => c.reduce((s, v) => s + v * v, 0)), f.col_sumsq, 1e-12, 'column sums of squares');
  assert.equal(frame.A.reduce((s, v) => s + v, 0), f.A_sum);
  close(frame.Y.reduce((s, v) => s + v, 0), f.Y_sum, 1e-12, 'Y sum');
  assert.equal(frame.cluster[0], f.cluster_first);
  assert.ok(frame.warnings.some((w) => w.includes('constant covariates dropped: const1')));
  const t = goldenFrame(true);
  closeAll(columnsOf(t.X).map((c) => c.reduce((s, v) => s + v, 0)), expected.frame.transformed_col_sums, 1e-12, 'transformed sums');
});

test('OLS and WLS coefficients within 1e-8 relative of statsmodels, CR1 cluster SEs too', () => {
  const cols = [frame.A, ...columnsOf(frame.X)];
  const names = ['A', ...frame.X.names];
  const ols = fitLinear(cols, names, frame.Y);
  closeAll(ols.coef, expected.ols.coef, 1e-8, 'ols coef');
  const se = clusterRobustSE(ols, cols, frame.Y, frame.cluster)!;
  closeAll(se, expected.ols.se.slice(1), 1e-8, 'ols CR1 se');
  const w = frame.extra.numeric.weight;
  const wls = fitLinear(cols, names, frame.Y, { weights: w });
  closeAll(wls.coef, expected.wls.coef, 1e-8, 'wls coef');
  closeAll(clusterRobustSE(wls, cols, frame.Y, frame.cluster, w)!, expected.wls.se.slice(1), 1e-8, 'wls CR1 se');
  const ridge = fitLinear(cols, names, frame.Y, { ridge: 3 });
  closeAll(ridge.coef, expected.ridge.coef, 1e-8, 'ridge coef');
});

test('collinear design: minimum-norm slopes as scikit-learn, with a warning naming the aliased column', () => {
  const x1 = columnsOf(frame.X)[0];
  const cols = [frame.A, ...columnsOf(frame.X), x1.map((v) => 2 * v)];
  const fit = fitLinear(cols, ['A', ...frame.X.names, 'x1_twice'], frame.Y);
  assert.equal(fit.rank, cols.length - 1);
  assert.ok(fit.warnings[0].includes('collinear'), fit.warnings.join());
  assert.ok(fit.aliased.length === 1 && ['x1', 'x1_twice'].includes(fit.aliased[0]));
  closeAll(fit.coef, expected.collinear.coef, 1e-7, 'min-norm coef');
});

test('logistic regression within 1e-6 of scikit-learn (C=1, StandardScaler) and statsmodels (unpenalized)', () => {
  const cols = columnsOf(frame.X);
  const pen = fitLogistic(cols, frame.X.names, frame.A, { C: 1, standardize: true });
  closeAll(pen.coef, expected.logistic_penalized.coef, 1e-6, 'penalized coef');
  closeAll(predictLogistic(pen, cols), expected.logistic_penalized.proba, 1e-6, 'penalized proba');
  const un = fitLogistic(cols, frame.X.names, frame.A, { C: null, standardize: false });
  closeAll(un.coef, expected.logistic_unpenalized.coef, 1e-6, 'unpenalized coef');
  closeAll(predictLogistic(un, cols), expected.logistic_unpenalized.proba, 1e-6, 'unpenalized proba');
  const w = fitLogistic(cols, frame.X.names, frame.A, { C: 0.5, standardize: true, weights: frame.extra.numeric.weight });
  closeAll(w.coef, expected.logistic_weighted.coef, 1e-6, 'weighted penalized coef');
});

test('GroupKFold folds identical to scikit-learn', () => {
  assert.deepEqual(Array.from(groupKFold(frame.cluster, 3)), expected.folds);
  const ties = expected.groupkfold_ties;
  assert.deepEqual(Array.from(groupKFold(Int32Array.from(ties.groups), 5)), ties.folds);
});

const ctx: EstimatorContext = { seed: 7, cellId: 'golden', models: {} };
const specs: Record<string, Omit<EstimatorSpec, 'id'>> = {
  difference_in_means: { kind: 'difference_in_means' },
  regression_adjustment: { kind: 'regression_adjustment' },
  ipw: { kind: 'ipw' },
  msm_ipw: { kind: 'msm', weights: 'ipw' },
  msm_unweighted: { kind: 'msm', weights: 'unweighted' },
  msm_unclipped: { kind: 'msm', weights: 'unclipped' },
  msm_clip5: { kind: 'msm', weights: { clip: 5 } },
  gcomp: { kind: 'gcomp' },
  gcomp_ridge: { kind: 'gcomp', outcome: { kind: 'ridge', alpha: 2 } },
  gcomp_crossfit: { kind: 'gcomp', crossfit: { folds: 3, group: 'user_id' } },
  aipw: { kind: 'aipw', crossfit: { folds: 3, group: 'user_id' } },
  aipw_per_arm: { kind: 'aipw', crossfit: { folds: 3, group: 'user_id' }, outcome_models: 'per_arm' },
  mediation: { kind: 'mediation', interaction: true, cde_at: { quantiles: [0.1, 0.9] } },
  mediation_no_interaction: { kind: 'mediation', interaction: false },
  mediation_ipw: { kind: 'mediation', weights: 'ipw' },
  mediation_crossfit: { kind: 'mediation', weights: 'ipw', clip_mediator: [0, 1], crossfit: { folds: 3 } },
  sem_path_ipw: { kind: 'sem_path' },
  sem_path_none: { kind: 'sem_path', weights: 'none' },
};

for (const [id, spec] of Object.entries(specs)) {
  test(`estimator ${id}: point estimates within 1e-6 of the Python computation`, () => {
    const r = runEstimator({ id, ...spec } as EstimatorSpec, frame, ctx, 'point'); // the linear forms these numbers check
    assert.equal(r.status, 'ok', r.reason);
    for (const [key, value] of Object.entries(expected.estimators[id] as Record<string, number>))
      close(r.estimates[key]?.estimate, value, 1e-6, `${id}.${key}`);
  });
}

// The cross-fitted form a spec's crossfit: (or gbm) entry runs (src/estimate/ml/mediation.ts), with the ipw
// weights as every fold's sample weights: the same scikit-learn computation as mediation_crossfit above
// (LinearRegression(sample_weight=w_ipw[train]) per GroupKFold fold, mediator predictions clipped to [0, 1]).
test('the cross-fitted mediation with weights: ipw matches scikit-learn with sample_weight', () => {
  const spec: EstimatorSpec = {
    id: 'mediation_crossfit_form', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear', weights: 'ipw',
    mediator_clip: [0, 1], crossfit: { folds: 3 }, cde_at: { quantiles: [0.1, 0.9] },
  };
  const r = runEstimator(spec, frame, ctx);
  assert.equal(r.status, 'ok', r.reason);
  assert.equal(r.diagnostics.weights, 'ipw');
  for (const [key, value] of Object.entries(expected.estimators.mediation_crossfit as Record<string, number>))
    close(r.estimates[key]?.estimate, value, 1e-6, `mediation_crossfit_form.${key}`);
  // and the weights are what moved it: the unweighted fit is elsewhere
  const unweighted = runEstimator({ ...spec, weights: 'none' }, frame, ctx);
  assert.ok(Math.abs(unweighted.estimates.nie!.estimate! - expected.estimators.mediation_crossfit.nie) > 1e-4);
});

test('diagnostics match seed 002: overlap, ESS, weights, SMD before/after, residual correlations', () => {
  const r = runEstimator({ id: 'ipw', kind: 'ipw' }, frame, ctx);
  const d = r.diagnostics as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const [k, v] of Object.entries(expected.overlap as Record<string, number>)) close(d.overlap[k] as number, v, 1e-6, `overlap.${k}`);
  close(d.weights.effective_sample_size, expected.weights.ess, 1e-6, 'ess');
  close(d.weights.mean, expected.weights.mean, 1e-6, 'weight mean');
  close(d.weights.max, expected.weights.max, 1e-6, 'weight max');
  close(d.weights.std, expected.weights.std, 1e-6, 'weight std');
  for (const row of d.balance.rows) {
    const want = expected.balance[row.covariate];
    close(row.unweighted_smd, want.unweighted, 1e-9, `smd ${row.covariate}`);
    close(row.weighted_smd, want.weighted, 1e-6, `weighted smd ${row.covariate}`);
  }
  assert.equal(d.balance.rows.length, Object.keys(expected.balance).length);
  assert.equal(d.readiness.length, 5);
  const m = runEstimator({ id: 'm', kind: 'mediation' }, frame, ctx).diagnostics as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const [raw, resid] = m.residual_mediator_outcome;
  close(raw.pearson_corr, expected.residual_correlation.raw_pearson, 1e-10, 'raw pearson');
  close(raw.spearman_corr, expected.residual_correlation.raw_spearman, 1e-10, 'raw spearman');
  close(resid.pearson_corr, expected.residual_correlation.resid_pearson, 1e-8, 'residual pearson');
  close(resid.spearman_corr, expected.residual_correlation.resid_spearman, 1e-8, 'residual spearman');
});
