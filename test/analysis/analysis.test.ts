import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeCell, type AnalysisSettings } from '../../src/analysis/index.js';
import { simulateFrame } from '../support/simulate-frame.js';
import { loadSpec } from '../../src/spec/load.js';
import { buildPlan } from '../../src/spec/plan.js';
import { checkSpecExpressions, compileCell } from '../../src/run/compile.js';
import { errorLines, tempDir, writeSpec } from '../spec/helpers.js';

const root = new URL('../../../', import.meta.url).pathname;

test('compile hands the analysis typed, defaulted settings; defaults come from the schema once', () => {
  const loaded = loadSpec(join(root, 'specs/demo/discovery-mediation.yaml'));
  const cell = buildPlan(loaded).cells[0];
  const { analysis } = compileCell(cell.spec, loaded.source, loaded.baseDir);
  assert.equal(analysis.seed, cell.spec.seed);
  assert.deepEqual(analysis.estimators.map((e) => e.id), (cell.spec.estimators as { id: string }[]).map((e) => e.id));
  assert.equal(analysis.definitions.futureIncomplete, 'missing');
  assert.equal(analysis.definitions.treatmentRule.direction, '>=');
  // a spec value without the validator's defaults (built by hand) gets the schema's
  const { seed: _s, diagnostics: _d, ...bare } = cell.spec;
  const compiled = compileCell(bare as typeof cell.spec, loaded.source, loaded.baseDir);
  const schemaSeed = JSON.parse(readFileSync(join(root, 'schemas/causeway.schema.json'), 'utf8')).properties.seed.default;
  assert.equal(compiled.analysis.seed, schemaSeed);
  assert.deepEqual(compiled.analysis.diagnostics, ['overlap', 'balance', 'readiness', 'residual_mediator_outcome']);
});

test('an msm naming a missing ipw estimator is a located error before any data is read (its kind checks it)', (t) => {
  const d = tempDir();
  t.after(() => rmSync(d, { recursive: true, force: true }));
  const text = readFileSync(join(root, 'specs/demo/discovery-mediation.yaml'), 'utf8')
    .replace(/\nestimators:\n/, '\nestimators:\n  - { id: msm_bad, kind: msm, weights: ipw_nope }\n');
  const file = writeSpec(d, 'bad-msm.yaml', text);
  const loaded = loadSpec(file);
  const lines = errorLines(() => checkSpecExpressions(loaded, buildPlan(loaded)));
  assert.equal(lines.length, 1);
  assert.match(lines[0], /bad-msm\.yaml:\d+:\d+/);
  assert.match(lines[0], /ipw_nope' is none of these/);
});

test('analyzeCell: estimators on the primary and (for kinds that allow it) secondary outcomes, definitions in words', async () => {
  const { frame } = simulateFrame({ users: 30, daysPerUser: 10, covariates: 3, seed: 5 });
  const settings: AnalysisSettings = {
    seed: 1, models: {}, bootstrap: undefined, secondaryOutcomes: ['y_secondary'], diagnostics: ['readiness'], heterogeneity: null, sensitivity: {},
    estimators: [{ id: 'naive', kind: 'difference_in_means' }, { id: 'med', kind: 'mediation' }],
    definitions: {
      treatmentRule: { direction: '>=', value: null, quantile: 0.75, among: 'population' },
      dayExpressions: { Y: 'sum(interactions)' }, futureIncomplete: 'missing', covariates: { numeric: ['x2'], categorical: [] }, populationRule: 'active_day == 1',
    },
  };
  const result = await analyzeCell({
    cellId: 'c1', axes: {}, settings, frame, population: null,
    panel: { length: frame.n, users: 30, dates: [20200701, 20200702] }, dataSummary: {},
  });
  assert.deepEqual(result.estimators.map((e) => `${e.id}:${e.outcome ?? 'primary'}`), ['naive:primary', 'med:primary', 'naive:y_secondary']);
  assert.equal(result.estimators[0].label, 'Difference in means (unadjusted)');
  assert.match(result.definitions.treatment.rule, /^a_measure >= its 0\.75 quantile among population \(= /);
  assert.equal(result.definitions.outcome.rule, 'sum(interactions)');
  assert.equal(result.readiness.length > 0, true);
  assert.equal(result.diagnostics.overlap, undefined, 'only the diagnostics asked for');
});
