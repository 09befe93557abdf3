import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReportModel, primaryCell } from '../../src/report/model.js';
import { renderTemplate, type RenderedFigure } from '../../src/report/template.js';
import { axisShortName, axisValueLabel, axisValueLabels, estimatorLabel, estimatorLabels, labelFromSpec } from '../../src/report/labels.js';
import { truthComparison } from '../../src/report/truth.js';
import { intervalChart } from '../../src/report/figures/charts.js';
import type { CellResult, EstimatorEntry, Results } from '../../src/results/index.js';
import { exampleResults } from './fixture.js';

function render(results: Results): { md: string; model: ReturnType<typeof buildReportModel> } {
  const model = buildReportModel(results);
  const figures: RenderedFigure[] = model.figures.map((f) => ({ file: f.file, path: `figures/${f.file}.png`, alt: `alt for ${f.file}`, title: f.title }));
  return { md: renderTemplate({ model, figures }), model };
}

function entry(kind: string, diagnostics: Record<string, unknown> = {}, id = kind): EstimatorEntry {
  return { id, kind, status: 'ok', estimates: {}, diagnostics, warnings: [] };
}

/** The simulator's truth.json shape (src/data/kuairec/simulate/), trimmed. */
function truthFile(over: { treatment?: string; mediator?: string } = {}): Record<string, unknown> {
  return {
    schema: 'causeway.truth/1',
    definitions: {
      treatment: over.treatment ?? 'A = the structural high-discovery day … Measured proxy: discovery_candidate_share >= 0.5 among active days, where …',
      mediator: over.mediator ?? 'M = satisfaction_depth_score: a z-mean of the day’s satisfaction measures',
      estimands: { TE: 'E[Y(1, M(1)) - Y(0, M(0))]', NIE: 'E[Y(1, M(1)) - Y(1, M(0))]' },
    },
    population: { rows: 16271, truthRows: 16271, truthUsers: 300, users: 300 },
    outcomes: {
      future_7day_interactions: {
        TE: 36.5,
        NDE: 38.0,
        NIE: -1.5,
        CDE: [{ m: 0.35, value: 40.0 }, { m: 0.64, value: 30.0 }],
        'E[Y(0,M(0))]': 330,
        se: { TE: 0.05, NDE: 0.04, NIE: 0.02 },
      },
    },
  };
}

/** Cell 0 of the example with the truth attached and its treatment at the simulator's threshold. */
function truthCell(over: Parameters<typeof truthFile>[0] = {}): CellResult {
  const cell = exampleResults().cells[0]!;
  cell.definitions.treatment.threshold = 0.5;
  cell.diagnostics.truth = truthFile(over);
  const med = cell.estimators.find((e) => e.id === 'mediation_linear')!;
  med.diagnostics = { ...med.diagnostics, cde_levels: { cde_q10: 0.352, cde_q90: 0.9 } };
  return cell;
}

