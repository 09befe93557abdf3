// The estimands (ATT, ATC) and balancing weights (entropy balancing, CBPS) against an R peer on the golden
// fixture's frame: estimands_expected.json is written by the committed make_estimands.R from
// estimands_frame.csv (export_estimands_frame.mjs); see the R script's header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runEstimator } from '../../src/estimate/runner.js';
import type { EstimatorContext, EstimatorSpec } from '../../src/estimate/types.js';
import { goldenFrame, root } from './fixture.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const expected: any = JSON.parse(readFileSync(new URL('estimands_expected.json', root), 'utf8'));
const frame = goldenFrame();
const ctx: EstimatorContext = { seed: 7, cellId: 'golden-estimands', models: {} };
// R's glm is unpenalized and unclipped: the same propensity here
const glm = { kind: 'logistic', penalty: 'none', standardize: false };
const raw = { propensity: glm, clip: null, cap_quantile: null };

function close(actual: number | null | undefined, wanted: number, tol: number, what: string): void {
  assert.ok(typeof actual === 'number' && Number.isFinite(actual), `${what}: got ${actual}`);
  const err = Math.abs(actual - wanted) / Math.max(1, Math.abs(wanted));
  assert.ok(err <= tol, `${what}: ${actual} vs R ${wanted} (error ${err.toExponential(2)} > ${tol})`);
}

function run(spec: Omit<EstimatorSpec, 'id'>) {
  const r = runEstimator({ id: 'e', ...spec } as EstimatorSpec, frame, ctx, 'point');
  assert.equal(r.status, 'ok', r.reason);
  return r;
}

test('the frame R read is this frame', () => {
  assert.equal(frame.n, expected.n);
  assert.equal(frame.A.reduce((s, a) => s + a, 0), expected.n1);
});

test('IPW ATT and ATC (Hajek, CR1 SE) and Horvitz–Thompson within 1e-6 of R', () => {
  const att = run({ kind: 'ipw', estimand: 'att', ...raw });
  assert.deepEqual(Object.keys(att.estimates), ['att'], 'reported under the estimand key');
  close(att.estimates.att.estimate, expected.ipw_att.estimate, 1e-6, 'ipw att');
  close(att.estimates.att.se, expected.ipw_att.se, 1e-6, 'ipw att se');
  const atc = run({ kind: 'ipw', estimand: 'atc', ...raw });
  close(atc.estimates.atc.estimate, expected.ipw_atc.estimate, 1e-6, 'ipw atc');
  close(atc.estimates.atc.se, expected.ipw_atc.se, 1e-6, 'ipw atc se');
  close(run({ kind: 'ipw', estimand: 'att', normalize: false, ...raw }).estimates.att.estimate, expected.ht_att, 1e-6, 'HT att');
  close(run({ kind: 'ipw', estimand: 'atc', normalize: false, ...raw }).estimates.atc.estimate, expected.ht_atc, 1e-6, 'HT atc');
  // ATT weights are not the ATE's: the estimates differ on this confounded fixture
  assert.ok(Math.abs(expected.ipw_att.estimate - (run({ kind: 'ipw', ...raw }).estimates.ate.estimate as number)) > 0.05);
});

test('MSM ATT (weighted Y ~ A + X) and g-computation ATT within 1e-6 of R', () => {
  const msm = run({ kind: 'msm', estimand: 'att', adjust: true, ...raw });
  close(msm.estimates.att.estimate, expected.msm_att_adjusted.estimate, 1e-6, 'msm att');
  close(msm.estimates.att.se, expected.msm_att_adjusted.se, 1e-6, 'msm att se');
  const g = run({ kind: 'gcomp', estimand: 'att' });
  close(g.estimates.att.estimate, expected.gcomp_att.estimate, 1e-6, 'gcomp att');
  close(g.estimates.att.se, expected.gcomp_att.se, 1e-6, 'gcomp att se');
});

