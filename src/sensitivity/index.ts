/** Public API of the cross-cell and sensitivity analyses (see each module's header). */
export { evalueForRiskRatio, riskRatioFromSmd, evalueRiskRatio, evalueContinuous, cellEValues, EVALUE_SCALE } from './evalue.js';
export type { EValue } from './evalue.js';
export { mediatorConfoundingSweep, DEFAULT_DELTAS, DEFAULT_GAMMAS_SD } from './mediator-confounding.js';
export type { MediatorConfoundingSweep, MediatorConfoundingCell } from './mediator-confounding.js';
export { refute, refuterRows, REFUTERS, placeboFrame, randomCommonCauseFrame, userSubsetFrame } from './refuters.js';
export type { RefuterName, RefuterOptions, Refutation, RefutationEstimand, RunEstimatorFn } from './refuters.js';
export { robustnessFamilies, specificationCurve, summarizeCells } from './robustness.js';
export type { RobustnessOptions } from './robustness.js';
export { weightSensitivity, weightSensitivityRow, msmSpecForVariant, variantLabel, SEED_003_VARIANTS } from './weights.js';
export type { WeightVariantSpec } from './weights.js';
export { cellSensitivity, standardDeviation } from './cell.js';
export type { CellSensitivityInput, SensitivitySettings } from './cell.js';
