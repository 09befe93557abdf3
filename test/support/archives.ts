/**
 * Simulated archives shared by the test files of one suite run. scripts/test.mjs names a folder for them
 * (CAUSEWAY_TEST_ARCHIVES, inside the run's temp folder, removed when the run ends, failed or not); each
 * archive is built once per run, under a key from its `causeway synth` arguments, and moved into place
 * whole, so two test processes that build the same one at once both end with a complete copy. Tests read
 * these archives and never write beside them. A test file run on its own (no such folder) builds its
 * archive in the scratch folder it names.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

function synth(dir: string, args: string[]): void {
  const r = spawnSync(process.execPath, [bin, 'synth', '--out', join(dir, '18164998.zip'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`causeway synth ${args.join(' ')} exited ${r.status}\n${r.stderr}${r.stdout}`);
}

/** The path of `18164998.zip` (truth.json beside it) simulated with `args`, built at most once per suite run. */
export function simulatedArchive(args: string[], scratch: string): string {
  const shared = process.env.CAUSEWAY_TEST_ARCHIVES;
  if (!shared) {
    synth(scratch, args);
    return join(scratch, '18164998.zip');
  }
  const key = createHash('sha256').update(JSON.stringify(args)).digest('hex').slice(0, 16);
  const dir = join(shared, key);
  const archive = join(dir, '18164998.zip');
  if (existsSync(archive)) return archive;
  mkdirSync(shared, { recursive: true });
  const building = mkdtempSync(join(shared, `${key}.building-`));
  try {
    synth(building, args);
    try {
      renameSync(building, dir);
    } catch (e) {
      // another test process moved its copy into place first
      if (!existsSync(archive)) throw e;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return archive;
}

/** The smaller archive of the end-to-end tests whose checks need no size (test/e2e/demo.test.ts, test/run/batch-recipes.test.ts). */
export const SMALL_ARCHIVE_ARGS = ['--users', '40', '--days', '16', '--videos', '200', '--seed', '5'];
