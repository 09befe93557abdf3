import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeRunDirectory, renderReport, runDirectoryFor, readResults } from '../../src/report/writer.js';
import { compareResults, compareRuns, lineDiff } from '../../src/report/compare.js';
import { resolveInside, writeFileAtomic } from '../../src/report/files.js';
import { stableStringify, type Results } from '../../src/results/index.js';
import { summarizeCells } from '../../src/sensitivity/robustness.js';
import { exampleResults, exampleSpecYaml } from './fixture.js';
import { scratchDir } from '../scratch.js';

/** Two cells keep the test quick while still exercising per-cell folders. */
function twoCellResults(): Results {
  const r = exampleResults();
  r.cells = [r.cells[0]!, r.cells[1]!];
  r.spec.grid = [{ path: 'mediator', values: ['satisfaction_depth_score', 'high_satisfaction_share'] }];
  r.summary = summarizeCells(r.cells, { estimator: 'aipw', gridAxes: ['mediator'] });
  return r;
}

function tmp(): string {
  return scratchDir('causeway-run-');
}

test('writeRunDirectory writes report, figures, tables, results, manifest, spec and cell folders', async () => {
  const root = tmp();
  const dir = runDirectoryFor(root, 'discovery-mediation', 'run-1');
  const results = twoCellResults();
  const out = await writeRunDirectory(dir, results, { specYaml: exampleSpecYaml, manifest: { runId: 'run-1', timings: { load: 1.25 } }, figures: ['png', 'svg'] });
  assert.equal(out.reportPath, join(dir, 'report.md'));
  for (const f of ['report.md', 'results.json', 'manifest.json', 'spec.resolved.yaml', 'figures/estimator_forest.png', 'figures/estimator_forest.svg', 'figures/dag.png', 'tables/estimator_comparison.csv', 'tables/artifact_index.csv']) {
    assert.ok(existsSync(join(dir, f)), f);
  }
  // results.json is the stable serialization, and reads back to the same value
  assert.equal(readFileSync(join(dir, 'results.json'), 'utf8'), stableStringify(results));
  assert.deepEqual(readResults(dir), JSON.parse(stableStringify(results)));
  // manifest
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  assert.equal(manifest.node, process.version);
  assert.equal(manifest.causeway, '0.1.0');
  assert.equal(manifest.spec.hash, results.spec.hash);
  assert.equal(manifest.archiveFingerprint, results.data.fingerprint);
  assert.equal(manifest.seed, 20200705);
  assert.equal(manifest.timings.load, 1.25);
  assert.ok(manifest.timings.reportSeconds > 0);
  assert.deepEqual(manifest.cells.map((c: { id: string }) => c.id), results.cells.map((c) => c.id));
  assert.deepEqual(manifest.warnings, results.warnings);
  // per-cell folders with their own report, results and figures
  for (const c of results.cells) {
    assert.ok(existsSync(join(dir, 'cells', c.id, 'report.md')));
    assert.ok(existsSync(join(dir, 'cells', c.id, 'figures', 'estimator_forest.png')));
    assert.equal(readFileSync(join(dir, 'cells', c.id, 'results.json'), 'utf8'), stableStringify(c));
  }
  // every table in the report has its CSV; every linked figure exists; no temp files left
  const md = readFileSync(join(dir, 'report.md'), 'utf8');
  for (const m of md.matchAll(/\]\((tables\/[a-z_]+\.csv)\)/g)) assert.ok(existsSync(join(dir, m[1]!)), m[1]);
  for (const m of md.matchAll(/\]\((figures\/[a-z_]+\.png)\)/g)) assert.ok(existsSync(join(dir, m[1]!)), m[1]);
  const all = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? all(join(d, e.name)) : [e.name]));
  assert.ok(!all(dir).some((n) => n.includes('.tmp-')), 'no temp files');
  // artifact index lists the files with sizes (seed 003)
  assert.match(md, /\| `figures\/estimator_forest\.png` \| png \| [\d,]+ \|/);
  assert.match(md, /\| `results\.json` \| json \| [\d,]+ \|/);
  assert.match(md, /\| `cells\/[^/]+\/` \| folder \(\d+ files\) \|/);
  rmSync(root, { recursive: true, force: true });
});

