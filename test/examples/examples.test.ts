// The golden examples (test/examples/examples.ts): each demo spec's results.json and report.md equal
// the committed ones byte for byte, and every figure and table its committed hash.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLES, examplesDir, runExamples, type ExampleOutput } from './examples.js';

const work = mkdtempSync(join(tmpdir(), 'causeway-examples-'));
let outputs: ExampleOutput[] = [];
before(() => {
  outputs = runExamples(work);
});
after(() => rmSync(work, { recursive: true, force: true }));

const HINT = 'if the change is intended, run `npm run examples:update` and review the diff of test/examples/';

for (const ex of EXAMPLES) {
  test(`golden example ${ex.name}: results.json, report.md and every figure and table as committed`, () => {
    const out = outputs.find((o) => o.name === ex.name)!;
    const dir = join(examplesDir, ex.name);
    assert.ok(existsSync(join(dir, 'results.json')), `no golden files for ${ex.name}: ${HINT}`);
    for (const [file, content] of Object.entries(out.text)) {
      assert.ok(content === readFileSync(join(dir, file), 'utf8'), `${ex.name}/${file} differs from the golden example; ${HINT}`);
    }
    const hashes = JSON.parse(readFileSync(join(dir, 'files.sha256.json'), 'utf8')) as Record<string, string>;
    assert.deepEqual(out.hashes, hashes, `${ex.name}: figure or table hashes differ; ${HINT}`);
  });
}
