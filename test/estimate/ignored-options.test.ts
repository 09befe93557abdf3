// An option the form an estimator runs in does not honour is refused at its line:col, never silently
// ignored: the debiased mediation fits unweighted, while the linear and the cross-fitted plug-in honour
// weights; both plug-in forms report controlled direct effects at cde_at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../scratch.js';
import { causewayHere, root } from '../support/cli.js';

const demo = join(root, 'specs', 'demo', 'discovery-mediation.yaml');
/** `causeway validate` of `spec` with -S overrides: main() in this process (test/support/cli.ts). */
const validateWith = (spec: string) => async (...set: string[]) => {
  const r = await causewayHere(['validate', spec, ...set.flatMap((s) => ['-S', s])]);
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
};
const validate = validateWith(demo);

test("cde_at on a cross-fitted mediation is honoured (the plug-in reports CDEs from its out-of-fold outcome model)", async () => {
  const r = await validate('estimators.mediation_linear.crossfit={ folds: 3 }');
  assert.equal(r.status, 0, r.stderr);
});

test('weights: ipw is honoured by the cross-fitted and the linear mediation; with the debiased method it is an error', async () => {
  // a variant whose mediation has no cde_at, so only weights is in question
  const dir = scratchDir('ignored-options');
  const variant = join(dir, 'variant.yaml');
  writeFileSync(variant, `extends: ${demo}\nheterogeneity: null\nestimators:\n  - { id: med, kind: mediation, mediator_model: linear, outcome_model: linear }\n`);
  const run = validateWith(variant);
  const crossfitted = await run('estimators.med.crossfit={ folds: 3 }', 'estimators.med.weights=ipw');
  assert.equal(crossfitted.status, 0, crossfitted.stderr);
  assert.equal((await run('estimators.med.mediator_model=lightgbm', 'estimators.med.weights=ipw')).status, 0, 'a gbm model makes it cross-fitted, weighted too');
  assert.equal((await run('estimators.med.weights=ipw')).status, 0, 'the linear form honours weights');
  const debiased = await run('estimators.med.method=both', 'estimators.med.propensity=logistic', 'estimators.med.weights=ipw');
  assert.equal(debiased.status, 1);
  assert.match(debiased.stderr, /\/estimators\/0\/weights +weights has no effect here: the debiased method fits its nuisance models unweighted/m);
});

test('mediator_clip on the plug-in without cross-fitting and bootstrap: refit on the cross-fitted plug-in are errors at their line:col', async () => {
  const dir = scratchDir('ignored-options');
  const variant = join(dir, 'variant.yaml');
  writeFileSync(variant, `extends: ${demo}\nheterogeneity: null\nestimators:\n  - { id: med, kind: mediation, mediator_model: linear, outcome_model: linear }\n`);
  const run = validateWith(variant);
  const linear = await run('estimators.med.mediator_clip=[0, 1]');
  assert.equal(linear.status, 1);
  assert.match(linear.stderr, /^-S:1:\d+ +\/estimators\/0\/mediator_clip +mediator_clip has no effect here: .*clip_mediator/m);
  // naming a gbm model of the models table makes the entry cross-fitted, where mediator_clip is read
  assert.equal((await run('estimators.med.mediator_clip=[0, 1]', 'estimators.med.mediator_model=lightgbm')).status, 0);
  assert.equal((await run('estimators.med.mediator_clip=[0, 1]', 'estimators.med.crossfit={ folds: 3 }')).status, 0);
  const refit = await run('estimators.med.crossfit={ folds: 3 }', 'estimators.med.bootstrap=refit');
  assert.equal(refit.status, 1);
  assert.match(refit.stderr, /^-S:1:\d+ +\/estimators\/0\/bootstrap +bootstrap has no effect here: the cross-fitted mediation never refits/m);
  assert.equal((await run('estimators.med.bootstrap=refit')).status, 0, 'the linear plug-in refits every replicate');
});

test('crossfit.repeats on the cross-fitted plug-in mediation, estimand on an unweighted msm and an msm option its named ipw entry replaces are errors', async () => {
  const dir = scratchDir('ignored-options');
  const variant = join(dir, 'variant.yaml');
  writeFileSync(variant, `extends: ${demo}\nheterogeneity: null\nestimators:\n  - { id: med, kind: mediation, mediator_model: linear, outcome_model: linear }\n  - { id: w, kind: ipw, clip: [0.02, 0.98] }\n  - { id: m, kind: msm, weights: unweighted }\n`);
  const run = validateWith(variant);
  const repeats = await run('estimators.med.crossfit={ folds: 3, repeats: 3 }');
  assert.equal(repeats.status, 1);
  assert.match(repeats.stderr, /\/estimators\/0\/crossfit +crossfit.repeats has no effect here/m);
  assert.equal((await run('estimators.med.crossfit={ folds: 3, repeats: 3 }', 'estimators.med.method=both')).status, 0, 'the debiased method combines the repeats');
  const unweighted = await run('estimators.m.estimand=att');
  assert.equal(unweighted.status, 1);
  assert.match(unweighted.stderr, /\/estimators\/2\/estimand +estimand has no effect here/m);
  assert.equal((await run('estimators.m.estimand=att', 'estimators.m.weights=ipw')).status, 0);
  const replaced = await run('estimators.m.weights=w', 'estimators.m.clip=[0.05, 0.95]');
  assert.equal(replaced.status, 1);
  assert.match(replaced.stderr, /\/estimators\/2\/clip +clip has no effect here: weights: w takes the ipw estimator's own clip/m);
  assert.equal((await run('estimators.m.weights=w', 'estimators.m.estimand=att')).status, 0, "an option the ipw entry does not set stays the msm's");
});
