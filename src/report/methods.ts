/**
 * The report's Methods text: per estimator, how its point estimate and its interval were computed, what
 * a bootstrap replicate refits and what it holds fixed, the cross-fitting folds and repeats, the seeds,
 * and the known consequence of each choice. One sentence builder per estimator kind (METHOD_TEXT, the
 * one home of that text; test/report/methods.test.ts fails when a kind has none), and one reader of the
 * interval an estimate actually carries (intervalMethod), which follows what results.json records: the
 * runner's `diagnostics.bootstrap`, a cross-fitted form's `ci_normal`, `crossfit_repeats` and `folds`,
 * and an `interval` / `interval_method` record where an estimator writes one.
 */
import type { EstimateValue, EstimatorEntry } from '../results/index.js';
import { formatNumber } from './format.js';

/** The cell's `diagnostics.uncertainty` (src/analysis/exploratory.ts). */
export interface CellUncertainty {
  seed: number;
  cluster: string;
  bootstrap: { reps: number; level: number } | null;
}

type Diagnostics = Record<string, unknown>;

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);

function foldCount(d: Diagnostics): number | null {
  // the cross-fitted forms list their folds; a kind's own point form that cross-fits records the count
  if (typeof d.crossfit_folds === 'number') return d.crossfit_folds;
  return Array.isArray(d.folds) && d.folds.length ? d.folds.length : null;
}

function repeatCount(d: Diagnostics): number {
  const r = isRecord(d.crossfit_repeats) ? d.crossfit_repeats.repeats : undefined;
  return typeof r === 'number' ? r : 1;
}

function crossfitText(d: Diagnostics): string {
  const k = foldCount(d);
  if (!k) return '';
  const r = repeatCount(d);
  return ` The nuisance models are cross-fitted: users are split into ${k} folds (the first split deterministic by user id), each fold's rows are predicted by models fitted on the other ${k - 1}` +
    (r > 1 ? `; the split is repeated ${r} times (repeats after the first shuffle users with a generator seeded by the spec seed, the cell id and the repeat number) and the estimates are the median over splits, their variance the median of σ²ₛ + (θₛ − θ̃)².` : '.');
}

function clipText(d: Diagnostics): string {
  const p = isRecord(d.propensity) ? d.propensity : null;
  const clip = p && typeof p.clip === 'number' ? p.clip : null;
  return clip !== null ? ` Cross-fitted propensities are clipped to [${+clip.toPrecision(6)}, ${+(1 - clip).toPrecision(6)}].` : '';
}

/** A mediation's weighting (its `weights` diagnostic, src/estimate/kinds/mediation.ts): when and on which rows the ipw weights were estimated. */
function mediationWeightsText(d: Diagnostics, crossfitted: boolean): string {
  if (d.weights !== 'ipw') return '';
  return ' The mediator and outcome models are fitted with the inverse propensity weights as sample weights (weighted least squares for linear models, weight-scaled gradients and hessians for gbm): P(A = 1 | X) is fitted once on all rows, its propensities clipped and the weights stabilized and capped as the entry sets' +
    (crossfitted ? '; each fold\'s models take the weights of their training rows from that one fit, not weights re-estimated within the fold.' : '.');
}

/** The entry's estimand: `diagnostics.estimand` (written for ATT/ATC), else an att/atc estimate key, else the ATE. */
export function estimandOfEntry(e: EstimatorEntry): 'ate' | 'att' | 'atc' {
  const d = str(e.diagnostics.estimand);
  if (d === 'att' || d === 'atc') return d;
  if ('att' in e.estimates) return 'att';
  if ('atc' in e.estimates) return 'atc';
  return 'ate';
}

/** Who the estimand averages over, in words (the report's unit is the user-day). */
export const POPULATION: Readonly<Record<'ate' | 'att' | 'atc', string>> = {
  ate: 'all user-days of the population',
  att: 'the treated user-days (A = 1)',
  atc: 'the control user-days (A = 0)',
};

/** The weights of each estimand from a propensity ê (src/estimate/weights.ts estimandWeights). */
const ESTIMAND_WEIGHTS: Readonly<Record<'ate' | 'att' | 'atc', string>> = {
  ate: 'treated rows 1/ê, control rows 1/(1 − ê)',
  att: 'treated rows 1, control rows ê/(1 − ê), which reweights the controls to the treated rows\' covariate distribution',
  atc: 'treated rows (1 − ê)/ê, control rows 1, which reweights the treated rows to the controls\' covariate distribution',
};

