// The spec's TypeScript types are generated from the JSON Schema; this fails when they drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

test('src/spec/types.generated.ts matches schemas/causeway.schema.json', async () => {
  const { generateSpecTypes } = (await import(`${root}scripts/gen-types.mjs`)) as { generateSpecTypes(): Promise<string> };
  const expected = await generateSpecTypes();
  const committed = readFileSync(`${root}src/spec/types.generated.ts`, 'utf8');
  assert.equal(committed, expected, 'types drifted from the schema: run npm run gen:types');
});

test('the schema is valid draft 2020-12 under ajv strict mode', async () => {
  const { specValidator } = await import('../../src/spec/load.js');
  assert.equal(typeof specValidator(), 'function');
});

test('docs/spec-reference.md is generated from the current schema', async () => {
  const { generateSpecReference } = (await import(`${root}scripts/gen-spec-reference.mjs`)) as { generateSpecReference(): string };
  assert.equal(readFileSync(`${root}docs/spec-reference.md`, 'utf8'), generateSpecReference(), 'run node scripts/gen-spec-reference.mjs');
});

test('README.md carries the current spec and CLI reference', async () => {
  const { generateReadme } = (await import(`${root}scripts/gen-spec-reference.mjs`)) as { generateReadme(): Promise<string> };
  assert.equal(readFileSync(`${root}README.md`, 'utf8'), await generateReadme(), 'run node scripts/gen-spec-reference.mjs');
});
