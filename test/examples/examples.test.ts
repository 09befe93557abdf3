// The golden examples (test/examples/examples.ts): each demo spec's results.json and report.md equal
// the committed ones byte for byte, and every figure and table its committed hash. The same runs are
// checked for what they must hold whatever is committed (every cell and estimator ok, the robustness
// families, a cached re-run), so that the demo specs are run once per suite, not again end to end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { causeway, EXAMPLES, examplesDir, runExamples, type ExampleOutput } from './examples.js';
import { crossfitFolds } from '../support/e2e.js';

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

/** results.json of a golden example's run in this suite run (not the committed one). */
function ranResults(name: string) {
  return JSON.parse(outputs.find((o) => o.name === name)!.text['results.json']!) as {
    cells: Array<{ status: string; estimators: Array<{ id: string; outcome?: string; status: string }> }>;
    summary: { robustness: Array<{ family: string; specifications: number }> };
  };
}

test('discovery-mediation demo spec: every cross-fitted estimator\'s folds, per repeat, in crossfit_folds.csv and not in results.json', () => {
  const dir = join(work, 'discovery-mediation');
  const text = outputs.find((o) => o.name === 'discovery-mediation')!.text['results.json']!;
  assert.ok(!text.includes('crossfitFolds'));
  const cell = (JSON.parse(text) as { cells: Array<{ sample: { users: number }; estimators: Array<{ id: string; outcome?: string; status: string; diagnostics: { folds?: Array<{ test_users: number }> } }> }> }).cells[0]!;
  assert.ok(cell.estimators.every((e) => e.status === 'ok'), 'every estimator ok');
  const folds = crossfitFolds(dir);
  const splits = new Map<string, number[]>();
  for (const r of folds.rows) splits.set(`${r.estimator}/${r.repeat}`, [...(splits.get(`${r.estimator}/${r.repeat}`) ?? []), r.user]);
  assert.deepEqual([...splits.keys()], ['aipw/1', 'mediation_crossfit_linear/1', 'mediation_lightgbm/1', 'mediation_xgboost_plugin/1', 'mediation_xgboost/1', 'mediation_xgboost/2', 'mediation_xgboost/3', 'mediation_xgboost/4', 'mediation_xgboost/5']);
  for (const [key, users] of splits) assert.equal(new Set(users).size, cell.sample.users, `${key}: each analysed user once`);
  const aipwFolds = cell.estimators.find((e) => e.id === 'aipw' && !e.outcome)!.diagnostics.folds!;
  aipwFolds.forEach((f, k) => assert.equal(folds.rows.filter((r) => r.estimator === 'aipw' && r.fold === k + 1).length, f.test_users, `aipw fold ${k + 1}`));
  assert.match(readFileSync(join(dir, 'tables', 'artifact_index.csv'), 'utf8'), /^crossfit_folds\.csv,csv,\d+/m);
});

test('long-term-effects demo spec: its cell and every estimator ok, with the weight-sensitivity figure', () => {
  const results = ranResults('long-term-effects');
  assert.equal(results.cells[0]!.status, 'ok');
  for (const id of ['naive', 'msm', 'gcomp_linear', 'gcomp_lightgbm', 'aipw', 'aipw_per_arm']) {
    assert.equal(results.cells[0]!.estimators.find((e) => e.id === id && !e.outcome)?.status, 'ok', id);
  }
  assert.ok(existsSync(join(work, 'long-term-effects', 'figures', 'weight_sensitivity.png')));
});

test('robustness demo spec: its grid runs, summarizes families, and a re-run is served from the cache', () => {
  const name = 'discovery-mediation-robustness';
  const results = ranResults(name);
  assert.equal(results.cells.length, 12);
  assert.ok(results.cells.every((c) => c.status === 'ok'));
  // seed 004's families, one choice at a time around the base: 1 outcome, 4 thresholds, 5 mediators, 5 models
  assert.deepEqual(results.summary.robustness.map((f) => [f.family, f.specifications]), [
    ['outcomes.primary', 1], ['treatment.threshold.value', 4], ['mediator', 5], ['models.nuisance', 5],
  ]);
  const folds = () => readFileSync(join(work, name, 'crossfit_folds.csv'), 'utf8');
  const gridFolds = folds();
  assert.match(gridFolds, /,mediation,,1,/, 'the gbm cells cross-fit the mediation estimator');
  // the example ran with --no-cache, which still stores each computed cell (src/run/engine.ts)
  assert.match(causeway(work, ['run', `${name}.yaml`, '--out', name]), /0 computed, 12 from cache/);
  assert.equal(folds(), gridFolds, 'cached cells keep their fold assignments');
});
