import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildReportModel } from '../../src/report/model.js';
import { renderTemplate, resolveTemplate, type RenderedFigure } from '../../src/report/template.js';
import { type Results } from '../../src/results/index.js';
import { summarizeCells } from '../../src/sensitivity/robustness.js';
import { exampleResults } from './fixture.js';
import { scratchDir } from '../scratch.js';

/** Figures as if drawn (no pixels needed to test the Markdown). */
function fakeFigures(model: ReturnType<typeof buildReportModel>): RenderedFigure[] {
  return model.figures.map((f) => ({ file: f.file, path: `figures/${f.file}.png`, alt: `alt for ${f.kind}`, title: f.title }));
}

function render(results: Results, template?: Parameters<typeof renderTemplate>[0]['template']): string {
  const model = buildReportModel(results);
  return renderTemplate({ model, figures: fakeFigures(model), template });
}

const SECTIONS = [
  'Summary',
  'Question and estimands',
  'Data and sample',
  'Definitions of A, M and Y',
  'Assumptions and checks',
  'Overlap and balance',
  'Estimator comparison',
  'Secondary outcomes',
  'Mediation decomposition',
  'SEM paths',
  'Sensitivity',
  'Robustness grid',
  'Heterogeneity',
  'Nuisance models',
  'Limitations',
  'Artifacts',
];

test('the default template renders every section with the example numbers and no placeholders', () => {
  const md = render(exampleResults());
  for (const s of SECTIONS) assert.match(md, new RegExp(`^## ${s.replace(/[()]/g, '\\$&')}$`, 'm'), s);
  assert.doesNotMatch(md, /was not run in this spec/);
  // omitted-variable bias (sensemakr and the AIPW bounds), mediation ρ-sensitivity, DR-learner
  assert.match(md, /\| G-computation, linear \| 37\.34 \| 2\.70 \| 13\.83 \| 8,190 \| 2\.3% \| 14\.1% \| 12\.2% \|/);
  assert.match(md, /\| G-computation, linear \| 3× prior_3day_interactions \| .* \| bound capped: Z would explain all residual outcome variance \|/);
  assert.match(md, /\| AIPW, doubly robust \| 4\.10 \| 1\.0% \| 1\.0% \| 1 \| 2\.03 \| \[2\.07,\u00a06\.13\] \| \[-3\.60,\u00a011\.80\] \| interval crosses zero \|/);
  assert.match(md, /\| Mediation g-formula, linear \| -1\.31 \| -0\.218 \| -0\.20 \|/);
  assert.match(md, /\| prior_3day_interactions \| 0\.0500 \| 0\.0100 \| \[0\.0300,\u00a00\.0700\] \| 1\.00e-4 \| 120 \|/);
  assert.match(md, /\| slope on the prediction \| 0\.900 \| 0\.300 \| .* \| 0\.00270 \| 0\.739 \| DR-learner on 1 effect modifier/);
  // estimand registry (seed 002 wording), with our names
  assert.match(md, /\| NIE \| natural indirect effect \(nie\) \| `E\[Y\(1, M\(1\)\) − Y\(1, M\(0\)\)\]` \| Effect transmitted through the change in satisfaction_depth_score/);
  // estimator comparison with the seed 003 verdicts
  assert.match(md, /\| `aipw` \| AIPW, doubly robust \| `ate` \| 4\.10 \| \[-1\.12,\u00a010\.48\] \| 1\.2% \| interval crosses zero \|/);
  assert.match(md, /\| `gcomp_linear` \| G-computation, linear \| `ate` \| 37\.34 \| \[32\.04,\u00a042\.64\] \| 11\.3% \| interval excludes zero \|/);
  // unadjusted associations and the mediator–outcome confounding sweep (NIE −1.31: δ 0.1 × γ 0.05 SD of 180 = 0.9 towards zero)
  assert.match(md, /\| `future_7day_interactions` \| 4,101 \| 4,101 \| 506\.4 \| 330 \| 176\.4 \| 53\.5% \|/);
  assert.match(md, /\| Mediation g-formula, linear \| 0\.10 \| -0\.410 \(CI ∋ 0\) \|/);
  assert.match(md, /explains it away when δ·γ reaches 1\.31 \(0\.00728 SD of future_7day_interactions\)/);
  // mediation, SEM, sensitivity, grid, heterogeneity, nuisance, readiness
  assert.match(md, /\| Mediation g-formula, linear \| NIE \| `nie` \| -1\.31 \| \[-2\.30,\u00a0-0\.42\]/);
  assert.match(md, /\| SEM-style path model \| α \| .* \| 0\.0231 \|/);
  assert.match(md, /\| placebo_treatment \| aipw \| ate \| 4\.10 \| 0\.210 \|/);
  assert.match(md, /\| `treatment\.threshold\.quantile` \| 3 \|/);
  assert.match(md, /failed: treatment: quantile 0\.7 of high_satisfaction_share left 41 treated rows \(&lt; 50 required\)/);
  assert.match(md, /\| `prior_3day_interactions` \| low \(0, 123\\\] \| 2,733 \|/);
  assert.match(md, /\| gcomp_gbm \| gbm \| outcome \| 66\.71 \| 47\.09 \| 0\.863 \|/);
  assert.match(md, /\| effective sample size share of rows \| 0\.695 \| &gt;= 0\.70 \| caution \|/);
  assert.match(md, /Across 7 adjusted estimators the total effect ranges from 3\.21 to 37\.34; 5 of 7 intervals exclude zero \(unadjusted difference in means: 176\.4\)\./);
  // grid cells link their own reports (relative links)
  assert.match(md, /\[report\]\(cells\/c0-05-sati\/report\.md\)/);
  // figures: relative links and alt text
  for (const f of ['estimator_forest', 'dag', 'overlap', 'love_plot', 'secondary_outcomes', 'mediation_decomposition', 'weight_sensitivity', 'specification_curve', 'heterogeneity']) {
    assert.match(md, new RegExp(`!\\[alt for [a-z_]+\\]\\(figures/${f}\\.png\\)`), f);
  }
  // every table links its CSV
  assert.match(md, /\(\[CSV\]\(tables\/estimator_comparison\.csv\)\)/);
  // the summary states the primary estimate
  assert.match(md, /Primary estimate \(AIPW, doubly robust, ate\): 4\.10 on future_7day_interactions, 95% CI \\\[-1\.12, 10\.48\\\] — interval crosses zero\./);
});