/** CBPS balance conditions per estimand (src/estimate/balancing.ts), x̃ = [1, X]. */
const CBPS_CONDITIONS: Readonly<Record<'ate' | 'att' | 'atc', string>> = {
  ate: 'Σ (A/e − (1 − A)/(1 − e)) x̃ = 0',
  att: 'Σ (A − e)/(1 − e) x̃ = 0',
  atc: 'Σ (e − A)/e x̃ = 0',
};

const MOMENT_WORDS = ['', 'means', 'means and second moments', 'means, second and third moments'];

/** A sentence naming the estimand when it is not the ATE ('' for the ATE, whose sentences say "over rows"). */
function estimandSentence(e: EstimatorEntry): string {
  const est = estimandOfEntry(e);
  return est === 'ate' ? '' : ` Estimand: the ${est.toUpperCase()}, averaged over ${POPULATION[est]} only.`;
}

/**
 * How a weighting kind's weights were made, from `diagnostics.weighting` (src/estimate/weights.ts): entropy
 * balancing (its moment order, iterations and remaining imbalance), CBPS (its balance conditions), else
 * propensity weights of the estimand.
 */
function weightingText(e: EstimatorEntry): string {
  const d = e.diagnostics;
  const est = estimandOfEntry(e);
  const w = isRecord(d.weighting) ? d.weighting : null;
  if (w?.weighting === 'entropy_balance') {
    const k = typeof w.moments === 'number' ? w.moments : 1;
    const reweighted = est === 'att' ? 'the control rows are reweighted so that their covariate ' + (MOMENT_WORDS[k] ?? `moments up to order ${k}`) + ' equal the treated rows\' (treated rows weight 1)'
      : est === 'atc' ? 'the treated rows are reweighted so that their covariate ' + (MOMENT_WORDS[k] ?? `moments up to order ${k}`) + ' equal the control rows\' (control rows weight 1)'
        : 'each arm is reweighted so that its covariate ' + (MOMENT_WORDS[k] ?? `moments up to order ${k}`) + ' equal the whole sample\'s';
    const resid = typeof w.max_abs_standardized_imbalance === 'number' ? `; largest remaining balance residual ${w.max_abs_standardized_imbalance.toPrecision(2)} (standardized)` : '';
    const iter = typeof w.newton_iterations === 'number' ? ` after ${w.newton_iterations} Newton iterations` : '';
    return `Entropy-balancing weights (Hainmueller 2012) instead of inverse propensities: ${reweighted}, with weights exp(xᵀβ) as close to uniform as those moment constraints (order ${k}) allow. The constraints were met${iter}${resid}; an entry whose constraints cannot be met fails instead of reporting.`;
  }
  const weights = `weights ${ESTIMAND_WEIGHTS[est]}`;
  if (w?.weighting === 'cbps') {
    return `Propensities ê from the covariate-balancing propensity score (CBPS, Imai & Ratkovic 2014), just-identified: the logistic coefficients solve the ${est.toUpperCase()} balance conditions ${CBPS_CONDITIONS[est]} (one per covariate and the constant) instead of the likelihood, so the weights balance the covariate means by construction; ${weights}, ${est === 'ate' ? 'clipped, stabilized and capped' : 'clipped and capped'} as its label says.`;
  }
  return est === 'ate' ? '' : `Propensities ê from a P(A = 1 | X) model fitted on all rows, clipped as its label says; ${weights} (not stabilized).`;
}

/** The mediation g-formula, plug-in or cross-fitted (with the debiased scores when it has them). */
function mediationText(e: EstimatorEntry): string {
  const d = e.diagnostics;
  if (foldCount(d)) {
    const debiased = 'te_debiased' in e.estimates;
    return `Mediation g-formula with cross-fitted mediator and outcome models: the plug-in TE, NDE and NIE average the predicted potential outcomes Y(1, M(1)), Y(1, M(0)) and Y(0, M(0)) over rows` +
      (debiased ? '; the debiased estimates average the efficient-influence-function scores (propensities P(A | X) and P(A | M, X) weight the residuals), clustered by user for their standard errors.' : '.') +
      crossfitText(d) + mediationWeightsText(d, true) + clipText(d);
  }
  return 'Mediation g-formula: a mediator model M ~ A + X and an outcome model Y ~ A + M (+ A·M) + X, both fitted on all rows; TE, NDE and NIE are averages of the predicted potential outcomes (TE = NDE + NIE exactly), CDEs set M to the listed quantiles of its full-sample distribution.' +
    (Array.isArray(d.crossfit_folds) ? crossfitText({ folds: d.crossfit_folds }) : '') + mediationWeightsText(d, Array.isArray(d.crossfit_folds));
}

