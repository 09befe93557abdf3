// Nothing silently ignored: every option of every estimator kind in the spec schema's estimator branch
// (schemas/causeway.schema.json, generated from src/estimate/kinds/*) is read from the schema, so a new
// option is covered without touching this file. For each kind × option a non-default value must change
// the estimator's result on a small simulated frame, or the spec must be refused with a location (the
// checks src/run/compile.ts turns into file:line:col errors: ignoredOptions and the kind's checkReferences).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ignoredOptions, runEstimator, usesCrossfitForm } from '../../src/estimate/runner.js';
import { kindInfo } from '../../src/estimate/kinds/index.js';
import type { EstimatorContext, EstimatorSpec } from '../../src/estimate/types.js';
import { simulateFrame } from '../support/simulate-frame.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; enum?: unknown[]; default?: unknown; $ref?: string; type?: string; maximum?: number };

/** kind → option schemas, from every object schema in the estimator list whose `kind` is a const. */
function estimatorBranches(): Map<string, Record<string, Schema>> {
  const schema = JSON.parse(readFileSync(`${root}schemas/causeway.schema.json`, 'utf8')) as Schema;
  const items = (schema.properties!.estimators as Schema).items as Schema;
  const out = new Map<string, Record<string, Schema>>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as Schema;
    const kind = (n.properties?.kind as Schema | undefined)?.const;
    if (typeof kind === 'string') {
      const { id: _id, kind: _kind, ...options } = n.properties!;
      out.set(kind, options);
      return;
    }
    for (const v of Object.values(n)) walk(v);
  };
  // the list's items are a $ref into $defs (#/$defs/Estimator): walk that definition only
  const ref = typeof items.$ref === 'string' ? items.$ref.replace('#/$defs/', '') : null;
  walk(ref ? (schema.$defs as Record<string, unknown>)[ref] : items);
  return out;
}

/**
 * Options with no effect on the estimator's own result by design, each with why. Keep this tiny: an
 * option that changes nothing anywhere must be honoured or refused instead.
 */
const NO_EFFECT_BY_DESIGN: Record<string, string> = {
  'msm.variants': 'consumed by the weight-sensitivity table (src/sensitivity/weights.ts), which refits the msm per variant; the msm estimate itself uses `weights`',
};

