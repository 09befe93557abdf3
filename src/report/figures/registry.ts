/**
 * Every figure kind, in the order `report.figures` documents them. The spec schema's report.figures enum
 * (schemas/causeway.schema.json) and docs/report.md's figure table are tested against this list
 * (test/report/registry.test.ts). Adding a kind: its file here, one line below, the enum, the docs row.
 */
import { dagFigure } from './dag.js';
import { estimatorForestFigure } from './estimator_forest.js';
import { featureImportanceFigure } from './feature_importance.js';
import { heterogeneityFigure } from './heterogeneity.js';
import { lovePlotFigure } from './love_plot.js';
import { mediationDecompositionFigure } from './mediation_decomposition.js';
import { mediationRhoFigure } from './mediation_rho.js';
import { ovbContourFigure } from './ovb_contour.js';
import { overlapFigure } from './overlap.js';
import { secondaryOutcomesFigure } from './secondary_outcomes.js';
import { specificationCurveFigure } from './specification_curve.js';
import { weightSensitivityFigure } from './weight_sensitivity.js';

export const FIGURE_KINDS = [
  estimatorForestFigure,
  dagFigure,
  overlapFigure,
  lovePlotFigure,
  secondaryOutcomesFigure,
  mediationDecompositionFigure,
  weightSensitivityFigure,
  specificationCurveFigure,
  heterogeneityFigure,
  featureImportanceFigure,
  ovbContourFigure,
  mediationRhoFigure,
] as const;

export type FigureName = (typeof FIGURE_KINDS)[number]['id'];

/** Figure names a spec may list under report.figures. */
export const FIGURE_NAMES: readonly FigureName[] = FIGURE_KINDS.map((k) => k.id);
