// The results contract's TypeScript types are generated from schemas/results.schema.json; these fail when they drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EstimateValue as EstimatorEstimateValue, EstimatorResult } from '../../src/estimate/types.js';
import type { EstimateValue, EstimatorEntry } from '../../src/results/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

test('src/results/types.generated.ts matches schemas/results.schema.json', async () => {
  const { generateResultsTypes } = (await import(`${root}scripts/gen-results-types.mjs`)) as { generateResultsTypes(): Promise<string> };
  const expected = await generateResultsTypes();
  const committed = readFileSync(`${root}src/results/types.generated.ts`, 'utf8');
  assert.equal(committed, expected, 'types drifted from the schema: run npm run gen:types');
});

// estimate/ writes EstimatorResult values that become EstimatorEntry values in results.json: the build
// fails here when the estimators' types and the schema's stop describing the same shape.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const estimateValueSame: Same<EstimatorEstimateValue, EstimateValue> = true;
const entryFromResult: Same<EstimatorResult, Omit<EstimatorEntry, 'label' | 'outcome'>> = true;

test('the estimators\' result types and the schema-generated entry types describe one shape', () => {
  assert.equal(estimateValueSame && entryFromResult, true);
});
