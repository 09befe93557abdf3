/**
 * One cell end to end: spec → data → panel → frame → estimators → diagnostics → sensitivity, returned
 * as the plain CellResult that results.json and the report are made of. Work several cells share
 * (loaded data, panels) goes through `ctx.shared` and the on-disk panel cache, so a grid builds each
 * panel once. This module is what the grid engine's workers load (`runCell`).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CausewayError } from '../errors.js';
import { loadSpec } from '../spec/load.js';
import type { Cell } from '../spec/plan.js';
import type { SourceMap } from '../spec/source.js';
import { contentHash } from '../spec/canonical.js';
import { archiveFingerprint, ensureDemoArchive, loadData, type LoadedData } from '../data/index.js';
import { buildPanelCached, evaluateRows, type Panel } from '../panel/index.js';
import { buildFrame, frameForOutcome } from '../frame/index.js';
import { runEstimator } from '../estimate/index.js';
import { designReadiness, residualMediatorOutcome, naiveAssociations, overlapSummary, balanceTable } from '../estimate/diagnostics.js';
import { runMlEstimator } from '../estimate/ml/index.js';
import { segmentEffects, numericSegments, categoricalSegments, moderatorImportance, summarizeRowEffects, type Segmentation } from '../estimate/ml/heterogeneity.js';
import type { AipwRows } from '../estimate/ml/ate.js';
import type { MediationRows } from '../estimate/ml/mediation.js';
import { makeLearner, resolveModel } from '../estimate/learners.js';
import type { AnalysisFrame, CrossfitFolds, EstimatorContext, EstimatorResult, EstimatorSpec } from '../estimate/types.js';
import { cellSensitivity } from '../sensitivity/index.js';
import type { AssumptionCheck, CellCrossfitFolds, CellResult, EstimatorEntry, ImportanceRow, ReadinessCheck, SegmentEffect } from '../report/results.js';
import { compileCell, type CompiledCell } from './compile.js';
import { labelFromSpec } from '../report/labels.js';
import type { RunCellContext } from './engine.js';
import { Rng } from '../rng.js';

interface DataSummary {
  fingerprint: string;
  coverage: LoadedData['coverage'];
  quality: LoadedData['quality'];
  source: { path: string; layout: string; matrix: string } | null;
  truth: unknown;
}

/** Kinds whose primary estimate is a total effect that is meaningful for a secondary outcome too. */
const SECONDARY_KINDS = new Set(['difference_in_means', 'regression_adjustment', 'ipw', 'gcomp', 'aipw']);

