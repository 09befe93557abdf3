/**
 * Repeated cross-fitting (docs/calibration.md, "Repeated cross-fitting"): the random user split of each
 * repeat, the score bootstrap across splits and the median that combines them; used by the cross-fitted
 * mediation (./mediation.ts).
 */
import { CausewayError } from '../../errors.js';
import { Rng } from '../../rng.js';
import { finiteOrNull } from '../linalg.js';
import { bootstrapMultiplicities, usersOf, type Fold } from './common.js';

/**
 * A random user split for repeat s ≥ 1 of repeated cross-fitting: users (ascending id) shuffled by
 * Rng(seed, cellId, 'crossfit-repeat', s), then dealt to the folds in turn (equal user counts).
 */
export function randomUserFolds(cluster: Int32Array, folds: number, seed: number, cellId: string, s: number): Fold[] {
  const ids = Int32Array.from(new Set(cluster)).sort();
  if (folds > ids.length) throw new CausewayError('ESTIMATE_TOO_FEW_GROUPS', `cannot cross-fit with ${folds} folds: only ${ids.length} users`);
  const rng = new Rng(seed, cellId, 'crossfit-repeat', s);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = ids[i];
    ids[i] = ids[j];
    ids[j] = t;
  }
  const foldOf = new Map<number, number>();
  ids.forEach((id, k) => foldOf.set(id, k % folds));
  const out: Fold[] = [];
  for (let k = 0; k < folds; k++) {
    const train: number[] = [];
    const test: number[] = [];
    const users = new Set<number>();
    for (let i = 0; i < cluster.length; i++) {
      if (foldOf.get(cluster[i]) === k) {
        test.push(i);
        users.add(cluster[i]);
      } else train.push(i);
    }
    out.push({ train: Int32Array.from(train), test: Int32Array.from(test), testUsers: users.size });
  }
  return out;
}

/**
 * Score bootstrap across the splits of repeated cross-fitting: replicate r resamples users
 * (bootstrapMultiplicities, as the single-split bootstrap) and reads the scores of split r mod S, so
 * the replicates' spread holds both the sampling variance and the split-to-split variance (the
 * bootstrap counterpart of median(σ²_s + (θ_s − θ̃)²)). Percentile CIs, linear quantiles.
 */
export function splitMixtureBootstrap(splits: { psi11: Float64Array; psi10: Float64Array; psi00: Float64Array }[], cluster: Int32Array,
  reps: number, level: number, seed: number, cellId: string, denominator: Float64Array | null = null): Record<string, { ci: [number, number] | null; bootMean: number | null; bootSd: number | null }> {
  const users = usersOf(cluster);
  const G = users.ids.length;
  const count = new Float64Array(G);
  // the rows each score sum is divided by: all (ate) or the target arm's (att/atc, src/estimate/ml/mediation.ts)
  for (let i = 0; i < cluster.length; i++) count[users.ofRow[i]] += denominator ? denominator[i] : 1;
  const sums = splits.map((sp) => [sp.psi11, sp.psi10, sp.psi00].map((psi) => {
    const out = new Float64Array(G);
    for (let i = 0; i < psi.length; i++) out[users.ofRow[i]] += psi[i];
    return out;
  }));
  const names = ['te_debiased', 'nde_debiased', 'nie_debiased'];
  const reps3 = names.map(() => [] as number[]);
  for (let r = 0; r < reps; r++) {
    const m = bootstrapMultiplicities(G, seed, cellId, r);
    const [s11, s10, s00] = sums[r % splits.length];
    let nn = 0;
    let a11 = 0;
    let a10 = 0;
    let a00 = 0;
    for (let u = 0; u < G; u++) {
      nn += m[u] * count[u];
      a11 += m[u] * s11[u];
      a10 += m[u] * s10[u];
      a00 += m[u] * s00[u];
    }
    if (!(nn > 0)) continue;
    reps3[0].push((a11 - a00) / nn);
    reps3[1].push((a10 - a00) / nn);
    reps3[2].push((a11 - a10) / nn);
  }
  const alpha = (1 - level) / 2;
  const quantile = (v: number[], q: number) => {
    const h = (v.length - 1) * q;
    const lo = Math.floor(h);
    return v[lo] + (h - lo) * ((v[Math.min(lo + 1, v.length - 1)]) - v[lo]);
  };
  return Object.fromEntries(names.map((name, k) => {
    const v = reps3[k].filter(Number.isFinite).sort((x, y) => x - y);
    if (v.length < 2) return [name, { ci: null, bootMean: v[0] ?? null, bootSd: null }];
    const mu = v.reduce((a, x) => a + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, x) => a + (x - mu) ** 2, 0) / (v.length - 1));
    return [name, { ci: [quantile(v, alpha), quantile(v, 1 - alpha)] as [number, number], bootMean: finiteOrNull(mu), bootSd: finiteOrNull(sd) }];
  }));
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: number[]): number {
  const v = [...values].sort((x, y) => x - y);
  const h = v.length >> 1;
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}
