/**
 * What every report section reads, computed once per report: the detailed cell, the names of A, M and Y,
 * estimator labels, the known-truth comparison and the normalized diagnostics; and how a section adds
 * its tables and figures (an empty table is dropped; a figure only when its kind is wanted).
 */
import { primaryEstimators, type CellResult, type EstimateValue, type EstimatorEntry, type JsonValue, type ReadinessCheck, type Results } from '../../results/index.js';
import type { CellValue, ReportTable } from '../format.js';
import type { FigurePlan } from '../figures/kind.js';
import { axisValueLabel, estimatorLabels } from '../labels.js';
import { normalizeDiagnostics, type NormalizedDiagnostics } from '../normalize.js';
import { truthComparison, type TruthComparison } from '../truth.js';

export type Row = Record<string, CellValue>;

export interface SectionModel {
  available: boolean;
  tables: string[];
  figures: string[];
  lines: string[];
  /** named parts for templates: partName → a table id or a figure file */
  parts: Record<string, { kind: 'table' | 'figure'; id: string }>;
}

export function emptySection(): SectionModel {
  return { available: false, tables: [], figures: [], lines: [], parts: {} };
}

/** A report section: its view model for the partial templates/default/partials/<id>.hbs. */
export interface ReportSection {
  /** key under `sections` in the template context, and the partial's name */
  id: string;
  /** the partial's heading */
  title: string;
  /** what of the results value it reads (docs/report.md, "What the sections read") */
  reads: string[];
  build(ctx: SectionContext, s: SectionModel): void;
}

interface SectionContext {
  results: Results;
  scope: 'run' | 'cell';
  /** the cell shown in detail (null for a run without cells) */
  cell: CellResult | null;
  defs: CellResult['definitions'] | undefined;
  names: { A: string; M: string; Y: string };
  /** y axis label of effect figures */
  yLabel: string;
  /** primary-outcome estimators of the cell, and those that ran */
  ests: EstimatorEntry[];
  okEsts: EstimatorEntry[];
  /** readable estimator label, unique per outcome */
  labelOf(e: EstimatorEntry): string;
  truth: TruthComparison | null;
  /** normalized cell diagnostics, and each ok estimator's */
  normCell: NormalizedDiagnostics;
  normEst: Map<EstimatorEntry, NormalizedDiagnostics>;
  /** a diagnostic key: the cell's when present, else the first estimator's that has it */
  diag<K extends keyof NormalizedDiagnostics>(key: K): NormalizedDiagnostics[K] | undefined;
  /** the cell's readiness checks, else the estimators' (deduplicated by check text) */
  readinessRows: ReadinessCheck[];
  addTable(s: SectionModel, t: ReportTable, part?: string): void;
  addFigure(s: SectionModel, plan: FigurePlan, part?: string): void;
}

export function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

export function ciOf(v: EstimateValue | undefined | null): [number, number] | null {
  const ci = v?.ci;
  return ci && isNum(ci[0]) && isNum(ci[1]) ? [ci[0], ci[1]] : null;
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

/** The context for one report scope; `tables` and `figures` collect what the sections add, in order. */
export function sectionContext(
  results: Results,
  scope: 'run' | 'cell',
  cell: CellResult | null,
  wanted: ReadonlySet<string>,
  tables: ReportTable[],
  figures: FigurePlan[],
): SectionContext {
  const defs = cell?.definitions;
  const names = {
    A: defs?.treatment.name ?? 'A',
    M: defs?.mediator?.name ?? 'M',
    Y: defs?.outcome.name ?? 'Y',
  };
  const ests = cell ? primaryEstimators(cell) : [];
  const okEsts = ests.filter((e) => e.status === 'ok');
  // labels are unique per outcome (a secondary outcome repeats the primary estimators)
  const labels = new Map<EstimatorEntry, string>();
  for (const outcome of new Set((cell?.estimators ?? []).map((e) => e.outcome))) {
    for (const [e, l] of estimatorLabels((cell?.estimators ?? []).filter((x) => x.outcome === outcome))) labels.set(e, l);
  }
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
  const readinessRows: ReadinessCheck[] = [...(cell?.readiness ?? [])];
  if (readinessRows.length === 0) {
    const seen = new Set<string>();
    for (const r of [...(normCell.readiness ?? []), ...okEsts.flatMap((e) => normEst.get(e)!.readiness ?? [])]) {
      if (seen.has(r.check)) continue;
      seen.add(r.check);
      readinessRows.push(r);
    }
  }
  return {
    results,
    scope,
    cell,
    defs,
    names,
    yLabel: `Effect on ${names.Y}`,
    ests,
    okEsts,
    labelOf: (e) => labels.get(e) ?? e.label ?? e.id,
    truth: truthComparison(cell),
    normCell,
    normEst,
    diag,
    readinessRows,
    addTable: (s, t, part) => {
      if (t.rows.length === 0) return;
      tables.push(t);
      s.tables.push(t.id);
      s.available = true;
      if (part) s.parts[part] = { kind: 'table', id: t.id };
    },
    addFigure: (s, plan, part) => {
      if (!wanted.has(plan.kind)) return;
      figures.push(plan);
      s.figures.push(plan.file);
      if (part) s.parts[part] = { kind: 'figure', id: plan.file };
    },
  };
}

/** A grid axis value as table text. */
export function axisText(v: JsonValue): string {
  return axisValueLabel(v, 200);
}
