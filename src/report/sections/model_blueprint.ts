/**
 * Report section: the model blueprint — every model step of every estimator (target, features, learner,
 * fitting, weights) and its effect step with the interval method, as src/analysis/blueprint.ts derived
 * it from the resolved spec and the estimators' results (the `model_blueprint` diagnostic).
 */
import type { ModelBlueprintStep } from '../../results/index.js';
import type { ReportSection } from './context.js';

export const modelBlueprintSection: ReportSection = {
  id: 'model_blueprint',
  title: 'Model blueprint',
  reads: ['diagnostics.modelBlueprint'],
  build(ctx, s) {
    const { cell, addTable } = ctx;
    const rows = (cell?.diagnostics as { modelBlueprint?: ModelBlueprintStep[] } | undefined)?.modelBlueprint;
    if (!rows?.length) return;
    addTable(
      s,
      {
        id: 'model_blueprint',
        title: 'Model blueprint: each estimator\'s model steps and its effect step (X: the covariate design matrix)',
        columns: [
          { key: 'estimator', label: 'Estimator', format: 'code' },
          { key: 'step', label: 'Step' },
          { key: 'target', label: 'Target' },
          { key: 'features', label: 'Features' },
          { key: 'learner', label: 'Learner' },
          { key: 'fitting', label: 'Fitting' },
          { key: 'weights', label: 'Weights' },
          { key: 'interval', label: 'Interval' },
        ],
        // a model step has no interval of its own: a dash, not an empty cell
        rows: rows.map((r) => ({ ...r, interval: r.interval || null })),
      },
      'table',
    );
  },
};
