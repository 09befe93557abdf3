// The same data at another path or in another layout (outer zip, inner zip, extracted folder) give a
// byte-identical results.json: seeds come from cell ids, which leave data.path out (src/spec/plan.ts),
// and results.json records a content fingerprint, not the archive's path or layout (src/run/cell.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeLayouts } from '../data/helpers.js';
import { runSpec } from '../../src/run/run-spec.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

test('one spec on the same data at two paths and in three layouts: results.json byte for byte', async (t) => {
  const layouts = await makeLayouts();
  t.after(() => rmSync(layouts.dir, { recursive: true, force: true }));
  const moved = join(layouts.dir, 'elsewhere', 'deeper', 'renamed.zip');
  mkdirSync(join(layouts.dir, 'elsewhere', 'deeper'), { recursive: true });
  copyFileSync(layouts.outer, moved);
  const work = join(layouts.dir, 'work');
  mkdirSync(work);
  copyFileSync(join(root, 'specs', 'demo', 'discovery-mediation.yaml'), join(work, 'base.yaml'));
  const spec = join(work, 'study.yaml');
  const results: Record<string, Buffer> = {};
  for (const [label, path] of Object.entries({ outer: layouts.outer, moved, inner: layouts.inner, folder: layouts.folder })) {
    writeFileSync(spec, [
      'extends: ./base.yaml',
      'name: location',
      `data: { source: kuairec, path: ${JSON.stringify(path)}, sample: null, tables: [user_features, item_categories, item_daily_features] }`,
      'history: { future: { days: [3], of: [active_day, interactions, total_play_duration_sec] } }',
      'population: active_day and not missing(future_3day_interactions)',
      'outcomes: { primary: future_3day_interactions, secondary: null }',
      'covariates: { numeric: [calendar_day_index, "lag_1_*"], categorical: null }',
      'estimators:',
      '  - { id: naive, kind: difference_in_means }',
      '  - { id: ipw, kind: ipw, clip: [0.02, 0.98] }',
      '  - { id: aipw, kind: aipw, outcome: linear, crossfit: { folds: 2 } }',
      'heterogeneity: { estimator: aipw }',
      'uncertainty: { bootstrap: { reps: 30 } }',
      'sensitivity: { refuters: [] }',
      'diagnostics: [overlap]',
      'report: { figures: [] }',
      '',
    ].join('\n'));
    const out = join(work, `run-${label}`);
    const r = await runSpec(spec, { out, jobs: 1, quiet: true, progress: 'none', cacheDir: join(work, 'cache'), log: () => {} });
    assert.equal(r.exitCode, 0, label);
    results[label] = readFileSync(join(out, 'results.json'));
  }
  const parsed = JSON.parse(results.outer.toString('utf8')) as { cells: Array<{ status: string; estimators: Array<{ id: string; status: string; estimates?: Record<string, { ci?: unknown }> }> }> };
  assert.equal(parsed.cells[0].status, 'ok');
  // The bootstrap intervals are what moved with the path before: they must be there to compare.
  assert.ok(parsed.cells[0].estimators.some((e) => e.status === 'ok' && Object.values(e.estimates ?? {}).some((x) => Array.isArray(x.ci))), 'no bootstrap interval to compare');
  for (const label of ['moved', 'inner', 'folder']) {
    assert.ok(results[label].equals(results.outer), `results.json of the ${label} layout differs from the outer zip's`);
  }
  assert.doesNotMatch(results.outer.toString('utf8'), /18164998|renamed|KuaiRec 2\.0|layout/);
});
