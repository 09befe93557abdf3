// Run ids hash the whole resolved spec: a grid edit or a report setting gets a run folder of its own
// (never replacing the earlier run), the data's location does not count, and runs/<name>/latest points
// at the newest run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runIdOf } from '../../src/run/run-spec.js';
import { loadSpec } from '../../src/spec/load.js';
import { scratchDir } from '../scratch.js';
import { bin, root } from '../support/cli.js';

const robustness = join(root, 'specs', 'demo', 'discovery-mediation-robustness.yaml');

function spec(dir: string, name: string, body: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, body);
  return file;
}

test('the run id changes with the grid, the report settings and the name, not with where the data lie', () => {
  const dir = scratchDir('run-id');
  const base = runIdOf(loadSpec(robustness));
  const fewer = spec(dir, 'fewer', `extends: ${robustness}\nsensitivity:\n  grid:\n    treatment.threshold.value: [0.4, 0.5]\n`);
  const figures = spec(dir, 'figures', `extends: ${robustness}\nreport: { figures: [estimator_forest] }\n`);
  const here = spec(dir, 'here', `extends: ${robustness}\ndata: { path: ./a/18164998.zip }\n`);
  const there = spec(dir, 'there', `extends: ${robustness}\ndata: { path: /elsewhere/18164998.zip }\n`);
  assert.notEqual(runIdOf(loadSpec(fewer)), base, 'a 24-cell and a 36-cell grid of one spec share a run folder');
  assert.notEqual(runIdOf(loadSpec(figures)), base, 'report settings are part of the run');
  assert.equal(runIdOf(loadSpec(here)), runIdOf(loadSpec(there)), 'the data path is not part of the run id');
  assert.equal(runIdOf(loadSpec(robustness)), base, 'the same spec has the same run id');
});

test('an edited spec writes a new run folder beside the old one, and latest points at the newest', () => {
  const dir = scratchDir('run-latest');
  const env = { ...process.env, CAUSEWAY_CACHE: join(dir, 'cache'), CI: 'true' };
  const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env });
  assert.equal(run(['synth', '--out', 'archive/18164998.zip', '--users', '40', '--days', '20', '--videos', '200', '--seed', '3']).status, 0);
  const common = `extends: ${join(root, 'specs', 'demo', 'discovery-mediation.yaml')}\nname: study\ndata: { path: archive/18164998.zip, sample: { modulus: 1 } }\n` +
    'estimators: [{ id: naive, kind: difference_in_means }]\nuncertainty: { bootstrap: { reps: 5 } }\nheterogeneity: null\nsensitivity: { evalue: false }\n';
  const first = spec(dir, 'first', common + 'report: { figures: [estimator_forest] }\n');
  const second = spec(dir, 'second', common + 'report: { figures: [estimator_forest, overlap] }\n');
  const a = run(['run', first, '--quiet']);
  assert.equal(a.status, 0, a.stderr + a.stdout);
  // the closing line tells the cells, the report and the whole command apart (no time left unreported)
  assert.match(a.stdout, /\(cells \d+\.\d s, report \d+\.\d s, \d+\.\d s in all\)/);
  const idA = runIdOf(loadSpec(first));
  assert.equal(readlinkSync(join(dir, 'runs', 'study', 'latest')), idA);
  // a fully cached re-run keeps the report it has: same inputs, so nothing is drawn again
  const figure = join(dir, 'runs', 'study', idA, 'figures', 'estimator_forest.png');
  const drawn = statSync(figure).mtimeMs;
  const again = run(['run', first, '--quiet']);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(statSync(figure).mtimeMs, drawn, 'an unchanged run re-drew its figures');
  // causeway report always re-renders, and drops the key so a later run cannot mistake its output
  assert.equal(run(['report', join('runs', 'study', idA)]).status, 0);
  assert.ok(statSync(figure).mtimeMs > drawn || !existsSync(join(dir, 'runs', 'study', idA, '.causeway-render')));
  assert.ok(!existsSync(join(dir, 'runs', 'study', idA, '.causeway-render')));
  const b = run(['run', second, '--quiet']);
  assert.equal(b.status, 0, b.stderr + b.stdout);
  const idB = runIdOf(loadSpec(second));
  assert.notEqual(idA, idB);
  assert.ok(existsSync(join(dir, 'runs', 'study', idA, 'results.json')), 'the earlier run is still there');
  assert.ok(existsSync(join(dir, 'runs', 'study', idB, 'results.json')));
  assert.equal(readlinkSync(join(dir, 'runs', 'study', 'latest')), idB);
});
