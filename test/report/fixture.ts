/**
 * A rich example results value for the report tests: the discovery-mediation study of seeds 002/004
 * run as a 3 × 2 grid (threshold quantile × mediator) with one failed cell. Numbers follow the seeds'
 * magnitudes (TE ≈ 37 interactions, NIE ≈ −1.3, ESS ≈ 70%) so figures and tables look like real output.
 */
import { mediatorConfoundingSweep } from '../../src/sensitivity/mediator-confounding.js';
import { RESULTS_SCHEMA_TAG, type CellResult, type EstimateValue, type EstimatorEntry, type Results } from '../../src/results/index.js';
import { summarizeCells } from '../../src/sensitivity/robustness.js';

function ev(estimate: number, half: number, shift = 0, control = 330): EstimateValue {
  const lo = estimate - half * (1 + shift);
  const hi = estimate + half * (1 - shift);
  return {
    estimate,
    se: half / 1.96,
    ci: [Math.round(lo * 1e4) / 1e4, Math.round(hi * 1e4) / 1e4],
    bootMean: estimate + half * 0.02,
    bootSd: half / 1.96,
    relative: estimate / control,
  };
}

const covariates = [
  ['calendar_day_index', -0.9606, -0.157],
  ['lag_1_discovery_candidate_share', 0.8709, 0.1263],
  ['prior_3day_discovery_candidate_share', 0.8697, 0.1354],
  ['prior_3day_interactions', 0.652, 0.0874],
  ['lag_1_interactions', 0.5952, 0.0689],
  ['prior_3day_total_play_duration_sec', 0.5652, 0.0828],
  ['lag_1_total_play_duration_sec', 0.5229, 0.0653],
  ['recent_activity_score', 0.276, 0.015],
  ['prior_3day_active_day', -0.2242, -0.0762],
  ['prior_3day_valid_play_share', -0.1992, -0.0755],
  ['lag_1_active_day', -0.1225, -0.0768],
  ['lag_1_valid_play_share', -0.1065, -0.0743],
  ['prior_3day_high_satisfaction_share', -0.0671, -0.0358],
  ['onehot_feat10', -0.0355, -0.0085],
  ['onehot_feat14', -0.0309, -0.0146],
] as const;

function histogram(shift: number): { edges: number[]; treated: number[]; control: number[] } {
  const bins = 40;
  const edges = Array.from({ length: bins + 1 }, (_, i) => Math.round((i / bins) * 1e6) / 1e6);
  const bump = (center: number, width: number, scale: number) =>
    Array.from({ length: bins }, (_, i) => {
      const x = (i + 0.5) / bins;
      return Math.round(scale * Math.exp(-((x - center) ** 2) / (2 * width * width)));
    });
  return { edges, treated: bump(0.62 + shift, 0.16, 420), control: bump(0.4 + shift, 0.18, 400) };
}

function importance(model: string, target: string, k: number) {
  const features = [
    ['calendar_day_index', 592],
    ['onehot_feat8', 187],
    ['prior_3day_discovery_candidate_share', 180],
    ['prior_3day_interactions', 157],
    ['register_days', 148],
    ['onehot_feat7', 126],
    ['prior_3day_high_satisfaction_share', 121],
    ['onehot_feat3', 120],
    ['follow_user_num', 108],
    ['prior_3day_total_play_duration_sec', 105],
    ['prior_3day_valid_play_share', 103],
    ['fans_user_num', 87],
    ['lag_1_interactions', 80],
    ['A_high_discovery', 40 + 10 * k],
  ] as const;
  const total = features.reduce((a, [, g]) => a + g, 0);
  return features.map(([feature, gain]) => ({ model, target, feature, gain, splits: Math.round(gain / 4), share: gain / total }));
}

