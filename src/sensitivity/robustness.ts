/**
 * Across cells: robustness-family summaries (docs/seeds.md §004) and specification-curve data.
 *
 * A family is one grid axis: the cells that differ from the base cell (the plan's first cell) only on that
 * axis — docs/seeds.md §004 varies one choice at a time (threshold, mediator, model, outcome). For each family:
 * min and max total effect, share positive, share of CIs excluding zero, min and max indirect effect, share
 * positive, and the median |indirect / total|. Total and indirect effects come from the mediation estimator
 * when the cells have one (as docs/seeds.md §004, where both come from the g-computation mediation model), else the
 * total from the first estimator with a total effect. An optional `estimators` family summarizes the
 * base cell's estimators against each other (docs/seeds.md §004's model family when models are estimators, not axes).
 */
import type { CellResult, EstimatorEntry, FrameFingerprint, JsonValue, ResultsSummary, RobustnessFamily, SpecificationCurve } from '../results/index.js';
import { firstEstimate, INDIRECT_KEYS, primaryEstimators, TOTAL_KEYS } from '../results/index.js';

export interface RobustnessOptions {
  /** grid axes in order (default: every axis seen in the cells, first appearance) */
  axes?: string[];
  /** estimator id for the total effect (default: the mediation estimator, else the first with a total) */
  totalEstimator?: string;
  /** estimator id for the indirect effect (default: the first with both an indirect and a total effect) */
  indirectEstimator?: string;
  /** add a family 'estimators' over the base cell's estimators */
  estimatorFamily?: boolean;
  /** the cell every family varies from: the spec's own values (default: the first cell) */
  baseCellId?: string;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function sameExcept(a: Record<string, JsonValue>, b: Record<string, JsonValue>, axis: string): boolean {
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (k !== axis && JSON.stringify(a[k]) !== JSON.stringify(b[k])) return false;
  }
  return true;
}

const isMediation = (e: EstimatorEntry): boolean => e.status === 'ok' && !!firstEstimate(e, INDIRECT_KEYS) && !!firstEstimate(e, TOTAL_KEYS);

/** Picks the estimators of a cell the family statistics read. */
function pickers(opts: RobustnessOptions) {
  const indirect = (cell: CellResult): EstimatorEntry | undefined =>
    primaryEstimators(cell).find((e) => (opts.indirectEstimator ? e.id === opts.indirectEstimator && e.status === 'ok' : isMediation(e)));
  const total = (cell: CellResult): EstimatorEntry | undefined => {
    const all = primaryEstimators(cell).filter((e) => e.status === 'ok' && firstEstimate(e, TOTAL_KEYS));
    if (opts.totalEstimator) return all.find((e) => e.id === opts.totalEstimator);
    return all.find(isMediation) ?? all[0];
  };
  return { indirect, total };
}

interface Point {
  total: number | null;
  totalCi: [number, number] | null;
  indirect: number | null;
  ratioTotal: number | null;
}

function family(name: string, points: Point[]): RobustnessFamily {
  const totals = points.filter((p) => p.total !== null);
  const indirects = points.map((p) => p.indirect).filter((v): v is number => v !== null);
  const ratios = points
    .filter((p) => p.indirect !== null && p.ratioTotal !== null && p.ratioTotal !== 0)
    .map((p) => Math.abs(p.indirect! / p.ratioTotal!));
  const t = totals.map((p) => p.total!);
  const excludes = totals.filter((p) => p.totalCi && (p.totalCi[0] > 0 || p.totalCi[1] < 0)).length;
  const withCi = totals.filter((p) => p.totalCi).length;
  return {
    family: name,
    specifications: points.length,
    totalMin: t.length ? Math.min(...t) : null,
    totalMax: t.length ? Math.max(...t) : null,
    totalSharePositive: t.length ? t.filter((v) => v > 0).length / t.length : null,
    totalShareCiExcludesZero: withCi ? excludes / withCi : null,
    indirectMin: indirects.length ? Math.min(...indirects) : null,
    indirectMax: indirects.length ? Math.max(...indirects) : null,
    indirectSharePositive: indirects.length ? indirects.filter((v) => v > 0).length / indirects.length : null,
    medianAbsIndirectToTotal: median(ratios),
  };
}

