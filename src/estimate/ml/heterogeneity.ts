/**
 * Heterogeneity from per-row cross-fitted effects (docs/seeds.md §003/§004): segments of pre-treatment
 * columns (tertiles by rank, explicit buckets, categories), AIPW segment effects with user-cluster
 * bootstrap CIs and a minimum-size filter, row-effect summaries per segment, and effect-moderator
 * importance from a model fitted to the AIPW pseudo-outcomes.
 */
import { CausewayError } from '../../errors.js';
import type { CategoricalColumn } from '../../data/table.js';
import { quantileSorted, sortedFinite } from '../../frame/quantile.js';
import { finiteOrNull } from '../linalg.js';
import type { DesignMatrix, Learner } from '../types.js';
import type { AipwRows } from './ate.js';
import { scoreBootstrap, usersOf } from './common.js';

/** One way of cutting the rows into segments: a label index per row (−1 = in no segment). */
export interface Segmentation {
  type: string;
  labels: string[];
  code: Int32Array;
}

type SegmentRule =
  | { tertiles: true }
  | { quantiles: number; edges?: 'rank' | 'value' }
  | { buckets: number[] }; // interior cut points: (-inf, b0], (b0, b1], …, (bk, inf)

/** Appended to a segment's label when it is below the size filter (src/analysis/heterogeneity.ts); the report's figure leaves such segments out. */
export const BELOW_SIZE_FILTER = ' (below size filter)';

/** pandas' _round_frac: `precision` digits after the leading zeros of a fraction, else after the point. */
function roundFrac(x: number, precision: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const whole = Math.trunc(x);
  const digits = whole === 0 ? -Math.floor(Math.log10(Math.abs(x - whole))) - 1 + precision : precision;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Bins at value quantiles, as pandas `qcut(x, q, duplicates='drop')` (docs/seeds.md §003's segment
 * buckets): edges at the q-quantiles (linear interpolation), repeated edges dropped, intervals closed on the
 * right with the lowest value in the first; labels as pandas prints them ("(-0.001, 36.0]": the first edge
 * lowered by 10^-precision, the precision the smallest from 3 that keeps the labels distinct).
 */
function valueQuantileSegments(type: string, values: Float64Array, q: number): Segmentation {
  const sorted = sortedFinite(values);
  const code = new Int32Array(values.length).fill(-1);
  if (sorted.length === 0) return { type, labels: [], code };
  const edges: number[] = [];
  for (let k = 0; k <= q; k++) {
    const e = quantileSorted(sorted, k / q);
    if (edges.length === 0 || e !== edges[edges.length - 1]) edges.push(e);
  }
  if (edges.length === 1) edges.push(edges[0]); // a constant column: one bin holding every value
  let precision = 3;
  for (; precision < 20; precision++) {
    const rounded = edges.map((e) => roundFrac(e, precision));
    if (new Set(rounded).size === rounded.length) break;
  }
  const shown = edges.map((e) => roundFrac(e, precision));
  shown[0] -= 10 ** -precision;
  const labels: string[] = [];
  for (let k = 1; k < edges.length; k++) labels.push(`(${fmt(shown[k - 1])}, ${fmt(shown[k])}]`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    let k = 1;
    while (k < edges.length - 1 && v > edges[k]) k++;
    code[i] = k - 1;
  }
  return { type, labels, code };
}

function fmt(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(Number(v.toPrecision(6)));
}

/**
 * Numeric segments. Tertiles / quantiles by rank with ties in row order (pandas
 * qcut(x.rank(method='first'), q), as docs/seeds.md §004): equal-count groups whatever the ties. Labels show
 * each group's value range. Buckets use explicit cut points (right-closed). Missing values: no segment.
 */
export function numericSegments(type: string, values: Float64Array, rule: SegmentRule): Segmentation {
  const n = values.length;
  const code = new Int32Array(n).fill(-1);
  if ('buckets' in rule) {
    const cuts = [...rule.buckets].sort((a, b) => a - b);
    const labels: string[] = [];
    for (let k = 0; k <= cuts.length; k++) {
      const lo = k === 0 ? '-inf' : fmt(cuts[k - 1]);
      const hi = k === cuts.length ? 'inf' : fmt(cuts[k]);
      labels.push(`(${lo}, ${hi}]`);
    }
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v !== v) continue;
      let k = 0;
      while (k < cuts.length && v > cuts[k]) k++;
      code[i] = k;
    }
    return { type, labels, code };
  }
  const q = 'tertiles' in rule ? 3 : rule.quantiles;
  if (!Number.isInteger(q) || q < 2) throw new CausewayError('HETEROGENEITY_BAD_RULE', `segments of ${type}: quantiles must be an integer ≥ 2`);
  if ('quantiles' in rule && rule.edges === 'value') return valueQuantileSegments(type, values, q);
  const present: number[] = [];
  for (let i = 0; i < n; i++) if (values[i] === values[i]) present.push(i);
  present.sort((a, b) => values[a] - values[b] || a - b);
  const m = present.length;
  const lo = new Array<number>(q).fill(Infinity);
  const hi = new Array<number>(q).fill(-Infinity);
  for (let r = 0; r < m; r++) {
    // rank r+1 of m in group k: pandas' qcut on ranks 1..m puts rank t in the bin whose edges bracket it.
    const k = Math.min(q - 1, Math.floor((r * q) / m));
    const i = present[r];
    code[i] = k;
    lo[k] = Math.min(lo[k], values[i]);
    hi[k] = Math.max(hi[k], values[i]);
  }
  const names = q === 3 ? ['low', 'medium', 'high'] : Array.from({ length: q }, (_, k) => `q${k + 1}`);
  const labels = names.map((name, k) => (lo[k] <= hi[k] ? `${name} [${fmt(lo[k])}, ${fmt(hi[k])}]` : name));
  return { type, labels, code };
}

