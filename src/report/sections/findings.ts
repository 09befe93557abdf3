/**
 * Report section: Findings and Recommendations, written by the rules of ../findings-rules.ts from the
 * evidence results.json holds (the primary estimate, the other adjusted estimators, the E-value, the NIE
 * sweep, the grid, the warnings and checks). The spec's own recommendations follow, labelled as the author's.
 */
import { TOTAL_KEYS, firstEstimate, type EstimatorEntry } from '../../results/index.js';
import { unchangedDesign } from '../../sensitivity/robustness.js';
import { sameEstimate } from './robustness.js';
import { findKind } from '../../estimate/kinds/index.js';
import { computedRecommendations, findingLines, BALANCE_SMD_ANY, BALANCE_SMD_WEIGHTING, type Evidence } from '../findings-rules.js';
import { formatNumber, formatPercent } from '../format.js';
import { ciOf, isNum, type ReportSection } from './context.js';

/** Kinds whose estimate rests on the propensity weights balancing the arms. */
const WEIGHTING_KINDS = new Set(['ipw', 'msm']);

/** The mean a relative effect was divided by: the candidate that reproduces relative × base = estimate. */
function baseOf(e: EstimatorEntry, estimate: number, relative: number | null): { value: number; what: string } | null {
  if (relative === null) return null;
  const d = e.diagnostics;
  const plugin = (d.plugin ?? {}) as Record<string, unknown>;
  const untreated = 'the estimated mean outcome had no day been treated';
  const candidates: Array<[unknown, string]> = [
    [d.control_mean, e.kind === 'difference_in_means' ? 'the control-arm mean' : untreated],
    [d.reference_mean, untreated],
    [e.estimates.y0?.estimate, untreated],
    [e.estimates.y00_debiased?.estimate, untreated],
    [plugin.reference_mean, untreated],
  ];
  for (const [v, what] of candidates) {
    if (isNum(v) && v !== 0 && Math.abs(relative * v - estimate) <= 1e-6 * Math.max(1, Math.abs(estimate))) return { value: v, what };
  }
  return null;
}

function levelOf(e: EstimatorEntry, fallback: number): number {
  const b = e.diagnostics.bootstrap as { level?: number } | undefined;
  return isNum(b?.level) ? b!.level! : isNum(e.diagnostics.level) ? (e.diagnostics.level as number) : fallback;
}

