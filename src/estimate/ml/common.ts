/**
 * Shared pieces of the cross-fitted ML estimators: folds by user, design matrices with treatment /
 * mediator columns in front, out-of-fold metrics, cluster-robust influence-function standard errors
 * and a user-cluster bootstrap of influence-function scores.
 */
import { CausewayError } from '../../errors.js';
import { Rng } from '../../rng.js';
import { averageRanks, finiteOrNull, quantileSorted } from '../linalg.js';
import { foldsByUser, groupKFold, makeLearner } from '../learners.js';
import type { CrossfitFolds, DesignMatrix, EstimatorContext, FittedModel, Learner, ModelSpec } from '../types.js';
import { formDesign, isUnformed, type DesignWithOrigin } from '../gbm/binning.js';

/** What the cross-fitted estimators read from an AnalysisFrame (an AnalysisFrame satisfies it). */
export interface CrossfitData {
  n: number;
  cluster: Int32Array;
  A: Float64Array;
  M: Float64Array | null;
  Y: Float64Array;
  X: DesignMatrix;
}

/** Training and held-out rows of each fold (GroupKFold by user, scikit-learn's assignment). */
export interface Fold {
  train: Int32Array;
  test: Int32Array;
  testUsers: number;
}

export function userFolds(cluster: Int32Array, folds: number): Fold[] {
  if (!Number.isInteger(folds) || folds < 2) throw new CausewayError('ESTIMATE_BAD_OPTION', `crossfit folds must be an integer ≥ 2 (got ${folds})`);
  const assignment = groupKFold(cluster, folds);
  const out: Fold[] = [];
  for (let k = 0; k < folds; k++) {
    const train: number[] = [];
    const test: number[] = [];
    const users = new Set<number>();
    for (let i = 0; i < assignment.length; i++) {
      if (assignment[i] === k) {
        test.push(i);
        users.add(cluster[i]);
      } else train.push(i);
    }
    out.push({ train: Int32Array.from(train), test: Int32Array.from(test), testUsers: users.size });
  }
  return out;
}

/** Each user's fold in each split (Fold[] per split, over the same rows), for the run folder's crossfit_folds.csv. */
export function splitFoldsByUser(cluster: Int32Array, splits: Pick<Fold, 'test'>[][]): CrossfitFolds {
  return foldsByUser(cluster, splits.map((folds) => {
    const rowFold = new Int32Array(cluster.length).fill(-1);
    folds.forEach((fold, k) => fold.test.forEach((i) => (rowFold[i] = k)));
    return rowFold;
  }));
}

/** Every training fold must hold both arms, or no model of a contrast can be fitted there. */
export function checkFoldArms(A: Float64Array, folds: Fold[]): void {
  folds.forEach((fold, k) => {
    let treated = 0;
    for (const i of fold.train) treated += A[i];
    if (treated === 0 || treated === fold.train.length) {
      throw new CausewayError('ESTIMATE_ONE_ARM',
        `cross-fitting fold ${k + 1}: the training users have only ${treated === 0 ? 'untreated' : 'treated'} rows; overlap is too poor to cross-fit`,
        { kind: 'none' }, 'check the treatment threshold and the overlap diagnostics, or use fewer folds');
    }
  });
}

/**
 * Rows `index` of X with extra leading columns (each given for all n rows, or already per index row).
 * The result says where its rows came from (`origin`), so a gbm fit bins each of X's columns from one
 * sort per frame (src/estimate/gbm/binning.ts) rather than one per fold and model. It is lazyRows's
 * design formed at once, for a design a caller edits (setColumn) or keeps.
 */
export function designRows(X: DesignMatrix, index: Int32Array | null, lead: { name: string; values: Float64Array }[]): DesignWithOrigin {
  const { rows, cols, names, origin, data } = lazyRows(X, index, lead);
  return { rows, cols, names, origin, data };
}

