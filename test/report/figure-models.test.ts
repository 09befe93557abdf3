// The data each figure is given (figures/<id>.ts models and figures/interval-model.ts), checked without
// drawing: axis ranges, markers, dropped rows, legend entries and titles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intervalLayout, niceRange } from '../../src/report/figures/interval-model.js';
import { estimatorForestModel } from '../../src/report/figures/estimator_forest.js';
import { heterogeneityModel, readableSegment } from '../../src/report/figures/heterogeneity.js';
import { mainWeighting, weightSensitivityModel } from '../../src/report/figures/weight_sensitivity.js';
import { specificationCurveModel } from '../../src/report/figures/specification_curve.js';
import { featureImportanceModel } from '../../src/report/figures/feature_importance.js';
import { secondaryOutcomesModel } from '../../src/report/figures/secondary_outcomes.js';
import { decompositionLegend, overlapModel } from '../../src/report/figures/charts.js';
import { BELOW_SIZE_FILTER } from '../../src/estimate/ml/heterogeneity.js';
import type { EstimatorEntry, SegmentEffect, SpecificationCurve } from '../../src/results/index.js';
import { buildReportModel } from '../../src/report/model.js';
import { exampleResults } from './fixture.js';

const forestInput = {
  treatment: 'A',
  outcome: 'Y',
  valueLabel: 'Effect on Y',
  rows: [
    { label: 'Difference in means (unadjusted) (ATE)', estimate: 56.6, ci: [45, 65.6] as [number, number], kind: 'difference_in_means', truth: { estimand: 'TE', value: 10.31 } },
    { label: 'IPW (ATE)', estimate: 14.2, ci: [10.5, 18.6] as [number, number], kind: 'ipw', truth: { estimand: 'TE', value: 10.31 } },
    { label: 'G-computation (ATE)', estimate: 9.6, ci: [7.8, 11.3] as [number, number], kind: 'gcomp', truth: { estimand: 'TE', value: 10.31 } },
    { label: 'Mediation, plug-in (TE)', estimate: 9.0, ci: null, kind: 'mediation', truth: { estimand: 'TE', value: 10.31 } },
  ],
};
const withoutTruth = (rows: typeof forestInput.rows) => rows.map(({ truth: _truth, ...r }) => r);

test('forest plot: the unadjusted estimate is kept out of the axis range and drawn beyond it', () => {
  const data = estimatorForestModel(forestInput);
  assert.deepEqual(data.rows.map((r) => r.unadjusted === true), [true, false, false, false]);
  const layout = intervalLayout(data);
  assert.ok(layout.range.max < 45, `axis ends at ${layout.range.max}, short of the unadjusted 56.6 and its interval`);
  assert.ok(layout.range.max >= 18.6 && layout.range.min <= 0, 'every adjusted interval, the truth and zero are inside');
  assert.equal(layout.rows[0]!.offScale, 'right');
  assert.deepEqual(layout.rows.slice(1).map((r) => r.offScale), [null, null, null]);
  assert.ok(layout.legend.some((e) => e.kind === 'arrow' && /unadjusted/.test(e.text)), 'the arrow has a legend entry');
});

test('forest plot: an unadjusted estimate inside the range stays a point; alone, it sets the range', () => {
  const near = estimatorForestModel({ ...forestInput, rows: [{ ...forestInput.rows[0]!, estimate: 12, ci: [11, 13] }, forestInput.rows[1]!] });
  assert.equal(intervalLayout(near).rows[0]!.offScale, null);
  assert.ok(intervalLayout(near).legend.some((e) => e.kind === 'diamond' && /unadjusted/.test(e.text)), 'the diamond has a legend entry');
  const alone = intervalLayout(estimatorForestModel({ ...forestInput, rows: withoutTruth([forestInput.rows[0]!]) }));
  assert.ok(alone.range.max >= 65.6 && alone.rows[0]!.offScale === null);
});

test('forest plot: estimates without an interval get a hollow marker and a legend entry; the truth line is in the legend', () => {
  const layout = intervalLayout(estimatorForestModel(forestInput));
  assert.deepEqual(layout.rows.map((r) => r.marker), ['unadjusted', 'interval', 'interval', 'no-interval']);
  assert.ok(layout.legend.some((e) => e.kind === 'hollow' && /without an interval/.test(e.text)));
  assert.ok(layout.legend.some((e) => e.kind === 'filled'));
  const truth = layout.legend.find((e) => e.kind === 'dashed');
  assert.ok(truth && /true TE/.test(truth.text) && truth.text.includes('10.31'), 'truth entry names the value');
  // nothing to explain: no legend
  const plain = intervalLayout({ title: 't', valueLabel: 'v', rows: [{ label: 'a', estimate: 1, ci: [0, 2] }] });
  assert.deepEqual(plain.legend, []);
});