/** Categorical segments; missing (code −1) becomes its own "missing" segment, as pandas' fillna. */
export function categoricalSegments(type: string, column: CategoricalColumn): Segmentation {
  const labels = [...column.levels];
  let missing = -1;
  const code = Int32Array.from(column.codes, (c) => {
    if (c >= 0) return c;
    if (missing < 0) {
      missing = labels.length;
      labels.push('missing');
    }
    return missing;
  });
  return { type, labels, code };
}

export interface SegmentEffect {
  segment_type: string;
  segment: string;
  rows: number;
  users: number;
  treatment_rate: number | null;
  observed_outcome_mean: number | null;
  aipw_ate: number | null;
  aipw_score_std: number | null;
  gcomp_component: number | null;
  mean_propensity: number | null;
  passes_size_filter: boolean;
  bootstrap_reps: number;
  bootstrap_mean: number | null;
  bootstrap_std: number | null;
  ci_95_lower: number | null;
  ci_95_upper: number | null;
}

interface SegmentOptions {
  /** Minimum rows and users for a segment to pass the size filter (default 200 rows, 20 users). */
  minRows?: number;
  minUsers?: number;
  /** User-cluster bootstrap of the segment means of the pseudo-outcomes (0 = none). */
  reps?: number;
  level?: number;
  seed: number;
  cellId: string;
}

/**
 * AIPW effects per segment (docs/seeds.md §003's table): the mean pseudo-outcome of the segment's rows, its
 * spread, the plug-in part mean(μ̂₁ − μ̂₀), and a bootstrap over users (the cell's replicates) for
 * segments passing the size filter.
 */
export function segmentEffects(
  data: { A: Float64Array; Y: Float64Array; cluster: Int32Array }, rows: AipwRows, segmentations: Segmentation[], options: SegmentOptions,
): SegmentEffect[] {
  const minRows = options.minRows ?? 200;
  const minUsers = options.minUsers ?? 20;
  const reps = options.reps ?? 0;
  const level = options.level ?? 0.95;
  const users = usersOf(data.cluster);
  const out: SegmentEffect[] = [];
  for (const seg of segmentations) {
    if (seg.code.length !== data.A.length) {
      throw new CausewayError('HETEROGENEITY_BAD_COLUMN', `segment column ${seg.type} has ${seg.code.length} rows, expected ${data.A.length}`);
    }
    for (let k = 0; k < seg.labels.length; k++) {
      const members: number[] = [];
      for (let i = 0; i < seg.code.length; i++) if (seg.code[i] === k) members.push(i);
      if (members.length === 0) continue;
      const idx = Int32Array.from(members);
      const userSet = new Set<number>();
      let treated = 0;
      let y = 0;
      let psi = 0;
      let plug = 0;
      let e = 0;
      for (const i of idx) {
        userSet.add(data.cluster[i]);
        treated += data.A[i];
        y += data.Y[i];
        psi += rows.psi[i];
        plug += rows.mu1[i] - rows.mu0[i];
        e += rows.propensity[i];
      }
      const m = idx.length;
      const ate = psi / m;
      let ss = 0;
      for (const i of idx) ss += (rows.psi[i] - ate) ** 2;
      const passes = m >= minRows && userSet.size >= minUsers;
      const boot = passes && reps > 0
        ? scoreBootstrap([rows.psi], users, idx, reps, level, options.seed, options.cellId)[0]
        : { reps: 0, ci: null, bootMean: null, bootSd: null };
      out.push({
        segment_type: seg.type,
        segment: seg.labels[k],
        rows: m,
        users: userSet.size,
        treatment_rate: finiteOrNull(treated / m),
        observed_outcome_mean: finiteOrNull(y / m),
        aipw_ate: finiteOrNull(ate),
        aipw_score_std: m > 1 ? finiteOrNull(Math.sqrt(ss / (m - 1))) : null,
        gcomp_component: finiteOrNull(plug / m),
        mean_propensity: finiteOrNull(e / m),
        passes_size_filter: passes,
        bootstrap_reps: boot.reps,
        bootstrap_mean: boot.bootMean,
        bootstrap_std: boot.bootSd,
        ci_95_lower: boot.ci ? boot.ci[0] : null,
        ci_95_upper: boot.ci ? boot.ci[1] : null,
      });
    }
  }
  return out;
}

