/**
 * The mediator shift E[M(1) − M(0)] and the reverse indirect check NIE(0) = E[Y(0, M(1)) − Y(0, M(0))]
 * (docs/seeds.md §004's mediator_shift and reverse_indirect_check) of the mediation plug-in, in every form:
 * with an outcome exactly linear in the design, a linear outcome model is exact in every fold (weighted or
 * not), so NIE(0) is β times the mediator shift, which is near the simulator's A → M effect; with gbm
 * nuisances and ipw weights both equal a hand computation from the same fold models.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gbmLearner } from '../../src/estimate/gbm/index.js';
import { designRows, take, userFolds } from '../../src/estimate/ml/common.js';
import { mediationCrossfit } from '../../src/estimate/ml/mediation.js';
import { runEstimator } from '../../src/estimate/runner.js';
import { Rng } from '../../src/rng.js';
import type { EstimatorContext } from '../../src/estimate/types.js';
import { simulateFrame } from '../support/simulate-frame.js';

const ctx: EstimatorContext = { seed: 3, cellId: 'reverse-indirect', models: { gbm_small: { kind: 'gbm', trees: 10, max_depth: 2, learning_rate: 0.3 } } };

// the simulator's confounded treatment, M = 0.4 + 0.3·A + 0.2·x2 + noise (so E[M(1) − M(0)] = 0.3, and a
// linear mediator model is correctly specified) and an outcome exactly linear in the design,
// Y = 1 + 2·A + 0.5·M + 0.3·A·M + 0.4·x2: the outcome model is exact in every fold, so NIE(0) = 0.5 · (mediator
// shift) and NIE(1) = (0.5 + 0.3) · (mediator shift) exactly, whatever the mediator model estimates
const ALPHA = 0.3, BETA = 0.5, INTERACTION = 0.3;

function structuralFrame() {
  const { frame } = simulateFrame({ users: 60, daysPerUser: 12, covariates: 4, seed: 5 });
  const x2 = frame.X.data.subarray(2 * frame.n, 3 * frame.n);
  const rng = new Rng('mediation-reverse-indirect');
  for (let i = 0; i < frame.n; i++) {
    const a = frame.A[i];
    const m = 0.4 + ALPHA * a + 0.2 * x2[i] + 0.3 * rng.normal();
    frame.M![i] = m;
    frame.Y[i] = 1 + 2 * a + BETA * m + INTERACTION * a * m + 0.4 * x2[i];
  }
  return frame;
}

test('mediator shift and reverse indirect: the structural values in the linear, cross-fitted and weighted forms', () => {
  const frame = structuralFrame();
  const linear = { kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear' } as const;
  for (const extra of [{}, { weights: 'ipw' }, { crossfit: { folds: 3 } }, { crossfit: { folds: 3 }, weights: 'ipw' }]) {
    const r = runEstimator({ id: 'med', ...linear, ...extra }, frame, ctx);
    assert.equal(r.status, 'ok', r.reason);
    const what = JSON.stringify(extra);
    const shift = r.estimates.mediator_shift!.estimate!;
    // the structural A → M effect, up to sampling error
    assert.ok(Math.abs(shift - ALPHA) < 0.05, `${what} shift ${shift}`);
    assert.ok(Math.abs(r.estimates.reverse_indirect!.estimate! - BETA * shift) < 1e-8, `${what} reverse ${r.estimates.reverse_indirect!.estimate} vs ${BETA * shift}`);
    assert.ok(Math.abs(r.estimates.nie!.estimate! - (BETA + INTERACTION) * shift) < 1e-8, `${what} nie ${r.estimates.nie!.estimate}`);
    // a shift in the mediator's units has no relative effect
    assert.equal(r.estimates.mediator_shift!.relative, null, what);
  }
});

test('with gbm nuisances and ipw weights, mediator shift and reverse indirect equal a hand computation from the fold models', () => {
  const { frame } = simulateFrame({ users: 30, daysPerUser: 8, covariates: 3, seed: 8 });
  const w = Float64Array.from({ length: frame.n }, (_, i) => 0.5 + ((i * 13) % 7) / 4);
  const learner = () => gbmLearner({ trees: 10, max_depth: 2, learning_rate: 0.3 });
  const { result } = mediationCrossfit(frame, { mediator: learner(), outcome: learner(), debiased: false, folds: 3, weights: w, mediatorClip: [0, 1] });
  // by hand: each fold's models on the training rows with their weights, the held-out rows predicted at a = 0, 1
  const M = frame.M!;
  let shift = 0, reverse = 0;
  for (const fold of userFolds(frame.cluster, 3)) {
    const T = fold.train, V = fold.test;
    const mediator = learner().fit(designRows(frame.X, T, [{ name: 'A', values: frame.A }]), take(M, T), take(w, T));
    const lead = [{ name: 'A', values: frame.A }, { name: 'M', values: M }, { name: 'A_x_M', values: Float64Array.from(frame.A, (a, i) => a * M[i]) }];
    const outcome = learner().fit(designRows(frame.X, T, lead), take(frame.Y, T), take(w, T));
    const at = (a: number) => mediator.predict(designRows(frame.X, V, [{ name: 'A', values: new Float64Array(frame.n).fill(a) }])).map((m) => Math.min(1, Math.max(0, m)));
    const [m0, m1] = [at(0), at(1)];
    const scatterAt = (m: Float64Array) => {
      const full = new Float64Array(frame.n);
      V.forEach((row, k) => (full[row] = m[k]));
      return full;
    };
    const y0 = (m: Float64Array) => outcome.predict(designRows(frame.X, V, [
      { name: 'A', values: new Float64Array(frame.n) }, { name: 'M', values: scatterAt(m) }, { name: 'A_x_M', values: new Float64Array(frame.n) },
    ]));
    const [y00, y01] = [y0(m0), y0(m1)];
    for (let k = 0; k < V.length; k++) {
      shift += m1[k] - m0[k];
      reverse += y01[k] - y00[k];
    }
  }
  assert.ok(Math.abs(result.estimates.mediator_shift!.estimate! - shift / frame.n) < 1e-12, `shift ${result.estimates.mediator_shift!.estimate} vs ${shift / frame.n}`);
  assert.ok(Math.abs(result.estimates.reverse_indirect!.estimate! - reverse / frame.n) < 1e-12, `reverse ${result.estimates.reverse_indirect!.estimate} vs ${reverse / frame.n}`);
  assert.ok(Math.abs(result.estimates.mediator_shift!.estimate!) > 1e-3, 'a shift to check');
  // and the weights are in those fold models: unweighted, the estimates move
  const unweighted = mediationCrossfit(frame, { mediator: learner(), outcome: learner(), debiased: false, folds: 3, mediatorClip: [0, 1] }).result;
  assert.notEqual(unweighted.estimates.reverse_indirect!.estimate, result.estimates.reverse_indirect!.estimate);
});