export async function runCell(cell: Cell, ctx: RunCellContext): Promise<CellResult> {
  const source = await ctx.shared.memo(`spec-source:${ctx.specPath}`, () => loadSpec(ctx.specPath).source);
  const compiled = compileCell(cell.spec, source as SourceMap, ctx.baseDir);
  const seed = cell.spec.seed ?? 20200705;

  const archivePath = await ctx.shared.memo(`archive:${compiled.dataRequest.path ?? 'demo'}`, async () =>
    compiled.dataRequest.path ?? (await ensureDemoArchive(ctx.cacheDir, ctx.log)).archive,
  );
  const request = { ...compiled.dataRequest, path: archivePath };
  const fingerprint = await ctx.shared.memo(`fingerprint:${archivePath}`, () => archiveFingerprint(archivePath));
  const selection = { matrix: request.matrix, sample: request.sample, missingTime: request.missingTime, tables: request.tables, itemDailyColumns: request.itemDailyColumns };
  const dataKey = contentHash({ fingerprint, selection }, 20);
  // The archive is read only on a panel-cache miss; the data's coverage and quality table are written
  // beside the panel then, and the event columns are released as the panel consumes them, so a full
  // big-matrix panel never holds both the events and the panel in memory.
  const loadForPanel = async () => {
    const data = await loadData(request, { cacheDir: ctx.cacheDir, log: ctx.log });
    writeDataSummary(ctx.cacheDir, dataKey, summaryOf(data, fingerprint, archivePath, compiled.dataRequest.source === 'synthetic'));
    return data;
  };
  const panel = (await ctx.shared.memo(`panel:${dataKey}:${compiled.panelKey}`, () =>
    buildPanelCached({ fingerprint, selection, load: loadForPanel }, compiled.panelDefinition, {
      cacheDir: ctx.cacheDir,
      log: ctx.log,
      build: { releaseEventColumns: true },
    }),
  )) as Panel;
  const dataSummary = await ctx.shared.memo(`data-summary:${dataKey}`, async () => {
    const cached = readDataSummary(ctx.cacheDir, dataKey, fingerprint);
    if (cached) return cached;
    const data = await loadData(request, { cacheDir: ctx.cacheDir, log: ctx.log });
    const summary = summaryOf(data, fingerprint, archivePath, compiled.dataRequest.source === 'synthetic');
    writeDataSummary(ctx.cacheDir, dataKey, summary);
    return summary;
  });

  // Cells that differ only in estimator options share one design (population, A, M, Y, covariates).
  const frameKey = contentHash({ panel: compiled.panelKey, data: dataKey, population: compiled.populationRule, frame: compiled.frame }, 20);
  const { population, frame } = await ctx.shared.memo(`frame:${frameKey}`, () => {
    const mask = compiled.population ? evaluateRows(compiled.population, panel.table) : null;
    return { population: mask, frame: buildFrame(panel, { ...compiled.frame, population: mask }) };
  });
  const estimatorCtx: EstimatorContext = { seed, cellId: cell.id, models: compiled.models, bootstrap: compiled.bootstrap };

  const estimators: EstimatorEntry[] = [];
  const primaryResults: EstimatorResult[] = [];
  const mlRows = new Map<string, unknown>();
  const crossfitFolds: CellCrossfitFolds[] = [];
  for (const spec of compiled.estimators) {
    const { result, rows } = runOne(spec, frame, estimatorCtx, compiled);
    primaryResults.push(result);
    estimators.push(entryWithoutFolds(result, { label: labelFromSpec(spec, compiled.models) }, crossfitFolds));
    if (rows) mlRows.set(spec.id, rows);
  }
  for (const outcome of compiled.frame.secondary ?? []) {
    const secondaryFrame = frameForOutcome(frame, outcome);
    for (const spec of compiled.estimators) {
      if (!SECONDARY_KINDS.has(spec.kind) || usesCrossfit(spec, compiled)) continue;
      const { result } = runOne(spec, secondaryFrame, estimatorCtx, compiled);
      estimators.push(entryWithoutFolds(result, { outcome, label: labelFromSpec(spec, compiled.models) }, crossfitFolds));
    }
  }

  const diagnosticsWanted = new Set(cell.spec.diagnostics ?? ['overlap', 'balance', 'readiness', 'residual_mediator_outcome']);
  const diagnostics: CellResult['diagnostics'] = {
    data: dataSummary as unknown as Record<string, unknown>,
    panel: { rows: panel.length, users: countDistinct(panel.userId), days: panel.dates.length, firstDate: panel.dates[0] ?? null, lastDate: panel.dates[panel.dates.length - 1] ?? null },
  };
  if (dataSummary.truth) diagnostics.truth = dataSummary.truth;
  if (diagnosticsWanted.has('residual_mediator_outcome') && frame.M) diagnostics.residual_mediator_outcome = residualMediatorOutcome(frame);
  if (diagnosticsWanted.has('naive_associations')) diagnostics.naive_associations = naiveAssociations(frame);
  if (diagnosticsWanted.has('overlap') || diagnosticsWanted.has('balance')) Object.assign(diagnostics, cellPropensityDiagnostics(frame, estimatorCtx, compiled, primaryResults));

  const readiness: ReadinessCheck[] = diagnosticsWanted.has('readiness')
    ? designReadiness(frame).map((r) => ({ check: r.check, value: r.value, passes: r.value === null ? null : r.passes }))
    : [];

  if (cell.spec.heterogeneity) {
    const het = heterogeneity(cell, frame, estimatorCtx, compiled, mlRows);
    diagnostics.heterogeneity_analysis = het.raw;
    if (het.segments.length) diagnostics.heterogeneity = het.segments;
    if (het.importance.length) diagnostics.importance = het.importance;
    if (het.folds) crossfitFolds.push({ estimator: 'aipw_heterogeneity', ...het.folds });
  }

  const sensitivitySettings = cell.spec.sensitivity ?? {};
  const { sensitivity, mediatorConfounding } = await cellSensitivity({
    settings: sensitivitySettings as Parameters<typeof cellSensitivity>[0]['settings'],
    frame,
    estimators: compiled.estimators,
    results: primaryResults,
    ctx: estimatorCtx,
    runEstimator: (spec, f, c) => runOne(spec, f, c, compiled).result,
  });
  if (mediatorConfounding.length) diagnostics.mediatorConfounding = mediatorConfounding;

  const defs = frame.definitions;
  const treatmentThreshold = cell.spec.treatment.threshold as { value?: number; quantile?: number; among?: string };
  const meanSd = (v: Float64Array) => {
    let n = 0, m = 0, s = 0;
    for (const x of v) if (Number.isFinite(x)) { n++; const d = x - m; m += d / n; s += d * (x - m); }
    return { mean: n ? m : null, sd: n > 1 ? Math.sqrt(s / (n - 1)) : null };
  };
  const users = countDistinct(frame.cluster);
  let treated = 0;
  for (let i = 0; i < frame.n; i++) treated += frame.A[i];
  const populationRows = population ? population.reduce((a, v) => a + (v > 0 ? 1 : 0), 0) : panel.length;

  return {
    id: cell.id,
    axes: cell.axes as CellResult['axes'],
    status: 'ok',
    sample: { rows: frame.n, users, treatedRows: treated, controlRows: frame.n - treated, panelRows: panel.length, days: panel.dates.length },
    definitions: {
      treatment: {
        name: defs.treatment.name,
        measure: defs.treatment.measure,
        rule:
          treatmentThreshold.value !== undefined
            ? `${defs.treatment.measure} ${cell.spec.treatment.direction ?? '>='} ${treatmentThreshold.value}`
            : `${defs.treatment.measure} ${cell.spec.treatment.direction ?? '>='} its ${treatmentThreshold.quantile} quantile among ${treatmentThreshold.among ?? 'population'} (= ${round(defs.threshold)})`,
        threshold: defs.threshold,
        quantile: treatmentThreshold.quantile ?? null,
        treatedShare: defs.treatedShare,
      },
      mediator: frame.M && defs.mediator ? { name: defs.mediator, rule: ruleOf(cell, defs.mediator), ...meanSd(frame.M) } : null,
      outcome: { name: defs.outcome, rule: ruleOf(cell, defs.outcome), ...meanSd(frame.Y) },
      secondary: Object.entries(frame.secondary).map(([name, v]) => ({ name, rule: ruleOf(cell, name), ...meanSd(v) })),
      population: { rule: compiled.populationRule, rows: populationRows, share: panel.length ? populationRows / panel.length : 0 },
      covariates: {
        numeric: cell.spec.covariates?.numeric ?? [],
        categorical: cell.spec.covariates?.categorical ?? [],
        designColumns: frame.X.cols,
        dropped: frame.warnings.filter((w) => /constant/.test(w)),
      },
    },
    readiness,
    assumptions: assumptionTable(frame, primaryResults, diagnostics, sensitivity),
    estimators,
    diagnostics,
    sensitivity,
    warnings: [...new Set([...frame.warnings, ...estimators.flatMap((e) => e.warnings.map((w) => `${e.id}: ${w}`))])],
    ...(crossfitFolds.length ? { crossfitFolds } : {}),
  };
}

