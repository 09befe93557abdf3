/**
 * Cross-fitted average-effect estimators with any learner: g-computation (plug-in) and AIPW
 * (doubly robust, with influence-function standard errors clustered by user). Folds are whole
 * users (GroupKFold), so no row is predicted by a model that saw that user's other days.
 * The outcome model is one regression on [A, X] (an S-learner, as docs/seeds.md §003/§004).
 */
import { CausewayError } from '../../errors.js';
import { clipPileupWarning, clipPileup } from '../diagnostics.js';
import { finiteOrNull, mapRows, quantileSorted } from '../linalg.js';
import type { EstimateValue, EstimatorResult, Learner } from '../types.js';
import {
  checkFoldArms, classificationMetrics, clipProbabilities, clusteredMean, constant, lazyRows, normalCi, predictArms, regressionMetrics, scatter,
  scoreBootstrap, splitFoldsByUser, take, userFolds, usersOf, type CrossfitData,
} from './common.js';
import { averageEffectScores, clusteredRatio } from '../kinds/aipw_scores.js';

export interface BootstrapRequest {
  reps: number;
  level: number;
  seed: number;
  cellId: string;
}

interface GcompOptions {
  id?: string;
  outcome: Learner;
  folds?: number;
  /** Sample weights for the outcome fits (e.g. stabilized IPW weights, as docs/seeds.md §004). */
  weights?: Float64Array | null;
  /** rows the g-computation averages over: all (ate, the default), the treated (att) or the controls (atc) */
  estimand?: 'ate' | 'att' | 'atc';
  /** One outcome model per arm on X (T-learner) instead of one model on [A, X]. */
  perArm?: boolean;
}

interface GcompRows {
  mu0: Float64Array;
  mu1: Float64Array;
  yHat: Float64Array;
}

interface AipwOptions extends GcompOptions {
  propensity: Learner;
  /** Propensities are clipped to [clip, 1 − clip] in the weights (default 0.01). */
  clip?: number;
  /** Score bootstrap (user clusters, nuisances held fixed) for percentile CIs. */
  bootstrap?: BootstrapRequest | null;
  level?: number;
}

export interface AipwRows extends GcompRows {
  propensity: Float64Array;
  /** AIPW pseudo-outcome (per-row doubly robust effect score). */
  psi: Float64Array;
  /** AIPW scores of E[Y(1)] and E[Y(0)]. */
  psi1: Float64Array;
  psi0: Float64Array;
}

export function checkBinaryTreatment(data: CrossfitData, needBothArms = true): { treated: number } {
  let treated = 0;
  for (let i = 0; i < data.n; i++) {
    const a = data.A[i];
    if (a !== 0 && a !== 1) throw new CausewayError('ESTIMATE_BAD_TREATMENT', `treatment must be 0/1; row ${i} has ${a}`);
    treated += a;
  }
  if (needBothArms && (treated === 0 || treated === data.n)) {
    throw new CausewayError('ESTIMATE_ONE_ARM', `all ${data.n} rows are ${treated === 0 ? 'untreated' : 'treated'}: no contrast to estimate`);
  }
  for (let i = 0; i < data.n; i++) {
    if (!Number.isFinite(data.Y[i])) throw new CausewayError('ESTIMATE_BAD_OUTCOME', `outcome is missing or not finite at row ${i}`);
  }
  return { treated };
}

function foldSummary(folds: ReturnType<typeof userFolds>) {
  return folds.map((f, k) => ({ fold: k + 1, train_rows: f.train.length, test_rows: f.test.length, test_users: f.testUsers }));
}

