// estimand: att | atc and the balancing weights on a frame whose effect varies with the confounder, so the
// ATT, ATC and ATE differ and each has a known sample truth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ignoredOptions, runEstimator } from '../../src/estimate/runner.js';
import { estimandText, kindInfo } from '../../src/estimate/kinds/index.js';
import { Rng } from '../../src/rng.js';
import { cellPropensityDiagnostics } from '../../src/analysis/propensity.js';
import { normalizeDiagnostics } from '../../src/report/normalize.js';
import { lovePlot } from '../../src/report/figures/charts.js';
import type { AnalysisFrame, EstimatorContext, EstimatorSpec } from '../../src/estimate/types.js';

/**
 * Y = 1 + x1 + 0.5·x2 + u + A·(2 + x1) + ε with P(A = 1) = logistic(x1) (x1 > 0 when separated): the effect
 * 2 + x1 grows with x1, and the treated have larger x1, so ATT > ATE > ATC. Truths are the sample means
 * of 2 + x1 over the treated, all rows and the controls.
 */
function heterogeneousFrame(users: number, days: number, seed: number, separation = 0) {
  const rng = new Rng(seed, 'estimands-test');
  const n = users * days;
  const X = new Float64Array(2 * n), A = new Float64Array(n), Y = new Float64Array(n);
  const cluster = new Int32Array(n);
  const sums = { att: 0, n1: 0, atc: 0, ate: 0 };
  for (let u = 0, i = 0; u < users; u++) {
    const ue = rng.normal();
    for (let d = 0; d < days; d++, i++) {
      cluster[i] = u;
      const x1 = 0.5 * ue + rng.normal(), x2 = rng.normal();
      X[i] = x1;
      X[n + i] = x2;
      A[i] = separation ? Number(x1 > 0) : rng.bernoulli(1 / (1 + Math.exp(-x1)));
      const effect = 2 + x1;
      Y[i] = 1 + x1 + 0.5 * x2 + ue + A[i] * effect + rng.normal();
      sums.ate += effect;
      if (A[i] === 1) { sums.att += effect; sums.n1++; } else sums.atc += effect;
    }
  }
  const frame: AnalysisFrame = {
    n, rows: Int32Array.from({ length: n }, (_, i) => i), cluster, A, M: null, Y, secondary: {},
    X: { rows: n, cols: 2, data: X, names: ['x1', 'x2'] },
    extra: { length: n, numeric: {}, categorical: {} },
    definitions: {
      treatment: { name: 'A', measure: 'a', threshold: { value: 0.5 } }, outcome: 'Y', secondary: [], threshold: 0.5,
      treatedShare: sums.n1 / n, covariates: ['x1', 'x2'],
      excluded: { missingTreatment: 0, missingMediator: 0, missingOutcome: 0 }, populationRows: n,
    },
    warnings: [],
  };
  return { frame, truth: { ate: sums.ate / n, att: sums.att / sums.n1, atc: sums.atc / (n - sums.n1) } };
}

const ctx: EstimatorContext = { seed: 7, cellId: 'estimands', models: {} };
const run = (frame: AnalysisFrame, spec: Omit<EstimatorSpec, 'id'>) => runEstimator({ id: 'e', ...spec } as EstimatorSpec, frame, ctx, 'point');
const { frame, truth } = heterogeneousFrame(300, 12, 3);

test('the simulated ATT, ATE and ATC differ (the test can tell them apart)', () => {
  assert.ok(truth.att - truth.ate > 0.3 && truth.ate - truth.atc > 0.3, JSON.stringify(truth));
});

test('AIPW, IPW, CBPS and entropy balancing recover the ATT and the ATC; each is reported under its key', () => {
  const specs: Omit<EstimatorSpec, 'id'>[] = [
    { kind: 'aipw' },
    { kind: 'ipw', clip: null, cap_quantile: null },
    { kind: 'ipw', propensity: 'cbps', clip: null, cap_quantile: null },
    { kind: 'ipw', propensity: 'entropy_balance' },
    { kind: 'msm', weights: 'ipw', adjust: true, clip: null, cap_quantile: null },
  ];
  for (const spec of specs) {
    for (const estimand of ['att', 'atc'] as const) {
      const r = run(frame, { ...spec, estimand });
      assert.equal(r.status, 'ok', r.reason);
      assert.deepEqual(Object.keys(r.estimates), [estimand], `${JSON.stringify(spec)} reports ${estimand} only`);
      const v = r.estimates[estimand];
      assert.ok(v.se! > 0, `${spec.kind} ${estimand} se ${v.se}`);
      assert.ok(Math.abs(v.estimate! - truth[estimand]) < 4 * v.se!, `${JSON.stringify(spec)} ${estimand}: ${v.estimate} vs truth ${truth[estimand]} (se ${v.se})`);
      // and it is not the ATE's truth
      assert.ok(Math.abs(v.estimate! - truth.ate) > Math.abs(v.estimate! - truth[estimand]), `${spec.kind} ${estimand} is nearer the ATE`);
    }
  }
});

