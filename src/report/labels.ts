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
import { findKind } from '../estimate/kinds/index.js';

type Rec = Record<string, unknown>;

function isRec(x: unknown): x is Rec {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * A label from the estimator's spec entry and the spec's models table, e.g.
 * `{kind: ipw, stabilize: true, clip: [0.02, 0.98]}` → "IPW (stabilized, clipped [0.02, 0.98], capped at q0.99)";
 * each kind writes its own (src/estimate/kinds/<kind>.ts, `label`).
 */
export function labelFromSpec(spec: Rec & { kind: string }, models: Record<string, unknown> = {}): string {
  return findKind(spec.kind)?.label(spec, models) ?? spec.kind;
}

function foldCount(d: Rec): number | null {
  if (Array.isArray(d.folds)) return d.folds.length;
  if (typeof d.crossfit_folds === 'number') return d.crossfit_folds;
  return null;
}

/** The entry's `label`, else one its kind derives from its diagnostics (`labelFromResult`). */
export function estimatorLabel(e: Pick<EstimatorEntry, 'id' | 'kind' | 'label' | 'diagnostics'>): string {
  if (e.label) return e.label;
  const d = (e.diagnostics ?? {}) as Rec;
  const folds = foldCount(d);
  const crossfitNote = folds !== null && folds > 1 ? `cross-fitted (${folds} folds)` : null;
  return findKind(e.kind)?.labelFromResult({ diagnostics: d, crossfitNote, formatNumber: (x) => formatNumber(x) }) ?? e.kind;
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
