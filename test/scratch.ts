/**
 * Scratch folders for tests, removed when the test file finishes, whether its tests passed or failed
 * (an `after` hook on the root test, and on process exit should the runner stop early). scripts/test.mjs
 * runs the suite with TMPDIR set to a folder of its own and fails if anything is left in it.
 */
import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

function removeAll(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

after(removeAll);
process.on('exit', removeAll);

/** A new empty folder `causeway-<name>-XXXXXX` in the temp folder, removed when the test file ends. */
export function scratchDir(name: string): string {
  const prefix = name.startsWith('causeway-') ? name : `causeway-${name}`;
  const dir = mkdtempSync(join(tmpdir(), prefix.endsWith('-') ? prefix : `${prefix}-`));
  made.push(dir);
  return dir;
}
