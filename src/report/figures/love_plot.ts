/** The love plot: standardized mean differences before and after weighting. */
import { lovePlot } from './charts.js';
import type { FigureKind } from './kind.js';
import type { BalanceRow } from '../../results/index.js';
import type { BalanceWeighting } from '../normalize.js';

/** The first weighting's balance rows; `others`: further balancing weightings' SMDs (entropy balancing, CBPS). */
type LovePlotInput = BalanceRow[] & { others?: BalanceWeighting[] };

export const lovePlotFigure = {
  id: 'love_plot',
  section: 'overlap',
  shows: 'SMD before/after weighting, ±0.1 lines',
  plan: (balance) => ({
    kind: 'love_plot',
    file: 'love_plot',
    title: 'Covariate balance before and after weighting',
    draw: (o) => lovePlot({ rows: balance.map((r) => ({ covariate: r.covariate, before: r.smdBefore, after: r.smdAfter })), others: balance.others }, o),
  }),
} as const satisfies FigureKind<LovePlotInput>;
