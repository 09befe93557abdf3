import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { CausewayError } from '../../src/errors.js';
import { allKinds, describesEstimand, estimandRank, kindInfo, specKinds } from '../../src/estimate/kinds/index.js';
import { estimatorSchemaBranches } from '../../src/estimate/kinds/schema.js';
import { learnerKinds, makeLearner } from '../../src/estimate/learners.js';
import { runEstimator } from '../../src/estimate/runner.js';
import { simulateFrame } from '../support/simulate-frame.js';
import { Rng } from '../../src/rng.js';
import type { AnalysisFrame, EstimatorContext } from '../../src/estimate/types.js';

const schema = JSON.parse(readFileSync(new URL('../../../schemas/causeway.schema.json', import.meta.url), 'utf8'));
type Branch = { properties: Record<string, Record<string, unknown>> };
const branches = schema.$defs.Estimator.oneOf as Branch[];

test('the spec schema\'s estimator branch is the kinds\' option declarations (names, types, enums, defaults)', () => {
  assert.deepEqual(branches.map((b) => b.properties.kind.const), specKinds().map((k) => k.kind));
  for (const kind of specKinds()) {
    const branch = branches.find((b) => b.properties.kind.const === kind.kind)!;
    const { id: _id, kind: _kind, ...options } = branch.properties;
    assert.deepEqual(Object.keys(options).sort(), Object.keys(kind.options).sort(), `${kind.kind}: option names`);
    for (const [name, declared] of Object.entries(kind.options)) {
      for (const facet of ['type', 'enum', 'default', 'const', '$ref', 'minimum', 'maximum', 'exclusiveMinimum']) {
        assert.deepEqual(options[name][facet], declared[facet], `${kind.kind}.${name}: ${facet}`);
      }
    }
  }
  // and byte for byte: scripts/gen-estimator-schema.mjs writes exactly this
  assert.deepEqual(branches, estimatorSchemaBranches());
});

test('each spec kind accepts its defaults, rejects unknown options, and declares labels and estimands', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  for (const kind of specKinds()) {
    const validate = ajv.compile({ $defs: schema.$defs, ...estimatorSchemaBranches().find((b) => (b.properties as Branch['properties']).kind.const === kind.kind) });
    assert.ok(validate({ id: 'e', kind: kind.kind }), `${kind.kind}: no options is valid`);
    assert.ok(!validate({ id: 'e', kind: kind.kind, nonsense_option: 1 }), `${kind.kind}: unknown options are rejected`);
    const defaults = Object.fromEntries(Object.entries(kind.options).filter(([, o]) => 'default' in o).map(([k, o]) => [k, o.default]));
    assert.ok(validate({ id: 'e', kind: kind.kind, ...defaults }), `${kind.kind}: its declared defaults are valid`);
    assert.ok(kind.label({}, {}).length > 0 && kind.labelFromResult({ diagnostics: {}, crossfitNote: null, formatNumber: String }).length > 0);
    assert.ok(kind.estimands.some((d) => d.text), `${kind.kind}: at least one estimand the report describes`);
  }
  assert.ok(allKinds().some((k) => k.internal), 'internal kinds (reached by delegate) stay in the registry');
  // sem_path's weighting options were read by the code but refused by the schema: now declared
  const sem = ajv.compile({ $defs: schema.$defs, ...branches.find((b) => b.properties.kind.const === 'sem_path') });
  assert.ok(sem({ id: 's', kind: 'sem_path', weights: 'none' }) && !sem({ id: 's', kind: 'sem_path', weights: 'sometimes' }));
  assert.equal(kindInfo('sem_path').label({ weights: 'none' }, {}), 'SEM path model (product of coefficients, unweighted)');
});

test('the report\'s estimand order and registry come from the kinds', () => {
  const order = ['ate', 'te', 'te_debiased', 'nde', 'nie', 'cde_q10', 'cde_q90', 'alpha', 'beta', 'c_prime', 'indirect', 'total'];
  const sorted = [...order].reverse().sort((a, b) => estimandRank(a) - estimandRank(b) || (a < b ? -1 : 1));
  assert.deepEqual(sorted, order);
  assert.ok(describesEstimand('te_debiased', 'mediation'));
  assert.ok(!describesEstimand('y11_debiased', 'mediation'), 'auxiliary scores are not listed');
  assert.ok(!describesEstimand('ate_gcomp', 'aipw'));
});

const frame = (): AnalysisFrame => simulateFrame({ users: 30, daysPerUser: 10, covariates: 3, seed: 4 }).frame;
const ctx: EstimatorContext = { seed: 1, cellId: 'kinds', models: {} };

test('one error policy: unknown kinds throw; design problems, bad options and defects fail the estimator with a reason', () => {
  assert.throws(() => runEstimator({ id: 'x', kind: 'nope' }, frame(), ctx), (e: unknown) => e instanceof CausewayError && e.code === 'ESTIMATE_UNKNOWN_KIND');
  const f = frame();
  const oneArm = runEstimator({ id: 'd', kind: 'difference_in_means' }, { ...f, A: new Float64Array(f.n) }, ctx);
  assert.equal(oneArm.status, 'failed');
  assert.match(oneArm.reason!, /treated arm is empty/);
  const badOption = runEstimator({ id: 'm', kind: 'mediation', weights: 'sometimes' }, f, ctx);
  assert.equal(badOption.status, 'failed');
  assert.match(badOption.reason!, /weights must be none or ipw/);
  const crossfitBad = runEstimator({ id: 'a', kind: 'aipw', outcome: 'logistic', crossfit: { folds: 3 } }, f, ctx);
  assert.equal(crossfitBad.status, 'failed', 'the cross-fitted form follows the same policy');
  const defect = runEstimator({ id: 'i', kind: 'ipw' }, { ...f, Y: undefined } as unknown as AnalysisFrame, ctx);
  assert.equal(defect.status, 'failed');
  assert.match(defect.reason!, /^internal error in ipw/);
});

test('learners come from one explicit list (gbm without importing src/estimate/gbm/)', () => {
  assert.deepEqual(learnerKinds(), ['cbps', 'entropy_balance', 'gbm', 'linear', 'logistic', 'ridge']);
  assert.equal(makeLearner({ kind: 'gbm', trees: 2 }, new Rng(1, 'kinds')).task, 'regression');
  assert.equal(kindInfo('mediation').delegate?.({ method: 'both' })?.kind, 'mediation_debiased');
});
