/**
 * From a results value to what the report shows: every table (raw values, written as CSV and rendered
 * as Markdown), every figure (a plan: name + how to draw it), and the sections' facts for the template.
 * Knows nothing about how estimates were computed; reads only the results value.
 */
import {
  DIRECT_KEYS,
  INDIRECT_KEYS,
  TOTAL_KEYS,
  firstEstimate,
  primaryEstimators,
  type CellResult,
  type EstimateValue,
  type EstimatorEntry,
  type ImportanceRow,
  type JsonValue,
  type ReadinessCheck,
  type Results,
  type SegmentEffect,
} from '../results/index.js';
import { normalizeDiagnostics, type NormalizedDiagnostics } from './normalize.js';
import { formatInterval, formatNumber, formatPercent, zeroVerdict, type CellValue, type ReportTable, type TableColumn } from './format.js';
import { decompositionChart, importanceChart, intervalChart, lovePlot, overlapPlot, specificationCurve } from './figures/charts.js';
import { mediationDag } from './figures/dag.js';
import { axisShortName, axisValueLabel, axisValueLabels, estimatorLabels } from './labels.js';
import { truthComparison } from './truth.js';
import { shortLabel, type Figure, type FigureOptions } from './figures/render.js';

/** Figure names a spec may list under report.figures. */
export const FIGURE_NAMES = [
  'estimator_forest',
  'dag',
  'overlap',
  'love_plot',
  'secondary_outcomes',
  'mediation_decomposition',
  'weight_sensitivity',
  'specification_curve',
  'heterogeneity',
  'feature_importance',
] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];

export interface FigurePlan {
  /** one of FIGURE_NAMES */
  kind: FigureName;
  /** file stem under figures/ (safe characters only) */
  file: string;
  title: string;
  draw: (opts: FigureOptions) => Figure;
}

/** Section facts (raw, unescaped); table and figure references are ids resolved at render time. */
export interface ReportModel {
  scope: 'run' | 'cell';
  cell: CellResult | null;
  tables: ReportTable[];
  figures: FigurePlan[];
  sections: Record<string, SectionModel>;
  facts: Record<string, JsonValue>;
}

export interface SectionModel {
  available: boolean;
  tables: string[];
  figures: string[];
  lines: string[];
  /** named parts for templates: partName → a table id or a figure file */
  parts: Record<string, { kind: 'table' | 'figure'; id: string }>;
}

type Row = Record<string, CellValue>;

function section(): SectionModel {
  return { available: false, tables: [], figures: [], lines: [], parts: {} };
}

function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** Safe file stem from data text (model ids, targets): lowercase letters, digits, '_' and '-'. */
export function fileStem(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '');
  return s.slice(0, 60) || 'x';
}

// readable estimator labels, unique within the model being built (set per buildReportModel call)
let currentLabels = new Map<EstimatorEntry, string>();
function labelOf(e: EstimatorEntry): string {
  return currentLabels.get(e) ?? e.label ?? e.id;
}

/** A short group name for figures: the estimator id, which the tables pair with its full label. */
function shortMethod(e: EstimatorEntry): string {
  return e.id;
}

function ciOf(v: EstimateValue | undefined | null): [number, number] | null {
  const ci = v?.ci;
  return ci && isNum(ci[0]) && isNum(ci[1]) ? [ci[0], ci[1]] : null;
}

/** Estimand registry text (seed 002), with the spec's own names for A, M and Y. */
/** Estimand keys the registry and the mediation table describe (an optional _debiased suffix marks the EIF estimator). */
export const KNOWN_ESTIMAND = /^(ate|te|nde|nie|cde_q\d+|alpha|beta|c_prime|indirect|total)(_debiased)?$/;

export function estimandInfo(key: string, names: { A: string; M: string; Y: string }): { symbol: string; name: string; definition: string; meaning: string; answers: string } {
  const deb = /^(.+)_debiased$/.exec(key);
  if (deb) {
    const base = estimandInfo(deb[1]!, names);
    return { ...base, symbol: `${base.symbol} (debiased)`, name: `${base.name}, efficient-influence-function estimator` };
  }
  const { A, M, Y } = names;
  const cde = /^cde_q(\d+)$/.exec(key);
  if (cde) {
    const q = Number(cde[1]);
    return {
      symbol: `CDE(q${q})`,
      name: `controlled direct effect at the ${q}th percentile of the mediator`,
      definition: `E[Y(1, m) − Y(0, m)], m = q${q}(M)`,
      meaning: `Direct contrast in ${Y} if ${M} were fixed at its ${q}th percentile for everyone.`,
      answers: `What is the direct effect of ${A} when ${M} is ${q <= 50 ? 'low' : 'high'}?`,
    };
  }
  switch (key) {
    case 'ate':
      return { symbol: 'ATE', name: 'average treatment effect', definition: 'E[Y(1) − Y(0)]', meaning: `Average difference in ${Y} had every day been ${A} = 1 rather than ${A} = 0.`, answers: `Does ${A} change ${Y} at all?` };
    case 'te':
      return { symbol: 'TE', name: 'total effect', definition: 'E[Y(1, M(1)) − Y(0, M(0))]', meaning: `Overall difference in ${Y} between treated and untreated days, through every pathway.`, answers: `Does ${A} relate to ${Y} at all?` };
    case 'nde':
      return { symbol: 'NDE', name: 'natural direct effect', definition: 'E[Y(1, M(0)) − Y(0, M(0))]', meaning: `Effect of ${A} while ${M} stays at the level it would have had without treatment.`, answers: `How much of the effect bypasses ${M}?` };
    case 'nie':
      return { symbol: 'NIE', name: 'natural indirect effect', definition: 'E[Y(1, M(1)) − Y(1, M(0))]', meaning: `Effect transmitted through the change in ${M} that ${A} causes.`, answers: `How much of the effect flows through ${M}?` };
    case 'alpha':
      return { symbol: 'α', name: 'path A → M', definition: 'M = α·A + γ′X + e', meaning: `Shift in ${M} associated with ${A}, adjusted for X.`, answers: `Does ${A} move ${M}?` };
    case 'beta':
      return { symbol: 'β', name: 'path M → Y', definition: "Y = c′·A + β·M + δ′X + e", meaning: `Change in ${Y} per unit of ${M}, holding ${A} and X fixed.`, answers: `Does ${M} move ${Y}?` };
    case 'c_prime':
      return { symbol: "c′", name: 'direct path A → Y', definition: "Y = c′·A + β·M + δ′X + e", meaning: `Difference in ${Y} by ${A} not carried by ${M} (linear path model).`, answers: `How large is the direct path?` };
    case 'indirect':
      return { symbol: 'α·β', name: 'indirect path', definition: 'α × β', meaning: `Product-of-paths indirect effect through ${M}.`, answers: `How much flows through ${M} in the path model?` };
    case 'total':
      return { symbol: "c′ + α·β", name: 'total path', definition: "c′ + α × β", meaning: `Direct plus indirect path in the linear path model.`, answers: `What is the total effect in the path model?` };
    default:
      return { symbol: key, name: key, definition: '—', meaning: '—', answers: '—' };
  }
}

const ESTIMAND_ORDER = ['ate', 'te', 'nde', 'nie', 'cde', 'alpha', 'beta', 'c_prime', 'indirect', 'total'];
function estimandRank(k: string): number {
  const base = k.replace(/_debiased$/, '');
  const i = ESTIMAND_ORDER.indexOf(base.startsWith('cde_') ? 'cde' : base);
  return (i < 0 ? 99 : i) * 2 + (base === k ? 0 : 1);
}

/** The cell shown in detail: the summary's primary cell, else the first ok cell, else the first cell. */
export function primaryCell(results: Results): CellResult | null {
  // a cell's id is the hash prefix of its analysis definition, so the grid cell with the spec's own
  // (un-varied) values has the spec hash's prefix as its id
  const base = results.cells.length > 1 ? results.cells.find((c) => c.status === 'ok' && c.id.length >= 8 && results.spec.hash.startsWith(c.id)) : undefined;
  if (base) return base;
  const id = results.summary.primary?.cellId;
  return (id ? results.cells.find((c) => c.id === id) : undefined) ?? results.cells.find((c) => c.status === 'ok') ?? results.cells[0] ?? null;
}

function axisText(v: JsonValue): string {
  return axisValueLabel(v, 200);
}

export interface ModelOptions {
  /** figure kinds to draw (default: spec.report.figures, else all) */
  figures?: readonly string[];
  /** build the model for this cell (per-cell report) instead of the run */
  cell?: CellResult;
}

