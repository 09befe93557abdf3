// Propensities piling up at the clip bounds are caught (src/estimate/diagnostics.ts clipPileup): a
// near-deterministic treatment makes IPW, MSM, AIPW and the debiased estimators warn, and a fully
// determined one makes them fail; the positivity row of the assumption table and the overlap record
// read the same shares, and the share appears in the failed estimator's diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runEstimator } from '../../src/estimate/runner.js';
import { clipPileup, CLIP_PILEUP_FAIL, CLIP_PILEUP_WARN } from '../../src/estimate/diagnostics.js';
import { cellPropensityDiagnostics } from '../../src/analysis/propensity.js';
import { assumptionTable } from '../../src/analysis/assumptions.js';
import { classifyWarning } from '../../src/error-catalogue.js';
import type { AnalysisFrame, EstimatorContext, EstimatorResult } from '../../src/estimate/types.js';
import { simulateFrame } from '../support/simulate-frame.js';

/** The frame with one more design column: ±10 copies of the treatment on the users with id below `cut`, 0 elsewhere. */
function withRevealingColumn(frame: AnalysisFrame, share: number): AnalysisFrame {
  const n = frame.n;
  const users = [...new Set(frame.cluster)].sort((a, b) => a - b);
  const revealed = new Set(users.slice(0, Math.round(users.length * share)));
  const data = new Float64Array(frame.X.data.length + n);
  data.set(frame.X.data);
  for (let i = 0; i < n; i++) data[frame.X.data.length + i] = revealed.has(frame.cluster[i]) ? (frame.A[i] === 1 ? 10 : -10) : 0;
  return { ...frame, X: { rows: n, cols: frame.X.cols + 1, data, names: [...frame.X.names, 'reveals_treatment'] } };
}

const ctx: EstimatorContext = { seed: 7, cellId: 'pileup', models: {}, bootstrap: { reps: 20, level: 0.95 } };
const kinds = [
  { id: 'ipw', kind: 'ipw' },
  { id: 'msm', kind: 'msm' },
  { id: 'msm_unclipped', kind: 'msm', weights: 'unclipped' },
  { id: 'aipw', kind: 'aipw' },
  { id: 'aipw_means', kind: 'aipw_means' },
  { id: 'aipw_cf', kind: 'aipw', crossfit: { folds: 3 }, outcome: 'linear' },
  { id: 'med_dml', kind: 'mediation', method: 'debiased', mediator_model: 'linear', outcome_model: 'linear', propensity: 'logistic', crossfit: { folds: 3 } },
];
const pileupWarning = (r: EstimatorResult) => r.warnings.find((w) => classifyWarning(w) === 'ESTIMATE_CLIP_PILEUP');

test('clipPileup counts rows at or beyond the clip, tightened to 0.025 from 0 and 1', () => {
  const e = Float64Array.from([0.005, 0.02, 0.03, 0.5, 0.6, 0.96, 0.98, 0.995]);
  const clipped = clipPileup(e, [0.05, 0.95]);
  assert.deepEqual([clipped.rows, clipped.low, clipped.high], [6, 0.05, 0.95]);
  const loose = clipPileup(e, [0.01, 0.99]);
  assert.deepEqual([loose.rows, loose.low, loose.high], [4, 0.025, 0.975]);
  const unclipped = clipPileup(e, null);
  assert.deepEqual([unclipped.rows, unclipped.low, unclipped.high], [4, 0.025, 0.975]);
});

test('a well-overlapping frame: no estimator warns, the positivity row stays low', () => {
  const { frame } = simulateFrame({ users: 40, daysPerUser: 10, covariates: 2, seed: 5 });
  const results = kinds.map((k) => runEstimator(k, frame, ctx));
  for (const r of results) {
    assert.equal(r.status, 'ok', `${r.id}: ${r.reason}`);
    assert.equal(pileupWarning(r), undefined, `${r.id}: ${r.warnings.join('; ')}`);
  }
  const diagnostics = cellPropensityDiagnostics(frame, ctx, {}, results);
  const pileup = (diagnostics.overlap as { clip_pileup: { fires: boolean; estimators: unknown[] } }).clip_pileup;
  assert.equal(pileup.fires, false);
  assert.equal(pileup.estimators.length, kinds.length);
  assert.equal(assumptionTable(frame, results, diagnostics, undefined).find((r) => r.assumption === 'Positivity (overlap)')!.risk, 'low');
});

