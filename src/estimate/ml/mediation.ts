/**
 * Cross-fitted mediation with any learners: the plug-in g-computation of docs/seeds.md §004 and the debiased
 * (efficient-influence-function) estimator of the natural effects, side by side.
 *
 * Plug-in (docs/seeds.md §004): mediator model m(a, X) on [A, X]; outcome model μ(a, m, X) on [A, M, A·M, X];
 * Y(a, M(a')) ≈ μ(a, m̂(a', X), X). It plugs the predicted mean mediator into μ, which is right only
 * when μ is linear in m, and shallow shrunk trees pull every contrast towards zero.
 *
 * Debiased (Tchetgen Tchetgen & Shpitser 2012; the DML form of Farbmacher, Huber, Lafférs, Langen &
 * Spindler 2022 for a binary treatment and a continuous mediator): with e(X) = P(A=1|X),
 * p(M, X) = P(A=1|M,X), μ(a, M, X) = E[Y|A=a,M,X], ν(a, X) = E[Y|A=a,X] and the nested regression
 * ω(X) = E[μ(1, M, X) | A=0, X],
 *   ψ₁₀ = A·(1−p)/(p·(1−e))·(Y − μ(1,M,X)) + (1−A)/(1−e)·(μ(1,M,X) − ω(X)) + ω(X)   → E[Y(1, M(0))]
 *   ψ₁₁ = A/e·(Y − ν(1,X)) + ν(1,X)                                               → E[Y(1, M(1))]
 *   ψ₀₀ = (1−A)/(1−e)·(Y − ν(0,X)) + ν(0,X)                                       → E[Y(0, M(0))]
 * TE = mean(ψ₁₁ − ψ₀₀), NDE = mean(ψ₁₀ − ψ₀₀), NIE = mean(ψ₁₁ − ψ₁₀). Every nuisance is fitted on
 * the other folds' users; ω is fitted on one half of the training users from a μ fitted on the other
 * half (both ways, averaged), so μ's in-sample fit never feeds its own nested regression.
 * Standard errors: the influence function clustered by user; CIs from the user-cluster score bootstrap.
 *
 * Effects on the treated (estimand att) or the controls (atc): ψ_t = E[Y(a, M(a')) | A = 1] = E[e(X)·η(X)]/P(A=1)
 * with η(X) = E[μ(a, M, X) | A = a', X]. Its efficient influence function is the population one's
 * conditional part (Tchetgen Tchetgen & Shpitser 2012, Theorem 1) weighted by the target's density ratio
 * t(X)/P(target), t = e for the treated and 1 − e for the controls (the reweighting Hahn 1998 uses for the
 * ATT), plus D·(η(X) − ψ_t)/P(D = 1) for the target indicator D (A or 1 − A). The per-row scores
 *   s_aa' = D·η(X) + t(X)·[ψ_aa' − η(X)]   (ψ_aa' the population score above, its η part removed)
 * summed over the rows and divided by Σ D give the estimate; the influence of a row is (s − D·θ)/Σ D
 * (src/estimate/kinds/aipw_scores.ts). For the treated, s₁₁ = A·Y and s₀₀ = A·ν(0,X) + (1−A)·e/(1−e)·(Y − ν(0,X))
 * (the ATT AIPW); the cross-world s₁₀ = A·ω + A·(1−p)e/(p(1−e))·(Y − μ(1,M,X)) + (1−A)·e/(1−e)·(μ(1,M,X) − ω).
 * The plug-in averages its per-row predictions over the target rows.
 * With `repeats` > 1 (repeated cross-fitting) the debiased estimates are medians over S fold splits and
 * their variance adds the split-to-split spread (docs/calibration.md, "Repeated cross-fitting").
 */
import { CausewayError } from '../../errors.js';
import { clipPileupWarning, clipPileup } from '../diagnostics.js';
import { groupKFold } from '../learners.js';
import { finiteOrNull, mapRows } from '../linalg.js';
import type { EstimateValue, EstimatorResult, FittedModel, Learner } from '../types.js';
import { clusteredRatio } from '../kinds/aipw_scores.js';
import { checkBinaryTreatment, mean, propensitySummary, topUserInfluence, type BootstrapRequest } from './ate.js';
import { median, randomUserFolds, splitMixtureBootstrap } from './repeats.js';
import {
  checkFoldArms, classificationMetrics, clipProbabilities, clusteredMean, constant, lazyRows, normalCi, predictArms, regressionMetrics, scatter,
  scoreBootstrap, splitFoldsByUser, take, userFolds, usersOf, type CrossfitData, type Fold,
} from './common.js';

