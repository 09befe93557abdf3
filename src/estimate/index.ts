/** Public API of the estimation stage. */
export type {
  AnalysisFrame, DesignMatrix, EstimateValue, EstimatorContext, EstimatorResult, EstimatorSpec, FittedModel, FrameDefinitions,
  Learner, LearnerFactory, ModelSpec, TreatmentDefinition,
} from './types.js';
export { runEstimator, estimatorKinds, registerEstimator, EstimatorFailure } from './estimators.js';
export type { EstimatorImpl, PointResult, Replicator } from './estimators.js';
export {
  registerLearner, learnerKinds, makeLearner, resolveModel, groupKFold, columnsOf, designFromColumns, takeRows,
  linearLearner, logisticLearner,
} from './learners.js';
export { fitLinear, predictLinear, clusterRobustSE, fitLogistic, predictLogistic, clusterIndex } from './linear.js';
export type { LinearFit, LinearOptions, LogisticFit, LogisticOptions } from './linear.js';
export { ClusterGram, drawUsers, multiplicities, replicateRows, summarizeReplicates, userIndex } from './bootstrap.js';
export * from './diagnostics.js';
export { quantile, finiteOrNull, pearson, spearman } from './linalg.js';
