/**
 * Refuters (after DoWhy's): re-estimate under a change that should, or should not, move the estimate,
 * with seeded repetitions (`new Rng(seed, cellId, 'refuter:' + name, rep)`) and an empirical p-value.
 *
 *  - placebo_treatment: A is permuted over all rows (or within users with `within: 'user'`), so it is
 *    independent of Y (and X): a sound estimator gives effects centred on zero. p-value = share of
 *    placebo effects at least as large in magnitude as the original, (1 + #{|placebo| ≥ |original|}) /
 *    (reps + 1): a permutation test of the original. Passes when zero lies inside the central 95% of the
 *    placebo effects.
 *  - random_common_cause: a N(0, 1) column is added to the covariates: the estimate should not move.
 *  - data_subset: re-estimate on a random 80% of users (whole users, as the bootstrap): the estimate should
 *    not move beyond sampling noise.
 *   For these two the p-value asks whether the original is typical of the refuted estimates:
 *   (1 + #{|r − median| ≥ |original − median|}) / (reps + 1); passes when p ≥ 0.05.
 * Repetitions run without the bootstrap (point estimates only). Works with any estimator: the estimator is
 * run through the injected `runEstimator` (src/estimate's, signature (spec, frame, ctx)).
 */
import type { RefuterRow } from '../results/index.js';
import { Rng } from '../rng.js';
import type { AnalysisFrame, EstimatorContext, EstimatorResult, EstimatorSpec } from '../estimate/types.js';
import { DesignScratch, subsetFrame, withSpareColumn } from '../frame/index.js';

export type RunEstimatorFn = (spec: EstimatorSpec, frame: AnalysisFrame, ctx: EstimatorContext) => EstimatorResult | Promise<EstimatorResult>;

export type RefuterName = 'placebo_treatment' | 'random_common_cause' | 'data_subset';
export const REFUTERS: readonly RefuterName[] = ['placebo_treatment', 'random_common_cause', 'data_subset'];

export interface RefuterOptions {
  /** repetitions (default 20) */
  reps?: number;
  /** estimands to report (default: every estimand of the original with an estimate) */
  estimands?: string[];
  /** the estimator's result on the unchanged frame (computed when absent) */
  original?: EstimatorResult;
  /** data_subset: share of users kept (default 0.8) */
  fraction?: number;
  /** placebo_treatment: permute over all rows (default) or within each user */
  within?: 'none' | 'user';
}

export interface RefutationEstimand {
  estimand: string;
  original: number | null;
  /** refuted estimate per repetition (null where the estimator could not estimate) */
  values: Array<number | null>;
  mean: number | null;
  sd: number | null;
  /** central 95% of the refuted estimates */
  range: [number, number] | null;
  pValue: number | null;
  passes: boolean | null;
}

export interface Refutation {
  refuter: RefuterName;
  estimator: string;
  reps: number;
  failedReps: number;
  estimands: RefutationEstimand[];
  method: string;
}

// ---------------------------------------------------------------------------------------------
// Frame transformations

/** A permuted over all rows, or within each user (cluster). */
export function placeboFrame(frame: AnalysisFrame, rng: Rng, within: 'none' | 'user' = 'none'): AnalysisFrame {
  const A = Float64Array.from(frame.A);
  if (within === 'none') rng.shuffle(A as unknown as number[]);
  else {
    const byUser = new Map<number, number[]>();
    for (let i = 0; i < frame.n; i++) {
      const u = frame.cluster[i]!;
      let list = byUser.get(u);
      if (!list) byUser.set(u, (list = []));
      list.push(i);
    }
    for (const u of [...byUser.keys()].sort((a, b) => a - b)) {
      const rows = byUser.get(u)!;
      const values = rows.map((i) => frame.A[i]!);
      rng.shuffle(values);
      rows.forEach((i, k) => (A[i] = values[k]!));
    }
  }
  return { ...frame, A };
}

/**
 * The frame with one more covariate column of N(0, 1) noise: the design on the frame's own buffer when it
 * has room for the column (src/frame/index.ts withSpareColumn), else in `scratch`'s buffer when given.
 */
export function randomCommonCauseFrame(frame: AnalysisFrame, rng: Rng, scratch?: DesignScratch): AnalysisFrame {
  const { rows, cols } = frame.X;
  const spare = withSpareColumn(frame.X);
  const data = spare ?? (scratch ? scratch.view(rows * (cols + 1)) : new Float64Array(rows * (cols + 1)));
  if (!spare) data.set(frame.X.data.subarray(0, rows * cols));
  for (let i = 0; i < rows; i++) data[cols * rows + i] = rng.normal();
  return { ...frame, X: { rows, cols: cols + 1, data, names: [...frame.X.names, 'random_common_cause'] } };
}

