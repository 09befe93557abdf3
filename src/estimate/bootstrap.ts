/**
 * User-cluster bootstrap. Replicate r draws users with replacement from `new Rng(seed, cellId,
 * 'bootstrap', r)`, so every estimator in a cell sees the same resamples and nothing depends on thread
 * count. Linear estimators assemble a replicate from per-user sufficient statistics (packed XᵀWX of
 * the columns plus responses): a replicate is the multiplicity-weighted sum over users, O(users·p²).
 */
import { Rng } from '../rng.js';
import { finiteOrNull, invertSymmetric, quantileSorted, solveSymmetric } from './linalg.js';

/** Users in ascending id order and each row's dense user index. */
export interface UserIndex {
  ids: Int32Array;
  rowUser: Int32Array;
  /** rows of user u are rowsOf[offsets[u] .. offsets[u+1]) */
  offsets: Int32Array;
  rowsOf: Int32Array;
}

/** A centred column whose sum of squares is below this share of its uncentred one is constant (rounding noise). */
const CONSTANT_COLUMN_TOL = 1e-12;

export function userIndex(cluster: Int32Array): UserIndex {
  const ids = Int32Array.from(new Set(cluster)).sort();
  const pos = new Map<number, number>();
  ids.forEach((id, k) => pos.set(id, k));
  const rowUser = new Int32Array(cluster.length);
  for (let i = 0; i < cluster.length; i++) rowUser[i] = pos.get(cluster[i])!;
  const counts = new Int32Array(ids.length + 1);
  for (let i = 0; i < rowUser.length; i++) counts[rowUser[i] + 1]++;
  for (let u = 0; u < ids.length; u++) counts[u + 1] += counts[u];
  const fill = counts.slice(0, ids.length);
  const rowsOf = new Int32Array(rowUser.length);
  for (let i = 0; i < rowUser.length; i++) rowsOf[fill[rowUser[i]]++] = i;
  return { ids, rowUser, offsets: counts, rowsOf };
}

/** The users drawn in replicate `rep` (dense indices, in draw order). */
export function drawUsers(users: number, seed: number, cellId: string, rep: number): Int32Array {
  const rng = new Rng(seed, cellId, 'bootstrap', rep);
  const out = new Int32Array(users);
  for (let k = 0; k < users; k++) out[k] = rng.nextInt(users);
  return out;
}

export function multiplicities(draws: Int32Array, users: number): Float64Array {
  const m = new Float64Array(users);
  for (let k = 0; k < draws.length; k++) m[draws[k]]++;
  return m;
}

/** Row index and fresh cluster ids (draw position) of a replicate, for estimators refitted from rows. */
export function replicateRows(ui: UserIndex, draws: Int32Array): { index: Int32Array; cluster: Int32Array } {
  let n = 0;
  for (let k = 0; k < draws.length; k++) n += ui.offsets[draws[k] + 1] - ui.offsets[draws[k]];
  const index = new Int32Array(n);
  const cluster = new Int32Array(n);
  let p = 0;
  for (let k = 0; k < draws.length; k++) {
    const u = draws[k];
    for (let r = ui.offsets[u]; r < ui.offsets[u + 1]; r++) {
      index[p] = ui.rowsOf[r];
      cluster[p++] = k;
    }
  }
  return { index, cluster };
}

/**
 * Per-user packed Gram of [1, c_1 − s_1, …, c_q − s_q] (weighted), columns shifted by their
 * full-sample means so replicate sums never cancel badly.
 */
export class ClusterGram {
  readonly q: number;
  readonly size: number;
  readonly stats: Float64Array;
  readonly shift: Float64Array;
  readonly names: string[];
  readonly users: number;

