/**
 * Readable names for what the report shows: estimator labels ("AIPW, cross-fitted (gbm)"), grid axis
 * names and values (a model object `{kind: gbm, trees: 80, …}` becomes "gbm (trees 80, …)").
 *
 * `labelFromSpec` is exact (the orchestrator knows the estimator's options and may attach it as
 * `EstimatorEntry.label`); `estimatorLabel` falls back to what the kind and diagnostics reveal, since
 * results.json carries no estimator options.
 */
import type { EstimatorEntry, JsonValue } from '../results/index.js';
import { formatNumber } from './format.js';

type Rec = Record<string, unknown>;

function isRec(x: unknown): x is Rec {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The model kind an estimator option names: a models-table entry (`gbm: {kind: gbm}`) or a kind itself. */
function modelKind(name: unknown, models: Record<string, unknown>): string | null {
  if (isRec(name) && typeof name.kind === 'string') return name.kind;
  if (typeof name !== 'string') return null;
  const m = models[name];
  return isRec(m) && typeof m.kind === 'string' ? m.kind : name;
}

function hasCrossfit(spec: Rec): boolean {
  const c = spec.crossfit;
  return c === true || (isRec(c) && (c.folds === undefined || (typeof c.folds === 'number' && c.folds > 1)));
}

/**
 * A label from the estimator's spec entry and the spec's models table, e.g.
 * `{kind: ipw, stabilize: true, clip: [0.02, 0.98]}` → "IPW (stabilized, clipped [0.02, 0.98], capped at q0.99)".
 * Defaults follow estimate/: ipw stabilizes, clips at [0.02, 0.98] and caps at the 0.99 quantile.
 */
export function labelFromSpec(spec: Rec & { kind: string }, models: Record<string, unknown> = {}): string {
  const cf = hasCrossfit(spec);
  const outcome = modelKind(spec.outcome ?? spec.outcome_model, models);
  const propensity = modelKind(spec.propensity, models);
  switch (spec.kind) {
    case 'difference_in_means':
      return 'Difference in means (unadjusted)';
    case 'regression_adjustment':
      return `Regression adjustment (${outcome ?? 'linear'})`;
    case 'ipw': {
      const parts = [spec.stabilize === false ? 'unstabilized' : 'stabilized'];
      const clip = spec.clip === undefined ? [0.02, 0.98] : spec.clip;
      if (Array.isArray(clip)) parts.push(`clipped [${clip.join(', ')}]`);
      const cap = spec.cap_quantile === undefined ? 0.99 : spec.cap_quantile;
      if (typeof cap === 'number') parts.push(`capped at q${cap}`);
      if (propensity && propensity !== 'logistic') parts.push(`${propensity} propensity`);
      return `IPW (${parts.join(', ')})`;
    }
    case 'gcomp':
      return `G-computation${cf ? ', cross-fitted' : ''} (${outcome ?? 'linear'})`;
    case 'aipw':
      return `AIPW, ${cf ? 'cross-fitted' : 'doubly robust'} (${outcome ?? 'linear'}${propensity && propensity !== 'logistic' ? `, ${propensity} propensity` : ''})`;
    case 'msm':
      return 'Marginal structural model (IPW-weighted)';
    case 'sem_path':
      return 'SEM path model (product of coefficients)';
    case 'mediation': {
      const m = modelKind(spec.mediator_model, models) ?? 'linear';
      const y = modelKind(spec.outcome_model, models) ?? 'linear';
      const models2 = m === y ? m : `${m} M, ${y} Y`;
      const method = spec.method === 'both' ? ': plug-in and debiased' : spec.method === 'debiased' ? ', debiased' : '';
      return `Mediation g-formula${cf ? ', cross-fitted' : ''} (${models2})${method}`;
    }
    case 'mediation_debiased':
      return `Mediation, debiased EIF, cross-fitted (${outcome ?? modelKind(spec.mediator_model, models) ?? 'gbm'})`;
    default:
      return spec.kind;
  }
}

function foldCount(d: Rec): number | null {
  if (Array.isArray(d.folds)) return d.folds.length;
  if (typeof d.crossfit_folds === 'number') return d.crossfit_folds;
  return null;
}

/** The entry's `label`, else one derived from its kind and diagnostics. */
export function estimatorLabel(e: Pick<EstimatorEntry, 'id' | 'kind' | 'label' | 'diagnostics'>): string {
  if (e.label) return e.label;
  const d = (e.diagnostics ?? {}) as Rec;
  const method = typeof d.method === 'string' ? d.method : '';
  const folds = foldCount(d);
  const cf = folds !== null && folds > 1 ? `cross-fitted (${folds} folds)` : null;
  switch (e.kind) {
    case 'difference_in_means':
      return 'Difference in means (unadjusted)';
    case 'regression_adjustment':
      return 'Regression adjustment';
    case 'ipw': {
      const parts: string[] = [];
      const w = isRec(d.weights) ? d.weights : null;
      // stabilized weights average 1 (E[A·p/e] = p), unstabilized ones 2
      if (w && typeof w.mean === 'number') parts.push(Math.abs(w.mean - 1) < 0.3 ? 'stabilized' : 'unstabilized');
      if (typeof d.weight_cap === 'number') parts.push(`capped at ${formatNumber(d.weight_cap)}`);
      return parts.length ? `IPW (${parts.join(', ')})` : 'IPW';
    }
    case 'msm':
      return typeof d.weight_spec === 'string' ? `Marginal structural model (${d.weight_spec.replace(/_/g, ' ')})` : 'Marginal structural model (IPW-weighted)';
    case 'gcomp':
      return cf || /cross-fitted/.test(method) ? `G-computation, ${cf ?? 'cross-fitted'}` : 'G-computation (outcome regression)';
    case 'aipw':
      return `AIPW, ${cf ?? (/cross-fitted/.test(method) ? 'cross-fitted' : 'doubly robust')}`;
    case 'sem_path':
      return 'SEM path model (product of coefficients)';
    case 'mediation':
    case 'mediation_debiased':
      if (/debiased/.test(method)) return `Mediation, ${cf ?? 'cross-fitted'}: plug-in and debiased`;
      return 'Mediation g-formula (regression)';
    default:
      return e.kind;
  }
}

/**
 * Labels for a list of estimators, unique: when two share a derived label the id is appended
 * ("IPW (stabilized) · ipw_a").
 */
export function estimatorLabels<T extends Pick<EstimatorEntry, 'id' | 'kind' | 'label' | 'diagnostics'>>(list: T[]): Map<T, string> {
  const base = new Map(list.map((e) => [e, estimatorLabel(e)] as const));
  const counts = new Map<string, number>();
  for (const l of base.values()) counts.set(l, (counts.get(l) ?? 0) + 1);
  const out = new Map<T, string>();
  for (const [e, l] of base) out.set(e, (counts.get(l) ?? 0) > 1 && !e.label ? `${l} · ${e.id}` : l);
  return out;
}

/** Grid path → a short name for figures: the last meaningful segment (`treatment.threshold.value` → threshold). */
export function axisShortName(path: string): string {
  const generic = new Set(['value', 'values', 'primary', 'kind', 'quantile']);
  const parts = path.split('.').filter(Boolean);
  const meaningful = parts.filter((p) => !generic.has(p));
  const last = meaningful[meaningful.length - 1] ?? parts[parts.length - 1] ?? path;
  // keep the generic tail when it says which form (threshold quantile vs value)
  const tail = parts[parts.length - 1];
  return tail === 'quantile' ? `${last} quantile` : last;
}

/**
 * A grid value in words: strings as they are, numbers formatted, a model or other mapping as its kind
 * followed by its other settings ("gbm (trees 80, max_depth 3, …)"), lists joined.
 */
export function axisValueLabel(v: JsonValue | undefined, maxLength = 60): string {
  let s: string;
  if (v === undefined) s = '—';
  else if (v === null) s = 'none';
  else if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean') s = String(v);
  else if (Array.isArray(v)) s = `[${v.map((x) => axisValueLabel(x, maxLength)).join(', ')}]`;
  else {
    const keys = Object.keys(v).filter((k) => k !== 'kind').sort();
    const rest = keys.map((k) => `${k} ${axisValueLabel(v[k]!, maxLength)}`).join(', ');
    s = typeof v.kind === 'string' ? (rest ? `${v.kind} (${rest})` : v.kind) : `{${rest}}`;
  }
  return s.length <= maxLength ? s : s.slice(0, maxLength - 1) + '…';
}

/**
 * Shortest labels that still tell the values of one axis apart: model mappings by their kind alone when
 * the kinds differ, full text otherwise.
 */
export function axisValueLabels(values: Array<JsonValue | undefined>, maxLength = 28): Map<string, string> {
  const key = (v: JsonValue | undefined): string => JSON.stringify(v ?? null);
  const distinct = [...new Map(values.map((v) => [key(v), v] as const)).values()];
  const kinds = distinct.map((v) => (isRec(v) && typeof v.kind === 'string' ? v.kind : null));
  const kindsDistinct = kinds.every((k) => k !== null) && new Set(kinds).size === distinct.length;
  const out = new Map<string, string>();
  distinct.forEach((v, i) => out.set(key(v), kindsDistinct ? kinds[i]! : axisValueLabel(v, maxLength)));
  return out;
}
