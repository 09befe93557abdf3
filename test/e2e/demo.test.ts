// End to end through the CLI on a small simulated archive: the discovery demo spec (its linear estimators)
// runs on the whole simulated population, the linear g-computation covers the simulator's true effect, and a run directory can be re-rendered and compared.
// That a fresh run of each demo spec reproduces a run to the byte, and what each demo spec's run holds
// (every cell and estimator ok, the robustness families, a cached re-run): test/examples/examples.test.ts,
// which runs every demo spec once for its golden files. Jobs and shards: test/e2e/grid.test.ts.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ARCHIVE_ARGS } from '../examples/examples.js';
import { simulatedArchive, SMALL_ARCHIVE_ARGS } from '../support/archives.js';
import { crossfitFolds, e2eHarness } from '../support/e2e.js';
import { root } from '../support/cli.js';

const { work, causeway, variant: variantOf } = e2eHarness('causeway-e2e-');
// the golden examples' archive (test/examples/examples.ts), built once per suite run and shared
let archive = '';
/** A smaller archive for the tests whose checks (every cell and estimator ok, byte identity, caching) need no size. */
let smallArchive = '';

/** A variant of a demo spec pointed at the small archive (and lighter where the demo is heavy). */
function variant(demo: string, name: string, extra = '', data = `{ path: ${archive} }`): string {
  return variantOf(demo, name, extra, data);
}

before(() => {
  archive = simulatedArchive(ARCHIVE_ARGS, join(work, 'archive'));
  smallArchive = simulatedArchive(SMALL_ARCHIVE_ARGS, join(work, 'small'));
});
const onSmall = () => `{ path: ${smallArchive} }`;

/** The demo spec's linear estimators, by id (what this file checks: the truth, the report, re-rendering, compare). */
const LINEAR: Record<string, string> = {
  naive: '{ id: naive, kind: difference_in_means }',
  ipw: '{ id: ipw, kind: ipw, propensity: logistic, clip: [0.02, 0.98], stabilize: true, cap_quantile: 0.99 }',
  gcomp_linear: '{ id: gcomp_linear, kind: gcomp, outcome: linear }',
  mediation_linear: '{ id: mediation_linear, kind: mediation, mediator_model: linear, outcome_model: linear, interaction: true, cde_at: { quantiles: [0.1, 0.9] } }',
  mediation_crossfit_linear: '{ id: mediation_crossfit_linear, kind: mediation, mediator_model: linear, outcome_model: linear, crossfit: { folds: 3 }, mediator_clip: [0, 1], cde_at: { quantiles: [0.1, 0.9] }, weights: ipw, propensity: logistic, clip: [0.02, 0.98], stabilize: true, cap_quantile: 0.99 }',
};
/** Spec lines for the named linear estimators, without heterogeneity, and with `figures`. */
const linearOnly = (ids: string[], figures: string[]) =>
  `estimators:\n${ids.map((id) => `  - ${LINEAR[id]}\n`).join('')}heterogeneity: null\nreport: { figures: [${figures.join(', ')}] }\n`;

