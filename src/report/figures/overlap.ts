/** Propensity histograms by arm (needs the cell's `overlap.histogram`). */
import { overlapPlot } from './charts.js';
import type { FigureKind } from './kind.js';

interface OverlapFigureInput {
  treatment: string;
  edges: number[];
  treated: number[];
  control: number[];
}

export const overlapFigure = {
  id: 'overlap',
  section: 'overlap',
  shows: 'propensity step histograms by arm with rows per arm, 0.05 / 0.95 lines (needs `overlap.histogram`)',
  plan: ({ treatment, edges, treated, control }) => ({
    kind: 'overlap',
    file: 'overlap',
    title: 'Propensity score overlap by arm',
    draw: (o) => overlapPlot({ edges, treated, control, treatedLabel: `Treated (${treatment} = 1)`, controlLabel: `Control (${treatment} = 0)` }, o),
  }),
} as const satisfies FigureKind<OverlapFigureInput>;
