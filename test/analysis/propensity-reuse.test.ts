// The cell's overlap diagnostic reuses the estimators' logistic propensity fit on the frame (cached in its
// Env, src/estimate/weights.ts) instead of fitting the same model again; a model named `logistic` of
// another kind (with random draws) is still fitted by the diagnostic itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellPropensityDiagnostics } from '../../src/analysis/propensity.js';
import { recordWeights } from '../../src/estimate/env.js';
import { makeLearner } from '../../src/estimate/learners.js';
import type { ModelSpec } from '../../src/estimate/types.js';
import { Rng } from '../../src/rng.js';
import { simulateFrame } from '../support/simulate-frame.js';

type Histogram = { edges: number[]; treated: number[]; control: number[] };

function histogramOf(p: Float64Array, A: Float64Array): Histogram {
  const bins = 20;
  const treated = new Array<number>(bins).fill(0), control = new Array<number>(bins).fill(0);
  for (let i = 0; i < p.length; i++) {
    const k = Math.min(bins - 1, Math.max(0, Math.floor(p[i] * bins)));
    if (A[i] === 1) treated[k]++;
    else control[k]++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, k) => k / bins), treated, control };
}

test('the overlap diagnostic takes the logistic propensity from the frame\'s cache, with the values of a fresh fit', () => {
  const { frame } = simulateFrame({ users: 60, daysPerUser: 10, covariates: 3, seed: 11 });
  const models: Record<string, ModelSpec> = { logistic: { kind: 'logistic', penalty: 'l2', C: 1, standardize: true } };
  const ctx = { seed: 5, cellId: 'reuse', models, bootstrap: undefined };
  const { result, asked } = recordWeights(frame, () => cellPropensityDiagnostics(frame, ctx, models, []));
  assert.deepEqual(asked.map((a) => a.key.split(':')[0]), ['propensity'], 'the propensity went through the frame\'s cache');
  const fresh = makeLearner(models.logistic!, new Rng(1)).fit(frame.X, frame.A).predict(frame.X);
  assert.deepEqual(Array.from(asked[0]!.weights.propensity), Array.from(fresh));
  assert.deepEqual((result.overlap as { histogram: Histogram }).histogram, histogramOf(fresh, frame.A));
});

test('a model named logistic of another kind is fitted by the diagnostic with its own draws, not taken from the cache', () => {
  const { frame } = simulateFrame({ users: 40, daysPerUser: 8, covariates: 2, seed: 12 });
  const models: Record<string, ModelSpec> = { logistic: { kind: 'gbm', trees: 5, max_depth: 2, learning_rate: 0.1 } };
  const ctx = { seed: 5, cellId: 'other-kind', models, bootstrap: undefined };
  const { result, asked } = recordWeights(frame, () => cellPropensityDiagnostics(frame, ctx, models, []));
  assert.equal(asked.length, 0);
  assert.ok((result.overlap as { histogram?: unknown }).histogram);
});
