import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stableStringify } from '../../src/results/index.js';
import { PREBUILT_RESULTS_VALIDATOR, resultsAjv, resultsSchema, resultsSchemaHash, resultsValidator, type ResultsValidator } from '../../src/report/results-validator.js';
import { exampleResults } from './fixture.js';
import { scratchDir } from '../scratch.js';

test('the build\'s standalone results validator accepts and rejects what the schema compiled at run time does, with the same errors', () => {
  // what scripts/postbuild.mjs writes into dist/, made here the same way
  const require = createRequire(import.meta.url);
  const standaloneCode = (require('ajv/dist/standalone/index.js') as { default: (ajv: unknown, v: unknown) => string }).default;
  const ajv = resultsAjv({ code: { source: true } });
  const dir = scratchDir('prebuilt-results-validator');
  const file = join(dir, 'validator.cjs');
  // the scratch file lies outside the project: its requires of ajv's runtime helpers name the package's folder
  const ajvFolder = dirname(require.resolve('ajv/package.json'));
  writeFileSync(file, standaloneCode(ajv, ajv.compile(resultsSchema())).replace(/require\("ajv\//g, `require(${JSON.stringify(ajvFolder + '/').slice(0, -1)}`));
  const prebuilt = require(file) as ResultsValidator;
  const runtime = resultsAjv().compile(resultsSchema());

  const good = JSON.parse(stableStringify(exampleResults()));
  const wrongTag = { ...structuredClone(good), schema: 'causeway.results/2' };
  const noDefinitions = structuredClone(good);
  delete noDefinitions.cells[0].definitions;
  const stringEstimate = structuredClone(good);
  stringEstimate.cells[0].estimators[0].estimates.ate.estimate = '176';
  const values = [good, wrongTag, noDefinitions, stringEstimate];
  let failures = 0;
  for (const value of values) {
    assert.equal(prebuilt(structuredClone(value)), runtime(structuredClone(value)));
    const strip = (errors: unknown) => ((errors ?? []) as Array<Record<string, unknown>>).map(({ schema: _s, parentSchema, ...e }) => ({ ...e, parent: JSON.stringify(parentSchema) }));
    assert.deepEqual(strip(prebuilt.errors), strip(runtime.errors));
    if ((runtime.errors ?? []).length > 0) failures++;
  }
  assert.equal(failures, values.length - 1, 'every broken value fails, the example passes');
});

test('validateResults uses the build\'s standalone module when it was made from the current schema', (t) => {
  const built = fileURLToPath(new URL(`../../src/report/${PREBUILT_RESULTS_VALIDATOR}`, import.meta.url));
  if (!existsSync(built)) {
    t.skip('no standalone validator in dist/ (built by tsc alone, without scripts/postbuild.mjs)');
    return;
  }
  const validator = resultsValidator() as ResultsValidator & { schemaHash?: string };
  assert.equal(validator.schemaHash, resultsSchemaHash(), 'the prebuilt module, not a runtime compile');
  assert.equal(validator(JSON.parse(stableStringify(exampleResults()))), true);
});