test('output paths never leave the run directory', async () => {
  const root = tmp();
  assert.throws(() => runDirectoryFor(root, '../../x', 'run'), (e: Error & { code?: string }) => e.code === 'REPORT_UNSAFE_NAME');
  assert.throws(() => runDirectoryFor(root, 'ok', '../run'), (e: Error & { code?: string }) => e.code === 'REPORT_UNSAFE_NAME');
  assert.throws(() => runDirectoryFor(root, 'a/b', 'run'), (e: Error & { code?: string }) => e.code === 'REPORT_UNSAFE_NAME');
  assert.throws(() => resolveInside(root, '../../x'), (e: Error & { code?: string }) => e.code === 'REPORT_PATH_ESCAPE');
  assert.throws(() => resolveInside(root, 'figures/../../x'), (e: Error & { code?: string }) => e.code === 'REPORT_PATH_ESCAPE');
  assert.throws(() => resolveInside(root, '/etc/passwd'), (e: Error & { code?: string }) => e.code === 'REPORT_PATH_ESCAPE');
  assert.throws(() => writeFileAtomic(root, '../escape.txt', 'x'), (e: Error & { code?: string }) => e.code === 'REPORT_PATH_ESCAPE');
  assert.ok(!existsSync(join(root, '..', 'escape.txt')));
  assert.equal(resolveInside(root, 'figures/../tables/x.csv'), join(root, 'tables', 'x.csv'));
  // a cell id that is not a safe name stops the writer before it writes a cell folder
  const r = twoCellResults();
  r.cells[1]!.id = '../../evil';
  const dir = join(root, 'run');
  await assert.rejects(writeRunDirectory(dir, r, { specYaml: exampleSpecYaml }), (e: Error & { code?: string }) => e.code === 'REPORT_UNSAFE_NAME');
  assert.ok(!existsSync(join(root, 'evil')));
  rmSync(root, { recursive: true, force: true });
});

test('renderReport re-renders from results.json alone, and picks up a template edit', async () => {
  const root = tmp();
  const dir = join(root, 'run');
  const results = twoCellResults();
  await writeRunDirectory(dir, results, { specYaml: exampleSpecYaml });
  const first = readFileSync(join(dir, 'report.md'), 'utf8');
  const forest = readFileSync(join(dir, 'figures', 'estimator_forest.png'));
  const resultsBytes = readFileSync(join(dir, 'results.json'));
  rmSync(join(dir, 'report.md'));
  rmSync(join(dir, 'figures'), { recursive: true });
  rmSync(join(dir, 'tables'), { recursive: true });
  await renderReport(dir);
  assert.equal(readFileSync(join(dir, 'report.md'), 'utf8').replace(/\| `manifest\.json` \| json \| [^|]+\|/, ''), first.replace(/\| `manifest\.json` \| json \| [^|]+\|/, ''));
  assert.ok(readFileSync(join(dir, 'figures', 'estimator_forest.png')).equals(forest), 'figure bytes identical after re-render');
  assert.ok(readFileSync(join(dir, 'results.json')).equals(resultsBytes), 'results.json untouched');
  // a team template: edit, re-render, the change shows (a file reference: a template path given as a
  // string must lie in the working folder's tree, src/spec/project.ts)
  const tpl = join(root, 'team.md.hbs');
  writeFileSync(tpl, '# {{title}}\n\nVersion one.\n\n{{> estimators}}\n');
  await renderReport(dir, { template: { kind: 'file', path: tpl } });
  assert.match(readFileSync(join(dir, 'report.md'), 'utf8'), /Version one\./);
  writeFileSync(tpl, '# {{title}}\n\nVersion two.\n');
  await renderReport(dir, { template: { kind: 'file', path: tpl } });
  const md = readFileSync(join(dir, 'report.md'), 'utf8');
  assert.match(md, /Version two\./);
  assert.doesNotMatch(md, /Version one\./);
  // a directory without results.json is a clear error
  await assert.rejects(renderReport(join(root, 'nope')), (e: Error & { code?: string }) => e.code === 'RUN_DIR_INVALID');
  rmSync(root, { recursive: true, force: true });
});

