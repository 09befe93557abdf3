/**
 * Known truth of a simulated archive (the simulator's truth.json, attached by the cell runner as
 * `diagnostics.truth`) beside every estimator's estimate of the same estimand: what a user of the
 * simulator wants to see first — does each interval cover the true effect?
 *
 * The truth is defined for the simulator's treatment, mediator and outcomes. A cell whose treatment is a
 * different measure gets no comparison; a different threshold or mediator gets a caution (TE does not
 * depend on the mediator, so it is still compared).
 */
import type { CellResult, EstimateValue, EstimatorEntry } from '../results/index.js';
import { formatNumber } from './format.js';

type Rec = Record<string, unknown>;

function isRec(x: unknown): x is Rec {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
function num(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

/** Estimand of the truth file → estimator keys that estimate it, in display order. */
const KEYS_FOR: Record<string, string[]> = {
  TE: ['ate', 'te', 'total', 'te_debiased'],
  ATT: ['att'],
  ATC: ['atc'],
  NDE: ['nde', 'nde_debiased', 'c_prime'],
  NIE: ['nie', 'nie_debiased', 'indirect'],
  'E[Y(0,M(0))]': ['y0', 'y00_debiased'],
};
const MEDIATION_ESTIMANDS = new Set(['NDE', 'NIE', 'CDE']);

/** The population an entry's effects average over (its `estimand` option, carried in diagnostics.estimand). */
function populationOf(e: EstimatorEntry): 'ate' | 'att' | 'atc' {
  const p = (e.diagnostics as Rec).estimand;
  return p === 'att' || p === 'atc' ? p : 'ate';
}

/**
 * The keys of an entry compared with a truth: an entry on the treated (controls) is compared with the ATT
 * (ATC) truth only, its total effect te being that effect (a mediation entry's natural effects on the
 * treated have no truth in the simulator's file).
 */
function keysOf(e: EstimatorEntry, estimand: string, keys: string[]): string[] {
  const population = populationOf(e);
  if (population === 'ate') return keys;
  return estimand === population.toUpperCase() ? [...keys, 'te', 'te_debiased'] : [];
}

export interface TruthRow {
  outcome: string;
  /** TE, NDE, NIE, CDE (m = …), E[Y(0,M(0))] */
  estimand: string;
  truth: number;
  /** Monte-Carlo standard error of the truth, when the file gives one */
  truthSe: number | null;
  estimatorId: string;
  entry: EstimatorEntry;
  key: string;
  estimate: number | null;
  ci: [number, number] | null;
  bias: number | null;
  /** null when the estimator gave no interval */
  covers: boolean | null;
}

export interface TruthComparison {
  /** false when the truth is for another treatment: no rows, `notes` say why */
  applicable: boolean;
  rows: TruthRow[];
  /** sentences: population, cautions */
  notes: string[];
  /** the true total effect on the primary outcome (for the forest plot marker) */
  primaryTe: number | null;
  /** estimand → definition text from the truth file */
  definitions: Record<string, string>;
  /** the treatment threshold differs from the simulator's: compared, but a different contrast */
  thresholdDiffers: boolean;
}

function ciOf(v: EstimateValue | undefined): [number, number] | null {
  const ci = v?.ci;
  return ci && num(ci[0]) !== null && num(ci[1]) !== null ? [ci[0], ci[1]] : null;
}

/** The measured-proxy rule in the truth's treatment text ("Measured proxy: share >= 0.5 …"). */
function proxyRule(text: string): { measure: string; threshold: number } | null {
  const m = /Measured proxy:\s*([A-Za-z_][A-Za-z0-9_]*)\s*>=\s*(-?[0-9.]+)/.exec(text);
  return m ? { measure: m[1]!, threshold: Number(m[2]) } : null;
}

function mediatorName(text: string): string | null {
  const m = /^\s*M\s*=\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(text);
  return m ? m[1]! : null;
}

/** Compares a cell's estimators with `cell.diagnostics.truth`; null when the cell has no truth. */
export function truthComparison(cell: CellResult | null): TruthComparison | null {
  const truth = cell?.diagnostics?.truth;
  if (!cell || !isRec(truth) || !isRec(truth.outcomes)) return null;
  const defs = isRec(truth.definitions) ? truth.definitions : {};
  const estimandDefs = isRec(defs.estimands) ? Object.fromEntries(Object.entries(defs.estimands).filter(([, v]) => typeof v === 'string')) as Record<string, string> : {};
  const notes: string[] = [];
  const out: TruthComparison = { applicable: true, rows: [], notes, primaryTe: null, definitions: estimandDefs, thresholdDiffers: false };

  const cd = cell.definitions;
  const rule = typeof defs.treatment === 'string' ? proxyRule(defs.treatment) : null;
  if (rule && rule.measure !== cd.treatment.measure) {
    out.applicable = false;
    notes.push(
      `The simulator's truth is for the treatment ${rule.measure} >= ${rule.threshold}; this analysis's treatment is ${cd.treatment.rule}, a different contrast, so no estimate is compared with it.`,
    );
    return out;
  }
  if (rule && Math.abs(rule.threshold - cd.treatment.threshold) > 1e-9) {
    out.thresholdDiffers = true;
    notes.push(
      `Caution: the truth is for ${rule.measure} >= ${rule.threshold}; this analysis thresholds at ${cd.treatment.threshold}, so it estimates a somewhat different contrast and "covers truth" is indicative only.`,
    );
  }
  const trueMediator = typeof defs.mediator === 'string' ? mediatorName(defs.mediator) : null;
  const mediatorDiffers = !!trueMediator && !!cd.mediator && cd.mediator.name !== trueMediator;
  if (mediatorDiffers) {
    notes.push(`The truth's NDE, NIE and CDE are for the mediator ${trueMediator}; this analysis uses ${cd.mediator!.name}, so only the total effect is compared.`);
  }
  const pop = isRec(truth.population) ? truth.population : null;
  if (pop && num(pop.truthRows) !== null) {
    notes.push(
      `True values are averages over the simulator's population of ${formatNumber(num(pop.truthRows))} user-days of ${formatNumber(num(pop.truthUsers) ?? num(pop.users))} users (Monte-Carlo re-simulation); ` +
        `this analysis uses ${cell.sample ? `${formatNumber(cell.sample.rows)} user-days of ${formatNumber(cell.sample.users)} users` : 'a sample of them'}, so estimates also differ from the truth by sampling noise.`,
    );
  }

  const cdeLevels = (e: EstimatorEntry): Record<string, number> => {
    const lv = (e.diagnostics as Rec).cde_levels;
    return isRec(lv) ? (Object.fromEntries(Object.entries(lv).filter(([, v]) => num(v) !== null)) as Record<string, number>) : {};
  };

  const outcomes = [cd.outcome.name, ...cd.secondary.map((s) => s.name)];
  for (const outcome of outcomes) {
    const t = truth.outcomes[outcome];
    if (!isRec(t)) continue;
    const se = isRec(t.se) ? t.se : {};
    const entries = cell.estimators.filter((e) => e.status === 'ok' && (outcome === cd.outcome.name ? e.outcome === undefined : e.outcome === outcome));
    const push = (estimand: string, truthValue: number, truthSe: number | null, e: EstimatorEntry, key: string): void => {
      const v = e.estimates[key];
      if (!v || v.estimate === null || v.estimate === undefined) return;
      const ci = ciOf(v);
      out.rows.push({
        outcome,
        estimand,
        truth: truthValue,
        truthSe,
        estimatorId: e.id,
        entry: e,
        key,
        estimate: v.estimate,
        ci,
        bias: v.estimate - truthValue,
        covers: ci ? ci[0] <= truthValue && truthValue <= ci[1] : null,
      });
    };
    for (const [estimand, keys] of Object.entries(KEYS_FOR)) {
      const tv = num(t[estimand]);
      if (tv === null) continue;
      if (mediatorDiffers && (MEDIATION_ESTIMANDS.has(estimand) || estimand === 'E[Y(0,M(0))]')) continue;
      if (estimand === 'TE' && outcome === cd.outcome.name) out.primaryTe = tv;
      for (const e of entries) for (const k of keysOf(e, estimand, keys)) push(estimand, tv, num(se[estimand]), e, k);
    }
    // CDE: the truth lists mediator values m; an estimator's cde_qNN is matched by its own m (diagnostics.cde_levels)
    if (!mediatorDiffers && Array.isArray(t.CDE)) {
      const levels = t.CDE.filter(isRec).map((c) => ({ m: num(c.m), value: num(c.value) })).filter((c): c is { m: number; value: number } => c.m !== null && c.value !== null);
      for (const e of entries) {
        if (populationOf(e) !== 'ate') continue; // CDEs averaged over the treated (controls): no truth for those
        const lv = cdeLevels(e);
        for (const key of Object.keys(e.estimates).filter((k) => /^cde_/.test(k)).sort()) {
          const m = lv[key];
          if (m === undefined) continue;
          const near = [...levels].sort((a, b) => Math.abs(a.m - m) - Math.abs(b.m - m))[0];
          // the simulator's m are the population quantiles; the estimator's the sample's: close, not equal
          if (!near || Math.abs(near.m - m) > 0.05) continue;
          push(`CDE (m = ${near.m.toFixed(3)})`, near.value, null, e, key);
        }
      }
    }
  }
  return out;
}