interface MediationOptions {
  id?: string;
  /** Regression of M on [A, X] (plug-in). */
  mediator: Learner;
  /** Regression of Y on [A, M, (A·M), X] (plug-in and debiased), also used for ν(a, X) and the nested ω. */
  outcome: Learner;
  /** Classifier for P(A=1|X) and P(A=1|M,X) (debiased). Required unless debiased is false. */
  propensity?: Learner;
  folds?: number;
  /**
   * Repeated cross-fitting (Chernozhukov et al. 2018): S fold splits; split 0 is the usual deterministic
   * user split, split s ≥ 1 a random user split keyed by (seed, cellId, 'crossfit-repeat', s). The
   * debiased estimates are the medians over splits of θ_s, their variance the median of
   * σ²_s + (θ_s − θ̃)². Default 1 (one split, no randomness).
   */
  repeats?: number;
  /** Spec seed and cell id: key the random splits of repeated cross-fitting. */
  seed?: number;
  cellId?: string;
  /** Include the A·M column in the outcome design (docs/seeds.md §004: yes). */
  interaction?: boolean;
  /** Clip predicted mediator values (docs/seeds.md §004 clips a share to [0, 1]). */
  mediatorClip?: [number, number] | null;
  /** Propensity clipping for the debiased weights (default 0.01). */
  clip?: number;
  /** Divide each score's inverse-probability weights by their sample mean (default true). */
  normalizeWeights?: boolean;
  /** Also compute the debiased estimator (default true). */
  debiased?: boolean;
  weights?: Float64Array | null;
  bootstrap?: BootstrapRequest | null;
  level?: number;
  /** Rows the effects average over (default ate, every row): the treated (att) or the controls (atc), module comment. */
  estimand?: 'ate' | 'att' | 'atc';
  /** Controlled direct effects CDE(m) = mean μ̂(1, m, X) − μ̂(0, m, X) from the out-of-fold outcome model, by estimate key. */
  cde?: { key: string; m: number }[];
}

export interface MediationRows {
  m0: Float64Array;
  m1: Float64Array;
  mHat: Float64Array;
  yHat: Float64Array;
  /** Plug-in per-row effects (docs/seeds.md §004's ite_total / ite_direct / ite_indirect). */
  iteTotal: Float64Array;
  iteDirect: Float64Array;
  iteIndirect: Float64Array;
  /** Debiased scores (null when debiased is false). */
  psi11: Float64Array | null;
  psi10: Float64Array | null;
  psi00: Float64Array | null;
  /** The target-population indicator D (A for att, 1 − A for atc; null for ate): estimates are Σ ψ / Σ D. */
  target?: Float64Array | null;
  /** With repeated cross-fitting (repeats > 1): every split's debiased scores, split 0 first (its scores are psi11/psi10/psi00 above). */
  splits?: { psi11: Float64Array; psi10: Float64Array; psi00: Float64Array }[];
}

function outcomeLead(data: { A: Float64Array; M: Float64Array }, interaction: boolean, A?: Float64Array, M?: Float64Array) {
  const a = A ?? data.A;
  const m = M ?? data.M;
  const lead = [{ name: 'A', values: a }, { name: 'M', values: m }];
  if (interaction) lead.push({ name: 'A_x_M', values: mapRows(a.length, (i) => a[i] * m[i]) });
  return lead;
}

/** μ(a, M_i, X_i) for rows D (outcome design, built for `rows`) with A set to `a` (a lazy D is left as it is: predictArms). */
function predictAt(model: FittedModel, D: import('../types.js').DesignMatrix, a: number, mediator: Float64Array, interaction: boolean): Float64Array {
  return predictArms(model, D, [outcomeArm(a, mediator, interaction)])[0];
}

/** The outcome design's lead columns at treatment a and mediator values m. */
function outcomeArm(a: number, m: Float64Array, interaction: boolean): Float64Array[] {
  const lead = [constant(m.length, a), m];
  if (interaction) lead.push(mapRows(m.length, (i) => a * m[i]));
  return lead;
}

