// -S path=value and --sweep path=a,b,c: applied after extends and before validation, checked like the
// file, errors located at the option, recorded in the resolved spec; a sweep is a grid axis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CausewayError, CausewayErrors } from '../../src/errors.js';
import { loadSpec } from '../../src/spec/load.js';
import { splitSweepValues } from '../../src/spec/overrides.js';
import { buildPlan } from '../../src/spec/plan.js';
import { causewayHere } from '../support/cli.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const demo = join(root, 'specs', 'demo', 'discovery-mediation.yaml');

test('-S sets scalars, lists, mappings and estimator options by id, and the run id follows', () => {
  const loaded = loadSpec(demo, {
    set: ['treatment.threshold.value=0.6', 'estimators.ipw.clip=[0.05, 0.95]', 'models.gbm={ kind: gbm, trees: 20 }', 'mediator=avg_watch_ratio_capped_2'],
  });
  const spec = loaded.spec as unknown as Record<string, any>;
  assert.equal(spec.treatment.threshold.value, 0.6);
  assert.deepEqual(spec.estimators.find((e: { id: string }) => e.id === 'ipw').clip, [0.05, 0.95]);
  assert.equal(spec.models.gbm.trees, 20);
  assert.equal(spec.models.gbm.learning_rate, 0.1, 'defaults are filled in after the override, as for the file');
  assert.equal(spec.mediator, 'avg_watch_ratio_capped_2');
  assert.notEqual(buildPlan(loaded).cells[0]!.id, buildPlan(loadSpec(demo)).cells[0]!.id);
});

test('--sweep adds a grid axis; commas inside brackets and quotes do not split', () => {
  const plan = buildPlan(loadSpec(demo, { sweep: ['treatment.threshold.value=0.4,0.5,0.6', 'estimators.ipw.clip=[0.02, 0.98],[0.05, 0.95]'] }));
  assert.equal(plan.cells.length, 6);
  assert.deepEqual(plan.axes.map((a) => a.path).sort(), ['estimators.ipw.clip', 'treatment.threshold.value']);
  assert.deepEqual(splitSweepValues('a,"b,c",[1,2],{x: 1, y: 2}').map((p) => p.text), ['a', '"b,c"', '[1,2]', '{x: 1, y: 2}']);
});

test('bad overrides are located at the option, like spec errors at file:line:col', () => {
  const located = (overrides: { set?: string[]; sweep?: string[] }, file: string, col: number, message: RegExp) => {
    let caught: unknown = null;
    try {
      buildPlan(loadSpec(demo, overrides));
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof CausewayError || caught instanceof CausewayErrors, `expected a located error for ${JSON.stringify(overrides)}, got ${String(caught)}`);
    const errors = caught instanceof CausewayErrors ? caught.errors : [caught as CausewayError];
    const hit = errors.find((x) => x.where.kind === 'spec' && x.where.file === file);
    assert.ok(hit, errors.map((x) => x.format()).join('\n'));
    assert.equal((hit.where as { col: number }).col, col, hit.format());
    assert.match(hit.format(), message);
  };
  located({ set: ['treatment.threshold.value'] }, '-S', 1, /expected path=value/);
  located({ set: ['estimators.ipw.clip=[0.1'] }, '-S', 21, /does not parse as YAML/);
  located({ set: ['__proto__.x=1'] }, '-S', 1, /not a spec path/);
  located({ set: ['uncertainty.bootstrap.reps=-5'] }, '-S', 28, /must be >= 0/);
  located({ sweep: ['treatment.threshold.value=0.5,[1'] }, '--sweep', 31, /does not parse as YAML/);
});

test('the CLI takes -S and --sweep, and validate --json names the option as the error file', async () => {
  const r = await causewayHere(['plan', demo, '-S', 'treatment.threshold.value=0.6', '--sweep', 'mediator=high_satisfaction_share,avg_watch_ratio_capped_2', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { cells: unknown[] }).cells.length, 2);
  const bad = await causewayHere(['validate', demo, '-S', 'uncertainty.bootstrap.reps=-5']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^-S:1:28 +\/uncertainty\/bootstrap\/reps +must be >= 0/m);
  // a grid value the expression check rejects is located at that value of the --sweep option
  const sweep = await causewayHere(['validate', demo, '--sweep', 'mediator=high_satisfaction_share,nope_col']);
  assert.equal(sweep.code, 1);
  assert.match(sweep.stderr, /^--sweep:1:34 +\/sensitivity\/grid\/mediator\/1 +mediator 'nope_col' is not a panel column/m);
});
