/** Report section: SEM-style path coefficients (α, β, c′ and their products). */
import { estimandInfo } from '../estimands.js';
import { zeroVerdict } from '../format.js';
import { ciOf, type ReportSection, type Row } from './context.js';

export const semSection: ReportSection = {
  id: 'sem',
  title: 'SEM paths',
  reads: ['cells[].estimators (alpha, beta, c_prime, indirect, total)'],
  build(ctx, s) {
    const { names, okEsts, labelOf, addTable } = ctx;
    const semEsts = okEsts.filter((e) => 'alpha' in e.estimates && 'beta' in e.estimates);
    const semRows: Row[] = [];
    for (const e of semEsts) {
      for (const k of ['alpha', 'beta', 'c_prime', 'indirect', 'total']) {
        const v = e.estimates[k];
        if (!v) continue;
        const info = estimandInfo(k, names);
        const ci = ciOf(v);
        semRows.push({ estimator: labelOf(e), path: info.symbol, meaning: info.meaning, estimate: v.estimate, ci, bootMean: v.bootMean ?? null, conclusion: zeroVerdict(ci) });
      }
    }
    addTable(
      s,
      {
        id: 'sem_paths',
        title: 'SEM-style path coefficients',
        columns: [
          { key: 'estimator', label: 'Model' },
          { key: 'path', label: 'Path' },
          { key: 'meaning', label: 'Meaning' },
          { key: 'estimate', label: 'Estimate', format: 'num' },
          { key: 'bootMean', label: 'Bootstrap mean', format: 'num' },
          { key: 'ci', label: '95% CI', format: 'ci' },
          { key: 'conclusion', label: 'Conclusion' },
        ],
        rows: semRows,
      },
      'table',
    );
    // docs/seeds.md §004: the fit of the path model's three regressions and the total-effect regression
    const fitRows: Row[] = semEsts.map((e) => {
      const d = e.diagnostics as Record<string, unknown>;
      const num = (k: string) => (typeof d[k] === 'number' ? (d[k] as number) : null);
      return {
        estimator: labelOf(e), weights: typeof d.weights === 'string' ? d.weights : null,
        mediatorR2: num('mediator_model_r2'), outcomeR2: num('outcome_model_r2'), totalR2: num('total_model_r2'),
        totalRegression: e.estimates.total_regression?.estimate ?? null,
      };
    });
    addTable(
      s,
      {
        id: 'sem_fit',
        title: 'SEM path model fit',
        columns: [
          { key: 'estimator', label: 'Model' },
          { key: 'weights', label: 'Weights', format: 'code' },
          { key: 'mediatorR2', label: 'R² of M ~ A + X', format: 'num' },
          { key: 'outcomeR2', label: 'R² of Y ~ A + M + X', format: 'num' },
          { key: 'totalR2', label: 'R² of Y ~ A + X', format: 'num' },
          { key: 'totalRegression', label: 'Total-effect regression coefficient of A', format: 'num' },
        ],
        rows: fitRows,
      },
      'fit',
    );
  },
};
