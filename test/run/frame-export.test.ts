// `causeway frame` writes each estimator's own propensity and weights (src/run/frame-export.ts): two IPW
// entries with different clipping get different weight columns, a cross-fitted AIPW its out-of-fold
// propensities, an AIPW in its own (point) form the clipped propensities its scores used, and the Hajek difference recomputed from the written A, Y and weight:<id> is the
// estimate `causeway run` reports for that entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/rng.js';
import { scratchDir } from '../scratch.js';
import { bin, root } from '../support/cli.js';


/** 240 units: treatment more likely with x, outcome 2·A + x + noise. */
function unitsCsv(): string {
  const rng = new Rng(42, 'frame-export-units');
  const lines = ['unit_id,site,x,treated,y'];
  for (let i = 0; i < 240; i++) {
    const x = rng.normal();
    const a = rng.nextFloat() < 1 / (1 + Math.exp(-1.2 * x)) ? 1 : 0;
    lines.push(`${i},${i % 24},${x},${a},${2 * a + x + rng.normal()}`);
  }
  return lines.join('\n') + '\n';
}

const SPEC = `spec: 1
name: frame-weights
seed: 7
data: { source: table, path: units.csv, id: unit_id, cluster: site }
treatment: { measure: treated, threshold: { value: 0.5 } }
outcomes: { primary: y }
covariates: { numeric: [x] }
estimators:
  - { id: naive, kind: difference_in_means }
  - { id: ipw_wide, kind: ipw, clip: [0.02, 0.98] }
  - { id: ipw_narrow, kind: ipw, clip: [0.1, 0.9], stabilize: false, cap_quantile: 1 }
  - { id: aipw_cf, kind: aipw, crossfit: { folds: 3 } }
  - { id: aipw_point, kind: aipw, outcome: linear, clip: [0.2, 0.8] }
`;

function causeway(work: string, args: string[]): void {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, CAUSEWAY_CACHE: join(work, 'cache'), CI: 'true' } });
  assert.equal(r.status, 0, r.stderr + r.stdout);
}

