// The Methods text (src/report/methods.ts): every estimator kind has its sentence, and the interval each
// estimate carries is described from what results.json records about it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allKinds } from '../../src/estimate/kinds/index.js';
import { intervalMethod, METHOD_TEXT } from '../../src/report/methods.js';
import type { EstimatorEntry } from '../../src/results/index.js';

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