/** The results.json entry of an estimator; its fold assignment goes to `sink` (crossfit_folds.csv). */
function entryWithoutFolds(result: EstimatorResult, extra: { outcome?: string; label: string }, sink: CellCrossfitFolds[]): EstimatorEntry {
  const { folds, ...entry } = result;
  if (folds) sink.push({ estimator: result.id, ...(extra.outcome ? { outcome: extra.outcome } : {}), ...folds });
  return { ...entry, ...extra };
}

function round(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 10000) / 10000) : String(x);
}

function countDistinct(values: Int32Array): number {
  return new Set(values).size;
}

/** How a panel column is made, for the definitions table: its day expression, history rule or name. */
function ruleOf(cell: Cell, name: string): string {
  const days = (cell.spec.days ?? {}) as Record<string, string>;
  if (days[name]) return days[name];
  const m = /^future_(\d+)day_(.+)$/.exec(name);
  if (m) return `sum of ${m[2]} over the next ${m[1]} days (${cell.spec.history?.future?.incomplete ?? 'missing'} when the window runs past the data)`;
  const lag = /^lag_(\d+)_(.+)$/.exec(name);
  if (lag) return `${lag[2]} ${lag[1]} day(s) before`;
  return name;
}

function usesCrossfit(spec: EstimatorSpec, compiled: CompiledCell): boolean {
  if (spec.crossfit) return true;
  for (const key of ['outcome', 'propensity', 'mediator_model', 'outcome_model']) {
    const ref = spec[key];
    if (typeof ref === 'string' && compiled.models[ref]?.kind === 'gbm') return true;
  }
  return false;
}

