/**
 * Learners keyed by model kind. Estimators ask the registry for a learner from a model spec, so any
 * estimator takes any model. The registry below is the one list of learner kinds.
 */
import { CausewayError } from '../errors.js';
import type { Rng } from '../rng.js';
import { cbpsLearner, entropyBalanceLearner } from './balancing.js';
import { gatherColumn, isUnformed, type DesignWithOrigin } from './gbm/binning.js';
import { gbmFromSpec } from './gbm/index.js';
import type { Columns } from './gram.js';
import { fitLinear, fitLogistic, predictLinear, predictLogistic } from './linear.js';
import type { CrossfitFolds, DesignMatrix, FittedModel, Learner, LearnerFactory, ModelSpec } from './types.js';

/** Column views (no copy) of a column-major design matrix. */
export function columnsOf(X: DesignMatrix): Float64Array[] {
  const cols: Float64Array[] = [];
  for (let j = 0; j < X.cols; j++) cols.push(X.data.subarray(j * X.rows, (j + 1) * X.rows));
  return cols;
}

/**
 * X's columns for a kernel that takes a ColumnReader (src/estimate/gram.ts): a lazy design not formed
 * yet (src/estimate/ml/common.ts lazyRows) is read column by column from its origin, so a cross-fitting
 * fold's logistic fit or linear and logistic predictions never form the fold's rows of X (23 MB for a
 * training fold of the full-size demo frame) beside what they compute; any other design as column views.
 */
export function designColumns(X: DesignMatrix): Columns {
  const lazy = X as DesignWithOrigin;
  if (!isUnformed(lazy)) return columnsOf(X);
  return { count: X.cols, read: (j, scratch) => gatherColumn(lazy, j, scratch, 0) };
}

/** A design matrix from columns (copied into one column-major buffer). */
export function designFromColumns(cols: Float64Array[], names: string[], rows?: number): DesignMatrix {
  const n = rows ?? (cols.length ? cols[0].length : 0);
  const data = new Float64Array(n * cols.length);
  cols.forEach((c, j) => data.set(c, j * n));
  return { rows: n, cols: cols.length, data, names: names.slice() };
}

/** Rows `index` of X (copy). */
export function takeRows(X: DesignMatrix, index: Int32Array): DesignMatrix {
  const n = index.length;
  const data = new Float64Array(n * X.cols);
  for (let j = 0; j < X.cols; j++) {
    const off = j * X.rows;
    const out = j * n;
    for (let i = 0; i < n; i++) data[out + i] = X.data[off + index[i]];
  }
  return { rows: n, cols: X.cols, data, names: X.names };
}

export function linearLearner(spec: ModelSpec = { kind: 'linear' }): Learner {
  const ridge = typeof spec.alpha === 'number' ? spec.alpha : typeof spec.ridge === 'number' ? spec.ridge : 0;
  return {
    task: 'regression',
    fit(X: DesignMatrix, y: Float64Array, w?: Float64Array): FittedModel {
      const fit = fitLinear(columnsOf(X), X.names, y, { weights: w ?? null, ridge });
      return {
        predict: (Xn: DesignMatrix) => predictLinear(fit, designColumns(Xn), Xn.rows),
        coefficients: () => ({ names: fit.names, values: fit.coef }),
        warnings: fit.warnings,
      };
    },
  };
}

export function logisticLearner(spec: ModelSpec = { kind: 'logistic' }): Learner {
  const penalty = spec.penalty ?? 'l2';
  const C = penalty === 'none' || spec.C === null ? null : typeof spec.C === 'number' ? spec.C : 1;
  const standardize = spec.standardize === undefined ? true : Boolean(spec.standardize);
  return {
    task: 'classification',
    fit(X: DesignMatrix, y: Float64Array, w?: Float64Array): FittedModel {
      const fit = fitLogistic(designColumns(X), X.names, y, { weights: w ?? null, C, standardize });
      return {
        predict: (Xn: DesignMatrix) => predictLogistic(fit, designColumns(Xn), Xn.rows),
        coefficients: () => ({ names: fit.names, values: fit.coef }),
        warnings: fit.warnings,
      };
    },
  };
}

