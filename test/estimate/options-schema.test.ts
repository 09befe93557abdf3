import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { estimatorKinds } from '../../src/estimate/estimators.js';

const schema = JSON.parse(readFileSync(new URL('../../../src/estimate/options-schema.json', import.meta.url), 'utf8'));

test('options-schema.json has a strict-valid fragment for every estimator kind', () => {
  assert.deepEqual(Object.keys(schema.estimators).sort(), estimatorKinds());
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTuples: false });
  for (const kind of estimatorKinds()) {
    const validate = ajv.compile({ $defs: schema.$defs, ...schema.estimators[kind] });
    assert.ok(validate({}), `${kind}: empty options must be valid`);
    assert.ok(!validate({ nonsense_option: 1 }), `${kind}: unknown options are rejected`);
  }
  const msm = ajv.compile({ $defs: schema.$defs, ...schema.estimators.msm });
  assert.ok(msm({ weights: { clip: 10 } }));
  assert.ok(!msm({ weights: 'sometimes' }));
  const med = ajv.compile({ $defs: schema.$defs, ...schema.estimators.mediation });
  assert.ok(med({ mediator_model: 'gbm', crossfit: { folds: 3, group: 'user_id' }, cde_at: { quantiles: [0.1, 0.9] } }));
});