/** Out-of-fold μ(1, X), μ(0, X) and μ(A, X) from an outcome regression on [A, X]. */
function crossfitOutcome(data: CrossfitData, outcome: Learner, folds: ReturnType<typeof userFolds>,
  weights: Float64Array | null, perArm = false): GcompRows {
  const n = data.n;
  const mu0 = new Float64Array(n);
  const mu1 = new Float64Array(n);
  const yHat = new Float64Array(n);
  if (perArm) {
    for (const fold of folds) {
      const D = lazyRows(data.X, fold.test, []);
      for (const arm of [1, 0]) {
        const train = fold.train.filter((i) => data.A[i] === arm);
        const model = outcome.fit(lazyRows(data.X, train, []), take(data.Y, train), weights ? take(weights, train) : undefined);
        scatter(arm === 1 ? mu1 : mu0, fold.test, model.predict(D));
      }
    }
    for (let i = 0; i < n; i++) yHat[i] = data.A[i] === 1 ? mu1[i] : mu0[i];
    return { mu0, mu1, yHat };
  }
  for (const fold of folds) {
    const model = outcome.fit(lazyRows(data.X, fold.train, [{ name: 'A', values: data.A }]), take(data.Y, fold.train),
      weights ? take(weights, fold.train) : undefined);
    const D = lazyRows(data.X, fold.test, [{ name: 'A', values: data.A }]);
    const k = fold.test.length;
    const [mu1V, mu0V] = predictArms(model, D, [[constant(k, 1)], [constant(k, 0)]]);
    scatter(mu1, fold.test, mu1V);
    scatter(mu0, fold.test, mu0V);
  }
  // A is 0/1 (checkBinaryTreatment) and learners predict row by row: μ(A, X) is μ(1, X) or μ(0, X) of the same row.
  for (let i = 0; i < n; i++) yHat[i] = data.A[i] === 1 ? mu1[i] : mu0[i];
  return { mu0, mu1, yHat };
}

/** Out-of-fold P(A = 1 | X). */
function crossfitPropensity(data: CrossfitData, propensity: Learner, folds: ReturnType<typeof userFolds>): Float64Array {
  const e = new Float64Array(data.n);
  for (const fold of folds) {
    const model = propensity.fit(lazyRows(data.X, fold.train, []), take(data.A, fold.train));
    scatter(e, fold.test, model.predict(lazyRows(data.X, fold.test, [])));
  }
  return e;
}

