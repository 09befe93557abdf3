// The Methods text (src/report/methods.ts): every estimator kind has its sentence, and the interval each
// estimate carries is described from what results.json records about it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allKinds } from '../../src/estimate/kinds/index.js';
import { intervalMethod, METHOD_TEXT } from '../../src/report/methods.js';
import type { DrLearnerResult, EstimatorEntry } from '../../src/results/index.js';
import { analysisMethodRows, ovbDmlMethod } from '../../src/report/methods-analyses.js';
import { exampleResults } from './fixture.js';

const u = { seed: 7, cluster: 'user', bootstrap: { reps: 200, level: 0.95 } };

function entry(kind: string, diagnostics: Record<string, unknown>, ate: Record<string, unknown>): EstimatorEntry {
  return { id: kind, kind, status: 'ok', estimates: { ate: { estimate: 1, ...ate } }, diagnostics, warnings: [] } as EstimatorEntry;
}

test('every estimator kind has a Methods sentence, and it reads the entry (folds, repeats)', () => {
  for (const k of allKinds()) assert.ok(METHOD_TEXT[k.kind], `no Methods text for kind ${k.kind}`);
  const folds = [{ fold: 1 }, { fold: 2 }, { fold: 3 }, { fold: 4 }];
  const text = METHOD_TEXT.aipw!(entry('aipw', { folds, propensity: { clip: 0.01 } }, {}));
  assert.match(text, /4 folds/);
  assert.match(text, /\[0\.01, 0\.99\]/);
  const med = METHOD_TEXT.mediation!({ ...entry('mediation', { folds, crossfit_repeats: { repeats: 5 } }, {}), estimates: { te: { estimate: 1 }, te_debiased: { estimate: 1 } } } as EstimatorEntry);
  assert.match(med, /repeated 5 times/);
  assert.match(med, /debiased/);
  // weights: ipw says the weights were estimated once on all rows, not within each fold
  assert.doesNotMatch(med, /sample weights/);
  const weighted = METHOD_TEXT.mediation!(entry('mediation', { folds, weights: 'ipw' }, {}));
  assert.match(weighted, /inverse propensity weights as sample weights/);
  assert.match(weighted, /fitted once on all rows.*each fold's models take the weights of their training rows from that one fit/);
  assert.match(METHOD_TEXT.mediation!(entry('mediation', { weights: 'ipw', crossfit_folds: null }, {})), /fitted once on all rows[^;]*\.$/);
});

test('intervalMethod follows the interval an estimate carries', () => {
  const folds = [{ fold: 1 }, { fold: 2 }];
  // the influence-function normal interval: ci equals ci_normal
  const ifEntry = entry('aipw', { folds, ci_normal: { ate: [0.5, 1.5] } }, { ci: [0.5, 1.5], se: 0.25 });
  assert.match(intervalMethod(ifEntry, 'ate', u).interval, /influence function/);
  // the score bootstrap: a percentile interval of a cross-fitted form, nuisances held fixed
  const score = intervalMethod(entry('aipw', { folds, ci_normal: { ate: [0.5, 1.5] } }, { ci: [0.6, 1.4], bootMean: 1 }), 'ate', u);
  assert.match(score.interval, /200 user-cluster score-bootstrap replicates/);
  assert.match(score.replicates, /held fixed/);
  assert.match(score.consequence, /covered less often/);
  // the runner's bootstrap with the propensity weights held fixed: conservative
  const ipw = intervalMethod(entry('ipw', { bootstrap: { reps: 40, level: 0.9, method: 'percentile', assembly: 'sufficient_statistics', nuisance: 'held_fixed', failed: 2 } }, { ci: [0, 2], bootMean: 1 }), 'ate', u);
  assert.match(ipw.interval, /^90% percentile interval of 40 user-cluster bootstrap replicates \(2 replicates failed/);
  assert.match(ipw.consequence, /conservative/);
  // refit per replicate
  const refit = intervalMethod(entry('gcomp', { bootstrap: { reps: 40, level: 0.95, assembly: 'refit', nuisance: 'refit_per_replicate' } }, { ci: [0, 2], bootMean: 1 }), 'ate', u);
  assert.match(refit.replicates, /refits the estimator/);
  // no interval
  assert.match(intervalMethod(entry('gcomp', { folds }, { ci: null }), 'ate', u).interval, /^none/);
  // a method recorded by the estimator is quoted
  const rec = intervalMethod(entry('aipw', { folds, interval: { method: 'influence-function cluster interval' } }, { ci: [0.5, 1.5], se: 0.25 }), 'ate', u);
  assert.match(rec.interval, /recorded method: influence-function cluster interval/);
});

test('Methods name the estimand and its weights: ATT/ATC propensity weights, entropy balancing, CBPS, scores', () => {
  const att = (kind: string, diagnostics: Record<string, unknown>) => ({ ...entry(kind, { estimand: 'att', ...diagnostics }, {}), estimates: { att: { estimate: 1 } } } as EstimatorEntry);
  const ipw = METHOD_TEXT.ipw!(att('ipw', {}));
  assert.match(ipw, /the ATT, averaged over the treated user-days \(A = 1\) only/);
  assert.match(ipw, /treated rows 1, control rows ê\/\(1 − ê\)/);
  const atc = METHOD_TEXT.msm!({ ...entry('msm', { estimand: 'atc' }, {}), estimates: { atc: { estimate: 1 } } } as EstimatorEntry);
  assert.match(atc, /Estimand: the ATC, averaged over the control user-days \(A = 0\) only/);
  assert.match(atc, /treated rows \(1 − ê\)\/ê, control rows 1/);
  const eb = METHOD_TEXT.ipw!(att('ipw', { weighting: { weighting: 'entropy_balance', estimand: 'att', moments: 2, newton_iterations: 18, max_abs_standardized_imbalance: 5.2e-9 } }));
  assert.match(eb, /Entropy-balancing weights .*the control rows are reweighted so that their covariate means and second moments equal the treated rows'/);
  assert.match(eb, /constraints were met after 18 Newton iterations; largest remaining balance residual 5\.2e-9/);
  const cbps = METHOD_TEXT.ipw!(att('ipw', { weighting: { weighting: 'cbps', estimand: 'att' } }));
  assert.match(cbps, /CBPS, Imai & Ratkovic 2014\), just-identified: .*ATT balance conditions Σ \(A − e\)\/\(1 − e\) x̃ = 0/);
  const cbpsAte = METHOD_TEXT.ipw!(entry('ipw', { weighting: { weighting: 'cbps', estimand: 'ate' } }, {}));
  assert.match(cbpsAte, /ATE balance conditions Σ \(A\/e − \(1 − A\)\/\(1 − e\)\) x̃ = 0 .*weights treated rows 1\/ê, control rows 1\/\(1 − ê\), clipped, stabilized and capped/);
  assert.match(METHOD_TEXT.aipw!(att('aipw', {})), /effect on the treated \(ATT.*\/ Σ A/);
  assert.match(METHOD_TEXT.gcomp!({ ...entry('gcomp', { estimand: 'atc' }, {}), estimates: { atc: { estimate: 1 } } } as EstimatorEntry), /mean over the control user-days \(A = 0\) only \(the ATC\)/);
  // a kind whose estimand support is recorded only in its diagnostics (mediation) still names it
  assert.match(METHOD_TEXT.mediation!({ ...entry('mediation', { estimand: 'att' }, {}), estimates: { te: { estimate: 1 } } } as EstimatorEntry), /Estimand: the ATT/);
  // the ATE sentences are unchanged
  assert.doesNotMatch(METHOD_TEXT.ipw!(entry('ipw', {}, {})) + METHOD_TEXT.aipw!(entry('aipw', {}, {})), /Estimand|ATT/);
});

test('the analyses table says what each sensitivity and heterogeneity analysis computed, from its record', () => {
  const cell = exampleResults().cells[0]!;
  const rows = analysisMethodRows(cell.sensitivity, (cell.diagnostics as { drLearner?: DrLearnerResult }).drLearner, (id) => `label of ${id}`);
  assert.deepEqual(rows.map((r) => r.analysis), ['Omitted-variable bias (sensemakr)', 'Omitted-variable-bias bounds (debiased ML)', 'Mediation sensitivity to ρ (medsens)', 'DR-learner (effect heterogeneity)']);
  assert.match(rows[0]!.how, /residual degrees of freedom 8,190/);
  assert.match(rows[0]!.how, /k times as strong as prior_3day_interactions .*k = 1 and 3/);
  assert.match(rows[0]!.how, /from 0 to 0\.40/);
  assert.match(rows[1]!.how, /σ² = .* = 9,000 and ν² = .* = 4\.50/);
  assert.match(rows[1]!.how, /\(Cf_Y, Cf_D, ρ\) = \(1\.0%, 1\.0%, 1\.00\)/);
  assert.doesNotMatch(rows[1]!.how, /not positive/);
  const flat = ovbDmlMethod({ ...cell.sensitivity!.omittedVariableBiasDml![0]!, nu2: -38.87 });
  assert.match(flat, /ν² is not positive \(-38\.87\).*collapses to the estimate/);
  assert.match(rows[2]!.how, /with the A·M interaction.*ρ from -0\.50 to 0\.50 in steps of 0\.50 \(3 values\).*variance clustered by user/);
  assert.match(rows[3]!.how, /on the other 4 of 5 user folds/);
  assert.match(rows[3]!.how, /a constant and prior_3day_interactions, centred/);
  assert.deepEqual(analysisMethodRows(undefined, undefined, (id) => id), []);
});

test('the segment row says the segments average the same pseudo-outcomes, with no refit', () => {
  const rows = analysisMethodRows(undefined, undefined, (id) => `label of ${id}`, { record: { pseudo_outcomes_estimator: 'aipw', overall: { estimate: 10.98 } }, reps: 40 });
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.appliedTo, 'label of aipw');
  assert.match(rows[0]!.how, /no model is refitted per segment, so the segments of a partition average, weighted by rows, to the overall 10\.98\. Intervals: percentiles .* 40 user-cluster bootstrap replicates/);
  assert.deepEqual(analysisMethodRows(undefined, undefined, (id) => id, { record: {}, reps: 40 }), [], 'no segment analysis, no row');
});
