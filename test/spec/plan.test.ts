import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSpec } from '../../src/spec/load.js';
import { buildPlan } from '../../src/spec/plan.js';
import { diffPlanSpecs, diffSpecValues, planDiffMarkdown } from '../../src/spec/diff.js';
import { errorLines, tempDir, writeSpec } from './helpers.js';

const BASE = `spec: 1
name: grid
data: { source: synthetic, sample: { modulus: 2 } }
treatment: { measure: discovery_candidate_share, threshold: { quantile: 0.5 } }
mediator: high_satisfaction_share
outcomes: { primary: future_7day_interactions }
estimators:
  - { id: naive, kind: difference_in_means }
  - { id: ipw, kind: ipw, clip: [0.02, 0.98] }
`;

const specFile = (text: string, name = 'spec.yaml') => writeSpec(tempDir('causeway-plan-'), name, text);
const messages = errorLines;

test('a spec without a grid is one cell whose id ignores presentation keys', () => {
  const a = buildPlan(loadSpec(specFile(BASE)));
  assert.equal(a.cells.length, 1);
  assert.match(a.cells[0].id, /^[0-9a-f]{12}$/);
  const renamed = buildPlan(loadSpec(specFile(BASE.replace('name: grid', 'name: other\ntitle: A title'))));
  assert.equal(renamed.cells[0].id, a.cells[0].id);
  const reordered = buildPlan(loadSpec(specFile(BASE.replace('clip: [0.02, 0.98]', 'clip: [0.02, 0.98], stabilize: true'))));
  assert.equal(reordered.cells[0].id, a.cells[0].id, 'writing a default explicitly is the same analysis');
  const changed = buildPlan(loadSpec(specFile(BASE.replace('modulus: 2', 'modulus: 3'))));
  assert.notEqual(changed.cells[0].id, a.cells[0].id);
});

test('cartesian grid, zip groups and exclude rules', () => {
  const text =
    BASE +
    `sensitivity:
  grid:
    treatment.threshold.quantile: [0.5, 0.6, 0.7]
    mediator: [high_satisfaction_share, avg_watch_ratio_capped_2]
  zip:
    - { estimators.ipw.clip: [[0.02, 0.98], [0.05, 0.95]], seed: [1, 2] }
  exclude:
    - { treatment.threshold.quantile: 0.7, mediator: avg_watch_ratio_capped_2 }
`;
  const plan = buildPlan(loadSpec(specFile(text)));
  assert.equal(plan.excluded, 2);
  assert.equal(plan.cells.length, 3 * 2 * 2 - 2);
  assert.equal(new Set(plan.cells.map((c) => c.id)).size, plan.cells.length);
  const cell = plan.cells.find((c) => c.axes['treatment.threshold.quantile'] === 0.6 && c.axes.seed === 2)!;
  assert.ok(cell);
  assert.deepEqual(cell.axes['estimators.ipw.clip'], [0.05, 0.95], 'zip pairs the i-th values');
  const ipw = cell.spec.estimators.find((e) => e.id === 'ipw') as { clip: number[] };
  assert.deepEqual(ipw.clip, [0.05, 0.95]);
  assert.equal((cell.spec.treatment.threshold as { quantile: number }).quantile, 0.6);
  // The same analysis gets the same id whether it comes from a grid or is written out.
  const direct = buildPlan(
    loadSpec(specFile(BASE.replace('quantile: 0.5', 'quantile: 0.6').replace('clip: [0.02, 0.98]', 'clip: [0.05, 0.95]').replace('name: grid', 'name: grid\nseed: 2').replace('mediator: high_satisfaction_share', `mediator: ${String(cell.axes.mediator)}`))),
  );
  assert.equal(direct.cells[0].id, cell.id);
});

test('unknown axis paths and invalid axis values are located errors', () => {
  const text =
    BASE +
    `sensitivity:
  grid:
    treatmnt.threshold.quantile: [0.5]
    estimators.ipx.clip: [[0.1, 0.9]]
    estimators.ipw.clip: [[0.02, 0.98], [0.1]]
`;
  const lines = messages(() => buildPlan(loadSpec(specFile(text))));
  assert.equal(lines.length, 3, lines.join('\n'));
  assert.match(lines[0], /spec\.yaml:12:5 .*unknown spec path 'treatmnt\.threshold\.quantile'; did you mean 'treatment\.threshold\.quantile'\?/);
  assert.match(lines[1], /spec\.yaml:13:5 .*no estimator with id 'ipx'; did you mean 'ipw'\?/);
  assert.match(lines[2], /spec\.yaml:14:41 .*value \[0\.1\] for 'estimators\.ipw\.clip'/);
});

test('an exclude rule naming a non-axis is an error', () => {
  const text = BASE + `sensitivity:\n  grid:\n    mediator: [a, b]\n  exclude:\n    - { mediatr: a }\n`;
  const lines = messages(() => buildPlan(loadSpec(specFile(text))));
  assert.match(lines[0], /exclude names 'mediatr', which is not a grid axis; did you mean 'mediator'\?/);
});

