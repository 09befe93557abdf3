/**
 * Balancing weights: entropy balancing (Hainmueller 2012) and the just-identified covariate balancing
 * propensity score (CBPS, Imai & Ratkovic 2014). Both are convex duals solved by Newton's method with a
 * backtracking line search on the covariate matrix:
 *
 *   minimize F(β) = Σᵢ fᵢ(zᵢᵀβ) − βᵀT,   ∇F = Σᵢ fᵢ′(ηᵢ) zᵢ − T,   ∇²F = Σᵢ fᵢ″(ηᵢ) zᵢzᵢᵀ.
 *
 * Entropy balancing: fᵢ = exp on the reweighted arm, T its target moment totals, so at the optimum the
 * weights exp(ηᵢ) reproduce the target arm's moments exactly. CBPS: η = [1, X]β is the logit of the
 * propensity and ∇F = 0 are the balance conditions of the estimand (ATE: Σ (A/e − (1−A)/(1−e)) x̃ = 0;
 * ATT: Σ (A − e)/(1 − e) x̃ = 0; ATC: Σ (e − A)/e x̃ = 0). The ATT CBPS equals entropy balancing of the
 * first moments (Zhao & Percival 2017), which test/estimate/balancing.test.ts checks.
 * Columns are standardized first (the solution is invariant to it); collinear moments (x² of a 0/1
 * column) are handled by the minimum-norm Newton step (src/estimate/linalg.ts solveSymmetric).
 */
import { CausewayError } from '../errors.js';
import { mapRows, solveSymmetric } from './linalg.js';
import type { DesignMatrix, FittedModel, Learner, ModelSpec } from './types.js';

export type Estimand = 'ate' | 'att' | 'atc';

/** Column views of a column-major design matrix (as ./learners.ts columnsOf, which registers these learners). */
function columnsOf(X: DesignMatrix): Float64Array[] {
  return Array.from({ length: X.cols }, (_, j) => X.data.subarray(j * X.rows, (j + 1) * X.rows));
}

/** Per-row loss and its first two derivatives at η. */
type RowLoss = (i: number, eta: number) => [number, number, number];

interface DualSolution { beta: Float64Array; iterations: number; maxGradient: number }

/** Newton on F(β) = Σ fᵢ(zᵢᵀβ) − βᵀT with Z column-major (n × p); throws when the balance is not reached. */
function newtonDual(Z: Float64Array[], n: number, loss: RowLoss, T: Float64Array, what: string, maxIter: number, tol: number): DualSolution {
  const p = Z.length;
  const beta = new Float64Array(p);
  const eta = new Float64Array(n);
  const objective = (b: Float64Array, out: Float64Array | null): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let j = 0; j < p; j++) e += Z[j][i] * b[j];
      if (out) out[i] = e;
      f += loss(i, e)[0];
    }
    for (let j = 0; j < p; j++) f -= b[j] * T[j];
    return f;
  };
  let F = objective(beta, eta);
  let maxGradient = Infinity;
  for (let iter = 0; iter <= maxIter; iter++) {
    const g = mapRows(T.length, (i) => -T[i]);
    const H = new Float64Array(p * p);
    for (let i = 0; i < n; i++) {
      const [, d1, d2] = loss(i, eta[i]);
      for (let j = 0; j < p; j++) {
        const zj = Z[j][i];
        g[j] += d1 * zj;
        if (d2 === 0) continue;
        for (let k = j; k < p; k++) H[j * p + k] += d2 * zj * Z[k][i];
      }
    }
    for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) H[j * p + k] = H[k * p + j];
    // balance error per row, in the standardized units of the columns
    maxGradient = Math.max(...Array.from(g, Math.abs)) / n;
    if (!Number.isFinite(maxGradient)) break;
    if (maxGradient < tol) return { beta, iterations: iter, maxGradient };
    if (iter === maxIter) break;
    const step = solveSymmetric(H, g, p).coef;
    let slope = 0;
    for (let j = 0; j < p; j++) slope += g[j] * step[j];
    // backtracking (Armijo) along −step
    let t = 1;
    const trial = new Float64Array(p);
    const trialEta = new Float64Array(n);
    let accepted = false;
    for (let h = 0; h < 60; h++) {
      for (let j = 0; j < p; j++) trial[j] = beta[j] - t * step[j];
      const Ft = objective(trial, trialEta);
      // near the optimum F changes by less than its rounding error: a step within that noise is taken (the
      // balance error, not F, decides convergence)
      if (Number.isFinite(Ft) && (Ft <= F - 1e-4 * t * slope || Ft - F <= 1e-13 * Math.abs(F))) {
        beta.set(trial);
        eta.set(trialEta);
        F = Ft;
        accepted = true;
        break;
      }
      t /= 2;
    }
    if (!accepted) break;
  }
  throw new CausewayError(
    'ESTIMATE_BALANCE_NOT_CONVERGED',
    `${what} did not converge: the largest balance error is ${Number.isFinite(maxGradient) ? maxGradient.toPrecision(3) : 'not finite'} standard deviations after at most ${maxIter} Newton iterations`,
  );
}

