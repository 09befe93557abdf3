/**
 * Compiling a cell's spec into the plain values each stage takes: a DataRequest for data/, a
 * PanelDefinition for panel/, a FrameDefinition for frame/, the analysis settings for analysis/ (the
 * estimator list, their context, diagnostics, heterogeneity, sensitivity, definitions). The only reader
 * of the raw spec below run/; every default the stages need is applied here.
 * Also the whole-spec check that runs before any data is read (`causeway validate`): expressions,
 * history names and every column the treatment, mediator, outcomes and covariates name.
 */
import { CausewayError, CausewayErrors } from '../errors.js';
import { contentHash } from '../spec/canonical.js';
import type { LoadedSpec } from '../spec/load.js';
import { closest } from '../spec/load.js';
import type { Plan } from '../spec/plan.js';
import { joinPointer, locate, type SourceMap } from '../spec/source.js';
import type { CausewaySpec } from '../spec/types.generated.js';
import { checkPanelDefinition, planHistory, type HistoryEntry, type PanelDefinition, type PanelPlan } from '../panel/definition.js';
import type { ExpressionOrigin } from '../panel/expr/ast.js';
import type { ValueType } from '../panel/expr/check.js';
import { compileRowExpression, type CompiledRowExpression, type DerivedColumn } from '../panel/rows.js'; // not panel/index: it loads the Arrow cache
import { sourceOf, type ArchiveRequest, type SourceDescription } from '../data/source.js';
import type { FrameDefinition } from '../frame/index.js';
import type { EstimatorSpec, ModelSpec, TreatmentDefinition } from '../estimate/types.js';
import { kindInfo } from '../estimate/kinds/index.js';
import { ignoredOptions, usesCrossfitForm } from '../estimate/runner.js';
import type { AnalysisSettings, CellHeterogeneity } from '../analysis/index.js';
import type { SensitivitySettings } from '../sensitivity/cell.js';
import { specDefaults } from '../spec/defaults.js';

export interface CompiledCell {
  /** An archive source's request (src/data/source-types.ts ArchiveAccess); null for the file sources. */
  dataRequest: ArchiveRequest | null;
  /** Identity of the data request: cells with the same key share loaded data. */
  dataKey: string;
  panelDefinition: PanelDefinition;
  panelPlan: PanelPlan;
  /** Identity of the panel: cells with the same key share one panel. */
  panelKey: string;
  population: CompiledRowExpression | null;
  populationRule: string;
  /** the spec's derived analysis columns, in order, evaluated after the population (src/panel/rows.ts withDerivedColumns) */
  derived: DerivedColumn[];
  frame: Omit<FrameDefinition, 'population'>;
  estimators: EstimatorSpec[];
  models: Record<string, ModelSpec>;
  bootstrap: { reps: number; level: number } | undefined;
  /** the analysis stage's input (src/analysis/): every setting typed and defaulted here */
  analysis: AnalysisSettings;
}

/** Cell-level diagnostics when the spec lists none. */
const DEFAULT_CELL_DIAGNOSTICS = ['overlap', 'balance', 'readiness', 'residual_mediator_outcome'];

function originAt(source: SourceMap, pointer: string): ExpressionOrigin {
  const pos = locate(source, pointer);
  return { file: pos.file, line: pos.line, col: pos.col, pointer };
}

/** Identity of a spec's data section, for sharing source descriptions between cells. */
export function dataConfigKey(spec: CausewaySpec): string {
  return contentHash({ data: spec.data }, 16);
}

/**
 * Describes every distinct data section of a plan (file headers, Parquet schemas, query schemas; no
 * rows read), so expressions are checked against the columns the data really has.
 */
