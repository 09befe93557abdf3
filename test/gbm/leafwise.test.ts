/**
 * Leaf-wise (best-first) growth (`num_leaves`, as LightGBM and XGBoost's grow_policy=lossguide) against
 * XGBoost on a design whose features have few distinct values (every binning gives the same candidate
 * splits): predictions agree to XGBoost's float32 precision (test/gbm/make_lossguide.py wrote
 * test/gbm/lossguide.json). Depth-wise trees on the same data agree too and differ from leaf-wise ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CausewayError } from '../../src/errors.js';
import { fitGbm, resolveGbmOptions } from '../../src/estimate/gbm/index.js';

const peer = JSON.parse(readFileSync(new URL('../../../test/gbm/lossguide.json', import.meta.url), 'utf8')) as Record<string, number[]>;

function design() {
  const n = 400;
  const cols = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    cols[0][i] = i % 17;
    cols[1][i] = (i * 7) % 11;
    cols[2][i] = (i * 13) % 5;
    y[i] = Math.sin(cols[0][i] / 3) * 2 + (cols[1][i] > 5 ? 1.5 : 0) + 0.3 * cols[2][i] * (cols[0][i] > 8 ? 1 : 0) + 0.4 * Math.sin(i * 1.7);
  }
  const data = new Float64Array(3 * n);
  cols.forEach((c, j) => data.set(c, j * n));
  return { X: { rows: n, cols: 3, data, names: ['a', 'b', 'c'] }, y };
}

const maxDiff = (a: Float64Array, b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

test('leaf-wise trees match XGBoost lossguide (max_leaves) and depth-wise trees match XGBoost depthwise', () => {
  const { X, y } = design();
  for (const leaves of [4, 7]) {
    const leafwise = fitGbm(X, y, resolveGbmOptions({ trees: 5, learning_rate: 0.3, lambda: 1, num_leaves: leaves, min_data_in_leaf: 1, min_child_weight: 1 })).predict(X);
    assert.ok(maxDiff(leafwise, peer[String(leaves)]) < 1e-5, `num_leaves ${leaves}: max |Δ| ${maxDiff(leafwise, peer[String(leaves)])}`);
    const depthwise = fitGbm(X, y, resolveGbmOptions({ trees: 5, learning_rate: 0.3, lambda: 1, max_depth: 2 })).predict(X);
    assert.ok(maxDiff(depthwise, peer[`depth2_${leaves}`]) < 1e-5);
    // four leaves grown best-first are not the depth-2 tree's four leaves here
    if (leaves === 4) assert.ok(maxDiff(leafwise, Array.from(depthwise)) > 1e-3, 'leaf-wise growth changes the trees');
  }
});

test('leaf-wise options: LightGBM defaults, one name per option, a depth bound only when given', () => {
  const p = resolveGbmOptions({ num_leaves: 31 });
  assert.equal(p.numLeaves, 31);
  assert.equal(p.minSamplesLeaf, 20, 'min_data_in_leaf defaults to 20 as LightGBM');
  assert.equal(p.minChildWeight, 1e-3, 'min_sum_hessian_in_leaf 1e-3 as LightGBM');
  assert.equal(p.maxDepth, 30, 'a depth of num_leaves − 1 never binds');
  assert.equal(resolveGbmOptions({ num_leaves: 31, max_depth: 4 }).maxDepth, 4);
  assert.equal(resolveGbmOptions({}).numLeaves, undefined, 'no num_leaves: depth-wise as before');
  assert.throws(() => resolveGbmOptions({ min_data_in_leaf: 5, min_samples_leaf: 5 }), (e: unknown) => e instanceof CausewayError && /not both/.test(e.message));
  assert.throws(() => resolveGbmOptions({ num_leaves: 1 }), (e: unknown) => e instanceof CausewayError && /num_leaves/.test(e.message));
  // a tree never holds more leaves than num_leaves
  const { X, y } = design();
  const model = fitGbm(X, y, resolveGbmOptions({ trees: 3, num_leaves: 5, min_data_in_leaf: 1 }));
  for (let t = 0; t < model.trees; t++) {
    let leaves = 0;
    for (let k = model.treeStart[t]; k < model.treeStart[t + 1]; k++) if (model.feature[k] < 0) leaves++;
    assert.ok(leaves <= 5 && leaves >= 2, `tree ${t} has ${leaves} leaves`);
  }
});
