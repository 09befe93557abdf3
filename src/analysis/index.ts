/**
 * A cell's analysis: given its frame (and the panel and data summaries run/ built or loaded from cache),
 * run the estimators on the primary and secondary outcomes, the cell-level diagnostics, heterogeneity
 * and sensitivity, and assemble the plain CellResult that results.json and the report are made of.
 * Everything it reads comes typed and defaulted from run/compile.ts; it never reads the raw spec.
 */
import { designReadiness, naiveAssociations, residualMediatorOutcome } from '../estimate/diagnostics.js';
import { envFor } from '../estimate/env.js';
import { releaseSpareColumns } from '../estimate/linear.js';
import { kindInfo } from '../estimate/kinds/index.js';
import { runEstimatorWithRows, runsOnSecondaryOutcomes } from '../estimate/runner.js';
import type { AnalysisFrame, EstimatorContext, EstimatorResult, EstimatorSpec, ModelSpec } from '../estimate/types.js';
import { frameForOutcome } from '../frame/index.js';
import type { CellCrossfitFolds, CellResult, EstimatorEntry, ReadinessCheck } from '../results/index.js';
import { cellSensitivity } from '../sensitivity/cell.js';
import { assumptionTable } from './assumptions.js';
import { modelBlueprint } from './blueprint.js';
import { countDistinct, definitionsTable } from './definitions.js';
import { covariateQuality, groupSummary, pathwayCorrelations } from './design-summary.js';
import { exploratorySummary, frameFingerprint, uncertaintyRecord, type ExploratoryPanel } from './exploratory.js';
import { heterogeneity } from './heterogeneity.js';
import { cellPropensityDiagnostics } from './propensity.js';

export type { AnalysisSettings, CellHeterogeneity, DefinitionSettings } from './settings.js';
import type { AnalysisSettings } from './settings.js';

interface CellAnalysisInput {
  cellId: string;
  axes: CellResult['axes'];
  settings: AnalysisSettings;
  frame: AnalysisFrame;
  /** population mask over panel rows (null: every panel row) */
  population: ArrayLike<number> | null;
  panel: ExploratoryPanel & { users: number };
  /** the data's coverage and quality summary (and the simulator's truth) */
  dataSummary: Record<string, unknown> & { truth?: unknown };
  /** progress: `step: …` lines name the step the cell is on (src/run/progress.ts shows them) */
  log?: (message: string) => void;
}

/**
 * Whether a later stage reads an estimator's per-row output (mlRows): heterogeneity reads its named
 * estimator's and a cross-fitted AIPW's (./heterogeneity.ts), the DML omitted-variable bounds an AIPW's
 * (src/sensitivity/cell.ts). Others are not kept: a gbm mediation's rows (5–17 MB on the full-size demo
 * frame) stayed to the end of the cell.
 */
function rowsReadLater(spec: EstimatorSpec, settings: CellAnalysisInput['settings']): boolean {
  return spec.kind === 'aipw' || spec.id === settings.heterogeneity?.estimator;
}