export function mediationCrossfit(data: CrossfitData, options: MediationOptions): { result: EstimatorResult; rows: MediationRows } {
  const id = options.id ?? 'mediation_crossfit';
  if (!data.M) throw new CausewayError('ESTIMATE_NO_MEDIATOR', `estimator ${id} needs a mediator, and the spec defines none`);
  const M = data.M;
  for (let i = 0; i < data.n; i++) {
    if (!Number.isFinite(M[i])) throw new CausewayError('ESTIMATE_BAD_MEDIATOR', `mediator is missing or not finite at row ${i}`);
  }
  checkBinaryTreatment(data);
  const debiased = options.debiased ?? true;
  if (debiased && !options.propensity) {
    throw new CausewayError('ESTIMATE_MISSING_MODEL', `estimator ${id}: the debiased mediation estimator needs a propensity model`);
  }
  const interaction = options.interaction ?? true;
  const clip = options.clip ?? 0.01;
  const normalizeWeights = options.normalizeWeights ?? true;
  const level = options.bootstrap?.level ?? options.level ?? 0.95;
  const estimand = options.estimand ?? 'ate';
  const target = estimand === 'ate' ? null : mapRows(data.A.length, (i) => (estimand === 'att' ? data.A[i] : 1 - data.A[i]));
  // the mean over the target rows, and the clustered estimate of Σ ψ / Σ D (every row for ate)
  const over = (v: Float64Array) => {
    if (!target) return mean(v);
    let s = 0, d = 0;
    for (let i = 0; i < v.length; i++) { s += target[i] * v[i]; d += target[i]; }
    return s / d;
  };
  const targetMean = (v: Float64Array) => (target ? clusteredRatio(v, target, data.cluster) : clusteredMean(v, data.cluster));
  const weights = options.weights ?? null;
  const n = data.n;
  const repeatsOption = options.repeats ?? 1;
  if (!Number.isInteger(repeatsOption) || repeatsOption < 1) {
    throw new CausewayError('ESTIMATE_BAD_OPTION', `estimator ${id}: crossfit repeats must be an integer ≥ 1 (got ${repeatsOption})`);
  }
  const folds = userFolds(data.cluster, options.folds ?? 3);
  checkFoldArms(data.A, folds);
  const usedSplits: Pick<Fold, 'test'>[][] = [folds];
  const md = { A: data.A, M };
  const clipM = (v: Float64Array) => {
    if (!options.mediatorClip) return v;
    const [lo, hi] = options.mediatorClip;
    for (let i = 0; i < v.length; i++) v[i] = Math.min(hi, Math.max(lo, v[i]));
    return v;
  };

  const m0 = new Float64Array(n);
  const m1 = new Float64Array(n);
  const mHat = new Float64Array(n);
  const yHat = new Float64Array(n);
  const y00 = new Float64Array(n);
  const y10 = new Float64Array(n);
  const y11 = new Float64Array(n);
  const y01 = new Float64Array(n);
  // Debiased nuisances.
  const e = new Float64Array(n);
  const pM = new Float64Array(n);
  const mu1M = new Float64Array(n);
  const nu1 = new Float64Array(n);
  const nu0 = new Float64Array(n);
  const nuHat = new Float64Array(n);
  const omega = new Float64Array(n);
  const nuis: DebiasedNuisances = { e, pM, mu1M, nu1, nu0, nuHat, omega };
  const warnings: string[] = [];
  const cdeLevels = options.cde ?? [];
  const cdeRows = cdeLevels.map(() => new Float64Array(n));

  for (const fold of folds) {
    const T = fold.train;
    const V = fold.test;
    const wT = weights ? take(weights, T) : undefined;
    const yT = take(data.Y, T);
    // Outcome model μ(a, m, X) on the training users.
    const mu = options.outcome.fit(lazyRows(data.X, T, outcomeLead(md, interaction)), yT, wT);
    const DV = lazyRows(data.X, V, outcomeLead(md, interaction));
    // μ at the observed A and M (yHat): DV's own lead columns (predictArms leaves DV as it is)
    const observed = DV.origin!.leadValues!;
    // Plug-in: mediator model on [A, X], predicted mean mediator under a = 0 and a = 1.
    const medModel = options.mediator.fit(lazyRows(data.X, T, [{ name: 'A', values: data.A }]), take(M, T), wT);
    const DM = lazyRows(data.X, V, [{ name: 'A', values: data.A }]);
    const [m0V, m1V] = predictArms(medModel, DM, [[constant(V.length, 0)], [constant(V.length, 1)]]).map(clipM);
    scatter(m0, V, m0V);
    scatter(m1, V, m1V);
    // A is 0/1 (checkBinaryTreatment) and every learner predicts row by row, so the prediction at the
    // observed A is m1 or m0 of the same row: one prediction fewer.
    for (let k = 0; k < V.length; k++) mHat[V[k]] = data.A[V[k]] === 1 ? m1V[k] : m0V[k];
    // The counterfactual arms of μ on DV (its lead columns set per arm).
    const arms: [number, Float64Array][] = [[0, m0V], [1, m0V], [1, m1V], [0, m1V]];
    for (const { m } of cdeLevels) {
      const fixed = new Float64Array(V.length).fill(m);
      arms.push([1, fixed], [0, fixed]);
    }
    // All of μ's predictions on DV in one call, the observed arm last: a gbm walks the trees that split on
    // none of the lead columns once for all of them (predictArms).
    const yArms = predictArms(mu, DV, [...arms.map(([a, m]) => outcomeArm(a, m, interaction)), observed]);
    scatter(yHat, V, yArms[arms.length]);
    scatter(y00, V, yArms[0]);
    scatter(y10, V, yArms[1]);
    scatter(y11, V, yArms[2]);
    scatter(y01, V, yArms[3]);
    cdeLevels.forEach((_, k) => {
      const at1 = yArms[4 + 2 * k];
      const at0 = yArms[5 + 2 * k];
      scatter(cdeRows[k], V, mapRows(at1.length, (r) => at1[r] - at0[r]));
    });
    if (!debiased) continue;

    debiasedFold(data, T, V, mu, DV, options.propensity!, options.outcome, weights, interaction, md, nuis, warnings);
  }

  // Plug-in effects (docs/seeds.md §004).
  const iteTotal = new Float64Array(n);
  const iteDirect = new Float64Array(n);
  const iteIndirect = new Float64Array(n);
  const reverse = new Float64Array(n);
  const shift = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    iteTotal[i] = y11[i] - y00[i];
    iteDirect[i] = y10[i] - y00[i];
    iteIndirect[i] = y11[i] - y10[i];
    reverse[i] = y01[i] - y00[i];
    shift[i] = m1[i] - m0[i];
  }
  const reference = over(y00);
  const te = over(iteTotal);
  const rel = (v: number, ref: number) => (ref !== 0 ? finiteOrNull(v / ref) : null);
  const estimates: Record<string, EstimateValue> = {
    te: { estimate: finiteOrNull(te), se: null, relative: rel(te, reference) },
    nde: { estimate: finiteOrNull(over(iteDirect)), se: null, relative: rel(over(iteDirect), reference) },
    nie: { estimate: finiteOrNull(over(iteIndirect)), se: null, relative: rel(over(iteIndirect), reference) },
  };
  cdeLevels.forEach(({ key }, k) => {
    const v = over(cdeRows[k]);
    estimates[key] = { estimate: finiteOrNull(v), se: null, relative: rel(v, reference) };
  });
  // docs/seeds.md §004's reverse_indirect_check (the indirect effect with A held at 0, NIE(0), which with
  // NDE(1) = E[Y(1, M(1)) − Y(0, M(1))] splits TE the other way) and mediator_shift, under the keys of
  // the linear form (src/estimate/kinds/mediation.ts); a shift in the mediator's units has no relative effect
  estimates.reverse_indirect = { estimate: finiteOrNull(over(reverse)), se: null, relative: rel(over(reverse), reference) };
  estimates.mediator_shift = { estimate: finiteOrNull(over(shift)), se: null, relative: null };
  const diagnostics: Record<string, unknown> = {
    method: debiased
      ? 'cross-fitted mediation: plug-in g-computation (te, nde, nie) and the debiased efficient-influence-function estimator (te_debiased, nde_debiased, nie_debiased)'
      : 'cross-fitted mediation: plug-in g-computation',
    plugin: {
      ...(cdeLevels.length ? { cde_mediator_levels: Object.fromEntries(cdeLevels.map(({ key, m }) => [key, m])) } : {}),
      reference_mean: finiteOrNull(reference),
      relative_total_effect: rel(te, reference),
    },
    nuisance: {
      mediator: regressionMetrics(M, mHat),
      outcome: regressionMetrics(data.Y, yHat),
    } as Record<string, unknown>,
    folds: folds.map((f, k) => ({ fold: k + 1, train_rows: f.train.length, test_rows: f.test.length, test_users: f.testUsers })),
    level,
    ...(target ? { estimand } : {}),
  };

  let psi11: Float64Array | null = null;
  let psi10: Float64Array | null = null;
  let psi00: Float64Array | null = null;
  let splitRows: { psi11: Float64Array; psi10: Float64Array; psi00: Float64Array }[] | null = null;
  if (debiased) {
    const sc = debiasedScores(data.A, data.Y, nuis, clip, normalizeWeights, target, estimand);
    const { rawE, rawPM, clippedE, clippedPM, weightMeans, wM } = sc;
    if (clippedE + clippedPM > 0) {
      warnings.push(`${clippedE} P(A=1|X) and ${clippedPM} P(A=1|M,X) cross-fitted propensities were clipped to [${clip}, ${1 - clip}]`);
    }
    // propensities piling up at the clip bounds (src/estimate/diagnostics.ts): P(A=1|X) fails past the
    // documented share; P(A=1|M,X) only warns, the mediator may nearly reveal the treatment by design
    const pileup = clipPileup(rawE, [clip, 1 - clip]);
    const pileupM = clipPileup(rawPM, [clip, 1 - clip]);
    diagnostics.clip_pileup = pileup;
    diagnostics.clip_pileup_mx = pileupM;
    for (const w of [clipPileupWarning(pileup, 'P(A=1|X)'), clipPileupWarning(pileupM, 'P(A=1|M,X)', false)]) if (w) warnings.push(w);
    psi11 = sc.psi11;
    psi10 = sc.psi10;
    psi00 = sc.psi00;
    let maxWM = 0;
    let sumWM = 0;
    let sumWM2 = 0;
    for (let i = 0; i < n; i++) {
      maxWM = Math.max(maxWM, wM[i]);
      sumWM += wM[i];
      sumWM2 += wM[i] * wM[i];
    }
    diagnostics.mediator_weights = {
      normalized: normalizeWeights,
      raw_means: { treated: finiteOrNull(weightMeans.w1), control: finiteOrNull(weightMeans.w0), cross_world: finiteOrNull(weightMeans.wM) },
      cross_world_max: finiteOrNull(maxWM),
      cross_world_ess: finiteOrNull((sumWM * sumWM) / sumWM2),
    };
    const diff = (x: Float64Array, z: Float64Array) => mapRows(x.length, (i) => x[i] - z[i]);
    const scores = { te_debiased: diff(psi11, psi00), nde_debiased: diff(psi10, psi00), nie_debiased: diff(psi11, psi10) };
    const y00Debiased = targetMean(psi00).estimate;
    const normal: Record<string, [number, number] | null> = {};
    for (const [name, s] of Object.entries(scores)) {
      const { estimate, se } = targetMean(s);
      estimates[name] = { estimate: finiteOrNull(estimate), se, relative: rel(estimate, y00Debiased) };
      normal[name] = normalCi(estimate, se, level);
    }
    for (const [name, s] of Object.entries({ y11: psi11, y10: psi10, y00: psi00 })) {
      const { estimate, se } = targetMean(s);
      estimates[`${name}_debiased`] = { estimate: finiteOrNull(estimate), se };
    }
    if (options.bootstrap && options.bootstrap.reps > 0 && (options.repeats ?? 1) === 1) {
      const b = options.bootstrap;
      const names = Object.keys(scores);
      const boot = scoreBootstrap(Object.values(scores), usersOf(data.cluster), null, b.reps, b.level, b.seed, b.cellId, target);
      names.forEach((name, k) => Object.assign(estimates[name], { ci: boot[k].ci, bootMean: boot[k].bootMean, bootSd: boot[k].bootSd }));
    }
    const repeats = options.repeats ?? 1;
    if (repeats > 1) {
      const splits = [{ psi11, psi10, psi00 }];
      const foldsOption = options.folds ?? 3;
      for (let s = 1; s < repeats; s++) {
        const splitFolds = randomUserFolds(data.cluster, foldsOption, options.seed ?? 0, options.cellId ?? id, s);
        checkFoldArms(data.A, splitFolds);
        // only the test rows are kept: a training index keys its rows' cached gbm bins (src/estimate/gbm/binning.ts,
        // about 3 MB a fold on the full-size demo frame), which go with it once the split is done
        usedSplits.push(splitFolds.map(({ test }) => ({ test })));
        const splitNuis = emptyNuisances(n);
        const splitWarnings: string[] = [];
        for (const fold of splitFolds) {
          const T = fold.train;
          const mu = options.outcome.fit(lazyRows(data.X, T, outcomeLead(md, interaction)), take(data.Y, T), weights ? take(weights, T) : undefined);
          const DV = lazyRows(data.X, fold.test, outcomeLead(md, interaction));
          debiasedFold(data, T, fold.test, mu, DV, options.propensity!, options.outcome, weights, interaction, md, splitNuis, splitWarnings);
        }
        const sc2 = debiasedScores(data.A, data.Y, splitNuis, clip, normalizeWeights, target, estimand);
        splits.push({ psi11: sc2.psi11, psi10: sc2.psi10, psi00: sc2.psi00 });
      }
      splitRows = splits;
      // Per split θ_s and σ_s; θ̃ = median θ_s, σ̃² = median(σ²_s + (θ_s − θ̃)²) (Chernozhukov et al. 2018, §3.4).
      const perSplit = splits.map((sp) => ({
        te_debiased: diff(sp.psi11, sp.psi00), nde_debiased: diff(sp.psi10, sp.psi00), nie_debiased: diff(sp.psi11, sp.psi10),
        y11_debiased: sp.psi11, y10_debiased: sp.psi10, y00_debiased: sp.psi00,
      }));
      const combined: Record<string, { estimate: number; se: number | null; thetas: number[] }> = {};
      for (const name of Object.keys(perSplit[0]) as (keyof typeof perSplit[0])[]) {
        const fits = perSplit.map((p) => targetMean(p[name]));
        const thetas = fits.map((f) => f.estimate);
        const theta = median(thetas);
        const se = fits.every((f) => f.se !== null) ? Math.sqrt(median(fits.map((f, k) => f.se! ** 2 + (thetas[k] - theta) ** 2))) : null;
        combined[name] = { estimate: theta, se: finiteOrNull(se ?? NaN), thetas };
      }
      const y00Combined = combined.y00_debiased.estimate;
      for (const [name, c] of Object.entries(combined)) {
        const isEffect = name in scores;
        estimates[name] = isEffect
          ? { estimate: finiteOrNull(c.estimate), se: c.se, relative: rel(c.estimate, y00Combined) }
          : { estimate: finiteOrNull(c.estimate), se: c.se };
        if (isEffect) normal[name] = normalCi(c.estimate, c.se, level);
      }
      if (options.bootstrap && options.bootstrap.reps > 0) {
        const b = options.bootstrap;
        const boot = splitMixtureBootstrap(splits, data.cluster, b.reps, b.level, b.seed, b.cellId, target);
        for (const [name, v] of Object.entries(boot)) Object.assign(estimates[name], v);
      }
      diagnostics.crossfit_repeats = {
        repeats,
        combination: 'median over splits of θ_s; variance median of σ²_s + (θ_s − θ̃)²',
        per_split: Object.fromEntries(Object.entries(combined).map(([name, c]) => [name, c.thetas.map((t) => finiteOrNull(t))])),
        single_split_se: Object.fromEntries(Object.keys(scores).map((name) => [name, targetMean(perSplit[0][name as keyof typeof perSplit[0]]).se])),
      };
    }
    diagnostics.ci_normal = normal;
    const nuisance = diagnostics.nuisance as Record<string, unknown>;
    nuisance.propensity_x = classificationMetrics(data.A, rawE);
    nuisance.propensity_mx = classificationMetrics(data.A, rawPM);
    nuisance.outcome_ax = regressionMetrics(data.Y, nuHat);
    diagnostics.propensity = { x: propensitySummary(rawE), mx: propensitySummary(rawPM), clip, clipped: clippedE + clippedPM };
    diagnostics.influence_top_users = topUserInfluence(scores.nie_debiased, data.cluster, estimates.nie_debiased.estimate ?? 0);
  }

  return {
    rows: { m0, m1, mHat, yHat, iteTotal, iteDirect, iteIndirect, psi11, psi10, psi00, target, ...(splitRows ? { splits: splitRows } : {}) },
    result: { id, kind: 'mediation', status: 'ok', estimates, diagnostics, warnings, folds: splitFoldsByUser(data.cluster, usedSplits) },
  };
}

