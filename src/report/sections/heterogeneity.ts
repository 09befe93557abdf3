/** Report section: effects by segment (heterogeneity figure), the mediation effects by segment and the DR-learner's projection and calibration. */
import { TOTAL_KEYS, firstEstimate, type BlpRow, type DrLearnerResult, type EstimatorEntry, type SegmentEffect } from '../../results/index.js';
import { formatNumber, zeroVerdict } from '../format.js';
import { ciOf, isNum, type ReportSection, type SectionModel } from './context.js';
import { heterogeneityFigure } from '../figures/heterogeneity.js';

export const heterogeneitySection: ReportSection = {
  id: 'heterogeneity',
  title: 'Heterogeneity',
  reads: ['diagnostics.heterogeneity', 'diagnostics.heterogeneity_analysis', 'diagnostics.drLearner'],
  build(ctx, s) {
    const { cell, yLabel, okEsts, labelOf, normCell, normEst, addTable, addFigure } = ctx;
    // the cell runner's heterogeneity block (cell level) first, else an estimator's own segment table
    let srcLabel: string | null = null;
    let segs: SegmentEffect[] | null = null;
    const cellRaw = (cell?.diagnostics as Record<string, unknown> | undefined)?.heterogeneity_analysis as Record<string, unknown> | undefined;
    if (normCell.heterogeneity) {
      segs = normCell.heterogeneity;
      // the estimator whose pseudo-outcomes the segments average (recorded since the named estimator may be a mediation one)
      const id = typeof cellRaw?.pseudo_outcomes_estimator === 'string' ? cellRaw.pseudo_outcomes_estimator : typeof cellRaw?.estimator === 'string' ? cellRaw.estimator : null;
      const e = id ? okEsts.find((x) => x.id === id) : undefined;
      srcLabel = typeof cellRaw?.pseudo_outcomes_from === 'string' ? cellRaw.pseudo_outcomes_from : e ? labelOf(e) : id ?? 'cell';
    } else {
      for (const e of okEsts) {
        const own = normEst.get(e)!.heterogeneity ?? null;
        if (own) {
          srcLabel = labelOf(e);
          segs = own;
          break;
        }
      }
    }
    const dr = (cell?.diagnostics as { drLearner?: DrLearnerResult } | undefined)?.drLearner;
    if (segs && srcLabel) {
      const src = { label: srcLabel };
      addTable(
        s,
        {
          id: 'heterogeneity',
          title: `Effects by segment (${src.label})`,
          columns: [
            // heterogeneity.top keeps each end of the ranking; say which
            ...(segs.some((x) => x.direction) ? [{ key: 'direction', label: 'Ranked among', format: 'code' as const }] : []),
            { key: 'by', label: 'Segmented by', format: 'code' },
            { key: 'segment', label: 'Segment' },
            { key: 'rows', label: 'Rows', format: 'int' },
            { key: 'users', label: 'Users', format: 'int' },
            { key: 'treatedShare', label: 'Treated share', format: 'pct' },
            { key: 'estimand', label: 'Estimand', format: 'code' },
            { key: 'estimate', label: 'Estimate', format: 'num' },
            { key: 'ci', label: '95% CI', format: 'ci' },
            { key: 'conclusion', label: 'Conclusion' },
          ],
          rows: segs.map((s) => ({ direction: s.direction ?? null, by: s.by, segment: s.segment, rows: s.rows, users: s.users ?? null, treatedShare: s.treatedShare ?? null, estimand: s.estimand ?? null, estimate: s.value.estimate, ci: ciOf(s.value), conclusion: zeroVerdict(ciOf(s.value)) })),
        },
        'table',
      );
      const overall = overallOfSegments(cellRaw, okEsts);
      if (cellRaw && overall && isNum(overall.estimate)) {
        s.lines.push(
          `Each segment's estimate is the mean over its rows of one set of per-row doubly robust scores (pseudo-outcomes) from ${srcLabel}; the nuisance models are not refitted per segment. ` +
            `So the segments of one variable, weighted by their rows, average to the overall ${formatNumber(overall.estimate)} (the dashed line) wherever they cover every row; ` +
            'segments far from it on both sides are spread, all on one side would be an error' +
            (segs.some((x) => x.direction) ? ' (the table keeps only each end of the ranking, so its rows need not average to it).' : '.') +
            (dr ? ' The DR-learner below projects the same pseudo-outcomes; its intercept is the same overall mean.' : ''),
        );
      }
      addFigure(s, heterogeneityFigure.plan({ source: src.label, valueLabel: yLabel, segments: segs, overall }), 'figure');
    }
    // per-row TE/NDE/NIE of a mediation estimator averaged by segment (no intervals: descriptive)
    const raw = (cell?.diagnostics as Record<string, unknown> | undefined)?.heterogeneity_analysis as Record<string, unknown> | undefined;
    const medSegs = Array.isArray(raw?.mediation_segments) ? (raw!.mediation_segments as Array<Record<string, unknown>>) : [];
    const n = (r: Record<string, unknown>, k: string): number | null => (isNum(r[k]) ? (r[k] as number) : null);
    addTable(
      s,
      {
        id: 'mediation_by_segment',
        title: `Mediation effects by segment (${typeof raw?.estimator === 'string' ? raw.estimator : 'mediation'}, per-row means)`,
        columns: [
          { key: 'by', label: 'Segmented by', format: 'code' },
          { key: 'segment', label: 'Segment' },
          { key: 'rows', label: 'Rows', format: 'int' },
          { key: 'users', label: 'Users', format: 'int' },
          { key: 'te', label: 'TE', format: 'num' },
          { key: 'nde', label: 'NDE', format: 'num' },
          { key: 'nie', label: 'NIE', format: 'num' },
          { key: 'shift', label: 'Mediator shift', format: 'num' },
          { key: 'share', label: 'NIE / TE', format: 'pct' },
        ],
        rows: medSegs
          .filter((r) => typeof r.segment === 'string')
          .map((r) => {
            const te = n(r, 'total_effect');
            const nie = n(r, 'indirect_effect');
            return { by: r.segment as string, segment: String(r.segment_value ?? ''), rows: n(r, 'user_days'), users: n(r, 'users'), te, nde: n(r, 'direct_effect'), nie, shift: n(r, 'mediator_shift'), share: te && nie !== null ? nie / te : null };
          }),
      },
      'mediationSegments',
    );
    if (dr) addDrLearnerTables(addTable, s, dr);
  },
};