test('a near-deterministic treatment: every weighting and debiased estimator warns, and the positivity row says so', () => {
  const { frame } = simulateFrame({ users: 40, daysPerUser: 10, covariates: 2, seed: 5 });
  const near = withRevealingColumn(frame, 0.35);
  const results = kinds.map((k) => runEstimator(k, near, ctx));
  for (const r of results) {
    assert.equal(r.status, 'ok', `${r.id}: ${r.reason}`);
    const share = (r.diagnostics.clip_pileup as { share: number }).share;
    assert.ok(share > CLIP_PILEUP_WARN && share <= CLIP_PILEUP_FAIL, `${r.id}: share ${share}`);
    assert.ok(pileupWarning(r), `${r.id} does not warn: ${r.warnings.join('; ')}`);
  }
  const diagnostics = cellPropensityDiagnostics(near, ctx, {}, results);
  const pileup = (diagnostics.overlap as { clip_pileup: { fires: boolean; worst: { estimator: string; share: number } } }).clip_pileup;
  assert.equal(pileup.fires, true);
  const row = assumptionTable(near, results, diagnostics, undefined).find((r) => r.assumption === 'Positivity (overlap)')!;
  assert.match(row.risk, /^high: /);
  // the row quotes the worst estimator's share, as the overlap record holds it
  assert.ok(row.value.includes(`${(pileup.worst.share * 100).toFixed(1)}% of rows at or beyond [`) && row.value.includes(pileup.worst.estimator), row.value);
});

test('a treatment the covariates determine: the estimators fail with the share kept in their diagnostics', () => {
  const { frame } = simulateFrame({ users: 40, daysPerUser: 10, covariates: 2, seed: 5 });
  const determined = withRevealingColumn(frame, 1);
  const results = kinds.map((k) => runEstimator(k, determined, ctx));
  for (const r of results) {
    if (r.id === 'msm_unclipped') {
      // the logistic fit stops short of 0.01 on part of the rows here: unclipped weights warn at least
      assert.ok(r.status === 'failed' || pileupWarning(r), `${r.id}: ${r.warnings.join('; ')}`);
      continue;
    }
    assert.equal(r.status, 'failed', `${r.id} ran: ${JSON.stringify(r.estimates)}`);
    assert.match(r.reason!, /% of rows have a (propensity|P\(A=1\|X\)) at or beyond \[/);
    assert.ok((r.diagnostics.clip_pileup as { share: number }).share > CLIP_PILEUP_FAIL);
  }
  const diagnostics = cellPropensityDiagnostics(determined, ctx, {}, results);
  const row = assumptionTable(determined, results, diagnostics, undefined).find((r) => r.assumption === 'Positivity (overlap)')!;
  assert.match(row.risk, /^high: /);
});

test('the report: the overlap table lists the shares, and the Summary repeats a positivity row at risk', async () => {
  const { buildReportModel } = await import('../../src/report/model.js');
  const { renderTemplate } = await import('../../src/report/template.js');
  const { exampleResults } = await import('../report/fixture.js');
  const render = (results: ReturnType<typeof exampleResults>) => {
    const model = buildReportModel(results);
    return renderTemplate({ model, figures: model.figures.map((f) => ({ file: f.file, path: `figures/${f.file}.png`, alt: f.file, title: f.title })) });
  };
  const results = exampleResults();
  const cell = results.cells[0]!;
  // the cell's overlap record as src/analysis/propensity.ts writes it (the fixture's estimators carry theirs)
  const fromEstimator = cell.estimators.find((e) => e.diagnostics.overlap)!.diagnostics.overlap as Record<string, unknown>;
  const worst = { estimator: 'ipw', share: 0.234, low: 0.025, high: 0.975, status: 'ok' as const };
  (cell.diagnostics as Record<string, unknown>).overlap = { ...fromEstimator, clip_pileup: { worst, fires: true, estimators: [worst] } };
  cell.assumptions = [{
    assumption: 'Positivity (overlap)', status: 'checked', diagnostic: 'share of rows with propensity outside [0.05, 0.95]',
    value: '0.0%; 23.4% of rows at or beyond [0.025, 0.975], the clip bounds or near 0/1 (ipw)',
    risk: 'high: propensities pile up at the clip bounds (ipw); weighting and doubly robust estimates rest on the clip',
  }];
  const md = render(results);
  assert.match(md, /\| share at or beyond \\\[0\.025, 0\.975\\\], the clip bounds or near 0\/1 \(ipw\) \| 0\.2340 \|/);
  const summary = md.slice(md.indexOf('## Summary'), md.indexOf('\n## ', md.indexOf('## Summary') + 3));
  assert.match(summary, /Caution: positivity \(overlap\) is at risk — propensities pile up at the clip bounds \(ipw\)/);
});
