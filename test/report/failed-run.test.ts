// A run in which no cell finished says so: report.md names the failures and claims no analysis; no
// figures or tables describe one (the DAG of an analysis that did not run, for instance).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReport, writeRunDirectory } from '../../src/report/writer.js';
import { exampleResults, exampleSpecYaml } from './fixture.js';
import { scratchDir } from '../scratch.js';

test('no cell finished: the report says the run failed, with each reason, and draws nothing', async () => {
  const results = exampleResults();
  results.cells = results.cells.slice(0, 2).map((c, i) => ({ ...c, status: 'failed' as const, reason: i === 0 ? 'DATA_MISSING_ARCHIVE: nowhere.zip does not exist' : 'DESIGN_TOO_FEW_CLUSTERS: 3 users\nsecond line' }));
  const dir = join(scratchDir('failed-run'), 'run');
  await writeRunDirectory(dir, results, { specYaml: exampleSpecYaml });
  const report = readFileSync(join(dir, 'report.md'), 'utf8');
  assert.match(report, /This run failed: none of its 2 cells finished/);
  assert.match(report, /DATA_MISSING_ARCHIVE: nowhere\.zip does not exist/);
  assert.match(report, /DESIGN_TOO_FEW_CLUSTERS: 3 users \|/);
  assert.doesNotMatch(report, /second line|## Estimator comparison|## Summary/);
  assert.ok(!existsSync(join(dir, 'figures')), 'no figures for an analysis that did not run');
  assert.ok(existsSync(join(dir, 'results.json')), 'the failures are kept in results.json');
  // re-rendering gives the same
  await renderReport(dir);
  assert.equal(readFileSync(join(dir, 'report.md'), 'utf8'), report);
});
