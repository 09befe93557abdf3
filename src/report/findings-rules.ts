/**
 * The one catalogue of the report's Findings and computed Recommendations: each rule says when it applies
 * to the evidence (gathered from results.json by sections/findings.ts) and what it then says. Rules never
 * claim more than the evidence: without the identifying checks passing (overlap, separation, balance:
 * `causal.ok`) the wording is associational; an interval that includes zero never yields a direction; an
 * estimate without an interval is named as such. test/report/findings.test.ts exercises each gate, and
 * test/examples/numbers.test.ts checks every number these sentences print against results.json.
 */
import { formatInterval, formatNumber, formatPercent } from './format.js';

/** Balance fails when the largest |SMD| after weighting exceeds this for a weighting primary estimator… */
export const BALANCE_SMD_WEIGHTING = 0.1;
/** …or this for any primary estimator (outcome models then extrapolate across very different arms). */
export const BALANCE_SMD_ANY = 0.25;
/** An E-value below this is explained away by a confounder as strong as many observed covariates. */
export const WEAK_EVALUE = 1.5;
/** An NIE explained away by δ·γ below this many SD of the outcome is fragile. */
export const FRAGILE_NIE_SD = 0.1;
/** An indirect effect that vanishes at a mediator–outcome error correlation |ρ| below this is fragile (medsens). */
export const FRAGILE_RHO = 0.3;

export interface Evidence {
  names: { A: string; M: string; Y: string };
  primary: {
    id: string;
    label: string;
    key: string;
    estimate: number;
    ci: [number, number] | null;
    level: number;
    relative: number | null;
    /** the mean the relative effect divides by, and what it is */
    base: { value: number; what: string } | null;
  } | null;
  /** the identifying checks; reasons name the checks that failed */
  causal: { ok: boolean; reasons: string[] };
  /** adjusted estimators other than the primary, each with its total effect */
  others: Array<{ id: string; estimate: number; ci: [number, number] | null; key?: string }>;
  evalue: { point: number | null; ciBound: number | null } | null;
  nie: { label: string; estimate: number; ci: [number, number] | null; bias: number; biasSd: number; ciBias: number | null; ciBiasSd: number | null } | null;
  grid: { cells: number; sameSign: number; withCi: number; ciExcludesZero: number; unchangedVariants: number } | null;
  /** sensemakr bounds of a linear outcome regression (src/sensitivity/ovb-linear.ts) */
  ovb: {
    label: string; estimate: number; rv: number; rvAlpha: number; level: number;
    /** per benchmark covariate, its strongest multiple */
    benchmarks: Array<{ benchmark: string; k: number; estimate: number; ci: [number, number]; capped: boolean; cappedFrom?: number | null }>;
  } | null;
  /** debiased-ML omitted-variable bounds of a cross-fitted AIPW (src/sensitivity/ovb-dml.ts) */
  dml: {
    label: string; estimate: number; nu2: number; level: number; rv: number; rvAlpha: number;
    scenarios: Array<{ cfY: number; cfD: number; rho: number; bounds: [number, number]; ci: [number, number] }>;
  } | null;
  /** medsens ρ-sensitivity of the linear mediation's indirect effect, treated arm (src/sensitivity/mediation-rho.ts); ciZeroFrom: the grid ρ nearest 0 on the root's side whose interval includes zero (0 when ρ = 0's does) */
  medsens: { label: string; nie: number; rhoAtZero: number | null; rhoRange: [number, number]; r2Tilde: number | null; ciZeroFrom: number | null; level: number } | null;
  /** DR-learner calibration and projection (src/analysis/dr-learner.ts) */
  heterogeneity: {
    source: string; modifiers: string[]; level: number;
    slope: number; slopeCi: [number, number] | null;
    /** one-sided p of slope ≤ 0 (half the two-sided p for a positive slope) */
    slopeP: number | null;
    /** two-sided p of the slope, for a negative one */
    slopePTwoSided: number | null;
    /** p of slope = 1 */
    pSlopeOne: number | null;
    /** modifiers whose projection interval excludes 0 */
    shifting: string[];
  } | null;
  caveats: string[];
  /** readiness checks that did not pass */
  readinessFailures: string[];
}