export async function describeSources(loaded: LoadedSpec, plan: Plan): Promise<Map<string, SourceDescription>> {
  const out = new Map<string, SourceDescription>();
  for (const cell of plan.cells) {
    const key = dataConfigKey(cell.spec);
    if (out.has(key)) continue;
    const at = (pointer: string) => {
      const pos = locate(loaded.source, loaded.source.values.has(pointer) ? pointer : '/data');
      return { kind: 'spec' as const, file: pos.file, line: pos.line, col: pos.col, pointer };
    };
    out.set(key, await sourceOf(cell.spec.data).describe(cell.spec.data, { baseDir: loaded.baseDir, at }));
  }
  return out;
}

/** Row-level checks of every distinct file source of a plan (src/data/source.ts checkRows), before a run writes anything. */
export async function checkSourceRows(loaded: LoadedSpec, plan: Plan): Promise<void> {
  const seen = new Set<string>();
  for (const cell of plan.cells) {
    const key = dataConfigKey(cell.spec);
    if (seen.has(key)) continue;
    seen.add(key);
    const source = sourceOf(cell.spec.data);
    if (!source.checkRows) continue;
    const at = (pointer: string) => {
      const pos = locate(loaded.source, loaded.source.values.has(pointer) ? pointer : '/data');
      return { kind: 'spec' as const, file: pos.file, line: pos.line, col: pos.col, pointer };
    };
    await source.checkRows(cell.spec.data, { baseDir: loaded.baseDir, at });
  }
}

/** The panel plan of a ready panel (data.source: panel): its measures, their history, user features. */
function readyPanelPlan(spec: CausewaySpec, source: SourceMap, def: PanelDefinition, measures: Map<string, ValueType>, users: Map<string, ValueType>): PanelPlan {
  const errors: CausewayError[] = [];
  for (const section of ['events', 'days'] as const) {
    if (spec[section] && Object.keys(spec[section]!).length > 0) {
      const pos = locate(source, `/${section}`);
      errors.push(new CausewayError('SPEC_PANEL_SECTION', `a ready panel (data.source: panel) has no ${section}; its columns are the day measures (derive more in a query)`, { kind: 'spec', file: pos.file, line: pos.line, col: pos.col, pointer: `/${section}` }));
    }
  }
  const dayScope = new Map<string, ValueType>([['active_day', 'boolean'], ['calendar_day_index', 'number'], ...measures]);
  const planned = planHistory(def.history, dayScope, errors);
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new CausewayErrors(errors);
  const columns = new Map<string, ValueType>([['user_id', 'number'], ['date', 'number'], ['active_day', 'boolean'], ['calendar_day_index', 'number'], ...measures, ...planned.columns]);
  const userFeatures = [...users.keys()].filter((u) => !columns.has(u));
  for (const u of userFeatures) columns.set(u, users.get(u)!);
  return { events: [], days: [], history: planned.history, userFeatures, itemDailyColumns: [], itemColumns: [], columns };
}

