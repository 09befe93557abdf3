/**
 * Outcome fits shared by the estimator kinds: cluster-robust linear slopes, per-user sums for fast
 * replicates, the shared per-user gram of [A, M, A·M, X…, Y] under a weighting, and in-sample or
 * out-of-fold outcome predictions at A = observed, 1 and 0 (any learner, or linear from the gram).
 */
import { ClusterGram, type UserIndex } from './bootstrap.js';
import type { Env } from './env.js';
import { constant, nameA, withFront } from './frame-helpers.js';
import { columnsOf, makeLearner } from './learners.js';
import { clusterRobustSE, fitLinear } from './linear.js';
import { mapRows } from './linalg.js';
import type { AnalysisFrame, EstimatorContext, FittedModel, ModelSpec } from './types.js';
import { learnerRng } from './weights.js';

export function slopeSE(cols: Float64Array[], names: string[], y: Float64Array, frame: AnalysisFrame, w: Float64Array | null, ridge = 0) {
  const fit = fitLinear(cols, names, y, { weights: w, ridge });
  const se = ridge > 0 ? null : clusterRobustSE(fit, cols, y, frame.cluster, w);
  return { fit, se };
}

export function userSums(ui: UserIndex, values: Float64Array[]): Float64Array {
  const k = values.length;
  const out = new Float64Array(ui.ids.length * k);
  for (let i = 0; i < ui.rowUser.length; i++) {
    const off = ui.rowUser[i] * k;
    for (let j = 0; j < k; j++) out[off + j] += values[j][i];
  }
  return out;
}

export function weightedSums(sums: Float64Array, k: number, mult: Float64Array): Float64Array {
  const out = new Float64Array(k);
  for (let u = 0; u < mult.length; u++) {
    const m = mult[u];
    if (m === 0) continue;
    for (let j = 0; j < k; j++) out[j] += m * sums[u * k + j];
  }
  return out;
}

/** Shared gram of [A, M, A·M, X…, Y] (M columns only when there is a mediator) under a weighting. */
export function linearGram(frame: AnalysisFrame, env: Env, weightKey: string, w: Float64Array | null): ClusterGram {
  return env.gram(`lin:${weightKey}`, () => {
    const cols: Float64Array[] = [frame.A];
    const names = ['\u0000A'];
    if (frame.M) {
      const M = frame.M;
      cols.push(M, mapRows(frame.n, (i) => frame.A[i] * M[i]));
      names.push('\u0000M', '\u0000AM');
    }
    cols.push(...columnsOf(frame.X), frame.Y);
    names.push(...frame.X.names.map((n) => `x:${n}`), '\u0000Y');
    return new ClusterGram(cols, names, env.users(), w);
  });
}

/** Out-of-fold (or in-sample) predictions of a regression on [A, X] at A = observed, 1 and 0. */
export function outcomePredictions(frame: AnalysisFrame, model: ModelSpec, folds: Int32Array | null, k: number, ctx: EstimatorContext, id: string, w: Float64Array | null = null) {
  const n = frame.n;
  const mu = new Float64Array(n), mu1 = new Float64Array(n), mu0 = new Float64Array(n);
  const warnings: string[] = [];
  const An = nameA(frame);
  for (let f = 0; f < (folds ? k : 1); f++) {
    const train: number[] = [], test: number[] = [];
    for (let i = 0; i < n; i++) (folds ? (folds[i] === f ? test : train) : (train.push(i), test)).push(i);
    const tr = Int32Array.from(train), te = folds ? Int32Array.from(test) : tr;
    const fit: FittedModel = makeLearner(model, learnerRng(ctx, id, 'outcome', f)).fit(
      withFront([[An, frame.A]], frame.X, tr), mapRows(tr.length, (k) => frame.Y[tr[k]]), w ? mapRows(tr.length, (k) => w[tr[k]]) : undefined,
    );
    warnings.push(...(fit.warnings ?? []));
    // test rows gathered straight from the frame into each design (no copy of X's test rows beside them)
    const p = fit.predict(withFront([[An, frame.A]], frame.X, te));
    const p1 = fit.predict(withFront([[An, constant(n, 1)]], frame.X, te));
    const p0 = fit.predict(withFront([[An, constant(n, 0)]], frame.X, te));
    te.forEach((i, r) => { mu[i] = p[r]; mu1[i] = p1[r]; mu0[i] = p0[r]; });
  }
  return { mu, mu1, mu0, warnings };
}

export function aliasWarning(g: ClusterGram, aliased: number[]): string[] {
  if (!aliased.length) return [];
  const names = aliased.map((j) => g.names[j].replace(/^x:/, '').replace(/^\u0000/, ''));
  return [`collinear design: ${names.join(', ')} ${names.length === 1 ? 'is a linear combination' : 'are linear combinations'} of other columns or the intercept; minimum-norm solution used`];
}

/**
 * Out-of-fold predictions of a linear Y ~ A + X at A = observed, 1, 0 from the per-user gram: the
 * training gram of a fold is the total minus the fold's users (folds never split a user).
 */
export function linearCrossfitPredictions(frame: AnalysisFrame, env: Env, folds: Int32Array | null, k: number, ridge: number) {
  const g = linearGram(frame, env, 'none', null);
  const ui = env.users();
  const regs = [g.col('\u0000A'), ...frame.X.names.map((n) => g.col(`x:${n}`))];
  const iY = g.col('\u0000Y');
  const n = frame.n;
  const mu = new Float64Array(n), mu1 = new Float64Array(n), mu0 = new Float64Array(n);
  const X = columnsOf(frame.X);
  const warnings: string[] = [];
  for (let f = 0; f < (folds ? k : 1); f++) {
    const mult = new Float64Array(ui.ids.length);
    for (let u = 0; u < mult.length; u++) mult[u] = !folds || folds[ui.rowsOf[ui.offsets[u]]] !== f ? 1 : 0;
    const r = g.regress(g.aggregate(mult), regs, iY, ridge);
    warnings.push(...aliasWarning(g, r.aliased));
    const base = g.shift[iY] + r.intercept;
    for (let i = 0; i < n; i++) {
      if (folds && folds[i] !== f) continue;
      let v = base;
      for (let j = 1; j < regs.length; j++) v += r.slopes[j] * (X[j - 1][i] - g.shift[regs[j]]);
      const sA = g.shift[regs[0]];
      mu1[i] = v + r.slopes[0] * (1 - sA);
      mu0[i] = v + r.slopes[0] * (0 - sA);
      mu[i] = frame.A[i] === 1 ? mu1[i] : mu0[i];
    }
  }
  return { mu, mu1, mu0, warnings };
}