test('estimator labels: from the spec entry exactly, else from kind and diagnostics; duplicates get their id', () => {
  const models = { gbm: { kind: 'gbm', trees: 80 }, lin: { kind: 'linear' } };
  assert.equal(labelFromSpec({ kind: 'ipw', propensity: 'logistic' }, models), 'IPW (stabilized, clipped [0.02, 0.98], capped at q0.99)');
  assert.equal(labelFromSpec({ kind: 'ipw', stabilize: false, clip: null, cap_quantile: null }, models), 'IPW (unstabilized)');
  assert.equal(labelFromSpec({ kind: 'aipw', outcome: 'gbm', propensity: 'logistic', crossfit: { folds: 3 } }, models), 'AIPW, cross-fitted (gbm)');
  assert.equal(labelFromSpec({ kind: 'mediation', mediator_model: 'lin', outcome_model: 'gbm', method: 'both', crossfit: { folds: 3 } }, models), 'Mediation g-formula, cross-fitted (linear M, gbm Y): plug-in and debiased');

  assert.equal(estimatorLabel(entry('ipw', { weights: { mean: 0.98 }, weight_cap: 3.0943 })), 'IPW (stabilized, capped at 3.09)');
  assert.equal(estimatorLabel(entry('ipw', { weights: { mean: 2.01 } })), 'IPW (unstabilized)');
  assert.equal(estimatorLabel(entry('aipw', { folds: [{}, {}, {}], method: 'cross-fitted AIPW' })), 'AIPW, cross-fitted (3 folds)');
  assert.equal(estimatorLabel(entry('gcomp', {})), 'G-computation (outcome regression)');
  assert.equal(estimatorLabel(entry('mediation', { method: 'cross-fitted mediation: plug-in … debiased', folds: [{}, {}] })), 'Mediation, cross-fitted (2 folds): plug-in and debiased');
  assert.equal(estimatorLabel({ ...entry('aipw'), label: 'Team AIPW' }), 'Team AIPW');

  const a = entry('gcomp', {}, 'gcomp_a');
  const b = entry('gcomp', {}, 'gcomp_b');
  const c = entry('difference_in_means', {}, 'naive');
  const labels = estimatorLabels([a, b, c]);
  assert.equal(labels.get(a), 'G-computation (outcome regression) · gcomp_a');
  assert.equal(labels.get(b), 'G-computation (outcome regression) · gcomp_b');
  assert.equal(labels.get(c), 'Difference in means (unadjusted)');
});

test('grid axes: short names and values (a model mapping by its kind when that tells the values apart)', () => {
  assert.equal(axisShortName('treatment.threshold.value'), 'threshold');
  assert.equal(axisShortName('treatment.threshold.quantile'), 'threshold quantile');
  assert.equal(axisShortName('outcomes.primary'), 'outcomes');
  assert.equal(axisShortName('models.nuisance'), 'nuisance');
  const gbm = { kind: 'gbm', trees: 80, max_depth: 3 };
  assert.equal(axisValueLabel(gbm), 'gbm (max_depth 3, trees 80)');
  assert.equal(axisValueLabel(null), 'none');
  const short = axisValueLabels([{ kind: 'linear' }, gbm, gbm]);
  assert.deepEqual([...short.values()], ['linear', 'gbm']);
  // two gbm settings: the kind alone would merge them
  const two = axisValueLabels([gbm, { kind: 'gbm', trees: 200, max_depth: 3 }]);
  assert.deepEqual([...two.values()], ['gbm (max_depth 3, trees 80)', 'gbm (max_depth 3, trees 200)']);
});

test('truth comparison: every estimator of TE/NDE/NIE/CDE beside its true value, coverage from the interval', () => {
  const cell = truthCell();
  const t = truthComparison(cell)!;
  assert.equal(t.applicable, true);
  assert.equal(t.primaryTe, 36.5);
  const primary = t.rows.filter((r) => r.outcome === 'future_7day_interactions');
  const aipw = primary.find((r) => r.estimatorId === 'aipw' && r.key === 'ate')!;
  assert.equal(aipw.estimand, 'TE');
  assert.equal(aipw.truth, 36.5);
  assert.equal(aipw.truthSe, 0.05);
  // aipw ate 4.10 [-1.12, 10.48] misses 36.5; gcomp 37.34 [32.04, 42.64] covers it
  assert.equal(aipw.covers, false);
  assert.equal(primary.find((r) => r.estimatorId === 'gcomp_linear')!.covers, true);
  assert.ok(Math.abs(aipw.bias! - (4.1 - 36.5)) < 1e-9);
  // SEM paths estimate the same quantities: c′ ~ NDE, α·β ~ NIE
  assert.ok(primary.some((r) => r.estimand === 'NDE' && r.key === 'c_prime'));
  assert.ok(primary.some((r) => r.estimand === 'NIE' && r.key === 'indirect'));
  // CDE matched by the estimator's own mediator value (0.352 ≈ 0.35); q90 at 0.9 has no true counterpart
  const cde = primary.filter((r) => r.estimand.startsWith('CDE'));
  assert.deepEqual(cde.map((r) => [r.estimand, r.key, r.truth]), [['CDE (m = 0.350)', 'cde_q10', 40]]);
  // secondary outcomes without a truth entry get no rows
  assert.ok(t.rows.every((r) => r.outcome === 'future_7day_interactions'));
});