export const findingsSection: ReportSection = {
  id: 'findings',
  title: 'Findings',
  reads: ['summary.primary', 'cells[].estimators', 'cells[].assumptions', 'cells[].sensitivity.evalues', 'diagnostics.mediatorConfounding', 'diagnostics.overlap', 'diagnostics.balance', 'summary.specificationCurve', 'summary.robustness', 'cells[].warnings', 'cells[].readiness', 'data.quality', 'recommendations'],
  build(ctx, s) {
    const { results, scope, cell, names, okEsts, labelOf, readinessRows, diag, addTable } = ctx;
    if (!cell || cell.status !== 'ok') return;
    const prim = results.summary.primary;
    const u = (cell.diagnostics as Record<string, unknown>).uncertainty as { bootstrap?: { level: number } | null } | undefined;
    const headEst = prim ? okEsts.find((e) => e.id === prim.estimator) : undefined;
    const headVal = headEst && prim ? headEst.estimates[prim.estimand] : undefined;
    const primary: Evidence['primary'] =
      headEst && headVal && isNum(headVal.estimate)
        ? {
            id: headEst.id,
            label: labelOf(headEst),
            key: prim!.estimand,
            estimate: headVal.estimate,
            ci: ciOf(headVal),
            level: levelOf(headEst, u?.bootstrap?.level ?? 0.95),
            relative: isNum(headVal.relative) ? headVal.relative : null,
            base: baseOf(headEst, headVal.estimate, isNum(headVal.relative) ? headVal.relative : null),
          }
        : null;

    const reasons: string[] = [];
    const positivity = cell.assumptions.find((a) => a.assumption.startsWith('Positivity'));
    if (positivity && /^high/.test(positivity.risk)) reasons.push(`the positivity check says "${positivity.risk}"`);
    const bal = diag('balance');
    if (bal && diag('weights')) {
      const maxAfter = Math.max(0, ...bal.map((r) => (isNum(r.smdAfter) ? Math.abs(r.smdAfter) : 0)));
      const limit = headEst && WEIGHTING_KINDS.has(headEst.kind) ? BALANCE_SMD_WEIGHTING : BALANCE_SMD_ANY;
      if (maxAfter > limit) reasons.push(`the largest |SMD| after weighting is ${formatNumber(maxAfter, 3)} (> ${formatNumber(limit, 2)})`);
    }

    const others = okEsts
      .filter((e) => e !== headEst && (findKind(e.kind)?.adjusted ?? true))
      .map((e) => ({ e, t: firstEstimate(e, TOTAL_KEYS) }))
      .filter((x) => x.t && isNum(x.t.value.estimate))
      .map(({ e, t }) => ({ id: e.id, estimate: t!.value.estimate as number, ci: ciOf(t!.value) }));

    const ev = primary ? cell.sensitivity?.evalues?.find((x) => x.estimator === primary.id && x.estimand === primary.key) : undefined;
    const sweeps = ((cell.diagnostics as Record<string, unknown>).mediatorConfounding ?? []) as Array<{ estimator: string; nie: number; ci: [number, number] | null; breakdown: { bias: number; biasSd: number; ciBias: number | null; ciBiasSd: number | null } }>;
    const sweep = sweeps.find((m) => m.estimator === primary?.id) ?? sweeps[0];
    const sweepEst = sweep ? okEsts.find((e) => e.id === sweep.estimator) : undefined;

    let grid: Evidence['grid'] = null;
    const curve = results.summary.specificationCurve;
    if (scope === 'run' && results.cells.length > 1 && curve && primary && curve.estimator === primary.id && curve.estimand === primary.key) {
      // variants that reproduce the base cell: same data (fingerprints) and the same estimate
      const flagged = new Set<string>();
      for (const f of results.summary.robustness) {
        for (const c of f.designChange ?? []) {
          const point = curve.points.find((p) => p.cellId === c.cellId);
          if (unchangedDesign(c) && point && sameEstimate(point.estimate, primary.estimate)) flagged.add(c.cellId);
        }
      }
      grid = {
        cells: curve.points.length,
        sameSign: curve.points.filter((p) => Math.sign(p.estimate) === Math.sign(primary.estimate)).length,
        withCi: curve.points.filter((p) => p.ci).length,
        ciExcludesZero: curve.points.filter((p) => p.ci && (p.ci[0] > 0 || p.ci[1] < 0)).length,
        unchangedVariants: flagged.size,
      };
    }

    const caveats = [...new Set(cell.warnings)];
    for (const q of results.data.quality) {
      if (q.rows > 0 && /^dropped/.test(q.action)) caveats.push(`${q.check}: ${formatNumber(q.rows)} rows (${formatPercent(q.share)}) ${q.action}`);
    }
    const evidence: Evidence = {
      names,
      primary,
      causal: { ok: reasons.length === 0, reasons },
      others,
      evalue: ev ? { point: ev.point ?? null, ciBound: ev.ciBound ?? null } : null,
      nie: sweep && isNum(sweep.nie) ? { label: sweepEst ? labelOf(sweepEst) : sweep.estimator, estimate: sweep.nie, ci: sweep.ci, ...sweep.breakdown } : null,
      grid,
      caveats,
      readinessFailures: readinessRows.filter((r) => r.passes === false).map((r) => `${r.check} (${typeof r.value === 'number' ? formatNumber(r.value) : r.value ?? '—'})`),
    };
    s.available = true;
    s.lines.push(...findingLines(evidence));
    const recs = [
      ...computedRecommendations(evidence),
      ...(results.recommendations ?? []).map((r) => ({ area: r.area, recommendation: r.recommendation, evidence: r.evidence, source: "author's (spec)" })),
    ];
    addTable(
      s,
      {
        id: 'recommendations',
        title: 'Recommendations',
        columns: [
          { key: 'area', label: 'Decision area' },
          { key: 'recommendation', label: 'Recommendation' },
          { key: 'evidence', label: 'Evidence' },
          { key: 'source', label: 'Source' },
        ],
        rows: recs.map((r) => ({ ...r })),
      },
      'recommendations',
    );
  },
};