/**
 * A variant whose design moves less than this share of the base cell's treated rows, mediator values and
 * outcome values tests (almost) nothing: the report says so beside the family's claim of robustness
 * (docs/report.md, "Robustness grid").
 */
export const DESIGN_UNCHANGED_SHARE = 0.01;

/** A variant that moves less than DESIGN_UNCHANGED_SHARE of the treated rows, the mediator and the outcome. */
export function unchangedDesign(c: { treated: number; mediator: number | null; outcome: number }): boolean {
  return c.treated < DESIGN_UNCHANGED_SHARE && (c.mediator ?? 0) < DESIGN_UNCHANGED_SHARE && c.outcome < DESIGN_UNCHANGED_SHARE;
}

/** The cell's bucketed fingerprint of A, M and Y (src/analysis/exploratory.ts writes it). */
type Fingerprint = FrameFingerprint;

function words(b64: string): Uint32Array {
  const buf = Buffer.from(b64, 'base64');
  const out = new Uint32Array(buf.length >> 2);
  for (let i = 0; i < out.length; i++) out[i] = buf.readUInt32LE(i * 4);
  return out;
}

function fingerprintOf(cell: CellResult): Fingerprint | null {
  const f = (cell.diagnostics as Record<string, unknown>).fingerprint as Fingerprint | undefined;
  return f && typeof f.buckets === 'number' ? f : null;
}

/**
 * Upper bounds on how much of the base cell's design a variant changes, from the bucketed fingerprints
 * (src/analysis/exploratory.ts): every row of a bucket whose hash or count differs may have changed;
 * buckets that agree are taken as unchanged (a hash collision could hide a change; with 32-bit sums it
 * is negligible).
 */
export function designChange(base: CellResult, variant: CellResult): { treated: number; mediator: number | null; outcome: number } | null {
  const fb = fingerprintOf(base);
  const fv = fingerprintOf(variant);
  if (!fb || !fv || fb.buckets !== fv.buckets) return null;
  const rowsB = words(fb.bucketRows);
  const rowsV = words(fv.bucketRows);
  const trB = words(fb.bucketTreated);
  const trV = words(fv.bucketTreated);
  const hB = words(fb.treated);
  const hV = words(fv.treated);
  const share = (bHash: string | null, vHash: string | null): number | null => {
    if (bHash === null || vHash === null) return bHash === vHash ? null : 1;
    const b = words(bHash);
    const v = words(vHash);
    let changed = 0;
    for (let k = 0; k < fb.buckets; k++) {
      if (b[k] !== v[k] || rowsB[k] !== rowsV[k]) changed += rowsB[k] === rowsV[k] ? rowsB[k] : rowsB[k] + rowsV[k];
    }
    return fb.rows ? Math.min(1, changed / fb.rows) : 1;
  };
  let treatedChanged = 0;
  for (let k = 0; k < fb.buckets; k++) if (hB[k] !== hV[k] || trB[k] !== trV[k]) treatedChanged += trB[k] + trV[k];
  return {
    treated: fb.treatedRows ? Math.min(1, treatedChanged / fb.treatedRows) : 1,
    mediator: share(fb.mediator, fv.mediator),
    outcome: share(fb.outcome, fv.outcome) ?? 1,
  };
}

function pointOf(total: EstimatorEntry | undefined, indirect: EstimatorEntry | undefined): Point {
  const t = total ? firstEstimate(total, TOTAL_KEYS) : null;
  const i = indirect ? firstEstimate(indirect, INDIRECT_KEYS) : null;
  const it = indirect ? firstEstimate(indirect, TOTAL_KEYS) : null;
  return {
    total: t?.value.estimate ?? null,
    totalCi: t?.value.ci ?? null,
    indirect: i?.value.estimate ?? null,
    ratioTotal: it?.value.estimate ?? null,
  };
}