test('forest plot: rows on the treated are marked at the true ATT, not measured against the true TE', () => {
  const mixed = estimatorForestModel({
    ...forestInput,
    rows: [
      ...forestInput.rows.slice(1, 3),
      { label: 'Entropy balancing ATT (ATT)', estimate: 21.5, ci: [19, 24] as [number, number], kind: 'ipw', truth: { estimand: 'ATT', value: 22.4 } },
      { label: 'AIPW (ATE)', estimate: 11, ci: [9, 13] as [number, number], kind: 'aipw' },
    ],
  });
  assert.equal(mixed.reference, undefined, 'no single true-TE line across rows of different estimands');
  assert.deepEqual(mixed.rows.map((r) => r.truth), [10.31, 10.31, 22.4, undefined]);
  const layout = intervalLayout(mixed);
  assert.ok(layout.range.max >= 24 && layout.range.min <= 0);
  assert.ok(layout.legend.some((e) => e.kind === 'mark' && /true value of the row/.test(e.text)), 'the ticks have a legend entry');
  assert.ok(!layout.legend.some((e) => e.kind === 'dashed'));
  // one estimand throughout: the dashed line, named by that estimand
  const att = estimatorForestModel({ ...forestInput, rows: [mixed.rows[2]!].map((r) => ({ ...r, truth: { estimand: 'ATT', value: 22.4 } })) });
  assert.deepEqual(att.reference, { value: 22.4, label: 'simulator’s true ATT' });
  assert.equal(att.rows[0]!.truth, undefined);
  // real data: no truth at all
  assert.equal(estimatorForestModel({ ...forestInput, rows: withoutTruth(forestInput.rows) }).reference, undefined);
});

test('axis limits are whole ticks around the padded range', () => {
  assert.deepEqual(niceRange({ min: -0.7, max: 19.9 }), { min: -5, max: 20 });
  assert.deepEqual(niceRange({ min: -0.012, max: 0.27 }), { min: -0.05, max: 0.3 });
});

const seg = (by: string, segment: string, rows: number, estimate: number, ci: [number, number] | null): SegmentEffect => ({ by, segment, rows, users: Math.round(rows / 20), estimand: 'ate', value: { estimate, ci } });

test('heterogeneity: segments below the size filter are left out and counted; rows say n; bin edges are readable', () => {
  const data = heterogeneityModel({
    source: 'AIPW',
    valueLabel: 'Effect on Y',
    overall: { estimate: 9.88 },
    segments: [
      seg('prior', 'low [0.0, 71.0]', 1500, 8.5, [5.3, 11.6]),
      seg('share', 'medium [0.444444, 0.545455]', 1400, 12, [8.4, 15.6]),
      seg('degree', `UNKNOWN${BELOW_SIZE_FILTER}`, 12, 13.7, null),
    ],
  });
  assert.deepEqual(data.rows.map((r) => r.label), ['prior: low [0, 71]', 'share: medium [0.444, 0.545]']);
  assert.deepEqual(data.rows.map((r) => r.detail), ['n = 1,500 rows, 75 users', 'n = 1,400 rows, 70 users']);
  assert.match(data.subtitle!, /1 segment below the size filter left out/);
  assert.equal(data.reference?.value, 9.88);
  const legend = intervalLayout(data).legend;
  assert.ok(legend.some((e) => e.kind === 'box' && e.text === 'segmented by prior'), 'colours are in the legend');
  assert.equal(readableSegment('(-inf, 1234.5678]'), '(-inf, 1235]');
});

const msm: EstimatorEntry = { id: 'msm', kind: 'msm', status: 'ok', estimates: { ate: { estimate: 12.1, ci: [8.7, 15.9] } }, diagnostics: { ess_share: 0.9, essShare: 0.9 }, warnings: [] };

test('weight sensitivity: the setting of the main estimate is present, marked, and first; unweighted stays off the range', () => {
  const main = mainWeighting([msm, { ...msm, id: 'gcomp', kind: 'gcomp' }], (e) => `MSM ${e.id}`);
  assert.deepEqual(main, { label: 'MSM msm', estimate: 12.1, ci: [8.7, 15.9], essShare: 0.9 });
  const data = weightSensitivityModel({
    valueLabel: 'Effect on Y',
    main,
    weights: [
      { label: 'unweighted', weighting: 'none', value: { estimate: 48, ci: [41, 57] }, essShare: 1 },
      { label: 'logistic, stabilized, clip 10', weighting: 'stabilized, clip 10', value: { estimate: 11.4, ci: [7.8, 14.9] }, essShare: 0.89 },
    ],
  });
  assert.equal(data.rows[0]!.main, true);
  assert.equal(data.rows[0]!.label, 'main estimate (ESS 90%)');
  assert.equal(data.rows[0]!.detail, 'MSM msm');
  assert.equal(data.rows.filter((r) => r.main).length, 1);
  assert.equal(data.rows[1]!.unadjusted, true);
  const layout = intervalLayout(data);
  assert.equal(layout.rows[1]!.offScale, 'right');
  assert.ok(layout.legend.some((e) => e.kind === 'square' && /main estimate/.test(e.text)));
  // two estimators with variants: the rows would not say whose they are, so no main row
  assert.equal(mainWeighting([msm, { ...msm, id: 'msm2' }], (e) => e.id), null);
});

