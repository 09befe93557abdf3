/**
 * The cell's definitions table: the treatment rule in words, the mediator, outcomes and population with
 * their rules (a day expression, a history window's rule, or the column name) and distributions.
 */
import type { AnalysisFrame } from '../estimate/types.js';
import type { CellResult } from '../results/index.js';
import type { DefinitionSettings } from './index.js';

export function round(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 10000) / 10000) : String(x);
}

export function countDistinct(values: Int32Array): number {
  return new Set(values).size;
}

/** How a panel column is made: its day expression, the history rule its name follows, or its name. */
function ruleOf(settings: DefinitionSettings, name: string): string {
  const days = settings.dayExpressions;
  if (days[name]) return days[name];
  const m = /^future_(\d+)day_(.+)$/.exec(name);
  if (m) return `sum of ${m[2]} over the next ${m[1]} days (${settings.futureIncomplete} when the window runs past the data)`;
  const lag = /^lag_(\d+)_(.+)$/.exec(name);
  if (lag) return `${lag[2]} ${lag[1]} day(s) before`;
  return name;
}

function meanSd(v: Float64Array): { mean: number | null; sd: number | null } {
  let n = 0, m = 0, s = 0;
  for (const x of v) if (Number.isFinite(x)) { n++; const d = x - m; m += d / n; s += d * (x - m); }
  return { mean: n ? m : null, sd: n > 1 ? Math.sqrt(s / (n - 1)) : null };
}

export function definitionsTable(
  frame: AnalysisFrame, settings: DefinitionSettings, population: { rows: number; panelRows: number },
): CellResult['definitions'] {
  const defs = frame.definitions;
  const rule = settings.treatmentRule;
  return {
    treatment: {
      name: defs.treatment.name,
      measure: defs.treatment.measure,
      rule:
        rule.value !== null
          ? `${defs.treatment.measure} ${rule.direction} ${rule.value}`
          : `${defs.treatment.measure} ${rule.direction} its ${rule.quantile} quantile among ${rule.among} (= ${round(defs.threshold)})`,
      threshold: defs.threshold,
      quantile: rule.quantile,
      treatedShare: defs.treatedShare,
    },
    mediator: frame.M && defs.mediator ? { name: defs.mediator, rule: ruleOf(settings, defs.mediator), ...meanSd(frame.M) } : null,
    outcome: { name: defs.outcome, rule: ruleOf(settings, defs.outcome), ...meanSd(frame.Y) },
    secondary: Object.entries(frame.secondary).map(([name, v]) => ({ name, rule: ruleOf(settings, name), ...meanSd(v) })),
    population: { rule: settings.populationRule, rows: population.rows, share: population.panelRows ? population.rows / population.panelRows : 0 },
    covariates: {
      numeric: settings.covariates.numeric,
      categorical: settings.covariates.categorical,
      designColumns: frame.X.cols,
      dropped: frame.warnings.filter((w) => /constant/.test(w)),
    },
  };
}
