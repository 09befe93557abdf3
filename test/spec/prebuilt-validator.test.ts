import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { specAjv, specSchema } from '../../src/spec/load.js';
import { scratchDir } from '../scratch.js';

const root = new URL('../../../', import.meta.url);

test('the build\'s standalone validator fills the same defaults and reports the same errors as the schema compiled at run time', async () => {
  // what scripts/postbuild.mjs writes into dist/, made here the same way
  const require = createRequire(import.meta.url);
  const standaloneCode = (require('ajv/dist/standalone/index.js') as { default: (ajv: unknown, v: unknown) => string }).default;
  const ajv = specAjv({ code: { source: true } });
  const dir = await scratchDir('prebuilt-validator');
  const file = join(dir, 'validator.cjs');
  // the scratch file lies outside the project: its requires of ajv's runtime helpers name the package's folder
  const ajvFolder = dirname(require.resolve('ajv/package.json'));
  writeFileSync(file, standaloneCode(ajv, ajv.compile(specSchema())).replace(/require\("ajv\//g, `require(${JSON.stringify(ajvFolder + '/').slice(0, -1)}`));
  const prebuilt = require(file) as ValidateFunction;
  const runtime = specAjv().compile(specSchema());

  const demo = parse(readFileSync(new URL('specs/demo/discovery-mediation.yaml', root), 'utf8')) as Record<string, unknown>;
  const broken: unknown[] = [
    demo,
    { ...demo, estimators: [{ id: 'x', kind: 'ipw', propensity: 'logistic', clip: [0.5] }] },
    { ...demo, data: { source: 'kuairec', matrix: 'huge' } },
    { ...demo, treatment: { measure: 'a', threshold: { quantile: 2 } }, unknown_section: 1 },
    { ...demo, estimators: [{ id: 'y', kind: 'no_such_kind' }], seed: 'x' },
  ];
  let failures = 0;
  for (const value of broken) {
    const a = structuredClone(value);
    const b = structuredClone(value);
    assert.equal(prebuilt(a), runtime(b));
    assert.deepEqual(a, b, 'defaults filled alike');
    const strip = (errors: typeof runtime.errors) => (errors ?? []).map(({ schema: _s, parentSchema, ...e }) => ({ ...e, parent: JSON.stringify(parentSchema) }));
    assert.deepEqual(strip(prebuilt.errors), strip(runtime.errors));
    if ((runtime.errors ?? []).length > 0) failures++;
  }
  assert.equal(failures, broken.length - 1, 'every broken spec fails, the demo passes');
});