  constructor(columns: Float64Array[], names: string[], ui: UserIndex, weights?: Float64Array | null, rowMask?: Float64Array | null) {
    const q = columns.length + 1;
    this.q = q;
    this.names = ['(const)', ...names];
    this.size = (q * (q + 1)) / 2;
    this.users = ui.ids.length;
    this.stats = new Float64Array(this.users * this.size);
    const n = ui.rowUser.length;
    this.shift = new Float64Array(q);
    for (let j = 1; j < q; j++) {
      const c = columns[j - 1];
      let s = 0;
      for (let i = 0; i < n; i++) s += c[i];
      this.shift[j] = n ? s / n : 0;
    }
    // per user: gather √w-scaled shifted rows into a column-major block, then blocked dot products
    let maxRows = 0;
    for (let u = 0; u < this.users; u++) maxRows = Math.max(maxRows, ui.offsets[u + 1] - ui.offsets[u]);
    const block = new Float64Array(maxRows * q);
    for (let u = 0; u < this.users; u++) {
      const start = ui.offsets[u];
      const m = ui.offsets[u + 1] - start;
      for (let r = 0; r < m; r++) {
        const i = ui.rowsOf[start + r];
        let sw = weights ? Math.sqrt(weights[i]) : 1;
        if (rowMask && !(rowMask[i] > 0)) sw = 0;
        block[r] = sw;
        for (let j = 1; j < q; j++) block[j * m + r] = (columns[j - 1][i] - this.shift[j]) * sw;
      }
      let off = u * this.size;
      for (let j = 0; j < q; j++) {
        const bj = j * m;
        let k = j;
        for (; k + 4 <= q; k += 4) {
          const b0 = k * m, b1 = b0 + m, b2 = b1 + m, b3 = b2 + m;
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          for (let r = 0; r < m; r++) {
            const v = block[bj + r];
            s0 += v * block[b0 + r];
            s1 += v * block[b1 + r];
            s2 += v * block[b2 + r];
            s3 += v * block[b3 + r];
          }
          this.stats[off++] = s0;
          this.stats[off++] = s1;
          this.stats[off++] = s2;
          this.stats[off++] = s3;
        }
        for (; k < q; k++) {
          const bk = k * m;
          let s0 = 0;
          for (let r = 0; r < m; r++) s0 += block[bj + r] * block[bk + r];
          this.stats[off++] = s0;
        }
      }
    }
  }

  /**
   * Σ_u mult_u · stats_u (mult null = every user once), users with multiplicity 0 skipped. Four users per
   * pass over the sums, each still added in user order (bit-identical to one user at a time).
   */
  aggregate(mult: Float64Array | null, out?: Float64Array): Float64Array {
    const T = this.size;
    const acc = out ?? new Float64Array(T);
    acc.fill(0);
    const s = this.stats;
    const drawn = new Int32Array(this.users);
    let count = 0;
    for (let u = 0; u < this.users; u++) if ((mult ? mult[u] : 1) !== 0) drawn[count++] = u;
    const m = (u: number) => (mult ? mult[u] : 1);
    let k = 0;
    for (; k + 4 <= count; k += 4) {
      const u0 = drawn[k], u1 = drawn[k + 1], u2 = drawn[k + 2], u3 = drawn[k + 3];
      const m0 = m(u0), m1 = m(u1), m2 = m(u2), m3 = m(u3);
      const o0 = u0 * T, o1 = u1 * T, o2 = u2 * T, o3 = u3 * T;
      for (let t = 0; t < T; t++) acc[t] = acc[t] + m0 * s[o0 + t] + m1 * s[o1 + t] + m2 * s[o2 + t] + m3 * s[o3 + t];
    }
    for (; k < count; k++) {
      const u = drawn[k];
      const mu = m(u);
      const off = u * T;
      for (let t = 0; t < T; t++) acc[t] += mu * s[off + t];
    }
    return acc;
  }

  /** Packed index of (j, k), j ≤ k, in the (const + columns) numbering. */
  at(j: number, k: number): number {
    if (j > k) [j, k] = [k, j];
    return j * this.q - (j * (j - 1)) / 2 + (k - j);
  }

  /** Column position (1-based after const) of a name. */
  col(name: string): number {
    const j = this.names.indexOf(name);
    if (j < 0) throw new Error(`ClusterGram has no column ${name}`);
    return j;
  }

  /**
   * Least squares with intercept of column `response` on `regressors` from aggregated stats `S`
   * (centred by the aggregated means). Returns slopes (regressor order) and the intercept in shifted
   * coordinates, plus the aggregated weight total and shifted means.
   */
  /**
   * While set (infinitesimal-jackknife mode), regressions on stats S ≠ ijBase take one exact-inverse
   * correction step from the full-sample solution: β = β₀ + G₀⁻¹(b − Gβ₀), O(p²) instead of O(p³).
   * The error is O(h²) and even in h, so central differences stay accurate.
   */
  ijBase: Float64Array | null = null;
  private readonly ijCache = new Map<string, { beta: Float64Array; inv: Float64Array | null; idxG: Int32Array; idxB: Int32Array; idxM: Int32Array }>();

  clearIj(): void {
    this.ijBase = null;
    this.ijCache.clear();
  }

