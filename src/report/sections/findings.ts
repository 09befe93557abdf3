/**
 * Report section: Findings and Recommendations, written by the rules of ../findings-rules.ts from the
 * evidence results.json holds (the primary estimate, the other adjusted estimators, the E-value, the NIE
 * sweep, the grid, the warnings and checks). The spec's own recommendations follow, labelled as the author's.
 */
import { TOTAL_KEYS, firstEstimate, type CellResult, type DrLearnerResult, type EstimatorEntry } from '../../results/index.js';
import { unchangedDesign } from '../../sensitivity/robustness.js';
import { sameEstimate } from './robustness.js';
import { findKind } from '../../estimate/kinds/index.js';
import { computedRecommendations, findingLines, BALANCE_SMD_ANY, BALANCE_SMD_WEIGHTING, type Evidence } from '../findings-rules.js';
import { formatNumber, formatPercent } from '../format.js';
import { ciOf, isNum, type ReportSection } from './context.js';

/** Kinds whose estimate rests on the propensity weights balancing the arms. */
const WEIGHTING_KINDS = new Set(['ipw', 'msm']);

/** The mean a relative effect was divided by: the candidate that reproduces relative × base = estimate. */
function baseOf(e: EstimatorEntry, estimate: number, relative: number | null, key = 'ate'): { value: number; what: string } | null {
  if (relative === null) return null;
  const d = e.diagnostics;
  const plugin = (d.plugin ?? {}) as Record<string, unknown>;
  // the untreated mean of the estimand's population (src/estimate/kinds: E[Y(0) | A = 1] for the ATT)
  const untreated = key === 'att' ? 'the estimated mean outcome of the treated days had they not been treated'
    : key === 'atc' ? 'the estimated mean outcome of the control days' : 'the estimated mean outcome had no day been treated';
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

/**
 * The sensitivity analyses' evidence: the sensemakr bounds and the debiased-ML bounds of the primary
 * estimator when they analysed it, else the first; the medsens curve of the primary (or of the NIE sweep's
 * estimator, else the first) in its treated arm.
 */
function sensitivityEvidence(cell: CellResult, primaryId: string | undefined, sweepId: string | undefined, labelFor: (id: string) => string): Pick<Evidence, 'ovb' | 'dml' | 'medsens'> {
  const sens = cell.sensitivity;
  const pick = <T extends { estimator: string }>(xs: T[] | undefined, ...ids: Array<string | undefined>): T | undefined =>
    xs?.length ? ids.map((id) => xs.find((x) => x.estimator === id)).find(Boolean) ?? xs[0] : undefined;
  const o = pick(sens?.omittedVariableBias, primaryId);
  let ovb: Evidence['ovb'] = null;
  if (o) {
    // each benchmark's strongest multiple whose bound is not capped (R²(Y~Z) ≥ 1 says nothing), and from which multiple on it is capped
    type Row = (typeof o.benchmarks)[number];
    const byName = new Map<string, Row[]>();
    for (const b of o.benchmarks) byName.set(b.benchmark, [...(byName.get(b.benchmark) ?? []), b]);
    ovb = {
      label: labelFor(o.estimator), estimate: o.estimate, rv: o.rv, rvAlpha: o.rvAlpha, level: 1 - o.alpha,
      benchmarks: [...byName].map(([benchmark, rows]) => {
        const open = rows.filter((b) => b.r2yz < 1).sort((a, b) => b.kd - a.kd);
        const capped = rows.filter((b) => b.r2yz >= 1).sort((a, b) => a.kd - b.kd);
        const b = open[0] ?? capped[0]!;
        return { benchmark, k: b.kd, estimate: b.adjustedEstimate, ci: [b.adjustedLower, b.adjustedUpper] as [number, number], capped: !open.length, cappedFrom: capped[0]?.kd ?? null };
      }),
    };
  }
  const d = pick(sens?.omittedVariableBiasDml, primaryId);
  const dml: Evidence['dml'] = d
    ? { label: labelFor(d.estimator), estimate: d.estimate, nu2: d.nu2, level: d.level, rv: d.rv, rvAlpha: d.rvAlpha, scenarios: d.scenarios.map((x) => ({ cfY: x.cfY, cfD: x.cfD, rho: x.rho, bounds: [x.lower, x.upper], ci: [x.ciLower, x.ciUpper] })) }
    : null;
  const m = pick(sens?.mediationRho, primaryId, sweepId);
  let medsens: Evidence['medsens'] = null;
  if (m && m.curve.length) {
    const at0 = m.curve.reduce((best, q) => (Math.abs(q.rho) < Math.abs(best.rho) ? q : best), m.curve[0]!);
    const root = m.rhoAtZero[1];
    // the grid ρ nearest 0, on the root's side, whose interval includes zero
    const side = root === null ? 0 : Math.sign(root);
    const covering = m.curve.filter((q) => side !== 0 && Math.sign(q.rho) === side && q.acme1Lower <= 0 && q.acme1Upper >= 0).sort((a, b) => Math.abs(a.rho) - Math.abs(b.rho));
    medsens = {
      label: labelFor(m.estimator), nie: at0.acme1, rhoAtZero: root, rhoRange: [m.curve[0]!.rho, m.curve[m.curve.length - 1]!.rho],
      r2Tilde: m.r2TildeAtZero[1], ciZeroFrom: at0.acme1Lower <= 0 && at0.acme1Upper >= 0 ? 0 : covering[0]?.rho ?? null, level: m.level,
    };
  }
  return { ovb, dml, medsens };
}

/** The DR-learner's calibration and projection (src/analysis/dr-learner.ts), the one-sided p of a positive slope. */
function heterogeneityEvidence(dr: DrLearnerResult | undefined): Evidence['heterogeneity'] {
  if (!dr) return null;
  const s = dr.calibration.slope;
  const two = isNum(s.pValue) ? s.pValue : null;
  const alpha = 1 - dr.level;
  return {
    source: dr.pseudoOutcomes, modifiers: Object.keys(dr.centres), level: dr.level,
    slope: s.estimate, slopeCi: isNum(s.lower) && isNum(s.upper) ? [s.lower, s.upper] : null,
    slopeP: two === null ? null : s.estimate > 0 ? two / 2 : 1 - two / 2,
    slopePTwoSided: two,
    pSlopeOne: isNum(dr.calibration.pValueSlopeOne) ? dr.calibration.pValueSlopeOne : null,
    shifting: dr.blp.slice(1).filter((r) => isNum(r.pValue) && r.pValue < alpha).map((r) => r.term),
  };
}

/** The largest |weighted SMD| of an estimator's own balance table (src/estimate/diagnostics.ts balanceTable), null without one. */
function ownMaxSmd(e: EstimatorEntry): number | null {
  const rows = (e.diagnostics.balance as { rows?: Array<{ weighted_smd?: unknown }> } | undefined)?.rows;
  if (!Array.isArray(rows) || !rows.length) return null;
  return Math.max(0, ...rows.map((r) => (isNum(r.weighted_smd) ? Math.abs(r.weighted_smd) : 0)));
}

function levelOf(e: EstimatorEntry, fallback: number): number {
  const b = e.diagnostics.bootstrap as { level?: number } | undefined;
  return isNum(b?.level) ? b!.level! : isNum(e.diagnostics.level) ? (e.diagnostics.level as number) : fallback;
}

export const findingsSection: ReportSection = {
  id: 'findings',
  title: 'Findings',
  reads: ['summary.primary', 'cells[].estimators', 'cells[].assumptions', 'cells[].sensitivity.evalues', 'cells[].sensitivity.omittedVariableBias', 'cells[].sensitivity.omittedVariableBiasDml', 'cells[].sensitivity.mediationRho', 'diagnostics.drLearner', 'diagnostics.mediatorConfounding', 'diagnostics.overlap', 'diagnostics.balance', 'summary.specificationCurve', 'summary.robustness', 'cells[].warnings', 'cells[].readiness', 'data.quality', 'recommendations'],
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
            base: baseOf(headEst, headVal.estimate, isNum(headVal.relative) ? headVal.relative : null, prim!.estimand),
          }
        : null;

    const reasons: string[] = [];
    const positivity = cell.assumptions.find((a) => a.assumption.startsWith('Positivity'));
    if (positivity && /^high/.test(positivity.risk)) reasons.push(`the positivity check says "${positivity.risk}"`);
    const bal = diag('balance');
    // a weighting primary is judged by the balance of its own weights (an ATT or entropy-balancing entry
    // is not the first weighting estimator whose balance the cell shows, src/analysis/propensity.ts)
    const own = headEst && WEIGHTING_KINDS.has(headEst.kind) ? ownMaxSmd(headEst) : null;
    if (own !== null || (bal && diag('weights'))) {
      const maxAfter = own ?? Math.max(0, ...bal!.map((r) => (isNum(r.smdAfter) ? Math.abs(r.smdAfter) : 0)));
      const limit = headEst && WEIGHTING_KINDS.has(headEst.kind) ? BALANCE_SMD_WEIGHTING : BALANCE_SMD_ANY;
      if (maxAfter > limit) reasons.push(`the largest |SMD| after weighting is ${formatNumber(maxAfter, 3)} (> ${formatNumber(limit, 2)})`);
    }

    const others = okEsts
      .filter((e) => e !== headEst && (findKind(e.kind)?.adjusted ?? true))
      .map((e) => ({ e, t: firstEstimate(e, TOTAL_KEYS) }))
      .filter((x) => x.t && isNum(x.t.value.estimate))
      .map(({ e, t }) => ({ id: e.id, estimate: t!.value.estimate as number, ci: ciOf(t!.value), key: t!.key }));

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

    const labelFor = (id: string) => {
      const e = okEsts.find((x) => x.id === id);
      return e ? labelOf(e) : id;
    };
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
      ...sensitivityEvidence(cell, primary?.id, sweep?.estimator, labelFor),
      heterogeneity: heterogeneityEvidence((cell.diagnostics as { drLearner?: DrLearnerResult }).drLearner),
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
