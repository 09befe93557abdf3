/** Effects on the secondary outcomes (relative to the control mean when every row has one). */
import { intervalChart, type IntervalRow } from './charts.js';
import type { FigureKind } from './kind.js';

interface SecondaryOutcomesInput {
  rows: IntervalRow[];
  /** rows are % of the control mean (else each outcome's units) */
  relative: boolean;
}

export const secondaryOutcomesFigure = {
  id: 'secondary_outcomes',
  section: 'secondary',
  shows: 'effects on secondary outcomes (relative to control mean when available)',
  plan: ({ rows, relative }) => ({
    kind: 'secondary_outcomes',
    file: 'secondary_outcomes',
    title: 'Effects on secondary outcomes',
    draw: (o) => intervalChart({ title: 'Effects on secondary outcomes', subtitle: relative ? 'Relative to the control mean' : 'In each outcome’s units', valueLabel: relative ? 'Effect (% of control mean)' : 'Effect (outcome units)', rows }, o),
  }),
} as const satisfies FigureKind<SecondaryOutcomesInput>;