/** Cross-fitted nuisances of the debiased scores (one value per row, each from the other folds' users). */
interface DebiasedNuisances {
  e: Float64Array;
  pM: Float64Array;
  mu1M: Float64Array;
  nu1: Float64Array;
  nu0: Float64Array;
  nuHat: Float64Array;
  omega: Float64Array;
}

const emptyNuisances = (n: number): DebiasedNuisances => ({
  e: new Float64Array(n), pM: new Float64Array(n), mu1M: new Float64Array(n), nu1: new Float64Array(n),
  nu0: new Float64Array(n), nuHat: new Float64Array(n), omega: new Float64Array(n),
});

/** The debiased nuisances of one fold: test rows V from models fitted on training rows T (μ already fitted, DV its design on V). */
function debiasedFold(data: CrossfitData, T: Int32Array, V: Int32Array, mu: FittedModel,
  DV: import('../types.js').DesignMatrix, propensity: Learner, outcome: Learner, weights: Float64Array | null, interaction: boolean,
  md: { A: Float64Array; M: Float64Array }, out: DebiasedNuisances, warnings: string[]): void {
  const M = md.M;
  const yT = take(data.Y, T);
  const wT = weights ? take(weights, T) : undefined;
  // μ(1, M_i, X_i) at the observed mediator.
  const MV = take(M, V);
  scatter(out.mu1M, V, predictAt(mu, DV, 1, MV, interaction));
  // Propensities P(A=1|X) and P(A=1|M,X).
  const AT = take(data.A, T);
  scatter(out.e, V, propensity.fit(lazyRows(data.X, T, []), AT).predict(lazyRows(data.X, V, [])));
  scatter(out.pM, V, propensity.fit(lazyRows(data.X, T, [{ name: 'M', values: M }]), AT)
    .predict(lazyRows(data.X, V, [{ name: 'M', values: M }])));
  // ν(a, X) = E[Y | A = a, X].
  const nu = outcome.fit(lazyRows(data.X, T, [{ name: 'A', values: data.A }]), yT, wT);
  const DN = lazyRows(data.X, V, [{ name: 'A', values: data.A }]);
  const [nu1V, nu0V] = predictArms(nu, DN, [[constant(V.length, 1)], [constant(V.length, 0)]]);
  scatter(out.nu1, V, nu1V);
  scatter(out.nu0, V, nu0V);
  // ν(A, X) at the observed (0/1) treatment is ν(1, X) or ν(0, X) of the same row.
  for (const i of V) out.nuHat[i] = data.A[i] === 1 ? out.nu1[i] : out.nu0[i];
  // Nested ω(X) = E[μ(1, M, X) | A = 0, X], μ and ω on different halves of the training users.
  scatter(out.omega, V, nestedOmega(data, T, V, outcome, weights, interaction, md, warnings));
}