/** The panel plan of a unit table: no events, days or history; its columns are the table's. */
function unitPlan(spec: CausewaySpec, source: SourceMap, columns: Map<string, ValueType>): PanelPlan {
  const errors: CausewayError[] = [];
  for (const section of ['events', 'days', 'history'] as const) {
    if (spec[section] && Object.keys(spec[section]!).length > 0) {
      const pos = locate(source, `/${section}`);
      errors.push(new CausewayError('SPEC_TABLE_SECTION', `a unit table (data.source: table) has no ${section}; name its columns directly`, { kind: 'spec', file: pos.file, line: pos.line, col: pos.col, pointer: `/${section}` }));
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new CausewayErrors(errors);
  return { events: [], days: [], history: [], userFeatures: [], itemDailyColumns: [], itemColumns: [], columns };
}

function panelDefinitionOf(spec: CausewaySpec, source: SourceMap): PanelDefinition {
  const named = (section: 'events' | 'days') =>
    Object.entries(spec[section] ?? {}).map(([name, expr]) => ({ name, expr, origin: originAt(source, joinPointer(`/${section}`, name)) }));
  const history: HistoryEntry[] = [];
  const h = spec.history ?? {};
  for (const kind of ['lag', 'prior', 'lead', 'future'] as const) {
    const entry = h[kind] as { days: number[]; of: string[]; incomplete?: 'missing' | 'zero' } | undefined;
    if (!entry) continue;
    history.push({
      kind,
      days: entry.days,
      of: entry.of,
      incomplete: entry.incomplete,
      origin: originAt(source, `/history/${kind}`),
      ofOrigins: entry.of.map((_, i) => originAt(source, `/history/${kind}/of/${i}`)),
    });
  }
  return { events: named('events'), days: named('days'), history, userFeatures: 'all' };
}

/** The columns of a source whose layout fixes them (an archive), for a cell compiled without a description. */
function layoutSchema(spec: CausewaySpec) {
  const schema = sourceOf(spec.data).schema?.();
  if (!schema) throw new Error(`internal error: source ${spec.data.source} was not described before compiling`);
  return schema;
}

/** Compiles one cell. Throws located CausewayErrors for anything that names a column that won't exist. */
export function compileCell(spec: CausewaySpec, source: SourceMap, baseDir: string, described?: SourceDescription): CompiledCell {
  const panelDefinition = panelDefinitionOf(spec, source);
  const panelPlan = described?.shape === 'units' ? unitPlan(spec, source, described.columns)
    : described?.shape === 'panel' ? readyPanelPlan(spec, source, panelDefinition, described.measures, described.users)
    : checkPanelDefinition(panelDefinition, described?.shape === 'events' ? described.schema : layoutSchema(spec));
  const columns = panelPlan.columns;
  const errors: CausewayError[] = [];
  const collect = (e: unknown) => {
    if (e instanceof CausewayErrors) errors.push(...e.errors);
    else if (e instanceof CausewayError) errors.push(e);
    else throw e;
  };
  // derived columns: row expressions over the panel and the derived columns before them (qbin allowed)
  const analysisColumns = new Map(columns);
  const derived: DerivedColumn[] = [];
  for (const [name, expr] of Object.entries((spec.derived ?? {}) as Record<string, string>)) {
    const pointer = joinPointer('/derived', name);
    if (columns.has(name)) {
      const pos = locate(source, pointer);
      errors.push(new CausewayError('SPEC_DERIVED_NAME', `derived column '${name}' is already a panel column`, { kind: 'spec', file: pos.file, line: pos.line, col: pos.col, pointer }));
      continue;
    }
    try {
      const compiled = compileRowExpression(expr, originAt(source, pointer), analysisColumns, undefined, { quantileBins: true });
      derived.push({ name, compiled });
      analysisColumns.set(name, compiled.type);
    } catch (e) {
      collect(e);
    }
  }
  const requireColumn = (name: string, pointer: string, what: string) => {
    if (analysisColumns.has(name)) return;
    const pos = locate(source, pointer);
    const suggestion = closest(name, [...analysisColumns.keys()]);
    errors.push(
      new CausewayError('SPEC_UNKNOWN_COLUMN', `${what} '${name}' is not a panel column` + (suggestion ? `; did you mean '${suggestion}'?` : ''), {
        kind: 'spec', file: pos.file, line: pos.line, col: pos.col, pointer,
      }),
    );
  };
  requireColumn(spec.treatment.measure, '/treatment/measure', 'treatment measure');
  if (spec.mediator) requireColumn(spec.mediator, '/mediator', 'mediator');
  requireColumn(spec.outcomes.primary, '/outcomes/primary', 'outcome');
  (spec.outcomes.secondary ?? []).forEach((o, i) => requireColumn(o, `/outcomes/secondary/${i}`, 'secondary outcome'));
  const covariates = spec.covariates ?? {};
  const checkCovariates = (list: string[] | undefined, key: string) =>
    (list ?? []).forEach((name, i) => {
      if (/[*?]/.test(name)) return; // globs are expanded against the panel; matching nothing is a warning
      requireColumn(name, `/covariates/${key}/${i}`, 'covariate');
    });
  checkCovariates(covariates.numeric, 'numeric');
  checkCovariates(covariates.categorical, 'categorical');
  for (const [col, by] of Object.entries(spec.heterogeneity?.by ?? {})) requireColumn(col, joinPointer('/heterogeneity/by', col), 'heterogeneity column');
  (spec.heterogeneity?.dr_learner?.modifiers ?? []).forEach((col, i) => requireColumn(col, `/heterogeneity/dr_learner/modifiers/${i}`, 'effect modifier'));
  errors.push(...estimatorReferenceErrors(spec.estimators as unknown as EstimatorSpec[], source, (spec.models ?? {}) as Record<string, ModelSpec>));

  let population: CompiledRowExpression | null = null;
  if (spec.population) {
    try {
      // panel columns only: the derived columns are computed over the population this selects
      population = compileRowExpression(spec.population, originAt(source, '/population'), columns);
    } catch (e) {
      collect(e);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new CausewayErrors(errors);

  const threshold = spec.treatment.threshold;
  const treatment: TreatmentDefinition = {
    name: spec.treatment.name ?? `A_${spec.treatment.measure}`,
    measure: spec.treatment.measure,
    threshold: 'value' in threshold ? { value: threshold.value } : { quantile: threshold.quantile, among: threshold.among ?? 'population' },
  };
  const extra = [...new Set(['user_id', 'calendar_day_index', ...Object.keys(spec.heterogeneity?.by ?? {}), ...(spec.heterogeneity?.dr_learner?.modifiers ?? [])])].filter((c) => analysisColumns.has(c));
  const archive = sourceOf(spec.data).archive;
  // the event columns the definitions name: an archive reader skips the others unconverted
  const eventColumns = [...new Set([...panelPlan.events, ...panelPlan.days].flatMap((d) => [...d.checked.refs.event]))];
  const dataRequest = archive ? archive.request(spec.data, baseDir, { itemColumns: panelPlan.itemColumns, itemDailyColumns: panelPlan.itemDailyColumns, eventColumns }) : null;
  // eventColumns follow from the definitions the panel key already holds: left out, keys stay as they were
  const keyed = dataRequest ? { ...(dataRequest as object), eventColumns: undefined } : spec.data;
  const dataKey = contentHash({ data: keyed }, 16);
  const panelKey = contentHash({ data: keyed, events: spec.events ?? {}, days: spec.days ?? {}, history: spec.history ?? {} }, 16);
  const models: Record<string, ModelSpec> = {
    linear: { kind: 'linear' },
    logistic: { kind: 'logistic', penalty: 'l2', C: 1, standardize: true },
    gbm: { kind: 'gbm' },
    ridge: { kind: 'ridge' },
    ...((spec.models ?? {}) as Record<string, ModelSpec>),
  };
  const bootstrapSpec = spec.uncertainty?.bootstrap;
  const estimators = resolveEstimators(spec.estimators as unknown as EstimatorSpec[]);
  const bootstrap = bootstrapSpec ? { reps: bootstrapSpec.reps ?? 200, level: bootstrapSpec.level ?? 0.95 } : undefined;
  const populationRule = spec.population ?? '(all panel rows)';
  const analysis: AnalysisSettings = {
    seed: spec.seed ?? specDefaults().seed,
    estimators,
    models,
    bootstrap,
    secondaryOutcomes: spec.outcomes.secondary ?? [],
    diagnostics: spec.diagnostics ?? DEFAULT_CELL_DIAGNOSTICS,
    heterogeneity: (spec.heterogeneity as CellHeterogeneity | undefined) ?? null,
    primaryEstimator: spec.report?.primary,
    sensitivity: (spec.sensitivity ?? {}) as SensitivitySettings,
    definitions: {
      treatmentRule: {
        direction: spec.treatment.direction ?? '>=',
        value: 'value' in threshold ? threshold.value : null,
        quantile: 'quantile' in threshold ? threshold.quantile : null,
        among: ('among' in threshold ? threshold.among : undefined) ?? 'population',
      },
      // a derived column's rule is its expression, as a day measure's (the definitions table shows both)
      dayExpressions: { ...(spec.days ?? {}), ...(spec.derived ?? {}) } as Record<string, string>,
      futureIncomplete: spec.history?.future?.incomplete ?? 'missing',
      covariates: { numeric: covariates.numeric ?? [], categorical: covariates.categorical ?? [] },
      populationRule,
    },
  };
  return {
    dataRequest,
    dataKey,
    panelDefinition,
    panelPlan,
    panelKey,
    population,
    populationRule,
    derived,
    frame: {
      treatment,
      mediator: spec.mediator ?? null,
      outcome: spec.outcomes.primary,
      secondary: spec.outcomes.secondary ?? [],
      covariates: {
        numeric: covariates.numeric ?? [],
        categorical: covariates.categorical ?? [],
        impute: 'median',
        dropConstant: covariates.drop_constant ?? true,
        transforms: (covariates.transforms ?? {}) as FrameDefinition['covariates']['transforms'],
      },
      extra,
      activeDayColumn: 'active_day',
    },
    estimators,
    models,
    bootstrap,
    analysis,
  };
}

/**
 * The pre-data check of a whole plan: every distinct cell definition compiles. An error a grid value
 * causes (a mediator that is not a panel column, say) is reported at that value in the grid.
 */
export function checkSpecExpressions(loaded: LoadedSpec, plan: Plan, described?: Map<string, SourceDescription>): void {
  const { errors } = specExpressionProblems(loaded, plan, described);
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new CausewayErrors(errors);
}

/**
 * Every expression and column error of every distinct cell (not only the first cell's), and a warning
 * for each covariate glob that matches no panel column (the frame, src/frame/index.ts, would drop it
 * at run time). `skip` leaves out cells whose data could not be described; `specInvalid` says the spec
 * failed the schema, so a cell that trips over a value of the wrong type is left to that schema error.
 */
export function specExpressionProblems(
  loaded: LoadedSpec, plan: Plan, described?: Map<string, SourceDescription>,
  opts: { skip?: (cell: Plan['cells'][number]) => boolean; specInvalid?: boolean } = {},
): { errors: CausewayError[]; warnings: CausewayError[] } {
  const errors: CausewayError[] = [];
  const warnings: CausewayError[] = [];
  const seen = new Set<string>();
  const relocate = (err: CausewayError, cell: Plan['cells'][number]) => (Object.keys(cell.axes).length === 0 ? err : relocateToAxis(err, cell.axes, plan, loaded.source));
  for (const cell of plan.cells) {
    if (opts.skip?.(cell)) continue;
    const key = contentHash({ data: cell.spec.data, e: cell.spec.events, d: cell.spec.days, h: cell.spec.history, p: cell.spec.population, dv: cell.spec.derived, t: cell.spec.treatment, m: cell.spec.mediator, o: cell.spec.outcomes, c: cell.spec.covariates, het: cell.spec.heterogeneity });
    if (seen.has(key)) continue;
    seen.add(key);
    let compiled: CompiledCell;
    try {
      compiled = compileCell(cell.spec, loaded.source, loaded.baseDir, described?.get(dataConfigKey(cell.spec)));
    } catch (e) {
      if (e instanceof CausewayError || e instanceof CausewayErrors) errors.push(...(e instanceof CausewayErrors ? e.errors : [e]).map((err) => relocate(err, cell)));
      else if (!opts.specInvalid) throw e;
      continue;
    }
    for (const w of unmatchedPatternWarnings(cell.spec, loaded.source, compiled.panelPlan.columns)) warnings.push(relocate(w, cell));
  }
  return { errors: dedupe(errors), warnings: dedupe(warnings) };
}

function dedupe(errors: CausewayError[]): CausewayError[] {
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(e.format()) && seen.add(e.format()) !== undefined);
}

/** The frame's glob rule (src/frame/index.ts globToRegExp): `*` any run of characters, `?` one. */
function globMatcher(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

function unmatchedPatternWarnings(spec: CausewaySpec, source: SourceMap, columns: Map<string, ValueType>): CausewayError[] {
  const out: CausewayError[] = [];
  const names = [...columns.keys()];
  for (const key of ['numeric', 'categorical'] as const) {
    (spec.covariates?.[key] ?? []).forEach((pattern, i) => {
      if (!/[*?]/.test(pattern)) return;
      const re = globMatcher(pattern);
      if (names.some((c) => re.test(c))) return;
      const pointer = `/covariates/${key}/${i}`;
      const pos = locate(source, pointer);
      out.push(new CausewayError('SPEC_PATTERN_UNMATCHED', `${key} covariate pattern "${pattern}" matches no panel column`, { kind: 'spec', file: pos.file, line: pos.line, col: pos.col, pointer }));
    });
  }
  return out;
}

function relocateToAxis(err: CausewayError, axes: Record<string, unknown>, plan: Plan, source: SourceMap): CausewayError {
  const where = err.where;
  if (where.kind !== 'spec' || !where.pointer) return err;
  for (const [path, value] of Object.entries(axes)) {
    const axisPointer = '/' + path.split('.').join('/');
    if (!(where.pointer === axisPointer || where.pointer.startsWith(axisPointer + '/') || axisPointer.startsWith(where.pointer + '/'))) continue;
    const axis = plan.axes.find((a) => a.path === path);
    const index = axis ? axis.values.findIndex((v) => JSON.stringify(v) === JSON.stringify(value)) : -1;
    if (index < 0) continue;
    const grid = joinPointer('/sensitivity/grid', path);
    const pointer = source.values.has(`${grid}/${index}`) ? `${grid}/${index}` : undefined;
    if (!pointer) continue;
    const pos = locate(source, pointer);
    return new CausewayError(err.code, `${err.message} (grid value for '${path}')`, { kind: 'spec', file: pos.file, line: pos.line, col: pos.col, pointer }, err.hint);
  }
  return err;
}

/** Entries with references to other entries resolved by their kinds (an msm naming an ipw estimator by id). */
export function resolveEstimators(estimators: EstimatorSpec[]): EstimatorSpec[] {
  return estimators.map((est) => kindInfo(est.kind).resolve?.(est, estimators) ?? est);
}

/**
 * References among estimator entries that only their kinds can check, and options the form an entry runs
 * in would ignore (a cross-fitted mediation's weights or cde_at); located errors.
 */
function estimatorReferenceErrors(estimators: EstimatorSpec[], source: SourceMap, models: Record<string, ModelSpec>): CausewayError[] {
  const errors: CausewayError[] = [];
  estimators.forEach((est, index) => {
    for (const { option, why } of ignoredOptions(est, models)) {
      const pointer = `/estimators/${index}/${option}`;
      const pos = locate(source, pointer);
      errors.push(new CausewayError('SPEC_IGNORED_OPTION', `${option} has no effect here: ${why} (a gbm model or crossfit: makes '${est.id}' cross-fitted)`, { kind: 'spec', file: pos.file, line: pos.line, col: pos.col, pointer }, `remove ${option}, or use linear models without crossfit`));
    }
    for (const p of kindInfo(est.kind).checkReferences?.(est, estimators, { crossfitted: usesCrossfitForm(est, models) }) ?? []) {
      const pointer = `/estimators/${index}/${p.option}`;
      const pos = locate(source, pointer);
      errors.push(new CausewayError(p.code, p.message, { kind: 'spec', file: pos.file, line: pos.line, col: pos.col, pointer }));
    }
  });
  return errors;
}