function cell(index: number, quantile: number, mediator: string): CellResult {
  const d = index * 0.37;
  const te = 37.28 + d;
  const nie = -1.31 + index * 0.09;
  const threshold = [0.3521, 0.3894, 0.4312][[0.5, 0.6, 0.7].indexOf(quantile)]!;
  const treatedShare = 1 - quantile + 0.0001;
  const rows = 8199;
  const treatedRows = Math.round(rows * treatedShare);
  const weights = { name: 'stabilized_ipw_capped', mean: 0.9582, sd: 0.61, min: 0.31, p50: 0.84, p90: 1.71, p95: 2.12, p99: 4.36, max: 4.3635, ess: 5701.37 - index * 40, essShare: (5701.37 - index * 40) / rows };
  const overlap = {
    treatmentRate: treatedShare,
    min: 0.0189,
    p01: 0.029,
    p05: 0.042,
    median: 0.5744,
    p95: 0.8596,
    p99: 0.9303,
    max: 0.9824,
    shareBelow005: 0.0698,
    shareAbove095: 0.0017,
    histogram: histogram((0.5 - quantile) * 0.4),
  };
  const balance = covariates.map(([covariate, before, after], i) => ({
    covariate,
    treatedMean: 10 + i,
    controlMean: 10 + i - before * 3,
    smdBefore: before,
    weightedTreatedMean: 10 + i,
    weightedControlMean: 10 + i - after * 3,
    smdAfter: after,
  }));
  const estimators: EstimatorEntry[] = [
    { id: 'naive', kind: 'difference_in_means', label: 'Difference in means', status: 'ok', estimates: { ate: ev(176.43 - d, 9.1) }, diagnostics: {}, warnings: [] },
    {
      id: 'ipw',
      kind: 'ipw',
      label: 'IPW, stabilized',
      status: 'ok',
      estimates: { ate: ev(35.9 + d, 6.4, 0.1) },
      diagnostics: { overlap, balance, weights, ess: weights.ess, essShare: weights.essShare, nuisance: [{ model: 'logistic', target: 'propensity', auc: 0.781, logLoss: 0.561, brier: 0.191, folds: 1 }] },
      warnings: [],
    },
    { id: 'gcomp_linear', kind: 'gcomp', label: 'G-computation, linear', status: 'ok', estimates: { ate: ev(37.34 + d, 5.3) }, diagnostics: { nuisance: [{ model: 'linear', target: 'outcome', rmse: 96.64, mae: 71.1, r2: 0.7129, folds: 1 }] }, warnings: [] },
    {
      id: 'gcomp_gbm',
      kind: 'gcomp',
      label: 'G-computation, GBM',
      status: 'ok',
      estimates: { ate: ev(3.21 + d / 4, 2.7, 0.2) },
      diagnostics: { nuisance: [{ model: 'gbm', target: 'outcome', rmse: 66.71, mae: 47.09, r2: 0.8632, folds: 3 }], importance: importance('gbm', 'outcome', index) },
      warnings: [],
    },
    {
      id: 'aipw',
      kind: 'aipw',
      label: 'AIPW, doubly robust',
      status: 'ok',
      estimates: { ate: ev(4.1 + d / 2, 5.8, -0.1) },
      diagnostics: {
        nuisance: [
          { model: 'logistic', target: 'propensity', auc: 0.779, logLoss: 0.563, brier: 0.192, folds: 3 },
          { model: 'gbm', target: 'outcome', rmse: 67.02, mae: 47.4, r2: 0.861, folds: 3 },
        ],
        heterogeneity: [
          ['prior_3day_interactions', 'low (0, 123]', 2733, 2.13, 4.1],
          ['prior_3day_interactions', 'medium (123, 217]', 2733, 3.97, 4.4],
          ['prior_3day_interactions', 'high (217, 581]', 2733, 3.53, 5.2],
          ['user_active_degree', 'full_active', 7133, 3.19, 3.1],
          ['user_active_degree', 'high_active', 882, 3.08, 9.6],
          ['user_active_degree', 'UNKNOWN', 184, 4.42, 21.3],
        ].map(([by, segment, n, est, half]) => ({
          by: by as string,
          segment: segment as string,
          rows: n as number,
          users: Math.min(133, Math.round((n as number) / 20)),
          treatedShare: 0.5,
          estimand: 'ate',
          value: ev((est as number) + d / 3, half as number),
        })),
      },
      warnings: index === 2 ? ['3 users carry more than 20% of the AIPW score variance'] : [],
    },
    {
      id: 'mediation_linear',
      kind: 'mediation',
      label: 'Mediation g-formula, linear',
      status: 'ok',
      estimates: { te: ev(te, 5.3), nde: ev(te - nie, 5.2), nie: ev(nie, 0.94, 0.05), cde_q10: ev(40.1 + d, 6.1), cde_q90: ev(36.2 + d, 6.0) },
      diagnostics: { nuisance: [{ model: 'linear', target: 'mediator', rmse: 0.1015, mae: 0.0703, r2: 0.1878 }, { model: 'linear', target: 'outcome', rmse: 96.64, mae: 71.1, r2: 0.7129 }] },
      warnings: [],
    },
    {
      id: 'sem_path',
      kind: 'sem_path',
      label: 'SEM-style path model',
      status: 'ok',
      estimates: { alpha: ev(0.0231, 0.0049), beta: ev(-48.37, 16.2), c_prime: ev(38.43 + d, 5.3), indirect: ev(-1.12 + index * 0.05, 0.7), total: ev(37.31 + d, 5.7) },
      diagnostics: {},
      warnings: [],
    },
    {
      id: 'mediation_gbm',
      kind: 'mediation',
      label: 'Mediation g-formula, GBM (cross-fitted)',
      status: index === 4 ? 'failed' : 'ok',
      ...(index === 4 ? { reason: 'gbm mediator model: every fold predicted a constant (mediator has 2 distinct values)' } : {}),
      estimates: index === 4 ? {} : { te: ev(3.21 + d / 4, 2.6), nde: ev(3.27 + d / 4, 2.6), nie: ev(-0.06, 0.11) },
      diagnostics:
        index === 4
          ? {}
          : {
              nuisance: [
                { model: 'gbm', target: 'mediator', rmse: 0.0875, mae: 0.0629, r2: 0.3959, folds: 3 },
                { model: 'gbm', target: 'outcome', rmse: 66.71, mae: 47.09, r2: 0.8632, folds: 3 },
              ],
              importance: importance('gbm', 'mediator', index).map((r, i) => ({ ...r, gain: r.gain * (1 + (i % 3) * 0.2) })),
            },
      warnings: [],
    },
    // secondary outcomes
    { id: 'ipw', kind: 'ipw', label: 'IPW, stabilized', outcome: 'future_7day_active_day', status: 'ok', estimates: { ate: ev(0.41, 0.09, 0, 6.47) }, diagnostics: {}, warnings: [] },
    { id: 'gcomp_linear', kind: 'gcomp', label: 'G-computation, linear', outcome: 'future_7day_active_day', status: 'ok', estimates: { ate: ev(0.38, 0.08, 0, 6.47) }, diagnostics: {}, warnings: [] },
    { id: 'ipw', kind: 'ipw', label: 'IPW, stabilized', outcome: 'future_7day_total_play_duration_sec', status: 'ok', estimates: { ate: ev(283.1, 61.2, 0, 2948) }, diagnostics: {}, warnings: [] },
    { id: 'gcomp_linear', kind: 'gcomp', label: 'G-computation, linear', outcome: 'future_7day_total_play_duration_sec', status: 'ok', estimates: { ate: ev(271.4, 55.0, 0, 2948) }, diagnostics: {}, warnings: [] },
  ];
  return {
    id: `c${index}-${quantile}-${mediator.slice(0, 4)}`.replace(/\./g, ''),
    axes: { 'treatment.threshold.quantile': quantile, mediator },
    status: 'ok',
    sample: { rows, users: 133, treatedRows, controlRows: rows - treatedRows, panelRows: 133 * 78, days: 78 },
    definitions: {
      treatment: { name: 'A_high_discovery', measure: 'discovery_candidate_share', rule: `discovery_candidate_share >= quantile ${quantile} among population`, threshold, quantile, treatedShare },
      mediator: { name: mediator, rule: mediator === 'satisfaction_depth_score' ? 'zmean(avg_watch_ratio_capped_2, high_satisfaction_share, complete_or_rewatch_share, -short_abandon_share)' : 'mean(watch_ratio >= 0.8)', mean: 0.6186, sd: 0.1126, missingShare: 0 },
      outcome: { name: 'future_7day_interactions', rule: 'sum of interactions over the next 7 days (missing when the window passes the data)', mean: 340.69, sd: 180.36, missingShare: 0.0872 },
      secondary: [
        { name: 'future_7day_active_day', rule: 'active days over the next 7 days', mean: 6.47, sd: 1.46, missingShare: 0.0872 },
        { name: 'future_7day_total_play_duration_sec', rule: 'play seconds over the next 7 days', mean: 2948.2, sd: 1685.3, missingShare: 0.0872 },
      ],
      population: { rule: 'active_day and not missing(future_7day_interactions)', rows, share: 0.7904 },
      covariates: { numeric: covariates.map(([c]) => c), categorical: ['user_active_degree', 'register_days_range'], designColumns: 54, dropped: ['is_lowactive_period', 'is_live_streamer', 'onehot_feat5', 'onehot_feat16'] },
    },
    readiness: [
      { check: 'share of propensities outside [0.05, 0.95]', value: 0.0715, threshold: '<= 0.05', passes: false },
      { check: 'analysis weight max below clipping cap', value: 4.3635, threshold: '<= 10', passes: true },
      { check: 'effective sample size share of rows', value: weights.essShare, threshold: '>= 0.70', passes: weights.essShare >= 0.7 },
      { check: 'mean |SMD| improves after weighting', value: 0.0366, threshold: '< 0.1812', passes: true },
      { check: 'max |SMD| after weighting', value: 0.157, threshold: '<= 0.10', passes: false },
    ],
    assumptions: [
      { assumption: 'consistency', status: 'design_definition', diagnostic: 'A, M and Y defined per user-day, no future information in A or M.', value: `A = ${'discovery_candidate_share'} >= ${threshold}; M = ${mediator}; Y = future_7day_interactions`, risk: 'Effects would mix incompatible versions of discovery exposure.' },
      { assumption: 'positivity_overlap', status: 'checked', diagnostic: 'Propensity support and extreme shares.', value: 'p05=0.042, p95=0.860', risk: 'Estimates would extrapolate to user-days with little comparable data.' },
      { assumption: 'observed_treatment_exchangeability', status: 'partially_checked', diagnostic: 'Covariate balance before/after capped stabilized weighting.', value: 'max weighted |SMD| = 0.157', risk: 'The contrast could reflect user history rather than exposure.' },
      { assumption: 'observed_mediator_outcome_adjustment', status: 'partially_checked', diagnostic: 'Residual mediator-outcome correlation after X.', value: 'residual Spearman = -0.019', risk: 'The indirect path could be confounded by unmeasured intent.' },
      { assumption: 'no_unmeasured_confounding', status: 'not_testable', diagnostic: 'Domain argument and sensitivity analysis (E-values, refuters).', value: 'Not guaranteed by observational logs.', risk: 'Direct and indirect effects may not support a causal reading.' },
    ],
    estimators,
    diagnostics: {
      residualMediatorOutcome: { raw: { pearson: -0.0265, spearman: 0.0094 }, residual: { pearson: -0.0212, spearman: -0.0192 } },
      naive_associations: [
        { outcome: 'future_7day_interactions', treated_days: 4101, control_days: 4101, treated_mean: 506.4 - d, control_mean: 330, difference: 176.4 - d, relative_lift: (176.4 - d) / 330 },
        { outcome: 'future_7day_active_day', treated_days: 4101, control_days: 4101, treated_mean: 6.88, control_mean: 6.47, difference: 0.41, relative_lift: 0.41 / 6.47 },
      ],
      // the sensitivity module's sweep shape (sensitivity/mediator-confounding.ts) for the linear mediation NIE
      mediatorConfounding: [mediatorConfoundingSweep({ estimator: 'mediation_linear', estimand: 'nie', nie, ci: ev(nie, 0.94, 0.05).ci!, sdOutcome: 180 })],
      // src/analysis/dr-learner.ts
      drLearner: {
        pseudoOutcomes: 'cross-fitted AIPW aipw', rows, users: 300, level: 0.95, centres: { prior_3day_interactions: 120 },
        blp: [
          { term: '(intercept)', estimate: 4.1, se: 2.9, lower: -1.58, upper: 9.78, pValue: 0.157 },
          { term: 'prior_3day_interactions', estimate: 0.05, se: 0.01, lower: 0.03, upper: 0.07, pValue: 0.0001 },
        ],
        calibration: {
          folds: 5,
          intercept: { term: '(intercept)', estimate: 4.1, se: 2.9, lower: -1.58, upper: 9.78, pValue: 0.157 },
          slope: { term: 'cate_prediction', estimate: 0.9, se: 0.3, lower: 0.31, upper: 1.49, pValue: 0.0027 },
          pValueSlopeOne: 0.739, predictionSd: 6.2,
        },
        warnings: [], summary: 'DR-learner on 1 effect modifier: prior_3day_interactions shifts the effect (CR1 interval excludes 0); calibration slope 0.90 (p = 0.0027): the predicted heterogeneity is detectable out of fold.',
      },
    },
    sensitivity: {
      evalues: [
        { estimator: 'aipw', estimand: 'ate', point: 1.19 + index * 0.01, ciBound: 1, scale: 'standardized difference (VanderWeele–Ding approximation)' },
        { estimator: 'mediation_linear', estimand: 'te', point: 1.72 + index * 0.01, ciBound: 1.58, scale: 'standardized difference (VanderWeele–Ding approximation)' },
      ],
      refuters: [
        { refuter: 'placebo_treatment', estimator: 'aipw', estimand: 'ate', original: 4.1 + d / 2, refuted: ev(0.21, 5.1), passes: true, note: 'permuted A within users' },
        { refuter: 'random_common_cause', estimator: 'aipw', estimand: 'ate', original: 4.1 + d / 2, refuted: ev(4.05 + d / 2, 5.8), passes: true },
        { refuter: 'data_subset', estimator: 'aipw', estimand: 'ate', original: 4.1 + d / 2, refuted: ev(3.7 + d / 2, 7.9), passes: true, note: '80% of users, 20 subsets' },
      ],
      weights: [
        { label: 'unweighted', weighting: 'none', value: ev(176.43 - d, 9.1), ess: rows, essShare: 1 },
        { label: 'logistic, stabilized, unclipped', weighting: 'sw_logistic', value: ev(33.2 + d, 11.4), ess: 4210, essShare: 0.5135 },
        { label: 'logistic, stabilized, clip [0.02, 0.98]', weighting: 'sw_logistic_clip_2', value: ev(35.9 + d, 6.4), ess: weights.ess, essShare: weights.essShare },
        { label: 'logistic, stabilized, clip [0.05, 0.95]', weighting: 'sw_logistic_clip_5', value: ev(36.4 + d, 5.9), ess: 6120, essShare: 0.7464 },
        { label: 'gbm, stabilized, clip [0.02, 0.98]', weighting: 'sw_gbm_clip_2', value: ev(31.8 + d, 7.7), ess: 5030, essShare: 0.6135 },
      ],
      // the shapes of src/sensitivity/ovb-linear.ts, ovb-dml.ts and mediation-rho.ts
      omittedVariableBias: [{
        estimator: 'gcomp_linear', estimand: 'ate', model: 'OLS: Y ~ A + X (classical SE)', estimate: 37.34, se: 2.7, dof: 8190, tStatistic: 13.83, partialR2: 0.0228, q: 1, alpha: 0.05, rv: 0.141, rvAlpha: 0.122,
        benchmarks: [
          { benchmark: 'prior_3day_interactions', columns: ['prior_3day_interactions'], kd: 1, ky: 1, r2dxj: 0.01, r2yxj: 0.2, r2dz: 0.0101, r2yz: 0.205, adjustedEstimate: 30.1, adjustedSe: 2.5, adjustedT: 12.04, adjustedLower: 25.2, adjustedUpper: 35.0 },
          { benchmark: 'prior_3day_interactions', columns: ['prior_3day_interactions'], kd: 3, ky: 3, r2dxj: 0.01, r2yxj: 0.2, r2dz: 0.0303, r2yz: 1, adjustedEstimate: 8.2, adjustedSe: 0, adjustedT: null, adjustedLower: 8.2, adjustedUpper: 8.2 },
        ],
        contour: { r2dz: [0, 0.2, 0.4], r2yz: [0, 0.2, 0.4], estimate: [[37.34, 37.34, 37.34], [37.34, 20, 5], [37.34, 5, -10]] },
        warnings: [], summary: 'RV = 14.1%: a confounder explaining 14.1% of the residual variance of both treatment and outcome would explain the estimate away.',
      }],
      omittedVariableBiasDml: [{
        estimator: 'aipw', estimand: 'ate', estimate: 4.1, se: 2.9, sigma2: 9000, nu2: 4.5, level: 0.95,
        scenarios: [{ cfY: 0.01, cfD: 0.01, rho: 1, maxBias: 2.03, lower: 2.07, upper: 6.13, ciLower: -3.6, ciUpper: 11.8 }],
        rv: 0.0197, rvAlpha: 0, summary: 'A latent confounder explaining 2.0% of the outcome’s residual variation and of the Riesz representer’s would explain the AIPW estimate away.',
      }],
      mediationRho: [{
        estimator: 'mediation_linear', interaction: true, variance: 'cluster', level: 0.95,
        curve: [-0.5, 0, 0.5].map((rho) => ({ rho, acme0: nie - 6 * rho, acme1: nie - 6 * rho, acme0Lower: nie - 6 * rho - 0.9, acme0Upper: nie - 6 * rho + 0.9, acme1Lower: nie - 6 * rho - 0.9, acme1Upper: nie - 6 * rho + 0.9 })),
        rhoAtZeroGrid: [-0.2, -0.2], rhoAtZero: [-0.218, -0.218], r2StarAtZero: [0.0475, 0.0475], r2TildeAtZero: [0.0266, 0.0266], r2Mediator: 0.2, r2Outcome: 0.3,
        summary: 'The indirect effect (treated arm) is zero when the mediator and outcome errors correlate at ρ = -0.218.',
      }],
    },
    warnings: [],
  };
}