/** A spec with one cell, no mediator, no sensitivity, no grid, no ML diagnostics. */
function minimalResults(): Results {
  const r = exampleResults();
  const cell = r.cells[0]!;
  cell.axes = {};
  cell.definitions.mediator = null;
  delete cell.sensitivity;
  cell.diagnostics = {};
  cell.estimators = cell.estimators.filter((e) => (e.id === 'naive' || e.id === 'gcomp_linear') && e.outcome === undefined);
  for (const e of cell.estimators) e.diagnostics = {};
  cell.readiness = [];
  r.cells = [cell];
  delete r.spec.grid;
  delete r.recommendations;
  r.summary = summarizeCells(r.cells);
  return r;
}

test('sections with no data render a short "not run in this spec" line, not an empty table', () => {
  const md = render(minimalResults());
  for (const s of SECTIONS) assert.match(md, new RegExp(`^## ${s.replace(/[()]/g, '\\$&')}$`, 'm'), s);
  const placeholder = (heading: string, text: RegExp) => {
    const body = md.split(`## ${heading}\n`)[1]!.split('\n## ')[0]!;
    assert.match(body, text, heading);
    assert.doesNotMatch(body, /^\|/m, `${heading} has no table`);
  };
  placeholder('Overlap and balance', /_An overlap and balance check \(it needs a propensity-based estimator\) was not run in this spec\._/);
  placeholder('Secondary outcomes', /_Secondary outcome estimation was not run in this spec\._/);
  placeholder('SEM paths', /_The SEM-style path model was not run in this spec\._/);
  placeholder('Sensitivity', /_The E-value analysis was not run in this spec\._[\s\S]*_Refutation testing was not run in this spec\._[\s\S]*_Weight sensitivity was not run in this spec\._/);
  placeholder('Robustness grid', /_A sensitivity grid was not run in this spec\._/);
  placeholder('Heterogeneity', /_Heterogeneity analysis was not run in this spec\._/);
  placeholder('Nuisance models', /_Nuisance model evaluation was not run in this spec\._/);
  // present sections still render
  assert.match(md, /\| `naive` \| Difference in means \| `ate` \| 176\.4 \|/);
  // no mediator: the DAG shows X → A → Y, the decomposition table is absent
  const mediation = md.split('## Mediation decomposition\n')[1]!.split('\n## ')[0]!;
  assert.match(mediation, /_Mediation analysis was not run in this spec\._/);
});