export function robustnessFamilies(cells: CellResult[], opts: RobustnessOptions = {}): RobustnessFamily[] {
  if (cells.length === 0) return [];
  const base = cells.find((c) => c.id === opts.baseCellId) ?? cells[0]!;
  const axes = opts.axes ?? [...new Set(cells.flatMap((c) => Object.keys(c.axes)))];
  const pick = pickers(opts);
  const ok = cells.filter((c) => c.status === 'ok');
  const out: RobustnessFamily[] = axes.map((axis) => {
    const members = ok.filter((c) => sameExcept(c.axes, base.axes, axis));
    const f = family(axis, members.map((c) => pointOf(pick.total(c), pick.indirect(c))));
    const changes = members
      .filter((c) => c.id !== base.id)
      .map((c) => ({ cellId: c.id, change: designChange(base, c) }))
      .filter((x): x is { cellId: string; change: NonNullable<ReturnType<typeof designChange>> } => x.change !== null)
      .map((x) => ({ cellId: x.cellId, ...x.change }));
    return changes.length ? { ...f, designChange: changes } : f;
  });
  if (opts.estimatorFamily && base.status === 'ok') {
    const points = primaryEstimators(base)
      .filter((e) => e.status === 'ok' && firstEstimate(e, TOTAL_KEYS))
      .map((e) => pointOf(e, isMediation(e) ? e : undefined));
    out.push(family('estimators', points));
  }
  return out;
}

/**
 * Specification-curve data: every ok cell's estimate of one estimator/estimand, sorted ascending (ties by
 * cell id), with the cell's axis choices for the panel under the curve.
 */
export function specificationCurve(
  cells: CellResult[],
  opts: { estimator: string; estimand?: string; axes?: string[] },
): SpecificationCurve | null {
  const axes = opts.axes ?? [...new Set(cells.flatMap((c) => Object.keys(c.axes)))];
  let estimand = opts.estimand;
  const points: SpecificationCurve['points'] = [];
  for (const c of cells) {
    if (c.status !== 'ok') continue;
    const est = primaryEstimators(c).find((e) => e.id === opts.estimator && e.status === 'ok');
    if (!est) continue;
    const found = firstEstimate(est, estimand ? [estimand] : TOTAL_KEYS);
    if (!found) continue;
    estimand ??= found.key;
    points.push({ cellId: c.id, axes: c.axes, estimate: found.value.estimate!, ci: found.value.ci ?? null });
  }
  if (points.length === 0 || !estimand) return null;
  points.sort((a, b) => a.estimate - b.estimate || (a.cellId < b.cellId ? -1 : a.cellId > b.cellId ? 1 : 0));
  return { estimator: opts.estimator, estimand, axes, points };
}

/**
 * The results `summary` from the cells alone: the headline (the base cell — `baseCellId`, else the first
 * ok cell — with the given or first estimator that has a total effect), one robustness family per grid
 * axis and the specification curve of that estimator.
 */
export function summarizeCells(
  cells: CellResult[],
  opts: { estimator?: string; gridAxes?: string[]; baseCellId?: string } = {},
): ResultsSummary {
  const counts = { total: cells.length, ok: 0, failed: 0, skipped: 0 };
  for (const c of cells) counts[c.status] += 1;
  const ok = cells.filter((c) => c.status === 'ok');
  const base = ok.find((c) => c.id === opts.baseCellId) ?? ok[0];
  let primary: ResultsSummary['primary'] = null;
  if (base) {
    const candidates = primaryEstimators(base).filter((e) => e.status === 'ok' && firstEstimate(e, TOTAL_KEYS));
    const chosen = (opts.estimator && candidates.find((e) => e.id === opts.estimator)) || candidates[0];
    if (chosen) primary = { estimator: chosen.id, estimand: firstEstimate(chosen, TOTAL_KEYS)!.key, cellId: base.id };
  }
  const axes = opts.gridAxes ?? [...new Set(cells.flatMap((c) => Object.keys(c.axes)))];
  return {
    primary,
    cells: counts,
    robustness: primary ? robustnessFamilies(cells, { axes, totalEstimator: primary.estimator, baseCellId: base?.id }) : [],
    specificationCurve: primary && ok.length > 1 ? specificationCurve(cells, { estimator: primary.estimator, estimand: primary.estimand, axes }) : null,
  };
}