/** How each kind computes its point estimate, from its results.json entry. */
export const METHOD_TEXT: Readonly<Record<string, (e: EstimatorEntry) => string>> = {
  difference_in_means: () => 'Mean outcome on treated days minus mean outcome on control days, with no covariates (a reference, not an adjusted estimate); standard error cluster-robust (CR1) by user.',
  regression_adjustment: () => 'Separate outcome models per arm on the covariates X; the effect is the mean over rows of μ̂₁(x) − μ̂₀(x).',
  ipw: (e) => {
    const est = estimandOfEntry(e);
    const how = weightingText(e);
    if (!how) return 'Hájek (normalized) weighted difference of means with inverse propensity weights from a P(A = 1 | X) model fitted on all rows, clipped, stabilized by the treatment rate and capped at a quantile as its label says.';
    return `Hájek (normalized) weighted difference of means${est === 'ate' ? '' : `; the ${est.toUpperCase()}, averaged over ${POPULATION[est]} only`}. ${how}`;
  },
  msm: (e) => {
    const how = weightingText(e);
    return 'Weighted least squares of Y on A (optionally with X), with the weights its label names (inverse propensity weights fitted on all rows, or none).' + estimandSentence(e) + (how ? ` ${how}` : '');
  },
  gcomp: (e) => {
    const est = estimandOfEntry(e);
    const over = est === 'ate' ? 'rows' : `${POPULATION[est]} only (the ${est.toUpperCase()})`;
    return foldCount(e.diagnostics)
      ? `Outcome model of Y on [A, X]; each row's predictions at A = 1 and A = 0 come from models fitted without that row's users, and the effect is their mean difference over ${over} (plug-in).${crossfitText(e.diagnostics)}`
      : `Outcome regression of Y on [A, X] fitted on all rows; the effect is the mean over ${over} of the predictions at A = 1 minus those at A = 0.`;
  },
  aipw: (e) => {
    const est = estimandOfEntry(e);
    const score = est === 'att'
      ? 'Doubly robust AIPW for the effect on the treated (ATT; Hahn 1998, the DML "ATTE" score): θ = Σ [A(Y − μ̂₀) − (1 − A)·ê/(1 − ê)·(Y − μ̂₀)] / Σ A, so the controls enter with weights ê/(1 − ê); clustered by user for its standard error.'
      : est === 'atc'
        ? 'Doubly robust AIPW for the effect on the controls (ATC): θ = Σ [A·(1 − ê)/ê·(Y − μ̂₁) − (1 − A)(Y − μ̂₁)] / Σ (1 − A), so the treated rows enter with weights (1 − ê)/ê; clustered by user for its standard error.'
        : 'Doubly robust AIPW: the mean over rows of the score μ̂₁ − μ̂₀ + A(Y − μ̂₁)/ê − (1 − A)(Y − μ̂₀)/(1 − ê), clustered by user for its standard error.';
    return `${score}${crossfitText(e.diagnostics)}${clipText(e.diagnostics)}`;
  },
  aipw_means: (e) => `Per-arm AIPW means E[Y(1)] and E[Y(0)] from the doubly robust scores, clustered by user for their standard errors.${estimandSentence(e)}${crossfitText(e.diagnostics)}${clipText(e.diagnostics)}`,
  // mediation's estimand (when an entry records one) is named after its decomposition
  mediation: (e) => mediationText(e) + estimandSentence(e),
  mediation_debiased: (e) => METHOD_TEXT.mediation!(e),
  sem_path: () => 'Linear path model: α from M ~ A + X, β and c′ from Y ~ A + M + X (inverse-propensity weighted unless its label says unweighted); indirect = α·β, total = c′ + α·β; path standard errors cluster-robust (CR1) by user.',
};

