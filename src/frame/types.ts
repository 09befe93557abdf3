/**
 * The analysis frame frame/ hands to estimate/: A, M, Y, secondary outcomes, the covariate design matrix
 * and the definitions in words. Design matrices are column-major Float64Arrays: column j occupies
 * data[j*rows .. (j+1)*rows). See docs/CONTRACTS.md.
 */
import type { ColumnTable } from '../data/table.js';

export interface DesignMatrix {
  rows: number;
  cols: number;
  /** column-major: element (i, j) is data[j * rows + i] */
  data: Float64Array;
  names: string[];
}

export interface TreatmentDefinition {
  name: string;
  measure: string;
  threshold: { value: number } | { quantile: number; among?: 'population' | 'active_days' };
}

export interface FrameDefinitions {
  treatment: TreatmentDefinition;
  mediator?: string;
  outcome: string;
  secondary: string[];
  /** resolved threshold value: A = measure >= threshold */
  threshold: number;
  treatedShare: number;
  covariates: string[];
  /** rows dropped from the population because A, M or Y was missing */
  excluded: { missingTreatment: number; missingMediator: number; missingOutcome: number };
  populationRows: number;
}

export interface AnalysisFrame {
  n: number;
  /** panel rows in the analysis frame (population minus rows with missing A/M/Y) */
  rows: Int32Array;
  /** user id per row (bootstrap / cross-fitting groups) */
  cluster: Int32Array;
  A: Float64Array;
  M: Float64Array | null;
  Y: Float64Array;
  secondary: Record<string, Float64Array>;
  X: DesignMatrix;
  extra: ColumnTable;
  definitions: FrameDefinitions;
  warnings: string[];
}