/** Options that matter only with others set: the contexts the walk sets them in (the base entry otherwise). */
const CONTEXT: Record<string, EstimatorSpec | EstimatorSpec[]> = {
  // the debiased propensities, and the ipw weights of the linear and the cross-fitted plug-in
  'mediation.clip': [
    { id: '', kind: 'mediation', method: 'debiased', propensity: 'logistic' },
    { id: '', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear', weights: 'ipw' },
    { id: '', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear', weights: 'ipw', crossfit: { folds: 2 } },
  ],
  // the linear form, the cross-fitted plug-in with linear and with gbm nuisances: each fits with the weights
  'mediation.weights': [
    { id: '', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear' },
    { id: '', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear', crossfit: { folds: 2 } },
    { id: '', kind: 'mediation', mediator_model: 'gbm_small', outcome_model: 'gbm_small' },
  ],
  // debiased, the cross-fitted plug-in, and the plug-in without cross-fitting (which reads clip_mediator)
  'mediation.mediator_clip': [
    { id: '', kind: 'mediation', method: 'debiased', propensity: 'logistic' },
    { id: '', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear', crossfit: { folds: 2 } },
    { id: '', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear' },
  ],
  'mediation.clip_mediator': [
    { id: '', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear' },
    { id: '', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear', crossfit: { folds: 2 } },
  ],
  // the cross-fitted forms never refit per replicate
  'mediation.bootstrap': [
    { id: '', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear' },
    { id: '', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear', crossfit: { folds: 2 } },
  ],
  // the population of the effect, in every form: plug-in, learner plug-in, cross-fitted (gbm), debiased
  'mediation.estimand': [
    { id: '', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear' },
    { id: '', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear', clip_mediator: [0, 1] },
    { id: '', kind: 'mediation', mediator_model: 'gbm_small', outcome_model: 'gbm_small' },
    { id: '', kind: 'mediation', method: 'debiased', mediator_model: 'linear', outcome_model: 'linear', propensity: 'logistic' },
  ],
  'aipw.estimand': [{ id: '', kind: 'aipw' }, { id: '', kind: 'aipw', outcome: 'gbm_small' }, { id: '', kind: 'aipw', propensity: 'cbps' }],
  'gcomp.bootstrap': [{ id: '', kind: 'gcomp' }, { id: '', kind: 'gcomp', crossfit: { folds: 2 } }],
  'aipw.bootstrap': [{ id: '', kind: 'aipw' }, { id: '', kind: 'aipw', crossfit: { folds: 2 } }],
  // msm weighting options under each `weights`: ipw reads them all, unweighted none, unclipped and {clip: k} no clip or cap
  ...Object.fromEntries(['propensity', 'clip', 'stabilize', 'cap_quantile'].map((option) => [`msm.${option}`, [
    { id: '', kind: 'msm' },
    { id: '', kind: 'msm', weights: 'unweighted' },
    { id: '', kind: 'msm', weights: 'unclipped' },
    { id: '', kind: 'msm', weights: { clip: 2 } },
  ]])),
  'mediation.interval': { id: '', kind: 'mediation', method: 'debiased', propensity: 'logistic' },
  'mediation.method': { id: '', kind: 'mediation', propensity: 'logistic' },
  ...Object.fromEntries(['propensity', 'stabilize', 'cap_quantile'].map((option) => [`mediation.${option}`, [
    { id: '', kind: 'mediation', weights: 'ipw' },
    { id: '', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear', weights: 'ipw', crossfit: { folds: 2 } },
  ]])),
  'sem_path.propensity': { id: '', kind: 'sem_path', weights: 'ipw' },
  'sem_path.clip': { id: '', kind: 'sem_path', weights: 'ipw' },
  'sem_path.stabilize': { id: '', kind: 'sem_path', weights: 'ipw' },
  'sem_path.cap_quantile': { id: '', kind: 'sem_path', weights: 'ipw' },
};

/** Values other than the default for an option, from its schema (per-name overrides where the shape needs data). */
function otherValues(name: string, s: Schema): unknown[] {
  if (Array.isArray(s.enum)) return s.enum.filter((v) => JSON.stringify(v) !== JSON.stringify(s.default));
  if (s.type === 'boolean') return s.default === undefined ? [true, false] : [!s.default];
  // a clip that binds on any frame whose propensities spread at all
  if (s.$ref === '#/$defs/Clip') return [[0.4, 0.6]];
  if (s.$ref === '#/$defs/Crossfit') return [{ folds: 2 }];
  if (s.type === 'integer') return [5];
  if (s.type === 'number') return [typeof s.maximum === 'number' && s.maximum <= 1 ? 0.8 : 5];
  if (name === 'mediator_clip') return [[-0.2, 0.2]];
  if (name === 'cde_at') return [{ quantiles: [0.3] }];
  if (name === 'weights' && !s.enum) return ['unweighted', { clip: 2 }];
  if (name === 'variants') return [[{ id: 'unweighted', weights: 'unweighted' }]];
  // a model option: a flexible learner in place of the linear/logistic default
  if (s.type === 'string') return ['gbm_small'];
  throw new Error(`option ${name}: no non-default value derivable from its schema ${JSON.stringify(s)}; extend otherValues`);
}

const { frame } = simulateFrame({ users: 24, daysPerUser: 8, covariates: 2, seed: 21 });
const ctx: EstimatorContext = {
  seed: 3, cellId: 'option-coverage', bootstrap: { reps: 12, level: 0.9 },
  models: { gbm_small: { kind: 'gbm', trees: 8, max_depth: 2, learning_rate: 0.3 } },
};
const BASE: Record<string, Partial<EstimatorSpec>> = { mediation: { mediator_model: 'linear', outcome_model: 'linear' } };

/** What an option can change: the result without its timing-free parts that every run repeats. */
function fingerprint(spec: EstimatorSpec): string {
  const r = runEstimator(spec, frame, ctx);
  return JSON.stringify({ status: r.status, reason: r.reason, estimates: r.estimates, diagnostics: r.diagnostics, warnings: r.warnings });
}

function refusal(spec: EstimatorSpec, option: string): string | null {
  const ignored = ignoredOptions(spec, ctx.models).find((o) => o.option === option);
  if (ignored) return ignored.why;
  const problem = kindInfo(spec.kind).checkReferences?.(spec, [spec], { crossfitted: usesCrossfitForm(spec, ctx.models) }).find((p) => p.option === option);
  return problem ? problem.message : null;
}

const branches = estimatorBranches();

test('the walk reads the estimator branch of the schema: every kind with options is there', () => {
  for (const kind of ['ipw', 'msm', 'aipw', 'aipw_means', 'mediation', 'gcomp', 'sem_path', 'regression_adjustment']) {
    assert.ok(branches.get(kind) && Object.keys(branches.get(kind)!).length > 0, `${kind} missing from the schema walk`);
  }
  for (const key of Object.keys(NO_EFFECT_BY_DESIGN)) {
    const [kind, option] = key.split('.');
    assert.ok(branches.get(kind!)?.[option!], `exception ${key} names no option of the schema`);
  }
});

for (const [kind, options] of branches) {
  for (const [option, schema] of Object.entries(options)) {
    const key = `${kind}.${option}`;
    test(`${key}: a non-default value changes the result or is refused with a location`, () => {
      if (NO_EFFECT_BY_DESIGN[key]) return;
      const contexts = [CONTEXT[key] ?? { id: '', kind, ...BASE[kind] }].flat();
      for (const context of contexts) {
        const base: EstimatorSpec = { ...context, id: `walk_${kind}` };
        const where = `${key} in ${JSON.stringify(context)}`;
        const before = fingerprint(base);
        const values = otherValues(option, schema);
        // an enum of one value without a default has no other value to set
        if (values.length === 0 || (Array.isArray(schema.enum) && schema.enum.length === 1 && schema.default === undefined)) continue;
        // an enum or boolean without a schema default: one of its values is the implicit default, so one change suffices
        const needAll = !((Array.isArray(schema.enum) || schema.type === 'boolean') && schema.default === undefined);
        const outcomes = values.map((value) => {
          const spec = { ...base, [option]: value };
          const why = refusal(spec, option);
          const changed = fingerprint(spec) !== before;
          return { value, ok: changed || why !== null };
        });
        const failing = outcomes.filter((o) => !o.ok).map((o) => JSON.stringify(o.value));
        if (needAll) assert.deepEqual(failing, [], `${where}: ${failing.join(', ')} changes nothing and is not refused`);
        else assert.ok(outcomes.some((o) => o.ok), `${where}: no value changes anything`);
      }
    });
  }
}

test('options a form does not honour are refused: the debiased mediation (weights, ipw shaping, clip_mediator) and the cross-fitted aipw (bootstrap)', () => {
  const debiased: EstimatorSpec = { id: 'dml', kind: 'mediation', method: 'both', propensity: 'logistic', mediator_model: 'linear', outcome_model: 'linear' };
  for (const [option, value] of [['weights', 'ipw'], ['stabilize', false], ['cap_quantile', 0.9], ['clip_mediator', [0.1, 0.9]]] as const) {
    const spec = { ...debiased, [option]: value };
    assert.match(refusal(spec, option) ?? '', /has no effect here/, option);
    // and it would indeed change nothing
    assert.equal(fingerprint(spec), fingerprint(debiased), option);
  }
  assert.equal(refusal({ ...debiased, weights: 'none' }, 'weights'), null, 'the default is harmless');
  const crossfitted: EstimatorSpec = { id: 'cf', kind: 'aipw', crossfit: { folds: 2 } };
  assert.match(refusal({ ...crossfitted, bootstrap: 'refit' }, 'bootstrap') ?? '', /score bootstrap/);
  assert.equal(fingerprint({ ...crossfitted, bootstrap: 'refit' }), fingerprint(crossfitted));
});

test('weights: ipw is honoured by the cross-fitted mediation: not refused, and every nuisance fit (linear and gbm) changes', () => {
  for (const models of [{ mediator_model: 'linear', outcome_model: 'linear', crossfit: { folds: 2 } }, { mediator_model: 'gbm_small', outcome_model: 'gbm_small' }]) {
    const base: EstimatorSpec = { id: 'cf', kind: 'mediation', mediator_clip: [0, 1], ...models };
    const weighted: EstimatorSpec = { ...base, weights: 'ipw' };
    assert.equal(usesCrossfitForm(weighted, ctx.models), true);
    assert.equal(refusal(weighted, 'weights'), null, JSON.stringify(models));
    const [u, w] = [runEstimator(base, frame, ctx), runEstimator(weighted, frame, ctx)];
    assert.equal(w.status, 'ok', w.reason);
    assert.equal(w.diagnostics.weights, 'ipw');
    assert.equal(u.diagnostics.weights, 'none');
    // both nuisance models move: the mediator model's out-of-fold fit and the outcome model's
    const perf = (r: typeof u, target: string) => JSON.stringify((r.diagnostics.nuisance as Record<string, unknown>)[target]);
    assert.notEqual(perf(w, 'mediator'), perf(u, 'mediator'), `${JSON.stringify(models)}: mediator model unchanged by the weights`);
    assert.notEqual(perf(w, 'outcome'), perf(u, 'outcome'), `${JSON.stringify(models)}: outcome model unchanged by the weights`);
    for (const k of ['te', 'nde', 'nie', 'reverse_indirect', 'mediator_shift']) assert.notEqual(w.estimates[k]!.estimate, u.estimates[k]!.estimate, k);
  }
});

test('weighting options where nothing is weighted are refused: a plug-in mediation without weights: ipw, a sem_path with weights: none', () => {
  const plugin: EstimatorSpec = { id: 'med', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear' };
  const path: EstimatorSpec = { id: 'sem', kind: 'sem_path', weights: 'none' };
  // (a gbm propensity would also switch the entry to the cross-fitted form, src/estimate/runner.ts usesCrossfitForm)
  for (const [option, value] of [['propensity', 'logistic'], ['clip', [0.4, 0.6]], ['stabilize', false], ['cap_quantile', 0.8]] as const) {
    for (const base of [plugin, path]) {
      const spec = { ...base, [option]: value };
      assert.match(refusal(spec, option) ?? '', /has no effect here/, `${base.kind}.${option}`);
      assert.equal(fingerprint(spec), fingerprint(base), `${base.kind}.${option} indeed changes nothing`);
    }
    // with weights: ipw they are honoured, and not refused
    assert.equal(refusal({ ...plugin, weights: 'ipw', [option]: value }, option), null);
    assert.equal(refusal({ ...path, weights: 'ipw', [option]: value }, option), null);
  }
});

test('msm weighting options its weights never read are refused, and indeed change nothing; weights: ipw reads them all', () => {
  const cases: Array<[Record<string, unknown>, string[]]> = [
    [{ weights: 'unweighted' }, ['propensity', 'clip', 'stabilize', 'cap_quantile']],
    [{ weights: 'unclipped' }, ['clip', 'cap_quantile']],
    [{ weights: { clip: 2 } }, ['clip', 'cap_quantile']],
  ];
  const value: Record<string, unknown> = { propensity: 'gbm_small', clip: [0.4, 0.6], stabilize: false, cap_quantile: 0.8 };
  for (const [weights, options] of cases) {
    const base: EstimatorSpec = { id: 'msm', kind: 'msm', ...weights };
    for (const option of options) {
      const spec = { ...base, [option]: value[option] };
      assert.match(refusal(spec, option) ?? '', /has no effect here: .*; remove it, or use weights: ipw/, `${JSON.stringify(weights)} ${option}`);
      assert.equal(fingerprint(spec), fingerprint(base), `${JSON.stringify(weights)} ${option} indeed changes nothing`);
    }
    for (const option of ['propensity', 'clip', 'stabilize', 'cap_quantile'].filter((o) => !options.includes(o))) {
      assert.equal(refusal({ ...base, [option]: value[option] }, option), null, `${JSON.stringify(weights)} reads ${option}`);
    }
  }
  for (const option of ['propensity', 'clip', 'stabilize', 'cap_quantile']) {
    assert.equal(refusal({ id: 'msm', kind: 'msm', weights: 'ipw', [option]: value[option] }, option), null, `ipw reads ${option}`);
  }
});

test('the mediation forms refuse the clip and bootstrap options they never read, which indeed change nothing there', () => {
  const linear: EstimatorSpec = { id: 'med', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear' };
  const crossfitted: EstimatorSpec = { ...linear, crossfit: { folds: 2 } };
  for (const [base, option, value, why] of [
    [linear, 'mediator_clip', [-0.2, 0.2], /has no effect here: .*clip_mediator clips/],
    [crossfitted, 'clip_mediator', [0.4, 0.6], /clips mediator predictions with mediator_clip instead/],
    [crossfitted, 'bootstrap', 'refit', /never refits per bootstrap replicate/],
  ] as const) {
    const spec = { ...base, [option]: value };
    assert.match(refusal(spec, option) ?? '', why, `${option} on ${JSON.stringify(base)}`);
    assert.equal(fingerprint(spec), fingerprint(base), `${option} indeed changes nothing`);
  }
  // where they are read they are not refused
  assert.equal(refusal({ ...crossfitted, mediator_clip: [-0.2, 0.2] }, 'mediator_clip'), null);
  assert.equal(refusal({ ...linear, clip_mediator: [0.4, 0.6] }, 'clip_mediator'), null);
  assert.equal(refusal({ ...linear, bootstrap: 'refit' }, 'bootstrap'), null);
});