/**
 * The three debiased scores from cross-fitted nuisances (clips e and pM in place). Inverse-probability
 * weights each have mean 1 in the population; with `normalizeWeights` each is divided by its sample
 * mean (Hájek form: same influence function, far less sensitive to a few large weights from
 * P(A=1|M,X) near 0).
 */
function debiasedScores(A: Float64Array, Y: Float64Array, nuis: DebiasedNuisances, clip: number, normalizeWeights: boolean,
  target: Float64Array | null = null, estimand: 'ate' | 'att' | 'atc' = 'ate') {
  const { e, pM, nu1, nu0, mu1M, omega } = nuis;
  const n = A.length;
  const rawE = Float64Array.from(e);
  const rawPM = Float64Array.from(pM);
  const clippedE = clipProbabilities(e, clip);
  const clippedPM = clipProbabilities(pM, clip);
  const psi11 = new Float64Array(n);
  const psi10 = new Float64Array(n);
  const psi00 = new Float64Array(n);
  const w1 = new Float64Array(n);
  const w0 = new Float64Array(n);
  const wM = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = A[i];
    w1[i] = a / e[i];
    w0[i] = (1 - a) / (1 - e[i]);
    wM[i] = (a * (1 - pM[i])) / (pM[i] * (1 - e[i]));
  }
  const weightMeans = { w1: mean(w1), w0: mean(w0), wM: mean(wM) };
  if (target) {
    // the effect on the target population (module comment): every weight times t(X), each normalized to sum Σ D
    const tw = [w1, w0, wM].map((w) => mapRows(w.length, (i) => w[i] * (estimand === 'att' ? e[i] : 1 - e[i])));
    if (normalizeWeights) {
      let d = 0;
      for (let i = 0; i < n; i++) d += target[i];
      for (const w of tw) {
        let s = 0;
        for (let i = 0; i < n; i++) s += w[i];
        for (let i = 0; i < n; i++) w[i] *= d / s;
      }
    }
    const [t1, t0, tM] = tw;
    for (let i = 0; i < n; i++) {
      const y = Y[i], D = target[i];
      psi11[i] = D * nu1[i] + t1[i] * (y - nu1[i]);
      psi00[i] = D * nu0[i] + t0[i] * (y - nu0[i]);
      psi10[i] = D * omega[i] + tM[i] * (y - mu1M[i]) + t0[i] * (mu1M[i] - omega[i]);
    }
    return { psi11, psi10, psi00, rawE, rawPM, clippedE, clippedPM, weightMeans, wM };
  }
  if (normalizeWeights) {
    for (let i = 0; i < n; i++) {
      w1[i] /= weightMeans.w1;
      w0[i] /= weightMeans.w0;
      wM[i] /= weightMeans.wM;
    }
  }
  for (let i = 0; i < n; i++) {
    const y = Y[i];
    psi11[i] = nu1[i] + w1[i] * (y - nu1[i]);
    psi00[i] = nu0[i] + w0[i] * (y - nu0[i]);
    psi10[i] = omega[i] + wM[i] * (y - mu1M[i]) + w0[i] * (mu1M[i] - omega[i]);
  }
  return { psi11, psi10, psi00, rawE, rawPM, clippedE, clippedPM, weightMeans, wM };
}

