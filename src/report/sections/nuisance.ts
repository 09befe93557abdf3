/** Report section: nuisance model performance and feature importance (feature_importance figures). */
import { type ImportanceRow } from '../../results/index.js';
import { type ReportSection, type Row } from './context.js';
import { featureImportanceFigure } from '../figures/feature_importance.js';

export const nuisanceSection: ReportSection = {
  id: 'nuisance',
  title: 'Nuisance models',
  reads: ['diagnostics.nuisance', 'diagnostics.importance', 'diagnostics.heterogeneity_analysis.estimator', 'diagnostics.heterogeneity_analysis.pseudo_outcomes_estimator'],
  build(ctx, s) {
    const { cell, okEsts, normCell, normEst, addTable, addFigure } = ctx;
    const perf: Row[] = [];
    const imp = new Map<string, { estimator: string; model: string; target: string; rows: ImportanceRow[] }>();
    for (const e of okEsts) {
      for (const r of normEst.get(e)!.nuisance ?? []) {
        perf.push({ estimator: e.id, model: r.model || null, target: r.target, rmse: r.rmse ?? null, mae: r.mae ?? null, r2: r.r2 ?? null, auc: r.auc ?? null, logLoss: r.logLoss ?? null, brier: r.brier ?? null, folds: r.folds ?? null });
      }
      for (const r of normEst.get(e)!.importance ?? []) {
        const key = `${e.id}\u0000${r.model}\u0000${r.target}`;
        if (!imp.has(key)) imp.set(key, { estimator: e.id, model: r.model, target: r.target, rows: [] });
        imp.get(key)!.rows.push(r);
      }
    }
    // cell-level importance: effect moderators of the heterogeneity analysis
    {
      const raw = (cell?.diagnostics as Record<string, unknown> | undefined)?.heterogeneity_analysis as Record<string, unknown> | undefined;
      // the moderators are fitted to the pseudo-outcomes of pseudo_outcomes_estimator (src/analysis/heterogeneity.ts)
      const owner = typeof raw?.pseudo_outcomes_estimator === 'string' ? raw.pseudo_outcomes_estimator : typeof raw?.estimator === 'string' ? raw.estimator : 'heterogeneity';
      for (const r of normCell.importance ?? []) {
        const key = `${owner}\u0000${r.model}\u0000${r.target}`;
        if (!imp.has(key)) imp.set(key, { estimator: owner, model: r.model, target: r.target, rows: [] });
        imp.get(key)!.rows.push(r);
      }
    }
    addTable(
      s,
      {
        id: 'nuisance_performance',
        title: 'Nuisance model performance (out of fold where cross-fitted)',
        columns: [
          { key: 'estimator', label: 'Estimator' },
          { key: 'model', label: 'Model' },
          { key: 'target', label: 'Target' },
          { key: 'rmse', label: 'RMSE', format: 'num' },
          { key: 'mae', label: 'MAE', format: 'num' },
          { key: 'r2', label: 'R²', format: 'num', digits: 3 },
          { key: 'auc', label: 'AUC', format: 'num', digits: 3 },
          { key: 'logLoss', label: 'Log loss', format: 'num', digits: 3 },
          { key: 'brier', label: 'Brier', format: 'num', digits: 3 },
          { key: 'folds', label: 'Folds', format: 'int' },
        ],
        rows: perf,
      },
      'performance',
    );
    const impRows: Row[] = [];
    for (const g of imp.values()) {
      const top = [...g.rows].sort((a, b) => b.share - a.share || (a.feature < b.feature ? -1 : 1)).slice(0, 12);
      for (const r of top) impRows.push({ estimator: g.estimator, model: g.model, target: g.target, feature: r.feature, gain: r.gain, splits: r.splits ?? null, share: r.share });
      addFigure(s, featureImportanceFigure.plan(g));
    }
    addTable(
      s,
      {
        id: 'feature_importance',
        title: 'Feature importance (top 12 per model)',
        columns: [
          { key: 'estimator', label: 'Estimator' },
          { key: 'model', label: 'Model' },
          { key: 'target', label: 'Target' },
          { key: 'feature', label: 'Feature', format: 'code' },
          { key: 'gain', label: 'Gain', format: 'num' },
          { key: 'splits', label: 'Splits', format: 'int' },
          { key: 'share', label: 'Share', format: 'pct' },
        ],
        rows: impRows,
      },
      'importance',
    );
  },
};
