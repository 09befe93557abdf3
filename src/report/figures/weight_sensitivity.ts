/** The estimate under each weighting, labelled with its effective-sample-size share, beside the main estimate's own setting. */
import { intervalChart } from './charts.js';
import type { IntervalChartData, IntervalRow } from './interval-model.js';
import type { FigureKind } from './kind.js';
import { formatPercent } from '../format.js';
import { normalizeDiagnostics } from '../normalize.js';
import { findKind } from '../../estimate/kinds/index.js';
import { TOTAL_KEYS, firstEstimate, type EstimatorEntry, type WeightSensitivityRow } from '../../results/index.js';

/** The estimate the report states for the estimator the variants were run on, under the setting its spec gives it. */
export interface MainWeighting {
  label: string;
  estimate: number;
  ci: [number, number] | null;
  essShare: number | null;
}

interface WeightSensitivityInput {
  valueLabel: string;
  /** the variants' rows (sensitivity.weights) */
  weights: WeightSensitivityRow[];
  main: MainWeighting | null;
}

function isNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/**
 * The estimator whose weight variants the table holds: the one estimator of a kind that takes `variants`
 * (src/sensitivity/cell.ts runs them for each such estimator that lists some). Null when there is not
 * exactly one, since the rows would not say whose they are.
 */
export function mainWeighting(estimators: EstimatorEntry[], labelOf: (e: EstimatorEntry) => string): MainWeighting | null {
  const candidates = estimators.filter((e) => e.status === 'ok' && e.outcome === undefined && findKind(e.kind)?.options.variants);
  if (candidates.length !== 1) return null;
  const e = candidates[0]!;
  const total = firstEstimate(e, TOTAL_KEYS);
  if (!total || !isNum(total.value.estimate)) return null;
  const ci = total.value.ci && isNum(total.value.ci[0]) && isNum(total.value.ci[1]) ? total.value.ci : null;
  return { label: labelOf(e), estimate: total.value.estimate, ci, essShare: normalizeDiagnostics(e.diagnostics, '').essShare ?? null };
}

const ess = (share: number | null | undefined): string => (isNum(share) ? ` (ESS ${formatPercent(share, 0)})` : '');

/**
 * The chart data: the main estimate's own setting first, marked (a square), then each variant; the
 * unweighted variant is an unadjusted comparison and stays out of the axis range.
 */
export function weightSensitivityModel({ valueLabel, weights, main }: WeightSensitivityInput): IntervalChartData {
  const rows: IntervalRow[] = [];
  if (main) rows.push({ label: `main estimate${ess(main.essShare)}`, detail: main.label, estimate: main.estimate, ci: main.ci, main: true });
  for (const w of weights) {
    if (!isNum(w.value.estimate)) continue;
    const ci = w.value.ci && isNum(w.value.ci[0]) && isNum(w.value.ci[1]) ? w.value.ci : null;
    rows.push({ label: `${w.label}${ess(w.essShare)}`, estimate: w.value.estimate, ci, ...(w.weighting === 'none' ? { unadjusted: true } : {}) });
  }
  return {
    title: 'Sensitivity to the weight specification',
    subtitle: main ? 'The square is the setting of the main estimate; the other rows re-estimate it under each weighting' : 'Each row re-estimates the effect under one weighting',
    valueLabel,
    rows,
  };
}

export const weightSensitivityFigure = {
  id: 'weight_sensitivity',
  section: 'sensitivity',
  shows: 'estimate per weighting with ESS share, and the main estimate\'s own setting (square)',
  plan: (input) => ({
    kind: 'weight_sensitivity',
    file: 'weight_sensitivity',
    title: 'Sensitivity to the weight specification',
    draw: (o) => intervalChart(weightSensitivityModel(input), o),
  }),
} as const satisfies FigureKind<WeightSensitivityInput>;