/** Standardized columns (mean 0, SD 1 over all rows); constant columns are dropped. */
function standardize(cols: Float64Array[]): { cols: Float64Array[]; center: number[]; scale: number[]; keep: number[] } {
  const out: Float64Array[] = [], center: number[] = [], scale: number[] = [], keep: number[] = [];
  cols.forEach((c, j) => {
    const n = c.length;
    let s = 0;
    for (let i = 0; i < n; i++) s += c[i];
    const m = s / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (c[i] - m) ** 2;
    const sd = Math.sqrt(v / n);
    if (!(sd > 1e-12 * Math.max(1, Math.abs(m)))) return;
    out.push(mapRows(c.length, (i) => (c[i] - m) / sd));
    center.push(m);
    scale.push(sd);
    keep.push(j);
  });
  return { cols: out, center, scale, keep };
}

/** Moment columns up to `order` (x, x², x³; powers of a 0/1 column repeat it and are left out). */
export function momentColumns(X: DesignMatrix, order: number): Float64Array[] {
  const base = columnsOf(X);
  const out: Float64Array[] = [...base];
  for (let k = 2; k <= order; k++) {
    for (const c of base) {
      if (c.every((v) => v === 0 || v === 1)) continue;
      out.push(mapRows(c.length, (i) => c[i] ** k));
    }
  }
  return out;
}

export interface EntropyBalanceOptions { moments: number; maxIter: number; tol: number }

export function entropyBalanceOptions(model: ModelSpec): EntropyBalanceOptions {
  const moments = model.moments === undefined ? 1 : model.moments;
  if (typeof moments !== 'number' || !Number.isInteger(moments) || moments < 1 || moments > 3)
    throw new CausewayError('ESTIMATE_BAD_OPTION', 'entropy_balance option moments must be 1, 2 or 3');
  return {
    moments,
    maxIter: typeof model.max_iter === 'number' ? model.max_iter : 200,
    tol: typeof model.tol === 'number' ? model.tol : 1e-8,
  };
}

/**
 * Entropy-balancing weights for an estimand: the reweighted arm(s) get weights exp(ηᵢ) whose weighted
 * moments equal the target's exactly (ATT: controls to the treated; ATC: treated to the controls; ATE:
 * each arm to the whole sample); the target arm of ATT/ATC keeps weight 1. Each arm's weights sum to its
 * row count (mean 1), so the Hajek contrast of ./weights.ts applies unchanged.
 */
