// The covariate-quality, pathway and model-blueprint sections render the diagnostics the analysis wrote
// (src/analysis/design-summary.ts, blueprint.ts) as tables, and leave no heading behind when a spec did
// not ask for them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReportModel, primaryCell } from '../../src/report/model.js';
import { renderTemplate } from '../../src/report/template.js';
import type { Results } from '../../src/results/index.js';
import { exampleResults } from './fixture.js';

function render(results: Results): { md: string; tables: string[] } {
  const model = buildReportModel(results);
  const md = renderTemplate({ model, figures: model.figures.map((f) => ({ file: f.file, path: `figures/${f.file}.png`, alt: f.kind, title: f.title })) });
  return { md, tables: model.tables.map((t) => t.id) };
}

test('without the diagnostics the sections are absent', () => {
  const { md, tables } = render(exampleResults());
  for (const heading of ['## Covariate quality', '## Pathway ingredients by arm', '## Model blueprint']) assert.ok(!md.includes(heading), heading);
  for (const link of ['(#covariate-quality)', '(#pathway-ingredients-by-arm)', '(#model-blueprint)']) assert.ok(!md.includes(link), link);
  for (const id of ['covariate_quality', 'group_summary', 'pathway_correlations', 'model_blueprint']) assert.ok(!tables.includes(id), id);
});

test('with the diagnostics each table is rendered from results.json', () => {
  const results = exampleResults();
  const cell = primaryCell(results)!;
  Object.assign(cell.diagnostics, {
    covariateQuality: [
      { covariate: 'x_missing', type: 'numeric', rows: 10, missing: 2, missingRate: 0.2, distinct: 7, std: 1.5, constant: false, imputation: 'median', imputedValue: 3.25, designColumns: 1 },
      { covariate: 'x_const', type: 'numeric', rows: 10, missing: 0, missingRate: 0, distinct: 1, std: 0, constant: true, imputation: 'none', imputedValue: null, designColumns: 0 },
    ],
    groupSummary: {
      rows: { control: 4099, treated: 4100 },
      users: { control: 133, treated: 134 },
      means: [{ role: 'M', name: 'satisfaction_depth_score', control: 0.6103, treated: 0.6269, difference: 0.0166 }],
    },
    pathwayCorrelations: [{ relationship: 'A with M', x: 'A', y: 'M', rows: 8199, spearman: 0.0927 }],
    modelBlueprint: [
      { estimator: 'ipw', kind: 'ipw', step: 'propensity model', target: 'P(A = 1)', features: 'X (54 columns)', learner: 'logistic', fitting: 'full sample', weights: 'none', interval: '' },
      { estimator: 'ipw', kind: 'ipw', step: 'effect', target: 'ate', features: 'the models above', learner: 'IPW', fitting: 'full sample', weights: 'inverse propensity', interval: 'user-cluster bootstrap, 200 replicates' },
    ],
  });
  const { md, tables } = render(results);
  for (const id of ['covariate_quality', 'group_summary', 'pathway_correlations', 'model_blueprint']) {
    assert.ok(tables.includes(id), id);
    assert.ok(md.includes(`(tables/${id}.csv)`), `${id} linked`);
  }
  for (const link of ['[Covariate quality](#covariate-quality)', '[Pathway ingredients by arm](#pathway-ingredients-by-arm)', '[Model blueprint](#model-blueprint)']) assert.ok(md.includes(link), link);
  assert.ok(md.includes('2 covariates; 1 with missing values filled in, 1 giving the design matrix no column'));
  assert.ok(md.includes('| `x_missing` | numeric | 20.0% | 7 | 1.50 | no | median | 3.25 | 1 |'), md.slice(md.indexOf('## Covariate quality'), md.indexOf('## Covariate quality') + 900));
  assert.ok(md.includes('| rows (user-days) | count | 4,099 | 4,100 | — |'));
  assert.ok(md.includes('| satisfaction_depth_score | M mean | 0.610 | 0.627 | 0.0166 |'), md.slice(md.indexOf('## Pathway'), md.indexOf('## Pathway') + 900));
  assert.ok(md.includes('| A with M | `A` | `M` | 8,199 | 0.0927 |'));
  assert.ok(md.includes('| `ipw` | propensity model | P(A = 1) | X (54 columns) | logistic | full sample | none | — |'));
  // reading order: covariate quality after the exploratory data, pathway before the estimators, blueprint after the methods
  const at = (h: string) => md.indexOf(`\n## ${h}\n`);
  assert.ok(at('Exploratory data') < at('Covariate quality') && at('Covariate quality') < at('Definitions of A, M and Y'));
  assert.ok(at('Pathway ingredients by arm') < at('Estimator comparison'));
  assert.ok(at('Methods') < at('Model blueprint') && at('Model blueprint') < at('Secondary outcomes'));
});
