/**
 * Per-frame environment: caches shared by the estimators of one cell (user index, propensity weights,
 * per-user grams and their replicate aggregates), so eight estimators on one frame fit each nuisance
 * and sum each gram once. Bootstrap refits get a light environment (no diagnostics) per replicate frame.
 */
import { ClusterGram, userIndex, type UserIndex } from './bootstrap.js';
import type { AnalysisFrame } from './types.js';

/** Propensity weights of one weighting scheme (src/estimate/weights.ts). */
export interface Weights {
  propensity: Float64Array;
  clipped: Float64Array;
  w: Float64Array;
  cap: number | null;
  warnings: string[];
  /** rows whose propensity piles up at the clip bounds (src/estimate/diagnostics.ts clipPileup); full-sample fits only */
  pileup?: { share: number; rows: number; low: number; high: number };
  /** how the weights were made when not from a propensity alone (entropy balancing: its moments and solve) */
  method?: Record<string, unknown>;
}

export class Env {
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
  /** When set, every weighting scheme asked for is appended here (recordWeights). */
  weightsAsked: Array<{ key: string; weights: Weights }> | null = null;
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
    this.weightsAsked?.push({ key, weights: w });
    return w;
  }
  /** Drops the cached grams (a later fit on this frame sums its gram again, to the same bits). */
  releaseGrams(): void {
    this.gramCache.clear();
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
/** The environment of a frame, made on first use and kept while the frame lives. */
export function envFor(frame: AnalysisFrame): Env {
  let e = envs.get(frame);
  if (!e) {
    e = new Env(frame, false);
    envs.set(frame, e);
  }
  return e;
}

/**
 * The weighting schemes `run` asked for on `frame` (keys `propensity:…` for a propensity fit, `ipw:…` for
 * propensity weights; src/estimate/weights.ts), in order, with what `run` returned: which propensity and
 * weights an estimator used (`causeway frame` writes them, src/run/frame-export.ts).
 */
export function recordWeights<T>(frame: AnalysisFrame, run: () => T): { result: T; asked: Array<{ key: string; weights: Weights }> } {
  const env = envFor(frame);
  const asked: Array<{ key: string; weights: Weights }> = [];
  const previous = env.weightsAsked;
  env.weightsAsked = asked;
  try {
    return { result: run(), asked };
  } finally {
    env.weightsAsked = previous;
  }
}

/** A light environment (no diagnostics) for a bootstrap replicate frame. */
export function replicateEnv(frame: AnalysisFrame): Env {
  const e = new Env(frame, true);
  envs.set(frame, e);
  return e;
}