export function entropyBalanceWeights(X: DesignMatrix, A: Float64Array, estimand: Estimand, o: EntropyBalanceOptions): { w: Float64Array; iterations: number; maxImbalance: number } {
  const n = A.length;
  const std = standardize(momentColumns(X, o.moments));
  const w = new Float64Array(n).fill(1);
  let iterations = 0, maxImbalance = 0;
  const reweight = (arm: 0 | 1, targetRows: (i: number) => boolean) => {
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (A[i] === arm) rows.push(i);
    const m = rows.length;
    let tn = 0;
    for (let i = 0; i < n; i++) if (targetRows(i)) tn++;
    // Z = [1, standardized moments] on the arm's rows; T = the target's moment means scaled to m rows
    const Z = [new Float64Array(m).fill(1), ...std.cols.map((c) => mapRows(rows.length, (k) => c[rows[k]]))];
    const T = new Float64Array(Z.length);
    T[0] = m;
    std.cols.forEach((c, j) => {
      let s = 0;
      for (let i = 0; i < n; i++) if (targetRows(i)) s += c[i];
      T[j + 1] = (s / tn) * m;
    });
    const sol = newtonDual(Z, m, (_i, eta) => { const e = Math.exp(eta); return [e, e, e]; }, T,
      `entropy balancing of the ${arm ? 'treated' : 'control'} rows (moments up to ${o.moments})`, o.maxIter, o.tol);
    iterations = Math.max(iterations, sol.iterations);
    maxImbalance = Math.max(maxImbalance, sol.maxGradient);
    rows.forEach((i, r) => {
      let eta = 0;
      for (let j = 0; j < Z.length; j++) eta += Z[j][r] * sol.beta[j];
      w[i] = Math.exp(eta);
    });
  };
  if (estimand === 'att') reweight(0, (i) => A[i] === 1);
  else if (estimand === 'atc') reweight(1, (i) => A[i] === 0);
  else {
    reweight(1, () => true);
    reweight(0, () => true);
  }
  return { w, iterations, maxImbalance };
}

/** The CBPS row loss of each estimand (module comment): its gradient is minus the balance condition. */
function cbpsLoss(A: Float64Array, estimand: Estimand): RowLoss {
  return (i, eta) => {
    if (A[i] === 1) {
      if (estimand === 'att') return [-eta, -1, 0];
      const e = Math.exp(-eta);
      return estimand === 'ate' ? [e - eta, -e - 1, e] : [e, -e, e];
    }
    if (estimand === 'atc') return [eta, 1, 0];
    const e = Math.exp(eta);
    return estimand === 'ate' ? [e + eta, e + 1, e] : [e, e, e];
  };
}

/**
 * The just-identified CBPS as a propensity learner: logistic P(A = 1 | X) whose coefficients solve the
 * balance conditions of `spec.estimand` (set by ./weights.ts from the estimator's estimand; ATE otherwise)
 * instead of the likelihood score.
 */
export function cbpsLearner(spec: ModelSpec): Learner {
  const estimand = (spec.estimand ?? 'ate') as Estimand;
  const maxIter = typeof spec.max_iter === 'number' ? spec.max_iter : 200;
  const tol = typeof spec.tol === 'number' ? spec.tol : 1e-8;
  return {
    task: 'classification',
    fit(X: DesignMatrix, y: Float64Array): FittedModel {
      const n = y.length;
      const std = standardize(columnsOf(X));
      const Z = [new Float64Array(n).fill(1), ...std.cols];
      const sol = newtonDual(Z, n, cbpsLoss(y, estimand), new Float64Array(Z.length), `CBPS (${estimand.toUpperCase()} balance conditions)`, maxIter, tol);
      // coefficients on the original scale: η = b₀ + Σ bⱼ (xⱼ − cⱼ)/sⱼ
      const coef = new Float64Array(X.cols + 1);
      coef[0] = sol.beta[0];
      std.keep.forEach((j, k) => {
        coef[j + 1] = sol.beta[k + 1] / std.scale[k];
        coef[0] -= (sol.beta[k + 1] * std.center[k]) / std.scale[k];
      });
      return {
        predict(Xn: DesignMatrix) {
          const cols = columnsOf(Xn);
          const out = new Float64Array(Xn.rows);
          for (let i = 0; i < Xn.rows; i++) {
            let eta = coef[0];
            for (let j = 0; j < cols.length; j++) eta += coef[j + 1] * cols[j][i];
            out[i] = 1 / (1 + Math.exp(-eta));
          }
          return out;
        },
        coefficients: () => ({ names: ['(Intercept)', ...X.names], values: coef }),
        warnings: [],
      };
    },
  };
}

/** entropy_balance named where a propensity model is fitted: it gives weights, not P(A = 1 | X). */
export function entropyBalanceLearner(): Learner {
  return {
    task: 'classification',
    fit(): FittedModel {
      throw new CausewayError('ESTIMATE_NOT_PROPENSITY', 'entropy_balance gives weights, not propensities: it is a propensity choice of ipw and msm only; use logistic, cbps or gbm here');
    },
  };
}