/** One estimate's interval, in words, and what its replicates refit or hold fixed. */
interface IntervalMethod {
  /** how the interval was made */
  interval: string;
  /** what a replicate refits and what it holds fixed ('' when there are no replicates) */
  replicates: string;
  /** the known consequence for coverage ('' when none is known) */
  consequence: string;
}

function sameInterval(a: readonly number[] | null | undefined, b: unknown): boolean {
  return !!a && Array.isArray(b) && b.length === 2 && Math.abs(a[0]! - (b[0] as number)) < 1e-9 * (1 + Math.abs(a[0]!)) && Math.abs(a[1]! - (b[1] as number)) < 1e-9 * (1 + Math.abs(a[1]!));
}


/** The interval an estimate carries, read from what results.json records about it. */
export function intervalMethod(e: EstimatorEntry, key: string, u: CellUncertainty | null): IntervalMethod {
  const d = e.diagnostics;
  const v: EstimateValue | undefined = e.estimates[key];
  const bl = isRecord(d.bootstrap) ? d.bootstrap.level : undefined;
  const level = typeof bl === 'number' ? bl : typeof d.level === 'number' ? d.level : u?.bootstrap?.level ?? 0.95;
  const pct = `${formatNumber(level * 100, 0)}%`;
  const recorded = str(d.interval_method) ?? (isRecord(d.interval) ? str(d.interval.method) : null);
  if (!v?.ci) {
    return { interval: 'none: a plug-in estimate with no score and no bootstrap', replicates: '', consequence: 'no interval, so no statement about its precision' };
  }
  const normal = isRecord(d.ci_normal) ? d.ci_normal[key] : undefined;
  const cf = foldCount(d);
  if (sameInterval(v.ci, normal) || (recorded && /influence|normal|analytic/i.test(recorded) && v.bootMean === undefined)) {
    return {
      interval: `${pct} normal interval, estimate ± z·SE, with the SE from the influence function (scores) clustered by user` + (recorded ? ` (recorded method: ${recorded})` : ''),
      replicates: cf ? 'no replicates: the cross-fitted nuisance predictions enter the scores once' : 'no replicates',
      consequence: 'valid when the nuisance models converge fast enough (cross-fitting removes their own-observation bias); in the calibration (docs/calibration.md) this interval covered better than the score bootstrap',
    };
  }
  const b = isRecord(d.bootstrap) ? d.bootstrap : null;
  const reps = typeof b?.reps === 'number' ? b.reps : u?.bootstrap?.reps ?? null;
  const repsText = reps !== null ? `${reps} ` : '';
  if (cf && b?.assembly !== 'refit') {
    const r = repeatCount(d);
    return {
      interval: `${pct} percentile interval of ${repsText}user-cluster score-bootstrap replicates` + (r > 1 ? ` (replicate r re-weights the scores of split r mod ${r})` : '') + (recorded ? ` (recorded method: ${recorded})` : '') + '.',
      replicates: 'each replicate re-weights users\' influence-function scores; the cross-fitted nuisance models are fitted once and held fixed',
      consequence: 'ignores the variability of the nuisance fits; in the calibration (docs/calibration.md) it covered less often than nominal and than the influence-function interval',
    };
  }
  if (b) {
    const refit = b.assembly === 'refit';
    const fixed = b.nuisance === 'held_fixed';
    const failed = typeof b.failed === 'number' && b.failed > 0 ? ` (${b.failed} replicates failed and were left out)` : '';
    return {
      interval: `${pct} percentile interval of ${repsText}user-cluster bootstrap replicates${failed}.`,
      replicates: (refit ? `each replicate refits the estimator on the resampled users${cf ? `, re-cross-fitting its models in ${cf} folds (the copies of a user drawn twice share a fold)` : ''}` : 'each replicate re-solves the fits from per-user sufficient statistics of the resampled users') +
        (fixed ? '; the propensity weights come from the full-sample model and are held fixed' : '; nothing is held fixed'),
      consequence: fixed
        ? 'holding estimated propensities fixed ignores that they were estimated, which for inverse-weighting estimators tends to make the interval conservative (wider than needed)'
        : 'the resampling unit is the user, so days of one user are not treated as independent',
    };
  }
  if (v.bootMean === undefined && typeof v.se === 'number') {
    return { interval: `${pct} normal interval from the standard error`, replicates: 'no replicates', consequence: '' };
  }
  return { interval: recorded ?? 'an interval whose method results.json does not record', replicates: '', consequence: '' };
}
