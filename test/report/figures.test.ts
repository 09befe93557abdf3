import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decompositionChart, importanceChart, intervalChart, lovePlot, overlapPlot, specificationCurve } from '../../src/report/figures/charts.js';
import { mediationDag } from '../../src/report/figures/dag.js';
import type { Figure, FigureOptions } from '../../src/report/figures/render.js';
import { createCanvas, loadImage } from '@napi-rs/canvas';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const forestRows = [
  { label: 'MSM, weighted', estimate: -2.6877, ci: [-12.2706, 5.7291] as [number, number] },
  { label: 'G-computation, GBM', estimate: 0.0359, ci: [-0.6384, 1.8656] as [number, number] },
  { label: 'G-computation, linear', estimate: 2.3288, ci: [-6.3238, 9.3565] as [number, number] },
  { label: 'AIPW, doubly robust', estimate: 1.094, ci: [-7.3428, 12.0178] as [number, number] },
  { label: 'no interval', estimate: 3, ci: null },
];

const cases: Array<[string, (o: FigureOptions) => Figure]> = [
  ['forest', (o) => intervalChart({ title: 'Long-term effect estimates', valueLabel: 'Effect on future 7-day interactions', rows: forestRows }, o)],
  ['love', (o) => lovePlot({ rows: [{ covariate: 'calendar_day_index', before: -0.96, after: -0.157 }, { covariate: 'lag_1_interactions', before: 0.595, after: 0.069 }, { covariate: 'missing_after', before: 0.2, after: null }] }, o)],
  ['overlap', (o) => overlapPlot({ edges: [0, 0.25, 0.5, 0.75, 1], treated: [5, 20, 40, 35], control: [30, 40, 20, 10] }, o)],
  ['weights', (o) => intervalChart({ title: 'MSM sensitivity to the weight specification', valueLabel: 'Effect', rows: forestRows.slice(0, 3) }, o)],
  ['secondary', (o) => intervalChart({ title: 'Secondary outcomes', valueLabel: 'Effect (outcome units)', rows: [{ label: 'future_7day_play_hours — MSM', estimate: 0.0598, ci: [0.021, 0.0986], group: 'hours' }, { label: 'future_7day_active_days — MSM', estimate: -0.0299, ci: [-0.0677, 0.0079], group: 'days' }] }, o)],
  ['decomposition', (o) => decompositionChart({ valueLabel: 'Effect', groups: [{ label: 'linear', parts: [{ part: 'Total', estimate: 37.28, ci: [32.24, 42.81] }, { part: 'Direct', estimate: 38.59, ci: [33.36, 43.72] }, { part: 'Indirect', estimate: -1.31, ci: [-2.3, -0.43] }] }, { label: 'gbm', parts: [{ part: 'Total', estimate: 3.2, ci: null }, { part: 'Direct', estimate: 3.27, ci: null }, { part: 'Indirect', estimate: -0.06, ci: null }] }] }, o)],
  ['dag', (o) => mediationDag({ treatment: 'A_high_discovery', mediator: 'satisfaction_depth_score', outcome: 'future_7day_interactions', covariates: '54 design columns' }, o)],
  ['dag-no-mediator', (o) => mediationDag({ treatment: 'A', mediator: null, outcome: 'Y' }, o)],
  ['spec-curve', (o) => specificationCurve({ valueLabel: 'Effect', axes: ['treatment.threshold.quantile', 'mediator'], points: [{ estimate: -1, ci: [-3, 1], choices: { 'treatment.threshold.quantile': '0.5', mediator: 'a' } }, { estimate: 2, ci: [0.5, 3.5], choices: { 'treatment.threshold.quantile': '0.6', mediator: 'b' } }, { estimate: 4, ci: null, choices: { 'treatment.threshold.quantile': '0.7', mediator: 'a' } }] }, o)],
  ['heterogeneity', (o) => intervalChart({ title: 'Effects by segment', valueLabel: 'Effect', rows: [{ label: 'prior: low', estimate: 2.1, ci: [-1, 5], group: 'prior' }, { label: 'degree: full_active', estimate: 3.2, ci: [0.1, 6.3], group: 'degree' }] }, o, 'Segment forest plot')],
  ['importance', (o) => importanceChart({ title: 'Feature importance', rows: [{ feature: 'calendar_day_index', share: 0.21 }, { feature: 'onehot_feat8', share: 0.07 }, { feature: 'prior_3day_interactions', share: 0.06 }] }, o)],
];