/**
 * designRows for a design handed straight to a learner's fit or predict, formed only if the learner
 * reads its `data`: a gbm bins each column from the frame's (src/estimate/gbm/binning.ts) and forms a
 * prediction design in one reused buffer (src/estimate/gbm/booster.ts designData), and a logistic fit
 * and linear and logistic predictions read it column by column (src/estimate/learners.ts designColumns),
 * so cross-fitting makes no copy of X's rows per fold and model for them (26 MB for a training fold on
 * the full-size demo frame; their churn held tens of MB of freed memory in the allocator, README
 * "Measured performance"). Any other use (a linear fit) reads `data`, which forms the same matrix as
 * designRows, once. Only for a design used within the calls it is passed to, unchanged: X and the lead
 * values must not change while it lives.
 */
export function lazyRows(X: DesignMatrix, index: Int32Array | null, lead: { name: string; values: Float64Array }[]): DesignWithOrigin {
  const n = index ? index.length : X.rows;
  const cols = lead.length + X.cols;
  let data: Float64Array | null = null;
  const design: DesignWithOrigin = {
    rows: n,
    cols,
    names: [...lead.map((c) => c.name), ...X.names],
    origin: { source: X, index, lead: lead.length, leadValues: lead.map((c) => leadColumn(c, index, n)) },
    get materialised() {
      return data !== null;
    },
    get data() {
      return (data ??= formDesign(design, new Float64Array(n * cols)));
    },
  };
  return design;
}

/** A lead column's values at the design's rows (given for every row of X, or already per index row). */
function leadColumn(c: { name: string; values: Float64Array }, index: Int32Array | null, n: number): Float64Array {
  if (c.values.length === n) return c.values;
  if (!index) throw new CausewayError('ESTIMATE_INTERNAL', `column ${c.name} has ${c.values.length} values for ${n} rows`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = c.values[index[i]];
  return out;
}

/** Replace column j of a design matrix in place (used to set A or M to counterfactual values). */
export function setColumn(D: DesignMatrix, j: number, values: Float64Array | number): void {
  const out = j * D.rows;
  if (typeof values === 'number') D.data.fill(values, out, out + D.rows);
  else D.data.set(values, out);
}

/** n copies of v. */
export const constant = (n: number, v: number): Float64Array => new Float64Array(n).fill(v);

/**
 * Predictions of `model` on D with D's first columns set per arm (arms[v][c] replaces column c). A gbm
 * walks a tree once for all arms when it splits on none of those columns (GbmModel.predictVariants,
 * the same numbers as predicting each arm); other learners predict each arm on a lazy design of its own
 * when D is an unformed lazy design (D left as it is), else with the columns set in D.
 */
export function predictArms(model: FittedModel, D: DesignMatrix, arms: Float64Array[][]): Float64Array[] {
  const withVariants = model as FittedModel & { predictVariants?: (X: DesignMatrix, columns: number[], variants: Float64Array[][]) => Float64Array[] };
  if (typeof withVariants.predictVariants === 'function') return withVariants.predictVariants(D, arms[0].map((_, c) => c), arms);
  // a lazy design whose lead columns the arms replace: each arm is a lazy design of its own over the same
  // rows, which linear and logistic models read column by column (src/estimate/learners.ts designColumns)
  const lazy = D as DesignWithOrigin;
  const lead = lazy.origin?.leadValues;
  if (isUnformed(lazy) && lead && arms.every((columns) => columns.length <= lead.length)) {
    const { source, index } = lazy.origin!;
    return arms.map((columns) => model.predict(lazyRows(source, index, lead.map((values, c) => ({ name: D.names[c], values: columns[c] ?? values })))));
  }
  return arms.map((columns) => {
    columns.forEach((values, c) => setColumn(D, c, values));
    return model.predict(D);
  });
}

export function take(values: Float64Array, index: Int32Array): Float64Array {
  const out = new Float64Array(index.length);
  for (let i = 0; i < index.length; i++) out[i] = values[index[i]];
  return out;
}

export function scatter(into: Float64Array, index: Int32Array, values: Float64Array): void {
  for (let i = 0; i < index.length; i++) into[index[i]] = values[i];
}

interface RegressionMetrics { rmse: number | null; mae: number | null; r2: number | null; rows: number }
interface ClassificationMetrics { log_loss: number | null; auc: number | null; brier: number | null; rows: number }

/** Out-of-fold RMSE, MAE and R² (scikit-learn definitions). */
export function regressionMetrics(y: Float64Array, pred: Float64Array): RegressionMetrics {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let sse = 0;
  let sae = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    const e = y[i] - pred[i];
    sse += e * e;
    sae += Math.abs(e);
    sst += (y[i] - mean) ** 2;
  }
  return {
    rmse: finiteOrNull(Math.sqrt(sse / n)),
    mae: finiteOrNull(sae / n),
    r2: sst > 0 ? finiteOrNull(1 - sse / sst) : null,
    rows: n,
  };
}

