/**
 * Linear and logistic regression on column lists (typed arrays), with the conventions of
 * scikit-learn (intercept unpenalized, centering before solving) and statsmodels (CR1 cluster SEs).
 */
import { addScaledCenteredColumns, addScaledColumns, centeredDotsInto, columnCount, dotsInto, gramInto, sumsInto, type Columns } from './gram.js';
import { invertSymmetric, solveSymmetric } from './linalg.js';

export interface LinearOptions {
  weights?: Float64Array | null;
  /** default true; the intercept is never penalized */
  intercept?: boolean;
  /** ridge penalty alpha (sklearn Ridge): adds alpha·‖β‖² to the weighted sum of squares */
  ridge?: number;
}

export interface LinearFit {
  /** '(intercept)' first when fitted, then the column names */
  names: string[];
  coef: Float64Array;
  intercept: boolean;
  rank: number;
  aliased: string[];
  warnings: string[];
  /** weighted column means used for centering (0 without intercept) */
  means: Float64Array;
  /** centered (weighted) Gram of the slopes plus ridge, p×p row-major */
  gram: Float64Array;
  n: number;
}

/** Weighted (or ordinary) least squares; rank deficiency gives the minimum-norm slopes and a warning. */
export function fitLinear(cols: Float64Array[], names: string[], y: Float64Array, opts: LinearOptions = {}): LinearFit {
  const n = y.length;
  const p = cols.length;
  const w = opts.weights ?? null;
  const intercept = opts.intercept ?? true;
  const ridge = opts.ridge ?? 0;
  let sw = 0;
  for (let i = 0; i < n; i++) sw += w ? w[i] : 1;
  const means = new Float64Array(p);
  let ym = 0;
  if (intercept) {
    // Σ w·c (or Σ c) per column, four columns per pass
    if (w) dotsInto(cols, w, n, means);
    else sumsInto(cols, n, means);
    for (let j = 0; j < p; j++) means[j] /= sw;
    if (w) for (let i = 0; i < n; i++) ym += w[i] * y[i];
    else for (let i = 0; i < n; i++) ym += y[i];
    ym /= sw;
  }
  // √w-scaled centered columns z = (c − mean)·√w make every Gram entry a plain dot product; the kernels
  // form each z[i] as they read it (no n·p copy), the same values a copy would hold
  let root: Float64Array | null = null;
  if (w) {
    root = new Float64Array(n);
    for (let i = 0; i < n; i++) root[i] = Math.sqrt(w[i]);
  }
  const center = intercept ? means : new Float64Array(p);
  const yz = new Float64Array(n);
  if (root) for (let i = 0; i < n; i++) yz[i] = (y[i] - ym) * root[i];
  else for (let i = 0; i < n; i++) yz[i] = y[i] - ym;
  const gram = new Float64Array(p * p);
  gramInto(cols, n, gram, root, false, center);
  const xty = new Float64Array(p);
  centeredDotsInto(cols, center, root, yz, n, xty);
  if (ridge > 0) for (let j = 0; j < p; j++) gram[j * p + j] += ridge;
  const sol = solveSymmetric(gram, xty, p);
  const beta = sol.coef;
  if (sol.rank === p) {
    // one step of iterative refinement: recovers the accuracy of QR on ill-conditioned designs
    const r = Float64Array.from(yz);
    // r − z·b is r + (−b)·z exactly
    addScaledCenteredColumns(r, cols, center, root, beta.map((b) => -b), n);
    const g = new Float64Array(p);
    centeredDotsInto(cols, center, root, r, n, g);
    for (let j = 0; j < p; j++) g[j] -= ridge * beta[j];
    const d = solveSymmetric(gram, g, p);
    for (let j = 0; j < p; j++) beta[j] += d.coef[j];
  }
  const warnings: string[] = [];
  const aliased = sol.aliased.map((j) => names[j]);
  if (aliased.length)
    warnings.push(
      `collinear design: ${aliased.join(', ')} ${aliased.length === 1 ? 'is a linear combination' : 'are linear combinations'} of other columns${intercept ? ' or the intercept' : ''}; minimum-norm solution used`,
    );
  let b0 = ym;
  for (let j = 0; j < p; j++) b0 -= means[j] * beta[j];
  const coef = intercept ? Float64Array.from([b0, ...beta]) : beta;
  return { names: intercept ? ['(intercept)', ...names] : names.slice(), coef, intercept, rank: sol.rank, aliased, warnings, means, gram, n };
}

