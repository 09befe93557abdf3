/** Top features by share of gain, one figure per estimator and target (`effect`: moderators of the heterogeneity analysis). */
import { importanceChart } from './charts.js';
import type { FigureKind } from './kind.js';
import type { ImportanceRow } from '../../results/index.js';

interface FeatureImportanceInput {
  estimator: string;
  model: string;
  target: string;
  rows: ImportanceRow[];
}

/** Safe file stem from data text (model ids, targets): lowercase letters, digits, '_' and '-'. */
function fileStem(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '');
  return s.slice(0, 60) || 'x';
}

/**
 * Titles and rows. Importance of a feature in a model of the effect (target `effect`) says the effect
 * varies with it — an association: the report makes no causal claim about moderators, so neither does
 * the title ("associated with", not "drives" or "moderates").
 */
export function featureImportanceModel(g: FeatureImportanceInput): { heading: string; title: string; subtitle?: string; rows: Array<{ feature: string; share: number }> } {
  const rows = g.rows.map((r) => ({ feature: r.feature, share: r.share }));
  if (g.target === 'effect') {
    // the analysis names its model "effect moderators (gbm on AIPW pseudo-outcomes)" (src/analysis/heterogeneity.ts): keep what was fitted
    const fitted = g.model.replace(/^effect moderators\s*\((.*)\)$/, '$1');
    return {
      heading: `Features associated with effect variation (${g.estimator})`,
      title: `Features associated with effect variation (${g.estimator})`,
      subtitle: `${fitted ? fitted + ' · ' : ''}an association with the estimated effect, not a causal effect of the feature`,
      rows,
    };
  }
  return { heading: `Feature importance: ${g.estimator}, ${g.target} model`, title: `Feature importance: ${g.estimator}, ${g.target} model`, ...(g.model ? { subtitle: g.model } : {}), rows };
}

export const featureImportanceFigure = {
  id: 'feature_importance',
  section: 'nuisance',
  shows: 'top features by share of gain (target `effect`: features associated with effect variation)',
  plan: (g) => ({
    kind: 'feature_importance',
    file: `feature_importance_${fileStem(g.estimator)}_${fileStem(g.target)}`,
    title: featureImportanceModel(g).heading,
    draw: (o) => {
      const m = featureImportanceModel(g);
      return importanceChart({ title: m.title, ...(m.subtitle ? { subtitle: m.subtitle } : {}), rows: m.rows }, o);
    },
  }),
} as const satisfies FigureKind<FeatureImportanceInput>;