test('truth comparison: a mediation on the treated is compared with the ATT truth by its te, never with the population TE, NDE, NIE or CDE', () => {
  const cell = truthCell();
  const file = cell.diagnostics.truth as { outcomes: Record<string, Record<string, unknown>> };
  file.outcomes.future_7day_interactions.ATT = 37.5;
  const med = cell.estimators.find((e) => e.id === 'mediation_linear')!;
  med.diagnostics = { ...med.diagnostics, estimand: 'att' };
  const rows = truthComparison(cell)!.rows.filter((r) => r.estimatorId === 'mediation_linear');
  assert.deepEqual(rows.map((r) => [r.estimand, r.key, r.truth]), [['ATT', 'te', 37.5]]);
  // the same entry on every row is compared with the population's effects as before
  med.diagnostics = { ...med.diagnostics, estimand: undefined };
  assert.ok(truthComparison(cell)!.rows.filter((r) => r.estimatorId === 'mediation_linear').some((r) => r.estimand === 'NDE'));
});

test('truth comparison: another treatment measure is not compared; another threshold or mediator is flagged', () => {
  const other = truthComparison(truthCell({ treatment: 'Measured proxy: high_watch_share >= 0.5 among active days' }))!;
  assert.equal(other.applicable, false);
  assert.equal(other.rows.length, 0);
  assert.match(other.notes[0]!, /different contrast/);

  const cell = truthCell();
  cell.definitions.treatment.threshold = 0.4;
  const shifted = truthComparison(cell)!;
  assert.equal(shifted.applicable, true);
  assert.equal(shifted.thresholdDiffers, true);
  assert.ok(shifted.notes.some((n) => /Caution: .*thresholds at 0\.4/.test(n)));

  const med = truthComparison(truthCell({ mediator: 'M = high_satisfaction_share: …' }))!;
  assert.ok(med.rows.length > 0);
  assert.ok(med.rows.every((r) => r.estimand === 'TE'), 'only the total effect is comparable with another mediator');
  assert.equal(truthComparison(exampleResults().cells[0]!), null);
});

