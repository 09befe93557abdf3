// The DR-learner's calibration reading (src/analysis/dr-learner.ts): heterogeneity is "detectable" only for
// a calibration slope above zero (one-sided, as grf's test_calibration). A slope significantly below zero
// means the out-of-fold predictions run against the pseudo-outcomes and must not read as detected
// heterogeneity (the discovery-mediation example once said "detectable" at slope −0.99).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drLearner } from '../../src/analysis/dr-learner.js';
import { Rng } from '../../src/rng.js';

function data(effectSlope: number, seed: number) {
  const rng = new Rng(seed, 'dr-calibration');
  const n = 2000;
  const cluster = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 4));
  const x = Float64Array.from({ length: n }, () => rng.normal());
  const psi = Float64Array.from(x, (v) => 1 + effectSlope * v + rng.normal());
  const folds = Int32Array.from(cluster, (c) => c % 5);
  return { psi, cluster, x, folds };
}

test('a real modifier is detected out of fold; no modifier is not', () => {
  const real = data(1, 1);
  const r = drLearner(real.psi, real.cluster, [{ name: 'x', values: real.x }], real.folds, { level: 0.95, source: 'test' });
  assert.ok(r.calibration.slope.estimate > 0.5);
  assert.match(r.summary, /the predicted heterogeneity is detectable out of fold/);
  const none = data(0, 2);
  const z = drLearner(none.psi, none.cluster, [{ name: 'x', values: none.x }], none.folds, { level: 0.95, source: 'test' });
  assert.match(z.summary, /no heterogeneity detectable out of fold/);
});

test('a calibration slope significantly below zero is not detected heterogeneity', () => {
  // pseudo-outcomes whose out-of-fold prediction is anti-correlated with them: fold-specific modifier effects
  // of opposite sign, so each fold's prediction (fitted on the others) points the wrong way
  const n = 2000;
  const rng = new Rng(3, 'dr-reversed');
  const cluster = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 4));
  const folds = Int32Array.from(cluster, (c) => c % 2);
  const x = Float64Array.from({ length: n }, () => rng.normal());
  const psi = Float64Array.from(x, (v, i) => (folds[i] === 0 ? 2 : -2) * v + rng.normal());
  const r = drLearner(psi, cluster, [{ name: 'x', values: x }], folds, { level: 0.95, source: 'test' });
  assert.ok(r.calibration.slope.estimate < 0 && r.calibration.slope.pValue! < 0.05, `slope ${r.calibration.slope.estimate}, p ${r.calibration.slope.pValue}`);
  assert.doesNotMatch(r.summary, /the predicted heterogeneity is detectable/);
  assert.match(r.summary, /below zero/);
});
