// The Findings rules (src/report/findings-rules.ts) and their section: causal wording only when the
// identifying checks pass, no direction from an interval that includes zero, the spec's recommendations
// labelled as the author's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computedRecommendations, findingLines, type Evidence } from '../../src/report/findings-rules.js';
import { buildReportModel } from '../../src/report/model.js';
import { exampleResults } from './fixture.js';

function evidence(over: Partial<Evidence> = {}): Evidence {
  return {
    names: { A: 'A_x', M: 'M_x', Y: 'Y_x' },
    primary: { id: 'aipw', label: 'AIPW', key: 'ate', estimate: 4.2, ci: [1, 7], level: 0.95, relative: 0.04, base: { value: 100, what: 'the control-arm mean' } },
    causal: { ok: true, reasons: [] },
    others: [{ id: 'ipw', estimate: 5, ci: [2, 8] }, { id: 'gcomp', estimate: -1, ci: null }],
    evalue: { point: 1.3, ciBound: 1.1 },
    nie: null,
    grid: null,
    caveats: [],
    readinessFailures: [],
    ...over,
  };
}

test('causal wording only when the checks pass; associational otherwise; none for an interval through zero', () => {
  const ok = findingLines(evidence());
  assert.match(ok[0]!, /A_x days raise Y_x by 4\.20 \(4\.0% of the control-arm mean, 100\)/);
  assert.match(ok[1]!, /1 of 2 other adjusted estimators agree in sign with the primary \(not: gcomp\); 1 of the 1 with an interval overlap/);
  assert.match(ok[2]!, /weak/);
  const blocked = findingLines(evidence({ causal: { ok: false, reasons: ['the positivity check says "high"'] } }));
  assert.doesNotMatch(blocked[0]!, /\braise|\blower\b|causes/);
  assert.match(blocked[0]!, /adjusted association, not an established effect/);
  assert.match(blocked[1]!, /identifying checks did not pass \(the positivity check says "high"\)/);
  const through = findingLines(evidence({ primary: { ...evidence().primary!, ci: [-1, 7] } }));
  assert.match(through[0]!, /do not establish/);
  assert.doesNotMatch(through[0]!, /raise|higher/);
  const recs = computedRecommendations(evidence({ causal: { ok: false, reasons: ['x'] } }));
  assert.ok(recs.some((r) => r.area === 'Design'));
  assert.ok(recs.every((r) => r.source === 'computed'));
});

test('the findings section: positivity failure blocks causal wording; spec recommendations are the author\'s', () => {
  const r = exampleResults();
  r.recommendations = [{ area: 'Rollout', recommendation: 'Ship it.', evidence: 'The author says so.' }];
  const model = buildReportModel(r);
  const recs = model.tables.find((t) => t.id === 'recommendations')!;
  assert.ok(recs.rows.some((row) => row.recommendation === 'Ship it.' && row.source === "author's (spec)"));
  assert.ok(recs.rows.some((row) => row.source === 'computed'));
  assert.ok(!recs.rows.some((row) => row.area === 'Design'), 'no design recommendation while the checks pass');
  const cell = r.cells.find((c) => c.id === model.cell!.id)!;
  cell.assumptions.push({ assumption: 'Positivity (overlap)', status: 'checked', diagnostic: 'share of rows with propensity outside [0.05, 0.95]', value: '40.0%', risk: 'high: the treatment is (nearly) determined by the covariates; estimates extrapolate' });
  const blocked = buildReportModel(r);
  assert.match(blocked.sections.findings!.lines.join('\n'), /the positivity check says "high/);
  assert.ok(blocked.tables.find((t) => t.id === 'recommendations')!.rows.some((row) => row.area === 'Design'));
});
