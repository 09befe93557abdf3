// A child spec (with extends) is checked by editors against the raw schema before any merge: it must not
// be flagged for the sections its parent supplies. The merged spec (extends removed, src/spec/load.ts)
// must still have them all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { loadSpec, specSchema } from '../../src/spec/load.js';
import { errorLines, tempDir, writeSpec } from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The schema as an editor's validator sees it: strict draft 2020-12, the hover-only keyword known. */
function editorValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, discriminator: true });
  ajv.addKeyword({ keyword: 'markdownEnumDescriptions', schemaType: 'array' });
  return ajv.compile(specSchema());
}

/** The README's variant: the YAML block that starts with `# specs/demo/my-variant.yaml`. */
function readmeVariant(): Record<string, unknown> {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const block = /```yaml\n(# specs\/demo\/my-variant\.yaml\n[\s\S]*?)```/.exec(readme);
  assert.ok(block, 'README.md has the my-variant.yaml example');
  return parse(block[1]) as Record<string, unknown>;
}

test("the README's child spec validates against the raw schema as written", () => {
  const validate = editorValidator();
  const child = readmeVariant();
  assert.equal(typeof child.extends, 'string');
  assert.equal(child.data, undefined, 'the example leaves data to its parent');
  assert.equal(validate(child), true, JSON.stringify(validate.errors));
  // a child still gets its own keys checked
  assert.equal(validate({ ...child, mediatr: 'x' }), false);
  assert.ok(validate.errors?.some((e) => e.keyword === 'additionalProperties'));
});

test('without extends the raw schema requires every section', () => {
  const validate = editorValidator();
  const { extends: _parent, ...alone } = readmeVariant();
  assert.equal(validate(alone), false);
  const missing = (validate.errors ?? []).filter((e) => e.keyword === 'required').map((e) => (e.params as { missingProperty: string }).missingProperty);
  assert.deepEqual(missing.sort(), ['data', 'estimators', 'outcomes', 'spec', 'treatment']);
});

test('a merged spec that lacks a required section is still an error, named once', () => {
  const d = tempDir();
  writeSpec(d, 'parent.yaml', `spec: 1
name: parent
data: { source: synthetic }
treatment: { measure: discovery_candidate_share, threshold: { value: 0.5 } }
outcomes: { primary: future_7day_interactions }
`);
  const child = writeSpec(d, 'child.yaml', 'extends: ./parent.yaml\nname: child\n');
  const lines = errorLines(() => loadSpec(child));
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0], /missing required key 'estimators'/);
});