/** Out-of-fold log-loss (probabilities clipped at 1e-15 as scikit-learn), ROC AUC (ties averaged) and Brier score. */
export function classificationMetrics(y: Float64Array, p: Float64Array): ClassificationMetrics {
  const n = y.length;
  let ll = 0;
  let brier = 0;
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const q = Math.min(1 - 1e-15, Math.max(1e-15, p[i]));
    ll -= y[i] * Math.log(q) + (1 - y[i]) * Math.log(1 - q);
    brier += (p[i] - y[i]) ** 2;
    if (y[i] === 1) positives++;
  }
  const negatives = n - positives;
  let auc: number | null = null;
  if (positives > 0 && negatives > 0) {
    const ranks = averageRanks(p);
    let rankSum = 0;
    for (let i = 0; i < n; i++) if (y[i] === 1) rankSum += ranks[i];
    auc = (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
  }
  return { log_loss: finiteOrNull(ll / n), auc: finiteOrNull(auc), brier: finiteOrNull(brier / n), rows: n };
}

/**
 * Mean of per-row scores and its user-clustered standard error: with φᵢ = sᵢ − θ̂ and Φ_g the sum
 * of φ over user g, se = √(G/(G−1) · Σ_g Φ_g²) / n — the influence-function SE of a cross-fitted
 * (debiased) estimator under repeated user-days.
 */
export function clusteredMean(scores: Float64Array, cluster: Int32Array): { estimate: number; se: number | null } {
  const n = scores.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += scores[i];
  const estimate = sum / n;
  const perUser = new Map<number, number>();
  for (let i = 0; i < n; i++) perUser.set(cluster[i], (perUser.get(cluster[i]) ?? 0) + scores[i] - estimate);
  const G = perUser.size;
  if (G < 2) return { estimate, se: null };
  let ss = 0;
  for (const v of perUser.values()) ss += v * v;
  return { estimate, se: finiteOrNull(Math.sqrt((G / (G - 1)) * ss) / n) };
}

/** Users in ascending id order; user index of each row. */
export interface Users { ids: Int32Array; ofRow: Int32Array }

export function usersOf(cluster: Int32Array): Users {
  const ids = Int32Array.from(new Set(cluster)).sort();
  const pos = new Map<number, number>();
  ids.forEach((id, k) => pos.set(id, k));
  const ofRow = new Int32Array(cluster.length);
  for (let i = 0; i < cluster.length; i++) ofRow[i] = pos.get(cluster[i])!;
  return { ids, ofRow };
}

/**
 * User multiplicities of bootstrap replicate r: users drawn with replacement from
 * new Rng(seed, cellId, 'bootstrap', r), as the cell's other bootstrap estimators, so every
 * estimator and segment in a cell sees the same resamples.
 */
export function bootstrapMultiplicities(users: number, seed: number, cellId: string, rep: number): Float64Array {
  const rng = new Rng(seed, cellId, 'bootstrap', rep);
  const m = new Float64Array(users);
  for (let k = 0; k < users; k++) m[rng.nextInt(users)]++;
  return m;
}

interface ScoreBootstrap {
  reps: number;
  ci: [number, number] | null;
  bootMean: number | null;
  bootSd: number | null;
}

/**
 * User-cluster bootstrap of mean scores with the nuisance models held fixed (the score bootstrap of
 * double machine learning): replicate θ_r = Σ_u m_u S_u / Σ_u m_u n_u for each score column, S_u the
 * user's score sum over the selected rows. Percentile CIs (numpy's linear quantiles).
 */
