/** Report section: the mediation decomposition (mediation_decomposition figure) and the working diagram (dag figure). */
import { type EstimatorEntry, DIRECT_KEYS, INDIRECT_KEYS, TOTAL_KEYS, firstEstimate, type EstimateValue } from '../../results/index.js';
import { estimandInfo, estimandRank } from '../estimands.js';
import { type ReportTable, zeroVerdict } from '../format.js';
import { ciOf, isNum, type ReportSection, type Row } from './context.js';
import { dagFigure } from '../figures/dag.js';
import { mediationDecompositionFigure } from '../figures/mediation_decomposition.js';

/** A short group name for figures: the estimator id, which the tables pair with its full label. */
function shortMethod(e: EstimatorEntry): string {
  return e.id;
}

/**
 * The approaches side by side (docs/seeds.md §004's advanced model summary): TE, NDE, NIE, the mediator
 * shift E[M(1) − M(0)] and the reverse indirect check NIE(0) = E[Y(0, M(1)) − Y(0, M(0))] (the indirect effect
 * with the treatment held at 0; it equals NIE when the outcome model has no A·M interaction), the total
 * relative to E[Y(0, M(0))] and NIE / TE. A debiased method adds a row of its own estimates; the path model
 * has no mediator shift or reverse check.
 */
function modelSummary(medEsts: EstimatorEntry[], labelOf: (e: EstimatorEntry) => string): ReportTable {
  const rows: Row[] = [];
  const val = (e: EstimatorEntry, k: string) => (isNum(e.estimates[k]?.estimate) ? e.estimates[k]!.estimate! : null);
  for (const e of medEsts) {
    const isSem = 'alpha' in e.estimates;
    const weights = typeof e.diagnostics.weights === 'string' ? e.diagnostics.weights : null;
    const row = (label: string, suffix: string, own: boolean): Row => {
      const [t, d, i] = isSem ? ['total', 'c_prime', 'indirect'] : ['te', 'nde', 'nie'].map((k) => k + suffix);
      const te = val(e, t!);
      const nie = val(e, i!);
      return {
        estimator: label, id: e.id, weights, te, nde: val(e, d!), nie,
        shift: own ? val(e, 'mediator_shift') : null, reverse: own ? val(e, 'reverse_indirect') : null,
        relative: e.estimates[t!]?.relative ?? null, share: te && nie !== null ? nie / te : null,
      };
    };
    rows.push(row(labelOf(e) + ('te_debiased' in e.estimates ? ' (plug-in)' : ''), '', !isSem));
    if ('te_debiased' in e.estimates) rows.push(row(`${labelOf(e)} (debiased)`, '_debiased', false));
  }
  return {
    id: 'mediation_model_summary',
    title: 'Mediation by approach: effects, mediator shift and reverse indirect check',
    columns: [
      { key: 'estimator', label: 'Approach' },
      { key: 'id', label: 'Estimator', format: 'code' },
      { key: 'weights', label: 'Weights', format: 'code' },
      { key: 'te', label: 'TE', format: 'num' },
      { key: 'nde', label: 'NDE', format: 'num' },
      { key: 'nie', label: 'NIE', format: 'num' },
      { key: 'shift', label: 'Mediator shift E[M(1) − M(0)]', format: 'num' },
      { key: 'reverse', label: 'Reverse indirect NIE(0)', format: 'num' },
      { key: 'relative', label: 'TE / E[Y(0, M(0))]', format: 'pct' },
      { key: 'share', label: 'NIE / TE', format: 'pct' },
    ],
    rows,
  };
}

