/**
 * Small dense linear algebra on Float64Arrays: p×p symmetric systems (row-major), solved by
 * symmetric-pivoted Cholesky on the diagonally equilibrated matrix. Rank deficiency is detected by the
 * pivots; the minimum-norm solution then comes from an eigen decomposition (ml-matrix), as pinv would.
 */
import { quantileSorted, sortedFinite } from '../frame/quantile.js';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

interface SymmetricSolve {
  coef: Float64Array;
  rank: number;
  /** indices of columns found to be linear combinations of earlier-pivoted ones */
  aliased: number[];
}

/** Relative pivot tolerance: a column whose residual variance share is below this is aliased. */
const RANK_TOL = 1e-11;

/**
 * Solve A x = b for symmetric positive semi-definite A (p×p row-major). Full rank → Cholesky;
 * rank deficient → minimum-norm least-squares solution (pseudo-inverse restricted to the detected rank).
 */
export function solveSymmetric(A: Float64Array, b: Float64Array, p: number): SymmetricSolve {
  const f = choleskyFactor(A, p);
  if (f.rank === p) return { coef: solveFactored(f, b), rank: f.rank, aliased: f.aliased };
  return { coef: minimumNormSolve(A, b, p, f.rank), rank: f.rank, aliased: f.aliased };
}

/** A pivoted Cholesky factor of the equilibrated A (S = D A D, S[perm,perm] = L Lᵀ), with its rank. */
interface CholeskyFactor { p: number; L: Float64Array; perm: Int32Array; scale: Float64Array; rank: number; aliased: number[] }

function choleskyFactor(A: Float64Array, p: number): CholeskyFactor {
  const scale = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const d = A[j * p + j];
    scale[j] = d > 0 && Number.isFinite(d) ? 1 / Math.sqrt(d) : 0;
  }
  // S = D A D; pivoted Cholesky S[perm,perm] = L Lᵀ
  const S = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) S[i * p + j] = A[i * p + j] * scale[i] * scale[j];
  const perm = new Int32Array(p);
  for (let i = 0; i < p; i++) perm[i] = i;
  const L = new Float64Array(p * p);
  const diag = new Float64Array(p);
  for (let i = 0; i < p; i++) diag[i] = S[i * p + i];
  let rank = 0;
  for (let k = 0; k < p; k++) {
    // choose the largest remaining diagonal
    let best = k;
    for (let i = k + 1; i < p; i++) if (diag[perm[i]] > diag[perm[best]]) best = i;
    const piv = perm[best];
    if (!(diag[piv] > RANK_TOL)) break;
    perm[best] = perm[k];
    perm[k] = piv;
    // the rows of L already computed move with their pivot
    for (let m = 0; m < k; m++) {
      const t = L[k * p + m];
      L[k * p + m] = L[best * p + m];
      L[best * p + m] = t;
    }
    const lkk = Math.sqrt(diag[piv]);
    L[k * p + k] = lkk;
    for (let i = k + 1; i < p; i++) {
      const row = perm[i];
      let s = S[row * p + piv];
      for (let m = 0; m < k; m++) s -= L[i * p + m] * L[k * p + m];
      const lik = s / lkk;
      L[i * p + k] = lik;
      diag[row] -= lik * lik;
    }
    rank++;
  }
  const aliased: number[] = [];
  for (let k = rank; k < p; k++) aliased.push(perm[k]);
  aliased.sort((x, y) => x - y);
  return { p, L, perm, scale, rank, aliased };
}

/** x from a full-rank factor: solve L Lᵀ z = D b (permuted), x = D z. */
function solveFactored(f: CholeskyFactor, b: Float64Array): Float64Array {
  const { p, L, perm, scale } = f;
  const z = new Float64Array(p);
  for (let k = 0; k < p; k++) {
    let s = b[perm[k]] * scale[perm[k]];
    for (let m = 0; m < k; m++) s -= L[k * p + m] * z[m];
    z[k] = s / L[k * p + k];
  }
  for (let k = p - 1; k >= 0; k--) {
    let s = z[k];
    for (let m = k + 1; m < p; m++) s -= L[m * p + k] * z[m];
    z[k] = s / L[k * p + k];
  }
  const coef = new Float64Array(p);
  for (let k = 0; k < p; k++) coef[perm[k]] = z[k] * scale[perm[k]];
  return coef;
}

/** x = pinv(A) b keeping the `rank` largest eigenvalues of the symmetric A. */
function minimumNormSolve(A: Float64Array, b: Float64Array, p: number, rank: number): Float64Array {
  const rows: number[][] = [];
  for (let i = 0; i < p; i++) rows.push(Array.from(A.subarray(i * p, (i + 1) * p)));
  const eig = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  const vectors = eig.eigenvectorMatrix;
  const order = values.map((v, i) => [v, i] as [number, number]).sort((x, y) => y[0] - x[0]);
  const coef = new Float64Array(p);
  for (let r = 0; r < rank && r < order.length; r++) {
    const [lambda, idx] = order[r];
    if (!(lambda > 0)) continue;
    let proj = 0;
    for (let i = 0; i < p; i++) proj += vectors.get(i, idx) * b[i];
    const f = proj / lambda;
    for (let i = 0; i < p; i++) coef[i] += f * vectors.get(i, idx);
  }
  return coef;
}

/** Inverse of a symmetric positive definite matrix (p×p row-major): one factor, p column solves; null if singular. */
export function invertSymmetric(A: Float64Array, p: number): Float64Array | null {
  const f = choleskyFactor(A, p);
  if (f.rank < p) return null;
  const inv = new Float64Array(p * p);
  const e = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    e.fill(0);
    e[j] = 1;
    const coef = solveFactored(f, e);
    for (let i = 0; i < p; i++) inv[i * p + j] = coef[i];
  }
  // symmetrize
  for (let i = 0; i < p; i++)
    for (let j = i + 1; j < p; j++) {
      const v = 0.5 * (inv[i * p + j] + inv[j * p + i]);
      inv[i * p + j] = v;
      inv[j * p + i] = v;
    }
  return inv;
}



export { quantileSorted, sortedFinite };

export function quantile(values: ArrayLike<number>, q: number): number {
  return quantileSorted(sortedFinite(values), q);
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length ? s / values.length : NaN;
}

/** NaN/±Infinity → null, for results (never NaN reported as a number). */
export function finiteOrNull(x: number | null | undefined): number | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : x;
}

/** Pearson correlation; NaN when either side is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Average ranks (ties share their mean rank), as pandas' rank(method="average"). */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => x[a] - x[b]);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && x[idx[j + 1]] === x[idx[i]]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[idx[k]] = r;
    i = j + 1;
  }
  return ranks;
}

export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(averageRanks(x), averageRanks(y));
}
