/** What a cell's analysis reads, typed and defaulted by run/compile.ts (the only reader of the raw spec). */
import type { EstimatorSpec, ModelSpec } from '../estimate/types.js';
import type { SensitivitySettings } from '../sensitivity/cell.js';

/** The spec's heterogeneity section as the analysis reads it. */
export interface CellHeterogeneity {
  estimator?: string;
  by: Record<string, { buckets?: number[]; tertiles?: boolean; quantiles?: number; edges?: 'rank' | 'value' }>;
  min_size?: number;
  /** keep the k largest and k smallest segment effects that pass the size filter */
  top?: number;
  importance?: boolean;
  /** DR-learner second stage on the AIPW pseudo-outcomes (./dr-learner.ts) */
  dr_learner?: { modifiers: string[]; folds?: number };
}

/** What the definitions table needs to say how each column is made. */
export interface DefinitionSettings {
  treatmentRule: { direction: string; value: number | null; quantile: number | null; among: string };
  /** the spec's day expressions and derived columns by column name (a column's rule in the definitions table) */
  dayExpressions: Record<string, string>;
  /** history.future.incomplete */
  futureIncomplete: string;
  covariates: { numeric: string[]; categorical: string[] };
  populationRule: string;
}

/** The cell's analysis settings, typed and defaulted by run/compile.ts. */
export interface AnalysisSettings {
  seed: number;
  estimators: EstimatorSpec[];
  models: Record<string, ModelSpec>;
  bootstrap: { reps: number; level: number } | undefined;
  /** secondary outcomes, in the spec's order */
  secondaryOutcomes: string[];
  /** cell-level diagnostics wanted (spec `diagnostics:`) */
  diagnostics: string[];
  heterogeneity: CellHeterogeneity | null;
  /** the estimator the report calls primary (report.primary), when the spec names one */
  primaryEstimator?: string;
  sensitivity: SensitivitySettings;
  definitions: DefinitionSettings;
}
