import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFrame, frameForOutcome, subsetFrame, withSpareColumn, type FrameDefinition, type PanelLike } from '../../src/frame/index.js';
import { randomCommonCauseFrame } from '../../src/sensitivity/refuters.js';
import { Rng } from '../../src/rng.js';
import { CausewayError } from '../../src/errors.js';

function panel(): PanelLike {
  const n = 8;
  return {
    length: n,
    userId: Int32Array.from([1, 1, 1, 1, 2, 2, 2, 2]),
    table: {
      length: n,
      numeric: {
        active_day: Float64Array.from([1, 1, 0, 1, 1, 1, 1, 0]),
        share: Float64Array.from([0.1, 0.5, 0.9, NaN, 0.3, 0.7, 0.2, 0.95]),
        sat: Float64Array.from([1, 2, 3, 4, 5, 6, NaN, 8]),
        future: Float64Array.from([10, 11, 12, 13, 14, 15, 16, NaN]),
        future_b: Float64Array.from([1, NaN, 1, 1, 1, 1, 1, 1]),
        lag_1_x: Float64Array.from([NaN, 1, 2, 3, NaN, 5, 6, 7]),
        lag_1_y: Float64Array.from([0, 0, 0, 0, 0, 0, 0, 0]),
        prior_3day_x: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
        fans: Float64Array.from([0, 10, 100, 1000, 1e4, 1e5, 3, 4]),
      },
      categorical: {
        degree: { codes: Int32Array.from([0, 0, 1, -1, 2, 2, 1, 0]), levels: ['high_active', 'full_active', 'UNKNOWN'] },
      },
    },
  };
}

const base = (): FrameDefinition => ({
  population: Float64Array.from([1, 1, 1, 1, 1, 1, 1, 1]),
  treatment: { name: 'A', measure: 'share', threshold: { quantile: 0.5, among: 'population' } },
  mediator: 'sat',
  outcome: 'future',
  secondary: ['future_b'],
  covariates: { numeric: ['lag_1_*', 'prior_3day_x', 'fans'], categorical: ['degree'] },
});

test('treatment threshold by population quantile, rows with missing A/M/Y excluded and counted', () => {
  const f = buildFrame(panel(), base());
  // population shares without NaN: .1 .5 .9 .3 .7 .2 .95 → median 0.5
  assert.equal(f.definitions.threshold, 0.5);
  assert.deepEqual(Array.from(f.rows), [0, 1, 2, 4, 5]);
  assert.deepEqual(f.definitions.excluded, { missingTreatment: 1, missingMediator: 1, missingOutcome: 1 });
  assert.deepEqual(Array.from(f.A), [0, 1, 1, 0, 1]);
  assert.deepEqual(Array.from(f.cluster), [1, 1, 1, 2, 2]);
  assert.ok(Number.isNaN(frameForOutcome(f, 'future').Y[0]) === false);
  const b = frameForOutcome(f, 'future_b');
  assert.equal(b.n, 4);
  assert.equal(b.definitions.outcome, 'future_b');
});

test('quantile among active days, value thresholds, population mask with NaN', () => {
  const def = base();
  def.treatment = { name: 'A', measure: 'share', threshold: { quantile: 0.5, among: 'active_days' } };
  const f = buildFrame(panel(), def);
  // active rows 0,1,3,4,5,6 → shares .1 .5 NaN .3 .7 .2 → median 0.3
  assert.equal(f.definitions.threshold, 0.3);
  def.treatment = { name: 'A', measure: 'share', threshold: { value: 0.6 } };
  def.population = Float64Array.from([1, NaN, 1, 1, 1, 0, 1, 1]);
  const g = buildFrame(panel(), def);
  assert.deepEqual(Array.from(g.rows), [0, 2, 4]);
  assert.deepEqual(Array.from(g.A), [0, 1, 0]);
  assert.ok(g.warnings.some((w) => w.includes('NaN') && w.includes('1 panel rows')));
});