/**
 * The overall effect the segments average to: the mean of the pseudo-outcomes (src/analysis/heterogeneity.ts
 * `overall`); for results written before it was recorded, the total effect of the estimator that supplied
 * them, and none when they came from an AIPW fitted for the heterogeneity alone (its overall is nowhere else).
 */
function overallOfSegments(raw: Record<string, unknown> | undefined, okEsts: EstimatorEntry[]): { estimate: number | null } | null {
  const recorded = raw?.overall as { estimate?: unknown } | undefined;
  if (recorded && isNum(recorded.estimate)) return { estimate: recorded.estimate };
  if (!raw || typeof raw.pseudo_outcomes_from === 'string') return null;
  const e = okEsts.find((x) => x.id === raw.estimator);
  return e ? firstEstimate(e, TOTAL_KEYS)?.value ?? null : null;
}

/** The DR-learner's best linear projection and calibration tables (src/analysis/dr-learner.ts). */
function addDrLearnerTables(addTable: Parameters<ReportSection['build']>[0]['addTable'], s: SectionModel, dr: DrLearnerResult): void {
  const level = `${Math.round(dr.level * 100)}% CI`;
  const row = (r: BlpRow, term: string) => ({ term, estimate: r.estimate, se: r.se, ci: r.lower !== null && r.upper !== null ? ([r.lower, r.upper] as [number, number]) : null, p: r.pValue });
  addTable(
    s,
    {
      id: 'dr_learner_blp',
      title: `Best linear projection of the effect on the modifiers (${dr.pseudoOutcomes})`,
      columns: [
        { key: 'term', label: 'Term' },
        { key: 'estimate', label: 'Estimate', format: 'num' },
        { key: 'se', label: 'SE (CR1)', format: 'num' },
        { key: 'ci', label: level, format: 'ci' },
        { key: 'p', label: 'p', format: 'num' },
        { key: 'centre', label: 'Centred at', format: 'num' },
      ],
      rows: dr.blp.map((r) => ({ ...row(r, r.term === '(intercept)' ? 'average effect (intercept)' : r.term), centre: dr.centres[r.term] ?? null })),
    },
    'drBlp',
  );
  addTable(
    s,
    {
      id: 'dr_learner_calibration',
      title: `Calibration of out-of-fold effect predictions (${dr.calibration.folds} user folds)`,
      columns: [
        { key: 'term', label: 'Coefficient' },
        { key: 'estimate', label: 'Estimate', format: 'num' },
        { key: 'se', label: 'SE (CR1)', format: 'num' },
        { key: 'ci', label: level, format: 'ci' },
        { key: 'p', label: 'p (= 0)', format: 'num' },
        { key: 'pOne', label: 'p (= 1)', format: 'num' },
        { key: 'reading', label: 'Reading' },
      ],
      rows: [
        { ...row(dr.calibration.intercept, 'mean effect'), pOne: null, reading: null },
        { ...row(dr.calibration.slope, 'slope on the prediction'), pOne: dr.calibration.pValueSlopeOne, reading: dr.summary },
      ],
    },
    'drCalibration',
  );
}