/** Predictions at the columns' rows (`rows` is required with a ColumnReader). */
export function predictLinear(fit: LinearFit, cols: Columns, rows?: number): Float64Array {
  const n = rows ?? (Array.isArray(cols) && cols.length ? cols[0].length : 0);
  const out = new Float64Array(n);
  const off = fit.intercept ? 1 : 0;
  if (fit.intercept) out.fill(fit.coef[0]);
  addScaledColumns(out, cols, fit.coef.subarray(off, off + columnCount(cols)), n);
  return out;
}

/**
 * Cluster-robust (CR1) standard errors of the slopes, as statsmodels' cov_type='cluster' with its
 * defaults: sandwich × G/(G−1) × (N−1)/(N−K), K counting the intercept. null when rank deficient.
 */
export function clusterRobustSE(
  fit: LinearFit,
  cols: Float64Array[],
  y: Float64Array,
  cluster: Int32Array,
  weights?: Float64Array | null,
): Float64Array | null {
  const p = cols.length;
  if (fit.rank < p) return null;
  const n = y.length;
  const pred = predictLinear(fit, cols);
  const { index, groups } = clusterIndex(cluster);
  const scores = new Float64Array(groups * p);
  for (let i = 0; i < n; i++) {
    const e = (weights ? weights[i] : 1) * (y[i] - pred[i]);
    const g = index[i] * p;
    for (let j = 0; j < p; j++) scores[g + j] += (cols[j][i] - fit.means[j]) * e;
  }
  const bread = invertSymmetric(fit.gram, p);
  if (!bread || groups < 2) return null;
  const K = p + (fit.intercept ? 1 : 0);
  const factor = (groups / (groups - 1)) * ((n - 1) / (n - K));
  return sandwichDiag(bread, scores, groups, p, factor);
}

/** diag(B · Σ_g s_g s_gᵀ · B) × factor; scores laid out groups × p. */
function sandwichDiag(bread: Float64Array, scores: Float64Array, groups: number, p: number, factor: number): Float64Array {
  const se = new Float64Array(p);
  const t = new Float64Array(p);
  const acc = new Float64Array(p);
  for (let g = 0; g < groups; g++) {
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += bread[j * p + k] * scores[g * p + k];
      t[j] = s;
    }
    for (let j = 0; j < p; j++) acc[j] += t[j] * t[j];
  }
  for (let j = 0; j < p; j++) se[j] = Math.sqrt(acc[j] * factor);
  return se;
}

/** Dense 0..G−1 index per row for arbitrary cluster ids (ascending id order). */
export function clusterIndex(cluster: Int32Array): { index: Int32Array; groups: number; ids: Int32Array } {
  const ids = Int32Array.from(new Set(cluster)).sort();
  const map = new Map<number, number>();
  ids.forEach((id, k) => map.set(id, k));
  const index = new Int32Array(cluster.length);
  for (let i = 0; i < cluster.length; i++) index[i] = map.get(cluster[i])!;
  return { index, groups: ids.length, ids };
}

// ---------------------------------------------------------------------------------------------
// Logistic regression

export interface LogisticOptions {
  weights?: Float64Array | null;
  /** inverse L2 strength as scikit-learn's C (penalty ½‖β‖² + C·Σ loss); null/undefined = unpenalized */
  C?: number | null;
  /** StandardScaler first (population SD; constant columns scaled by 1) */
  standardize?: boolean;
  maxIter?: number;
}

export interface LogisticFit {
  names: string[];
  /** intercept first, on the standardized scale when standardize is on */
  coef: Float64Array;
  center: Float64Array;
  scale: Float64Array;
  converged: boolean;
  iterations: number;
  separation: boolean;
  warnings: string[];
}

function log1pexp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}
function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * Penalized (or not) logistic regression by damped Newton steps to the exact optimum. From a
 * ColumnReader each column is read once, into the standardized copy the fit works on, so the
 * columns are never formed beside it.
 */