test('data and spec text cannot reach prototypes or inject Markdown', () => {
  const r = exampleResults();
  r.spec.name = '{{constructor.constructor "return process"}}';
  r.spec.title = '__proto__ <script>alert(1)</script> [x](javascript:alert(1))';
  r.cells[0]!.axes = JSON.parse('{"__proto__": {"polluted": "yes"}, "mediator": "m"}');
  r.cells[0]!.definitions.outcome.name = 'y | injected | row';
  const md = render(r);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.match(md, /\\\{\\\{constructor\.constructor "return process"\\\}\\\}/, 'braces from data stay text');
  assert.match(md, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(md, /<script>/);
  assert.match(md, /\\\[x\\\]\(javascript:alert\(1\)\)/);
  assert.match(md, /y \\\| injected \\\| row/);
});

test('a malicious template cannot read prototypes (prototype access off)', () => {
  const dir = scratchDir('causeway-tpl-');
  const file = join(dir, 'evil.md.hbs');
  writeFileSync(
    file,
    [
      'A[{{constructor.name}}]',
      'B[{{#with (lookup this "constructor")}}{{name}}{{/with}}]',
      'C[{{__proto__.polluted}}]',
      'D[{{lookup (lookup this "__proto__") "toString"}}]',
      'E[{{sections.summary.constructor}}]',
      'F[{{title.constructor}}]',
      'G[{{specName}}]',
    ].join('\n'),
  );
  const md = render(exampleResults(), resolveTemplate('evil.md.hbs', join(dir, 'spec.yaml')));
  assert.match(md, /^A\[\]$/m);
  assert.match(md, /^B\[\]$/m);
  assert.match(md, /^C\[\]$/m);
  assert.match(md, /^D\[\]$/m);
  assert.match(md, /^E\[\]$/m);
  assert.match(md, /^F\[\]$/m);
  assert.match(md, /^G\[discovery-mediation\]$/m);
});

test('a spec may name its own template (relative to the spec) that reuses the default partials and helpers', () => {
  const dir = scratchDir('causeway-tpl-');
  mkdirSync(join(dir, 'tpl', 'partials'), { recursive: true });
  writeFileSync(join(dir, 'tpl', 'partials', 'mine.hbs'), 'MINE {{num 3.14159}} {{pct 0.25}} {{ci 1.234 5.678}} {{zero -1 1}}');
  writeFileSync(join(dir, 'tpl', 'team.md.hbs'), '# Team report: {{title}}\n\n{{> mine}}\n\n{{> estimators}}\n\n{{table "limitations"}}\n');
  const ref = resolveTemplate('tpl/team.md.hbs', join(dir, 'specs-here.yaml'));
  assert.equal(ref.kind, 'file');
  const md = render(exampleResults(), ref);
  assert.match(md, /^# Team report: Does discovery exposure/m);
  assert.match(md, /^MINE 3\.14 25\.0% \[1\.23, 5\.68\] interval crosses zero$/m);
  assert.match(md, /^## Estimator comparison$/m);
  assert.match(md, /\*Limitations\* \(\[CSV\]\(tables\/limitations\.csv\)\)/);
  assert.throws(() => resolveTemplate('missing.hbs', join(dir, 'spec.yaml')), (e: Error & { code?: string }) => e.code === 'REPORT_TEMPLATE_MISSING');
  assert.deepEqual(resolveTemplate('default'), { kind: 'default' });
  assert.deepEqual(resolveTemplate(undefined), { kind: 'default' });
});

test('a template error is a CausewayError naming the template file', () => {
  const dir = scratchDir('causeway-tpl-');
  const file = join(dir, 'broken.hbs');
  writeFileSync(file, '{{#if title}}unclosed');
  assert.throws(() => render(exampleResults(), { kind: 'file', path: file }), (e: Error & { code?: string; format?: () => string }) => e.code === 'REPORT_TEMPLATE_ERROR' && e.format!().includes('broken.hbs'));
});

test('resolveTemplate takes the spec file or its folder as the base', () => {
  const dir = scratchDir('causeway-tpl-');
  writeFileSync(join(dir, 'mine.hbs'), 'x');
  assert.deepEqual(resolveTemplate('mine.hbs', dir), { kind: 'file', path: join(dir, 'mine.hbs') });
  assert.deepEqual(resolveTemplate('./mine.hbs', join(dir, 'spec.yaml')), { kind: 'file', path: join(dir, 'mine.hbs') });
});