export async function analyzeCell(input: CellAnalysisInput): Promise<CellResult> {
  const { settings, frame, panel, dataSummary } = input;
  const estimatorCtx: EstimatorContext = { seed: settings.seed, cellId: input.cellId, models: settings.models, bootstrap: settings.bootstrap };
  const label = (spec: EstimatorSpec) => kindInfo(spec.kind).label(spec, settings.models);
  const step = (what: string) => {
    // a step's logistic fits share one standardized copy; it is not held into the next step (src/estimate/linear.ts)
    releaseSpareColumns();
    input.log?.(`step: ${what}`);
  };
  const reps = settings.bootstrap?.reps ?? 0;

  const estimators: EstimatorEntry[] = [];
  const primaryResults: EstimatorResult[] = [];
  const mlRows = new Map<string, unknown>();
  const crossfitFolds: CellCrossfitFolds[] = [];
  settings.estimators.forEach((spec, k) => {
    // Once no estimator left can read the frame's cached grams, they only hold memory (see below).
    if (!settings.estimators.slice(k).some((s) => mayReadGrams(s, settings.models))) envFor(frame).releaseGrams();
    step(`estimator ${k + 1}/${settings.estimators.length} ${spec.id}${reps ? ` (${reps} bootstrap replicates)` : ''}`);
    const { result, rows } = runEstimatorWithRows(spec, frame, estimatorCtx);
    primaryResults.push(result);
    estimators.push(entryWithoutFolds(result, { label: label(spec) }, crossfitFolds));
    if (rows && rowsReadLater(spec, settings)) mlRows.set(spec.id, rows);
  });
  for (const outcome of settings.secondaryOutcomes) {
    step(`secondary outcome ${outcome}`);
    estimators.push(...secondaryOutcomeEntries(frame, outcome, settings, estimatorCtx, label, crossfitFolds));
  }

  // The primary frame's per-user grams (2 × 24.5 MB on the full-size demo frame) serve the linear
  // estimators' bootstrap; heterogeneity and sensitivity fit on other frames, so they go now rather than
  // staying through those stages' peak (a fit that still wants one sums it again).
  envFor(frame).releaseGrams();

  const wanted = new Set(settings.diagnostics);
  const dates = panel.dates;
  const diagnostics: CellResult['diagnostics'] = {
    data: dataSummary,
    panel: { rows: panel.length, users: panel.users, days: dates.length, firstDate: dates[0] ?? null, lastDate: dates[dates.length - 1] ?? null },
  };
  if (dataSummary.truth) diagnostics.truth = dataSummary.truth;
  diagnostics.uncertainty = uncertaintyRecord(settings);
  diagnostics.exploratory = exploratorySummary(settings, frame, panel, input.population);
  diagnostics.fingerprint = frameFingerprint(frame, panel);
  if (wanted.has('residual_mediator_outcome') && frame.M) diagnostics.residual_mediator_outcome = residualMediatorOutcome(frame);
  if (wanted.has('naive_associations')) diagnostics.naive_associations = naiveAssociations(frame);
  if (wanted.has('overlap') || wanted.has('balance')) Object.assign(diagnostics, cellPropensityDiagnostics(frame, estimatorCtx, settings.models, primaryResults));
  if (wanted.has('group_summary')) diagnostics.groupSummary = groupSummary(frame, panel);
  if (wanted.has('pathway_correlations')) diagnostics.pathwayCorrelations = pathwayCorrelations(frame, panel);
  if (wanted.has('covariate_quality')) diagnostics.covariateQuality = covariateQuality(settings, frame, panel);
  if (wanted.has('model_blueprint')) diagnostics.modelBlueprint = modelBlueprint(settings.estimators, settings.models, frame, primaryResults);

  const readiness: ReadinessCheck[] = wanted.has('readiness')
    ? designReadiness(frame).map((r) => ({ check: r.check, value: r.value, passes: r.value === null ? null : r.passes }))
    : [];

  if (settings.heterogeneity) {
    step('heterogeneity');
    const het = heterogeneity(settings.heterogeneity, frame, estimatorCtx, settings.estimators, settings.models, mlRows);
    diagnostics.heterogeneity_analysis = het.raw;
    if (het.segments.length) diagnostics.heterogeneity = het.segments;
    if (het.importance.length) diagnostics.importance = het.importance;
    if (het.drLearner) diagnostics.drLearner = het.drLearner;
    if (het.folds) crossfitFolds.push({ estimator: 'aipw_heterogeneity', ...het.folds });
  }

  step('sensitivity');
  const { sensitivity, mediatorConfounding } = await cellSensitivity({
    settings: settings.sensitivity,
    frame,
    estimators: settings.estimators,
    results: primaryResults,
    ctx: estimatorCtx,
    runEstimator: (spec, f, c) => runEstimatorWithRows(spec, f, c).result,
    rows: mlRows,
  });
  if (mediatorConfounding.length) diagnostics.mediatorConfounding = mediatorConfounding;

  releaseSpareColumns();
  const users = countDistinct(frame.cluster);
  let treated = 0;
  for (let i = 0; i < frame.n; i++) treated += frame.A[i];
  let populationRows = panel.length;
  if (input.population) {
    populationRows = 0;
    for (let i = 0; i < input.population.length; i++) if (input.population[i] > 0) populationRows++;
  }

  return {
    id: input.cellId,
    axes: input.axes,
    status: 'ok',
    sample: { rows: frame.n, users, treatedRows: treated, controlRows: frame.n - treated, panelRows: panel.length, days: dates.length },
    definitions: definitionsTable(frame, settings.definitions, { rows: populationRows, panelRows: panel.length }),
    readiness,
    assumptions: assumptionTable(frame, primaryResults, diagnostics, sensitivity, settings.primaryEstimator),
    estimators,
    diagnostics,
    sensitivity,
    warnings: [...new Set([...frame.warnings, ...separationWarning(diagnostics), ...estimators.flatMap((e) => e.warnings.map((w) => `${e.id}: ${w}`))])],
    ...(crossfitFolds.length ? { crossfitFolds } : {}),
  };
}

