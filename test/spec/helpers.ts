// Shared by the spec tests: temporary spec files and the located error lines a rejection prints.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CausewayError, CausewayErrors } from '../../src/errors.js';
import { scratchDir } from '../scratch.js';

/** A scratch folder, removed when the test file ends (test/scratch.ts). */
export function tempDir(prefix = 'causeway-spec-'): string {
  return scratchDir(prefix);
}

export function writeSpec(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Every error as `file:line:col  pointer  message` lines, the way the CLI prints them. */
export function errorLines(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof CausewayErrors) return e.errors.map((x) => x.format());
    if (e instanceof CausewayError) return [e.format()];
    throw e;
  }
  assert.fail('expected the spec to be rejected');
}
