// The heterogeneity section's reference: the segments' overall is the mean of the pseudo-outcomes they
// average (src/analysis/heterogeneity.ts `overall`), never another estimator's total effect; results from
// before it was recorded draw no reference when the pseudo-outcomes came from an AIPW fitted apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReportModel } from '../../src/report/model.js';
import { exampleResults } from './fixture.js';

function withCellSegments(raw: Record<string, unknown>) {
  const r = exampleResults();
  const model0 = buildReportModel(r);
  const cell = r.cells.find((c) => c.id === model0.cell!.id)!;
  const d = cell.diagnostics as Record<string, unknown>;
  d.heterogeneity = [
    { by: 'x', segment: 'low', rows: 100, users: 20, treatedShare: 0.5, estimand: 'ate', value: { estimate: 2, ci: [0, 4] } },
    { by: 'x', segment: 'high', rows: 100, users: 20, treatedShare: 0.5, estimand: 'ate', value: { estimate: 6, ci: [4, 8] } },
  ];
  d.heterogeneity_analysis = raw;
  return buildReportModel(r);
}

test('the segments are set beside the mean of their own pseudo-outcomes, with the estimator that made them', () => {
  const m = withCellSegments({ estimator: 'mediation_linear', pseudo_outcomes_estimator: 'aipw', overall: { estimate: 4, se: 1, rows: 200 } });
  const s = m.sections.heterogeneity!;
  const line = s.lines.join('\n');
  assert.match(line, /average to the overall 4 \(the dashed line\)/);
  assert.match(line, /not refitted per segment/);
  assert.match(m.tables.find((t) => t.id === 'heterogeneity')!.title, /AIPW, doubly robust/, 'titled by the AIPW, not the named mediation estimator');
});

test('old results whose segments came from a separately fitted AIPW get no reference from another estimator', () => {
  const m = withCellSegments({ estimator: 'mediation_linear', pseudo_outcomes_from: 'cross-fitted AIPW (linear outcome, logistic propensity)' });
  assert.doesNotMatch(m.sections.heterogeneity!.lines.join('\n'), /average to the overall/);
});