/**
 * Dispatch: closed-form and linear estimators run in estimate/ (bootstrap from sufficient statistics);
 * estimators that cross-fit or name a gbm model run in estimate/ml/; `method: debiased|both` mediation
 * runs the efficient-influence-function estimator beside the plug-in.
 */
function runOne(spec: EstimatorSpec, frame: AnalysisFrame, ctx: EstimatorContext, compiled: CompiledCell): { result: EstimatorResult; rows: unknown } {
  const method = spec.method as string | undefined;
  if (spec.kind === 'mediation' && (method === 'debiased' || method === 'both')) {
    const { method: _m, cde_at: _c, ...rest } = spec;
    return { result: { ...runEstimator({ ...rest, kind: 'mediation_debiased' }, frame, ctx), kind: 'mediation' }, rows: null };
  }
  if ((spec.kind === 'gcomp' || spec.kind === 'aipw' || spec.kind === 'mediation') && usesCrossfit(spec, compiled)) {
    const { method: _m, cde_at: _c, ...rest } = spec;
    const out = runMlEstimator(frame, { ...rest, debiased: false }, ctx);
    return { result: out.result, rows: out.rows };
  }
  return { result: runEstimator(spec, frame, ctx), rows: null };
}

/**
 * Overlap and balance for the cell: the summary, balance and weights of the first IPW-type estimator
 * when there is one, plus a propensity histogram by arm (from a logistic propensity fitted here for
 * the overlap figure, and as the whole diagnostic when no estimator weights).
 */
function cellPropensityDiagnostics(frame: AnalysisFrame, ctx: EstimatorContext, compiled: CompiledCell, results: EstimatorResult[]): Record<string, unknown> {
  let treated = 0;
  for (let i = 0; i < frame.n; i++) treated += frame.A[i];
  if (treated === 0 || treated === frame.n) return {};
  const learner = makeLearner(resolveModel('logistic', compiled.models, 'logistic'), new Rng(ctx.seed, ctx.cellId, 'cell-propensity'));
  const p = learner.fit(frame.X, frame.A).predict(frame.X);
  const histogram = propensityHistogram(p, frame.A, 20);
  const withOverlap = results.find((r) => r.status === 'ok' && r.diagnostics.overlap);
  if (withOverlap) {
    const out: Record<string, unknown> = { overlap: { ...(withOverlap.diagnostics.overlap as object), histogram }, overlapFrom: withOverlap.id };
    if (withOverlap.diagnostics.balance) out.balance = withOverlap.diagnostics.balance;
    if (withOverlap.diagnostics.weights) out.weights = withOverlap.diagnostics.weights;
    return out;
  }
  return { overlap: { ...overlapSummary(p, frame.A), histogram }, balance: balanceTable(frame, null), overlapFrom: 'logistic propensity (diagnostic)' };
}

function propensityHistogram(p: Float64Array, A: Float64Array, bins: number): { edges: number[]; treated: number[]; control: number[] } {
  const edges = Array.from({ length: bins + 1 }, (_, k) => k / bins);
  const treated = new Array<number>(bins).fill(0);
  const control = new Array<number>(bins).fill(0);
  for (let i = 0; i < p.length; i++) {
    if (!Number.isFinite(p[i])) continue;
    const k = Math.min(bins - 1, Math.max(0, Math.floor(p[i] * bins)));
    if (A[i] === 1) treated[k]++;
    else control[k]++;
  }
  return { edges, treated, control };
}

/**
 * Heterogeneity (seeds 003/004): per-row cross-fitted effects of the named estimator summarized by
 * segments — AIPW pseudo-outcome means with bootstrap CIs and a size filter (seed 003), or the
 * mediation estimator's per-row TE/NDE/NIE means (seed 004) — and moderator importance from a gbm
 * fitted to the pseudo-outcomes.
 */