export function scoreBootstrap(
  scores: Float64Array[], users: Users, rows: Int32Array | null, reps: number, level: number, seed: number, cellId: string,
  /** per-row denominators (the target indicator of an effect on the treated or controls): replicates are Σ ψ / Σ d */
  denominator: Float64Array | null = null,
): ScoreBootstrap[] {
  const G = users.ids.length;
  const sums = scores.map(() => new Float64Array(G));
  const counts = new Float64Array(G);
  const visit = (i: number) => {
    const u = users.ofRow[i];
    counts[u] += denominator ? denominator[i] : 1;
    for (let s = 0; s < scores.length; s++) sums[s][u] += scores[s][i];
  };
  if (rows) for (let k = 0; k < rows.length; k++) visit(rows[k]);
  else for (let i = 0; i < users.ofRow.length; i++) visit(i);
  const replicates = scores.map(() => new Float64Array(reps));
  for (let r = 0; r < reps; r++) {
    const m = bootstrapMultiplicities(G, seed, cellId, r);
    let denom = 0;
    for (let u = 0; u < G; u++) denom += m[u] * counts[u];
    for (let s = 0; s < scores.length; s++) {
      let num = 0;
      for (let u = 0; u < G; u++) num += m[u] * sums[s][u];
      replicates[s][r] = denom > 0 ? num / denom : NaN;
    }
  }
  return replicates.map((values) => summarize(values, level));
}

function summarize(values: Float64Array, level: number): ScoreBootstrap {
  const finite = Float64Array.from(Array.from(values).filter((v) => Number.isFinite(v))).sort();
  const k = finite.length;
  if (k < 2) return { reps: k, ci: null, bootMean: k ? finite[0] : null, bootSd: null };
  let mean = 0;
  for (let i = 0; i < k; i++) mean += finite[i] / k;
  let ss = 0;
  for (let i = 0; i < k; i++) ss += (finite[i] - mean) ** 2;
  const alpha = (1 - level) / 2;
  return {
    reps: k,
    ci: [quantileSorted(finite, alpha), quantileSorted(finite, 1 - alpha)],
    bootMean: finiteOrNull(mean),
    bootSd: finiteOrNull(Math.sqrt(ss / (k - 1))),
  };
}

/** Normal-approximation CI from an IF standard error. */
export function normalCi(estimate: number, se: number | null, level: number): [number, number] | null {
  if (se === null || !Number.isFinite(se)) return null;
  const z = normalQuantile(1 - (1 - level) / 2);
  return [estimate - z * se, estimate + z * se];
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Clip probabilities to [clip, 1 − clip]; returns how many were moved. */
export function clipProbabilities(p: Float64Array, clip: number): number {
  let moved = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] < clip) { p[i] = clip; moved++; }
    else if (p[i] > 1 - clip) { p[i] = 1 - clip; moved++; }
  }
  return moved;
}

/**
 * A learner for one nuisance role, seeded from (spec seed, cell, estimator id, role) so results never
 * depend on order. For a propensity role a gbm without an explicit loss gets loss: logistic.
 */
export function roleLearner(spec: ModelSpec, ctx: Pick<EstimatorContext, 'seed' | 'cellId'>, estimatorId: string, role: string,
  task: 'regression' | 'classification'): Learner {
  const resolved = task === 'classification' && spec.kind === 'gbm' && spec.loss === undefined ? { ...spec, loss: 'logistic' } : spec;
  const learner = makeLearner(resolved, new Rng(ctx.seed, ctx.cellId, estimatorId, role));
  if (learner.task !== task) {
    throw new CausewayError('ESTIMATE_MODEL_TASK',
      `estimator ${estimatorId}: the ${role} model (kind ${spec.kind}) is a ${learner.task} model, but ${role} needs ${task}`,
      { kind: 'none' }, task === 'classification' ? 'use kind logistic, or gbm (loss logistic)' : 'use kind linear or gbm');
  }
  return learner;
}
