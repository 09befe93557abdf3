// Every cross-fitted estimator reports which fold predicted each user (EstimatorResult.folds), the run
// writes them to crossfit_folds.csv and keeps them out of results.json (src/report/crossfit.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runEstimator } from '../../src/estimate/runner.js';
import { foldsByUser, groupKFold } from '../../src/estimate/learners.js';
import { randomUserFolds } from '../../src/estimate/ml/repeats.js';
import { simulateFrame } from '../support/simulate-frame.js';
import { subsetFrame } from '../../src/frame/index.js';
import { crossfitFoldsCsv, withoutCrossfitFolds } from '../../src/report/crossfit.js';
import type { CellResult } from '../../src/results/index.js';
import type { AnalysisFrame, CrossfitFolds, EstimatorContext } from '../../src/estimate/types.js';

/** 36 users with 6 to 9 days each (many ties in row count), user ids not 0..n−1. */
function frame(): AnalysisFrame {
  const { frame: full } = simulateFrame({ users: 36, daysPerUser: 9, covariates: 4, seed: 8 });
  const keep: number[] = [];
  const day = new Map<number, number>();
  for (let i = 0; i < full.n; i++) {
    const u = full.cluster[i];
    const d = day.get(u) ?? 0;
    day.set(u, d + 1);
    if (d < 6 + (u % 4)) keep.push(i);
  }
  const index = Int32Array.from(keep);
  return subsetFrame(full, index, Int32Array.from(index, (i) => 5 * full.cluster[i] + 2));
}

const ctx: EstimatorContext = { seed: 4, cellId: 'folds-cell', models: {} };

function expectGroupKFold(got: CrossfitFolds | undefined, f: AnalysisFrame, k: number, what: string) {
  assert.ok(got, `${what}: no folds`);
  const users = [...new Set(f.cluster)].sort((a, b) => a - b);
  assert.deepEqual(got.users, users, what);
  assert.deepEqual(got.splits[0], foldsByUser(f.cluster, [groupKFold(f.cluster, k)]).splits[0], what);
  assert.equal(new Set(got.splits[0]).size, k, `${what}: every fold used`);
}

test('cross-fitted estimators report each user\'s GroupKFold fold; estimators that do not cross-fit report none', () => {
  const f = frame();
  // the kinds' own (linear) cross-fitting: the 'point' form
  expectGroupKFold(runEstimator({ id: 'g', kind: 'gcomp', crossfit: { folds: 4 } }, f, ctx, 'point').folds, f, 4, 'gcomp crossfit');
  expectGroupKFold(runEstimator({ id: 'a', kind: 'aipw' }, f, ctx).folds, f, 3, 'aipw (3 folds by default)');
  expectGroupKFold(runEstimator({ id: 'am', kind: 'aipw_means' }, f, ctx).folds, f, 3, 'aipw_means (3 folds by default)');
  expectGroupKFold(runEstimator({ id: 'm', kind: 'mediation', crossfit: { folds: 2 } }, f, ctx, 'point').folds, f, 2, 'mediation crossfit');
  // the kinds' cross-fitted (any learner) forms, which a spec entry with crossfit runs
  expectGroupKFold(runEstimator({ id: 'ga', kind: 'aipw', outcome: 'linear', crossfit: { folds: 5 } }, f, ctx).folds, f, 5, 'ml aipw');
  expectGroupKFold(runEstimator({ id: 'gg', kind: 'gcomp', outcome: 'linear', crossfit: { folds: 3 } }, f, ctx).folds, f, 3, 'ml gcomp');
  expectGroupKFold(runEstimator({ id: 'gm', kind: 'mediation', mediator_model: 'linear', outcome_model: 'linear', crossfit: { folds: 4 } }, f, ctx).folds, f, 4, 'ml mediation');
  for (const spec of [{ id: 'd', kind: 'difference_in_means' }, { id: 'g0', kind: 'gcomp' }, { id: 'm0', kind: 'mediation' }, { id: 'a0', kind: 'aipw', crossfit: false }]) {
    const got = runEstimator(spec, f, ctx);
    assert.equal(got.status, 'ok', `${spec.kind}: ${got.reason}`);
    assert.equal(got.folds, undefined, spec.kind);
  }
});

test('repeated cross-fitting reports every split: GroupKFold first, then the random user splits', () => {
  const f = frame();
  const spec = { id: 'md', kind: 'mediation_debiased', mediator_model: 'linear', outcome_model: 'linear', crossfit: { folds: 3, repeats: 3 } };
  const got = runEstimator(spec, f, ctx).folds;
  expectGroupKFold(got, f, 3, 'mediation_debiased');
  assert.equal(got!.splits.length, 3);
  for (const s of [1, 2]) {
    const rowFold = new Int32Array(f.n);
    randomUserFolds(f.cluster, 3, ctx.seed, ctx.cellId, s).forEach((fold, k) => fold.test.forEach((i) => (rowFold[i] = k)));
    assert.deepEqual(got!.splits[s], foldsByUser(f.cluster, [rowFold]).splits[0], `split ${s}`);
  }
  assert.notDeepEqual(got!.splits[1], got!.splits[0]);
});

test('crossfit_folds.csv: one row per cell, estimator, repeat and user, folds and repeats from 1; results.json cells lose the folds', () => {
  const cell = (id: string, crossfitFolds?: CellResult['crossfitFolds']) =>
    ({ id, axes: {}, status: 'ok', definitions: {}, readiness: [], assumptions: [], estimators: [], diagnostics: {}, warnings: [], ...(crossfitFolds ? { crossfitFolds } : {}) }) as unknown as CellResult;
  const cells = [
    cell('c1', [
      { estimator: 'aipw', users: [3, 8], splits: [[0, 1]] },
      { estimator: 'aipw', outcome: 'watch,time', users: [3], splits: [[2]] },
    ]),
    cell('c2'),
    cell('c3', [{ estimator: 'med', users: [1, 2], splits: [[1, 0], [0, 0]] }]),
  ];
  assert.equal(
    crossfitFoldsCsv(cells),
    ['cell,estimator,outcome,repeat,user_id,fold', 'c1,aipw,,1,3,1', 'c1,aipw,,1,8,2', 'c1,aipw,"watch,time",1,3,3',
      'c3,med,,1,1,2', 'c3,med,,1,2,1', 'c3,med,,2,1,1', 'c3,med,,2,2,1'].join('\r\n') + '\r\n',
  );
  assert.equal(crossfitFoldsCsv([cell('c2')]), null);
  const plain = withoutCrossfitFolds(cells[0]);
  assert.equal('crossfitFolds' in plain, false);
  assert.equal('crossfitFolds' in cells[0], true, 'the cell itself is left as it was');
});