interface RowEffectSummary {
  segment: string;
  segment_value: string;
  user_days: number;
  users: number;
  total_effect: number | null;
  direct_effect: number | null;
  indirect_effect: number | null;
  mediator_shift: number | null;
}

/** Seed 004's heterogeneity table: means of per-row cross-fitted mediation effects by segment. */
export function summarizeRowEffects(
  cluster: Int32Array, effects: { iteTotal: Float64Array; iteDirect: Float64Array; iteIndirect: Float64Array; m0: Float64Array; m1: Float64Array },
  segmentations: Segmentation[],
): RowEffectSummary[] {
  const out: RowEffectSummary[] = [];
  for (const seg of segmentations) {
    const k = seg.labels.length;
    const count = new Float64Array(k);
    const total = new Float64Array(k);
    const direct = new Float64Array(k);
    const indirect = new Float64Array(k);
    const shift = new Float64Array(k);
    const users = Array.from({ length: k }, () => new Set<number>());
    for (let i = 0; i < seg.code.length; i++) {
      const c = seg.code[i];
      if (c < 0) continue;
      count[c]++;
      total[c] += effects.iteTotal[i];
      direct[c] += effects.iteDirect[i];
      indirect[c] += effects.iteIndirect[i];
      shift[c] += effects.m1[i] - effects.m0[i];
      users[c].add(cluster[i]);
    }
    for (let c = 0; c < k; c++) {
      if (count[c] === 0) continue;
      out.push({
        segment: seg.type, segment_value: seg.labels[c], user_days: count[c], users: users[c].size,
        total_effect: finiteOrNull(total[c] / count[c]), direct_effect: finiteOrNull(direct[c] / count[c]),
        indirect_effect: finiteOrNull(indirect[c] / count[c]), mediator_shift: finiteOrNull(shift[c] / count[c]),
      });
    }
  }
  return out;
}

export interface ModeratorImportance {
  feature: string;
  importance: number;
  importance_share: number | null;
  splits: number;
}

/**
 * Effect-moderator importance (docs/seeds.md §003): fit a model (gbm) to the AIPW pseudo-outcomes on the
 * pre-treatment covariates and rank the covariates by total split gain.
 */
export function moderatorImportance(X: DesignMatrix, pseudoOutcome: Float64Array, learner: Learner): ModeratorImportance[] {
  const model = learner.fit(X, pseudoOutcome);
  if (!model.importance) {
    throw new CausewayError('HETEROGENEITY_NO_IMPORTANCE', 'the effect-moderator model has no feature importance: use kind gbm');
  }
  const imp = model.importance();
  const total = imp.reduce((s, f) => s + f.gain, 0);
  return imp
    .map((f) => ({ feature: f.feature, importance: f.gain, importance_share: total > 0 ? f.gain / total : null, splits: f.splits }))
    .sort((a, b) => b.importance - a.importance || a.feature.localeCompare(b.feature));
}

export interface HeterogeneitySpec {
  /** Segment columns (frame.extra numeric or categorical, or a covariate) and how to cut numeric ones (default tertiles). */
  by: Record<string, { tertiles?: boolean; quantiles?: number; buckets?: number[] } | null>;
  min_rows?: number;
  min_users?: number;
}

/** Segmentations of the frame's rows for the `by:` entries of a heterogeneity spec. */
export function segmentationsFor(
  frame: { n: number; extra: { numeric: Record<string, Float64Array>; categorical: Record<string, CategoricalColumn> }; X: DesignMatrix },
  by: HeterogeneitySpec['by'],
): Segmentation[] {
  const out: Segmentation[] = [];
  for (const [column, rule] of Object.entries(by)) {
    const categorical = frame.extra.categorical[column];
    if (categorical) {
      out.push(categoricalSegments(column, categorical));
      continue;
    }
    let values = frame.extra.numeric[column];
    if (!values) {
      const j = frame.X.names.indexOf(column);
      if (j >= 0) values = frame.X.data.subarray(j * frame.X.rows, (j + 1) * frame.X.rows);
    }
    if (!values) {
      throw new CausewayError('HETEROGENEITY_MISSING_COLUMN', `heterogeneity: no column "${column}" in the analysis frame`, { kind: 'none' },
        'segment columns must be pre-treatment population columns or covariates');
    }
    const r = rule ?? {};
    const segRule: SegmentRule = r.buckets ? { buckets: r.buckets } : r.quantiles ? { quantiles: r.quantiles } : { tertiles: true };
    const type = r.buckets ? `${column}_bucket` : r.quantiles ? `${column}_q${r.quantiles}` : `${column}_tertile`;
    out.push(numericSegments(type, values, segRule));
  }
  return out;
}