test('covariates: globs in table order, median imputation, constants dropped, one-hot drop_first in sorted order', () => {
  const f = buildFrame(panel(), base());
  // lag_1_y constant → dropped; degree levels in frame rows: high_active, full_active, UNKNOWN → sorted UNKNOWN < full_active < high_active
  assert.deepEqual(f.X.names, ['lag_1_x', 'prior_3day_x', 'fans', 'degree_full_active', 'degree_high_active']);
  const lag = Array.from(f.X.data.subarray(0, f.n));
  // frame rows 0,1,2,4,5 → lag values NaN,1,2,NaN,5 → median of 1,2,5 = 2
  assert.deepEqual(lag, [2, 1, 2, 2, 5]);
  assert.ok(f.warnings.some((w) => w.includes('constant covariates dropped: lag_1_y')));
  assert.deepEqual(Array.from(f.X.data.subarray(3 * f.n, 4 * f.n)), [0, 0, 1, 0, 0]);
});

test('transforms: log1p and winsorize at quantiles', () => {
  const def = base();
  def.covariates.transforms = { fans: { log1p: true }, 'prior_*': { winsorize: [0.25, 0.75] } };
  const f = buildFrame(panel(), def);
  const fans = Array.from(f.X.data.subarray(2 * f.n, 3 * f.n));
  assert.deepEqual(fans, [0, 10, 100, 1e4, 1e5].map(Math.log1p));
  const prior = Array.from(f.X.data.subarray(1 * f.n, 2 * f.n));
  // values 1,2,3,5,6 → q25 = 2, q75 = 5
  assert.deepEqual(prior, [2, 2, 3, 5, 5]);
  def.covariates.transforms = { lag_1_x: { log1p: true } };
  const p = panel();
  p.table.numeric.lag_1_x[1] = -3;
  assert.throws(() => buildFrame(p, def), (e: unknown) => e instanceof CausewayError && e.code === 'FRAME_BAD_TRANSFORM');
});

test('a missing column is a CausewayError with a suggestion; an empty glob is a warning', () => {
  const def = base();
  def.outcome = 'futur';
  assert.throws(() => buildFrame(panel(), def), (e: unknown) => e instanceof CausewayError && e.code === 'FRAME_MISSING_COLUMN' && /did you mean "future"/.test(e.hint ?? ''));
  const d2 = base();
  d2.covariates.numeric = ['nothing_*', 'fans'];
  const f = buildFrame(panel(), d2);
  assert.ok(f.warnings.some((w) => w.includes('"nothing_*" matched no column')));
});

test('an empty arm is reported as a frame warning, not an exception', () => {
  const def = base();
  def.treatment = { name: 'A', measure: 'share', threshold: { value: 5 } };
  const f = buildFrame(panel(), def);
  assert.ok(f.warnings.some((w) => w.includes('one treatment arm is empty')));
});

test('a built design leaves one column of room in its buffer; the random-common-cause refuter writes its noise there', () => {
  const f = buildFrame(panel(), base());
  const before = Float64Array.from(f.X.data);
  const extended = withSpareColumn(f.X);
  assert.ok(extended);
  assert.equal(extended.buffer, f.X.data.buffer);
  assert.equal(extended.length, f.X.rows * (f.X.cols + 1));
  const changed = randomCommonCauseFrame(f, new Rng(1, 'cell', 'refuter:random_common_cause', 0));
  assert.equal(changed.X.data.buffer, f.X.data.buffer);
  assert.equal(changed.X.cols, f.X.cols + 1);
  assert.deepEqual(changed.X.names, [...f.X.names, 'random_common_cause']);
  // the frame's own design is untouched, the noise column is what a fresh copy would hold
  assert.deepEqual(f.X.data, before);
  assert.deepEqual(changed.X.data.subarray(0, f.X.rows * f.X.cols), before);
  const noise = changed.X.data.subarray(f.X.rows * f.X.cols);
  const rng = new Rng(1, 'cell', 'refuter:random_common_cause', 0);
  assert.deepEqual(noise, Float64Array.from({ length: f.X.rows }, () => rng.normal()));
  assert.ok(noise.some((v) => v !== 0));
  // a design made elsewhere (a subset here) has no such room: the refuter copies it
  const sub = subsetFrame(f, Int32Array.from([0, 2, 4]));
  assert.equal(withSpareColumn(sub.X), null);
  const copied = randomCommonCauseFrame(sub, new Rng(1, 'cell', 'refuter:random_common_cause', 0));
  assert.notEqual(copied.X.data.buffer, sub.X.data.buffer);
  assert.deepEqual(copied.X.data.subarray(0, sub.X.rows * sub.X.cols), sub.X.data);
});
