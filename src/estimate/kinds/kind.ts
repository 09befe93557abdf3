/**
 * What an estimator kind is: one file in this folder (src/estimate/kinds/<kind>.ts) declares the kind's
 * options (the source the spec schema's estimator branch is checked against, test/estimate/kinds.test.ts),
 * its point estimate, fast bootstrap replicate, cross-fitted form, estimands and their labels, whether it
 * runs on secondary outcomes and which nuisance models it fits. The runner (src/estimate/runner.ts) owns
 * the bootstrap and the error policy; the registry (./index.ts) lists the kinds.
 */
import type { Env } from '../env.js';
import type { AnalysisFrame, CrossfitFolds, EstimatorContext, EstimatorResult, EstimatorSpec } from '../types.js';
import type { ErrorCode } from '../../errors.js';

/** A design problem the estimator cannot overcome (one arm empty, constant mediator…): reported, not thrown. */
export class EstimatorFailure extends Error {}

/** An estimator entry's options: the spec entry without id and kind. */
export type Opts = Record<string, unknown>;
export type Estimates = Record<string, number | null>;

export interface PointResult {
  estimates: Estimates;
  se?: Estimates;
  /** base of relative effects (control mean, or the counterfactual reference mean) */
  controlMean: number | null;
  diagnostics: Record<string, unknown>;
  warnings: string[];
  /** per-row score (AIPW) for the score bootstrap; never reported */
  psi?: Float64Array;
  /**
   * the per-row propensity the estimate used (clipped as it entered the scores), for `causeway frame`'s
   * `propensity:<id>` column (src/run/frame-export.ts) when the kind fits its own; never reported
   */
  propensity?: Float64Array;
  /** cross-fitting: each user's fold (EstimatorResult.folds, for crossfit_folds.csv) */
  folds?: CrossfitFolds;
}

/** A fast bootstrap replicate from user multiplicities (rep is the replicate number, for shared caches). */
export type Replicator = (rep: number, mult: Float64Array) => Estimates;

/** A JSON Schema fragment for one option, exactly as it appears in schemas/causeway.schema.json. */
export type OptionSchema = Record<string, unknown>;

/** The spec's names for treatment, mediator and outcome, for estimand texts. */
export interface Names { A: string; M: string; Y: string }

/** How the report's estimand registry describes an estimand. */
export interface EstimandText { symbol: string; name: string; definition: string; meaning: string; answers: string }

export interface EstimandDeclaration {
  /** the estimate key, or a pattern for a family of keys (cde_q10, cde_q90) */
  key: string | RegExp;
  /** false: no relative effect (estimate / control mean), e.g. a mediator shift or a path coefficient */
  relative?: boolean;
  /** text of the report's estimand registry; absent: an auxiliary estimate the registry leaves out */
  text?: (names: Names, key: string) => EstimandText;
}

/** What the report reads to name an estimator from results.json alone (no options there). */
interface ResultLabelInput {
  diagnostics: Record<string, unknown>;
  /** "cross-fitted (3 folds)" when the diagnostics show folds, else null */
  crossfitNote: string | null;
  /** number formatting of the report (src/report/format.ts), passed in so estimate/ does not import report/ */
  formatNumber: (x: number) => string;
}

/** The cross-fitted (any learner) form a kind runs when an entry cross-fits or names a gbm model. */
interface CrossfitForm {
  run(frame: AnalysisFrame, id: string, opts: Opts, ctx: EstimatorContext): { result: EstimatorResult; rows: unknown };
  /**
   * Options this form does not honour, each with why: an entry that runs the cross-fitted form and sets
   * one is a located spec error (src/estimate/runner.ts ignoredOptions), never silently ignored.
   */
  ignores?: Readonly<Record<string, string>>;
  /** true: this form also runs on the secondary outcomes (src/analysis/index.ts) */
  secondaryOutcomes?: boolean;
  /**
   * true: the kind's own point form fits any learner (cross-fitted when asked), so an entry with
   * `bootstrap: refit` runs there and refits every replicate (src/estimate/runner.ts usesCrossfitForm)
   */
  refitsInPointForm?: boolean;
}

export interface EstimatorKind {
  kind: string;
  /** one line for docs */
  summary: string;
  /** true: reached only through another kind's `delegate` (no spec schema branch) */
  internal?: boolean;
  /** option name → JSON Schema fragment (the branch's properties besides id and kind) */
  options: Record<string, OptionSchema>;
  /** the estimates it reports */
  estimands: EstimandDeclaration[];
  /** its primary estimate is a total effect that is meaningful for a secondary outcome too */
  secondaryOutcomes: boolean;
  /** false for estimators without covariates (no refuter targets them; the report's naive comparison) */
  adjusted: boolean;
  /** order when the summary picks its headline estimator: lower first (mediation 0, adjusted 1, unadjusted 2) */
  headlineRank: number;
  /** nuisance models the entry fits, by role */
  nuisances(opts: Opts): ('propensity' | 'outcome' | 'mediator')[];
  /** whether the fast replicate reuses the full-sample nuisance fits (results' bootstrap.nuisance: held_fixed) */
  replicatesHoldNuisances(opts: Opts): boolean;
  /** exact label from the spec entry and the models table */
  label(opts: Opts, models: Record<string, unknown>): string;
  /** label from what results.json holds */
  labelFromResult(input: ResultLabelInput): string;
  point(frame: AnalysisFrame, opts: Opts, ctx: EstimatorContext, env: Env): PointResult;
  fast?(frame: AnalysisFrame, opts: Opts, ctx: EstimatorContext, env: Env, point: PointResult): Replicator | null;
  crossfit?: CrossfitForm;
  /** another kind runs this entry (mediation with method debiased → mediation_debiased), reported under this kind */
  delegate?(opts: Opts): { kind: string; opts: Opts } | null;
  /**
   * References to other entries the schema cannot check, and options the form the entry runs in would
   * ignore (run before any data is read, src/run/compile.ts); `form.crossfitted`: it runs the kind's
   * cross-fitted form (src/estimate/runner.ts usesCrossfitForm).
   */
  checkReferences?(entry: EstimatorSpec, entries: readonly EstimatorSpec[], form: { crossfitted: boolean }): ReferenceProblem[];
  /** the entry with references to other entries resolved (msm `weights: <ipw id>` takes that entry's weighting) */
  resolve?(entry: EstimatorSpec, entries: readonly EstimatorSpec[]): EstimatorSpec;
}

/** A bad reference in an estimator entry: the option it is in, an error code and a message. */
interface ReferenceProblem { option: string; code: ErrorCode; message: string }

/** The model kind an option names: a models-table entry (`gbm: {kind: gbm}`), an inline model, or a kind itself. */
export function modelKindOf(name: unknown, models: Record<string, unknown>): string | null {
  if (isRecord(name) && typeof name.kind === 'string') return name.kind;
  if (typeof name !== 'string') return null;
  const m = models[name];
  return isRecord(m) && typeof m.kind === 'string' ? m.kind : name;
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Whether an entry asks for cross-fitting (`crossfit: true` or folds > 1), as the label shows it. */
export function asksCrossfit(opts: Opts): boolean {
  const c = opts.crossfit;
  return c === true || (isRecord(c) && (c.folds === undefined || (typeof c.folds === 'number' && c.folds > 1)));
}