/** Every learner kind a model spec may name. */
const registry: ReadonlyMap<string, LearnerFactory> = new Map<string, LearnerFactory>([
  ['linear', (spec) => linearLearner(spec)],
  ['ridge', (spec) => linearLearner({ ...spec, alpha: typeof spec.alpha === 'number' ? spec.alpha : 1 })],
  ['logistic', (spec) => logisticLearner(spec)],
  ['gbm', (spec, rng) => gbmFromSpec(spec, rng)],
  // balancing choices of a propensity role (./balancing.ts); entropy_balance only weights (./weights.ts)
  ['cbps', (spec) => cbpsLearner(spec)],
  ['entropy_balance', () => entropyBalanceLearner()],
]);

export function learnerKinds(): string[] {
  return [...registry.keys()].sort();
}

/**
 * Resolve a model reference from an estimator option: a name in the spec's `models:` section, or a
 * bare kind ('linear', 'logistic', 'gbm') with default options.
 */
export function resolveModel(ref: unknown, models: Record<string, ModelSpec>, fallback: string): ModelSpec {
  if (ref && typeof ref === 'object' && typeof (ref as ModelSpec).kind === 'string') return ref as ModelSpec;
  const name = typeof ref === 'string' ? ref : fallback;
  if (models[name]) return models[name];
  if (registry.has(name)) return { kind: name };
  throw new CausewayError('ESTIMATE_UNKNOWN_MODEL', `unknown model "${name}": not in models: and not a learner kind (${learnerKinds().join(', ')})`);
}

export function makeLearner(spec: ModelSpec, rng: Rng): Learner {
  const factory = registry.get(spec.kind);
  if (!factory) throw new CausewayError('ESTIMATE_UNKNOWN_MODEL', `unknown model kind "${spec.kind}" (known: ${learnerKinds().join(', ')})`);
  return factory(spec, rng);
}

/**
 * GroupKFold as scikit-learn: groups ordered by np.argsort(sizes)[::-1], each given to the currently
 * lightest fold (first on ties). Equal-sized groups are ordered exactly as numpy's (unstable) introsort
 * leaves them, so folds match scikit-learn row for row (checked against scikit-learn 1.2.1 with numpy
 * 1.24.2 by test/golden/groupkfold.test.ts). Returns each row's fold.
 */
export function groupKFold(groups: Int32Array, folds: number): Int32Array {
  const ids = Int32Array.from(new Set(groups)).sort();
  if (folds > ids.length)
    throw new CausewayError('ESTIMATE_TOO_FEW_GROUPS', `cannot cross-fit with ${folds} folds: only ${ids.length} users`);
  const pos = new Map<number, number>();
  ids.forEach((id, k) => pos.set(id, k));
  const counts = new Float64Array(ids.length);
  for (let i = 0; i < groups.length; i++) counts[pos.get(groups[i])!]++;
  const order = numpyArgsort(counts).reverse();
  const load = new Float64Array(folds);
  const groupFold = new Int32Array(ids.length);
  for (const gi of order) {
    let lightest = 0;
    for (let f = 1; f < folds; f++) if (load[f] < load[lightest]) lightest = f;
    load[lightest] += counts[gi];
    groupFold[gi] = lightest;
  }
  const out = new Int32Array(groups.length);
  for (let i = 0; i < groups.length; i++) out[i] = groupFold[pos.get(groups[i])!];
  return out;
}

/** Each user's fold per split, from per-row fold assignments over the same rows (see CrossfitFolds). */
export function foldsByUser(cluster: Int32Array, splits: ArrayLike<number>[]): CrossfitFolds {
  const users = Array.from(new Set(cluster)).sort((a, b) => a - b);
  const index = new Map<number, number>();
  users.forEach((id, u) => index.set(id, u));
  return {
    users,
    splits: splits.map((rowFold) => {
      const out = new Array<number>(users.length).fill(-1);
      for (let i = 0; i < cluster.length; i++) out[index.get(cluster[i])!] = rowFold[i];
      return out;
    }),
  };
}

