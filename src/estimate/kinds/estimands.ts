/** The average effects reported by the total-effect kinds (their registry text in one place). */
import type { EstimandDeclaration } from './kind.js';

export const ATE: EstimandDeclaration = {
  key: 'ate',
  text: ({ A, Y }) => ({
    symbol: 'ATE', name: 'average treatment effect', definition: 'E[Y(1) − Y(0)]',
    meaning: `Average difference in ${Y} had every day been ${A} = 1 rather than ${A} = 0.`, answers: `Does ${A} change ${Y} at all?`,
  }),
};

/** The effect on the treated days (an entry's `estimand: att`, src/estimate/kinds/options.ts ESTIMAND_OPTION). */
export const ATT: EstimandDeclaration = {
  key: 'att',
  text: ({ A, Y }) => ({
    symbol: 'ATT', name: 'average treatment effect on the treated', definition: `E[Y(1) − Y(0) | ${A} = 1]`,
    meaning: `Average difference in ${Y} on the days with ${A} = 1, compared with those same days had they been ${A} = 0.`,
    answers: `What did ${A} do to ${Y} where it happened?`,
  }),
};

/** The effect on the control days (`estimand: atc`). */
export const ATC: EstimandDeclaration = {
  key: 'atc',
  text: ({ A, Y }) => ({
    symbol: 'ATC', name: 'average treatment effect on the controls', definition: `E[Y(1) − Y(0) | ${A} = 0]`,
    meaning: `Average difference in ${Y} on the days with ${A} = 0 had they been ${A} = 1 instead.`,
    answers: `What would ${A} do to ${Y} where it did not happen?`,
  }),
};

/** Every average effect a kind with an `estimand` option may report, ATE first. */
export const AVERAGE_EFFECTS: EstimandDeclaration[] = [ATE, ATT, ATC];