test('linear g-computation (Y ~ A + X, no A×X terms) gives the same effect for every estimand; a per-row learner does not', () => {
  const ate = run(frame, { kind: 'gcomp' }).estimates.ate.estimate!;
  assert.equal(run(frame, { kind: 'gcomp', estimand: 'att' }).estimates.att.estimate, ate);
  const cross = (estimand: string) => runEstimator({ id: 'g', kind: 'gcomp', outcome: 'gbm', estimand } as EstimatorSpec, frame, ctx);
  const att = cross('att'), atc = cross('atc');
  assert.equal(att.status, 'ok', att.reason);
  assert.ok(att.estimates.att.estimate! > atc.estimates.atc.estimate! + 0.3, `gbm g-computation ATT ${att.estimates.att.estimate} vs ATC ${atc.estimates.atc.estimate}`);
});

test('entropy balancing that cannot balance (x1 separates the arms) fails with a clear reason', () => {
  const separated = heterogeneousFrame(60, 10, 4, 1).frame;
  const r = run(separated, { kind: 'ipw', estimand: 'att', propensity: 'entropy_balance' });
  assert.equal(r.status, 'failed');
  assert.match(r.reason!, /entropy balancing of the control rows \(moments up to 1\) did not converge: the largest balance error is .* standard deviations after at most 200 Newton iterations/);
});

test('entropy_balance where a propensity is needed (aipw) fails saying it gives weights, not propensities', () => {
  const r = run(frame, { kind: 'aipw', propensity: 'entropy_balance' });
  assert.equal(r.status, 'failed');
  assert.match(r.reason!, /entropy_balance gives weights, not propensities/);
});

test('the any-learner cross-fitted AIPW refuses att/atc at the option (ate, the default, is fine)', () => {
  const models = { boost: { kind: 'gbm' } };
  assert.deepEqual(ignoredOptions({ id: 'a', kind: 'aipw', outcome: 'boost', estimand: 'att' }, models).map((o) => o.option), ['estimand']);
  assert.deepEqual(ignoredOptions({ id: 'a', kind: 'aipw', outcome: 'boost', estimand: 'ate' }, models), []);
  assert.deepEqual(ignoredOptions({ id: 'a', kind: 'aipw', estimand: 'att' }, {}), []);
});

test('labels and the estimand registry say ATT / ATC', () => {
  assert.equal(kindInfo('ipw').label({ estimand: 'att' }, {}), 'IPW (ATT weights, clipped [0.02, 0.98])');
  assert.equal(kindInfo('ipw').label({ estimand: 'att', propensity: 'entropy_balance' }, {}), 'Entropy balancing ATT');
  assert.equal(kindInfo('aipw').label({ estimand: 'atc' }, {}), 'AIPW, doubly robust (linear, ATC)');
  const names = { A: 'A', M: 'M', Y: 'Y' };
  assert.equal(estimandText('att', names).symbol, 'ATT');
  assert.equal(estimandText('atc', names).definition, 'E[Y(1) − Y(0) | A = 0]');
  const r = run(frame, { kind: 'ipw', estimand: 'att' });
  assert.equal(kindInfo('ipw').labelFromResult({ diagnostics: r.diagnostics, crossfitNote: null, formatNumber: String }).startsWith('IPW (ATT weights'), true);
});

test('balancing weightings beside the first weighting reach the love plot (cell diagnostics → report → figure)', () => {
  const results = [
    run(frame, { kind: 'ipw' }),
    run(frame, { kind: 'ipw', estimand: 'att', propensity: 'entropy_balance' }),
    run(frame, { kind: 'ipw', propensity: 'cbps' }),
  ].map((r, i) => ({ ...r, id: ['ipw', 'ebal', 'cbps'][i] }));
  const cell = cellPropensityDiagnostics(frame, ctx, {}, results);
  assert.equal(cell.overlapFrom, 'ipw');
  const weightings = normalizeDiagnostics(cell, 'cell').balanceWeightings!;
  assert.deepEqual(weightings.map((w) => w.label), ['entropy balancing, ATT (ebal)', 'CBPS, ATE (cbps)']);
  // entropy balancing balances the means exactly; the logistic IPW of the same frame does not
  assert.ok(Math.max(...Object.values(weightings[0].smd).map((v) => Math.abs(v!))) < 1e-6);
  const figure = lovePlot({ rows: normalizeDiagnostics(cell, 'cell').balance!.map((r) => ({ covariate: r.covariate, before: r.smdBefore, after: r.smdAfter })), others: weightings }, { svg: true });
  const shown = /entropy balancing, ATT \(ebal\): largest \|SMD\| (\S+)\./.exec(figure.alt);
  assert.ok(shown && Number(shown[1]) < 1e-6, figure.alt);
  assert.match(figure.alt, /CBPS, ATE \(cbps\): largest \|SMD\|/);
  // without balancing estimators the cell has no balance_weightings (the love plot is as before)
  assert.equal(cellPropensityDiagnostics(frame, ctx, {}, results.slice(0, 1)).balance_weightings, undefined);
});