test('discovery-mediation demo spec: covers the true effect, re-renders and compares', () => {
  // modulus 1: the whole simulated population, the one truth.json describes. The demo spec's linear
  // estimators only: its machine-learning ones (every cross-fitted estimator's folds included) run in
  // the golden example of the same spec (test/examples/examples.test.ts), and here they took two thirds
  // of this test's time without bearing on what it checks
  const whole = `{ path: ${archive}, sample: { modulus: 1 } }`;
  const spec = variant('discovery-mediation.yaml', 'e2e-discovery', 'uncertainty: { bootstrap: { reps: 100 } }\n' + linearOnly(Object.keys(LINEAR), ['estimator_forest', 'dag', 'overlap', 'mediation_decomposition']), whole);
  const first = causeway(['run', spec, '--out', join(work, 'run-a')]);
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.match(first.stdout, /report: .*run-a\/report\.md/);
  // no second, uncached run of this spec for byte identity (it cost the suite a whole run): a fresh run of
  // the discovery demo spec (half the users, fewer replicates) is compared byte for byte with the committed
  // one, crossfit_folds.csv included, by test/examples/examples.test.ts; a single-cell run has one worker
  // whatever --jobs says (src/run/engine.ts), so --jobs 2 here compared nothing more
  const a = readFileSync(join(work, 'run-a', 'results.json'));

  for (const f of ['report.md', 'manifest.json', 'spec.resolved.yaml', 'figures/estimator_forest.png', 'figures/dag.png', 'tables/estimator_comparison.csv']) {
    assert.ok(existsSync(join(work, 'run-a', f)), f);
  }

  const results = JSON.parse(a.toString()) as {
    cells: Array<{ estimators: Array<{ id: string; outcome?: string; status: string; estimates: Record<string, { estimate: number; ci: [number, number] }> }> }>;
  };
  assert.deepEqual(results.cells[0].estimators.filter((e) => !e.outcome).map((e) => [e.id, e.status]), [
    ['naive', 'ok'], ['ipw', 'ok'], ['gcomp_linear', 'ok'], ['mediation_linear', 'ok'], ['mediation_crossfit_linear', 'ok'],
  ]);
  const truth = JSON.parse(readFileSync(join(dirname(archive), 'truth.json'), 'utf8')) as { outcomes: { future_7day_interactions: { TE: number } } };
  const gcomp = results.cells[0].estimators.find((e) => e.id === 'gcomp_linear' && !e.outcome)!;
  const [lo, hi] = gcomp.estimates.ate.ci;
  const te = truth.outcomes.future_7day_interactions.TE;
  assert.ok(lo <= te && te <= hi, `true TE ${te} outside the gcomp_linear CI [${lo}, ${hi}]`);
  const naive = results.cells[0].estimators.find((e) => e.id === 'naive' && !e.outcome)!;
  assert.ok(naive.estimates.ate.estimate > hi, 'the unadjusted difference should be confounded upwards in the simulator');

  // the cross-fitted estimator's folds in the run folder and its artifact index, not in results.json
  // (every cross-fitted estimator of the demo spec: test/examples/examples.test.ts)
  const folds = crossfitFolds(join(work, 'run-a'));
  assert.ok(!a.toString().includes('crossfitFolds'));
  assert.deepEqual([...new Set(folds.rows.map((r) => `${r.estimator}/${r.repeat}`))], ['mediation_crossfit_linear/1']);
  const listed = () => readFileSync(join(work, 'run-a', 'tables', 'artifact_index.csv'), 'utf8');
  assert.match(listed(), /^crossfit_folds\.csv,csv,\d+/m);

  const report = readFileSync(join(work, 'run-a', 'report.md'), 'utf8');
  for (const section of ['## Summary', '## Question and estimands', '## Data and sample', '## Estimator comparison', '## Mediation decomposition', '## Overlap and balance']) {
    assert.ok(report.includes(section), section);
  }

  const rerender = causeway(['report', join(work, 'run-a')]);
  assert.equal(rerender.code, 0, rerender.stderr);
  assert.equal(readFileSync(join(work, 'run-a', 'report.md'), 'utf8'), report, 're-rendering an unchanged run gives the same report');
  assert.equal(crossfitFolds(join(work, 'run-a')).text, folds.text, 're-rendering keeps the fold assignments');
  assert.match(listed(), /^crossfit_folds\.csv,csv,\d+/m);

  // the run compared with: another mediator, and only the linear estimators (what compare is asked to show
  // here; the machine-learning ones tripled this test's time and are compared in test/report/compare.test.ts),
  // with fewer replicates (what is checked here is that compare runs and shows the estimators and the spec diff)
  const other = variant(
    'discovery-mediation.yaml',
    'e2e-discovery-other',
    'uncertainty: { bootstrap: { reps: 20 } }\nmediator: avg_watch_ratio_capped_2\n' +
      linearOnly(['naive', 'gcomp_linear', 'mediation_linear'], ['estimator_forest']),
    whole,
  );
  assert.equal(causeway(['run', other, '--out', join(work, 'run-c')]).code, 0);
  const compare = causeway(['compare', join(work, 'run-a'), join(work, 'run-c')]);
  assert.equal(compare.code, 0, compare.stderr);
  assert.match(compare.stdout, /mediation_linear/);
  assert.match(compare.stdout, /avg_watch_ratio_capped_2/, 'the spec diff is part of the comparison');
  const compareJson = causeway(['compare', join(work, 'run-a'), join(work, 'run-c'), '--json']);
  assert.equal(compareJson.code, 0);
  JSON.parse(compareJson.stdout);
});

test('a spec for the real archive runs unchanged on an archive in the real layout', () => {
  const spec = join(work, 'kuairec-on-simulated.yaml');
  writeFileSync(
    spec,
    `extends: ${join(root, 'specs', 'kuairec', 'discovery-mediation.yaml')}\nname: kuairec-layout\ndata: { path: ${smallArchive}, sample: { modulus: 2 } }\n` +
      'uncertainty: { bootstrap: { reps: 20 } }\nsensitivity: { refuter_reps: 2 }\n',
  );
  const r = causeway(['run', spec, '--out', join(work, 'run-kuairec')]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const results = JSON.parse(readFileSync(join(work, 'run-kuairec', 'results.json'), 'utf8')) as { data: { source: string }; cells: Array<{ status: string }> };
  assert.equal(results.data.source, 'kuairec');
  assert.equal(results.cells[0].status, 'ok');
});

test('a bad archive path stops the run at its spec line with a clear reason and exit 1', () => {
  const spec = join(work, 'missing-archive.yaml');
  writeFileSync(spec, `extends: ${join(root, 'specs', 'demo', 'discovery-mediation.yaml')}\nname: missing\ndata: { source: kuairec, path: ./nowhere/18164998.zip }\n`);
  const r = causeway(['run', spec, '--out', join(work, 'run-missing')]);
  assert.equal(r.code, 1);
  assert.match(r.stdout + r.stderr, /nowhere\/18164998\.zip.*(does not exist|not found)/);
  // checked before the run starts (src/run/check-spec.ts): at the spec's data.path line, no run folder
  assert.match(r.stderr, /missing-archive\.yaml:3:\d+ {2}\/data\/path /);
  assert.equal(existsSync(join(work, 'run-missing')), false);
  assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at .+:\d+:\d+/);
});