/**
 * np.argsort(values) with numpy's default kind ('quicksort' = introsort), ported from numpy 1.24's
 * npysort/quicksort.cpp (aquicksort_) and npysort_heapsort.h (aheapsort_) so ties come out in the same
 * (unstable) order: median-of-3 partitions while a range spans more than SMALL_QUICKSORT = 15 positions
 * (pr - pl > 15, i.e. ranges of 17+ elements), insertion sort below that, heapsort for a range popped
 * with its depth budget (2·floor(log2 n), one spent per partition) below zero.
 * Which path numpy takes matters: numpy 1.24 sends np.sort of 16/32/64-bit types to AVX-512 code
 * (x86-qsort) on CPUs that have it, but np.argsort, which GroupKFold calls on int64 sizes, always runs
 * this scalar introsort. numpy >= 1.25 (AVX-512) and >= 2.0 (AVX2) send argsort to x86-simd-sort,
 * whose tie order differs; docs/gbm.md says which versions the folds match.
 */
export function numpyArgsort(values: ArrayLike<number>): number[] {
  const n = values.length;
  const tosort = Array.from({ length: n }, (_, i) => i);
  if (n < 2) return tosort;
  const v = values;
  const less = (a: number, b: number) => a < b;
  const SMALL_QUICKSORT = 15;
  let pl = 0;
  let pr = n - 1;
  const stack: number[] = [];
  const depthStack: number[] = [];
  let msb = 0;
  for (let u = n; (u >>= 1) > 0; ) msb++;
  let cdepth = msb * 2;
  const swap = (i: number, j: number) => {
    const t = tosort[i];
    tosort[i] = tosort[j];
    tosort[j] = t;
  };
  for (;;) {
    let popped = false;
    if (cdepth < 0) {
      heapsortRange(tosort, v, pl, pr - pl + 1);
      popped = true;
    }
    if (!popped) {
      while (pr - pl > SMALL_QUICKSORT) {
        const pm = pl + ((pr - pl) >> 1);
        if (less(v[tosort[pm]], v[tosort[pl]])) swap(pm, pl);
        if (less(v[tosort[pr]], v[tosort[pm]])) swap(pr, pm);
        if (less(v[tosort[pm]], v[tosort[pl]])) swap(pm, pl);
        const vp = v[tosort[pm]];
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do ++pi; while (less(v[tosort[pi]], vp));
          do --pj; while (less(vp, v[tosort[pj]]));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depthStack.push(--cdepth);
      }
      for (let pi = pl + 1; pi <= pr; ++pi) {
        const vi = tosort[pi];
        const vp = v[vi];
        let pj = pi;
        let pk = pi - 1;
        while (pj > pl && less(vp, v[tosort[pk]])) tosort[pj--] = tosort[pk--];
        tosort[pj] = vi;
      }
    }
    if (!stack.length) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    cdepth = depthStack.pop()!;
  }
  return tosort;
}

function heapsortRange(tosort: number[], v: ArrayLike<number>, start: number, count: number): void {
  // 1-based heap over tosort[start .. start+count)
  const a = (i: number) => tosort[start + i - 1];
  const set = (i: number, x: number) => (tosort[start + i - 1] = x);
  let n = count;
  for (let l = n >> 1; l > 0; --l) {
    const tmp = a(l);
    let i = l;
    for (let j = l << 1; j <= n; ) {
      if (j < n && v[a(j)] < v[a(j + 1)]) j += 1;
      if (v[tmp] < v[a(j)]) {
        set(i, a(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  }
  for (; n > 1; ) {
    const tmp = a(n);
    set(n, a(1));
    n -= 1;
    let i = 1;
    for (let j = 2; j <= n; ) {
      if (j < n && v[a(j)] < v[a(j + 1)]) j++;
      if (v[tmp] < v[a(j)]) {
        set(i, a(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  }
}