  regress(S: Float64Array, regressors: number[], response: number, ridge = 0): { slopes: Float64Array; intercept: number; total: number; rank: number; aliased: number[] } {
    if (this.ijBase && S !== this.ijBase) return this.regressNear(S, regressors, response, ridge);
    return this.regressExact(S, regressors, response, ridge);
  }

  private centered(S: Float64Array, regressors: number[], response: number, ridge: number) {
    const p = regressors.length;
    const total = S[this.at(0, 0)];
    const mean = (j: number) => S[this.at(0, j)] / total;
    const G = new Float64Array(p * p);
    const b = new Float64Array(p);
    for (let a = 0; a < p; a++) {
      const ja = regressors[a];
      const ma = mean(ja);
      for (let c = 0; c <= a; c++) {
        const jc = regressors[c];
        const v = S[this.at(ja, jc)] - total * ma * mean(jc);
        G[a * p + c] = v;
        G[c * p + a] = v;
      }
      b[a] = S[this.at(ja, response)] - total * ma * mean(response);
    }
    // A column constant in this sample (a one-hot level no resampled user has) centres to rounding noise,
    // not to zero: S_jj − total·m_j² cancels to ~1e-16 of S_jj. Left in, the noise is equilibrated into
    // a full-size column and the solve gives it a coefficient that depends on rounding; zeroed, it is an
    // aliased column with coefficient 0, as the pseudo-inverse of the exact matrix gives.
    for (let a = 0; a < p; a++) {
      const raw = S[this.at(regressors[a], regressors[a])];
      if (!(G[a * p + a] <= CONSTANT_COLUMN_TOL * raw)) continue;
      for (let c = 0; c < p; c++) {
        G[a * p + c] = 0;
        G[c * p + a] = 0;
      }
      b[a] = 0;
    }
    if (ridge) for (let a = 0; a < p; a++) G[a * p + a] += ridge;
    return { G, b, total, mean };
  }

  private regressNear(S: Float64Array, regressors: number[], response: number, ridge: number) {
    const key = `${regressors.join(',')}|${response}|${ridge}`;
    let base = this.ijCache.get(key);
    if (!base) {
      const full = this.regressExact(this.ijBase!, regressors, response, ridge);
      const c = this.centered(this.ijBase!, regressors, response, ridge);
      const q = regressors.length;
      const idxG = new Int32Array(q * q);
      for (let a = 0; a < q; a++) for (let c = 0; c < q; c++) idxG[a * q + c] = this.at(regressors[a], regressors[c]);
      base = {
        beta: full.slopes,
        inv: full.rank === q ? invertSymmetric(c.G, q) : null,
        idxG,
        idxB: Int32Array.from(regressors, (j) => this.at(j, response)),
        idxM: Int32Array.from([...regressors, response], (j) => this.at(0, j)),
      };
      this.ijCache.set(key, base);
    }
    if (!base.inv) return this.regressExact(S, regressors, response, ridge);
    const p = regressors.length;
    const total = S[0];
    const means = new Float64Array(p + 1);
    for (let a = 0; a <= p; a++) means[a] = S[base.idxM[a]] / total;
    // r = b − Gβ₀ on the centred system, without materializing G
    const r = new Float64Array(p);
    const beta0 = base.beta;
    for (let a = 0; a < p; a++) {
      const ma = means[a];
      let v = S[base.idxB[a]] - total * ma * means[p];
      for (let c = 0; c < p; c++) v -= (S[base.idxG[a * p + c]] - total * ma * means[c] + (a === c ? ridge : 0)) * beta0[c];
      r[a] = v;
    }
    const slopes = new Float64Array(p);
    for (let a = 0; a < p; a++) {
      let v = base.beta[a];
      for (let c = 0; c < p; c++) v += base.inv[a * p + c] * r[c];
      slopes[a] = v;
    }
    let intercept = means[p];
    for (let a = 0; a < p; a++) intercept -= slopes[a] * means[a];
    return { slopes, intercept, total, rank: p, aliased: [] as number[] };
  }

  private regressExact(S: Float64Array, regressors: number[], response: number, ridge = 0): { slopes: Float64Array; intercept: number; total: number; rank: number; aliased: number[] } {
    const p = regressors.length;
    const { G, b, total, mean } = this.centered(S, regressors, response, ridge);
    const sol = solveSymmetric(G, b, p);
    let intercept = mean(response);
    for (let a = 0; a < p; a++) intercept -= sol.coef[a] * mean(regressors[a]);
    return { slopes: sol.coef, intercept, total, rank: sol.rank, aliased: sol.aliased.map((a) => regressors[a]) };
  }
}

