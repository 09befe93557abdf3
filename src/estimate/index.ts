/** Public API of the estimation stage. */
export type {
  AnalysisFrame, DesignMatrix, EstimateValue, EstimatorContext, EstimatorResult, EstimatorSpec, FittedModel, FrameDefinitions,
  Learner, LearnerFactory, ModelSpec, TreatmentDefinition,
} from './types.js';
export { runEstimator, runEstimatorWithRows, usesCrossfitForm, runsOnSecondaryOutcomes } from './runner.js';
export { estimatorKinds, kindInfo, findKind, specKinds, allKinds, estimandText, estimandRank, describesEstimand } from './kinds/index.js';
export { EstimatorFailure } from './kinds/kind.js';
export type { EstimatorKind, EstimandText, Names, PointResult, Replicator } from './kinds/kind.js';
export {
  learnerKinds, makeLearner, resolveModel, groupKFold, columnsOf, designFromColumns, takeRows,
  linearLearner, logisticLearner,
} from './learners.js';
export { fitLinear, predictLinear, clusterRobustSE, fitLogistic, predictLogistic, clusterIndex } from './linear.js';
export type { LinearFit, LinearOptions, LogisticFit, LogisticOptions } from './linear.js';
export { ClusterGram, drawUsers, multiplicities, replicateRows, summarizeReplicates, userIndex } from './bootstrap.js';
export * from './diagnostics.js';
export { quantile, finiteOrNull, pearson, spearman } from './linalg.js';