/** The example results value (6 cells, cell 5 failed). */
export function exampleResults(): Results {
  const cells: CellResult[] = [];
  let i = 0;
  for (const q of [0.5, 0.6, 0.7]) {
    for (const m of ['satisfaction_depth_score', 'high_satisfaction_share']) {
      cells.push(cell(i, q, m));
      i += 1;
    }
  }
  const failed = cells[5]!;
  failed.status = 'failed';
  failed.reason = 'treatment: quantile 0.7 of high_satisfaction_share left 41 treated rows (< 50 required)';
  failed.estimators = [];
  delete failed.sensitivity;
  const gridAxes = ['treatment.threshold.quantile', 'mediator'];
  return {
    schema: RESULTS_SCHEMA_TAG,
    causeway: '0.1.0',
    spec: {
      name: 'discovery-mediation',
      title: 'Does discovery exposure raise future engagement, and how much of it flows through satisfaction?',
      hash: 'sha256:3f1c9a0d2b7e4f6a8c1d0e9b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f',
      seed: 20200705,
      report: { template: 'default', formats: ['png'] },
      grid: [
        { path: 'treatment.threshold.quantile', values: [0.5, 0.6, 0.7] },
        { path: 'mediator', values: ['satisfaction_depth_score', 'high_satisfaction_share'] },
      ],
    },
    data: {
      source: 'synthetic',
      description: 'embedded demo archive (small_matrix)',
      fingerprint: 'kuairec:7a3f0c19e2b84d56',
      coverage: { users: 1411, events: 4676570, firstDate: 20200705, lastDate: 20200905, sampledUsers: 141 },
      quality: [
        { check: 'rows with empty timestamp', rows: 181, share: 0.0000387, action: 'dropped' },
        { check: 'watch_ratio above 5', rows: 2213, share: 0.000473, action: 'kept (capped at 2 where used)' },
        { check: 'duplicate (user, video, timestamp)', rows: 0, share: 0, action: 'none' },
      ],
      sample: { modulus: 10, remainder: 0 },
    },
    cells,
    summary: summarizeCells(cells, { estimator: 'aipw', gridAxes }),
    limitations: [
      { limitation: 'Constructed treatment', whyItMatters: 'High discovery is derived from observed consumption, not assigned by the platform.', mitigation: 'Estimand stated explicitly; conclusions framed as offline evidence.' },
    ],
    recommendations: [
      { area: 'Experiment design', recommendation: 'Stratify an online test by prior 3-day activity.', evidence: 'Segment effects differ across prior-activity tertiles.' },
    ],
    warnings: ['sample: 141 of 1,411 users (user_id % 10 == 0)'],
  };
}

export const exampleSpecYaml = `spec: 1
name: discovery-mediation
title: Does discovery exposure raise future engagement, and how much of it flows through satisfaction?
seed: 20200705
data:
  source: synthetic
  sample: { modulus: 10, remainder: 0 }
treatment:
  name: A_high_discovery
  measure: discovery_candidate_share
  threshold: { quantile: 0.5, among: population }
mediator: satisfaction_depth_score
outcomes:
  primary: future_7day_interactions
sensitivity:
  grid:
    treatment.threshold.quantile: [0.5, 0.6, 0.7]
    mediator: [satisfaction_depth_score, high_satisfaction_share]
`;
