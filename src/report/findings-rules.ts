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
  others: Array<{ id: string; estimate: number; ci: [number, number] | null }>;
  evalue: { point: number | null; ciBound: number | null } | null;
  nie: { label: string; estimate: number; ci: [number, number] | null; bias: number; biasSd: number; ciBias: number | null; ciBiasSd: number | null } | null;
  grid: { cells: number; sameSign: number; withCi: number; ciExcludesZero: number; unchangedVariants: number } | null;
  caveats: string[];
  /** readiness checks that did not pass */
  readinessFailures: string[];
}

const excludesZero = (ci: [number, number] | null): boolean => !!ci && (ci[0] > 0 || ci[1] < 0);
const overlaps = (a: [number, number], b: [number, number]): boolean => a[0] <= b[1] && b[0] <= a[1];
const pct = (level: number) => `${formatNumber(level * 100, 0)}%`;

function sizeText(p: NonNullable<Evidence['primary']>): string {
  const rel = p.relative !== null && p.base ? ` (${formatPercent(Math.abs(p.relative))} of ${p.base.what}, ${formatNumber(p.base.value)})` : '';
  return `${formatNumber(Math.abs(p.estimate))}${rel}`;
}

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
      `The data do not establish whether ${names.A} moves ${names.Y}: the primary estimate (${p!.label}, ${p!.key}) is ${formatNumber(p!.estimate)}, but its ${pct(p!.level)} CI ${formatInterval(p!.ci)} includes zero.`,
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