test('AIPW ATT and ATC (Hahn / DML ATTE scores, user-clustered SE) and the per-arm means within 1e-6 of R', () => {
  const att = run({ kind: 'aipw', estimand: 'att', crossfit: false, propensity: glm, clip: null });
  close(att.estimates.att.estimate, expected.aipw_att.estimate, 1e-6, 'aipw att');
  close(att.estimates.att.se, expected.aipw_att.se, 1e-6, 'aipw att se');
  const atc = run({ kind: 'aipw', estimand: 'atc', crossfit: false, propensity: glm, clip: null });
  close(atc.estimates.atc.estimate, expected.aipw_atc.estimate, 1e-6, 'aipw atc');
  close(atc.estimates.atc.se, expected.aipw_atc.se, 1e-6, 'aipw atc se');
  const means = run({ kind: 'aipw_means', estimand: 'att', crossfit: false, propensity: glm, clip: null });
  for (const key of ['y1_treated', 'y0_treated']) {
    close(means.estimates[key].estimate, expected.aipw_means_att[key].estimate, 1e-6, key);
    close(means.estimates[key].se, expected.aipw_means_att[key].se, 1e-6, `${key} se`);
  }
});

test('entropy balancing (moments 1 and 2; ATT, ATC, ATE) within 1e-6 of R, with exact balance in the diagnostics', () => {
  for (const [name, estimand, moments] of [['ebal_att_1', 'att', 1], ['ebal_att_2', 'att', 2], ['ebal_atc_1', 'atc', 1], ['ebal_ate_1', 'ate', 1]] as const) {
    const r = run({ kind: 'ipw', estimand, propensity: { kind: 'entropy_balance', moments } });
    const est = r.estimates[estimand];
    close(est.estimate, expected[name].estimate, 1e-6, `${name} estimate`);
    close(est.se, expected[name].se, 1e-6, `${name} se`);
    const balance = r.diagnostics.balance as { summary: { max_abs_weighted_smd: number } };
    assert.ok(balance.summary.max_abs_weighted_smd < 1e-6, `${name}: weighted SMDs ${balance.summary.max_abs_weighted_smd}`);
    assert.equal((r.diagnostics.weighting as { weighting: string }).weighting, 'entropy_balance');
  }
});

test('CBPS (just identified) within 1e-6 of R; its ATT equals entropy balancing of the means (Zhao & Percival 2017)', () => {
  const att = run({ kind: 'ipw', estimand: 'att', propensity: 'cbps', clip: null, cap_quantile: null });
  close(att.estimates.att.estimate, expected.cbps_att.estimate, 1e-6, 'cbps att');
  close(att.estimates.att.estimate, expected.ebal_att_1.estimate, 1e-6, 'cbps att = ebal att');
  const ate = run({ kind: 'ipw', propensity: 'cbps', clip: null, cap_quantile: null });
  close(ate.estimates.ate.estimate, expected.cbps_ate.estimate, 1e-6, 'cbps ate');
  assert.ok(expected.cbps_ate.max_abs_balance < 1e-8, 'R solved the ATE balance conditions');
});

test('AIPW ATT and ATC with a CBPS propensity solve that estimand\'s balance conditions, within 1e-6 of R', () => {
  for (const estimand of ['att', 'atc'] as const) {
    const r = run({ kind: 'aipw', estimand, crossfit: false, propensity: 'cbps', clip: null });
    const wanted = expected[`aipw_cbps_${estimand}`];
    close(r.estimates[estimand].estimate, wanted.estimate, 1e-6, `aipw cbps ${estimand}`);
    close(r.estimates[estimand].se, wanted.se, 1e-6, `aipw cbps ${estimand} se`);
  }
});

test('linear mediation TE, NDE and NIE over every row, the treated and the controls within 1e-6 of R (lm, predictions averaged over those rows)', () => {
  for (const estimand of ['ate', 'att', 'atc'] as const) {
    const r = run({ kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear', ...(estimand === 'ate' ? {} : { estimand }) });
    for (const key of ['te', 'nde', 'nie']) close(r.estimates[key].estimate, expected.mediation_linear[estimand][key], 1e-6, `mediation ${estimand} ${key}`);
    assert.equal(r.diagnostics.estimand, estimand === 'ate' ? undefined : estimand);
  }
  // the interaction makes the NDE depend on the population's mediator level: ATT and ATE differ here
  assert.ok(Math.abs(expected.mediation_linear.att.nde - expected.mediation_linear.ate.nde) > 0.05);
});