test('causeway frame writes each estimator\'s own propensity and weights, named by its id', () => {
  const work = scratchDir('frame-weights');
  writeFileSync(join(work, 'units.csv'), unitsCsv());
  writeFileSync(join(work, 'spec.yaml'), SPEC);
  causeway(work, ['frame', 'spec.yaml', '--out', join(work, 'frame.csv')]);
  causeway(work, ['run', 'spec.yaml', '--out', join(work, 'run'), '--jobs', '1', '--quiet']);

  const [header, ...rows] = readFileSync(join(work, 'frame.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
  const col = (name: string) => {
    const j = header.indexOf(name);
    assert.ok(j >= 0, `column ${name} in ${header.join(', ')}`);
    return rows.map((r) => Number(r[j]));
  };
  for (const name of ['propensity:ipw_wide', 'weight:ipw_wide', 'propensity:ipw_narrow', 'weight:ipw_narrow', 'propensity:aipw_cf']) col(name);
  assert.ok(!header.some((h) => h.endsWith(':naive')), 'an estimator without a propensity writes none');
  assert.ok(!header.includes('weight:aipw_cf'), 'AIPW uses no weights');

  const A = col('A');
  const Y = col('Y');
  // Same propensity model, own weights: the narrow clip moves them.
  assert.deepEqual(col('propensity:ipw_narrow'), col('propensity:ipw_wide'));
  assert.notDeepEqual(col('weight:ipw_narrow'), col('weight:ipw_wide'));
  // Unstabilized, clipped at [0.1, 0.9], capped at the maximum (no cap): weight = 1 / clip(e) for the treated, 1 / (1 − clip(e)) else.
  const e = col('propensity:ipw_narrow');
  const w = col('weight:ipw_narrow');
  for (let i = 0; i < rows.length; i++) {
    const ec = Math.min(Math.max(e[i], 0.1), 0.9);
    assert.ok(Math.abs(w[i] - (A[i] === 1 ? 1 / ec : 1 / (1 - ec))) < 1e-9 * w[i], `row ${i}`);
  }
  // Cross-fitted propensities differ from the full-sample fit.
  assert.notDeepEqual(col('propensity:aipw_cf'), e);
  assert.ok(!header.includes('weight:aipw_point'), 'AIPW uses no weights');
  const own = col('propensity:aipw_point');
  assert.ok(own.every((e) => e >= 0.2 && e <= 0.8) && own.some((e) => e === 0.2 || e === 0.8), 'clipped to [0.2, 0.8], the bounds binding');

  const results = JSON.parse(readFileSync(join(work, 'run', 'results.json'), 'utf8')) as { cells: Array<{ estimators: Array<{ id: string; outcome?: string; estimates: Record<string, { estimate: number }> }> }> };
  const hajek = (weights: number[]) => {
    let s1 = 0, w1 = 0, s0 = 0, w0 = 0;
    for (let i = 0; i < rows.length; i++) {
      if (A[i] === 1) { s1 += weights[i] * Y[i]; w1 += weights[i]; } else { s0 += weights[i] * Y[i]; w0 += weights[i]; }
    }
    return s1 / w1 - s0 / w0;
  };
  for (const id of ['ipw_wide', 'ipw_narrow']) {
    const reported = results.cells[0].estimators.find((x) => x.id === id && !x.outcome)!.estimates.ate.estimate;
    assert.ok(Math.abs(hajek(col(`weight:${id}`)) - reported) < 1e-9, `${id}: frame ${hajek(col(`weight:${id}`))}, run ${reported}`);
  }

  // The point-form AIPW's estimate from the written propensity: its linear outcome model on [1, A, x] is
  // refitted here per cross-fitting fold (the run's crossfit_folds.csv, by cluster) and the doubly robust
  // scores use propensity:aipw_point as written; their mean is the reported ATE.
  const foldOf = new Map<number, number>();
  for (const line of readFileSync(join(work, 'run', 'crossfit_folds.csv'), 'utf8').trim().split('\n').slice(1)) {
    const [, estimator, , , user, fold] = line.split(',');
    if (estimator === 'aipw_point') foldOf.set(Number(user), Number(fold));
  }
  const cluster = col('cluster');
  const x = col('x');
  const folds = [...new Set(foldOf.values())];
  assert.ok(folds.length === 3, `three folds, got ${folds.length}`);
  const mu = (a: number, i: number, beta: number[]) => beta[0]! + beta[1]! * a + beta[2]! * x[i]!;
  let psiSum = 0;
  for (const f of folds) {
    const train = rows.map((_, i) => i).filter((i) => foldOf.get(cluster[i]!) !== f);
    const beta = leastSquares(train.map((i) => [1, A[i]!, x[i]!]), train.map((i) => Y[i]!));
    for (let i = 0; i < rows.length; i++) {
      if (foldOf.get(cluster[i]!) !== f) continue;
      const m1 = mu(1, i, beta), m0 = mu(0, i, beta);
      psiSum += m1 - m0 + (A[i]! * (Y[i]! - m1)) / own[i]! - ((1 - A[i]!) * (Y[i]! - m0)) / (1 - own[i]!);
    }
  }
  const aipw = results.cells[0].estimators.find((x) => x.id === 'aipw_point' && !x.outcome)!.estimates.ate.estimate;
  assert.ok(Math.abs(psiSum / rows.length - aipw) < 1e-8, `frame ${psiSum / rows.length}, run ${aipw}`);
});

/** Ordinary least squares by the normal equations (three columns here), Gaussian elimination with pivoting. */
function leastSquares(X: number[][], y: number[]): number[] {
  const p = X[0]!.length;
  const M = Array.from({ length: p }, (_, r) => [...Array.from({ length: p }, (_, c) => X.reduce((s, row) => s + row[r]! * row[c]!, 0)), X.reduce((s, row, i) => s + row[r]! * y[i]!, 0)]);
  for (let c = 0; c < p; c++) {
    const pivot = M.slice(c).reduce((best, row, k) => (Math.abs(row[c]!) > Math.abs(M[best]![c]!) ? c + k : best), c);
    [M[c], M[pivot]] = [M[pivot]!, M[c]!];
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const factor = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= p; k++) M[r]![k]! -= factor * M[c]![k]!;
    }
  }
  return M.map((row, c) => row[p]! / row[c]!);
}