/** A random `fraction` of users (whole users), rows in their original order. */
export function userSubsetFrame(frame: AnalysisFrame, rng: Rng, fraction = 0.8, scratch?: DesignScratch): AnalysisFrame {
  const users = [...new Set(frame.cluster)].sort((a, b) => a - b);
  rng.shuffle(users);
  const keep = new Set(users.slice(0, Math.max(1, Math.round(users.length * fraction))));
  const index: number[] = [];
  for (let i = 0; i < frame.n; i++) if (keep.has(frame.cluster[i]!)) index.push(i);
  return subsetFrame(frame, Int32Array.from(index), undefined, scratch);
}

// ---------------------------------------------------------------------------------------------

function quantileSorted(s: number[], q: number): number {
  if (s.length === 1) return s[0]!;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

function summarize(name: RefuterName, original: number | null, values: Array<number | null>): Omit<RefutationEstimand, 'estimand'> {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0 || original === null) return { original, values, mean: null, sd: null, range: null, pValue: null, passes: null };
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const sd = finite.length > 1 ? Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (finite.length - 1)) : 0;
  const sorted = [...finite].sort((a, b) => a - b);
  const range: [number, number] = [quantileSorted(sorted, 0.025), quantileSorted(sorted, 0.975)];
  let extreme: number;
  let passes: boolean;
  if (name === 'placebo_treatment') {
    extreme = finite.filter((v) => Math.abs(v) >= Math.abs(original)).length;
    passes = range[0] <= 0 && range[1] >= 0;
  } else {
    const centre = quantileSorted(sorted, 0.5);
    const distance = Math.abs(original - centre);
    extreme = finite.filter((v) => Math.abs(v - centre) >= distance).length;
    passes = (1 + extreme) / (finite.length + 1) >= 0.05;
  }
  return { original, values, mean, sd, range, pValue: (1 + extreme) / (finite.length + 1), passes };
}

const METHODS: Record<RefuterName, string> = {
  placebo_treatment: 'treatment permuted; p = share of placebo effects at least as large as the original (permutation test); passes when 0 is inside the central 95% of placebo effects',
  random_common_cause: 'a N(0,1) covariate added; p = share of refuted estimates at least as far from their median as the original; passes when p >= 0.05',
  data_subset: 'random share of users kept; p = share of refuted estimates at least as far from their median as the original; passes when p >= 0.05',
};

/** Runs one refuter with seeded repetitions on any estimator. */
export async function refute(
  name: RefuterName,
  frame: AnalysisFrame,
  estimatorSpec: EstimatorSpec,
  ctx: EstimatorContext,
  runEstimator: RunEstimatorFn,
  opts: RefuterOptions = {},
): Promise<Refutation> {
  const reps = opts.reps ?? 20;
  const pointCtx: EstimatorContext = { ...ctx, bootstrap: undefined, pointOnly: true };
  const original = opts.original ?? (await runEstimator(estimatorSpec, frame, pointCtx));
  const estimands = opts.estimands ?? Object.keys(original.estimates).filter((k) => original.estimates[k]?.estimate != null).sort();
  const values = estimands.map(() => [] as Array<number | null>);
  let failedReps = 0;
  // one design buffer for every repetition (a repetition's frame is dropped before the next is made)
  const scratch = new DesignScratch();
  for (let rep = 0; rep < reps; rep++) {
    const rng = new Rng(ctx.seed, ctx.cellId, `refuter:${name}`, rep);
    const changed =
      name === 'placebo_treatment'
        ? placeboFrame(frame, rng, opts.within ?? 'none')
        : name === 'random_common_cause'
          ? randomCommonCauseFrame(frame, rng, scratch)
          : userSubsetFrame(frame, rng, opts.fraction ?? 0.8, scratch);
    let result: EstimatorResult | null = null;
    try {
      result = await runEstimator(estimatorSpec, changed, pointCtx);
    } catch {
      result = null;
    }
    if (!result || result.status !== 'ok') failedReps++;
    estimands.forEach((k, j) => {
      const v = result && result.status === 'ok' ? result.estimates[k]?.estimate : null;
      values[j]!.push(v ?? null);
    });
  }
  return {
    refuter: name,
    estimator: estimatorSpec.id,
    reps,
    failedReps,
    method: METHODS[name] + (name === 'data_subset' ? ` (${Math.round((opts.fraction ?? 0.8) * 100)}% of users)` : ''),
    estimands: estimands.map((k, j) => ({ estimand: k, ...summarize(name, original.estimates[k]?.estimate ?? null, values[j]!) })),
  };
}

/** Rows for results.json (`Sensitivity.refuters`); the p-value and repetitions go in the note. */
export function refuterRows(r: Refutation): RefuterRow[] {
  return r.estimands.map((e) => ({
    refuter: r.refuter,
    estimator: r.estimator,
    estimand: e.estimand,
    original: e.original,
    refuted: { estimate: e.mean, ci: e.range, bootSd: e.sd },
    passes: e.passes,
    note: `p = ${e.pValue === null ? 'n/a' : e.pValue.toFixed(3)} over ${r.reps - r.failedReps} of ${r.reps} repetitions; ${r.method}`,
  }));
}