function heterogeneity(
  cell: Cell, frame: AnalysisFrame, ctx: EstimatorContext, compiled: CompiledCell, mlRows: Map<string, unknown>,
): { raw: Record<string, unknown>; segments: SegmentEffect[]; importance: ImportanceRow[]; folds?: CrossfitFolds } {
  const het = cell.spec.heterogeneity!;
  const estimatorId = het.estimator ?? compiled.estimators.find((e) => e.kind === 'aipw')?.id;
  const segmentations: Segmentation[] = [];
  for (const [column, rule] of Object.entries(het.by)) {
    const categorical = frame.extra.categorical[column];
    const numeric = frame.extra.numeric[column];
    if (categorical) segmentations.push(categoricalSegments(column, categorical));
    else if (numeric) segmentations.push(numericSegments(column, numeric, rule.buckets ? { buckets: rule.buckets } : { tertiles: true }));
  }
  const out: Record<string, unknown> = { estimator: estimatorId ?? null };
  const named = estimatorId ? mlRows.get(estimatorId) : undefined;
  if (named && 'iteTotal' in (named as object)) out.mediation_segments = summarizeRowEffects(frame.cluster, named as MediationRows, segmentations);
  let aipwRows = named && 'psi' in (named as object) ? (named as AipwRows) : undefined;
  let internalFolds: CrossfitFolds | undefined;
  if (!aipwRows) {
    // No cross-fitted AIPW ran: fit one (linear outcome, logistic propensity) for the pseudo-outcomes.
    const aipwSpec: EstimatorSpec = { id: 'aipw_heterogeneity', kind: 'aipw', outcome: 'linear', propensity: 'logistic', crossfit: { folds: 3 } };
    const fitted = runMlEstimator(frame, aipwSpec, { ...ctx, bootstrap: undefined });
    aipwRows = (fitted.rows as AipwRows | null) ?? undefined;
    internalFolds = fitted.result.folds;
    out.pseudo_outcomes_from = 'cross-fitted AIPW (linear outcome, logistic propensity)';
  }
  if (!aipwRows) return { raw: { ...out, error: 'no per-row effects could be computed' }, segments: [], importance: [] };
  const rawSegments = segmentEffects(frame, aipwRows, segmentations, {
    minRows: het.min_size ?? 50,
    minUsers: 10,
    reps: ctx.bootstrap?.reps ?? 0,
    level: ctx.bootstrap?.level ?? 0.95,
    seed: ctx.seed,
    cellId: ctx.cellId,
  });
  out.segments = rawSegments;
  // The report's typed view: AIPW segment effects (seed 003) and moderator importance.
  const segments: SegmentEffect[] = rawSegments.map((r) => ({
    by: r.segment_type,
    segment: r.passes_size_filter ? r.segment : `${r.segment} (below size filter)`,
    rows: r.rows,
    users: r.users,
    treatedShare: r.treatment_rate,
    estimand: 'ate',
    value: { estimate: r.aipw_ate, ci: r.ci_95_lower !== null && r.ci_95_upper !== null ? [r.ci_95_lower, r.ci_95_upper] : null, bootMean: r.bootstrap_mean, bootSd: r.bootstrap_std },
  }));
  let importance: ImportanceRow[] = [];
  if (het.importance !== false) {
    const learner = makeLearner(resolveModel('gbm', compiled.models, 'gbm'), new Rng(ctx.seed, ctx.cellId, 'moderator-importance'));
    const moderators = moderatorImportance(frame.X, aipwRows.psi, learner);
    out.moderator_importance = moderators;
    importance = moderators.map((m) => ({ model: 'effect moderators (gbm on AIPW pseudo-outcomes)', target: 'effect', feature: m.feature, gain: m.importance, splits: m.splits, share: m.importance_share ?? 0 }));
  }
  return { raw: out, segments, importance, folds: internalFolds };
}