/** Kinds that fit linear models through the frame's cached grams (src/estimate/linear-fits.ts, kinds/). */
const GRAM_KINDS = new Set(['gcomp', 'mediation', 'msm', 'regression_adjustment', 'sem_path']);

/**
 * Whether an estimator may read the frame's cached grams: a gram kind, unless every model it names is a
 * gbm or logistic one (their fits never read a gram). Erring towards true only keeps the grams longer; a
 * wrong false costs one gram summed again, never a different result.
 */
function mayReadGrams(spec: EstimatorSpec, models: Record<string, ModelSpec>): boolean {
  if (!GRAM_KINDS.has(spec.kind)) return false;
  if (spec.kind !== 'gcomp' && spec.kind !== 'mediation') return true;
  const named = Object.values(spec).flatMap((v) => (typeof v === 'string' && models[v] ? [models[v]!] : []));
  return named.length === 0 || named.some((m) => m.kind !== 'gbm' && m.kind !== 'logistic');
}

/**
 * The estimators' entries on one secondary outcome. A function of its own so that the outcome's frame
 * and its cached grams (src/estimate/env.ts, 26 MB on the full-size demo frame) die when it returns:
 * kept in analyzeCell's locals they stayed alive through heterogeneity and sensitivity.
 */
function secondaryOutcomeEntries(
  frame: AnalysisFrame, outcome: string, settings: AnalysisSettings, estimatorCtx: EstimatorContext,
  label: (spec: EstimatorSpec) => string, crossfitFolds: CellCrossfitFolds[],
): EstimatorEntry[] {
  const secondaryFrame = frameForOutcome(frame, outcome);
  const entries: EstimatorEntry[] = [];
  for (const spec of settings.estimators) {
    if (!runsOnSecondaryOutcomes(spec, settings.models)) continue;
    const { result } = runEstimatorWithRows(spec, secondaryFrame, estimatorCtx);
    entries.push(entryWithoutFolds(result, { outcome, label: label(spec) }, crossfitFolds));
  }
  return entries;
}

/** The results.json entry of an estimator; its fold assignment goes to `sink` (the run folder's crossfit_folds.csv). */
function entryWithoutFolds(result: EstimatorResult, extra: { outcome?: string; label: string }, sink: CellCrossfitFolds[]): EstimatorEntry {
  const { folds, ...entry } = result;
  if (folds) sink.push({ estimator: result.id, ...(extra.outcome ? { outcome: extra.outcome } : {}), ...folds });
  return { ...entry, ...extra };
}

/** A cell whose arms barely share a propensity range says so: every adjusted estimate then extrapolates. */
function separationWarning(diagnostics: Record<string, unknown>): string[] {
  const support = (diagnostics.overlap as { support?: { outside: number; separated: boolean } } | undefined)?.support;
  if (!support?.separated) return [];
  return [`treatment nearly separated by the covariates: ${(support.outside * 100).toFixed(1)}% of rows lie outside the arms' common propensity range; adjusted estimates extrapolate`];
}
