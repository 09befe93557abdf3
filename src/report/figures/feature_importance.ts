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

export const featureImportanceFigure = {
  id: 'feature_importance',
  section: 'nuisance',
  shows: 'top features by share of gain (target `effect`: moderators of the heterogeneity analysis)',
  plan: (g) => ({
    kind: 'feature_importance',
    file: `feature_importance_${fileStem(g.estimator)}_${fileStem(g.target)}`,
    title: g.target === 'effect' ? `Effect moderators: ${g.model || g.estimator}` : `Feature importance: ${g.estimator}, ${g.target} model`,
    draw: (o) =>
      importanceChart(
        {
          title: g.target === 'effect' ? `Effect moderators (${g.estimator})` : `Feature importance: ${g.estimator}, ${g.target} model`,
          ...(g.model ? { subtitle: g.model } : {}),
          rows: g.rows.map((r) => ({ feature: r.feature, share: r.share })),
        },
        o,
      ),
  }),
} as const satisfies FigureKind<FeatureImportanceInput>;
