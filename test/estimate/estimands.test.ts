// estimand: att | atc and the balancing weights on a frame whose effect varies with the confounder, so the
// ATT, ATC and ATE differ and each has a known sample truth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ignoredOptions, runEstimator } from '../../src/estimate/runner.js';
import { estimandText, kindInfo } from '../../src/estimate/kinds/index.js';
import { cellPropensityDiagnostics } from '../../src/analysis/propensity.js';
import { normalizeDiagnostics } from '../../src/report/normalize.js';
import { lovePlot } from '../../src/report/figures/charts.js';
import type { AnalysisFrame, EstimatorContext, EstimatorSpec } from '../../src/estimate/types.js';
import { heterogeneousFrame, mediatedFrame } from '../support/estimand-frames.js';

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

test('the any-learner cross-fitted AIPW (gbm outcome) estimates the ATT and the ATC with the DML scores, user-clustered SE and score bootstrap', () => {
  const models = { boost: { kind: 'gbm', trees: 60, max_depth: 2, learning_rate: 0.1 } };
  assert.deepEqual(ignoredOptions({ id: 'a', kind: 'aipw', outcome: 'boost', estimand: 'att' }, models), []);
  const withBoot: EstimatorContext = { ...ctx, models, bootstrap: { reps: 60, level: 0.95 } };
  for (const estimand of ['att', 'atc'] as const) {
    const r = runEstimator({ id: 'a', kind: 'aipw', outcome: 'boost', estimand } as EstimatorSpec, frame, withBoot);
    assert.equal(r.status, 'ok', r.reason);
    assert.deepEqual(Object.keys(r.estimates), [estimand]);
    assert.equal(r.diagnostics.estimand, estimand);
    const v = r.estimates[estimand];
    assert.ok(v.se! > 0 && Math.abs(v.estimate! - truth[estimand]) < 4 * v.se!, `${estimand}: ${v.estimate} vs truth ${truth[estimand]} (se ${v.se})`);
    assert.ok(Math.abs(v.estimate! - truth.ate) > Math.abs(v.estimate! - truth[estimand]), `${estimand} is nearer the ATE`);
    assert.ok(v.ci && v.ci[0] < v.estimate! && v.estimate! < v.ci[1], `score-bootstrap interval ${JSON.stringify(v.ci)}`);
  }
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

test('mediation on the treated and the controls: the linear plug-in and the debiased estimator recover the NDE, NIE and TE of each population', () => {
  const { frame: mframe, truth: mt } = mediatedFrame(200, 8, 5);
  assert.ok(mt.nde.att - mt.nde.ate > 0.3 && mt.nde.ate - mt.nde.atc > 0.3, JSON.stringify(mt));
  for (const estimand of ['att', 'atc'] as const) {
    const plugin = run(mframe, { kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear', estimand });
    assert.equal(plugin.status, 'ok', plugin.reason);
    assert.equal(plugin.diagnostics.estimand, estimand);
    assert.ok(Math.abs(plugin.estimates.nde.estimate! - mt.nde[estimand]) < 0.1, `plug-in ${estimand} nde ${plugin.estimates.nde.estimate} vs ${mt.nde[estimand]}`);
    assert.ok(Math.abs(plugin.estimates.nie.estimate! - mt.nie) < 0.1, `plug-in ${estimand} nie ${plugin.estimates.nie.estimate}`);
    const debiased = runEstimator({ id: 'm', kind: 'mediation', method: 'debiased', mediator_model: 'linear', outcome_model: 'linear', propensity: 'logistic', estimand } as EstimatorSpec, mframe, ctx);
    assert.equal(debiased.status, 'ok', debiased.reason);
    for (const key of ['te', 'nde', 'nie'] as const) {
      const v = debiased.estimates[`${key}_debiased`];
      const want = key === 'nie' ? mt.nie : mt[key][estimand];
      assert.ok(v.se! > 0 && Math.abs(v.estimate! - want) < 4 * v.se!, `debiased ${estimand} ${key}: ${v.estimate} vs truth ${want} (se ${v.se})`);
      // nearer its own population's truth than the ATE's (the NIE is the same in every population)
      if (key !== 'nie') assert.ok(Math.abs(v.estimate! - want) < Math.abs(v.estimate! - mt[key].ate), `debiased ${estimand} ${key} is nearer the ATE`);
    }
    // on the treated, E[Y(1, M(1)) | A = 1] is the treated rows' mean outcome
    if (estimand === 'att') {
      let s = 0, k = 0;
      for (let i = 0; i < mframe.n; i++) if (mframe.A[i] === 1) { s += mframe.Y[i]; k++; }
      assert.ok(Math.abs(debiased.estimates.y11_debiased.estimate! - s / k) < 1e-9);
    }
  }
});

test('the cross-fitted (gbm) mediation averages its plug-in over the estimand\'s rows', () => {
  const { frame: mframe, truth: mt } = mediatedFrame(120, 8, 6);
  const cross = (estimand: string) => runEstimator({ id: 'm', kind: 'mediation', mediator_model: 'gbm', outcome_model: 'gbm', estimand } as EstimatorSpec, mframe, ctx);
  const att = cross('att'), atc = cross('atc');
  assert.equal(att.status, 'ok', att.reason);
  assert.equal(att.diagnostics.estimand, 'att');
  assert.ok(att.estimates.nde.estimate! > atc.estimates.nde.estimate! + 0.3, `gbm NDE on the treated ${att.estimates.nde.estimate} vs controls ${atc.estimates.nde.estimate} (truths ${mt.nde.att}, ${mt.nde.atc})`);
  // the same per-row predictions averaged over each population: the ATE is the share-weighted mix of the two
  const ate = cross('ate');
  const share = mframe.A.reduce((t, v) => t + v, 0) / mframe.n;
  for (const key of ['te', 'nde', 'nie']) {
    const mix = share * att.estimates[key].estimate! + (1 - share) * atc.estimates[key].estimate!;
    assert.ok(Math.abs(mix - ate.estimates[key].estimate!) < 1e-9, `${key}: ${mix} vs ${ate.estimates[key].estimate}`);
  }
});
