/**
 * Report section: the quality of each covariate before imputation (missing rate, distinct values, spread,
 * constant flag, the imputation used and its columns in the design matrix), computed by
 * src/analysis/design-summary.ts when the spec lists the `covariate_quality` diagnostic.
 */
import type { CovariateQualityRow } from '../../results/index.js';
import type { ReportSection } from './context.js';

export const covariateQualitySection: ReportSection = {
  id: 'covariate_quality',
  title: 'Covariate quality',
  reads: ['diagnostics.covariateQuality'],
  build(ctx, s) {
    const { cell, addTable } = ctx;
    const rows = (cell?.diagnostics as { covariateQuality?: CovariateQualityRow[] } | undefined)?.covariateQuality;
    if (!rows?.length) return;
    const dropped = rows.filter((r) => r.designColumns === 0).length;
    const imputed = rows.filter((r) => r.missing > 0).length;
    s.lines.push(`${rows.length} covariates; ${imputed} with missing values filled in, ${dropped} giving the design matrix no column (constant on the analysis rows).`);
    addTable(
      s,
      {
        id: 'covariate_quality',
        title: 'Covariate quality on the analysis rows, before imputation (most missing first, then fewest distinct values)',
        columns: [
          { key: 'covariate', label: 'Covariate', format: 'code' },
          { key: 'type', label: 'Type' },
          { key: 'missingRate', label: 'Missing', format: 'pct' },
          { key: 'distinct', label: 'Distinct values', format: 'int' },
          { key: 'std', label: 'SD', format: 'num' },
          { key: 'constant', label: 'Constant', format: 'bool' },
          { key: 'imputation', label: 'Imputation' },
          { key: 'imputedValue', label: 'Imputed value', format: 'num' },
          { key: 'designColumns', label: 'Design columns', format: 'int' },
        ],
        rows: rows.map((r) => ({ ...r })),
      },
      'table',
    );
  },
};
