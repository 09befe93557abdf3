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
    ovb: null,
    dml: null,
    medsens: null,
    heterogeneity: null,
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

test('the estimand names its population: ATT findings say "among treated user-days", and a mix of estimands is explained', () => {
  const att = findingLines(evidence({ primary: { ...evidence().primary!, key: 'att' }, others: [{ id: 'ipw', estimate: 5, ci: [2, 8], key: 'ate' }] }));
  assert.match(att[0]!, /raise Y_x by 4\.20 among treated user-days \(the effect on the treated, ATT\)/);
  assert.ok(att.some((l) => /The primary estimate is the ATT; ipw estimates the ATE\. These average over different user-days/.test(l)));
  const atc = findingLines(evidence({ primary: { ...evidence().primary!, key: 'atc', ci: [-1, 7] } }));
  assert.match(atc[0]!, /do not establish whether A_x moves Y_x among control user-days/);
  const ate = findingLines(evidence({ others: [{ id: 'ipw', estimate: 5, ci: [2, 8], key: 'ate' }] }));
  assert.doesNotMatch(ate.join('\n'), /among treated|different user-days/);
});

test('sensemakr benchmarks: which confounders would or would not explain the estimate away', () => {
  const ovb: Evidence['ovb'] = {
    label: 'G-computation (linear)', estimate: 13.8, rv: 0.112, rvAlpha: 0.053, level: 0.95,
    benchmarks: [
      { benchmark: 'prior', k: 3, estimate: 13.6, ci: [6.3, 20.9], capped: false },
      { benchmark: 'fans', k: 3, estimate: 13.5, ci: [6.2, 20.8], capped: false },
      { benchmark: 'degree', k: 3, estimate: 4.1, ci: [-2, 10.2], capped: false },
      { benchmark: 'intent', k: 2, estimate: -1, ci: [-8, 6], capped: false },
    ],
  };
  const line = findingLines(evidence({ ovb })).find((l) => l.startsWith('Omitted-variable bias'))!;
  assert.match(line, /explaining 11\.2% of the residual variance of both A_x and Y_x would explain it away \(robustness value; 5\.3% would bring its 95% interval to zero\)/);
  assert.match(line, /a confounder 3× as strong as prior or fans would not explain the estimate away and its interval would still exclude zero/);
  assert.match(line, /3× as strong as degree would not explain the estimate away but would bring its interval to include zero/);
  assert.match(line, /2× as strong as intent would explain the estimate away/);
  const rec = computedRecommendations(evidence({ ovb })).find((r) => r.area === 'Confounding' && /degree, intent/.test(r.recommendation));
  assert.ok(rec, 'a confounding recommendation names the benchmarks that overturn the conclusion');
  // a capped bound (R²(Y~Z) would reach 1) says nothing: neither "explains away" nor a recommendation
  const cappedOnly = { ...ovb!, benchmarks: [...ovb!.benchmarks.slice(0, 2), { benchmark: 'degree', k: 2, estimate: 3.8, ci: [3.8, 3.8] as [number, number], capped: true, cappedFrom: 2 }] };
  const cappedLine = findingLines(evidence({ ovb: cappedOnly })).find((l) => l.startsWith('Omitted-variable bias'))!;
  assert.match(cappedLine, /the bounds for a confounder 2× as strong as degree or more are capped \(it would explain all of Y_x's residual variance\), so they say nothing/);
  assert.doesNotMatch(cappedLine, /would explain the estimate away/);
  assert.ok(!computedRecommendations(evidence({ ovb: cappedOnly })).some((r) => /overturn/.test(r.recommendation)));
  const robust = { ...ovb!, benchmarks: ovb!.benchmarks.slice(0, 2) };
  assert.ok(!computedRecommendations(evidence({ ovb: robust })).some((r) => /overturn/.test(r.recommendation)));
  const blocked = findingLines(evidence({ ovb, causal: { ok: false, reasons: ['x'] } })).find((l) => l.startsWith('Omitted-variable bias'))!;
  assert.match(blocked, /an adjusted association/);
});

test('debiased-ML bounds: whether the bounds\' interval includes zero, and a non-positive ν² says nothing', () => {
  const dml: Evidence['dml'] = {
    label: 'AIPW', estimate: 10, nu2: 4.5, level: 0.95, rv: 0.06, rvAlpha: 0.02,
    scenarios: [
      { cfY: 0.01, cfD: 0.01, rho: 1, bounds: [8, 12], ci: [2, 18] },
      { cfY: 0.1, cfD: 0.1, rho: 1, bounds: [1, 19], ci: [-5, 25] },
    ],
  };
  const line = findingLines(evidence({ dml })).find((l) => l.startsWith('Debiased-ML'))!;
  assert.match(line, /at Cf_Y = 1\.0%, Cf_D = 1\.0%: \[8\.00, 12\.00\], CI \[2\.00, 18\.00\]; at Cf_Y = 10\.0%, Cf_D = 10\.0%: \[1\.00, 19\.00\], CI \[-5\.00, 25\.00\] \(includes zero\)/);
  assert.match(line, /excludes zero in 1 of 2 scenarios; a confounder with Cf_Y = Cf_D = 6\.0% would explain the estimate away/);
  const flat = findingLines(evidence({ dml: { ...dml!, nu2: -38.9 } })).find((l) => /Riesz/.test(l))!;
  assert.match(flat, /say nothing here: the Riesz representer's second moment ν² is estimated at -38\.90, not positive/);
  assert.doesNotMatch(flat, /excludes zero/);
});

test('medsens: the ρ at which the indirect effect vanishes, and what it means', () => {
  const base: NonNullable<Evidence['medsens']> = { label: 'Mediation (linear)', nie: 6.1, rhoAtZero: 0.122, rhoRange: [-0.95, 0.95], r2Tilde: 0.0011, ciZeroFrom: 0.05, level: 0.95 };
  const fragile = findingLines(evidence({ medsens: base })).find((l) => /correlate at ρ/.test(l))!;
  assert.match(fragile, /is zero when the errors of the M_x and Y_x models correlate at ρ = 0\.122 \(an unobserved confounder explaining R̃²_M·R̃²_Y = 0\.0011 of their variances\) and its 95% interval includes zero from ρ = 0\.05\. That is fragile/);
  const strong = findingLines(evidence({ medsens: { ...base, rhoAtZero: -0.62, ciZeroFrom: null } })).find((l) => /correlate at ρ/.test(l))!;
  assert.match(strong, /Only a strong unobserved common cause/);
  const already = findingLines(evidence({ medsens: { ...base, ciZeroFrom: 0 } })).find((l) => /correlate at ρ/.test(l))!;
  assert.match(already, /\(its 95% interval already includes zero at ρ = 0\)/);
  assert.doesNotMatch(already, /includes zero from/);
  const never = findingLines(evidence({ medsens: { ...base, rhoAtZero: null } })).find((l) => /keeps its sign/.test(l))!;
  assert.match(never, /from -0\.95 to 0\.95/);
});

test('heterogeneity from the DR-learner calibration: detected only for a positive slope, never for a reversed one', () => {
  const h: NonNullable<Evidence['heterogeneity']> = { source: 'AIPW', modifiers: ['prior', 'fans'], level: 0.95, slope: 0.9, slopeCi: [0.31, 1.49], slopeP: 0.00135, slopePTwoSided: 0.0027, pSlopeOne: 0.739, shifting: ['prior'] };
  const yes = findingLines(evidence({ heterogeneity: h })).find((l) => /DR-learner/.test(l))!;
  assert.match(yes, /^Heterogeneity of the effect is detected with prior, fans .*calibration slope 0\.900 \[0\.31, 1\.49\], one-sided p = 0\.00135, and a slope of 1 \(calibrated predictions\) is not rejected; prior shifts the effect/);
  assert.ok(computedRecommendations(evidence({ heterogeneity: h })).some((r) => r.area === 'Experiment design' && /Stratify a randomized test by prior/.test(r.recommendation)));
  const reversed = { ...h, slope: -0.99, slopeCi: [-1.84, -0.14] as [number, number], slopeP: 0.989, slopePTwoSided: 0.022, shifting: [] };
  const no = findingLines(evidence({ heterogeneity: reversed })).find((l) => /DR-learner/.test(l))!;
  assert.match(no, /^No usable heterogeneity of the effect .* run against the pseudo-outcomes/);
  assert.ok(!computedRecommendations(evidence({ heterogeneity: reversed })).some((r) => r.area === 'Experiment design'));
  const flat = findingLines(evidence({ heterogeneity: { ...h, slope: 0.2, slopeP: 0.3, shifting: [] }, causal: { ok: false, reasons: ['x'] } })).find((l) => /DR-learner/.test(l))!;
  assert.match(flat, /^No heterogeneity of the adjusted association is detectable/);
});

test('a weighting primary is judged by the balance of its own weights, and an ATT names its untreated base', () => {
  const r = exampleResults();
  const cellId = buildReportModel(r).cell!.id;
  const cell = r.cells.find((c) => c.id === cellId)!;
  // an entropy-balancing ATT entry: exact balance of its own, while the cell shows another weighting's SMDs
  cell.estimators.push({
    id: 'eb_att', kind: 'ipw', label: 'Entropy balancing ATT', status: 'ok',
    estimates: { att: { estimate: 12, ci: [4, 20], relative: 12 / 400 } },
    diagnostics: { estimand: 'att', control_mean: 400, balance: { rows: [{ covariate: 'x', weighted_smd: 1e-9 }, { covariate: 'z', weighted_smd: -2e-9 }] } },
    warnings: [],
  } as never);
  (cell.diagnostics as Record<string, unknown>).balance = [{ covariate: 'x', smdBefore: 0.5, smdAfter: 0.3 }];
  (cell.diagnostics as Record<string, unknown>).weights = { ess: 100 };
  r.summary.primary = { estimator: 'eb_att', estimand: 'att', cellId };
  const lines = buildReportModel(r).sections.findings!.lines;
  assert.doesNotMatch(lines.join('\n'), /largest \|SMD\| after weighting/);
  assert.match(lines[0]!, /raise .* by 12 among treated user-days \(the effect on the treated, ATT\) \(3\.0% of the estimated mean outcome of the treated days had they not been treated, 400(\.0)?\)/);
});