export const mediationSection: ReportSection = {
  id: 'mediation',
  title: 'Mediation decomposition',
  reads: ['cells[].estimators (te/nde/nie, c_prime/indirect, *_debiased, mediator_shift, reverse_indirect, diagnostics.weights)', 'cells[].definitions', 'diagnostics.truth'],
  build(ctx, s) {
    const { cell, defs, names, yLabel, okEsts, labelOf, truth, addTable, addFigure } = ctx;
    const medEsts = okEsts.filter((e) => firstEstimate(e, INDIRECT_KEYS) && firstEstimate(e, DIRECT_KEYS));
    const rows: Row[] = [];
    const groups: Array<{ label: string; parts: Array<{ part: string; estimate: number | null; ci: [number, number] | null }> }> = [];
    for (const e of medEsts) {
      const isSem = 'alpha' in e.estimates;
      const total = firstEstimate(e, TOTAL_KEYS);
      const direct = firstEstimate(e, DIRECT_KEYS)!;
      const indirect = firstEstimate(e, INDIRECT_KEYS)!;
      const keys = Object.keys(e.estimates).filter((k) => (isSem ? ['total', 'c_prime', 'indirect'].includes(k) : /^(te|nde|nie|cde_q\d+)(_debiased)?$/.test(k)));
      keys.sort((a, b) => estimandRank(a) - estimandRank(b) || (a < b ? -1 : 1));
      for (const k of keys) {
        const v = e.estimates[k]!;
        const ci = ciOf(v);
        rows.push({ estimator: labelOf(e), estimand: estimandInfo(k, names).symbol, key: k, estimate: v.estimate, ci, conclusion: zeroVerdict(ci) });
      }
      const share = total && total.value.estimate ? (indirect.value.estimate ?? 0) / total.value.estimate : null;
      if (share !== null) rows.push({ estimator: labelOf(e), estimand: 'share mediated (NIE / TE)', key: 'share_mediated', estimate: share, ci: null, conclusion: null });
      const deb = (k: string): EstimateValue | undefined => (isNum(e.estimates[`${k}_debiased`]?.estimate) ? e.estimates[`${k}_debiased`] : undefined);
      const debiased = total && deb(total.key) && deb(direct.key) && deb(indirect.key);
      groups.push({
        label: debiased ? `${e.id} (plug-in)` : shortMethod(e),
        parts: [
          { part: 'Total', estimate: total?.value.estimate ?? null, ci: ciOf(total?.value) },
          { part: 'Direct', estimate: direct.value.estimate, ci: ciOf(direct.value) },
          { part: 'Indirect', estimate: indirect.value.estimate, ci: ciOf(indirect.value) },
        ],
      });
      if (debiased) {
        groups.push({
          label: `${e.id} (debiased)`,
          parts: [
            { part: 'Total', estimate: deb(total.key)!.estimate ?? null, ci: ciOf(deb(total.key)) },
            { part: 'Direct', estimate: deb(direct.key)!.estimate ?? null, ci: ciOf(deb(direct.key)) },
            { part: 'Indirect', estimate: deb(indirect.key)!.estimate ?? null, ci: ciOf(deb(indirect.key)) },
          ],
        });
      }
    }
    addTable(
      s,
      {
        id: 'mediation_decomposition',
        title: 'Mediation decomposition',
        columns: [
          { key: 'estimator', label: 'Estimator' },
          { key: 'estimand', label: 'Estimand' },
          { key: 'key', label: 'Key', format: 'code' },
          { key: 'estimate', label: 'Estimate', format: 'num' },
          { key: 'ci', label: '95% CI', format: 'ci' },
          { key: 'conclusion', label: 'Conclusion' },
        ],
        rows,
      },
      'table',
    );
    addTable(s, modelSummary(medEsts, labelOf), 'models');
    if (groups.length) {
      // the simulator's TE/NDE/NIE on the primary outcome, when this cell's definitions match it
      const truthParts: Record<string, number> = {};
      if (truth?.applicable) {
        for (const [part, estimand] of [['Total', 'TE'], ['Direct', 'NDE'], ['Indirect', 'NIE']] as const) {
          const r = truth.rows.find((x) => x.estimand === estimand && x.entry.outcome === undefined);
          if (r) truthParts[part] = r.truth;
        }
      }
      const hasTruth = Object.keys(truthParts).length > 0;
      addFigure(s, mediationDecompositionFigure.plan({ valueLabel: yLabel, groups, ...(hasTruth ? { truth: truthParts } : {}) }), 'figure');
    }
    if (defs) {
      const cv = defs.covariates;
      addFigure(s, dagFigure.plan({ treatment: names.A, mediator: defs.mediator?.name ?? null, outcome: names.Y, covariates: cv ? `${cv.numeric.length + cv.categorical.length} covariates` : undefined }), 'dag');
    }
  },
};