/**
 * ω(X_V) = E[μ(1, M, X) | A = 0, X] from the training rows T: split T's users in two halves; fit μ on
 * one half, evaluate μ(1, M, X) on the other half's untreated rows, regress that on X; both ways,
 * averaged. Falls back to one fit on all of T (with a warning) when a half lacks users or untreated rows.
 */
function nestedOmega(data: CrossfitData, T: Int32Array, V: Int32Array, outcome: Learner, weights: Float64Array | null,
  interaction: boolean, md: { A: Float64Array; M: Float64Array }, warnings: string[]): Float64Array {
  const clusterT = take(Float64Array.from(data.cluster), T);
  const users = new Set(clusterT);
  const halves: Int32Array[] = [];
  if (users.size >= 2) {
    const half = groupKFold(Int32Array.from(clusterT), 2);
    for (let h = 0; h < 2; h++) halves.push(T.filter((_, k) => half[k] === h));
  }
  const untreated = (rows: Int32Array) => rows.filter((r) => data.A[r] === 0);
  if (untreated(T).length === 0) {
    throw new CausewayError('ESTIMATE_ONE_ARM', 'a cross-fitting training fold has no untreated rows for the nested regression');
  }
  const pairs: [Int32Array, Int32Array][] = halves.length === 2 && halves.every((h) => untreated(h).length > 0)
    ? [[halves[0], halves[1]], [halves[1], halves[0]]]
    : [[T, T]];
  if (pairs.length === 1) warnings.push('nested regression fitted without the half split (too few users or untreated rows in a training fold)');
  const out = new Float64Array(V.length);
  const DV = lazyRows(data.X, V, []);
  for (const [fitRows, evalRows] of pairs) {
    const mu = outcome.fit(lazyRows(data.X, fitRows, outcomeLead(md, interaction)), take(data.Y, fitRows),
      weights ? take(weights, fitRows) : undefined);
    const R = untreated(evalRows);
    const DR = lazyRows(data.X, R, outcomeLead(md, interaction));
    const target = predictAt(mu, DR, 1, take(md.M, R), interaction);
    const omegaModel = outcome.fit(lazyRows(data.X, R, []), target, weights ? take(weights, R) : undefined);
    const pred = omegaModel.predict(DV);
    for (let i = 0; i < out.length; i++) out[i] += pred[i] / pairs.length;
  }
  return out;
}