const excludesZero = (ci: [number, number] | null): boolean => !!ci && (ci[0] > 0 || ci[1] < 0);
const overlaps = (a: [number, number], b: [number, number]): boolean => a[0] <= b[1] && b[0] <= a[1];
const pct = (level: number) => `${formatNumber(level * 100, 0)}%`;

function sizeText(p: NonNullable<Evidence['primary']>): string {
  const rel = p.relative !== null && p.base ? ` (${formatPercent(Math.abs(p.relative))} of ${p.base.what}, ${formatNumber(p.base.value)})` : '';
  return `${formatNumber(Math.abs(p.estimate))}${populationText(p.key)}${rel}`;
}

/** Which user-days an effect averages over, for the estimands that are not the ATE ('' for the ATE). */
export function populationText(key: string): string {
  if (key === 'att') return ' among treated user-days (the effect on the treated, ATT)';
  if (key === 'atc') return ' among control user-days, had they been treated (the effect on the controls, ATC)';
  return '';
}

const ESTIMAND_OF_KEY: Readonly<Record<string, string>> = { att: 'ATT', atc: 'ATC' };
const estimandName = (key: string) => ESTIMAND_OF_KEY[key] ?? 'ATE';

interface FindingRule {
  id: string;
  when(ev: Evidence): boolean;
  say(ev: Evidence): string;
}

