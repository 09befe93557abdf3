import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runEstimator } from '../../src/estimate/runner.js';
import { simulateFrame } from '../support/simulate-frame.js';
import { subsetFrame } from '../../src/frame/index.js';
import type { AnalysisFrame, EstimatorContext, EstimatorResult, EstimatorSpec } from '../../src/estimate/types.js';

function small(seed = 3, users = 30, days = 12): AnalysisFrame {
  const { frame } = simulateFrame({ users, daysPerUser: days, covariates: 5, seed });
  // log1p the heavy-tailed column so linear models are well specified
  const heavy = frame.X.data.subarray(frame.n, 2 * frame.n);
  for (let i = 0; i < heavy.length; i++) heavy[i] = Math.log1p(heavy[i]);
  return frame;
}

const ctx = (reps: number, cellId = 'cell-a'): EstimatorContext => ({ seed: 11, cellId, models: {}, bootstrap: { reps, level: 0.9 } });

function relClose(a: number | null | undefined, b: number | null | undefined, tol: number, what: string) {
  assert.ok(typeof a === 'number' && typeof b === 'number', `${what}: ${a} / ${b}`);
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

test('fast bootstrap (per-user sufficient statistics) equals refitting each replicate from rows', () => {
  const frame = small();
  const cases: [EstimatorSpec, string[]][] = [
    [{ id: 'dim', kind: 'difference_in_means' }, ['ate']],
    [{ id: 'ra', kind: 'regression_adjustment' }, ['ate']],
    [{ id: 'g', kind: 'gcomp' }, ['ate']],
    [{ id: 'gr', kind: 'gcomp', outcome: { kind: 'ridge', alpha: 5 } }, ['ate']],
    [{ id: 'med', kind: 'mediation' }, ['te', 'nde', 'nie', 'cde_q10', 'cde_q90', 'reverse_indirect', 'mediator_shift']],
    [{ id: 'med0', kind: 'mediation', interaction: false }, ['te', 'nde', 'nie']],
    [{ id: 'sem', kind: 'sem_path', weights: 'none' }, ['alpha', 'beta', 'c_prime', 'indirect', 'total', 'total_regression']],
    [{ id: 'msm', kind: 'msm', weights: 'unweighted' }, ['ate']],
  ];
  for (const [spec, keys] of cases) {
    const fast = runEstimator(spec, frame, ctx(6));
    const refit = runEstimator({ ...spec, bootstrap: 'refit' }, frame, ctx(6));
    assert.equal((fast.diagnostics.bootstrap as { assembly: string }).assembly, 'sufficient_statistics', spec.id);
    assert.equal((refit.diagnostics.bootstrap as { assembly: string }).assembly, 'refit', spec.id);
    for (const k of keys) {
      relClose(fast.estimates[k].bootMean, refit.estimates[k].bootMean, 1e-9, `${spec.id}.${k} bootMean`);
      relClose(fast.estimates[k].bootSd, refit.estimates[k].bootSd, 1e-8, `${spec.id}.${k} bootSd`);
      relClose(fast.estimates[k].ci![0], refit.estimates[k].ci![0], 1e-9, `${spec.id}.${k} ci`);
    }
  }
});

test('bootstrap is deterministic per (seed, cell) and changes with the cell id', () => {
  const frame = small();
  const spec: EstimatorSpec = { id: 'g', kind: 'gcomp' };
  const a = runEstimator(spec, frame, ctx(20));
  const b = runEstimator(spec, small(), ctx(20));
  assert.deepEqual(a.estimates, b.estimates);
  const c = runEstimator(spec, frame, ctx(20, 'cell-b'));
  assert.notEqual(a.estimates.ate.bootMean, c.estimates.ate.bootMean);
  assert.equal(a.estimates.ate.estimate, c.estimates.ate.estimate);
});

test('linear mediation and the ATE estimators recover the simulated truth', () => {
  const { frame, truth } = simulateFrame({ users: 150, daysPerUser: 30, covariates: 6, seed: 5 });
  const heavy = frame.X.data.subarray(frame.n, 2 * frame.n);
  for (let i = 0; i < heavy.length; i++) heavy[i] = Math.log1p(heavy[i]);
  const med = runEstimator({ id: 'm', kind: 'mediation' }, frame, ctx(60));
  for (const k of ['te', 'nde', 'nie'] as const) {
    const e = med.estimates[k];
    assert.ok(Math.abs(e.estimate! - truth[k]) < 4 * e.bootSd!, `${k}: ${e.estimate} vs truth ${truth[k]} (sd ${e.bootSd})`);
  }
  for (const spec of [{ id: 'g', kind: 'gcomp' }, { id: 'a', kind: 'aipw' }, { id: 'ra', kind: 'regression_adjustment' }]) {
    const r = runEstimator(spec, frame, ctx(40));
    const e = r.estimates.ate;
    assert.ok(Math.abs(e.estimate! - truth.ate) < 4 * e.bootSd!, `${spec.id}: ${e.estimate} vs ${truth.ate}`);
  }
  const naive = runEstimator({ id: 'n', kind: 'difference_in_means' }, frame, ctx(0));
  assert.ok(Math.abs(naive.estimates.ate.estimate! - truth.ate) > 0.05, 'confounding should bias the naive difference');
});

test('analytic CR1 SE agrees roughly with the user bootstrap SD', () => {
  const frame = small(9, 80, 15);
  const r = runEstimator({ id: 'g', kind: 'gcomp' }, frame, ctx(200));
  const ratio = r.estimates.ate.se! / r.estimates.ate.bootSd!;
  assert.ok(ratio > 0.7 && ratio < 1.4, `se/bootSd = ${ratio}`);
});

function noNaN(r: EstimatorResult) {
  const text = JSON.stringify(r);
  assert.ok(!/NaN|Infinity/.test(text));
  // JSON.stringify turns NaN into null silently: make sure no estimate field was a NaN number
  const walk = (v: unknown): void => {
    if (typeof v === 'number') assert.ok(Number.isFinite(v), 'non-finite number in result');
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(r);
}

const ALL: EstimatorSpec[] = [
  { id: 'dim', kind: 'difference_in_means' }, { id: 'ra', kind: 'regression_adjustment' }, { id: 'ipw', kind: 'ipw' },
  { id: 'msm', kind: 'msm' }, { id: 'g', kind: 'gcomp' }, { id: 'aipw', kind: 'aipw' }, { id: 'med', kind: 'mediation' },
  { id: 'sem', kind: 'sem_path' },
];

test('one arm empty: every estimator fails with a reason, nothing thrown', () => {
  const frame = small();
  frame.A.fill(0);
  for (const spec of ALL) {
    const r = runEstimator(spec, frame, ctx(3));
    assert.equal(r.status, 'failed', spec.id);
    assert.match(r.reason!, /arm is empty/);
    noNaN(r);
  }
});

test('constant mediator: mediation and sem_path fail with an explanation', () => {
  const frame = small();
  frame.M!.fill(0.5);
  for (const spec of [{ id: 'med', kind: 'mediation' }, { id: 'sem', kind: 'sem_path' }]) {
    const r = runEstimator(spec, frame, ctx(3));
    assert.equal(r.status, 'failed');
    assert.match(r.reason!, /constant/);
  }
});

test('perfect separation: unpenalized propensity fails for propensities at the clip bounds; results stay finite or null', () => {
  const frame = small();
  const x = frame.X.data.subarray(2 * frame.n, 3 * frame.n);
  for (let i = 0; i < frame.n; i++) frame.A[i] = x[i] > 0 ? 1 : 0;
  const ctxU: EstimatorContext = { ...ctx(5), models: { logit: { kind: 'logistic', penalty: 'none', standardize: false } } };
  const r = runEstimator({ id: 'ipw', kind: 'ipw', propensity: 'logit' }, frame, ctxU);
  // every propensity sits at the clip bounds (src/estimate/diagnostics.ts clipPileup): the weights would be the clip's
  assert.equal(r.status, 'failed');
  assert.match(r.reason!, /^100\.0% of rows have a propensity at or beyond \[0\.025, 0\.975\].*determined by the covariates/);
  noNaN(r);
  for (const spec of ALL) noNaN(runEstimator(spec, frame, ctx(3)));
});

test('collinear covariates: estimates come with a warning naming the aliased column', () => {
  const base = small();
  const n = base.n;
  const data = new Float64Array(n * (base.X.cols + 1));
  data.set(base.X.data);
  for (let i = 0; i < n; i++) data[base.X.cols * n + i] = 3 * base.X.data[2 * n + i] - base.X.data[3 * n + i];
  const frame: AnalysisFrame = { ...base, X: { rows: n, cols: base.X.cols + 1, data, names: [...base.X.names, 'combo'] } };
  const r = runEstimator({ id: 'med', kind: 'mediation' }, frame, ctx(3));
  assert.equal(r.status, 'ok');
  assert.ok(r.warnings.some((w) => /collinear design: (combo|x2|x3)/.test(w)), r.warnings.join('\n'));
  const ref = runEstimator({ id: 'med', kind: 'mediation' }, base, ctx(0));
  relClose(r.estimates.te.estimate, ref.estimates.te.estimate, 1e-8, 'te unchanged by an aliased column');
});

test('influence: one heavy user carrying most of an AIPW estimate raises a warning', () => {
  const frame = small(4, 40, 10);
  for (let i = 0; i < frame.n; i++) if (frame.cluster[i] === frame.cluster[0]) frame.Y[i] += frame.A[i] ? 400 : -400;
  const r = runEstimator({ id: 'aipw', kind: 'aipw' }, frame, ctx(0));
  const inf = r.diagnostics.influence as { max_share: number; top: { user: number }[] };
  assert.equal(inf.top[0].user, frame.cluster[0]);
  assert.ok(inf.max_share > 0.2);
  assert.ok(r.warnings.some((w) => w.includes(`user ${frame.cluster[0]} carries`)));
  const calm = runEstimator({ id: 'aipw', kind: 'aipw' }, small(4, 40, 10), ctx(0));
  assert.ok(!calm.warnings.some((w) => w.includes('carries')));
});

test('readiness and naive associations are reported with pass/caution', () => {
  const frame = small();
  const r = runEstimator({ id: 'dim', kind: 'difference_in_means' }, frame, ctx(0));
  const readiness = r.diagnostics.readiness as { check: string; status: string }[];
  assert.ok(readiness.find((c) => c.check.startsWith('at least 50 users'))!.status === 'caution'); // 30 users
  assert.ok(readiness.find((c) => c.check.startsWith('treatment has'))!.status === 'pass');
  const naive = r.diagnostics.naive_associations as { outcome: string; difference: number }[];
  assert.equal(naive.length, 2);
  relClose(naive[0].difference, r.estimates.ate.estimate, 1e-12, 'naive difference = dim');
});

test('a bootstrap subset frame keeps clusters as drawn', () => {
  const frame = small();
  const sub = subsetFrame(frame, Int32Array.from([0, 1, 0]), Int32Array.from([0, 0, 1]));
  assert.equal(sub.n, 3);
  assert.equal(sub.Y[2], frame.Y[0]);
  assert.deepEqual(Array.from(sub.cluster), [0, 0, 1]);
});

test('infinitesimal-jackknife SEs equal the CR1 sandwich (without its N−K factor) on a linear coefficient', () => {
  const frame = small(6, 50, 12);
  const med = runEstimator({ id: 'm', kind: 'mediation', interaction: false }, frame, ctx(0));
  const sem = runEstimator({ id: 's', kind: 'sem_path', weights: 'none' }, frame, ctx(0));
  // without A×M, NDE is the A coefficient of Y ~ A + M + X: sem's c_prime, whose SE is CR1
  relClose(med.estimates.nde.estimate, sem.estimates.c_prime.estimate, 1e-9, 'nde = c_prime');
  const K = frame.X.cols + 3;
  const cr1 = sem.estimates.c_prime.se!;
  const ij = med.estimates.nde.se!;
  relClose(ij, cr1 * Math.sqrt((frame.n - K) / (frame.n - 1)), 1e-5, 'IJ vs CR1');
  assert.equal((med.diagnostics.se_method as Record<string, string>).te, 'infinitesimal_jackknife');
  for (const k of ['te', 'nie', 'cde_q10']) assert.ok(med.estimates[k].se! > 0, k);
  const sem2 = runEstimator({ id: 's', kind: 'sem_path', weights: 'none' }, frame, ctx(200));
  const ratio = sem2.estimates.indirect.se! / sem2.estimates.indirect.bootSd!;
  assert.ok(ratio > 0.7 && ratio < 1.4, `indirect se/bootSd ${ratio}`);
});

test('no covariates at all: every estimator still runs', () => {
  const base = small();
  const frame: AnalysisFrame = { ...base, X: { rows: base.n, cols: 0, data: new Float64Array(0), names: [] } };
  for (const spec of ALL) {
    const r = runEstimator(spec, frame, ctx(3));
    assert.equal(r.status, 'ok', `${spec.id}: ${r.reason}`);
    noNaN(r);
  }
  const dim = runEstimator({ id: 'd', kind: 'difference_in_means' }, frame, ctx(0));
  const g = runEstimator({ id: 'g', kind: 'gcomp' }, frame, ctx(0));
  relClose(g.estimates.ate.estimate, dim.estimates.ate.estimate, 1e-10, 'gcomp without X = difference in means');
});

test('a secondary outcome on the same rows reuses the propensity fit and gives its own estimates', async () => {
  const { frameForOutcome } = await import('../../src/frame/index.js');
  const frame = small(8, 40, 10);
  const primary = runEstimator({ id: 'ipw', kind: 'ipw' }, frame, ctx(0));
  const second = frameForOutcome(frame, 'y_secondary');
  const r = runEstimator({ id: 'ipw', kind: 'ipw' }, second, ctx(0));
  assert.deepEqual(r.diagnostics.overlap, primary.diagnostics.overlap);
  assert.notEqual(r.estimates.ate.estimate, primary.estimates.ate.estimate);
  // y_secondary = 0.5·Y + noise: its effect is about half the primary one
  assert.ok(Math.abs(r.estimates.ate.estimate! / primary.estimates.ate.estimate! - 0.5) < 0.2);
});