test('specification curve: one outcome on the axis, the outcome axis leaves the choice panel', () => {
  const point = (cellId: string, outcome: string, threshold: number, estimate: number) => ({ cellId, axes: { 'treatment.threshold.value': threshold, 'outcomes.primary': outcome }, estimate, ci: [estimate - 1, estimate + 1] as [number, number] });
  const curve: SpecificationCurve = {
    estimator: 'mediation',
    estimand: 'te',
    axes: ['treatment.threshold.value', 'outcomes.primary'],
    points: [point('a', 'y3', 0.4, 4), point('b', 'y7', 0.4, 9), point('c', 'y3', 0.5, 5), point('d', 'y7', 0.5, 10)],
  } as SpecificationCurve;
  const valueLabels = new Map([
    ['treatment.threshold.value', new Map([['0.4', '0.4'], ['0.5', '0.5']])],
    ['outcomes.primary', new Map([['"y3"', 'y3'], ['"y7"', 'y7']])],
  ]);
  const data = specificationCurveModel({ curve, cells: [], valueLabels, valueLabel: 'Effect on y7', outcome: 'y7' });
  assert.deepEqual(data.points.map((p) => p.estimate), [9, 10]);
  assert.deepEqual(data.axes, ['treatment.threshold.value']);
  assert.equal(data.valueLabel, 'Effect on y7');
  assert.match(data.subtitle!, /2 of 4 specifications: those on y7/);
  // without an outcome axis every specification stays
  const one = specificationCurveModel({ curve: { ...curve, axes: ['treatment.threshold.value'] }, cells: [], valueLabels, valueLabel: 'Effect on y7', outcome: 'y7' });
  assert.equal(one.points.length, 4);
  assert.equal(one.subtitle, undefined);
});

test('moderator importance is titled as an association', () => {
  const m = featureImportanceModel({ estimator: 'aipw', model: 'effect moderators (gbm on AIPW pseudo-outcomes)', target: 'effect', rows: [] });
  for (const text of [m.heading, m.title, m.subtitle ?? '']) assert.doesNotMatch(text, /\b(drives?|causes?|moderators?)\b/i, text);
  assert.match(m.subtitle!, /^gbm on AIPW pseudo-outcomes · /);
  assert.match(m.title, /associated with/);
  assert.match(m.subtitle!, /not a causal effect/);
});

test('secondary outcomes: colours (outcomes) are in the legend; the unadjusted estimate stays off the range', () => {
  const data = secondaryOutcomesModel({
    relative: true,
    rows: [
      { label: 'hours — naive', estimate: 33.6, ci: [27, 38.8], group: 'hours', kind: 'difference_in_means' },
      { label: 'hours — ipw', estimate: 7.3, ci: [5.3, 9.5], group: 'hours', kind: 'ipw' },
      { label: 'days — ipw', estimate: -0.3, ci: [-0.6, 0], group: 'days', kind: 'ipw' },
    ],
  });
  const layout = intervalLayout(data);
  assert.equal(layout.rows[0]!.offScale, 'right');
  assert.deepEqual(layout.legend.filter((e) => e.kind === 'box').map((e) => e.text), ['outcome hours', 'outcome days']);
});

test('overlap: both arms and the bounds are in the legend, with each arm\'s rows; decomposition marks truth and missing intervals', () => {
  const m = overlapModel({ edges: [0, 0.5, 1], treated: [10, 30], control: [25, 15], treatedLabel: 'Treated', controlLabel: 'Control' });
  assert.deepEqual(m.legend.map((e) => e.text), ['Control, 40 rows', 'Treated, 40 rows', 'propensity 0.05 and 0.95']);
  const legend = decompositionLegend(
    { valueLabel: 'v', truth: { Total: 10 }, groups: [{ label: 'gbm', parts: [{ part: 'Total', estimate: 9, ci: null }] }] },
    ['Total'],
    ['#000000'],
  );
  assert.deepEqual(legend.map((e) => e.kind), ['box', 'area', 'mark']);
});

test('the sections give the figures what their models need: estimator kinds reach the forest plot, segment sizes the heterogeneity plot', () => {
  const model = buildReportModel(exampleResults());
  const alt = (kind: string): string => model.figures.find((f) => f.kind === kind)!.draw({}).alt;
  // the fixture's difference in means (176) is several times the adjusted estimates (≤ 43)
  assert.match(alt('estimator_forest'), /Beyond the axis \(arrow at the edge\): Difference in means \(ATE\)\./);
  assert.match(alt('heterogeneity'), /prior_3day_interactions: low \(0, 123\] \(n = 2,733 rows, 133 users\)/);
});