export function mean(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

/** Cross-fitted g-computation: ATE = mean(μ̂(1, X) − μ̂(0, X)). A plug-in estimate: no analytic SE. */
export function gcompCrossfit(data: CrossfitData, options: GcompOptions): { result: EstimatorResult; rows: GcompRows } {
  const id = options.id ?? 'gcomp_crossfit';
  checkBinaryTreatment(data);
  const folds = userFolds(data.cluster, options.folds ?? 3);
  checkFoldArms(data.A, folds);
  const rows = crossfitOutcome(data, options.outcome, folds, options.weights ?? null);
  const estimand = options.estimand ?? 'ate';
  // the estimand's rows: all, the treated (ATT) or the controls (ATC)
  const inPopulation = (i: number) => estimand === 'ate' || (data.A[i] === 1) === (estimand === 'att');
  let s1 = 0, s0 = 0, sEffect = 0, count = 0;
  for (let i = 0; i < data.n; i++) if (inPopulation(i)) { s1 += rows.mu1[i]; s0 += rows.mu0[i]; sEffect += rows.mu1[i] - rows.mu0[i]; count++; }
  const ate = sEffect / count;
  const y0 = s0 / count;
  return {
    rows,
    result: {
      id, kind: 'gcomp', status: 'ok',
      estimates: { [estimand]: { estimate: finiteOrNull(ate), se: null, relative: y0 !== 0 ? finiteOrNull(ate / y0) : null } },
      diagnostics: {
        ...(estimand !== 'ate' ? { estimand } : {}),
        method: 'cross-fitted g-computation (plug-in)',
        reference_mean: finiteOrNull(y0),
        treated_mean: finiteOrNull(s1 / count),
        nuisance: { outcome: regressionMetrics(data.Y, rows.yHat) },
        folds: foldSummary(folds),
      },
      warnings: [],
      folds: splitFoldsByUser(data.cluster, [folds]),
    },
  };
}

/** Propensity distribution summary (shares near 0 / 1 flag weak overlap). */
export function propensitySummary(e: Float64Array) {
  const sorted = Float64Array.from(e).sort();
  let below = 0;
  let above = 0;
  for (const v of sorted) {
    if (v < 0.05) below++;
    if (v > 0.95) above++;
  }
  const q = (p: number) => finiteOrNull(quantileSorted(sorted, p));
  return {
    min: q(0), p01: q(0.01), p05: q(0.05), median: q(0.5), p95: q(0.95), p99: q(0.99), max: q(1),
    share_below_0_05: sorted.length ? below / sorted.length : null, share_above_0_95: sorted.length ? above / sorted.length : null,
  };
}

/** Per-user share of the influence on an estimate (Σ|user score deviations|); the largest few. */
export function topUserInfluence(scores: Float64Array, cluster: Int32Array, estimate: number, limit = 5) {
  const per = new Map<number, number>();
  for (let i = 0; i < scores.length; i++) per.set(cluster[i], (per.get(cluster[i]) ?? 0) + scores[i] - estimate);
  let total = 0;
  for (const v of per.values()) total += Math.abs(v);
  const entries = [...per.entries()].map(([user, c]) => ({ user, share: total > 0 ? Math.abs(c) / total : 0, shift_if_removed: -c / scores.length }));
  entries.sort((a, b) => b.share - a.share || a.user - b.user);
  return entries.slice(0, limit).map((e) => ({ user: e.user, share: finiteOrNull(e.share), shift_if_removed: finiteOrNull(e.shift_if_removed) }));
}

/**
 * Cross-fitted AIPW. ψᵢ = μ̂₁ − μ̂₀ + Aᵢ(Yᵢ − μ̂₁)/ê − (1 − Aᵢ)(Yᵢ − μ̂₀)/(1 − ê); ATE = mean ψ with a
 * user-clustered influence-function SE. The plug-in g-computation mean(μ̂₁ − μ̂₀) is reported beside it.
 * `estimand: att | atc`: the DML score of the effect on the treated (Chernozhukov et al. 2018, §5.1) or its
 * mirror image on the controls from the same cross-fitted nuisances (src/estimate/kinds/aipw_scores.ts).
 */
export function aipwCrossfit(data: CrossfitData, options: AipwOptions): { result: EstimatorResult; rows: AipwRows } {
  const id = options.id ?? 'aipw_crossfit';
  const clip = options.clip ?? 0.01;
  const level = options.bootstrap?.level ?? options.level ?? 0.95;
  checkBinaryTreatment(data);
  const folds = userFolds(data.cluster, options.folds ?? 3);
  checkFoldArms(data.A, folds);
  const outcomeRows = crossfitOutcome(data, options.outcome, folds, options.weights ?? null, options.perArm ?? false);
  const rawPropensity = crossfitPropensity(data, options.propensity, folds);
  // propensities piling up at the clip bounds warn, or past the documented share fail (src/estimate/diagnostics.ts)
  const pileup = clipPileup(rawPropensity, [clip, 1 - clip]);
  const pileupWarning = clipPileupWarning(pileup);
  const e = Float64Array.from(rawPropensity);
  const clipped = clipProbabilities(e, clip);
  const n = data.n;
  const psi = new Float64Array(n);
  const psi1 = new Float64Array(n);
  const psi0 = new Float64Array(n);
  const plugin = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = data.A[i];
    const y = data.Y[i];
    const { mu0, mu1 } = outcomeRows;
    psi1[i] = mu1[i] + (a * (y - mu1[i])) / e[i];
    psi0[i] = mu0[i] + ((1 - a) * (y - mu0[i])) / (1 - e[i]);
    psi[i] = psi1[i] - psi0[i];
    plugin[i] = mu1[i] - mu0[i];
  }
  const estimand = options.estimand ?? 'ate';
  if (estimand !== 'ate') return aipwTargetResult(data, options, { id, estimand, e, rawPropensity, outcomeRows, clip, clipped, pileup, pileupWarning, level, folds });
  const ate = clusteredMean(psi, data.cluster);
  const y0 = clusteredMean(psi0, data.cluster);
  const y1 = clusteredMean(psi1, data.cluster);
  const gcomp = mean(plugin);
  const estimates: Record<string, EstimateValue> = {
    ate: { estimate: finiteOrNull(ate.estimate), se: ate.se, relative: y0.estimate !== 0 ? finiteOrNull(ate.estimate / y0.estimate) : null },
    ate_gcomp: { estimate: finiteOrNull(gcomp), se: null, relative: finiteOrNull(gcomp / mean(outcomeRows.mu0)) },
    y1: { estimate: finiteOrNull(y1.estimate), se: y1.se },
    y0: { estimate: finiteOrNull(y0.estimate), se: y0.se },
  };
  if (options.bootstrap && options.bootstrap.reps > 0) {
    const b = options.bootstrap;
    const [bAte, bY1, bY0] = scoreBootstrap([psi, psi1, psi0], usersOf(data.cluster), null, b.reps, b.level, b.seed, b.cellId);
    Object.assign(estimates.ate, { ci: bAte.ci, bootMean: bAte.bootMean, bootSd: bAte.bootSd });
    Object.assign(estimates.y1, { ci: bY1.ci, bootMean: bY1.bootMean, bootSd: bY1.bootSd });
    Object.assign(estimates.y0, { ci: bY0.ci, bootMean: bY0.bootMean, bootSd: bY0.bootSd });
  }
  const warnings: string[] = [];
  if (clipped > 0) warnings.push(`${clipped} of ${n} cross-fitted propensities were clipped to [${clip}, ${1 - clip}]`);
  if (pileupWarning) warnings.push(pileupWarning);
  return {
    rows: { ...outcomeRows, propensity: e, psi, psi1, psi0 },
    result: {
      id, kind: 'aipw', status: 'ok', estimates,
      diagnostics: {
        method: `cross-fitted AIPW (doubly robust${options.perArm ? ', one outcome model per arm' : ''}); SE from the influence function clustered by user`,
        ci_normal: { ate: normalCi(ate.estimate, ate.se, level) },
        level,
        nuisance: {
          outcome: regressionMetrics(data.Y, outcomeRows.yHat),
          propensity: classificationMetrics(data.A, rawPropensity),
        },
        propensity: { ...propensitySummary(rawPropensity), clip, clipped },
        clip_pileup: pileup,
        influence_top_users: topUserInfluence(psi, data.cluster, ate.estimate),
        folds: foldSummary(folds),
      },
      warnings,
      folds: splitFoldsByUser(data.cluster, [folds]),
    },
  };
}

