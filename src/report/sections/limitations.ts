/** Report section: limitations: the ones the numbers call for, then the spec's own. */
import { formatNumber, formatPercent } from '../format.js';
import { isNum, type ReportSection, type Row } from './context.js';

export const limitationsSection: ReportSection = {
  id: 'limitations',
  title: 'Limitations',
  reads: ['diagnostics.overlap', 'diagnostics.balance', 'diagnostics.weights', 'cells[].definitions.mediator', 'data.sample', 'cells[].status', 'limitations'],
  build(ctx, s) {
    const { results, scope, defs, names, diag, addTable } = ctx;
    const rows: Row[] = [
      { limitation: 'Observational logging', why: `${names.A} was not randomized; causal reading depends on adjusting for observed history.`, mitigation: 'Pre-treatment history and profile covariates, several estimators, sensitivity analysis.' },
    ];
    const ov = diag('overlap');
    if (ov && ov.shareBelow005 + ov.shareAbove095 > 0.05) {
      rows.push({ limitation: 'Imperfect overlap', why: `${formatPercent(ov.shareBelow005 + ov.shareAbove095)} of rows have propensities outside [0.05, 0.95]; estimates there rely on extrapolation.`, mitigation: 'Clipped and capped weights, weight sensitivity, ESS reported.' });
    }
    const bal = diag('balance') ?? null;
    if (diag('weights')) {
      const maxAfter = bal ? Math.max(0, ...bal.map((r) => (isNum(r.smdAfter) ? Math.abs(r.smdAfter) : 0))) : 0;
      if (maxAfter > 0.1) rows.push({ limitation: 'Residual imbalance', why: `max |SMD| after weighting is ${formatNumber(maxAfter, 3)} (> 0.1).`, mitigation: 'Doubly robust and outcome-model estimators adjust for the same covariates.' });
    } else {
      // nothing was weighted: the imbalance is the arms' own, which the outcome-model estimators adjust for
      const maxBefore = bal ? Math.max(0, ...bal.map((r) => (isNum(r.smdBefore) ? Math.abs(r.smdBefore) : 0))) : 0;
      if (maxBefore > 0.25) rows.push({ limitation: 'Imbalanced arms', why: `max |SMD| between the arms is ${formatNumber(maxBefore, 3)} (> 0.25) and no estimator weights the rows.`, mitigation: 'The outcome-model estimators adjust for these covariates; the estimates rest on those models being right.' });
    }
    const w = diag('weights');
    if (w && w.essShare < 0.7) rows.push({ limitation: 'Reduced effective sample size', why: `weights keep an ESS of ${formatPercent(w.essShare)} of rows.`, mitigation: 'Clipping sensitivity reported.' });
    if (defs?.mediator) rows.push({ limitation: 'Mediator–outcome confounding', why: `Unobserved factors may drive both ${defs.mediator.name} and ${names.Y}; NDE/NIE need no unmeasured M–Y confounding.`, mitigation: 'Residual M–Y check, E-values, estimates framed as hypotheses.' });
    if (results.data.sample && results.data.sample.modulus > 1) rows.push({ limitation: 'User sample', why: `Only users with user_id % ${results.data.sample.modulus} == ${results.data.sample.remainder} were read.`, mitigation: 'Whole users sampled deterministically; rerun with modulus 1 for the full log.' });
    const failed = results.cells.filter((c) => c.status !== 'ok').length;
    if (scope === 'run' && failed > 0) rows.push({ limitation: 'Failed grid cells', why: `${failed} of ${results.cells.length} cells did not produce estimates.`, mitigation: 'Reasons listed in the grid table.' });
    // the spec's own text is the author's, not a finding of this run
    for (const l of results.limitations ?? []) rows.push({ limitation: `${l.limitation} (author's)`, why: l.whyItMatters, mitigation: l.mitigation });
    addTable(s, { id: 'limitations', title: 'Limitations', columns: [{ key: 'limitation', label: 'Limitation' }, { key: 'why', label: 'Why it matters' }, { key: 'mitigation', label: 'Mitigation in this run' }], rows }, 'table');
  },
};
