// causeway compare for reviewers: changes ranked by |Δ| / SE(A), internal estimands left out unless
// asked for, the spec paths that changed, one label per cell pair, paths as the reader knows them, and
// the opt-in CI gates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compareResults, compareRuns, gateFailures, isReportedEstimand } from '../../src/report/compare.js';
import type { Results } from '../../src/results/index.js';
import { writeRunDirectory } from '../../src/report/writer.js';
import { exampleResults, exampleSpecYaml } from './fixture.js';

function pair(): [Results, Results] {
  const a = exampleResults();
  a.cells = [a.cells[0]!, a.cells[1]!];
  const b = structuredClone(a);
  return [a, b];
}
const primary = (r: Results, cell: number, id: string) => r.cells[cell]!.estimators.find((e) => e.id === id && e.outcome === undefined)!;

test('changes are ranked by |change| over A\'s standard error, not by their order in the results', () => {
  const [a, b] = pair();
  const small = primary(b, 0, 'aipw');
  const large = primary(b, 1, 'ipw');
  const seSmall = small.estimates.ate!.se ?? (small.estimates.ate!.ci![1] - small.estimates.ate!.ci![0]) / 3.92;
  small.estimates.ate = { ...small.estimates.ate!, estimate: small.estimates.ate!.estimate! + 0.1 * seSmall };
  const seLarge = large.estimates.ate!.se ?? (large.estimates.ate!.ci![1] - large.estimates.ate!.ci![0]) / 3.92;
  large.estimates.ate = { ...large.estimates.ate!, estimate: large.estimates.ate!.estimate! + 3 * seLarge };
  const { json, markdown } = compareResults(a, b, '', '');
  assert.deepEqual(json.changes.map((c) => c.estimator), ['ipw', 'aipw']);
  assert.ok(Math.abs(json.changes[0]!.z! - 3) < 1e-9, String(json.changes[0]!.z));
  assert.ok(Math.abs(json.changes[1]!.z! - 0.1) < 1e-9, String(json.changes[1]!.z));
  assert.match(markdown, /2 estimate\(s\) changed, \d+ unchanged; 1 by one standard error or more\./);
  // two cell pairs: a short label per pair on the rows, the ids once in a legend
  assert.match(markdown, /\| c1 \| ipw \| ate \|/);
  assert.match(markdown, new RegExp(`\\| c1 \\| \`${b.cells[1]!.id}\` \\|`));
});

test('estimands the report does not show are left out unless --all', () => {
  const [a, b] = pair();
  const aipw = primary(b, 0, 'aipw');
  aipw.estimates.internal_piece = { estimate: 1 };
  (primary(a, 0, 'aipw').estimates as Record<string, unknown>).internal_piece = { estimate: 2 };
  assert.equal(isReportedEstimand('internal_piece'), false);
  for (const k of ['ate', 'te', 'nde_debiased', 'nie', 'cde_q10', 'alpha', 'c_prime']) assert.ok(isReportedEstimand(k), k);
  for (const k of ['ate_gcomp', 'y0', 'y10_debiased', 'reverse_indirect', 'mediator_shift', 'total_regression']) assert.equal(isReportedEstimand(k), false, k);
  const shown = compareResults(a, b, '', '');
  assert.equal(shown.json.changes.length, 0);
  assert.equal(shown.json.hidden, 1);
  assert.match(shown.markdown, /1 change\(s\) of estimands the report does not show are left out \(`--all` lists them\)/);
  const all = compareResults(a, b, '', '', ['A', 'B'], { all: true });
  assert.deepEqual(all.json.changes.map((c) => c.estimand), ['internal_piece']);
});

test('the spec paths that changed head the comparison, and run folders show relative to the working folder', async () => {
  const root = mkdtempSync(join(process.cwd(), '.causeway-compare-test-'));
  try {
    const [a, b] = pair();
    await writeRunDirectory(join(root, 'A'), a, { specYaml: exampleSpecYaml, cellFolders: false });
    await writeRunDirectory(join(root, 'B'), b, { specYaml: exampleSpecYaml.replace('quantile: 0.5, among', 'quantile: 0.6, among'), cellFolders: false });
    const { json, markdown } = compareRuns(join(root, 'A'), join(root, 'B'));
    assert.deepEqual(json.specChanges, [{ path: 'treatment.threshold.quantile', old: 0.5, new: 0.6 }]);
    assert.match(markdown, /\| `treatment\.threshold\.quantile` \| `0\.5` \| `0\.6` \|/);
    assert.equal(json.runA, relative(process.cwd(), join(root, 'A')));
    assert.doesNotMatch(markdown, new RegExp(process.cwd().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('--fail-on gates: each names what tripped it, and an unchanged comparison passes them all', () => {
  const [a, b] = pair();
  const same = compareResults(a, b, '', '');
  assert.deepEqual(gateFailures(same.json, ['sign-flip', 'zero-crossing', 'status', 'cells', 'any']), []);
  const aipw = primary(b, 0, 'aipw');
  aipw.estimates.ate = { ...aipw.estimates.ate!, estimate: -Math.abs(aipw.estimates.ate!.estimate!) - 1, ci: [-9, -8] };
  b.cells.pop();
  const r = compareResults(a, b, '', '');
  const failures = gateFailures(r.json, ['sign-flip', 'cells']);
  assert.equal(failures.length, 2);
  assert.match(failures[0]!, /1 estimate\(s\) changed sign/);
  assert.match(failures[1]!, /1 cell\(s\) are in only one run/);
  assert.deepEqual(gateFailures(r.json, ['status']), []);
});