test('compareRuns: changed estimates with delta, CI change, sign and zero-crossing flags, and the spec diff', async () => {
  const root = tmp();
  const a = twoCellResults();
  const b = twoCellResults();
  const cell = b.cells[0]!;
  const aipw = cell.estimators.find((e) => e.id === 'aipw' && e.outcome === undefined)!;
  aipw.estimates.ate = { ...aipw.estimates.ate!, estimate: -2.5, ci: [-4.0, -1.0] };
  const ipwSecondary = cell.estimators.find((e) => e.id === 'ipw' && e.outcome === 'future_7day_active_day')!;
  ipwSecondary.estimates.ate = { ...ipwSecondary.estimates.ate!, estimate: 0.5 };
  b.cells.push({ ...b.cells[1]!, id: 'c9-new' });
  b.summary = summarizeCells(b.cells, { estimator: 'aipw' });
  await writeRunDirectory(join(root, 'A'), a, { specYaml: exampleSpecYaml, cellFolders: false });
  await writeRunDirectory(join(root, 'B'), b, { specYaml: exampleSpecYaml.replace('quantile: 0.5, among', 'quantile: 0.6, among'), cellFolders: false });
  const { markdown, json } = compareRuns(join(root, 'A'), join(root, 'B'));
  assert.equal(json.changes.length, 2);
  const c = json.changes.find((x) => x.estimator === 'aipw')!;
  assert.equal(c.a, 4.1);
  assert.equal(c.b, -2.5);
  assert.ok(Math.abs(c.delta! - -6.6) < 1e-12);
  assert.equal(c.signChanged, true);
  assert.equal(c.zeroCrossingChanged, true);
  const s = json.changes.find((x) => x.outcome === 'future_7day_active_day')!;
  assert.equal(s.signChanged, false);
  assert.deepEqual(json.cellsOnlyB, ['c9-new']);
  assert.ok(json.unchanged > 20);
  assert.match(markdown, /2 estimate\(s\) changed, \d+ unchanged; \d by one standard error or more; \*\*1 changed sign or zero-crossing\*\*/);
  // both changes are in one cell: named once above the table, not on every row
  assert.match(markdown, /Cell `c0-05-sati`:/);
  assert.match(markdown, /\| aipw \| ate \| 4\.10 \| -2\.50 \| -6\.60 \| [\d.]+ \| \\\[-1\.12, 10\.48\\\] → \\\[-4\.00, -1\.00\\\] \| sign flipped; crosses zero → excludes zero \|/);
  assert.match(markdown, /Cells only in B: `c9-new`\./);
  assert.match(markdown, /```diff\n--- .*A\/spec\.resolved\.yaml\n\+\+\+ .*B\/spec\.resolved\.yaml\n@@ -\d+,7 \+\d+,7 @@\n/);
  assert.match(markdown, /^-  threshold: \{ quantile: 0\.5, among: population \}$/m);
  assert.match(markdown, /^\+  threshold: \{ quantile: 0\.6, among: population \}$/m);
  // identical runs: nothing changed, specs identical
  const same = compareRuns(join(root, 'A'), join(root, 'A'));
  assert.equal(same.json.changes.length, 0);
  assert.match(same.markdown, /The resolved specs are identical/);
  rmSync(root, { recursive: true, force: true });
});

test('lineDiff: LCS hunks with context', () => {
  const a = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n') + '\n';
  const b = ['a', 'b', 'c', 'D', 'e', 'f', 'g', 'h', 'i', 'j', 'k'].join('\n') + '\n';
  // changes 6 lines apart (≤ 2 × context) share one hunk
  assert.equal(lineDiff(a, b, ['a', 'b']), ['--- a', '+++ b', '@@ -1,10 +1,11 @@', ' a', ' b', ' c', '-d', '+D', ' e', ' f', ' g', ' h', ' i', ' j', '+k', ''].join('\n'));
  // further apart: two hunks
  const long = Array.from({ length: 20 }, (_, i) => `l${i}`);
  const changed = [...long];
  changed[2] = 'X';
  changed[17] = 'Y';
  assert.equal(lineDiff(long.join('\n'), changed.join('\n'), ['a', 'b']), ['--- a', '+++ b', '@@ -1,6 +1,6 @@', ' l0', ' l1', '-l2', '+X', ' l3', ' l4', ' l5', '@@ -15,6 +15,6 @@', ' l14', ' l15', ' l16', '-l17', '+Y', ' l18', ' l19', ''].join('\n'));
  assert.equal(lineDiff(a, a), '');
});

test('compareResults pairs cells across a spec edit (new ids) by grid axes, or the single cell of each run', () => {
  const a = twoCellResults();
  const b = twoCellResults();
  b.cells = b.cells.map((c) => ({ ...c, id: `new-${c.id}` }));
  const aipw = b.cells[1]!.estimators.find((e) => e.id === 'aipw' && e.outcome === undefined)!;
  aipw.estimates.ate = { ...aipw.estimates.ate!, estimate: 9.99 };
  const r = compareResults(a, b, 'x: 1\n', 'x: 2\n');
  assert.deepEqual(r.json.cellsOnlyA, []);
  assert.deepEqual(r.json.cellsOnlyB, []);
  assert.equal(r.json.changes.length, 1);
  assert.equal(r.json.changes[0]!.cell, `${a.cells[1]!.id} → new-${a.cells[1]!.id}`);
  assert.equal(r.json.changes[0]!.b, 9.99);
  // single-cell runs with no grid: the two cells are compared whatever their ids
  const one = (x: Results, id: string): Results => ({ ...x, cells: [{ ...x.cells[0]!, id, axes: {} }] });
  const s = compareResults(one(a, 'aaa'), one(b, 'bbb'), '', '');
  assert.deepEqual(s.json.cellsOnlyA, []);
  assert.equal(s.json.changes.length, 0);
  assert.ok(s.json.unchanged > 10);
});