export function fitLogistic(cols: Columns, names: string[], y: Float64Array, opts: LogisticOptions = {}): LogisticFit {
  const n = y.length;
  const p = columnCount(cols);
  const w = opts.weights ?? null;
  const lambda = opts.C === null || opts.C === undefined ? 0 : 1 / opts.C;
  const center = new Float64Array(p);
  const scale = new Float64Array(p).fill(1);
  try {
    // column arrays kept as they are when not standardized; else every column read once into its standardized copy
    const Z = Array.isArray(cols) && !opts.standardize ? cols : readStandardized(Array.isArray(cols) ? { count: p, read: (j) => cols[j] } : cols, n, opts.standardize ?? false, center, scale);
    return logisticNewton(Z, names, y, w, lambda, center, scale, opts.maxIter ?? 200);
  } finally {
    // the fit keeps none of the copy's columns: the next fit reads into them (SpareColumns)
    spareColumns.giveBack();
  }
}

function logisticNewton(Z: Float64Array[], names: string[], y: Float64Array, w: Float64Array | null, lambda: number, center: Float64Array, scale: Float64Array, maxIter: number): LogisticFit {
  const n = y.length;
  const p = Z.length;
  const q = p + 1;
  const beta = new Float64Array(q);
  // start at the (weighted) log-odds of the base rate
  let sw = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    sw += wi;
    sy += wi * y[i];
  }
  const rate = Math.min(Math.max(sy / sw, 1e-6), 1 - 1e-6);
  beta[0] = Math.log(rate / (1 - rate));
  const eta = new Float64Array(n);
  const computeEta = (b: Float64Array, out: Float64Array) => {
    out.fill(b[0]);
    addScaledColumns(out, Z, b.subarray(1), n);
  };
  const objective = (e: Float64Array, b: Float64Array) => {
    let f = 0;
    for (let i = 0; i < n; i++) f += (w ? w[i] : 1) * (log1pexp(e[i]) - y[i] * e[i]);
    let pen = 0;
    for (let j = 1; j < q; j++) pen += b[j] * b[j];
    return f + 0.5 * lambda * pen;
  };
  computeEta(beta, eta);
  let f = objective(eta, beta);
  let converged = false;
  let iterations = 0;
  const H = new Float64Array(q * q);
  const g = new Float64Array(q);
  const sq = new Float64Array(n);
  const resid = new Float64Array(n);
  const trial = new Float64Array(q);
  const etaTrial = new Float64Array(n);
  let stepRatio = 1;
  let prevStep = Infinity;
  for (let it = 0; it < maxIter; it++) {
    iterations = it + 1;
    g.fill(0);
    for (let i = 0; i < n; i++) {
      const pi = sigmoid(eta[i]);
      const wi = w ? w[i] : 1;
      const v = wi * pi * (1 - pi);
      sq[i] = Math.sqrt(v);
      resid[i] = wi * (pi - y[i]);
      g[0] += resid[i];
    }
    dotsInto(Z, resid, n, g, 1);
    for (let j = 0; j < p; j++) g[j + 1] += lambda * beta[j + 1];
    // Hessian of [1, Z] with weights p(1−p): the Gram of [√v, √v·Z]. Near the optimum it barely
    // changes, so it is reused (chord steps, O(n·p) each) while steps keep shrinking fast.
    if (it < 3 || stepRatio > 0.25) {
      gramInto(Z, n, H, sq, true);
      for (let j = 1; j < q; j++) H[j * q + j] += lambda;
    }
    const step = solveSymmetric(H, g, q).coef;
    // backtracking line search on the objective keeps Newton stable far from the optimum
    let t = 1;
    let fNew = Infinity;
    for (let ls = 0; ls < 30; ls++) {
      for (let j = 0; j < q; j++) trial[j] = beta[j] - t * step[j];
      computeEta(trial, etaTrial);
      fNew = objective(etaTrial, trial);
      if (fNew <= f + 1e-12 * Math.abs(f)) break;
      t *= 0.5;
    }
    let maxStep = 0;
    let maxBeta = 0;
    for (let j = 0; j < q; j++) {
      maxStep = Math.max(maxStep, Math.abs(t * step[j]));
      maxBeta = Math.max(maxBeta, Math.abs(trial[j]));
    }
    if (!(fNew <= f + 1e-12 * Math.abs(f))) {
      converged = true; // no further decrease possible at machine precision
      break;
    }
    stepRatio = maxStep / prevStep;
    prevStep = maxStep;
    beta.set(trial);
    eta.set(etaTrial);
    const fOld = f;
    f = fNew;
    if (maxStep <= 1e-10 * (1 + maxBeta) || Math.abs(fOld - f) <= 1e-15 * Math.max(1, Math.abs(f))) {
      converged = true;
      break;
    }
  }
  // separation: without a penalty the likelihood keeps rising as coefficients diverge
  let extreme = 0;
  for (let i = 0; i < n; i++) if (Math.abs(eta[i]) > 30) extreme++;
  let maxAbs = 0;
  for (let j = 1; j < q; j++) maxAbs = Math.max(maxAbs, Math.abs(beta[j]));
  const separation = lambda === 0 && (!converged || maxAbs > 1e4 || f < 1e-6 * sw || extreme > 0.5 * n);
  const warnings: string[] = [];
  if (separation)
    warnings.push('perfect or quasi-perfect separation: the treatment is (almost) determined by the covariates, so propensities reach 0 or 1');
  else if (!converged) warnings.push(`logistic regression did not converge in ${maxIter} iterations`);
  return { names: ['(intercept)', ...names], coef: beta, center, scale, converged, iterations, separation, warnings };
}