export const FINDING_RULES: readonly FindingRule[] = [
  {
    id: 'no-primary',
    when: (ev) => !ev.primary,
    say: () => 'No estimator produced a total effect, so there is no finding about the treatment.',
  },
  {
    id: 'effect-causal',
    when: (ev) => !!ev.primary && ev.causal.ok && excludesZero(ev.primary.ci),
    say: ({ primary: p, names }) =>
      `If the covariates capture every common cause of ${names.A} and ${names.Y}, ${names.A} days ${p!.estimate > 0 ? 'raise' : 'lower'} ${names.Y} by ${sizeText(p!)}: the primary estimate (${p!.label}, ${p!.key}) is ${formatNumber(p!.estimate)}, ${pct(p!.level)} CI ${formatInterval(p!.ci)}, which excludes zero.`,
  },
  {
    id: 'effect-associational',
    when: (ev) => !!ev.primary && !ev.causal.ok && excludesZero(ev.primary.ci),
    say: ({ primary: p, names }) =>
      `After adjustment, ${names.A} days have ${names.Y} ${p!.estimate > 0 ? 'higher' : 'lower'} by ${sizeText(p!)} (${p!.label}, ${p!.key}: ${formatNumber(p!.estimate)}, ${pct(p!.level)} CI ${formatInterval(p!.ci)}). This is an adjusted association, not an established effect.`,
  },
  {
    id: 'effect-inconclusive',
    when: (ev) => !!ev.primary && !!ev.primary.ci && !excludesZero(ev.primary.ci),
    say: ({ primary: p, names }) =>
      `The data do not establish whether ${names.A} moves ${names.Y}${populationText(p!.key)}: the primary estimate (${p!.label}, ${p!.key}) is ${formatNumber(p!.estimate)}, but its ${pct(p!.level)} CI ${formatInterval(p!.ci)} includes zero.`,
  },
  {
    id: 'effect-no-interval',
    when: (ev) => !!ev.primary && !ev.primary.ci,
    say: ({ primary: p }) => `The primary estimate (${p!.label}, ${p!.key}) is ${formatNumber(p!.estimate)} with no interval, so its precision is unknown and no direction is claimed.`,
  },
  {
    id: 'checks-failed',
    when: (ev) => !ev.causal.ok,
    say: ({ causal }) => `The identifying checks did not pass (${causal.reasons.join('; ')}): no estimate in this report supports a causal reading.`,
  },
  {
    id: 'agreement',
    when: (ev) => !!ev.primary && ev.others.length > 0,
    say: ({ primary: p, others }) => {
      const same = others.filter((o) => Math.sign(o.estimate) === Math.sign(p!.estimate));
      const withCi = p!.ci ? others.filter((o) => o.ci) : [];
      const overl = withCi.filter((o) => overlaps(o.ci!, p!.ci!));
      const noCi = others.length - others.filter((o) => o.ci).length;
      const differ = others.filter((o) => Math.sign(o.estimate) !== Math.sign(p!.estimate)).map((o) => o.id);
      return `${same.length} of ${others.length} other adjusted estimators agree in sign with the primary` + (differ.length ? ` (not: ${differ.join(', ')})` : '') +
        (p!.ci ? `; ${overl.length} of the ${withCi.length} with an interval overlap the primary's interval` : '') +
        (noCi ? ` (${noCi} ${noCi === 1 ? 'has' : 'have'} no interval)` : '') + '.';
    },
  },
  {
    id: 'estimand-mix',
    when: (ev) => !!ev.primary && ev.others.some((o) => o.key !== undefined && estimandName(o.key) !== estimandName(ev.primary!.key)),
    say: ({ primary: p, others }) => {
      const differ = others.filter((o) => o.key !== undefined && estimandName(o.key) !== estimandName(p!.key));
      const byName = new Map<string, string[]>();
      for (const o of differ) byName.set(estimandName(o.key!), [...(byName.get(estimandName(o.key!)) ?? []), o.id]);
      return `The primary estimate is the ${estimandName(p!.key)}; ${[...byName].map(([name, ids]) => `${ids.join(', ')} estimate${ids.length === 1 ? 's' : ''} the ${name}`).join('; ')}. ` +
        'These average over different user-days (all, treated or control), so they differ when the effect varies with the covariates, without either being biased.';
    },
  },
  {
    id: 'evalue',
    when: (ev) => !!ev.primary && !!ev.evalue && ev.evalue.point !== null,
    say: ({ evalue, names }) =>
      `To explain the primary estimate away, an unmeasured confounder would need a risk-ratio association of ${formatNumber(evalue!.point!, 2)} with both ${names.A} and ${names.Y} (E-value)` +
      (evalue!.ciBound !== null ? (evalue!.ciBound > 1 ? `; ${formatNumber(evalue!.ciBound, 2)} would move its interval to include zero` : '; its interval already includes zero') : '') +
      (evalue!.point! < WEAK_EVALUE ? `. That is weak (below ${formatNumber(WEAK_EVALUE, 1)}): a modest unmeasured confounder could explain the estimate away.` : '.'),
  },
  {
    id: 'nie',
    when: (ev) => !!ev.nie,
    say: ({ nie, names }) =>
      `The indirect effect through ${names.M} (${nie!.label}) is ${formatNumber(nie!.estimate)}${nie!.ci ? ` ${formatInterval(nie!.ci)}` : ' (no interval)'}; an unmeasured mediator–outcome confounder with δ·γ = ${formatNumber(nie!.bias)} (${formatNumber(nie!.biasSd)} SD of ${names.Y}) would explain it away` +
      (nie!.ciBias !== null && nie!.ciBias > 0 ? `, and δ·γ = ${formatNumber(nie!.ciBias)} (${formatNumber(nie!.ciBiasSd)} SD) would bring its interval to zero` : '') +
      (nie!.biasSd < FRAGILE_NIE_SD ? `. That is fragile (below ${formatNumber(FRAGILE_NIE_SD, 1)} SD): read the mediated share as a hypothesis.` : '.'),
  },
  {
    id: 'grid',
    when: (ev) => !!ev.grid,
    say: ({ grid }) =>
      `${grid!.sameSign} of ${grid!.cells} grid cells agree in sign with the base cell's estimate; ${grid!.ciExcludesZero} of the ${grid!.withCi} with an interval exclude zero` +
      (grid!.withCi < grid!.cells ? ` (${grid!.cells - grid!.withCi} have no interval)` : '') +
      (grid!.unchangedVariants ? `; ${grid!.unchangedVariants} variant cells reproduce the base cell (same data, same estimate), so their agreement shows nothing (see the robustness grid)` : '') + '.',
  },
  {
    id: 'ovb-benchmarks',
    when: (ev) => !!ev.ovb,
    say: ({ ovb, names, causal }) => {
      const o = ovb!;
      const open = o.benchmarks.filter((b) => !b.capped);
      const away = open.filter((b) => Math.sign(b.estimate) !== Math.sign(o.estimate));
      const toZero = open.filter((b) => !away.includes(b) && !excludesZero(b.ci));
      const holds = open.filter((b) => !away.includes(b) && !toZero.includes(b));
      const capped = o.benchmarks.filter((b) => b.cappedFrom != null).map((b) => ({ ...b, k: b.cappedFrom! }));
      // "3× as strong as a, b or c": benchmarks grouped by their multiple
      const strength = (bs: typeof o.benchmarks) => {
        const byK = new Map<number, string[]>();
        for (const b of bs) byK.set(b.k, [...(byK.get(b.k) ?? []), b.benchmark]);
        return [...byK].map(([k, names]) => `${formatNumber(k)}× as strong as ${names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names[0]}`).join(' or ');
      };
      const parts: string[] = [];
      if (holds.length) parts.push(`a confounder ${strength(holds)} would not explain the estimate away and its interval would still exclude zero`);
      if (toZero.length) parts.push(`a confounder ${strength(toZero)} would not explain the estimate away but would bring its interval to include zero`);
      if (away.length) parts.push(`a confounder ${strength(away)} would explain the estimate away`);
      // sensemakr caps R²(Y~Z|A,X) at 1: a confounder that strong would explain all the outcome's residual variance, so its bound says nothing
      if (capped.length) parts.push(`the bounds for a confounder ${strength(capped)} or more are capped (it would explain all of ${names.Y}'s residual variance), so they say nothing`);
      return `Omitted-variable bias of ${o.label} (estimate ${formatNumber(o.estimate)}${causal.ok ? '' : ', an adjusted association'}): an unobserved confounder explaining ${formatPercent(o.rv)} of the residual variance of both ${names.A} and ${names.Y} would explain it away (robustness value; ${formatPercent(o.rvAlpha)} would bring its ${pct(o.level)} interval to zero)` +
        (parts.length ? `; ${parts.join('; ')}.` : '.');
    },
  },
  {
    id: 'dml-bounds',
    when: (ev) => !!ev.dml,
    say: ({ dml }) => {
      const d = dml!;
      if (!(d.nu2 > 0)) {
        return `The debiased-ML omitted-variable bounds of ${d.label} say nothing here: the Riesz representer's second moment ν² is estimated at ${formatNumber(d.nu2)}, not positive, so every bound collapses to the estimate ${formatNumber(d.estimate)}.`;
      }
      const rows = d.scenarios.map((x) => `at Cf_Y = ${formatPercent(x.cfY)}, Cf_D = ${formatPercent(x.cfD)}: ${formatInterval(x.bounds)}, CI ${formatInterval(x.ci)}${excludesZero(x.ci) ? '' : ' (includes zero)'}`);
      const hold = d.scenarios.filter((x) => excludesZero(x.ci));
      const verdict = hold.length === d.scenarios.length
        ? 'the bounds\' interval excludes zero in every scenario'
        : hold.length === 0 ? 'the bounds\' interval includes zero in every scenario' : `the bounds' interval excludes zero in ${hold.length} of ${d.scenarios.length} scenarios`;
      return `Debiased-ML omitted-variable bounds of ${d.label} (estimate ${formatNumber(d.estimate)}), for a latent confounder explaining the shares Cf_Y of the outcome's residual variation and Cf_D of the Riesz representer's: ${rows.join('; ')}. So ${verdict}; a confounder with Cf_Y = Cf_D = ${formatPercent(d.rv)} would explain the estimate away (${formatPercent(d.rvAlpha)} for the interval).`;
    },
  },
  {
    id: 'medsens',
    when: (ev) => !!ev.medsens,
    say: ({ medsens, names }) => {
      const m = medsens!;
      if (m.rhoAtZero === null) {
        return `The indirect effect through ${names.M} (${m.label}, treated arm, ${formatNumber(m.nie)} at ρ = 0) keeps its sign for every mediator–outcome error correlation ρ from ${formatNumber(m.rhoRange[0], 2)} to ${formatNumber(m.rhoRange[1], 2)}.`;
      }
      const fragile = Math.abs(m.rhoAtZero) < FRAGILE_RHO;
      return `The indirect effect through ${names.M} (${m.label}, treated arm, ${formatNumber(m.nie)} at ρ = 0) is zero when the errors of the ${names.M} and ${names.Y} models correlate at ρ = ${formatNumber(m.rhoAtZero, 3)}` +
        (m.r2Tilde !== null ? ` (an unobserved confounder explaining R̃²_M·R̃²_Y = ${formatNumber(m.r2Tilde, 4)} of their variances)` : '') +
        (m.ciZeroFrom === 0 ? ` (its ${pct(m.level)} interval already includes zero at ρ = 0)`
          : m.ciZeroFrom !== null ? ` and its ${pct(m.level)} interval includes zero from ρ = ${formatNumber(m.ciZeroFrom, 2)}` : '') +
        (fragile
          ? `. That is fragile (|ρ| below ${formatNumber(FRAGILE_RHO, 1)}): a modest unobserved common cause of ${names.M} and ${names.Y} would explain the indirect effect away, so it rests on sequential ignorability.`
          : `. Only a strong unobserved common cause of ${names.M} and ${names.Y} (|ρ| of ${formatNumber(FRAGILE_RHO, 1)} or more) would explain it away.`);
    },
  },
  {
    id: 'heterogeneity',
    when: (ev) => !!ev.heterogeneity,
    say: ({ heterogeneity: h, causal }) => {
      const hh = h!;
      const slope = `calibration slope ${formatNumber(hh.slope)}${hh.slopeCi ? ` ${formatInterval(hh.slopeCi)}` : ''}`;
      const of = `${hh.modifiers.join(', ')} (DR-learner on the pseudo-outcomes of ${hh.source})`;
      const subject = causal.ok ? 'the effect' : 'the adjusted association';
      const shifting = hh.shifting.length ? `; ${hh.shifting.join(', ')} shift${hh.shifting.length === 1 ? 's' : ''} ${subject} in the projection (interval excludes 0)` : '';
      const alpha = 1 - hh.level;
      if (hh.slope > 0 && hh.slopeP !== null && hh.slopeP < alpha) {
        return `Heterogeneity of ${subject} is detected with ${of}: out-of-fold predictions track the pseudo-outcomes, ${slope}, one-sided p = ${formatNumber(hh.slopeP)}` +
          (hh.pSlopeOne !== null ? (hh.pSlopeOne >= alpha ? ', and a slope of 1 (calibrated predictions) is not rejected' : `, though the predictions are miscalibrated (slope 1 rejected, p = ${formatNumber(hh.pSlopeOne)})`) : '') + `${shifting}.`;
      }
      if (hh.slope < 0 && hh.slopePTwoSided !== null && hh.slopePTwoSided < alpha) {
        return `No usable heterogeneity of ${subject} with ${of}: the out-of-fold predictions run against the pseudo-outcomes (${slope}, p = ${formatNumber(hh.slopePTwoSided)}), so the modifiers' projection does not generalize and segment differences should be read as noise${shifting}.`;
      }
      return `No heterogeneity of ${subject} is detectable with ${of}: ${slope}${hh.slopeP !== null ? `, one-sided p = ${formatNumber(hh.slopeP)}` : ''}; segment differences should be read as noise${shifting}.`;
    },
  },
  {
    id: 'caveats',
    when: (ev) => ev.caveats.length > 0 || ev.readinessFailures.length > 0,
    say: ({ caveats, readinessFailures }) =>
      'Caveats that fired: ' + [...readinessFailures.map((r) => `readiness check not passed: ${r}`), ...caveats].join('; ') + '.',
  },
];

