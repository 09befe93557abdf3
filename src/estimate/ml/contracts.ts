/**
 * The estimate-stage shapes this folder builds against, copied from docs/CONTRACTS.md.
 * They are structural types: once src/estimate/types.ts (estimation core) exists, its
 * DesignMatrix / Learner / FittedModel / EstimatorResult are interchangeable with these.
 */
export interface DesignMatrix {
  rows: number;
  cols: number;
  /** Column-major: column j occupies data[j*rows .. (j+1)*rows). */
  data: Float64Array;
  names: string[];
}

export interface FeatureImportance {
  feature: string;
  gain: number;
  splits: number;
}

export interface FittedModel {
  /** Regression: the conditional mean. Classification learners (logistic, gbm with loss logistic): P(y = 1). */
  predict(X: DesignMatrix): Float64Array;
  importance?(): FeatureImportance[];
}

export interface Learner {
  fit(X: DesignMatrix, y: Float64Array, w?: Float64Array): FittedModel;
}

export interface EstimateValue {
  estimate: number | null;
  se?: number | null;
  ci?: [number, number] | null;
  bootMean?: number | null;
  bootSd?: number | null;
  relative?: number | null;
}

export interface EstimatorResult {
  id: string;
  kind: string;
  status: 'ok' | 'failed';
  reason?: string;
  estimates: Record<string, EstimateValue>;
  diagnostics: Record<string, unknown>;
  warnings: string[];
}