for (const [name, draw] of cases) {
  test(`figure ${name}: non-empty PNG with drawn content, deterministic bytes, alt text`, async () => {
    const a = draw({});
    const b = draw({});
    assert.ok(a.png.length > 5000, `png has ${a.png.length} bytes`);
    assert.deepEqual(a.png.subarray(0, 8), PNG_SIGNATURE);
    assert.ok(a.png.equals(b.png), 'same data gives the same PNG bytes');
    assert.ok(a.alt.length > 40, 'alt text says what the figure shows');
    assert.equal(a.svg, undefined);
    // pixels: an opaque white background with dark ink (text, axes) on it
    const img = await loadImage(a.png);
    const canvas = createCanvas(img.width, img.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, img.width, img.height).data;
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) {
      assert.equal(data[i + 3], 255, 'opaque');
      if (data[i]! < 80 && data[i + 1]! < 80 && data[i + 2]! < 80) dark++;
    }
    assert.ok(dark > 500, `ink present (${dark} dark pixels)`);
  });
}

test('a figure encoded in the background has the same PNG bytes as one encoded at once (charts and drawings)', async () => {
  for (const [name, draw] of cases.filter(([n]) => ['forest', 'love', 'dag'].includes(n))) {
    const now = draw({});
    const later = draw({ encodeInBackground: true });
    assert.equal(later.png.length, 0, `${name}: the bytes come in \`encoding\``);
    assert.ok(later.encoding, `${name}: an encoding promise`);
    const bytes = await later.encoding;
    assert.ok(bytes.equals(now.png), `${name}: same bytes`);
    assert.equal(later.alt, now.alt);
  }
});

test('figures export SVG when asked (text converted to paths)', () => {
  const f = intervalChart({ title: 'x', valueLabel: 'y', rows: forestRows }, { svg: true });
  assert.ok(f.svg && f.svg.startsWith('<?xml') && f.svg.includes('<svg') && f.svg.includes('<path'), 'svg document');
  const d = mediationDag({ treatment: 'A', mediator: 'M', outcome: 'Y' }, { svg: true });
  assert.ok(d.svg && d.svg.includes('<svg'));
});

test('alt text carries the numbers a reader needs', () => {
  const f = intervalChart({ title: 'Long-term effect estimates', valueLabel: 'Effect on future 7-day interactions', rows: forestRows });
  assert.match(f.alt, /MSM, weighted -2\.69 \[-12\.27, 5\.73\]/);
  assert.match(f.alt, /4 of 4 intervals cross zero/);
});

// encodePng frees a canvas's pixels once its PNG is encoded (src/report/figures/render.ts): a report's
// finished figures held 7–12 MB each until V8 collected their wrappers. Each mode must encode the full
// canvas first, then shrink it, then run the caller's `done`.
test('encodePng encodes the whole canvas, then frees its pixels, in both modes', async () => {
  const { encodePng } = await import('../../src/report/figures/render.js');
  const pngSize = (png: Buffer) => [png.readUInt32BE(16), png.readUInt32BE(20)];
  for (const background of [false, true]) {
    const canvas = createCanvas(300, 200);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#2a6f97';
    ctx.fillRect(0, 0, 300, 200);
    const order: string[] = [];
    const { png, encoding } = encodePng(canvas, { encodeInBackground: background }, () => order.push(`done at ${canvas.width}×${canvas.height}`));
    if (background) assert.deepEqual([canvas.width, canvas.height], [300, 200], 'pixels kept while the encoder reads them');
    const bytes = background ? await encoding! : png;
    assert.deepEqual(pngSize(bytes), [300, 200], `${background ? 'background' : 'direct'} encoding: the PNG has the full canvas`);
    const image = await loadImage(bytes);
    const probe = createCanvas(300, 200).getContext('2d');
    probe.drawImage(image, 0, 0);
    assert.deepEqual([...probe.getImageData(150, 100, 1, 1).data], [0x2a, 0x6f, 0x97, 255], 'the PNG holds what was drawn');
    assert.deepEqual([canvas.width, canvas.height], [1, 1], `${background ? 'background' : 'direct'} encoding: pixels freed after encoding`);
    assert.deepEqual(order, ['done at 300×200'], 'done runs once, before the canvas shrinks (chart.destroy clears a full canvas)');
  }
});
