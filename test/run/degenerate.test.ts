/**
 * Degenerate designs fail their cell with a clear reason before any estimator runs: never a zero-width
 * interval presented as precise, never an internal error (NaN reaching the results writer).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSpec } from '../../src/run/run-spec.js';
import type { Results } from '../../src/results/index.js';
import { MIN_CLUSTERS } from '../../src/frame/design.js';
import { scratchDir } from '../scratch.js';
import { TINY_SPEC, writeTinyProject } from './fixtures/tiny-spec.js';

let project: string;
before(async () => {
  project = scratchDir('degenerate');
  await writeTinyProject(project);
});

async function runVariant(name: string, edit: (spec: string) => string): Promise<Results> {
  const spec = join(project, `${name}.yaml`);
  writeFileSync(spec, edit(TINY_SPEC));
  const out = join(project, `run-${name}`);
  const lines: string[] = [];
  await runSpec(spec, { out, cacheDir: join(project, 'cache'), noCache: true, progress: 'none', quiet: true, log: (l) => lines.push(l) });
  assert.doesNotMatch(lines.join('\n'), /internal error/, lines.join('\n'));
  return JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
}

test('a one-user sample fails its cell (too few clusters), with no zero-width interval reported', async () => {
  // 40 users with ids 0..39: modulus 40 keeps exactly one
  const r = await runVariant('one-user', (s) => s.replace('modulus: 1, remainder: 0', 'modulus: 40, remainder: 3'));
  const [cell] = r.cells;
  assert.equal(cell.status, 'failed');
  assert.match(cell.reason!, new RegExp(`DESIGN_TOO_FEW_CLUSTERS: the analysis frame holds 1 user; intervals clustered by user need at least ${MIN_CLUSTERS}`));
  assert.equal(cell.estimators.length, 0);
});

test('an empty population fails its cell with the rule named, not NaN in the results writer', async () => {
  const r = await runVariant('empty', (s) => s.replace(/^population: .*$/m, 'population: interactions > 100000'));
  const [cell] = r.cells;
  assert.equal(cell.status, 'failed');
  assert.match(cell.reason!, /DESIGN_EMPTY_POPULATION: the population \(interactions > 100000\) keeps no user-day/);
});

test('an empty arm: a warning and each estimator failed, never an estimate', async () => {
  const r = await runVariant('no-treated', (s) => s.replace('threshold: { value: 0.5 }', 'threshold: { value: 2 }'));
  const [cell] = r.cells;
  assert.ok(cell.warnings.some((w) => /one treatment arm is empty/.test(w)), cell.warnings.join('\n'));
  assert.ok(cell.estimators.length > 0 && cell.estimators.every((e) => e.status === 'failed' && /arm is empty/.test(e.reason ?? '')));
});
