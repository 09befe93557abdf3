// Default intervals that cover: AIPW, the AIPW means and the debiased mediation report the
// influence-function interval clustered by user (estimate ± z·SE) unless `interval: bootstrap` asks for
// the user-cluster bootstrap percentile interval (the score bootstrap, nuisances held fixed);
// diagnostics.interval records which. docs/calibration.md has the coverage of both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runEstimator } from '../../src/estimate/runner.js';
import { normalCi } from '../../src/estimate/ml/common.js';
import type { EstimatorContext, EstimatorSpec } from '../../src/estimate/types.js';
import { simulateFrame } from '../support/simulate-frame.js';
import { causewayHere, root } from '../support/cli.js';

const ctx: EstimatorContext = { seed: 11, cellId: 'intervals', models: {}, bootstrap: { reps: 60, level: 0.9 } };
const { frame } = simulateFrame({ users: 40, daysPerUser: 10, covariates: 2, seed: 9 });

const entries: Array<{ spec: EstimatorSpec; keys: string[] }> = [
  { spec: { id: 'aipw', kind: 'aipw' }, keys: ['ate'] },
  { spec: { id: 'aipw_cf', kind: 'aipw', crossfit: { folds: 3 } }, keys: ['ate', 'y1', 'y0'] },
  { spec: { id: 'means', kind: 'aipw_means' }, keys: ['y1', 'y0'] },
  {
    spec: { id: 'dml', kind: 'mediation', method: 'both', mediator_model: 'linear', outcome_model: 'linear', propensity: 'logistic', crossfit: { folds: 3 } },
    keys: ['te_debiased', 'nde_debiased', 'nie_debiased'],
  },
];

for (const { spec, keys } of entries) {
  test(`${spec.id}: the default interval is the influence-function one; interval: bootstrap gives the bootstrap's`, () => {
    const dflt = runEstimator(spec, frame, ctx);
    const boot = runEstimator({ ...spec, interval: 'bootstrap' }, frame, ctx);
    assert.equal(dflt.status, 'ok', dflt.reason);
    assert.equal(boot.status, 'ok', boot.reason);
    assert.deepEqual(dflt.diagnostics.interval, { method: 'influence_function', cluster: 'user', level: 0.9, estimates: (dflt.diagnostics.interval as { estimates: string[] }).estimates });
    assert.deepEqual(boot.diagnostics.interval, { method: 'bootstrap_percentile', cluster: 'user', level: 0.9 });
    const normal = dflt.diagnostics.ci_normal as Record<string, [number, number] | null> | undefined;
    for (const k of keys) {
      const v = dflt.estimates[k]!;
      assert.ok((dflt.diagnostics.interval as { estimates: string[] }).estimates.includes(k), k);
      assert.equal(v.estimate, boot.estimates[k]!.estimate, `${k}: same point estimate`);
      const expected = normalCi(v.estimate!, v.se!, 0.9)!;
      assert.ok(v.ci && Math.abs(v.ci[0] - expected[0]) < 1e-12 && Math.abs(v.ci[1] - expected[1]) < 1e-12, `${k}: ${v.ci} vs ${expected}`);
      // the cross-fitted forms also report the normal interval among their diagnostics: the same numbers
      if (normal?.[k]) assert.ok(Math.abs(normal[k]![0] - v.ci[0]) < 1e-9 && Math.abs(normal[k]![1] - v.ci[1]) < 1e-9, `${k}: ci_normal ${normal[k]}`);
      const b = boot.estimates[k]!.ci!;
      assert.ok(b && (b[0] !== v.ci[0] || b[1] !== v.ci[1]), `${k}: the bootstrap interval differs`);
      // the bootstrap's replicates still run under the default: their spread stays in results.json
      assert.equal(v.bootSd, boot.estimates[k]!.bootSd, `${k}: same replicates`);
    }
  });
}

test('no bootstrap requested: no interval is added, and none is recorded', () => {
  const r = runEstimator({ id: 'aipw', kind: 'aipw' }, frame, { ...ctx, bootstrap: undefined });
  assert.equal(r.estimates.ate!.ci, undefined);
  assert.equal(r.diagnostics.interval, undefined);
});

test('interval on a plug-in mediation is an error at its line: only the debiased method has an influence function', async () => {
  // `causeway validate` with -S overrides: main() in this process (test/support/cli.ts)
  const validate = async (...set: string[]) => {
    const r = await causewayHere(['validate', join(root, 'specs', 'demo', 'discovery-mediation.yaml'), ...set.flatMap((s) => ['-S', s])]);
    return { status: r.code, stdout: r.stdout, stderr: r.stderr };
  };
  const plugin = await validate('estimators.mediation_linear.interval=bootstrap');
  assert.equal(plugin.status, 1, plugin.stdout);
  // located at the -S override that set it
  assert.match(plugin.stderr, /-S:1:\d+ +\/estimators\/\d+\/interval +interval has no effect here: it chooses the interval of the debiased method/);
  const debiased = await validate('estimators.mediation_xgboost.interval=bootstrap');
  assert.equal(debiased.status, 0, debiased.stderr);
});
