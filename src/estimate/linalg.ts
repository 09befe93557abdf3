/**
 * Small dense linear algebra on Float64Arrays: p×p symmetric systems (row-major), solved by
 * symmetric-pivoted Cholesky on the diagonally equilibrated matrix. Rank deficiency is detected by the
 * pivots; the minimum-norm solution (what pinv gives) then comes from the same factor and the null space it
 * exposes (a complete orthogonal decomposition), with an eigen decomposition (ml-matrix) only as a fallback.
 */
import { createRequire } from 'node:module';
import type * as MlMatrix from 'ml-matrix';
import { quantileSorted, sortedFinite } from '../frame/quantile.js';

/**
 * ml-matrix, required on first use: only the rare fallback below needs it, and `validate` and every cell
 * worker loaded it at start (docs/performance-notes.md, Start-up and cached re-runs).
 */
let mlMatrix: typeof MlMatrix | undefined;
const loadMlMatrix = (): typeof MlMatrix => (mlMatrix ??= createRequire(import.meta.url)('ml-matrix') as typeof MlMatrix);

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
  return { coef: minimumNormSolve(A, b, f), rank: f.rank, aliased: f.aliased };
}

/** A pivoted Cholesky factor of the equilibrated A (S = D A D, S[perm,perm] = L Lᵀ), with its rank. */
export interface CholeskyFactor { p: number; L: Float64Array; perm: Int32Array; scale: Float64Array; rank: number; aliased: number[] }

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

/**
 * x from the factor's leading r × r block (r = p when it has full rank): solve L Lᵀ z = D b (permuted)
 * on the first r pivots, x = D z on their columns, zero on the rest.
 */
export function solveFactored(f: CholeskyFactor, b: Float64Array, r: number = f.p): Float64Array {
  const { p, L, perm, scale } = f;
  const z = new Float64Array(r);
  for (let k = 0; k < r; k++) {
    let s = b[perm[k]] * scale[perm[k]];
    for (let m = 0; m < k; m++) s -= L[k * p + m] * z[m];
    z[k] = s / L[k * p + k];
  }
  for (let k = r - 1; k >= 0; k--) {
    let s = z[k];
    for (let m = k + 1; m < r; m++) s -= L[m * p + k] * z[m];
    z[k] = s / L[k * p + k];
  }
  const coef = new Float64Array(p);
  for (let k = 0; k < r; k++) coef[perm[k]] = z[k] * scale[perm[k]];
  return coef;
}

/**
 * x = pinv(A) b for a rank-deficient A from its pivoted Cholesky factor, without an eigen decomposition:
 * one-hot designs alias columns in nearly every bootstrap replicate, and an eigen decomposition per solve
 * was most of the time of those cells. The factor's last p − r pivots are the aliased columns; each gives a
 * null vector of A (z_c = 1 on the aliased column, −A_BB⁻¹A_Bc on the kept ones), the columns of Z. With P
 * the orthogonal projector onto range(A) = null(A)^⊥, P = I − Z (ZᵀZ)⁻¹ Zᵀ, the minimum-norm solution is
 * x = P x_B, where x_B solves the kept (full-rank) block for P b and is zero on the aliased columns. In
 * exact arithmetic this is pinv(A) b; numerically it agrees with the eigen path to rounding (a test in
 * test/estimate/linalg.test.ts compares them). Non-finite input falls back to the eigen path.
 */
