/**
 * Every estimator kind: (frame, options, ctx) → EstimatorResult. Each kind has a point computation
 * (any learner through the registry) and, where the estimate is a smooth function of linear fits or of
 * per-user sums, a fast bootstrap replicate assembled from per-user sufficient statistics.
 */
import { CausewayError } from '../errors.js';
import { Rng } from '../rng.js';
import { subsetFrame } from '../frame/index.js';
import {
  ClusterGram, drawUsers, gramFit, gramPredict, multiplicities, replicateRows, summarizeReplicates, userIndex, type UserIndex,
} from './bootstrap.js';
import {
  balanceTable, designReadiness, influenceSummary, naiveAssociations, overlapSummary, residualMediatorOutcome,
  weightReadiness, weightSummary,
} from './diagnostics.js';
import { columnsOf, designFromColumns, foldsByUser, groupKFold, makeLearner, resolveModel, takeRows } from './learners.js';
import { clusterRobustSE, fitLinear } from './linear.js';
import { finiteOrNull, quantile } from './linalg.js';
import type {
  AnalysisFrame, CrossfitFolds, DesignMatrix, EstimateValue, EstimatorContext, EstimatorResult, EstimatorSpec, FittedModel, ModelSpec,
} from './types.js';

/** A design problem the estimator cannot overcome (one arm empty, constant mediator…): reported, not thrown. */
export class EstimatorFailure extends Error {}

type Opts = Record<string, unknown>;
type Estimates = Record<string, number | null>;

interface PointResult {
  estimates: Estimates;
  se?: Estimates;
  /** base of relative effects (control mean, or the counterfactual reference mean) */
  controlMean: number | null;
  diagnostics: Record<string, unknown>;
  warnings: string[];
  /** per-row score (AIPW) for the score bootstrap; never reported */
  psi?: Float64Array;
  /** cross-fitting: each user's fold (EstimatorResult.folds) */
  folds?: CrossfitFolds;
}

/** A fast bootstrap replicate from user multiplicities (rep is the replicate number, for shared caches). */
type Replicator = (rep: number, mult: Float64Array) => Estimates;

interface Impl {
  point(frame: AnalysisFrame, opts: Opts, ctx: EstimatorContext, env: Env): PointResult;
  fast?(frame: AnalysisFrame, opts: Opts, ctx: EstimatorContext, env: Env, point: PointResult): Replicator | null;
}

// ---------------------------------------------------------------------------------------------
// per-frame environment: caches shared by the estimators of one cell

interface Weights {
  propensity: Float64Array;
  clipped: Float64Array;
  w: Float64Array;
  cap: number | null;
  warnings: string[];
}

class Env {
  readonly light: boolean;
  private ui: UserIndex | null = null;
  private readonly weightCache = new Map<string, Weights>();
  private readonly gramCache = new Map<string, ClusterGram>();
  private readonly aggCache = new Map<string, Float64Array>();
  constructor(readonly frame: AnalysisFrame, light: boolean) {
    this.light = light;
  }
  users(): UserIndex {
    return (this.ui ??= userIndex(this.frame.cluster));
  }
  /** Propensity fits depend on (X, A) only: frames sharing both arrays (secondary outcomes) share them. */
  weights(key: string, make: () => Weights): Weights {
    let byA = weightStore.get(this.frame.X.data);
    if (!byA) {
      byA = new WeakMap();
      weightStore.set(this.frame.X.data, byA);
    }
    let cache = byA.get(this.frame.A);
    if (!cache) {
      cache = this.weightCache;
      byA.set(this.frame.A, cache);
    }
    let w = cache.get(key);
    if (!w) {
      w = make();
      cache.set(key, w);
    }
    return w;
  }
  gram(key: string, make: () => ClusterGram): ClusterGram {
    let g = this.gramCache.get(key);
    if (!g) {
      g = make();
      this.gramCache.set(key, g);
    }
    return g;
  }
  /** Identity of the replicate draws in use (seed, cell): aggregates are only shared under the same draws. */
  private drawKey = '';
  setDraws(seed: number, cellId: string): void {
    const k = `${seed}\u0000${cellId}`;
    if (k !== this.drawKey) {
      this.aggCache.clear();
      this.drawKey = k;
    }
  }
  /**
   * Infinitesimal-jackknife mode: aggregates are the full-sample totals plus h × one user's statistics
   * (user weight 1 + h), computed incrementally instead of summing every user.
   */
  ij: { user: number; h: number } | null = null;
  readonly ijGrams = new Set<ClusterGram>();
  private readonly totals = new Map<string, Float64Array>();
  private readonly scratch = new Map<string, Float64Array>();
  /** Aggregated gram for replicate `rep`, computed once per cell and shared by estimators. */
  aggregate(key: string, g: ClusterGram, rep: number, mult: Float64Array): Float64Array {
    if (this.ij) {
      let tot = this.totals.get(key);
      if (!tot) {
        tot = g.aggregate(null);
        this.totals.set(key, tot);
      }
      if (g.ijBase !== tot) {
        g.clearIj();
        g.ijBase = tot;
        this.ijGrams.add(g);
      }
      let out = this.scratch.get(key);
      if (!out) {
        out = new Float64Array(g.size);
        this.scratch.set(key, out);
      }
      const { user, h } = this.ij;
      const off = user * g.size;
      for (let t = 0; t < g.size; t++) out[t] = tot[t] + h * g.stats[off + t];
      return out;
    }
    const k = `${key}#${rep}`;
    let s = this.aggCache.get(k);
    if (!s) {
      s = g.aggregate(mult);
      this.aggCache.set(k, s);
    }
    return s;
  }
}

const envs = new WeakMap<AnalysisFrame, Env>();
const weightStore = new WeakMap<Float64Array, WeakMap<Float64Array, Map<string, Weights>>>();
function envFor(frame: AnalysisFrame): Env {
  let e = envs.get(frame);
  if (!e) {
    e = new Env(frame, false);
    envs.set(frame, e);
  }
  return e;
}

// ---------------------------------------------------------------------------------------------
// option helpers