export interface Recommendation { area: string; recommendation: string; evidence: string; source: string }

interface RecommendationRule {
  id: string;
  when(ev: Evidence): boolean;
  say(ev: Evidence): Omit<Recommendation, 'source'>;
}

export const RECOMMENDATION_RULES: readonly RecommendationRule[] = [
  {
    id: 'fix-design',
    when: (ev) => !ev.causal.ok,
    say: ({ causal }) => ({ area: 'Design', recommendation: 'Do not read the estimates causally; restrict the population to rows the two arms share, or redefine the treatment, and rerun.', evidence: causal.reasons.join('; ') }),
  },
  {
    id: 'no-decision',
    when: (ev) => !!ev.primary && (!ev.primary.ci || !excludesZero(ev.primary.ci)),
    say: ({ primary: p, names }) => ({ area: 'Decision', recommendation: `Do not act on ${names.A} for ${names.Y} on this evidence; a randomized test is needed to learn the effect.`, evidence: `primary ${formatNumber(p!.estimate)}, CI ${formatInterval(p!.ci)}` }),
  },
  {
    id: 'test-it',
    when: (ev) => !!ev.primary && ev.causal.ok && excludesZero(ev.primary.ci),
    say: ({ primary: p, names }) => ({
      area: 'Decision',
      recommendation: `Confirm with a randomized test of ${names.A} before acting; size it to detect an effect near ${formatNumber(Math.abs(p!.estimate))}${p!.relative !== null ? ` (${formatPercent(Math.abs(p!.relative))})` : ''}.`,
      evidence: `primary ${formatNumber(p!.estimate)}, CI ${formatInterval(p!.ci)}`,
    }),
  },
  {
    id: 'model-dependence',
    when: (ev) => !!ev.primary && ev.others.some((o) => Math.sign(o.estimate) !== Math.sign(ev.primary!.estimate)),
    say: ({ others, primary: p }) => ({ area: 'Modelling', recommendation: 'The adjusted estimators disagree in sign: compare their nuisance-model fit and overlap before trusting any one of them.', evidence: others.filter((o) => Math.sign(o.estimate) !== Math.sign(p!.estimate)).map((o) => `${o.id} ${formatNumber(o.estimate)}`).join(', ') }),
  },
  {
    id: 'weak-evalue',
    when: (ev) => !!ev.evalue && ev.evalue.point !== null && ev.evalue.point < WEAK_EVALUE,
    say: ({ evalue }) => ({ area: 'Confounding', recommendation: 'Measure the likeliest unmeasured common causes (intent, outside events) and add them as covariates.', evidence: `E-value ${formatNumber(evalue!.point!, 2)}` }),
  },
  {
    id: 'fragile-nie',
    when: (ev) => !!ev.nie && ev.nie.biasSd < FRAGILE_NIE_SD,
    say: ({ nie, names }) => ({ area: 'Mediation', recommendation: `Treat the share flowing through ${names.M} as a hypothesis; test it by moving ${names.M} directly.`, evidence: `NIE explained away at δ·γ = ${formatNumber(nie!.biasSd)} SD` }),
  },
  {
    id: 'ovb-benchmark-explains',
    when: (ev) => !!ev.ovb && ev.ovb.benchmarks.some((b) => !b.capped && (Math.sign(b.estimate) !== Math.sign(ev.ovb!.estimate) || !excludesZero(b.ci))),
    say: ({ ovb }) => {
      const weak = ovb!.benchmarks.filter((b) => !b.capped && (Math.sign(b.estimate) !== Math.sign(ovb!.estimate) || !excludesZero(b.ci)));
      return { area: 'Confounding', recommendation: `An unobserved confounder comparable to ${weak.map((b) => b.benchmark).join(', ')} would overturn the conclusion: measure such causes directly before acting.`, evidence: weak.map((b) => `${formatNumber(b.k)}× ${b.benchmark}: ${formatNumber(b.estimate)} ${formatInterval(b.ci)}`).join('; ') };
    },
  },
  {
    id: 'heterogeneity-detected',
    when: (ev) => !!ev.heterogeneity && ev.heterogeneity.slope > 0 && ev.heterogeneity.slopeP !== null && ev.heterogeneity.slopeP < 1 - ev.heterogeneity.level,
    say: ({ heterogeneity: h }) => ({ area: 'Experiment design', recommendation: `Stratify a randomized test by ${(h!.shifting.length ? h!.shifting : h!.modifiers).join(', ')}: the effect differs along them out of fold.`, evidence: `calibration slope ${formatNumber(h!.slope)}, one-sided p = ${formatNumber(h!.slopeP!)}` }),
  },
  {
    id: 'grid-disagrees',
    when: (ev) => !!ev.grid && ev.grid.sameSign < ev.grid.cells,
    say: ({ grid }) => ({ area: 'Robustness', recommendation: 'The sign depends on analysis choices: report the grid, not one cell.', evidence: `${grid!.sameSign} of ${grid!.cells} cells agree in sign` }),
  },
  {
    id: 'readiness',
    when: (ev) => ev.readinessFailures.length > 0,
    say: ({ readinessFailures }) => ({ area: 'Data', recommendation: 'Enlarge the sample (more users or dates) before relying on the intervals.', evidence: readinessFailures.join('; ') }),
  },
];

export function findingLines(ev: Evidence): string[] {
  return FINDING_RULES.filter((r) => r.when(ev)).map((r) => r.say(ev));
}

export function computedRecommendations(ev: Evidence): Recommendation[] {
  return RECOMMENDATION_RULES.filter((r) => r.when(ev)).map((r) => ({ ...r.say(ev), source: 'computed' }));
}
