/** The average treatment effect, reported by every total-effect kind (its registry text in one place). */
import type { EstimandDeclaration } from './kind.js';

export const ATE: EstimandDeclaration = {
  key: 'ate',
  text: ({ A, Y }) => ({
    symbol: 'ATE', name: 'average treatment effect', definition: 'E[Y(1) − Y(0)]',
    meaning: `Average difference in ${Y} had every day been ${A} = 1 rather than ${A} = 0.`, answers: `Does ${A} change ${Y} at all?`,
  }),
};