function num(opts: Opts, key: string, dflt: number): number {
  const v = opts[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new CausewayError('ESTIMATE_BAD_OPTION', `option ${key} must be a number`);
  return v;
}
function bool(opts: Opts, key: string, dflt: boolean): boolean {
  const v = opts[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new CausewayError('ESTIMATE_BAD_OPTION', `option ${key} must be true or false`);
  return v;
}
function pair(opts: Opts, key: string, dflt: [number, number] | null): [number, number] | null {
  const v = opts[key];
  if (v === undefined) return dflt;
  if (v === null || v === false) return null;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number'))
    throw new CausewayError('ESTIMATE_BAD_OPTION', `option ${key} must be [low, high]`);
  return [v[0], v[1]];
}
function nullableNum(opts: Opts, key: string, dflt: number | null): number | null {
  const v = opts[key];
  if (v === undefined) return dflt;
  if (v === null || v === false) return null;
  if (typeof v !== 'number') throw new CausewayError('ESTIMATE_BAD_OPTION', `option ${key} must be a number or null`);
  return v;
}
function crossfitFolds(opts: Opts): number | null {
  const cf = opts.crossfit;
  if (cf === undefined || cf === null || cf === false) return null;
  if (cf === true) return 3;
  if (typeof cf === 'object') {
    const f = (cf as Opts).folds;
    return typeof f === 'number' ? f : 3;
  }
  throw new CausewayError('ESTIMATE_BAD_OPTION', 'option crossfit must be { folds, group } or true');
}

function requireArms(frame: AnalysisFrame): { n1: number; n0: number } {
  if (frame.n === 0) throw new EstimatorFailure('the analysis frame is empty');
  let n1 = 0;
  for (let i = 0; i < frame.n; i++) n1 += frame.A[i];
  const n0 = frame.n - n1;
  if (n1 === 0) throw new EstimatorFailure('no treated rows: the treated arm is empty');
  if (n0 === 0) throw new EstimatorFailure('no control rows: the control arm is empty');
  return { n1, n0 };
}

function modelFor(opts: Opts, key: string, ctx: EstimatorContext, fallback: string): ModelSpec {
  return resolveModel(opts[key], ctx.models, fallback);
}

function learnerRng(ctx: EstimatorContext, id: string, purpose: string, fold: number): Rng {
  return new Rng(ctx.seed, ctx.cellId, id, purpose, fold);
}

const isLinear = (m: ModelSpec) => m.kind === 'linear' || m.kind === 'ridge';
const ridgeOf = (m: ModelSpec) =>
  typeof m.alpha === 'number' ? m.alpha : typeof m.ridge === 'number' ? m.ridge : m.kind === 'ridge' ? 1 : 0;

function mean(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

function withFront(front: [string, Float64Array][], X: DesignMatrix, index?: Int32Array): DesignMatrix {
  const base = index ? takeRows(X, index) : X;
  const cols = [...front.map(([, c]) => (index ? Float64Array.from(index, (i) => c[i]) : c)), ...columnsOf(base)];
  return designFromColumns(cols, [...front.map(([n]) => n), ...X.names], base.rows);
}
const constant = (n: number, v: number) => new Float64Array(n).fill(v);
const allRows = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

function regressionMetrics(y: Float64Array, pred: Float64Array) {
  let se = 0, ae = 0, m = 0;
  for (let i = 0; i < y.length; i++) m += y[i];
  m /= y.length;
  let tss = 0;
  for (let i = 0; i < y.length; i++) {
    se += (y[i] - pred[i]) ** 2;
    ae += Math.abs(y[i] - pred[i]);
    tss += (y[i] - m) ** 2;
  }
  return { rmse: finiteOrNull(Math.sqrt(se / y.length)), mae: finiteOrNull(ae / y.length), r2: finiteOrNull(1 - se / tss) };
}

function nameA(frame: AnalysisFrame): string {
  return frame.definitions.treatment.name || 'A';
}
function nameM(frame: AnalysisFrame): string {
  return frame.definitions.mediator ?? 'M';
}

// ---------------------------------------------------------------------------------------------
// propensity weights (seed 002): clip, stabilize with the treatment rate, cap at a quantile

interface WeightOptions { model: ModelSpec; clip: [number, number] | null; stabilize: boolean; capQuantile: number | null }

function weightOptions(opts: Opts, ctx: EstimatorContext): WeightOptions {
  return {
    model: modelFor(opts, 'propensity', ctx, 'logistic'),
    clip: pair(opts, 'clip', [0.02, 0.98]),
    stabilize: bool(opts, 'stabilize', true),
    capQuantile: nullableNum(opts, 'cap_quantile', 0.99),
  };
}

function fitPropensity(frame: AnalysisFrame, model: ModelSpec, ctx: EstimatorContext, env: Env): { e: Float64Array; warnings: string[] } {
  const key = `propensity:${ctx.seed}:${ctx.cellId}:${JSON.stringify(model)}`;
  const cached = env.weights(key, () => {
    const learner = makeLearner(model, learnerRng(ctx, 'propensity', JSON.stringify(model), 0));
    const fit = learner.fit(frame.X, frame.A);
    const e = fit.predict(frame.X);
    const warnings = [...(fit.warnings ?? [])];
    return { propensity: e, clipped: e, w: e, cap: null, warnings };
  });
  return { e: cached.propensity, warnings: cached.warnings };
}

function stabilizedWeights(A: Float64Array, e: Float64Array, clip: [number, number] | null, stabilize: boolean): { ec: Float64Array; w: Float64Array } {
  const n = A.length;
  const rate = mean(A);
  const ec = clip ? Float64Array.from(e, (v) => Math.min(Math.max(v, clip[0]), clip[1])) : e;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = A[i] === 1 ? (stabilize ? rate : 1) / ec[i] : (stabilize ? 1 - rate : 1) / (1 - ec[i]);
  return { ec, w };
}

function ipwWeights(frame: AnalysisFrame, wo: WeightOptions, ctx: EstimatorContext, env: Env): Weights {
  const key = `ipw:${ctx.seed}:${ctx.cellId}:${JSON.stringify(wo)}`;
  return env.weights(key, () => {
    const { e, warnings } = fitPropensity(frame, wo.model, ctx, env);
    const { ec, w } = stabilizedWeights(frame.A, e, wo.clip, wo.stabilize);
    let cap: number | null = null;
    if (wo.capQuantile !== null) {
      cap = quantile(w, wo.capQuantile);
      for (let i = 0; i < w.length; i++) if (w[i] > cap) w[i] = cap;
    }
    const bad = w.some((v) => !Number.isFinite(v));
    if (bad) throw new EstimatorFailure('propensities of exactly 0 or 1 give infinite weights; set clip (e.g. [0.02, 0.98])');
    return { propensity: e, clipped: ec, w, cap, warnings: [...warnings] };
  });
}

function weightDiagnostics(frame: AnalysisFrame, wt: Weights, env: Env): Record<string, unknown> {
  if (env.light) return {};
  const balance = balanceTable(frame, wt.w);
  return {
    overlap: overlapSummary(wt.propensity, frame.A),
    weights: weightSummary(wt.w),
    weight_cap: finiteOrNull(wt.cap ?? NaN),
    balance,
    readiness: weightReadiness(wt.propensity, wt.w, wt.cap, balance),
  };
}

/** Hajek weighted difference and its per-row influence (for the influence diagnostic). */
function hajek(A: Float64Array, Y: Float64Array, w: Float64Array) {
  let s1 = 0, w1 = 0, s0 = 0, w0 = 0;
  for (let i = 0; i < A.length; i++) {
    if (A[i] === 1) { s1 += w[i] * Y[i]; w1 += w[i]; } else { s0 += w[i] * Y[i]; w0 += w[i]; }
  }
  const mu1 = s1 / w1;
  const mu0 = s0 / w0;
  const psi = new Float64Array(A.length);
  for (let i = 0; i < A.length; i++) psi[i] = A[i] === 1 ? (w[i] * (Y[i] - mu1)) / w1 : (-w[i] * (Y[i] - mu0)) / w0;
  return { mu1, mu0, ate: mu1 - mu0, psi };
}

function slopeSE(cols: Float64Array[], names: string[], y: Float64Array, frame: AnalysisFrame, w: Float64Array | null, ridge = 0) {
  const fit = fitLinear(cols, names, y, { weights: w, ridge });
  const se = ridge > 0 ? null : clusterRobustSE(fit, cols, y, frame.cluster, w);
  return { fit, se };
}

// ---------------------------------------------------------------------------------------------
// fast replicates

function userSums(ui: UserIndex, values: Float64Array[]): Float64Array {
  const k = values.length;
  const out = new Float64Array(ui.ids.length * k);
  for (let i = 0; i < ui.rowUser.length; i++) {
    const off = ui.rowUser[i] * k;
    for (let j = 0; j < k; j++) out[off + j] += values[j][i];
  }
  return out;
}
function weightedSums(sums: Float64Array, k: number, mult: Float64Array): Float64Array {
  const out = new Float64Array(k);
  for (let u = 0; u < mult.length; u++) {
    const m = mult[u];
    if (m === 0) continue;
    for (let j = 0; j < k; j++) out[j] += m * sums[u * k + j];
  }
  return out;
}

/** Shared gram of [A, M, A·M, X…, Y] (M columns only when there is a mediator) under a weighting. */
function linearGram(frame: AnalysisFrame, env: Env, weightKey: string, w: Float64Array | null): ClusterGram {
  return env.gram(`lin:${weightKey}`, () => {
    const cols: Float64Array[] = [frame.A];
    const names = ['\u0000A'];
    if (frame.M) {
      cols.push(frame.M, Float64Array.from(frame.A, (a, i) => a * frame.M![i]));
      names.push('\u0000M', '\u0000AM');
    }
    cols.push(...columnsOf(frame.X), frame.Y);
    names.push(...frame.X.names.map((n) => `x:${n}`), '\u0000Y');
    return new ClusterGram(cols, names, env.users(), w);
  });
}

// ---------------------------------------------------------------------------------------------
// estimators

const differenceInMeans: Impl = {
  point(frame, _opts, _ctx, env) {
    const { n1, n0 } = requireArms(frame);
    let s1 = 0, s0 = 0;
    for (let i = 0; i < frame.n; i++) if (frame.A[i] === 1) s1 += frame.Y[i]; else s0 += frame.Y[i];
    const m1 = s1 / n1, m0 = s0 / n0;
    const { se } = slopeSE([frame.A], [nameA(frame)], frame.Y, frame, null);
    return {
      estimates: { ate: m1 - m0 },
      se: { ate: se ? se[0] : null },
      controlMean: m0,
      diagnostics: env.light ? {} : { treated_mean: m1, control_mean: m0, treated_rows: n1, control_rows: n0, naive_associations: naiveAssociations(frame), readiness: designReadiness(frame) },
      warnings: [],
    };
  },
  fast(frame, _opts, _ctx, env) {
    const ui = env.users();
    const A0 = Float64Array.from(frame.A, (a) => 1 - a);
    const sums = userSums(ui, [frame.A, Float64Array.from(frame.Y, (y, i) => y * frame.A[i]), A0, Float64Array.from(frame.Y, (y, i) => y * A0[i])]);
    return (_rep, mult) => {
      const s = weightedSums(sums, 4, mult);
      return { ate: s[1] / s[0] - s[3] / s[2] };
    };
  },
};

/** Regression adjustment with linear arm models: replicate from the per-arm grams (also the point estimate). */
function raLinear(frame: AnalysisFrame, opts: Opts, ctx: EstimatorContext, env: Env): Replicator | null {
  const model = modelFor(opts, 'outcome', ctx, 'linear');
  if (!isLinear(model)) return null;
  const ridge = ridgeOf(model);
  const ui = env.users();
  const cols = [...columnsOf(frame.X), frame.Y];
  const names = [...frame.X.names, '\u0000Y'];
  const g1 = env.gram('ra:1', () => new ClusterGram(cols, names, ui, null, frame.A));
  const g0 = env.gram('ra:0', () => new ClusterGram(cols, names, ui, null, Float64Array.from(frame.A, (a) => 1 - a)));
  const p = frame.X.cols;
  const regs = Array.from({ length: p }, (_, j) => j + 1);
  return (rep, mult) => {
    const S1 = env.aggregate('ra:1', g1, rep, mult);
    const S0 = env.aggregate('ra:0', g0, rep, mult);
    const r1 = g1.regress(S1, regs, p + 1, ridge);
    const r0 = g0.regress(S0, regs, p + 1, ridge);
    const total = S1[g1.at(0, 0)] + S0[g0.at(0, 0)];
    // mean over all replicate rows of μ1(x) − μ0(x), in shifted coordinates (both grams share shifts)
    let ate = r1.intercept - r0.intercept;
    let mu0 = g0.shift[p + 1] + r0.intercept;
    for (let j = 0; j < p; j++) {
      const xbar = (S1[g1.at(0, j + 1)] + S0[g0.at(0, j + 1)]) / total;
      ate += (r1.slopes[j] - r0.slopes[j]) * xbar;
      mu0 += r0.slopes[j] * xbar;
    }
    return { ate, __mu0: mu0, __rank: Math.min(r1.rank, r0.rank) };
  };
}

const ones = (k: number) => new Float64Array(k).fill(1);

const regressionAdjustment: Impl = {
  point(frame, opts, ctx, env) {
    requireArms(frame);
    const model = modelFor(opts, 'outcome', ctx, 'linear');
    const lin = raLinear(frame, opts, ctx, env);
    if (lin) {
      const r = lin(-1, ones(env.users().ids.length));
      const warnings = r.__rank! < frame.X.cols ? ['collinear covariates within a treatment arm; minimum-norm solution used'] : [];
      return { estimates: { ate: r.ate }, controlMean: r.__mu0, diagnostics: {}, warnings };
    }
    const idx1: number[] = [], idx0: number[] = [];
    for (let i = 0; i < frame.n; i++) (frame.A[i] === 1 ? idx1 : idx0).push(i);
    const warnings: string[] = [];
    const fitArm = (idx: number[], arm: number) => {
      const ix = Int32Array.from(idx);
      const fit = makeLearner(model, learnerRng(ctx, 'regression_adjustment', 'outcome', arm)).fit(takeRows(frame.X, ix), Float64Array.from(ix, (i) => frame.Y[i]));
      warnings.push(...(fit.warnings ?? []).map((w) => `${arm ? 'treated' : 'control'} arm model: ${w}`));
      return fit.predict(frame.X);
    };
    const mu1 = fitArm(idx1, 1);
    const mu0 = fitArm(idx0, 0);
    const ate = mean(mu1) - mean(mu0);
    return { estimates: { ate }, controlMean: mean(mu0), diagnostics: env.light ? {} : { mean_mu1: mean(mu1), mean_mu0: mean(mu0) }, warnings };
  },
  fast(frame, opts, ctx, env) {
    const lin = raLinear(frame, opts, ctx, env);
    return lin ? (rep, mult) => ({ ate: lin(rep, mult).ate }) : null;
  },
};

const ipw: Impl = {
  point(frame, opts, ctx, env) {
    requireArms(frame);
    const wo = weightOptions(opts, ctx);
    const normalize = bool(opts, 'normalize', true);
    const wt = ipwWeights(frame, wo, ctx, env);
    const warnings = [...wt.warnings];
    let ate: number, controlMean: number, psi: Float64Array;
    let se: Float64Array | null = null;
    if (normalize) {
      const h = hajek(frame.A, frame.Y, wt.w);
      ate = h.ate;
      controlMean = h.mu0;
      psi = h.psi;
      se = slopeSE([frame.A], [nameA(frame)], frame.Y, frame, wt.w).se;
    } else {
      // Horvitz–Thompson with the (clipped, capped, unstabilized) inverse probabilities
      const n = frame.n;
      const rate = mean(frame.A);
      let s1 = 0, s0 = 0;
      psi = new Float64Array(n);
      const scale = (a: number) => (wo.stabilize ? (a === 1 ? rate : 1 - rate) : 1);
      for (let i = 0; i < n; i++) {
        const wi = wt.w[i] / scale(frame.A[i]);
        psi[i] = frame.A[i] === 1 ? wi * frame.Y[i] : -wi * frame.Y[i];
        if (frame.A[i] === 1) s1 += psi[i]; else s0 -= psi[i];
      }
      ate = (s1 - s0) / n;
      controlMean = s0 / n;
      for (let i = 0; i < n; i++) psi[i] = (psi[i] - ate) / n;
    }
    const diagnostics = weightDiagnostics(frame, wt, env);
    if (!env.light) {
      const inf = influenceSummary(psi, frame.cluster, ctx.influenceWarnShare ?? 0.2, ate);
      diagnostics.influence = inf.summary;
      if (inf.warning) warnings.push(inf.warning);
      const caution = (diagnostics.readiness as { status: string; check: string }[]).filter((c) => c.status === 'caution');
      for (const c of caution) warnings.push(`readiness caution: ${c.check}`);
    }
    return { estimates: { ate }, se: { ate: se ? se[0] : null }, controlMean, diagnostics, warnings };
  },
  fast(frame, opts, ctx, env) {
    const wo = weightOptions(opts, ctx);
    const wt = ipwWeights(frame, wo, ctx, env);
    const ui = env.users();
    const A = frame.A, Y = frame.Y, w = wt.w;
    if (bool(opts, 'normalize', true)) {
      const sums = userSums(ui, [
        Float64Array.from(A, (a, i) => a * w[i]), Float64Array.from(A, (a, i) => a * w[i] * Y[i]),
        Float64Array.from(A, (a, i) => (1 - a) * w[i]), Float64Array.from(A, (a, i) => (1 - a) * w[i] * Y[i]),
      ]);
      return (_rep, mult) => {
        const s = weightedSums(sums, 4, mult);
        return { ate: s[1] / s[0] - s[3] / s[2] };
      };
    }
    const rate = mean(A);
    const sums = userSums(ui, [
      Float64Array.from(A, (a, i) => (a === 1 ? (w[i] / (wo.stabilize ? rate : 1)) * Y[i] : (-w[i] / (wo.stabilize ? 1 - rate : 1)) * Y[i])),
      constant(frame.n, 1),
    ]);
    return (_rep, mult) => {
      const s = weightedSums(sums, 2, mult);
      return { ate: s[0] / s[1] };
    };
  },
};

/** MSM weights per seed 003: unweighted | unclipped | { clip: k } | ipw (the ipw pipeline's weights). */
function msmWeights(frame: AnalysisFrame, opts: Opts, ctx: EstimatorContext, env: Env): { w: Float64Array | null; label: string; wt: Weights | null } {
  const spec = opts.weights ?? 'ipw';
  if (spec === 'unweighted' || spec === 'none') return { w: null, label: 'unweighted', wt: null };
  const wo = weightOptions(opts, ctx);
  if (spec === 'ipw') {
    const wt = ipwWeights(frame, wo, ctx, env);
    return { w: wt.w, label: 'ipw', wt };
  }
  const { e, warnings } = fitPropensity(frame, wo.model, ctx, env);
  const { w } = stabilizedWeights(frame.A, e, null, wo.stabilize);
  if (w.some((v) => !Number.isFinite(v))) throw new EstimatorFailure('unclipped propensities of exactly 0 or 1 give infinite weights');
  if (spec === 'unclipped') return { w, label: 'stabilized_unclipped', wt: { propensity: e, clipped: e, w, cap: null, warnings } };
  if (typeof spec === 'object' && spec !== null && typeof (spec as Opts).clip === 'number') {
    const k = (spec as Opts).clip as number;
    for (let i = 0; i < w.length; i++) if (w[i] > k) w[i] = k;
    return { w, label: `stabilized_clip_${k}`, wt: { propensity: e, clipped: e, w, cap: k, warnings } };
  }
  throw new CausewayError('ESTIMATE_BAD_OPTION', 'msm option weights must be ipw, unweighted, unclipped or { clip: k }');
}

const msm: Impl = {
  point(frame, opts, ctx, env) {
    requireArms(frame);
    const adjust = bool(opts, 'adjust', false);
    const { w, label, wt } = msmWeights(frame, opts, ctx, env);
    const cols = adjust ? [frame.A, ...columnsOf(frame.X)] : [frame.A];
    const names = adjust ? [nameA(frame), ...frame.X.names] : [nameA(frame)];
    const { fit, se } = slopeSE(cols, names, frame.Y, frame, w);
    const warnings = [...(wt?.warnings ?? []), ...fit.warnings];
    const ate = fit.coef[1];
    let controlMean: number;
    if (adjust) {
      let s = 0, sw = 0;
      for (let i = 0; i < frame.n; i++) if (frame.A[i] === 0) { s += (w ? w[i] : 1) * frame.Y[i]; sw += w ? w[i] : 1; }
      controlMean = s / sw;
    } else controlMean = fit.coef[0];
    const diagnostics: Record<string, unknown> = { weight_spec: label };
    if (!env.light) {
      if (wt) Object.assign(diagnostics, weightDiagnostics(frame, wt, env));
      else diagnostics.weights = weightSummary(constant(frame.n, 1));
      const h = hajek(frame.A, frame.Y, w ?? constant(frame.n, 1));
      if (!adjust) {
        const inf = influenceSummary(h.psi, frame.cluster, ctx.influenceWarnShare ?? 0.2, ate);
        diagnostics.influence = inf.summary;
        if (inf.warning) warnings.push(inf.warning);
      }
    }
    return { estimates: { ate }, se: { ate: se ? se[0] : null }, controlMean, diagnostics, warnings };
  },
  fast(frame, opts, ctx, env) {
    const adjust = bool(opts, 'adjust', false);
    const { w, label } = msmWeights(frame, opts, ctx, env);
    const ui = env.users();
    if (!adjust) {
      const ww = w ?? constant(frame.n, 1);
      const A = frame.A, Y = frame.Y;
      const sums = userSums(ui, [
        Float64Array.from(A, (a, i) => a * ww[i]), Float64Array.from(A, (a, i) => a * ww[i] * Y[i]),
        Float64Array.from(A, (a, i) => (1 - a) * ww[i]), Float64Array.from(A, (a, i) => (1 - a) * ww[i] * Y[i]),
      ]);
      return (_rep, mult) => {
        const s = weightedSums(sums, 4, mult);
        return { ate: s[1] / s[0] - s[3] / s[2] };
      };
    }
    const key = `msm:${label}:${JSON.stringify(opts)}`;
    const g = linearGram(frame, env, key, w);
    const regs = [g.col('\u0000A'), ...frame.X.names.map((n) => g.col(`x:${n}`))];
    const yi = g.col('\u0000Y');
    return (rep, mult) => ({ ate: g.regress(env.aggregate(key, g, rep, mult), regs, yi).slopes[0] });
  },
};

/** Out-of-fold (or in-sample) predictions of a regression on [A, X] at A = observed, 1 and 0. */
function outcomePredictions(frame: AnalysisFrame, model: ModelSpec, folds: Int32Array | null, k: number, ctx: EstimatorContext, id: string, w: Float64Array | null = null) {
  const n = frame.n;
  const mu = new Float64Array(n), mu1 = new Float64Array(n), mu0 = new Float64Array(n);
  const warnings: string[] = [];
  const An = nameA(frame);
  for (let f = 0; f < (folds ? k : 1); f++) {
    const train: number[] = [], test: number[] = [];
    for (let i = 0; i < n; i++) (folds ? (folds[i] === f ? test : train) : (train.push(i), test)).push(i);
    const tr = Int32Array.from(train), te = folds ? Int32Array.from(test) : tr;
    const fit: FittedModel = makeLearner(model, learnerRng(ctx, id, 'outcome', f)).fit(
      withFront([[An, frame.A]], frame.X, tr), Float64Array.from(tr, (i) => frame.Y[i]), w ? Float64Array.from(tr, (i) => w[i]) : undefined,
    );
    warnings.push(...(fit.warnings ?? []));
    const Xte = takeRows(frame.X, te);
    const p = fit.predict(withFront([[An, Float64Array.from(te, (i) => frame.A[i])]], Xte));
    const p1 = fit.predict(withFront([[An, constant(te.length, 1)]], Xte));
    const p0 = fit.predict(withFront([[An, constant(te.length, 0)]], Xte));
    te.forEach((i, r) => { mu[i] = p[r]; mu1[i] = p1[r]; mu0[i] = p0[r]; });
  }
  return { mu, mu1, mu0, warnings };
}

function aliasWarning(g: ClusterGram, aliased: number[]): string[] {
  if (!aliased.length) return [];
  const names = aliased.map((j) => g.names[j].replace(/^x:/, '').replace(/^\u0000/, ''));
  return [`collinear design: ${names.join(', ')} ${names.length === 1 ? 'is a linear combination' : 'are linear combinations'} of other columns or the intercept; minimum-norm solution used`];
}

/**
 * Out-of-fold predictions of a linear Y ~ A + X at A = observed, 1, 0 from the per-user gram: the
 * training gram of a fold is the total minus the fold's users (folds never split a user).
 */
function linearCrossfitPredictions(frame: AnalysisFrame, env: Env, folds: Int32Array | null, k: number, ridge: number) {
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

/** Each user's fold for the run folder (not for bootstrap replicates, whose users are resampled). */
function userFoldsOf(frame: AnalysisFrame, folds: Int32Array | null, env: Env): CrossfitFolds | undefined {
  return folds && !env.light ? foldsByUser(frame.cluster, [folds]) : undefined;
}

const gcomp: Impl = {
  point(frame, opts, ctx, env) {
    requireArms(frame);
    const model = modelFor(opts, 'outcome', ctx, 'linear');
    const k = crossfitFolds(opts);
    if (isLinear(model) && !k) {
      // Y ~ A + X without A×X terms: the averaged contrast μ(1,x) − μ(0,x) is the A coefficient
      const g = linearGram(frame, env, 'none', null);
      const regs = [g.col('\u0000A'), ...frame.X.names.map((n) => g.col(`x:${n}`))];
      const iY = g.col('\u0000Y');
      const fit = gramFit(g, regs, iY, frame.n, ridgeOf(model));
      const ate = fit.slopes[0];
      const mu = gramPredict(g, fit, regs, iY, [frame.A, ...columnsOf(frame.X)]);
      const mu0 = mean(mu) - ate * mean(frame.A);
      const diagnostics: Record<string, unknown> = env.light ? {} : { mean_mu1: mu0 + ate, mean_mu0: mu0, outcome_performance: { ...regressionMetrics(frame.Y, mu), out_of_fold: false } };
      return { estimates: { ate }, se: { ate: fit.se ? fit.se[0] : null }, controlMean: mu0, diagnostics, warnings: aliasWarning(g, fit.aliased) };
    }
    const folds = k ? groupKFold(frame.cluster, k) : null;
    const { mu, mu1, mu0, warnings } =
      isLinear(model) ? linearCrossfitPredictions(frame, env, folds, k ?? 1, ridgeOf(model)) : outcomePredictions(frame, model, folds, k ?? 1, ctx, 'gcomp');
    const ate = mean(mu1) - mean(mu0);
    const diagnostics: Record<string, unknown> = env.light ? {} : { mean_mu1: mean(mu1), mean_mu0: mean(mu0), outcome_performance: { ...regressionMetrics(frame.Y, mu), out_of_fold: Boolean(folds) } };
    return { estimates: { ate }, se: { ate: null }, controlMean: mean(mu0), diagnostics, warnings: [...new Set(warnings)], folds: userFoldsOf(frame, folds, env) };
  },
  fast(frame, opts, ctx, env) {
    const model = modelFor(opts, 'outcome', ctx, 'linear');
    if (!isLinear(model) || crossfitFolds(opts)) return null;
    const ridge = ridgeOf(model);
    const g = linearGram(frame, env, 'none', null);
    const regs = [g.col('\u0000A'), ...frame.X.names.map((n) => g.col(`x:${n}`))];
    const yi = g.col('\u0000Y');
    return (rep, mult) => ({ ate: g.regress(env.aggregate('lin:none', g, rep, mult), regs, yi, ridge).slopes[0] });
  },
};

const aipw: Impl = {
  point(frame, opts, ctx, env) {
    requireArms(frame);
    const pModel = modelFor(opts, 'propensity', ctx, 'logistic');
    const oModel = modelFor(opts, 'outcome', ctx, 'linear');
    const clip = pair(opts, 'clip', [0.02, 0.98]);
    const k = opts.crossfit === undefined ? 3 : crossfitFolds(opts);
    const folds = k ? groupKFold(frame.cluster, k) : null;
    const n = frame.n;
    const warnings: string[] = [];
    const e = new Float64Array(n);
    for (let f = 0; f < (folds ? k! : 1); f++) {
      const train: number[] = [], test: number[] = [];
      for (let i = 0; i < n; i++) {
        if (!folds) { train.push(i); test.push(i); } else (folds[i] === f ? test : train).push(i);
      }
      const tr = Int32Array.from(train), te = Int32Array.from(test);
      const At = Float64Array.from(tr, (i) => frame.A[i]);
      if (At.every((a) => a === At[0])) throw new EstimatorFailure(`cross-fitting fold ${f + 1}: the training users have only one treatment arm`);
      const fit = makeLearner(pModel, learnerRng(ctx, 'aipw', 'propensity', f)).fit(takeRows(frame.X, tr), At);
      warnings.push(...(fit.warnings ?? []));
      const p = fit.predict(takeRows(frame.X, te));
      te.forEach((i, r) => (e[i] = p[r]));
    }
    const { mu, mu1, mu0, warnings: ow } =
      isLinear(oModel) ? linearCrossfitPredictions(frame, env, folds, k ?? 1, ridgeOf(oModel)) : outcomePredictions(frame, oModel, folds, k ?? 1, ctx, 'aipw');
    warnings.push(...ow);
    const ec = clip ? Float64Array.from(e, (v) => Math.min(Math.max(v, clip[0]), clip[1])) : e;
    const psi = new Float64Array(n);
    let c0 = 0;
    for (let i = 0; i < n; i++) {
      const a = frame.A[i], y = frame.Y[i];
      psi[i] = mu1[i] - mu0[i] + (a * (y - mu1[i])) / ec[i] - ((1 - a) * (y - mu0[i])) / (1 - ec[i]);
      c0 += mu0[i] + ((1 - a) * (y - mu0[i])) / (1 - ec[i]);
    }
    if (psi.some((v) => !Number.isFinite(v))) throw new EstimatorFailure('propensities of 0 or 1 make the AIPW score infinite; set clip');
    const ate = mean(psi);
    const centered = Float64Array.from(psi, (v) => (v - ate) / n);
    const perUser = new Map<number, number>();
    for (let i = 0; i < n; i++) perUser.set(frame.cluster[i], (perUser.get(frame.cluster[i]) ?? 0) + centered[i]);
    const G = perUser.size;
    let ss = 0;
    for (const v of perUser.values()) ss += v * v;
    const se = G > 1 ? Math.sqrt((ss * G) / (G - 1)) : null;
    const diagnostics: Record<string, unknown> = {};
    if (!env.light) {
      diagnostics.overlap = overlapSummary(e, frame.A);
      diagnostics.outcome_performance = { ...regressionMetrics(frame.Y, mu), out_of_fold: Boolean(folds) };
      let ll = 0;
      for (let i = 0; i < n; i++) {
        const p = Math.min(Math.max(e[i], 1e-15), 1 - 1e-15);
        ll -= frame.A[i] * Math.log(p) + (1 - frame.A[i]) * Math.log(1 - p);
      }
      diagnostics.propensity_performance = { log_loss: finiteOrNull(ll / n), out_of_fold: Boolean(folds) };
      diagnostics.score_sd = finiteOrNull(Math.sqrt(psi.reduce((s, v) => s + (v - ate) ** 2, 0) / (n - 1)));
      const inf = influenceSummary(centered, frame.cluster, ctx.influenceWarnShare ?? 0.2, ate);
      diagnostics.influence = inf.summary;
      if (inf.warning) warnings.push(inf.warning);
    }
    return { estimates: { ate }, se: { ate: se }, controlMean: c0 / n, diagnostics, warnings: [...new Set(warnings)], psi, folds: userFoldsOf(frame, folds, env) };
  },
  // nuisances fitted once (cross-fitted); users resampled on the score ψ — the standard DML bootstrap
  fast(frame, opts, ctx, env, point) {
    if (opts.bootstrap === 'refit') return null;
    const psi = point.psi;
    if (!psi) return null;
    const ui = env.users();
    const sums = userSums(ui, [psi, constant(frame.n, 1)]);
    return (_rep, mult) => {
      const s = weightedSums(sums, 2, mult);
      return { ate: s[0] / s[1] };
    };
  },
};


interface MediationOptions {
  mModel: ModelSpec; yModel: ModelSpec; interaction: boolean; folds: number | null;
  cdeQuantiles: number[]; cdeValues: number[]; clipMediator: [number, number] | null; weights: 'none' | 'ipw';
  /** CDE mediator levels fixed from the full sample (set for bootstrap refits, so replicates target the same levels) */
  fixedLevels: Record<string, number> | null;
}

function mediationOptions(opts: Opts, ctx: EstimatorContext): MediationOptions {
  const cde = (opts.cde_at ?? { quantiles: [0.1, 0.9] }) as Opts;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : []);
  const weights = (opts.weights ?? 'none') as string;
  if (weights !== 'none' && weights !== 'ipw') throw new CausewayError('ESTIMATE_BAD_OPTION', 'mediation option weights must be none or ipw');
  return {
    mModel: modelFor(opts, 'mediator_model', ctx, 'linear'),
    yModel: modelFor(opts, 'outcome_model', ctx, 'linear'),
    interaction: bool(opts, 'interaction', true),
    folds: crossfitFolds(opts),
    cdeQuantiles: list(cde.quantiles),
    cdeValues: list(cde.values),
    clipMediator: pair(opts, 'clip_mediator', null),
    weights: weights as 'none' | 'ipw',
    fixedLevels: (opts.__cde_levels as Record<string, number> | undefined) ?? null,
  };
}

function cdeLevels(frame: AnalysisFrame, mo: MediationOptions): { key: string; m: number }[] {
  if (mo.fixedLevels) return Object.entries(mo.fixedLevels).map(([key, m]) => ({ key, m }));
  const out: { key: string; m: number }[] = [];
  for (const q of mo.cdeQuantiles) out.push({ key: `cde_q${Math.round(q * 100)}`, m: quantile(frame.M!, q) });
  for (const v of mo.cdeValues) out.push({ key: `cde_at_${v}`, m: v });
  return out;
}

function requireMediator(frame: AnalysisFrame): Float64Array {
  if (!frame.M) throw new EstimatorFailure('this estimator needs a mediator; the spec defines none');
  const M = frame.M;
  if (M.every((v) => v === M[0])) throw new EstimatorFailure(`the mediator ${nameM(frame)} is constant in the frame: mediated effects are not identified`);
  return M;
}

/** Linear mediation g-computation in closed form from the shared gram (replicates and the point estimate). */
function mediationLinear(frame: AnalysisFrame, opts: Opts, ctx: EstimatorContext, env: Env): Replicator | null {
    const mo = mediationOptions(opts, ctx);
    if (!isLinear(mo.mModel) || !isLinear(mo.yModel) || mo.folds || mo.clipMediator) return null;
    const wo = weightOptions(opts, ctx);
    const w = mo.weights === 'ipw' ? ipwWeights(frame, wo, ctx, env).w : null;
    const key = mo.weights === 'ipw' ? `ipw:${JSON.stringify(wo)}` : 'none';
    const g = linearGram(frame, env, key, w);
    const gu = w ? linearGram(frame, env, 'none', null) : g; // unweighted means for averaging over rows
    const xi = frame.X.names.map((nm) => g.col(`x:${nm}`));
    const iA = g.col('\u0000A'), iM = g.col('\u0000M'), iAM = g.col('\u0000AM'), iY = g.col('\u0000Y');
    const mRegs = [iA, ...xi];
    const yRegs = mo.interaction ? [iA, iM, iAM, ...xi] : [iA, iM, ...xi];
    const s = g.shift;
    const levels = cdeLevels(frame, mo);
    const rA = ridgeOf(mo.mModel), rY = ridgeOf(mo.yModel);
    return (rep, mult) => {
      const S = env.aggregate(`lin:${key}`, g, rep, mult);
      const U = w ? env.aggregate('lin:none', gu, rep, mult) : S;
      const total = U[gu.at(0, 0)];
      const xbar = xi.map((j) => U[gu.at(0, j)] / total);
      const mr = g.regress(S, mRegs, iM, rA);
      const yr = g.regress(S, yRegs, iY, rY);
      const gA = mr.slopes[0];
      const Em = (a: number) => {
        let v = s[iM] + mr.intercept + gA * (a - s[iA]);
        xi.forEach((_, k) => (v += mr.slopes[k + 1] * xbar[k]));
        return v;
      };
      const tA = yr.slopes[0], tM = yr.slopes[1], tAM = mo.interaction ? yr.slopes[2] : 0;
      const off = mo.interaction ? 3 : 2;
      let xPart = 0;
      xi.forEach((_, k) => (xPart += yr.slopes[k + off] * xbar[k]));
      const Ey = (a: number, m: number) => s[iY] + yr.intercept + tA * (a - s[iA]) + tM * (m - s[iM]) + tAM * (a * m - s[iAM]) + xPart;
      const em0 = Em(0), em1 = Em(1);
      const out: Estimates = {
        te: Ey(1, em1) - Ey(0, em0), nde: Ey(1, em0) - Ey(0, em0), nie: Ey(1, em1) - Ey(1, em0),
      };
      for (const l of levels) out[l.key] = tA + tAM * l.m;
      out.reverse_indirect = Ey(0, em1) - Ey(0, em0);
      out.mediator_shift = em1 - em0;
      out.__reference = Ey(0, em0);
      return out;
    };
}

function mediationLinearPoint(frame: AnalysisFrame, opts: Opts, ctx: EstimatorContext, env: Env, mo: MediationOptions, lin: Replicator): PointResult {
  const r = lin(-1, ones(env.users().ids.length));
  const reference = r.__reference as number;
  const estimates: Estimates = {};
  for (const [k, v] of Object.entries(r)) if (!k.startsWith('__')) estimates[k] = v;
  const levels = cdeLevels(frame, mo);
  const diagnostics: Record<string, unknown> = {
    reference_mean: reference,
    cde_levels: Object.fromEntries(levels.map((l) => [l.key, l.m])),
    crossfit_folds: null,
    weights: mo.weights,
  };
  const wo = weightOptions(opts, ctx);
  const key = mo.weights === 'ipw' ? `ipw:${JSON.stringify(wo)}` : 'none';
  const g = linearGram(frame, env, key, mo.weights === 'ipw' ? ipwWeights(frame, wo, ctx, env).w : null);
  const xi = frame.X.names.map((nm) => g.col(`x:${nm}`));
  const iA = g.col('\u0000A'), iM = g.col('\u0000M'), iAM = g.col('\u0000AM'), iY = g.col('\u0000Y');
  const mRegs = [iA, ...xi];
  const yRegs = mo.interaction ? [iA, iM, iAM, ...xi] : [iA, iM, ...xi];
  const mFit = gramFit(g, mRegs, iM, frame.n, ridgeOf(mo.mModel));
  const yFit = gramFit(g, yRegs, iY, frame.n, ridgeOf(mo.yModel));
  const warnings = [
    ...aliasWarning(g, mFit.aliased).map((w) => `mediator model: ${w}`),
    ...aliasWarning(g, yFit.aliased).map((w) => `outcome model: ${w}`),
  ];
  if (!env.light) {
    const X = columnsOf(frame.X);
    const M = frame.M!;
    const AM = Float64Array.from(frame.A, (a, i) => a * M[i]);
    const mhat = gramPredict(g, mFit, mRegs, iM, [frame.A, ...X]);
    const yhat = gramPredict(g, yFit, yRegs, iY, mo.interaction ? [frame.A, M, AM, ...X] : [frame.A, M, ...X]);
    diagnostics.mediator_performance = regressionMetrics(M, mhat);
    diagnostics.outcome_performance = regressionMetrics(frame.Y, yhat);
    const gu = linearGram(frame, env, 'none', null);
    const xu = frame.X.names.map((nm) => gu.col(`x:${nm}`));
    const rm = gramFit(gu, xu, gu.col('\u0000M'), frame.n);
    const ry = gramFit(gu, xu, gu.col('\u0000Y'), frame.n);
    diagnostics.residual_mediator_outcome = residualMediatorOutcome(frame, {
      m: gramPredict(gu, rm, xu, gu.col('\u0000M'), X, frame.n),
      y: gramPredict(gu, ry, xu, gu.col('\u0000Y'), X, frame.n),
    });
    diagnostics.readiness = designReadiness(frame);
  }
  return { estimates, controlMean: reference, diagnostics, warnings };
}

const mediation: Impl = {
  point(frame, opts, ctx, env) {
    requireArms(frame);
    const M = requireMediator(frame);
    const mo = mediationOptions(opts, ctx);
    const lin = mediationLinear(frame, opts, ctx, env);
    if (lin) return mediationLinearPoint(frame, opts, ctx, env, mo, lin);
    const w = mo.weights === 'ipw' ? ipwWeights(frame, weightOptions(opts, ctx), ctx, env).w : null;
    const n = frame.n;
    const folds = mo.folds ? groupKFold(frame.cluster, mo.folds) : null;
    const An = nameA(frame), Mn = nameM(frame), AMn = `${An}_x_${Mn}`;
    const levels = cdeLevels(frame, mo);
    const m0 = new Float64Array(n), m1 = new Float64Array(n), mhat = new Float64Array(n), yhat = new Float64Array(n);
    const y00 = new Float64Array(n), y10 = new Float64Array(n), y11 = new Float64Array(n), y01 = new Float64Array(n);
    const cde = levels.map(() => new Float64Array(n));
    const warnings: string[] = [];
    const clipM = (v: Float64Array) => (mo.clipMediator ? v.map((x) => Math.min(Math.max(x, mo.clipMediator![0]), mo.clipMediator![1])) : v);
    const outDesign = (a: Float64Array, m: Float64Array, X: DesignMatrix) =>
      withFront(mo.interaction ? [[An, a], [Mn, m], [AMn, Float64Array.from(a, (v, i) => v * m[i])]] : [[An, a], [Mn, m]], X);
    for (let f = 0; f < (folds ? mo.folds! : 1); f++) {
      const train: number[] = [], test: number[] = [];
      for (let i = 0; i < n; i++) {
        if (!folds) { train.push(i); test.push(i); } else (folds[i] === f ? test : train).push(i);
      }
      const tr = Int32Array.from(train), te = Int32Array.from(test);
      const Xtr = takeRows(frame.X, tr), Xte = folds ? takeRows(frame.X, te) : Xtr;
      const pick = (v: Float64Array, ix: Int32Array) => Float64Array.from(ix, (i) => v[i]);
      const wtr = w ? pick(w, tr) : undefined;
      const mFit = makeLearner(mo.mModel, learnerRng(ctx, 'mediation', 'mediator', f)).fit(withFront([[An, pick(frame.A, tr)]], Xtr), pick(M, tr), wtr);
      const yFit = makeLearner(mo.yModel, learnerRng(ctx, 'mediation', 'outcome', f)).fit(outDesign(pick(frame.A, tr), pick(M, tr), Xtr), pick(frame.Y, tr), wtr);
      warnings.push(...(mFit.warnings ?? []).map((s) => `mediator model: ${s}`), ...(yFit.warnings ?? []).map((s) => `outcome model: ${s}`));
      const k = te.length;
      const zeros = constant(k, 0), ones = constant(k, 1);
      const aObs = pick(frame.A, te), mObs = pick(M, te);
      const pm = clipM(mFit.predict(withFront([[An, aObs]], Xte)));
      const p0 = clipM(mFit.predict(withFront([[An, zeros]], Xte)));
      const p1 = clipM(mFit.predict(withFront([[An, ones]], Xte)));
      const py = yFit.predict(outDesign(aObs, mObs, Xte));
      const q00 = yFit.predict(outDesign(zeros, p0, Xte));
      const q10 = yFit.predict(outDesign(ones, p0, Xte));
      const q11 = yFit.predict(outDesign(ones, p1, Xte));
      const q01 = yFit.predict(outDesign(zeros, p1, Xte));
      const qc = levels.map((l) => {
        const ml = constant(k, l.m);
        const a1 = yFit.predict(outDesign(ones, ml, Xte));
        const a0 = yFit.predict(outDesign(zeros, ml, Xte));
        return a1.map((v, i) => v - a0[i]);
      });
      te.forEach((i, r) => {
        mhat[i] = pm[r]; m0[i] = p0[r]; m1[i] = p1[r]; yhat[i] = py[r];
        y00[i] = q00[r]; y10[i] = q10[r]; y11[i] = q11[r]; y01[i] = q01[r];
        qc.forEach((c, l) => (cde[l][i] = c[r]));
      });
    }
    const md = (a: Float64Array, b: Float64Array) => mean(a) - mean(b);
    const estimates: Estimates = {
      te: md(y11, y00), nde: md(y10, y00), nie: md(y11, y10),
    };
    levels.forEach((l, k) => (estimates[l.key] = mean(cde[k])));
    estimates.reverse_indirect = md(y01, y00);
    estimates.mediator_shift = md(m1, m0);
    const reference = mean(y00);
    const diagnostics: Record<string, unknown> = {
      reference_mean: reference,
      cde_levels: Object.fromEntries(levels.map((l) => [l.key, l.m])),
      crossfit_folds: mo.folds,
      weights: mo.weights,
    };
    if (!env.light) {
      diagnostics.mediator_performance = regressionMetrics(M, mhat);
      diagnostics.outcome_performance = regressionMetrics(frame.Y, yhat);
      diagnostics.residual_mediator_outcome = residualMediatorOutcome(frame);
      diagnostics.readiness = designReadiness(frame);
    }
    return { estimates, controlMean: reference, diagnostics, warnings: [...new Set(warnings)], folds: userFoldsOf(frame, folds, env) };
  },
  fast(frame, opts, ctx, env) {
    return mediationLinear(frame, opts, ctx, env);
  },
};

const semPath: Impl = {
  point(frame, opts, ctx, env) {
    const { n0 } = requireArms(frame);
    const M = requireMediator(frame);
    const weights = (opts.weights ?? 'ipw') as string;
    if (weights !== 'none' && weights !== 'ipw') throw new CausewayError('ESTIMATE_BAD_OPTION', 'sem_path option weights must be none or ipw');
    const wo = weightOptions(opts, ctx);
    const wt = weights === 'ipw' ? ipwWeights(frame, wo, ctx, env) : null;
    const w = wt?.w ?? null;
    const key = weights === 'ipw' ? `ipw:${JSON.stringify(wo)}` : 'none';
    const g = linearGram(frame, env, key, w);
    const xi = frame.X.names.map((nm) => g.col(`x:${nm}`));
    const iA = g.col('\u0000A'), iM = g.col('\u0000M'), iY = g.col('\u0000Y');
    const mRegs = [iA, ...xi], yRegs = [iA, iM, ...xi];
    const mFit = gramFit(g, mRegs, iM, frame.n);
    const yFit = gramFit(g, yRegs, iY, frame.n);
    const tFit = gramFit(g, mRegs, iY, frame.n);
    const alpha = mFit.slopes[0], cPrime = yFit.slopes[0], beta = yFit.slopes[1];
    let c0 = 0;
    for (let i = 0; i < frame.n; i++) if (frame.A[i] === 0) c0 += frame.Y[i];
    const diagnostics: Record<string, unknown> = { weights };
    if (!env.light) {
      const X = columnsOf(frame.X);
      const r2 = (pred: Float64Array, y: Float64Array) => {
        let ss = 0, tss = 0, sw = 0, ym = 0;
        for (let i = 0; i < y.length; i++) { const wi = w ? w[i] : 1; sw += wi; ym += wi * y[i]; }
        ym /= sw;
        for (let i = 0; i < y.length; i++) {
          const wi = w ? w[i] : 1;
          ss += wi * (y[i] - pred[i]) ** 2;
          tss += wi * (y[i] - ym) ** 2;
        }
        return finiteOrNull(1 - ss / tss);
      };
      diagnostics.mediator_model_r2 = r2(gramPredict(g, mFit, mRegs, iM, [frame.A, ...X]), M);
      diagnostics.outcome_model_r2 = r2(gramPredict(g, yFit, yRegs, iY, [frame.A, M, ...X]), frame.Y);
      diagnostics.total_model_r2 = r2(gramPredict(g, tFit, mRegs, iY, [frame.A, ...X]), frame.Y);
    }
    return {
      estimates: { alpha, beta, c_prime: cPrime, indirect: alpha * beta, total: cPrime + alpha * beta, total_regression: tFit.slopes[0] },
      se: {
        alpha: mFit.se ? mFit.se[0] : null, beta: yFit.se ? yFit.se[1] : null, c_prime: yFit.se ? yFit.se[0] : null,
        total_regression: tFit.se ? tFit.se[0] : null,
      },
      controlMean: c0 / n0,
      diagnostics,
      warnings: [
        ...(wt?.warnings ?? []),
        ...aliasWarning(g, mFit.aliased).map((s) => `mediator model: ${s}`),
        ...aliasWarning(g, yFit.aliased).map((s) => `outcome model: ${s}`),
      ],
    };
  },
  fast(frame, opts, ctx, env) {
    const weights = (opts.weights ?? 'ipw') as string;
    const wo = weightOptions(opts, ctx);
    const w = weights === 'ipw' ? ipwWeights(frame, wo, ctx, env).w : null;
    const key = weights === 'ipw' ? `ipw:${JSON.stringify(wo)}` : 'none';
    const g = linearGram(frame, env, key, w);
    const xi = frame.X.names.map((nm) => g.col(`x:${nm}`));
    const iA = g.col('\u0000A'), iM = g.col('\u0000M'), iY = g.col('\u0000Y');
    return (rep, mult) => {
      const S = env.aggregate(`lin:${key}`, g, rep, mult);
      const alpha = g.regress(S, [iA, ...xi], iM).slopes[0];
      const yr = g.regress(S, [iA, iM, ...xi], iY);
      const cPrime = yr.slopes[0], beta = yr.slopes[1];
      const total = g.regress(S, [iA, ...xi], iY).slopes[0];
      return { alpha, beta, c_prime: cPrime, indirect: alpha * beta, total: cPrime + alpha * beta, total_regression: total };
    };
  },
};

export const ESTIMATORS: Record<string, Impl> = {
  difference_in_means: differenceInMeans,
  regression_adjustment: regressionAdjustment,
  ipw,
  msm,
  gcomp,
  aipw,
  mediation,
  sem_path: semPath,
};

/** Estimator kinds (their option shapes are in src/estimate/options-schema.json). */
export function estimatorKinds(): string[] {
  return Object.keys(ESTIMATORS).sort();
}

/** Register another estimator kind (e.g. debiased ML mediation from src/estimate/gbm/). */
export function registerEstimator(kind: string, impl: Impl): void {
  ESTIMATORS[kind] = impl;
}
export type { Impl as EstimatorImpl, PointResult, Replicator };

/**
 * Cluster-robust standard errors by the infinitesimal jackknife: d_u = ∂θ/∂(weight of user u) at the
 * full sample (central difference through the same replicate function the bootstrap uses), and
 * SE² = G/(G−1) · Σ_u d_u². For linear fits this is the CR1 sandwich without the (N−1)/(N−K) factor.
 */
function ijStandardErrors(env: Env, rep: Replicator, keys: string[]): Estimates {
  const G = env.users().ids.length;
  const out: Estimates = {};
  if (G < 2) {
    for (const k of keys) out[k] = null;
    return out;
  }
  const h = 1e-4;
  const acc = new Float64Array(keys.length);
  const mult = new Float64Array(G).fill(1);
  try {
    for (let u = 0; u < G; u++) {
      env.ij = { user: u, h };
      mult[u] = 1 + h;
      const plus = rep(-2, mult);
      env.ij = { user: u, h: -h };
      mult[u] = 1 - h;
      const minus = rep(-2, mult);
      mult[u] = 1;
      keys.forEach((k, j) => {
        const d = ((plus[k] as number) - (minus[k] as number)) / (2 * h);
        acc[j] += d * d;
      });
    }
  } finally {
    env.ij = null;
    for (const g of env.ijGrams) g.clearIj();
    env.ijGrams.clear();
  }
  keys.forEach((k, j) => (out[k] = finiteOrNull(Math.sqrt((acc[j] * G) / (G - 1)))));
  return out;
}

function toValue(x: number | null | undefined): number | null {
  return finiteOrNull(x ?? NaN);
}

/**
 * Run one estimator on a frame: point estimate, analytic SEs where available, and (when
 * ctx.bootstrap.reps > 0) the user-cluster bootstrap — from per-user sufficient statistics for linear
 * estimators, by refitting on resampled users otherwise (or with `bootstrap: refit`).
 */
export function runEstimator(spec: EstimatorSpec, frame: AnalysisFrame, ctx: EstimatorContext): EstimatorResult {
  const impl = ESTIMATORS[spec.kind];
  if (!impl)
    throw new CausewayError('ESTIMATE_UNKNOWN_KIND', `unknown estimator kind "${spec.kind}" (known: ${estimatorKinds().join(', ')})`);
  const opts: Opts = { ...spec };
  delete opts.id;
  delete opts.kind;
  const env = envFor(frame);
  const base: EstimatorResult = { id: spec.id, kind: spec.kind, status: 'ok', estimates: {}, diagnostics: {}, warnings: [] };
  let point: PointResult;
  try {
    point = impl.point(frame, opts, ctx, env);
  } catch (e) {
    if (e instanceof EstimatorFailure) return { ...base, status: 'failed', reason: e.message, warnings: [...frame.warnings] };
    if (e instanceof CausewayError) throw e;
    // a defect must not take the whole run down: the cell reports it
    return { ...base, status: 'failed', reason: `internal error in ${spec.kind}: ${e instanceof Error ? e.message : String(e)}`, warnings: [...frame.warnings] };
  }
  // analytic SEs where the estimator has none: infinitesimal jackknife through its fast replicate
  const missingSe = Object.keys(point.estimates).filter((k) => !point.se || point.se[k] === undefined || point.se[k] === null);
  let seMethod: Record<string, string> = Object.fromEntries(Object.keys(point.se ?? {}).filter((k) => point.se![k] !== null).map((k) => [k, 'CR1']));
  if (missingSe.length && opts.bootstrap !== 'refit') {
    const fastSe = impl.fast?.(frame, opts, ctx, env, point) ?? null;
    if (fastSe) {
      const ij = ijStandardErrors(env, fastSe, missingSe);
      point.se = { ...(point.se ?? {}), ...ij };
      seMethod = { ...seMethod, ...Object.fromEntries(missingSe.map((k) => [k, 'infinitesimal_jackknife'])) };
    }
  }
  const estimates: Record<string, EstimateValue> = {};
  const cm = point.controlMean;
  for (const [k, v] of Object.entries(point.estimates)) {
    const value: EstimateValue = { estimate: toValue(v) };
    if (point.se && k in point.se) value.se = toValue(point.se[k]);
    value.relative = v !== null && cm !== null && cm !== 0 && !['mediator_shift', 'alpha', 'beta'].includes(k) ? toValue(v / cm) : null;
    estimates[k] = value;
  }
  const warnings = [...point.warnings];
  const diagnostics: Record<string, unknown> = { ...point.diagnostics, control_mean: toValue(cm), rows: frame.n, se_method: seMethod };
  const reps = ctx.bootstrap?.reps ?? 0;
  if (reps > 0) {
    const level = ctx.bootstrap?.level ?? 0.95;
    const ui = env.users();
    const G = ui.ids.length;
    const keys = Object.keys(point.estimates);
    const values = keys.map(() => new Float64Array(reps).fill(NaN));
    env.setDraws(ctx.seed, ctx.cellId);
    const fast = opts.bootstrap === 'refit' ? null : impl.fast?.(frame, opts, ctx, env, point) ?? null;
    let failures = 0;
    for (let r = 0; r < reps; r++) {
      const draws = drawUsers(G, ctx.seed, ctx.cellId, r);
      let rep: Estimates | null = null;
      if (fast) rep = fast(r, multiplicities(draws, G));
      else {
        const { index, cluster } = replicateRows(ui, draws);
        const sub = subsetFrame(frame, index, cluster);
        const subEnv = new Env(sub, true);
        envs.set(sub, subEnv);
        // mediator levels of the CDEs stay those of the full sample, as in the fast replicates
        const levels = (point.diagnostics as { cde_levels?: Record<string, number> }).cde_levels;
        const repOpts = levels ? { ...opts, __cde_levels: levels } : opts;
        try {
          rep = impl.point(sub, repOpts, ctx, subEnv).estimates;
        } catch (e) {
          if (!(e instanceof EstimatorFailure)) throw e;
          rep = null;
        }
      }
      if (!rep) failures++;
      keys.forEach((k, j) => (values[j][r] = rep && rep[k] !== null && rep[k] !== undefined ? (rep[k] as number) : NaN));
    }
    keys.forEach((k, j) => {
      const s = summarizeReplicates(values[j], level);
      Object.assign(estimates[k], { ci: s.ci, bootMean: s.bootMean, bootSd: s.bootSd });
    });
    if (failures) warnings.push(`${failures} of ${reps} bootstrap replicates could not be estimated and were left out`);
    const fittedNuisance =
      ['ipw', 'msm', 'aipw'].includes(spec.kind) || (spec.kind === 'sem_path' && opts.weights !== 'none') || (spec.kind === 'mediation' && opts.weights === 'ipw');
    diagnostics.bootstrap = {
      reps, level, method: 'percentile', cluster: 'user', assembly: fast ? 'sufficient_statistics' : 'refit', failed: failures,
      // fast replicates keep propensity weights / cross-fitted nuisances from the full sample (as seed 004 does)
      nuisance: fast && fittedNuisance ? 'held_fixed' : 'refit_per_replicate',
    };
  }
  return { ...base, estimates, diagnostics, warnings: [...new Set([...frame.warnings, ...warnings])], ...(point.folds ? { folds: point.folds } : {}) };
}
