/**
 * Learners keyed by model kind. Estimators ask the registry for a learner from a model spec, so any
 * estimator takes any model (linear, logistic here; gbm registers itself from src/estimate/gbm/).
 */
import { CausewayError } from '../errors.js';
import type { Rng } from '../rng.js';
import { fitLinear, fitLogistic, predictLinear, predictLogistic } from './linear.js';
import type { DesignMatrix, FittedModel, Learner, LearnerFactory, ModelSpec } from './types.js';

/** Column views (no copy) of a column-major design matrix. */
export function columnsOf(X: DesignMatrix): Float64Array[] {
  const cols: Float64Array[] = [];
  for (let j = 0; j < X.cols; j++) cols.push(X.data.subarray(j * X.rows, (j + 1) * X.rows));
  return cols;
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
        predict: (Xn: DesignMatrix) => predictLinear(fit, columnsOf(Xn)),
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
      const fit = fitLogistic(columnsOf(X), X.names, y, { weights: w ?? null, C, standardize });
      return {
        predict: (Xn: DesignMatrix) => predictLogistic(fit, columnsOf(Xn)),
        coefficients: () => ({ names: fit.names, values: fit.coef }),
        warnings: fit.warnings,
      };
    },
  };
}

const registry = new Map<string, LearnerFactory>([
  ['linear', (spec) => linearLearner(spec)],
  ['ridge', (spec) => linearLearner({ ...spec, alpha: typeof spec.alpha === 'number' ? spec.alpha : 1 })],
  ['logistic', (spec) => logisticLearner(spec)],
]);

/** Register a learner kind (src/estimate/gbm/ registers 'gbm'). */
export function registerLearner(kind: string, factory: LearnerFactory): void {
  registry.set(kind, factory);
}

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
 * GroupKFold as scikit-learn: groups sorted by size (descending; ties by the reversed stable order, as
 * numpy's argsort(...)[::-1] on small inputs), each given to the currently lightest fold. Returns the
 * fold of each row.
 */
export function groupKFold(groups: Int32Array, folds: number): Int32Array {
  const ids = Int32Array.from(new Set(groups)).sort();
  if (folds > ids.length)
    throw new CausewayError('ESTIMATE_TOO_FEW_GROUPS', `cannot cross-fit with ${folds} folds: only ${ids.length} users`);
  const pos = new Map<number, number>();
  ids.forEach((id, k) => pos.set(id, k));
  const counts = new Float64Array(ids.length);
  for (let i = 0; i < groups.length; i++) counts[pos.get(groups[i])!]++;
  const order = Array.from(ids.keys()).sort((a, b) => counts[a] - counts[b] || a - b).reverse();
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
