/**
 * The end-to-end tests' harness (test/e2e/demo.test.ts, test/e2e/grid.test.ts): the compiled CLI run in
 * a scratch folder with its own cache, demo-spec variants pointed at a simulated archive, and the
 * cross-fit folds file of a run folder. Two files so that node's test runner runs them side by side.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../scratch.js';
import { bin, root } from './cli.js';


export interface E2e {
  work: string;
  causeway(args: string[]): { code: number | null; stdout: string; stderr: string };
  /** A variant of a demo spec (specs/demo/<demo>) with its own name, data and extra lines. */
  variant(demo: string, name: string, extra: string, data: string): string;
}

export function e2eHarness(prefix: string): E2e {
  const work = scratchDir(prefix);
  const env = { CAUSEWAY_CACHE: join(work, 'cache'), CI: 'true' };
  return {
    work,
    causeway(args) {
      const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, ...env } });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    variant(demo, name, extra, data) {
      const file = join(work, `${name}.yaml`);
      writeFileSync(file, `extends: ${join(root, 'specs', 'demo', demo)}\nname: ${name}\ndata: ${data}\n${extra}`);
      return file;
    },
  };
}

/** crossfit_folds.csv of a run folder: its text and rows (cell, estimator, outcome, repeat, user_id, fold). */
export function crossfitFolds(dir: string) {
  const text = readFileSync(join(dir, 'crossfit_folds.csv'), 'utf8');
  const [header, ...lines] = text.trimEnd().split('\r\n');
  assert.equal(header, 'cell,estimator,outcome,repeat,user_id,fold');
  const rows = lines.map((l) => {
    const [cell, estimator, outcome, repeat, user, fold] = l.split(',');
    return { cell, estimator, outcome, repeat: Number(repeat), user: Number(user), fold: Number(fold) };
  });
  return { text, rows };
}
