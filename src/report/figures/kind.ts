/**
 * A figure kind: one chart a report can draw, the name a spec lists under `report.figures`. Each kind
 * lives in its own file here (figures/<id>.ts; the dag's in dag.ts beside its drawing) and is listed once
 * in registry.ts; sections (../sections/) prepare the data and ask the kind for a plan.
 */
import type { Figure, FigureOptions } from './render.js';

export interface FigurePlan {
  /** the kind's id (a FigureName) */
  kind: string;
  /** file stem under figures/ (safe characters only) */
  file: string;
  title: string;
  draw: (opts: FigureOptions) => Figure;
}

export interface FigureKind<Input> {
  /** the name in report.figures, and the file stem of single-file kinds */
  id: string;
  /** the report section (../sections/<section>.ts) that draws it */
  section: string;
  /** what it shows (docs/report.md, Figures) */
  shows: string;
  /** a plan from the section's data; drawing happens later, only for wanted kinds */
  plan(input: Input): FigurePlan;
}