interface GramFit {
  slopes: Float64Array;
  /** intercept in shifted coordinates (prediction = shift[response] + intercept + Σ slope·(x − shift)) */
  intercept: number;
  /** CR1 cluster-robust SEs of the slopes (statsmodels' defaults); null with a ridge or a singular design */
  se: Float64Array | null;
  rank: number;
  /** gram column indices found collinear */
  aliased: number[];
}

/**
 * Full-sample least squares from a ClusterGram, with CR1 standard errors whose per-user scores come from
 * the per-user statistics: s_u = X_uᵀW_u y_u − X_uᵀW_u X_u c, so no pass over rows is needed.
 * `rows` is the number of observations (N in the (N−1)/(N−K) correction).
 */
export function gramFit(g: ClusterGram, regressors: number[], response: number, rows: number, ridge = 0): GramFit {
  const S = g.aggregate(null);
  const r = g.regress(S, regressors, response, ridge);
  const p = regressors.length;
  if (ridge > 0 || r.rank < p || g.users < 2) return { slopes: r.slopes, intercept: r.intercept, se: null, rank: r.rank, aliased: r.aliased };
  const J = [0, ...regressors];
  const q = J.length;
  const B = new Float64Array(q * q);
  for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) B[a * q + b] = S[g.at(J[a], J[b])];
  const inv = invertSymmetric(B, q);
  if (!inv) return { slopes: r.slopes, intercept: r.intercept, se: null, rank: r.rank, aliased: r.aliased };
  const c = Float64Array.from([r.intercept, ...r.slopes]);
  const sc = new Float64Array(q);
  const acc = new Float64Array(q);
  const T = g.size;
  for (let u = 0; u < g.users; u++) {
    const off = u * T;
    for (let a = 0; a < q; a++) {
      let v = g.stats[off + g.at(J[a], response)];
      for (let b = 0; b < q; b++) v -= g.stats[off + g.at(J[a], J[b])] * c[b];
      sc[a] = v;
    }
    for (let a = 1; a < q; a++) {
      let t = 0;
      for (let b = 0; b < q; b++) t += inv[a * q + b] * sc[b];
      acc[a] += t * t;
    }
  }
  const G = g.users;
  const factor = (G / (G - 1)) * ((rows - 1) / (rows - q));
  const se = new Float64Array(p);
  for (let a = 1; a < q; a++) se[a - 1] = Math.sqrt(acc[a] * factor);
  return { slopes: r.slopes, intercept: r.intercept, se, rank: r.rank, aliased: r.aliased };
}

/** Predictions of a GramFit for rows given the raw columns of its regressors. */
export function gramPredict(g: ClusterGram, fit: GramFit, regressors: number[], response: number, columns: Float64Array[], rows?: number): Float64Array {
  const n = rows ?? (columns.length ? columns[0].length : 0);
  const out = new Float64Array(n).fill(g.shift[response] + fit.intercept);
  regressors.forEach((j, k) => {
    const b = fit.slopes[k];
    const c = columns[k];
    const s = g.shift[j];
    for (let i = 0; i < n; i++) out[i] += b * (c[i] - s);
  });
  return out;
}

interface BootstrapSummary {
  ci: [number, number] | null;
  bootMean: number | null;
  bootSd: number | null;
  ok: number;
  failed: number;
}

/** Percentile CI (numpy linear quantiles), mean and SD (ddof 1) of the finite replicates. */
export function summarizeReplicates(values: Float64Array, level: number): BootstrapSummary {
  const finite = Float64Array.from(Array.from(values).filter((v) => Number.isFinite(v))).sort();
  const k = finite.length;
  if (k < 2) return { ci: null, bootMean: k ? finite[0] : null, bootSd: null, ok: k, failed: values.length - k };
  let m = 0;
  for (let i = 0; i < k; i++) m += finite[i];
  m /= k;
  let v = 0;
  for (let i = 0; i < k; i++) v += (finite[i] - m) ** 2;
  const alpha = (1 - level) / 2;
  const lo = quantileSorted(finite, alpha);
  const hi = quantileSorted(finite, 1 - alpha);
  return { ci: [lo, hi], bootMean: finiteOrNull(m), bootSd: finiteOrNull(Math.sqrt(v / (k - 1))), ok: k, failed: values.length - k };
}
