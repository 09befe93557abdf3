/**
 * Descriptive tables of the mediation design (docs/seeds.md §002), each computed on the analysis frame's
 * rows: the treatment, mediator and outcomes by arm (`group_summary`), the rank correlations along the
 * pathway A → M → Y (`pathway_correlations`) and the quality of each covariate before imputation
 * (`covariate_quality`). They describe the data; none of them adjusts for anything.
 */
import type { AnalysisFrame } from '../estimate/types.js';
import { finiteOrNull, mapRows, spearman } from '../estimate/linalg.js';
import { categoricalCovariateLabels, categoricalLevels, expandCovariateNames, numericCovariateValues } from '../frame/index.js';
import { quantileSorted, sortedFinite } from '../frame/quantile.js';
import type { CovariateQualityRow, GroupSummary, PathwayCorrelation } from '../results/index.js';
import type { ExploratoryPanel } from './exploratory.js';
import type { AnalysisSettings } from './settings.js';

/** The treatment measure's value on each frame row (null when the panel is not at hand). */
function measureOnRows(frame: AnalysisFrame, panel: ExploratoryPanel): Float64Array | null {
  const col = panel.table?.numeric[frame.definitions.treatment.measure];
  return col ? mapRows(frame.rows.length, (k) => col[frame.rows[k]]!) : null;
}

function armMeans(values: Float64Array, A: Float64Array): { control: number | null; treated: number | null } {
  const sum = [0, 0];
  const count = [0, 0];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    const arm = A[i]! > 0 ? 1 : 0;
    sum[arm] += v;
    count[arm]++;
  }
  return { control: count[0] ? sum[0]! / count[0]! : null, treated: count[1] ? sum[1]! / count[1]! : null };
}

/**
 * Rows, users and the means of the treatment measure, M, Y and each secondary outcome per arm, with the
 * treated-minus-control difference of each mean (a secondary outcome's mean over the rows that have it).
 */
export function groupSummary(frame: AnalysisFrame, panel: ExploratoryPanel): GroupSummary {
  const defs = frame.definitions;
  const rows = { control: 0, treated: 0 };
  const users = [new Set<number>(), new Set<number>()];
  for (let i = 0; i < frame.n; i++) {
    const arm = frame.A[i]! > 0 ? 1 : 0;
    if (arm) rows.treated++;
    else rows.control++;
    users[arm]!.add(frame.cluster[i]!);
  }
  const variables: Array<[string, string, Float64Array | null]> = [
    ['A measure', defs.treatment.measure, measureOnRows(frame, panel)],
    ['M', defs.mediator ?? '', frame.M],
    ['Y', defs.outcome, frame.Y],
    ...defs.secondary.map((s) => ['secondary outcome', s, frame.secondary[s] ?? null] as [string, string, Float64Array | null]),
  ];
  const means = variables
    .filter((v): v is [string, string, Float64Array] => v[2] !== null && v[1] !== '')
    .map(([role, name, values]) => {
      const { control, treated } = armMeans(values, frame.A);
      return { role, name, control, treated, difference: control !== null && treated !== null ? treated - control : null };
    });
  return { rows, users: { control: users[0]!.size, treated: users[1]!.size }, means };
}

/**
 * Spearman correlations (average ranks for ties, as pandas' corr(method="spearman")) of A with M, A with
 * Y, M with Y, and of the treatment measure with M and with Y, over the frame's rows.
 */
export function pathwayCorrelations(frame: AnalysisFrame, panel: ExploratoryPanel): PathwayCorrelation[] {
  const defs = frame.definitions;
  const measure = measureOnRows(frame, panel);
  const pairs: Array<[string, string, Float64Array | null, string, Float64Array | null]> = [
    ['A with M', defs.treatment.name, frame.A, defs.mediator ?? '', frame.M],
    ['A with Y', defs.treatment.name, frame.A, defs.outcome, frame.Y],
    ['M with Y', defs.mediator ?? '', frame.M, defs.outcome, frame.Y],
    ['A measure with M', defs.treatment.measure, measure, defs.mediator ?? '', frame.M],
    ['A measure with Y', defs.treatment.measure, measure, defs.outcome, frame.Y],
  ];
  return pairs
    .filter((p): p is [string, string, Float64Array, string, Float64Array] => p[2] !== null && p[4] !== null)
    .map(([relationship, x, xs, y, ys]) => ({ relationship, x, y, rows: xs.length, spearman: finiteOrNull(spearman(xs, ys)) }));
}

/** Sample standard deviation (ddof 1) of the finite values, as pandas' std(skipna=True). */
function sampleSd(values: Float64Array): number | null {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    n++;
    const d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
  }
  return n > 1 ? Math.sqrt(m2 / (n - 1)) : null;
}

/**
 * Per covariate the spec names (globs expanded as the frame expands them), over the frame's rows before
 * imputation: missing rate, distinct non-missing values, standard deviation (numeric), whether it is
 * constant, how its missing values were filled, and how many columns it gives the design matrix (0: it
 * was dropped as constant). Sorted as the seed sorts it: most missing first, then fewest distinct values.
 */
export function covariateQuality(settings: AnalysisSettings, frame: AnalysisFrame, panel: ExploratoryPanel): CovariateQualityRow[] {
  const table = panel.table;
  if (!table) return [];
  const names = expandCovariateNames(table, settings.definitions.covariates);
  const design = new Set(frame.X.names);
  const n = frame.n;
  const out: CovariateQualityRow[] = [];
  for (const name of names.numeric) {
    const all = numericCovariateValues(table, name);
    const values = mapRows(frame.rows.length, (k) => all[frame.rows[k]]!);
    const sorted = sortedFinite(values);
    const missing = n - sorted.length;
    let distinct = 0;
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
    const median = sorted.length ? quantileSorted(sorted, 0.5) : null;
    out.push({
      covariate: name, type: 'numeric', rows: n, missing, missingRate: n ? missing / n : 0, distinct, std: sampleSd(values),
      // after median imputation a column is constant when its observed values are (or none is observed)
      constant: distinct <= 1,
      imputation: missing === 0 ? 'none' : median === null ? 'none (every value missing)' : 'median',
      imputedValue: missing > 0 ? median : null,
      designColumns: design.has(name) ? 1 : 0,
    });
  }
  for (const name of names.categorical) {
    const labels = categoricalCovariateLabels(table, name, frame.rows);
    let missing = 0;
    for (const l of labels) if (l === 'missing') missing++;
    const levels = categoricalLevels(labels);
    const observed = levels.filter((l) => l !== 'missing').length;
    out.push({
      covariate: name, type: 'categorical', rows: n, missing, missingRate: n ? missing / n : 0, distinct: observed, std: null,
      constant: levels.length <= 1,
      imputation: missing === 0 ? 'none' : 'level "missing"',
      imputedValue: null,
      designColumns: levels.slice(1).filter((l) => design.has(`${name}_${l}`)).length,
    });
  }
  // Array.prototype.sort is stable: ties keep the spec's order
  return out.sort((a, b) => b.missingRate - a.missingRate || a.distinct - b.distinct);
}