interface NuisanceImportanceRow {
  target: 'mediator' | 'outcome';
  feature: string;
  importance: number;
  importance_share: number | null;
  splits: number;
}

/**
 * Seed 004's feature-importance audit: full-sample mediator model on [A, X] and outcome model on
 * [A, M, (A·M), X] (not used for effects), each feature's total gain and share. Models without
 * importance (linear) give no rows.
 */
export function nuisanceImportance(data: CrossfitData, mediator: Learner, outcome: Learner,
  options: { interaction?: boolean; weights?: Float64Array | null } = {}): NuisanceImportanceRow[] {
  if (!data.M) throw new CausewayError('ESTIMATE_NO_MEDIATOR', 'feature importance of mediation models needs a mediator');
  const interaction = options.interaction ?? true;
  const w = options.weights ?? undefined;
  const all = Int32Array.from({ length: data.n }, (_, i) => i);
  const fits: [NuisanceImportanceRow['target'], ReturnType<Learner['fit']>][] = [
    ['mediator', mediator.fit(lazyRows(data.X, all, [{ name: 'A', values: data.A }]), data.M, w)],
    ['outcome', outcome.fit(lazyRows(data.X, all, outcomeLead({ A: data.A, M: data.M }, interaction)), data.Y, w)],
  ];
  const rows: NuisanceImportanceRow[] = [];
  for (const [target, model] of fits) {
    if (!model.importance) continue;
    const imp = model.importance();
    const total = imp.reduce((s, f) => s + f.gain, 0);
    imp
      .map((f) => ({ target, feature: f.feature, importance: f.gain, importance_share: total > 0 ? f.gain / total : null, splits: f.splits }))
      .sort((a, b) => b.importance - a.importance || a.feature.localeCompare(b.feature))
      .forEach((r) => rows.push(r));
  }
  return rows;
}
