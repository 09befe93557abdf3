/**
 * The sensitivity section's omitted-variable-bias and mediation-ρ parts (src/sensitivity/ovb-linear.ts,
 * ovb-dml.ts, mediation-rho.ts): tables and the ovb_contour / mediation_rho figures. Kept apart from
 * ./sensitivity.ts so each file stays one subject.
 */
import type { Sensitivity } from '../../results/index.js';
import { zeroVerdict } from '../format.js';
import { mediationRhoFigure } from '../figures/mediation_rho.js';
import { ovbContourFigure } from '../figures/ovb_contour.js';
import type { ReportSection, SectionModel } from './context.js';

type SectionContext = Parameters<ReportSection['build']>[0];

export function addBoundsParts(ctx: SectionContext, s: SectionModel, sens: Sensitivity): void {
  const { okEsts, labelOf, addTable, addFigure, yLabel } = ctx;
  const labelFor = (id: string) => {
    const e = okEsts.find((x) => x.id === id);
    return e ? labelOf(e) : id;
  };
  const ovb = sens.omittedVariableBias ?? [];
  addTable(
    s,
    {
      id: 'omitted_variable_bias',
      title: 'Omitted-variable bias of the linear outcome regression (sensemakr)',
      columns: [
        { key: 'estimator', label: 'Estimator' },
        { key: 'estimate', label: 'Estimate', format: 'num' },
        { key: 'se', label: 'SE (OLS)', format: 'num' },
        { key: 't', label: 't', format: 'num', digits: 2 },
        { key: 'dof', label: 'dof', format: 'int' },
        { key: 'partialR2', label: 'Partial R² of A with Y', format: 'pct' },
        { key: 'rv', label: 'RV', format: 'pct' },
        { key: 'rvAlpha', label: 'RV (α)', format: 'pct' },
        { key: 'reading', label: 'Reading' },
      ],
      rows: ovb.map((r) => ({ estimator: labelFor(r.estimator), estimate: r.estimate, se: r.se, t: r.tStatistic, dof: r.dof, partialR2: r.partialR2, rv: r.rv, rvAlpha: r.rvAlpha, reading: r.summary })),
    },
    'ovb',
  );
  addTable(
    s,
    {
      id: 'omitted_variable_bias_bounds',
      title: 'Bounds for confounders as strong as observed covariates',
      columns: [
        { key: 'estimator', label: 'Estimator' },
        { key: 'strength', label: 'Confounder as strong as' },
        { key: 'r2dz', label: 'R²(A~Z|X)', format: 'pct' },
        { key: 'r2yz', label: 'R²(Y~Z|A,X)', format: 'pct' },
        { key: 'estimate', label: 'Adjusted estimate', format: 'num' },
        { key: 'se', label: 'Adjusted SE', format: 'num' },
        { key: 'ci', label: 'Adjusted 95% CI', format: 'ci' },
        { key: 'conclusion', label: 'Conclusion' },
      ],
      rows: ovb.flatMap((r) =>
        r.benchmarks.map((b) => {
          const ci: [number, number] = [b.adjustedLower, b.adjustedUpper];
          // R²(Y~Z|A,X) capped at 1: Z would explain all the outcome's residual variance and the interval collapses
          const conclusion = b.r2yz >= 1 ? 'bound capped: Z would explain all residual outcome variance' : zeroVerdict(ci);
          return { estimator: labelFor(r.estimator), strength: `${b.kd}× ${b.benchmark}`, r2dz: b.r2dz, r2yz: b.r2yz, estimate: b.adjustedEstimate, se: b.adjustedSe, ci, conclusion };
        }),
      ),
    },
    'ovbBounds',
  );
  for (const r of ovb) addFigure(s, ovbContourFigure.plan({ result: r, label: labelFor(r.estimator) }), 'ovbFigure');

  const dml = sens.omittedVariableBiasDml ?? [];
  addTable(
    s,
    {
      id: 'omitted_variable_bias_dml',
      title: 'Omitted-variable-bias bounds of the cross-fitted AIPW (Chernozhukov et al. 2022)',
      columns: [
        { key: 'estimator', label: 'Estimator' },
        { key: 'estimate', label: 'Estimate', format: 'num' },
        { key: 'cfY', label: 'Cf_Y', format: 'pct' },
        { key: 'cfD', label: 'Cf_D', format: 'pct' },
        { key: 'rho', label: 'ρ', format: 'num', digits: 2 },
        { key: 'maxBias', label: 'Largest bias', format: 'num' },
        { key: 'bounds', label: 'Bounds', format: 'ci' },
        { key: 'ci', label: '95% CI of the bounds', format: 'ci' },
        { key: 'conclusion', label: 'Conclusion' },
      ],
      rows: dml.flatMap((r) =>
        r.scenarios.map((x) => {
          const ci: [number, number] = [x.ciLower, x.ciUpper];
          return { estimator: labelFor(r.estimator), estimate: r.estimate, cfY: x.cfY, cfD: x.cfD, rho: x.rho, maxBias: x.maxBias, bounds: [x.lower, x.upper] as [number, number], ci, conclusion: zeroVerdict(ci) };
        }),
      ),
    },
    'ovbDml',
  );
  addTable(
    s,
    {
      id: 'omitted_variable_bias_dml_rv',
      title: 'Robustness values of the cross-fitted AIPW',
      columns: [
        { key: 'estimator', label: 'Estimator' },
        { key: 'rv', label: 'RV (Cf_Y = Cf_D)', format: 'pct' },
        { key: 'rvAlpha', label: 'RV (interval)', format: 'pct' },
        { key: 'sigma2', label: 'σ² (outcome residual)', format: 'num' },
        { key: 'nu2', label: 'ν² (Riesz representer)', format: 'num' },
        { key: 'reading', label: 'Reading' },
      ],
      // a ν² that is not positive gives no bound (src/sensitivity/ovb-dml.ts), so its robustness values mean nothing
      rows: dml.map((r) => ({ estimator: labelFor(r.estimator), rv: r.nu2 > 0 ? r.rv : null, rvAlpha: r.nu2 > 0 ? r.rvAlpha : null, sigma2: r.sigma2, nu2: r.nu2, reading: r.summary })),
    },
    'ovbDmlRv',
  );

  const med = sens.mediationRho ?? [];
  addTable(
    s,
    {
      id: 'mediation_rho',
      title: 'Mediation sensitivity to the mediator–outcome error correlation ρ (medsens)',
      columns: [
        { key: 'estimator', label: 'Estimator' },
        { key: 'nie0', label: 'NIE at ρ = 0', format: 'num' },
        { key: 'root', label: 'ρ at which NIE = 0', format: 'num', digits: 3 },
        { key: 'grid', label: 'Nearest grid ρ (medsens)', format: 'num', digits: 2 },
        { key: 'r2star', label: 'R²*_M·R²*_Y at zero', format: 'num', digits: 3 },
        { key: 'r2tilde', label: 'R̃²_M·R̃²_Y at zero', format: 'num', digits: 4 },
        { key: 'variance', label: 'Interval', format: 'code' },
      ],
      rows: med.map((r) => {
        const at0 = r.curve.reduce((best, p) => (Math.abs(p.rho) < Math.abs(best.rho) ? p : best), r.curve[0]);
        return { estimator: labelFor(r.estimator), nie0: at0.acme1, root: r.rhoAtZero[1], grid: r.rhoAtZeroGrid[1], r2star: r.r2StarAtZero[1], r2tilde: r.r2TildeAtZero[1], variance: r.variance };
      }),
    },
    'mediationRho',
  );
  addTable(
    s,
    {
      id: 'mediation_rho_curve',
      title: 'Indirect effect (treated arm) by ρ',
      columns: [
        { key: 'estimator', label: 'Estimator' },
        { key: 'rho', label: 'ρ', format: 'num', digits: 2 },
        { key: 'nie', label: 'NIE', format: 'num' },
        { key: 'ci', label: 'Interval', format: 'ci' },
        { key: 'conclusion', label: 'Conclusion' },
      ],
      // every tenth of ρ: the figure has the whole curve, tables/mediation_rho_curve.csv these rows
      rows: med.flatMap((r) =>
        r.curve
          .filter((p) => Math.abs(p.rho * 10 - Math.round(p.rho * 10)) < 1e-6)
          .map((p) => {
            const ci: [number, number] = [p.acme1Lower, p.acme1Upper];
            return { estimator: labelFor(r.estimator), rho: p.rho, nie: p.acme1, ci, conclusion: zeroVerdict(ci) };
          }),
      ),
    },
    'mediationRhoCurve',
  );
  for (const r of med) addFigure(s, mediationRhoFigure.plan({ result: r, label: labelFor(r.estimator), valueLabel: yLabel.replace(/^Effect on /, '') }), 'mediationRhoFigure');
}