export function buildReportModel(results: Results, opts: ModelOptions = {}): ReportModel {
  const scope: 'run' | 'cell' = opts.cell ? 'cell' : 'run';
  const cell = opts.cell ?? primaryCell(results);
  const wanted = new Set<string>(opts.figures ?? results.spec.report?.figures ?? FIGURE_NAMES);
  const tables: ReportTable[] = [];
  const figures: FigurePlan[] = [];
  const sections: Record<string, SectionModel> = {};
  const addTable = (s: SectionModel, t: ReportTable, part?: string): void => {
    if (t.rows.length === 0) return;
    tables.push(t);
    s.tables.push(t.id);
    s.available = true;
    if (part) s.parts[part] = { kind: 'table', id: t.id };
  };
  const addFigure = (s: SectionModel, plan: FigurePlan, part?: string): void => {
    if (!wanted.has(plan.kind)) return;
    figures.push(plan);
    s.figures.push(plan.file);
    if (part) s.parts[part] = { kind: 'figure', id: plan.file };
  };
  const defs = cell?.definitions;
  const names = {
    A: defs?.treatment.name ?? 'A',
    M: defs?.mediator?.name ?? 'M',
    Y: defs?.outcome.name ?? 'Y',
  };
  const yLabel = `Effect on ${names.Y}`;
  const ests = cell ? primaryEstimators(cell) : [];
  const okEsts = ests.filter((e) => e.status === 'ok');
  // labels are unique per outcome (a secondary outcome repeats the primary estimators)
  currentLabels = new Map();
  for (const outcome of new Set((cell?.estimators ?? []).map((e) => e.outcome))) {
    for (const [e, l] of estimatorLabels((cell?.estimators ?? []).filter((x) => x.outcome === outcome))) currentLabels.set(e, l);
  }
  const truth = truthComparison(cell);
  const normCell = normalizeDiagnostics(cell?.diagnostics as Record<string, unknown> | undefined, 'cell');
  // nuisance metrics keyed by target carry no model name: '' renders as a dash
  const normEst = new Map(okEsts.map((e) => [e, normalizeDiagnostics(e.diagnostics, '')] as const));
  // cell-level diagnostics win; otherwise the first estimator that has the key (ipw before aipw in spec order)
  const diag = <K extends keyof NormalizedDiagnostics>(key: K): NormalizedDiagnostics[K] | undefined => {
    if (normCell[key] !== undefined) return normCell[key];
    for (const e of okEsts) {
      const v = normEst.get(e)![key];
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const facts: Record<string, JsonValue> = {
    scope,
    specName: results.spec.name,
    title: results.spec.title ?? results.spec.name,
    question: results.spec.question ?? results.spec.title ?? results.spec.name,
    cellId: cell?.id ?? null,
    cellStatus: cell?.status ?? null,
    cellReason: cell?.reason ?? null,
    cellAxes: cell ? Object.entries(cell.axes).map(([k, v]) => `${k} = ${axisText(v)}`).join(', ') : '',
    treatment: names.A,
    mediator: defs?.mediator?.name ?? null,
    outcome: names.Y,
    cellCount: results.cells.length,
    causeway: results.causeway,
    schema: results.schema,
    specHash: results.spec.hash,
    seed: results.spec.seed,
    fingerprint: results.data.fingerprint,
  };

  // --- question and estimand registry ------------------------------------------------------
  const question = section();
  question.available = true;
  {
    const byKey = new Map<string, string[]>();
    for (const e of okEsts) for (const k of Object.keys(e.estimates)) byKey.set(k, [...(byKey.get(k) ?? []), e.id]);
    const keys = [...byKey.keys()].filter((k) => KNOWN_ESTIMAND.test(k)).sort((a, b) => estimandRank(a) - estimandRank(b) || (a < b ? -1 : 1));
    addTable(
      question,
      {
        id: 'estimand_registry',
        title: 'Estimand registry',
        columns: [
          { key: 'symbol', label: 'Symbol' },
          { key: 'estimand', label: 'Estimand' },
          { key: 'definition', label: 'Definition', format: 'code' },
          { key: 'meaning', label: 'Plain-language meaning' },
          { key: 'answers', label: 'Answers' },
          { key: 'estimated_by', label: 'Estimated by' },
        ],
        rows: keys.map((k) => {
          const info = estimandInfo(k, names);
          return { symbol: info.symbol, estimand: `${info.name} (${k})`, definition: info.definition, meaning: info.meaning, answers: info.answers, estimated_by: byKey.get(k)!.join(', ') };
        }),
      },
      'estimands',
    );
  }
  sections.question = question;

  // readiness: the cell's checks, else the estimators' (deduplicated by check text)
  const readinessRows: ReadinessCheck[] = [...(cell?.readiness ?? [])];
  if (readinessRows.length === 0) {
    const seen = new Set<string>();
    for (const r of [...(normCell.readiness ?? []), ...okEsts.flatMap((e) => normEst.get(e)!.readiness ?? [])]) {
      if (seen.has(r.check)) continue;
      seen.add(r.check);
      readinessRows.push(r);
    }
  }

  // --- data and sample ------------------------------------------------------------------------
  const data = section();
  {
    const c = results.data.coverage;
    const rows: Row[] = [
      { item: 'source', value: results.data.description ? `${results.data.source} — ${results.data.description}` : results.data.source },
      { item: 'archive fingerprint', value: results.data.fingerprint },
      { item: 'users in archive', value: formatNumber(c.users) },
      { item: 'events read (sampled users)', value: formatNumber(c.events) },
      { item: 'dates', value: `${c.firstDate} – ${c.lastDate}` },
      { item: 'sampled users', value: formatNumber(c.sampledUsers) + (results.data.sample ? ` (user_id % ${results.data.sample.modulus} == ${results.data.sample.remainder})` : '') },
    ];
    if (cell?.sample) {
      const s = cell.sample;
      if (s.panelRows !== undefined) rows.push({ item: 'panel rows (user-days)', value: formatNumber(s.panelRows) });
      if (defs?.population) rows.push({ item: 'population', value: `${defs.population.rule} → ${formatNumber(defs.population.rows)} rows (${formatPercent(defs.population.share)})` });
      rows.push({ item: 'analysis rows', value: `${formatNumber(s.rows)} user-days of ${formatNumber(s.users)} users` });
      rows.push({ item: 'treated / control rows', value: `${formatNumber(s.treatedRows)} / ${formatNumber(s.controlRows)}` });
    }
    addTable(data, { id: 'data_coverage', title: 'Data coverage and sample', columns: [{ key: 'item', label: 'Item' }, { key: 'value', label: 'Value' }], rows }, 'coverage');
    addTable(
      data,
      {
        id: 'data_quality',
        title: 'Data quality',
        columns: [
          { key: 'check', label: 'Check' },
          { key: 'rows', label: 'Rows', format: 'int' },
          { key: 'share', label: 'Share', format: 'pct' },
          { key: 'action', label: 'Action' },
        ],
        rows: results.data.quality.map((q) => ({ ...q })),
      },
      'quality',
    );
    if (cell) {
      addTable(
        data,
        {
          id: 'readiness_checks',
          title: 'Readiness checks',
          columns: [
            { key: 'check', label: 'Check' },
            { key: 'value', label: 'Value', format: 'num' },
            { key: 'threshold', label: 'Threshold' },
            { key: 'status', label: 'Status' },
            { key: 'note', label: 'Note' },
          ],
          rows: readinessRows.map((r) => ({ check: r.check, value: r.value, threshold: r.threshold ?? null, status: r.passes === null ? 'n/a' : r.passes ? 'passes' : 'caution', note: r.note ?? null })),
        },
        'readiness',
      );
    }
  }
  sections.data = data;

  // --- definitions of A, M, Y -----------------------------------------------------------------
  const definitions = section();
  if (defs) {
    const rows: Row[] = [
      { symbol: 'A', role: 'treatment', name: defs.treatment.name, rule: `${defs.treatment.rule} (threshold ${formatNumber(defs.treatment.threshold)})`, rate: `treated share ${formatPercent(defs.treatment.treatedShare)}`, mean: defs.treatment.treatedShare, missing: null },
    ];
    if (defs.mediator) rows.push({ symbol: 'M', role: 'mediator', name: defs.mediator.name, rule: defs.mediator.rule, rate: defs.mediator.sd !== undefined && defs.mediator.sd !== null ? `sd ${formatNumber(defs.mediator.sd)}` : null, mean: defs.mediator.mean ?? null, missing: defs.mediator.missingShare ?? null });
    rows.push({ symbol: 'Y', role: 'primary outcome', name: defs.outcome.name, rule: defs.outcome.rule, rate: defs.outcome.sd !== undefined && defs.outcome.sd !== null ? `sd ${formatNumber(defs.outcome.sd)}` : null, mean: defs.outcome.mean ?? null, missing: defs.outcome.missingShare ?? null });
    defs.secondary.forEach((s, i) => rows.push({ symbol: `Y_alt_${i + 1}`, role: 'secondary outcome', name: s.name, rule: s.rule, rate: s.sd !== undefined && s.sd !== null ? `sd ${formatNumber(s.sd)}` : null, mean: s.mean ?? null, missing: s.missingShare ?? null }));
    addTable(
      definitions,
      {
        id: 'definitions',
        title: 'Definitions of A, M and Y',
        columns: [
          { key: 'symbol', label: 'Symbol' },
          { key: 'role', label: 'Role' },
          { key: 'name', label: 'Column', format: 'code' },
          { key: 'rule', label: 'Rule' },
          { key: 'mean', label: 'Mean / rate', format: 'num' },
          { key: 'rate', label: 'Spread' },
          { key: 'missing', label: 'Missing (dropped)', format: 'pct' },
        ],
        rows,
      },
      'variables',
    );
    if (defs.covariates) {
      const cv = defs.covariates;
      definitions.lines.push(
        `Covariates: ${cv.numeric.length} numeric and ${cv.categorical.length} categorical, ${cv.designColumns} encoded design columns` +
          (cv.dropped.length ? `; dropped as constant: ${cv.dropped.join(', ')}` : '') +
          '.',
      );
    }
  }
  sections.definitions = definitions;

  // --- assumptions ----------------------------------------------------------------------------
  const assumptions = section();
  if (cell) {
    addTable(
      assumptions,
      {
        id: 'assumption_checks',
        title: 'Assumptions and checks',
        columns: [
          { key: 'assumption', label: 'Assumption' },
          { key: 'status', label: 'Status' },
          { key: 'diagnostic', label: 'Diagnostic' },
          { key: 'value', label: 'Value' },
          { key: 'risk', label: 'Risk if violated' },
        ],
        rows: cell.assumptions.map((a) => ({ ...a, status: a.status.replace(/_/g, ' ') })),
      },
      'checks',
    );
    const rmo = diag('residualMediatorOutcome');
    if (rmo) {
      addTable(
        assumptions,
        {
          id: 'residual_mediator_outcome',
          title: 'Mediator–outcome relationship before and after adjusting for X',
          columns: [
            { key: 'relationship', label: 'Relationship' },
            { key: 'pearson', label: 'Pearson', format: 'num', digits: 4 },
            { key: 'spearman', label: 'Spearman', format: 'num', digits: 4 },
          ],
          rows: [
            { relationship: 'raw M with Y', pearson: rmo.raw.pearson, spearman: rmo.raw.spearman },
            { relationship: 'M residual with Y residual after X', pearson: rmo.residual.pearson, spearman: rmo.residual.spearman },
          ],
        },
        'residual',
      );
    }
  }
  sections.assumptions = assumptions;

  // --- overlap and balance ---------------------------------------------------------------------
  const overlap = section();
  {
    const ov = diag('overlap');
    if (ov) {
      const keys: Array<[string, number]> = [
        ['treatment rate', ov.treatmentRate],
        ['propensity min', ov.min],
        ['propensity p01', ov.p01],
        ['propensity p05', ov.p05],
        ['propensity median', ov.median],
        ['propensity p95', ov.p95],
        ['propensity p99', ov.p99],
        ['propensity max', ov.max],
        ['share below 0.05', ov.shareBelow005],
        ['share above 0.95', ov.shareAbove095],
      ];
      addTable(overlap, { id: 'overlap_summary', title: 'Propensity overlap', columns: [{ key: 'diagnostic', label: 'Diagnostic' }, { key: 'value', label: 'Value', format: 'num', digits: 4 }], rows: keys.map(([diagnostic, value]) => ({ diagnostic, value })) }, 'summary');
      const h = ov.histogram;
      if (h && h.edges.length >= 2 && h.treated.length === h.edges.length - 1 && h.control.length === h.edges.length - 1) {
        addFigure(
          overlap,
          { kind: 'overlap', file: 'overlap', title: 'Propensity score overlap by arm', draw: (o) => overlapPlot({ edges: h.edges, treated: h.treated, control: h.control, treatedLabel: `Treated (${names.A} = 1)`, controlLabel: `Control (${names.A} = 0)` }, o) },
          'figure',
        );
      }
    }
    const w = diag('weights');
    if (w) {
      addTable(
        overlap,
        {
          id: 'weight_distribution',
          title: 'Analysis weights',
          columns: [
            ...['mean', 'sd', 'min', 'p50', 'p90', 'p95', 'p99', 'max'].map((k): TableColumn => ({ key: k, label: k, format: 'num' })),
            { key: 'ess', label: 'ESS', format: 'num' },
            { key: 'essShare', label: 'ESS share', format: 'pct' },
          ],
          rows: [{ ...w } as unknown as Row],
        },
        'weights',
      );
    }
    const bal = diag('balance') ?? null;
    if (bal) {
      const abs = (x: number | null | undefined): number | null => (isNum(x) ? Math.abs(x) : null);
      const before = bal.map((r) => abs(r.smdBefore)).filter(isNum);
      const after = bal.map((r) => abs(r.smdAfter)).filter(isNum);
      const mean = (a: number[]): number | null => (a.length ? a.reduce((s, v) => s + v, 0) / a.length : null);
      addTable(
        overlap,
        {
          id: 'balance_summary',
          title: 'Balance summary',
          columns: [{ key: 'diagnostic', label: 'Diagnostic' }, { key: 'before', label: 'Before weighting', format: 'num', digits: 4 }, { key: 'after', label: 'After weighting', format: 'num', digits: 4 }],
          rows: [
            { diagnostic: 'max |SMD|', before: before.length ? Math.max(...before) : null, after: after.length ? Math.max(...after) : null },
            { diagnostic: 'mean |SMD|', before: mean(before), after: mean(after) },
            { diagnostic: 'covariates with |SMD| > 0.10', before: before.filter((v) => v > 0.1).length, after: after.filter((v) => v > 0.1).length },
            { diagnostic: 'covariates with |SMD| > 0.25', before: before.filter((v) => v > 0.25).length, after: after.filter((v) => v > 0.25).length },
          ],
        },
        'balanceSummary',
      );
      const sorted = [...bal].sort((a, b) => (abs(b.smdBefore) ?? 0) - (abs(a.smdBefore) ?? 0));
      addTable(
        overlap,
        {
          id: 'balance_table',
          title: 'Covariate balance (largest imbalances first)',
          columns: [
            { key: 'covariate', label: 'Covariate', format: 'code' },
            { key: 'treatedMean', label: 'Treated mean', format: 'num' },
            { key: 'controlMean', label: 'Control mean', format: 'num' },
            { key: 'smdBefore', label: 'SMD before', format: 'num', digits: 3 },
            { key: 'smdAfter', label: 'SMD after', format: 'num', digits: 3 },
          ],
          rows: sorted.map((r) => ({ covariate: r.covariate, treatedMean: r.treatedMean, controlMean: r.controlMean, smdBefore: r.smdBefore, smdAfter: r.smdAfter })),
        },
        'balance',
      );
      addFigure(overlap, { kind: 'love_plot', file: 'love_plot', title: 'Covariate balance before and after weighting', draw: (o) => lovePlot({ rows: bal.map((r) => ({ covariate: r.covariate, before: r.smdBefore, after: r.smdAfter })) }, o) }, 'loveFigure');
    }
  }
  sections.overlap = overlap;

  // --- estimator comparison --------------------------------------------------------------------
  const estimators = section();
  const truthTe = truth && truth.applicable ? truth.primaryTe : null;
  {
    const naiveRaw = (cell?.diagnostics as Record<string, unknown> | undefined)?.naive_associations ?? okEsts.find((e) => Array.isArray(e.diagnostics.naive_associations))?.diagnostics.naive_associations;
    const naiveRows: Row[] = [];
    if (Array.isArray(naiveRaw)) {
      for (const r of naiveRaw as Array<Record<string, unknown>>) {
        if (typeof r?.outcome !== 'string') continue;
        const n = (k: string): number | null => (isNum(r[k]) ? (r[k] as number) : null);
        naiveRows.push({ outcome: r.outcome, treatedDays: n('treated_days'), controlDays: n('control_days'), treatedMean: n('treated_mean'), controlMean: n('control_mean'), difference: n('difference'), relative: n('relative_lift') });
      }
    }
    addTable(
      estimators,
      {
        id: 'naive_associations',
        title: `Unadjusted associations: mean outcome on ${names.A} = 1 vs 0 days`,
        columns: [
          { key: 'outcome', label: 'Outcome', format: 'code' },
          { key: 'treatedDays', label: 'Treated days', format: 'int' },
          { key: 'controlDays', label: 'Control days', format: 'int' },
          { key: 'treatedMean', label: 'Treated mean', format: 'num' },
          { key: 'controlMean', label: 'Control mean', format: 'num' },
          { key: 'difference', label: 'Difference', format: 'num' },
          { key: 'relative', label: 'Relative lift', format: 'pct' },
        ],
        rows: naiveRows,
      },
      'naive',
    );
    const rows: Row[] = [];
    const forest: Array<{ label: string; estimate: number; ci: [number, number] | null }> = [];
    for (const e of ests) {
      if (e.status !== 'ok') {
        rows.push({ estimator: e.id, method: labelOf(e), estimand: null, estimate: null, ci: null, relative: null, conclusion: `failed: ${e.reason ?? 'no reason given'}` });
        continue;
      }
      const t = firstEstimate(e, TOTAL_KEYS);
      if (!t) continue;
      // a cross-fitted ML estimator reports a plug-in and a debiased total; the debiased one carries the interval
      const variants = [t.key, `${t.key}_debiased`].filter((k) => isNum(e.estimates[k]?.estimate));
      for (const k of variants) {
        const v = e.estimates[k]!;
        const ci = ciOf(v);
        rows.push({ estimator: e.id, method: labelOf(e), estimand: k, estimate: v.estimate, ci, relative: v.relative ?? null, conclusion: zeroVerdict(ci) });
        const base = labelOf(e).replace(/: plug-in and debiased$/, '');
        const variant = variants.length > 1 ? `, ${k.endsWith('_debiased') ? 'debiased' : 'plug-in'}` : '';
        forest.push({ label: `${base}${variant} (${estimandInfo(k.replace(/_debiased$/, ''), names).symbol})`, estimate: v.estimate!, ci });
      }
    }
    addTable(
      estimators,
      {
        id: 'estimator_comparison',
        title: 'Estimator comparison',
        columns: [
          { key: 'estimator', label: 'Estimator', format: 'code' },
          { key: 'method', label: 'Method' },
          { key: 'estimand', label: 'Estimand', format: 'code' },
          { key: 'estimate', label: 'Estimate', format: 'num' },
          { key: 'ci', label: '95% CI', format: 'ci' },
          { key: 'relative', label: 'Relative to control mean', format: 'pct' },
          { key: 'conclusion', label: 'Conclusion' },
        ],
        rows,
      },
      'table',
    );
    for (const r of rows) {
      if (r.estimate === null) estimators.lines.push(`${r.method}: ${r.conclusion}.`);
      else estimators.lines.push(`${r.method} (${r.estimand}): ${formatNumber(r.estimate as number)} ${formatInterval(r.ci as [number, number] | null)} — ${r.conclusion}.`);
    }
    if (forest.length) {
      addFigure(
        estimators,
        {
          kind: 'estimator_forest',
          file: 'estimator_forest',
          title: 'Estimates across estimators',
          draw: (o) =>
            intervalChart(
              {
                title: 'Effect estimates across estimators',
                subtitle: `${names.A} on ${names.Y}` + (truthTe !== null ? ' · dashed line: true total effect (simulator)' : ''),
                valueLabel: yLabel,
                rows: forest,
                ...(truthTe !== null ? { reference: { value: truthTe, label: 'true TE' } } : {}),
              },
              o,
            ),
        },
        'figure',
      );
    }
    const warningRows: Row[] = [];
    for (const e of ests) for (const w of e.warnings) warningRows.push({ estimator: e.id, warning: w });
    for (const w of cell?.warnings ?? []) warningRows.push({ estimator: '(cell)', warning: w });
    addTable(estimators, { id: 'estimator_warnings', title: 'Warnings', columns: [{ key: 'estimator', label: 'Estimator' }, { key: 'warning', label: 'Warning' }], rows: warningRows }, 'warnings');
  }
  sections.estimators = estimators;

  // --- secondary outcomes ---------------------------------------------------------------------
  const secondary = section();
  if (cell) {
    const sec = cell.estimators.filter((e) => e.outcome !== undefined && e.status === 'ok');
    const rows: Row[] = [];
    const pts: Array<{ label: string; estimate: number; ci: [number, number] | null; group: string }> = [];
    let allRelative = sec.length > 0;
    for (const e of sec) {
      const t = firstEstimate(e, TOTAL_KEYS);
      if (!t) continue;
      const ci = ciOf(t.value);
      rows.push({ outcome: e.outcome!, estimator: labelOf(e), estimand: t.key, estimate: t.value.estimate, ci, relative: t.value.relative ?? null, conclusion: zeroVerdict(ci) });
      if (!isNum(t.value.relative)) allRelative = false;
    }
    addTable(
      secondary,
      {
        id: 'secondary_outcomes',
        title: 'Secondary outcomes',
        columns: [
          { key: 'outcome', label: 'Outcome', format: 'code' },
          { key: 'estimator', label: 'Estimator' },
          { key: 'estimand', label: 'Estimand' },
          { key: 'estimate', label: 'Estimate', format: 'num' },
          { key: 'ci', label: '95% CI', format: 'ci' },
          { key: 'relative', label: 'Relative', format: 'pct' },
          { key: 'conclusion', label: 'Conclusion' },
        ],
        rows,
      },
      'table',
    );
    for (const e of sec) {
      const t = firstEstimate(e, TOTAL_KEYS);
      if (!t) continue;
      const ci = ciOf(t.value);
      const rel = t.value.relative;
      // outcomes have different units: plot relative effects (% of control mean) when every row has one
      if (allRelative && isNum(rel) && t.value.estimate !== 0) {
        const scale = (rel / t.value.estimate!) * 100;
        pts.push({ label: `${e.outcome} — ${e.id}`, estimate: rel * 100, ci: ci ? [ci[0] * scale, ci[1] * scale] : null, group: e.outcome! });
      } else pts.push({ label: `${e.outcome} — ${e.id}`, estimate: t.value.estimate!, ci, group: e.outcome! });
    }
    if (pts.length) {
      addFigure(
        secondary,
        {
          kind: 'secondary_outcomes',
          file: 'secondary_outcomes',
          title: 'Effects on secondary outcomes',
          draw: (o) => intervalChart({ title: 'Effects on secondary outcomes', subtitle: allRelative ? 'Relative to the control mean' : 'In each outcome’s units', valueLabel: allRelative ? 'Effect (% of control mean)' : 'Effect (outcome units)', rows: pts }, o),
        },
        'figure',
      );
    }
  }
  sections.secondary = secondary;

  // --- mediation decomposition and SEM paths ------------------------------------------------
  const mediation = section();
  const sem = section();
  {
    const medEsts = okEsts.filter((e) => firstEstimate(e, INDIRECT_KEYS) && firstEstimate(e, DIRECT_KEYS));
    const rows: Row[] = [];
    const groups: Array<{ label: string; parts: Array<{ part: string; estimate: number | null; ci: [number, number] | null }> }> = [];
    for (const e of medEsts) {
      const isSem = 'alpha' in e.estimates || e.kind === 'sem_path';
      const total = firstEstimate(e, TOTAL_KEYS);
      const direct = firstEstimate(e, DIRECT_KEYS)!;
      const indirect = firstEstimate(e, INDIRECT_KEYS)!;
      const keys = Object.keys(e.estimates).filter((k) => (isSem ? ['total', 'c_prime', 'indirect'].includes(k) : /^(te|nde|nie|cde_q\d+)(_debiased)?$/.test(k)));
      keys.sort((a, b) => estimandRank(a) - estimandRank(b) || (a < b ? -1 : 1));
      for (const k of keys) {
        const v = e.estimates[k]!;
        const ci = ciOf(v);
        rows.push({ estimator: labelOf(e), estimand: estimandInfo(k, names).symbol, key: k, estimate: v.estimate, ci, conclusion: zeroVerdict(ci) });
      }
      const share = total && total.value.estimate ? (indirect.value.estimate ?? 0) / total.value.estimate : null;
      if (share !== null) rows.push({ estimator: labelOf(e), estimand: 'share mediated (NIE / TE)', key: 'share_mediated', estimate: share, ci: null, conclusion: null });
      const deb = (k: string): EstimateValue | undefined => (isNum(e.estimates[`${k}_debiased`]?.estimate) ? e.estimates[`${k}_debiased`] : undefined);
      const debiased = total && deb(total.key) && deb(direct.key) && deb(indirect.key);
      groups.push({
        label: debiased ? `${e.id} (plug-in)` : shortMethod(e),
        parts: [
          { part: 'Total', estimate: total?.value.estimate ?? null, ci: ciOf(total?.value) },
          { part: 'Direct', estimate: direct.value.estimate, ci: ciOf(direct.value) },
          { part: 'Indirect', estimate: indirect.value.estimate, ci: ciOf(indirect.value) },
        ],
      });
      if (debiased) {
        groups.push({
          label: `${e.id} (debiased)`,
          parts: [
            { part: 'Total', estimate: deb(total.key)!.estimate ?? null, ci: ciOf(deb(total.key)) },
            { part: 'Direct', estimate: deb(direct.key)!.estimate ?? null, ci: ciOf(deb(direct.key)) },
            { part: 'Indirect', estimate: deb(indirect.key)!.estimate ?? null, ci: ciOf(deb(indirect.key)) },
          ],
        });
      }
    }
    addTable(
      mediation,
      {
        id: 'mediation_decomposition',
        title: 'Mediation decomposition',
        columns: [
          { key: 'estimator', label: 'Estimator' },
          { key: 'estimand', label: 'Estimand' },
          { key: 'key', label: 'Key', format: 'code' },
          { key: 'estimate', label: 'Estimate', format: 'num' },
          { key: 'ci', label: '95% CI', format: 'ci' },
          { key: 'conclusion', label: 'Conclusion' },
        ],
        rows,
      },
      'table',
    );
    if (groups.length) {
      // the simulator's TE/NDE/NIE on the primary outcome, when this cell's definitions match it
      const truthParts: Record<string, number> = {};
      if (truth?.applicable) {
        for (const [part, estimand] of [['Total', 'TE'], ['Direct', 'NDE'], ['Indirect', 'NIE']] as const) {
          const r = truth.rows.find((x) => x.estimand === estimand && x.entry.outcome === undefined);
          if (r) truthParts[part] = r.truth;
        }
      }
      const hasTruth = Object.keys(truthParts).length > 0;
      addFigure(mediation, { kind: 'mediation_decomposition', file: 'mediation_decomposition', title: 'Mediation decomposition', draw: (o) => decompositionChart({ valueLabel: yLabel, groups, ...(hasTruth ? { truth: truthParts } : {}) }, o) }, 'figure');
    }
    if (defs) {
      const cv = defs.covariates;
      addFigure(
        mediation,
        {
          kind: 'dag',
          file: 'dag',
          title: 'Working causal diagram',
          draw: (o) => mediationDag({ treatment: names.A, mediator: defs.mediator?.name ?? null, outcome: names.Y, covariates: cv ? `${cv.numeric.length + cv.categorical.length} covariates` : undefined }, o),
        },
        'dag',
      );
    }
    const semEsts = okEsts.filter((e) => e.kind === 'sem_path' || ('alpha' in e.estimates && 'beta' in e.estimates));
    const semRows: Row[] = [];
    for (const e of semEsts) {
      for (const k of ['alpha', 'beta', 'c_prime', 'indirect', 'total']) {
        const v = e.estimates[k];
        if (!v) continue;
        const info = estimandInfo(k, names);
        const ci = ciOf(v);
        semRows.push({ estimator: labelOf(e), path: info.symbol, meaning: info.meaning, estimate: v.estimate, ci, bootMean: v.bootMean ?? null, conclusion: zeroVerdict(ci) });
      }
    }
    addTable(
      sem,
      {
        id: 'sem_paths',
        title: 'SEM-style path coefficients',
        columns: [
          { key: 'estimator', label: 'Model' },
          { key: 'path', label: 'Path' },
          { key: 'meaning', label: 'Meaning' },
          { key: 'estimate', label: 'Estimate', format: 'num' },
          { key: 'bootMean', label: 'Bootstrap mean', format: 'num' },
          { key: 'ci', label: '95% CI', format: 'ci' },
          { key: 'conclusion', label: 'Conclusion' },
        ],
        rows: semRows,
      },
      'table',
    );
  }
  sections.mediation = mediation;
  sections.sem = sem;

  // --- sensitivity ---------------------------------------------------------------------------
  const sensitivity = section();
  {
    // NIE adjusted for an unmeasured mediator–outcome confounder U (sensitivity/mediator-confounding.ts):
    // rows are U's prevalence difference δ between arms, columns its effect γ on Y in SD(Y)
    const sweeps = (cell?.diagnostics as Record<string, unknown> | undefined)?.mediatorConfounding;
    const rows: Row[] = [];
    const gammaKeys = new Map<number, string>();
    if (Array.isArray(sweeps)) {
      for (const sw of sweeps as Array<Record<string, unknown>>) {
        const grid = Array.isArray(sw?.grid) ? (sw.grid as Array<Record<string, unknown>>) : [];
        const breakdown = (sw?.breakdown ?? {}) as { bias?: number; biasSd?: number; ciBias?: number | null; ciBiasSd?: number | null; gammaSdAtDelta?: Array<{ delta: number; gammaSd: number | null }> };
        const est = typeof sw.estimator === 'string' ? sw.estimator : '?';
        const entry = okEsts.find((e) => e.id === est);
        const deltas = [...new Set(grid.map((g) => g.delta as number))].filter(isNum).sort((a, b) => a - b);
        for (const g of grid) if (isNum(g.gammaSd)) gammaKeys.set(g.gammaSd, `g_${String(g.gammaSd).replace('.', '_')}`);
        for (const d of deltas) {
          const row: Row = { estimator: entry ? labelOf(entry) : est, delta: d };
          for (const g of grid.filter((x) => x.delta === d)) {
            if (!isNum(g.gammaSd) || !isNum(g.nieAdjusted)) continue;
            const mark = g.explainedAway ? ' (sign flips)' : g.ciIncludesZero ? ' (CI ∋ 0)' : '';
            row[gammaKeys.get(g.gammaSd)!] = `${formatNumber(g.nieAdjusted)}${mark}`;
          }
          const need = breakdown.gammaSdAtDelta?.find((x) => x.delta === d);
          row.needed = need && isNum(need.gammaSd) ? need.gammaSd : null;
          rows.push(row);
        }
        if (isNum(sw.nie) && isNum(breakdown.bias)) {
          sensitivity.lines.push(
            `${entry ? labelOf(entry) : est}: NIE ${formatNumber(sw.nie)}${ciOf({ estimate: sw.nie, ci: sw.ci as [number, number] | null }) ? ' ' + formatInterval(ciOf({ estimate: sw.nie, ci: sw.ci as [number, number] | null })) : ' (no interval)'}. ` +
              `An unmeasured M–Y confounder explains it away when δ·γ reaches ${formatNumber(breakdown.bias)} (${formatNumber(breakdown.biasSd ?? null)} SD of ${names.Y})` +
              (isNum(breakdown.ciBias) ? `; its interval reaches zero at δ·γ = ${formatNumber(breakdown.ciBias)} (${formatNumber(breakdown.ciBiasSd ?? null)} SD)` : '') +
              '.',
          );
        }
      }
    }
    const gammas = [...gammaKeys.keys()].sort((a, b) => a - b);
    addTable(
      sensitivity,
      {
        id: 'mediator_confounding',
        title: 'NIE adjusted for an unmeasured mediator–outcome confounder',
        columns: [
          { key: 'estimator', label: 'Estimator' },
          { key: 'delta', label: 'δ (prevalence difference of U)', format: 'num', digits: 2 },
          ...gammas.map((g): TableColumn => ({ key: gammaKeys.get(g)!, label: `γ = ${g} SD`, align: 'right' })),
          { key: 'needed', label: 'γ that explains NIE away (SD)', format: 'num', digits: 3 },
        ],
        rows,
      },
      'mediatorConfounding',
    );
  }
  if (cell?.sensitivity) {
    const s = cell.sensitivity;
    addTable(
      sensitivity,
      {
        id: 'evalues',
        title: 'E-values',
        columns: [
          { key: 'estimator', label: 'Estimator' },
          { key: 'estimand', label: 'Estimand' },
          { key: 'point', label: 'E-value (point)', format: 'num', digits: 2 },
          { key: 'ciBound', label: 'E-value (CI bound)', format: 'num', digits: 2 },
          { key: 'scale', label: 'Scale' },
        ],
        rows: (s.evalues ?? []).map((r) => ({ ...r, scale: r.scale ?? null })),
      },
      'evalues',
    );
    addTable(
      sensitivity,
      {
        id: 'refuters',
        title: 'Refutation tests',
        columns: [
          { key: 'refuter', label: 'Refuter' },
          { key: 'estimator', label: 'Estimator' },
          { key: 'estimand', label: 'Estimand' },
          { key: 'original', label: 'Original', format: 'num' },
          { key: 'refuted', label: 'Refuted', format: 'num' },
          { key: 'ci', label: '95% CI', format: 'ci' },
          { key: 'result', label: 'Result' },
          { key: 'note', label: 'Note' },
        ],
        rows: (s.refuters ?? []).map((r) => ({ refuter: r.refuter, estimator: r.estimator, estimand: r.estimand, original: r.original, refuted: r.refuted.estimate, ci: ciOf(r.refuted), result: r.passes === null ? 'n/a' : r.passes ? 'passes' : 'fails', note: r.note ?? null })),
      },
      'refuters',
    );
    const ws = s.weights ?? [];
    addTable(
      sensitivity,
      {
        id: 'weight_sensitivity',
        title: 'Weight sensitivity',
        columns: [
          { key: 'label', label: 'Weighting' },
          { key: 'weighting', label: 'Weights', format: 'code' },
          { key: 'estimate', label: 'Estimate', format: 'num' },
          { key: 'ci', label: '95% CI', format: 'ci' },
          { key: 'relative', label: 'Relative', format: 'pct' },
          { key: 'ess', label: 'ESS', format: 'num' },
          { key: 'essShare', label: 'ESS share', format: 'pct' },
        ],
        rows: ws.map((r) => ({ label: r.label, weighting: r.weighting, estimate: r.value.estimate, ci: ciOf(r.value), relative: r.value.relative ?? null, ess: r.ess ?? null, essShare: r.essShare ?? null })),
      },
      'weights',
    );
    const wpts = ws.filter((r) => isNum(r.value.estimate)).map((r) => ({ label: r.essShare !== null && r.essShare !== undefined ? `${r.label} (ESS ${formatPercent(r.essShare, 0)})` : r.label, estimate: r.value.estimate!, ci: ciOf(r.value) }));
    if (wpts.length) {
      addFigure(sensitivity, { kind: 'weight_sensitivity', file: 'weight_sensitivity', title: 'Sensitivity to the weight specification', draw: (o) => intervalChart({ title: 'Sensitivity to the weight specification', valueLabel: yLabel, rows: wpts }, o) }, 'weightsFigure');
    }
  }
  sections.sensitivity = sensitivity;

  // --- robustness grid (run scope only) -------------------------------------------------------
  const robustness = section();
  if (scope === 'run' && results.cells.length > 1) {
    const fam = results.summary.robustness;
    addTable(
      robustness,
      {
        id: 'robustness_families',
        title: 'Robustness families (one grid axis varied at a time)',
        columns: [
          { key: 'family', label: 'Family (axis)', format: 'code' },
          { key: 'specifications', label: 'Specifications', format: 'int' },
          { key: 'totalMin', label: 'Total min', format: 'num' },
          { key: 'totalMax', label: 'Total max', format: 'num' },
          { key: 'totalSharePositive', label: 'Share positive', format: 'pct' },
          { key: 'totalShareCiExcludesZero', label: 'Share CI excludes 0', format: 'pct' },
          { key: 'indirectMin', label: 'Indirect min', format: 'num' },
          { key: 'indirectMax', label: 'Indirect max', format: 'num' },
          { key: 'indirectSharePositive', label: 'Indirect share positive', format: 'pct' },
          { key: 'medianAbsIndirectToTotal', label: 'Median abs(NIE/TE)', format: 'num', digits: 4 },
        ],
        rows: fam.map((f) => ({ ...f })),
      },
      'families',
    );
    const axes = results.spec.grid?.map((g) => g.path) ?? [...new Set(results.cells.flatMap((c) => Object.keys(c.axes)))];
    const prim = results.summary.primary;
    let anyTruth = false;
    let thresholdNote = false;
    const rows: Row[] = results.cells.map((c) => {
      const row: Row = { cell: c.id };
      for (const a of axes) row[a] = c.axes[a] === undefined ? null : axisText(c.axes[a]!);
      const e = prim ? primaryEstimators(c).find((x) => x.id === prim.estimator && x.status === 'ok') : undefined;
      const v = e?.estimates[prim?.estimand ?? ''];
      row.status = c.status === 'ok' ? 'ok' : `${c.status}: ${c.reason ?? ''}`.trim();
      row.estimate = v?.estimate ?? null;
      row.ci = ciOf(v);
      row.conclusion = v ? zeroVerdict(ciOf(v)) : null;
      row.report = c.status === 'ok' ? `cells/${c.id}/report.md` : null;
      // the simulator's truth for this cell's own definitions (none when they differ from the simulated ones)
      const tc = c.status === 'ok' && e ? truthComparison(c) : null;
      const tr = tc?.applicable ? tc.rows.find((r) => r.estimatorId === e!.id && r.key === prim!.estimand && r.entry.outcome === undefined) : undefined;
      if (tr) {
        anyTruth = true;
        row.truth = tr.truth;
        row.covers = (tr.covers === null ? 'no interval' : tr.covers ? 'yes' : 'no') + (tc!.thresholdDiffers ? ' *' : '');
        if (tc!.thresholdDiffers) thresholdNote = true;
      }
      return row;
    });
    addTable(
      robustness,
      {
        id: 'grid_cells',
        title: prim ? `Grid cells: ${prim.estimator} (${prim.estimand})` : 'Grid cells',
        columns: [
          { key: 'cell', label: 'Cell', format: 'code' },
          ...axes.map((a) => ({ key: a, label: a })),
          { key: 'status', label: 'Status' },
          { key: 'estimate', label: 'Estimate', format: 'num' as const },
          { key: 'ci', label: '95% CI', format: 'ci' as const },
          { key: 'conclusion', label: 'Conclusion' },
          ...(anyTruth ? [{ key: 'truth', label: 'True value', format: 'num' as const }, { key: 'covers', label: 'Covers truth' }] : []),
          { key: 'report', label: 'Cell report', format: 'link' as const, linkText: 'report' },
        ],
        rows,
      },
      'cells',
    );
    if (anyTruth) {
      robustness.lines.push(
        'True value: the simulator\'s total effect for the cell\'s outcome (— where the simulator has none, e.g. another outcome window)' +
          (thresholdNote ? '; * the cell thresholds the treatment differently from the simulator, so it estimates a somewhat different contrast.' : '.'),
      );
    }
    const curve = results.summary.specificationCurve;
    if (curve && curve.points.length > 1) {
      // per axis: the shortest labels that still tell its values apart (a model mapping → its kind)
      const valueLabels = new Map(curve.axes.map((a) => [a, axisValueLabels(curve.points.map((p) => p.axes[a]), 30)] as const));
      // one true total effect for every specification (same outcome and treatment measure): draw it
      const truths = curve.points.map((p) => {
        const c = results.cells.find((x) => x.id === p.cellId);
        const t = c ? truthComparison(c) : null;
        return t?.applicable && /^(ate|te|total)$/.test(curve.estimand) ? t : null;
      });
      const curveTruth = truths.every((t) => t && t.primaryTe !== null && t.primaryTe === truths[0]!.primaryTe) ? truths[0]!.primaryTe : null;
      const someShifted = truths.some((t) => t?.thresholdDiffers);
      addFigure(
        robustness,
        {
          kind: 'specification_curve',
          file: 'specification_curve',
          title: 'Specification curve',
          draw: (o) =>
            specificationCurve(
              {
                title: `Specification curve: ${curve.estimator} (${curve.estimand})`,
                // when the outcome is a grid axis, the estimates are in different outcomes' units
                valueLabel: curve.axes.some((a) => a.startsWith('outcomes')) ? 'Effect on each specification’s outcome' : yLabel,
                axes: curve.axes,
                axisLabels: Object.fromEntries(curve.axes.map((a) => [a, axisShortName(a)])),
                ...(curveTruth !== null ? { reference: { value: curveTruth, label: someShifted ? 'true TE (simulator threshold)' : 'true TE' } } : {}),
                points: curve.points.map((p) => ({ estimate: p.estimate, ci: p.ci, choices: Object.fromEntries(curve.axes.map((a) => [a, valueLabels.get(a)!.get(JSON.stringify(p.axes[a] ?? null)) ?? '—'])) })),
              },
              o,
            ),
        },
        'figure',
      );
    }
  }
  sections.robustness = robustness;

  // --- heterogeneity ---------------------------------------------------------------------------
  const heterogeneity = section();
  {
    // the cell runner's heterogeneity block (cell level) first, else an estimator's own segment table
    let srcLabel: string | null = null;
    let segs: SegmentEffect[] | null = null;
    const cellRaw = (cell?.diagnostics as Record<string, unknown> | undefined)?.heterogeneity_analysis as Record<string, unknown> | undefined;
    if (normCell.heterogeneity) {
      segs = normCell.heterogeneity;
      const id = typeof cellRaw?.estimator === 'string' ? cellRaw.estimator : null;
      const e = id ? okEsts.find((x) => x.id === id) : undefined;
      srcLabel = typeof cellRaw?.pseudo_outcomes_from === 'string' ? cellRaw.pseudo_outcomes_from : e ? labelOf(e) : id ?? 'cell';
    } else {
      for (const e of okEsts) {
        const s = normEst.get(e)!.heterogeneity ?? null;
        if (s) {
          srcLabel = labelOf(e);
          segs = s;
          break;
        }
      }
    }
    if (segs && srcLabel) {
      const src = { label: srcLabel };
      addTable(
        heterogeneity,
        {
          id: 'heterogeneity',
          title: `Effects by segment (${src.label})`,
          columns: [
            { key: 'by', label: 'Segmented by', format: 'code' },
            { key: 'segment', label: 'Segment' },
            { key: 'rows', label: 'Rows', format: 'int' },
            { key: 'users', label: 'Users', format: 'int' },
            { key: 'treatedShare', label: 'Treated share', format: 'pct' },
            { key: 'estimand', label: 'Estimand', format: 'code' },
            { key: 'estimate', label: 'Estimate', format: 'num' },
            { key: 'ci', label: '95% CI', format: 'ci' },
            { key: 'conclusion', label: 'Conclusion' },
          ],
          rows: segs.map((s) => ({ by: s.by, segment: s.segment, rows: s.rows, users: s.users ?? null, treatedShare: s.treatedShare ?? null, estimand: s.estimand ?? null, estimate: s.value.estimate, ci: ciOf(s.value), conclusion: zeroVerdict(ciOf(s.value)) })),
        },
        'table',
      );
      const pts = segs.filter((s) => isNum(s.value.estimate)).map((s) => ({ label: `${s.by}: ${s.segment}`, estimate: s.value.estimate!, ci: ciOf(s.value), group: s.by }));
      const overall = okEsts.find((e) => e.id === (cellRaw?.estimator as string | undefined));
      const overallValue = overall ? firstEstimate(overall, TOTAL_KEYS) : null;
      addFigure(
        heterogeneity,
        {
          kind: 'heterogeneity',
          file: 'heterogeneity',
          title: 'Effects by segment',
          draw: (o) =>
            intervalChart(
              {
                title: `Effects by segment`,
                subtitle: `${shortLabel(src.label, 70)} · colours mark the segmenting variable` + (overallValue ? ' · dashed: overall estimate' : ''),
                valueLabel: yLabel,
                rows: pts,
                ...(overallValue && isNum(overallValue.value.estimate) ? { reference: { value: overallValue.value.estimate, label: 'overall' } } : {}),
              },
              o,
              'Segment forest plot',
            ),
        },
        'figure',
      );
    }
  }
  {
    // seed 004: per-row TE/NDE/NIE of a mediation estimator averaged by segment (no intervals: descriptive)
    const raw = (cell?.diagnostics as Record<string, unknown> | undefined)?.heterogeneity_analysis as Record<string, unknown> | undefined;
    const medSegs = Array.isArray(raw?.mediation_segments) ? (raw!.mediation_segments as Array<Record<string, unknown>>) : [];
    const n = (r: Record<string, unknown>, k: string): number | null => (isNum(r[k]) ? (r[k] as number) : null);
    addTable(
      heterogeneity,
      {
        id: 'mediation_by_segment',
        title: `Mediation effects by segment (${typeof raw?.estimator === 'string' ? raw.estimator : 'mediation'}, per-row means)`,
        columns: [
          { key: 'by', label: 'Segmented by', format: 'code' },
          { key: 'segment', label: 'Segment' },
          { key: 'rows', label: 'Rows', format: 'int' },
          { key: 'users', label: 'Users', format: 'int' },
          { key: 'te', label: 'TE', format: 'num' },
          { key: 'nde', label: 'NDE', format: 'num' },
          { key: 'nie', label: 'NIE', format: 'num' },
          { key: 'shift', label: 'Mediator shift', format: 'num' },
          { key: 'share', label: 'NIE / TE', format: 'pct' },
        ],
        rows: medSegs
          .filter((r) => typeof r.segment === 'string')
          .map((r) => {
            const te = n(r, 'total_effect');
            const nie = n(r, 'indirect_effect');
            return { by: r.segment as string, segment: String(r.segment_value ?? ''), rows: n(r, 'user_days'), users: n(r, 'users'), te, nde: n(r, 'direct_effect'), nie, shift: n(r, 'mediator_shift'), share: te && nie !== null ? nie / te : null };
          }),
      },
      'mediationSegments',
    );
  }
  sections.heterogeneity = heterogeneity;

  // --- nuisance performance and importance ---------------------------------------------------
  const nuisance = section();
  {
    const perf: Row[] = [];
    const imp = new Map<string, { estimator: string; model: string; target: string; rows: ImportanceRow[] }>();
    for (const e of okEsts) {
      for (const r of normEst.get(e)!.nuisance ?? []) {
        perf.push({ estimator: e.id, model: r.model || null, target: r.target, rmse: r.rmse ?? null, mae: r.mae ?? null, r2: r.r2 ?? null, auc: r.auc ?? null, logLoss: r.logLoss ?? null, brier: r.brier ?? null, folds: r.folds ?? null });
      }
      for (const r of normEst.get(e)!.importance ?? []) {
        const key = `${e.id}\u0000${r.model}\u0000${r.target}`;
        if (!imp.has(key)) imp.set(key, { estimator: e.id, model: r.model, target: r.target, rows: [] });
        imp.get(key)!.rows.push(r);
      }
    }
    // cell-level importance: effect moderators of the heterogeneity analysis
    {
      const raw = (cell?.diagnostics as Record<string, unknown> | undefined)?.heterogeneity_analysis as Record<string, unknown> | undefined;
      const owner = typeof raw?.estimator === 'string' ? raw.estimator : 'heterogeneity';
      for (const r of normCell.importance ?? []) {
        const key = `${owner}\u0000${r.model}\u0000${r.target}`;
        if (!imp.has(key)) imp.set(key, { estimator: owner, model: r.model, target: r.target, rows: [] });
        imp.get(key)!.rows.push(r);
      }
    }
    addTable(
      nuisance,
      {
        id: 'nuisance_performance',
        title: 'Nuisance model performance (out of fold where cross-fitted)',
        columns: [
          { key: 'estimator', label: 'Estimator' },
          { key: 'model', label: 'Model' },
          { key: 'target', label: 'Target' },
          { key: 'rmse', label: 'RMSE', format: 'num' },
          { key: 'mae', label: 'MAE', format: 'num' },
          { key: 'r2', label: 'R²', format: 'num', digits: 3 },
          { key: 'auc', label: 'AUC', format: 'num', digits: 3 },
          { key: 'logLoss', label: 'Log loss', format: 'num', digits: 3 },
          { key: 'brier', label: 'Brier', format: 'num', digits: 3 },
          { key: 'folds', label: 'Folds', format: 'int' },
        ],
        rows: perf,
      },
      'performance',
    );
    const impRows: Row[] = [];
    for (const g of imp.values()) {
      const top = [...g.rows].sort((a, b) => b.share - a.share || (a.feature < b.feature ? -1 : 1)).slice(0, 12);
      for (const r of top) impRows.push({ estimator: g.estimator, model: g.model, target: g.target, feature: r.feature, gain: r.gain, splits: r.splits ?? null, share: r.share });
      const file = `feature_importance_${fileStem(g.estimator)}_${fileStem(g.target)}`;
      addFigure(
        nuisance,
        {
          kind: 'feature_importance',
          file,
          title: g.target === 'effect' ? `Effect moderators: ${g.model || g.estimator}` : `Feature importance: ${g.estimator}, ${g.target} model`,
          draw: (o) =>
            importanceChart(
              {
                title: g.target === 'effect' ? `Effect moderators (${g.estimator})` : `Feature importance: ${g.estimator}, ${g.target} model`,
                ...(g.model ? { subtitle: g.model } : {}),
                rows: g.rows.map((r) => ({ feature: r.feature, share: r.share })),
              },
              o,
            ),
        },
      );
    }
    addTable(
      nuisance,
      {
        id: 'feature_importance',
        title: 'Feature importance (top 12 per model)',
        columns: [
          { key: 'estimator', label: 'Estimator' },
          { key: 'model', label: 'Model' },
          { key: 'target', label: 'Target' },
          { key: 'feature', label: 'Feature', format: 'code' },
          { key: 'gain', label: 'Gain', format: 'num' },
          { key: 'splits', label: 'Splits', format: 'int' },
          { key: 'share', label: 'Share', format: 'pct' },
        ],
        rows: impRows,
      },
      'importance',
    );
  }
  sections.nuisance = nuisance;

  // --- limitations ----------------------------------------------------------------------------
  const limitations = section();
  {
    const rows: Row[] = [
      { limitation: 'Observational logging', why: `${names.A} was not randomized; causal reading depends on adjusting for observed history.`, mitigation: 'Pre-treatment history and profile covariates, several estimators, sensitivity analysis.' },
    ];
    const ov = diag('overlap');
    if (ov && ov.shareBelow005 + ov.shareAbove095 > 0.05) {
      rows.push({ limitation: 'Imperfect overlap', why: `${formatPercent(ov.shareBelow005 + ov.shareAbove095)} of rows have propensities outside [0.05, 0.95]; estimates there rely on extrapolation.`, mitigation: 'Clipped and capped weights, weight sensitivity, ESS reported.' });
    }
    const bal = diag('balance') ?? null;
    const maxAfter = bal ? Math.max(0, ...bal.map((r) => (isNum(r.smdAfter) ? Math.abs(r.smdAfter) : 0))) : 0;
    if (maxAfter > 0.1) rows.push({ limitation: 'Residual imbalance', why: `max |SMD| after weighting is ${formatNumber(maxAfter, 3)} (> 0.1).`, mitigation: 'Doubly robust and outcome-model estimators adjust for the same covariates.' });
    const w = diag('weights');
    if (w && w.essShare < 0.7) rows.push({ limitation: 'Reduced effective sample size', why: `weights keep an ESS of ${formatPercent(w.essShare)} of rows.`, mitigation: 'Clipping sensitivity reported.' });
    if (defs?.mediator) rows.push({ limitation: 'Mediator–outcome confounding', why: `Unobserved factors may drive both ${defs.mediator.name} and ${names.Y}; NDE/NIE need no unmeasured M–Y confounding.`, mitigation: 'Residual M–Y check, E-values, estimates framed as hypotheses.' });
    if (results.data.sample && results.data.sample.modulus > 1) rows.push({ limitation: 'User sample', why: `Only users with user_id % ${results.data.sample.modulus} == ${results.data.sample.remainder} were read.`, mitigation: 'Whole users sampled deterministically; rerun with modulus 1 for the full log.' });
    const failed = results.cells.filter((c) => c.status !== 'ok').length;
    if (scope === 'run' && failed > 0) rows.push({ limitation: 'Failed grid cells', why: `${failed} of ${results.cells.length} cells did not produce estimates.`, mitigation: 'Reasons listed in the grid table.' });
    for (const l of results.limitations ?? []) rows.push({ limitation: l.limitation, why: l.whyItMatters, mitigation: l.mitigation });
    addTable(limitations, { id: 'limitations', title: 'Limitations', columns: [{ key: 'limitation', label: 'Limitation' }, { key: 'why', label: 'Why it matters' }, { key: 'mitigation', label: 'Mitigation in this run' }], rows }, 'table');
  }
  sections.limitations = limitations;

  // --- known truth (simulated data) ---------------------------------------------------------
  const truthSection = section();
  if (truth) {
    truthSection.available = true;
    truthSection.lines.push(...truth.notes);
    if (truth.applicable) {
      addTable(
        truthSection,
        {
          id: 'truth_comparison',
          title: 'Known truth (simulated data) beside each estimate',
          columns: [
            { key: 'outcome', label: 'Outcome', format: 'code' },
            { key: 'estimand', label: 'Estimand' },
            { key: 'truth', label: 'True value', format: 'num' },
            { key: 'truthSe', label: 'Truth MC s.e.', format: 'num' },
            // the estimator comparison pairs each id with its method: the id keeps this table narrow
            { key: 'estimator', label: 'Estimator', format: 'code' },
            { key: 'key', label: 'Key', format: 'code' },
            { key: 'estimate', label: 'Estimate', format: 'num' },
            { key: 'ci', label: '95% CI', format: 'ci' },
            { key: 'bias', label: 'Estimate − truth', format: 'num' },
            { key: 'covers', label: 'Covers truth' },
          ],
          rows: truth.rows.map((r) => ({
            outcome: r.outcome,
            estimand: r.estimand,
            truth: r.truth,
            truthSe: r.truthSe,
            estimator: r.estimatorId,
            key: r.key,
            estimate: r.estimate,
            ci: r.ci,
            bias: r.bias,
            covers: r.covers === null ? 'no interval' : r.covers ? 'yes' : 'no',
          })),
        },
        'table',
      );
      addTable(
        truthSection,
        {
          id: 'truth_estimands',
          title: 'True estimands as the simulator defines them',
          columns: [{ key: 'estimand', label: 'Estimand' }, { key: 'definition', label: 'Definition' }],
          rows: Object.entries(truth.definitions).map(([estimand, definition]) => ({ estimand, definition })),
        },
        'definitions',
      );
    }
  }
  sections.truth = truthSection;

  // --- summary ---------------------------------------------------------------------------------
  const summary = section();
  {
    summary.available = true;
    const lines = summary.lines;
    const prim = results.summary.primary;
    const headEst = prim ? okEsts.find((e) => e.id === prim.estimator) : undefined;
    const headVal = headEst && prim ? headEst.estimates[prim.estimand] : undefined;
    if (cell && cell.status !== 'ok') lines.push(`This cell did not run: ${cell.reason ?? 'no reason given'}.`);
    if (truth?.applicable) {
      const te = truth.rows.filter((r) => r.estimand === 'TE' && r.entry.outcome === undefined);
      const withCi = te.filter((r) => r.covers !== null);
      if (te.length) {
        lines.push(
          `Known truth (simulated data): the true total effect on ${names.Y} is ${formatNumber(te[0]!.truth)}; ${withCi.filter((r) => r.covers).length} of ${withCi.length} estimator intervals cover it` +
            (withCi.some((r) => !r.covers) ? ` (missed by: ${[...new Set(withCi.filter((r) => !r.covers).map((r) => `${r.estimatorId} ${r.key}`))].join(', ')}).` : '.'),
        );
      }
    }
    if (headEst && headVal && prim) {
      lines.push(`Primary estimate (${labelOf(headEst)}, ${prim.estimand}): ${formatNumber(headVal.estimate)} on ${names.Y}, 95% CI ${formatInterval(ciOf(headVal))} — ${zeroVerdict(ciOf(headVal))}.`);
    }
    // the unadjusted difference in means is a reference, not one of the estimators being compared (seed 003)
    const adjusted = okEsts.filter((e) => e.kind !== 'difference_in_means');
    const totals = adjusted.map((e) => firstEstimate(e, TOTAL_KEYS)).filter((t): t is NonNullable<typeof t> => !!t);
    if (totals.length > 1) {
      const vals = totals.map((t) => t.value.estimate!);
      const excl = totals.filter((t) => zeroVerdict(ciOf(t.value)) === 'interval excludes zero').length;
      const naive = okEsts.find((e) => e.kind === 'difference_in_means');
      const naiveValue = naive ? firstEstimate(naive, TOTAL_KEYS) : null;
      lines.push(
        `Across ${totals.length} adjusted estimators the total effect ranges from ${formatNumber(Math.min(...vals))} to ${formatNumber(Math.max(...vals))}; ${excl} of ${totals.length} intervals exclude zero` +
          (naiveValue ? ` (unadjusted difference in means: ${formatNumber(naiveValue.value.estimate)}).` : '.'),
      );
    }
    const med = okEsts.find((e) => firstEstimate(e, ['nie']) && firstEstimate(e, ['te']));
    if (med) {
      const nie = med.estimates.nie!;
      const te = med.estimates.te!;
      lines.push(`Indirect effect through ${names.M} (${labelOf(med)}): ${formatNumber(nie.estimate)} ${formatInterval(ciOf(nie))}, ${te.estimate ? formatPercent(Math.abs((nie.estimate ?? 0) / te.estimate)) : '—'} of the total effect in size.`);
    }
    if (scope === 'run' && results.cells.length > 1) {
      const c = results.summary.cells;
      lines.push(`Grid: ${c.total} cells, ${c.ok} ok, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}.`);
      const curve = results.summary.specificationCurve;
      if (curve && curve.points.length) {
        const pos = curve.points.filter((p) => p.estimate > 0).length;
        const excl = curve.points.filter((p) => p.ci && (p.ci[0] > 0 || p.ci[1] < 0)).length;
        lines.push(`Across the grid, ${curve.estimator} (${curve.estimand}) ranges from ${formatNumber(curve.points[0]!.estimate)} to ${formatNumber(curve.points[curve.points.length - 1]!.estimate)}; ${pos} of ${curve.points.length} positive, ${excl} with intervals excluding zero.`);
      }
    }
    // a truth for another treatment is a footnote, not a headline
    if (truth && !truth.applicable) lines.push(truth.notes[0]!);
    for (const r of readinessRows) if (r.passes === false) lines.push(`Caution: ${r.check} is ${typeof r.value === 'number' ? formatNumber(r.value) : r.value ?? '—'} (wanted ${r.threshold ?? 'n/a'}).`);
    addTable(
      summary,
      {
        id: 'recommendations',
        title: 'Recommendations',
        columns: [{ key: 'area', label: 'Decision area' }, { key: 'recommendation', label: 'Recommendation' }, { key: 'evidence', label: 'Evidence' }],
        rows: (results.recommendations ?? []).map((r) => ({ ...r })),
      },
      'recommendations',
    );
    summary.available = true;
  }
  sections.summary = summary;

  return { scope, cell, tables, figures, sections, facts };
}