/**
 * The columns of fitLogistic's standardized copy, kept from one fit for the next. A cell fits hundreds of
 * logistic models of one design's shape (bootstrap replicates, cross-fitting folds, refuter repetitions):
 * a fresh n × p copy for each was 2.2 GB of allocation on the full-size demo cell, every block of it
 * faulted in anew once glibc returns freed blocks to the system (src/run/allocator.ts). A fit takes its
 * columns as views of their first n values (replicates differ in rows), fills every value, and gives them
 * back when it returns (its result keeps none). The analysis empties the pool at each of its steps
 * (`releaseSpareColumns`, src/analysis/index.ts), so the columns are not held through stages that fit
 * no logistic model.
 */
class SpareColumns {
  private spare: Float64Array[] = [];
  private lent: Float64Array[] = [];

  /** A column of n values whose contents are undefined (the caller writes every one). */
  take(n: number): Float64Array {
    let base = this.spare.pop();
    if (!base || base.length < n) base = new Float64Array(n);
    this.lent.push(base);
    return base.length === n ? base : base.subarray(0, n);
  }

  /** Every column taken since the last call returns to the pool. */
  giveBack(): void {
    for (const base of this.lent) this.spare.push(base);
    this.lent = [];
  }

  release(): void {
    this.spare = [];
    this.lent = [];
  }
}

const spareColumns = new SpareColumns();

/** Drops the columns kept for the next logistic fit (see SpareColumns). */
export function releaseSpareColumns(): void {
  spareColumns.release();
}

/**
 * fitLogistic's standardization, column by column: each column read (into its own array, from a reader
 * that writes) and standardized into that array; each column's sums run in row order.
 */
function readStandardized(cols: Exclude<Columns, Float64Array[]>, n: number, standardize: boolean, center: Float64Array, scale: Float64Array): Float64Array[] {
  const Z: Float64Array[] = [];
  for (let j = 0; j < cols.count; j++) {
    const z = spareColumns.take(n);
    const c = cols.read(j, z);
    if (!standardize) {
      Z.push(c);
      continue;
    }
    let sum = 0;
    for (let i = 0; i < n; i++) sum += c[i];
    const m = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const x = c[i] - m;
      squares += x * x;
    }
    const sd = Math.sqrt(squares / n);
    const s = sd > 0 ? sd : 1;
    center[j] = m;
    scale[j] = s;
    for (let i = 0; i < n; i++) z[i] = (c[i] - m) / s;
    Z.push(z);
  }
  return Z;
}

/** Probabilities at the columns' rows (`rows` is required with a ColumnReader, read one column at a time). */
export function predictLogistic(fit: LogisticFit, cols: Columns, rows?: number): Float64Array {
  const n = rows ?? (Array.isArray(cols) && cols.length ? cols[0].length : 0);
  const eta = new Float64Array(n).fill(fit.coef[0]);
  const scratch = Array.isArray(cols) ? null : new Float64Array(n);
  for (let j = 0; j < columnCount(cols); j++) {
    const b = fit.coef[j + 1];
    if (b === 0) continue;
    const c = Array.isArray(cols) ? cols[j] : cols.read(j, scratch!);
    const m = fit.center[j];
    const s = fit.scale[j];
    for (let i = 0; i < n; i++) eta[i] += (b * (c[i] - m)) / s;
  }
  for (let i = 0; i < n; i++) eta[i] = sigmoid(eta[i]);
  return eta;
}