function minimumNormSolve(A: Float64Array, b: Float64Array, f: CholeskyFactor): Float64Array {
  const { p, L, perm, scale, rank: r } = f;
  const m = p - r;
  // Z (p×m, row-major by null vector: Z[k*p + i]) in the original coordinates
  const Z = new Float64Array(m * p);
  const w = new Float64Array(r);
  for (let k = 0; k < m; k++) {
    const j = r + k;
    const c = perm[j];
    const zk = Z.subarray(k * p, (k + 1) * p);
    if (scale[c] === 0) {
      // a zero column of A: its own null vector (its row and column of A are zero as A is semi-definite)
      zk[c] = 1;
      continue;
    }
    // w = L11⁻ᵀ L21[j,:]ᵀ: S_BB⁻¹ S_Bc in the equilibrated coordinates
    for (let i = r - 1; i >= 0; i--) {
      let s = L[j * p + i];
      for (let q = i + 1; q < r; q++) s -= L[q * p + i] * w[q];
      w[i] = s / L[i * p + i];
    }
    // back to A's coordinates (x = D z), the vector scaled by scale[c] so that it stays finite
    for (let i = 0; i < r; i++) zk[perm[i]] = -scale[perm[i]] * w[i];
    zk[c] = scale[c];
  }
  // G = ZᵀZ (m×m) and its Cholesky factor; Z has a scaled identity block, so G is positive definite
  const G = new Float64Array(m * m);
  for (let a = 0; a < m; a++)
    for (let c = 0; c <= a; c++) {
      let s = 0;
      for (let i = 0; i < p; i++) s += Z[a * p + i] * Z[c * p + i];
      G[a * m + c] = s;
    }
  for (let a = 0; a < m; a++) {
    for (let c = 0; c <= a; c++) {
      let s = G[a * m + c];
      for (let q = 0; q < c; q++) s -= G[a * m + q] * G[c * m + q];
      G[a * m + c] = a === c ? Math.sqrt(s) : s / G[c * m + c];
    }
  }
  const t = new Float64Array(m);
  /** v ← v − Z (ZᵀZ)⁻¹ Zᵀ v */
  const project = (v: Float64Array): void => {
    for (let a = 0; a < m; a++) {
      let s = 0;
      for (let i = 0; i < p; i++) s += Z[a * p + i] * v[i];
      for (let q = 0; q < a; q++) s -= G[a * m + q] * t[q];
      t[a] = s / G[a * m + a];
    }
    for (let a = m - 1; a >= 0; a--) {
      let s = t[a];
      for (let q = a + 1; q < m; q++) s -= G[q * m + a] * t[q];
      t[a] = s / G[a * m + a];
    }
    for (let a = 0; a < m; a++) {
      const ta = t[a];
      if (ta !== 0) for (let i = 0; i < p; i++) v[i] -= Z[a * p + i] * ta;
    }
  };
  const rhs = Float64Array.from(b);
  project(rhs);
  // x_B: L11 L11ᵀ z = D_B (P b)_B, x = D z on the kept columns, zero on the aliased ones
  const coef = solveFactored(f, rhs, r);
  project(coef);
  for (let i = 0; i < p; i++) if (!Number.isFinite(coef[i])) return eigenMinimumNormSolve(A, b, p, r);
  return coef;
}

/** x = pinv(A) b keeping the `rank` largest eigenvalues of the symmetric A (the fallback, and the reference in tests). */
export function eigenMinimumNormSolve(A: Float64Array, b: Float64Array, p: number, rank: number): Float64Array {
  const rows: number[][] = [];
  for (let i = 0; i < p; i++) rows.push(Array.from(A.subarray(i * p, (i + 1) * p)));
  const { EigenvalueDecomposition, Matrix } = loadMlMatrix();
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
  return f.rank < p ? null : inverseFromFactor(f);
}

/**
 * A full-rank factor of a symmetric positive definite A, for a caller that solves with it and may then want
 * its inverse (src/sensitivity/mediation-rho.ts, once per iteration): null when A is singular. The same
 * arithmetic as solveSymmetric and invertSymmetric, so the results are theirs to the bit.
 */
export function factorFullRank(A: Float64Array, p: number): CholeskyFactor | null {
  const f = choleskyFactor(A, p);
  return f.rank < p ? null : f;
}

/** A⁻¹ from a full-rank factor: p column solves, symmetrized. */
export function inverseFromFactor(f: CholeskyFactor): Float64Array {
  const p = f.p;
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
/**
 * f(0), …, f(n − 1) as a Float64Array, by a loop: Float64Array.from(source, mapFn) goes through the
 * iterator protocol and costs about 6 ms per 77,000-row column here, the loop about 1 ms (same values).
 */
export function mapRows(n: number, f: (i: number) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(i);
  return out;
}

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
  let finite = true;
  for (let i = 0; i < n; i++) if (Number.isNaN(x[i])) { finite = false; break; }
  if (finite) {
    // a value's tied run in the sorted copy gives its rank: a native sort and two binary searches per
    // value instead of a comparator sort of indices (the same ranks: ties get their run's mean)
    const sorted = Float64Array.from(x).sort();
    const ranks = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = x[i];
      let lo = 0, hi = n;
      while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid] < v) lo = mid + 1; else hi = mid; }
      const first = lo;
      hi = n;
      while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid] <= v) lo = mid + 1; else hi = mid; }
      ranks[i] = (first + (lo - 1)) / 2 + 1;
    }
    return ranks;
  }
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
