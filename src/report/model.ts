/**
 * From a results value to what the report shows: every table (raw values, written as CSV and rendered
 * as Markdown), every figure (a plan: name + how to draw it), and the sections' facts for the template.
 * Knows nothing about how estimates were computed; reads only the results value. Each section is a file
 * in sections/ (registered in sections/index.ts), each figure kind a file in figures/ (figures/registry.ts).
 */
import type { CellResult, JsonValue, Results } from '../results/index.js';
import type { ReportTable } from './format.js';
import type { FigurePlan } from './figures/kind.js';
import { FIGURE_NAMES } from './figures/registry.js';
import { REPORT_SECTIONS } from './sections/index.js';
import { axisText, emptySection, primaryCell, sectionContext, type SectionModel } from './sections/context.js';

export { FIGURE_NAMES, type FigureName } from './figures/registry.js';
export { estimandInfo } from './estimands.js';
export { primaryCell, type SectionModel } from './sections/context.js';
export type { FigurePlan } from './figures/kind.js';

/** Section facts (raw, unescaped); table and figure references are ids resolved at render time. */
export interface ReportModel {
  scope: 'run' | 'cell';
  cell: CellResult | null;
  tables: ReportTable[];
  figures: FigurePlan[];
  sections: Record<string, SectionModel>;
  facts: Record<string, JsonValue>;
}

interface ModelOptions {
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
  const ctx = sectionContext(results, scope, cell, wanted, tables, figures);
  const { defs, names } = ctx;
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
  const sections: Record<string, SectionModel> = {};
  for (const section of REPORT_SECTIONS) {
    const s = emptySection();
    section.build(ctx, s);
    sections[section.id] = s;
  }
  return { scope, cell, tables, figures, sections, facts };
}