test('the report shows the known truth first, marks it on the forest plot and in the grid table', () => {
  const results = exampleResults();
  const cells = results.cells.map((c, i) => {
    if (c.status !== 'ok') return c;
    c.diagnostics.truth = truthFile();
    c.definitions.treatment.threshold = i < 2 ? 0.5 : 0.6;
    return c;
  });
  results.cells = cells;
  const { md, model } = render(results);
  const truthAt = md.indexOf('## Known truth (simulated data)');
  assert.ok(truthAt > md.indexOf('## Summary') && truthAt < md.indexOf('## Question and estimands'));
  assert.match(md, /\[Known truth\]\(#known-truth-simulated-data\)/);
  assert.match(md, /Known truth \(simulated data\): the true total effect on future_7day_interactions is 36\.50; \d+ of \d+ estimator intervals cover it/);
  assert.match(md, /\| `future_7day_interactions` \| TE \| 36\.50 \| 0\.0500 \| `aipw` \| `ate` \| 4\.10 \| \[-1\.12,\u00a010\.48\] \| -32\.40 \| no \|/);
  // grid: truth per cell, * where the cell's threshold differs from the simulator's
  const grid = md.split('*Grid cells')[1]!.split('\n## ')[0]!;
  assert.match(grid, /\| True value \| Covers truth \|/);
  assert.match(grid, /\| 36\.50 \| (yes|no) \|/);
  assert.match(grid, /\| 36\.50 \| (yes|no) \\\* \|/);
  assert.match(md, /\* the cell thresholds the treatment differently/);
  // the forest plot is drawn with the truth as its reference line
  const forest = model.figures.find((f) => f.kind === 'estimator_forest')!;
  const fig = forest.draw({});
  assert.match(fig.alt, /A dashed line marks simulator’s true TE \(36\.50\); \d+ of \d+ intervals cover it\./);
  // every specification has the same outcome and treatment measure: the curve shows the true TE too
  const curve = model.figures.find((f) => f.kind === 'specification_curve')!.draw({});
  assert.match(curve.alt, /A dashed line marks true TE at the simulator’s threshold \(36\.50\)\./);
  // the decomposition marks the true TE / NDE / NIE across its bars
  const decomposition = model.figures.find((f) => f.kind === 'mediation_decomposition')!.draw({});
  assert.match(decomposition.alt, /Amber marks show the true values: Total 36\.50, Direct 38, Indirect -1\.50\./);
});

test('heterogeneity and moderator importance come from the cell-level keys the cell runner writes', () => {
  const results = exampleResults();
  const cell = results.cells[0]!;
  // no estimator carries a segment table; the cell does (src/run/cell.ts)
  for (const e of cell.estimators) delete (e.diagnostics as Record<string, unknown>).heterogeneity;
  cell.diagnostics.heterogeneity = [
    { by: 'prior_3day_interactions', segment: 'low [0.0, 71.0]', rows: 2718, users: 150, treatedShare: 0.2995, estimand: 'ate', value: { estimate: 9.488, ci: [6.29, 13.36], bootMean: 9.61, bootSd: 1.86 } },
    { by: 'user_active_degree', segment: 'UNKNOWN (below size filter)', rows: 307, users: 6, treatedShare: 0.16, estimand: 'ate', value: { estimate: 11.68, ci: null } },
  ];
  cell.diagnostics.heterogeneity_analysis = {
    estimator: 'aipw',
    // seed 004's per-row mediation means by segment (estimate/ml/heterogeneity.ts summarizeRowEffects)
    mediation_segments: [{ segment: 'user_active_degree', segment_value: 'full_active', user_days: 4199, users: 77, total_effect: 10, direct_effect: 4, indirect_effect: 6, mediator_shift: 0.08 }],
  };
  cell.diagnostics.importance = [
    { model: 'effect moderators (gbm on AIPW pseudo-outcomes)', target: 'effect', feature: 'calendar_day_index', gain: 2.7e6, splits: 69, share: 0.152 },
    { model: 'effect moderators (gbm on AIPW pseudo-outcomes)', target: 'effect', feature: 'register_days', gain: 1.6e6, splits: 61, share: 0.091 },
  ];
  const { md, model } = render({ ...results, cells: [cell], summary: { ...results.summary, primary: { estimator: 'aipw', estimand: 'ate', cellId: cell.id } } });
  const het = md.split('## Heterogeneity\n')[1]!.split('\n## ')[0]!;
  assert.doesNotMatch(het, /was not run/);
  assert.match(het, /\| `prior_3day_interactions` \| low \\\[0\.0, 71\.0\\\] \| 2,718 \| 150 \| 29\.9% \| `ate` \| 9\.49 \| \[6\.29,\u00a013\.36\] \| interval excludes zero \|/);
  assert.match(het, /UNKNOWN \(below size filter\) .* \| no interval \|/);
  assert.match(md, /\| aipw \| effect moderators \(gbm on AIPW pseudo-outcomes\) \| effect \| `calendar_day_index` \| 2,700,000 \| 69 \| 15\.2% \|/);
  assert.match(het, /\| `user_active_degree` \| full_active \| 4,199 \| 77 \| 10 \| 4 \| 6 \| 0\.0800 \| 60\.0% \|/);
  assert.ok(model.figures.some((f) => f.file === 'heterogeneity'));
  assert.ok(model.figures.some((f) => f.file === 'feature_importance_aipw_effect'));
});

test('a grid report details the base cell (the spec\'s own values) rather than the first cell', () => {
  const results = exampleResults();
  results.spec.hash = `${results.cells[2]!.id}0000`;
  assert.equal(primaryCell(results)!.id, results.cells[2]!.id);
  results.spec.hash = 'ffffffffffffffff';
  assert.equal(primaryCell(results)!.id, results.summary.primary!.cellId);
});

test('the forest plot marks an entry on the treated at the true ATT, each row at its own truth', () => {
  const results = exampleResults();
  const cell = results.cells[0]!;
  cell.definitions.treatment.threshold = 0.5;
  const file = truthFile() as { outcomes: Record<string, Record<string, unknown>> };
  file.outcomes.future_7day_interactions.ATT = 41.25;
  cell.diagnostics.truth = file;
  const aipw = cell.estimators.find((e) => e.id === 'aipw')!;
  // an entry on the treated reports its effect as `att` (src/estimate/kinds/estimands.ts)
  aipw.diagnostics = { ...aipw.diagnostics, estimand: 'att' };
  aipw.estimates = { att: aipw.estimates.ate! };
  results.cells = [cell];
  const { model } = render(results);
  const fig = model.figures.find((f) => f.kind === 'estimator_forest')!.draw({});
  assert.doesNotMatch(fig.alt, /dashed line/, 'no single true-TE line for rows of two populations');
  const ticks = /Amber ticks mark each row's true value \(simulator\): (.*); (\d+) of (\d+) intervals cover their row's\./.exec(fig.alt);
  assert.ok(ticks, fig.alt);
  assert.match(ticks[1]!, /^36\.50 for .*; 41\.25 for AIPW[^;]*$/, 'the ATT row alone at the true ATT');
  // the drawing carries the ticks: without them the PNG differs
  const untouched = exampleResults();
  const plainCell = untouched.cells[0]!;
  plainCell.definitions.treatment.threshold = 0.5;
  plainCell.diagnostics.truth = truthFile();
  untouched.cells = [plainCell];
  const line = render(untouched).model.figures.find((f) => f.kind === 'estimator_forest')!.draw({});
  assert.match(line.alt, /A dashed line marks simulator’s true TE \(36\.50\)/);
  assert.notDeepEqual(fig.png, line.png);
});

test('rows\' own true values change the drawing and the alt text', () => {
  const rows = [{ label: 'a', estimate: 1, ci: [0.5, 1.5] as [number, number] }, { label: 'b', estimate: 3, ci: [2, 4] as [number, number] }];
  const plain = intervalChart({ title: 't', valueLabel: 'v', rows });
  const ticked = intervalChart({ title: 't', valueLabel: 'v', rows: [{ ...rows[0]!, truth: 1.2 }, { ...rows[1]!, truth: 4.5 }] });
  assert.notDeepEqual(plain.png, ticked.png);
  assert.match(ticked.alt, /Amber ticks mark each row's true value \(simulator\): 1\.20 for a; 4\.50 for b; 1 of 2 intervals cover their row's\./);
});

test('a forest plot reference line changes the drawing and the alt text', () => {
  const rows = [{ label: 'a', estimate: 1, ci: [0.5, 1.5] as [number, number] }, { label: 'b', estimate: 3, ci: [2, 4] as [number, number] }];
  const plain = intervalChart({ title: 't', valueLabel: 'v', rows });
  const marked = intervalChart({ title: 't', valueLabel: 'v', rows, reference: { value: 1.2, label: 'true TE' } });
  assert.notDeepEqual(plain.png, marked.png);
  assert.match(marked.alt, /A dashed line marks true TE \(1\.20\); 1 of 2 intervals cover it\./);
  assert.doesNotMatch(plain.alt, /dashed/);
});