test('plan diff lists added, removed and unchanged cells', () => {
  const [a, b] = [loadSpec(specFile(BASE + `sensitivity:\n  grid:\n    treatment.threshold.quantile: [0.5, 0.6]\n`)), loadSpec(specFile(BASE + `sensitivity:\n  grid:\n    treatment.threshold.quantile: [0.6, 0.7]\n`))];
  const diff = diffPlanSpecs(buildPlan(a), buildPlan(b), a.spec, b.spec);
  assert.deepEqual(diff.added.map((c) => c.axes['treatment.threshold.quantile']), [0.7]);
  assert.deepEqual(diff.removed.map((c) => c.axes['treatment.threshold.quantile']), [0.5]);
  assert.deepEqual(diff.unchanged.map((c) => c.axes['treatment.threshold.quantile']), [0.6]);
  assert.deepEqual(diff.axes, [{ path: 'treatment.threshold.quantile', old: [0.5, 0.6], new: [0.6, 0.7] }]);
  assert.deepEqual(diff.spec, [], 'the grid is shown as axes, not as a spec change');
});

test('plan diff pairs cells by grid point and says which spec paths changed them', () => {
  const grid = `sensitivity:\n  grid:\n    treatment.threshold.quantile: [0.5, 0.6]\n`;
  const a = loadSpec(specFile(BASE + grid + 'uncertainty: { bootstrap: { reps: 100 } }\n'));
  const b = loadSpec(specFile(BASE.replace('name: grid', 'name: grid2') + grid + 'uncertainty: { bootstrap: { reps: 50 } }\n'));
  const [pa, pb] = [buildPlan(a), buildPlan(b)];
  const diff = diffPlanSpecs(pa, pb, a.spec, b.spec);
  assert.equal(diff.added.length + diff.removed.length + diff.unchanged.length, 0);
  assert.equal(diff.changed.length, 1);
  assert.equal(diff.changed[0]!.cells.length, 2);
  assert.deepEqual(diff.changed[0]!.changes.map((c) => c.path), ['uncertainty.bootstrap.reps'], 'the name does not change an analysis');
  assert.deepEqual(diff.spec.map((c) => c.path).sort(), ['name', 'uncertainty.bootstrap.reps']);
  const md = planDiffMarkdown(diff, 'a.yaml', 'b.yaml', pa, pb);
  assert.match(md, /### 2 changed cells \(every cell of the plan\)/);
  assert.match(md, /Each differs by the spec change above: `uncertainty\.bootstrap\.reps`/);
  assert.match(md, /\| `name` \| `"grid"` \| `"grid2"` \|/);
});

test('spec paths address list entries by id, as grid axes do', () => {
  const changes = diffSpecValues(
    { estimators: [{ id: 'ipw', kind: 'ipw', clip: [0.02, 0.98] }, { id: 'naive', kind: 'difference_in_means' }] },
    { estimators: [{ id: 'ipw', kind: 'ipw', clip: [0.05, 0.95] }, { id: 'aipw', kind: 'aipw' }] },
  );
  assert.deepEqual(changes, [
    { path: 'estimators.aipw.kind', new: 'aipw' },
    { path: 'estimators.ipw.clip', old: [0.02, 0.98], new: [0.05, 0.95] },
    { path: 'estimators.naive.kind', old: 'difference_in_means' },
  ]);
});

test('a 10,000-cell grid plans with unique ids', () => {
  const values = (n: number, f: (i: number) => number) => `[${Array.from({ length: n }, (_, i) => f(i)).join(', ')}]`;
  const text =
    BASE +
    `sensitivity:
  max_cells: 20000
  grid:
    treatment.threshold.quantile: ${values(25, (i) => 0.3 + i * 0.01)}
    seed: ${values(20, (i) => i + 1)}
    estimators.ipw.cap_quantile: ${values(20, (i) => 0.8 + i * 0.01)}
`;
  const plan = buildPlan(loadSpec(specFile(text)));
  assert.equal(plan.cells.length, 10000);
  assert.equal(new Set(plan.cells.map((c) => c.id)).size, 10000);
});

test('a mapping-valued axis gets its defaults filled, so its cell id equals the spec written out', () => {
  const withModels = BASE.replace('estimators:', 'models:\n  nuisance: { kind: linear }\nestimators:').replace('kind: difference_in_means }', 'kind: gcomp, outcome: nuisance }');
  const grid = buildPlan(loadSpec(specFile(withModels + `sensitivity:\n  grid:\n    models.nuisance: [{ kind: linear }, { kind: gbm, trees: 10 }]\n`)));
  const direct = buildPlan(loadSpec(specFile(withModels.replace('nuisance: { kind: linear }', 'nuisance: { kind: gbm, trees: 10 }'))));
  assert.equal(grid.cells.length, 2);
  assert.equal(grid.cells[1].id, direct.cells[0].id);
  assert.equal((grid.cells[1].spec.models!.nuisance as { max_depth?: number }).max_depth, 3, 'schema default filled');
});
