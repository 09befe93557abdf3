/** The estimate under each weighting, labelled with its effective-sample-size share. */
import { intervalChart, type IntervalRow } from './charts.js';
import type { FigureKind } from './kind.js';

interface WeightSensitivityInput {
  valueLabel: string;
  rows: IntervalRow[];
}

export const weightSensitivityFigure = {
  id: 'weight_sensitivity',
  section: 'sensitivity',
  shows: 'estimate per weighting with ESS share',
  plan: ({ valueLabel, rows }) => ({
    kind: 'weight_sensitivity',
    file: 'weight_sensitivity',
    title: 'Sensitivity to the weight specification',
    draw: (o) => intervalChart({ title: 'Sensitivity to the weight specification', valueLabel, rows }, o),
  }),
} as const satisfies FigureKind<WeightSensitivityInput>;