/** Seed 002's assumption table: what each identifying assumption rests on and what checked it. */
function assumptionTable(frame: AnalysisFrame, results: EstimatorResult[], diagnostics: Record<string, unknown>, sensitivity: CellResult['sensitivity']): AssumptionCheck[] {
  const overlap = diagnostics.overlap as Record<string, number | null> | undefined;
  const extremes = overlap ? (overlap.share_below_0_05 ?? overlap.shareBelow005 ?? 0)! + (overlap.share_above_0_95 ?? overlap.shareAbove095 ?? 0)! : null;
  const evalue = sensitivity?.evalues?.[0];
  const residual = diagnostics.residual_mediator_outcome as Array<{ relationship: string; pearson_corr: number | null }> | undefined;
  return [
    {
      assumption: 'Consistency (well-defined treatment)',
      status: 'design_definition',
      diagnostic: 'treatment is a fixed rule on a measured day-level share',
      value: `${frame.definitions.treatment.measure} ≥ ${round(frame.definitions.threshold)}; treated share ${(frame.definitions.treatedShare * 100).toFixed(1)}%`,
      risk: 'versions of "high discovery" differ in content mix',
    },
    {
      assumption: 'Positivity (overlap)',
      status: overlap ? 'checked' : 'not_testable',
      diagnostic: 'share of rows with propensity outside [0.05, 0.95]',
      value: extremes === null ? 'not computed' : `${(extremes * 100).toFixed(1)}%`,
      risk: extremes !== null && extremes > 0.1 ? 'high: weights will be extreme' : 'low',
    },
    {
      assumption: 'No unmeasured treatment–outcome confounding',
      status: evalue ? 'partially_checked' : 'not_testable',
      diagnostic: 'E-value of the primary total effect',
      value: evalue ? `E-value ${evalue.point?.toFixed(2) ?? 'n/a'} (CI bound ${evalue.ciBound?.toFixed(2) ?? 'n/a'})` : 'not computed (sensitivity.evalue)',
      risk: 'user intent or external events may drive both discovery and future activity',
    },
    {
      assumption: 'No unmeasured mediator–outcome confounding',
      status: residual ? 'partially_checked' : 'not_testable',
      diagnostic: 'residual correlation of mediator and outcome given covariates',
      value: residual ? residual.map((r) => `${r.relationship}: ${r.pearson_corr?.toFixed(3) ?? 'n/a'}`).join('; ') : 'no mediator',
      risk: 'same-day mood or session context may move satisfaction and future activity',
    },
    {
      assumption: 'No treatment-induced mediator–outcome confounding (cross-world)',
      status: 'not_testable',
      diagnostic: 'by design: covariates are pre-treatment (lags, prior windows, user features)',
      value: `${frame.X.cols} design columns`,
      risk: 'NDE/NIE need it; CDE does not',
    },
    {
      assumption: 'Correct nuisance models',
      status: results.some((r) => r.diagnostics.nuisance || r.diagnostics.nuisance_performance) ? 'checked' : 'partially_checked',
      diagnostic: 'linear vs flexible nuisance estimators agree; out-of-fold performance',
      value: `${results.filter((r) => r.status === 'ok').length} of ${results.length} estimators ran`,
      risk: 'linear models miss nonlinearity; compare with gbm estimators',
    },
  ];
}

/** The data's coverage and quality table (and the simulator's truth), cached beside the panel. */
function summaryOf(data: LoadedData, fingerprint: string, archivePath: string, synthetic: boolean): DataSummary {
  let truth: unknown = null;
  if (synthetic) {
    try {
      truth = JSON.parse(readFileSync(join(archivePath, '..', 'truth.json'), 'utf8'));
    } catch {
      truth = null;
    }
  }
  return {
    fingerprint,
    coverage: data.coverage,
    quality: data.quality,
    source: data.source ? { path: basename(data.source.path), layout: data.source.layout, matrix: data.source.matrix } : null,
    truth,
  };
}

function summaryFile(cacheDir: string, dataKey: string): string {
  return join(cacheDir, 'data-summaries', `${dataKey}.json`);
}

function readDataSummary(cacheDir: string, dataKey: string, fingerprint: string): DataSummary | null {
  try {
    const cached = JSON.parse(readFileSync(summaryFile(cacheDir, dataKey), 'utf8')) as DataSummary;
    return cached.fingerprint === fingerprint ? cached : null;
  } catch {
    return null; // absent or unreadable: rebuilt by the caller
  }
}

function writeDataSummary(cacheDir: string, dataKey: string, summary: DataSummary): void {
  const file = summaryFile(cacheDir, dataKey);
  mkdirSync(join(cacheDir, 'data-summaries'), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, JSON.stringify(summary));
  renameSync(temp, file);
}
