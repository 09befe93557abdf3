/** Total / direct / indirect effect per mediation approach, with intervals. */
import { decompositionChart, type DecompositionData } from './charts.js';
import type { FigureKind } from './kind.js';

export const mediationDecompositionFigure = {
  id: 'mediation_decomposition',
  section: 'mediation',
  shows: 'total / direct / indirect per approach, with intervals; pale bars have none; amber marks the true values',
  plan: (data) => ({
    kind: 'mediation_decomposition',
    file: 'mediation_decomposition',
    title: 'Mediation decomposition',
    draw: (o) => decompositionChart(data, o),
  }),
} as const satisfies FigureKind<DecompositionData>;
