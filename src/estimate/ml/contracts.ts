/** The estimate-stage shapes this folder builds against (src/estimate/types.ts, docs/CONTRACTS.md). */
export type {
  DesignMatrix, FittedModel, Learner, EstimateValue, EstimatorResult, ModelSpec, AnalysisFrame, EstimatorContext,
} from '../types.js';

export interface FeatureImportance {
  feature: string;
  gain: number;
  splits: number;
}