/** The cross-fitted AIPW of the effect on the treated or the controls (aipwCrossfit with estimand att | atc). */
function aipwTargetResult(data: CrossfitData, options: AipwOptions, f: {
  id: string; estimand: 'att' | 'atc'; e: Float64Array; rawPropensity: Float64Array; outcomeRows: GcompRows; clip: number; clipped: number;
  pileup: ReturnType<typeof clipPileup>; pileupWarning: string | null; level: number; folds: ReturnType<typeof userFolds>;
}): { result: EstimatorResult; rows: AipwRows } {
  const { estimand, e, outcomeRows, level } = f;
  const s = averageEffectScores(data.A, data.Y, outcomeRows.mu0, outcomeRows.mu1, e, estimand);
  const effect = clusteredRatio(s.score, s.inTarget, data.cluster);
  let plugin = 0;
  for (let i = 0; i < data.n; i++) plugin += s.inTarget[i] * (outcomeRows.mu1[i] - outcomeRows.mu0[i]);
  const estimates: Record<string, EstimateValue> = {
    [estimand]: { estimate: finiteOrNull(effect.estimate), se: effect.se, relative: s.controlMean !== 0 ? finiteOrNull(effect.estimate / s.controlMean) : null },
  };
  if (options.bootstrap && options.bootstrap.reps > 0) {
    const b = options.bootstrap;
    const [boot] = scoreBootstrap([s.score], usersOf(data.cluster), null, b.reps, b.level, b.seed, b.cellId, s.inTarget);
    Object.assign(estimates[estimand], { ci: boot.ci, bootMean: boot.bootMean, bootSd: boot.bootSd });
  }
  const warnings: string[] = [];
  if (f.clipped > 0) warnings.push(`${f.clipped} of ${data.n} cross-fitted propensities were clipped to [${f.clip}, ${1 - f.clip}]`);
  if (f.pileupWarning) warnings.push(f.pileupWarning);
  const count = s.inTarget.reduce((t, v) => t + v, 0);
  return {
    rows: { ...outcomeRows, propensity: e, psi: s.score, psi1: s.score1, psi0: s.score0 },
    result: {
      id: f.id, kind: 'aipw', status: 'ok', estimates,
      diagnostics: {
        estimand,
        method: `cross-fitted AIPW of the effect on the ${estimand === 'att' ? 'treated' : 'controls'} (doubly robust${options.perArm ? ', one outcome model per arm' : ''}); SE from the influence function clustered by user`,
        ci_normal: { [estimand]: normalCi(effect.estimate, effect.se, level) },
        level,
        plugin_gcomp: finiteOrNull(plugin / count),
        reference_mean: finiteOrNull(s.controlMean),
        nuisance: {
          outcome: regressionMetrics(data.Y, outcomeRows.yHat),
          propensity: classificationMetrics(data.A, f.rawPropensity),
        },
        propensity: { ...propensitySummary(f.rawPropensity), clip: f.clip, clipped: f.clipped },
        clip_pileup: f.pileup,
        influence_top_users: topUserInfluence(mapRows(s.centered.length, (i) => s.centered[i] * data.n), data.cluster, 0),
        folds: foldSummary(f.folds),
      },
      warnings,
      folds: splitFoldsByUser(data.cluster, [f.folds]),
    },
  };
}
