/**
 * Checks a cell's analysis frame before anything is estimated on it. Every interval causeway reports
 * is clustered by user (cluster bootstrap, cluster-robust SEs, cross-fitting folds by user), so a frame
 * with fewer users than `MIN_CLUSTERS` cannot give an honest interval: a one-user sample resamples
 * the same user every time and reports a zero-width interval as if it were precise. Such a frame, and
 * an empty one, fails the cell with a clear reason instead (docs/limits.md). An arm that rests on few
 * users is a warning; an empty arm is already one (src/frame/index.ts), and each estimator fails on it.
 */
import { CausewayError } from '../errors.js';
import type { AnalysisFrame } from './types.js';

/** Fewest distinct users (clusters) an analysis frame must have. */
export const MIN_CLUSTERS = 10;

function distinct(values: Int32Array, keep?: (i: number) => boolean): number {
  const seen = new Set<number>();
  for (let i = 0; i < values.length; i++) if (!keep || keep(i)) seen.add(values[i]);
  return seen.size;
}

/** Throws a CausewayError that fails the cell for a degenerate design; returns warnings otherwise. */
export function checkDesign(frame: AnalysisFrame, populationRule?: string): string[] {
  const rule = populationRule ? ` (${populationRule})` : '';
  if (frame.definitions.populationRows === 0) {
    throw new CausewayError('DESIGN_EMPTY_POPULATION', `the population${rule} keeps no user-day`, { kind: 'none' }, 'loosen the population rule or widen data.sample');
  }
  if (frame.n === 0) {
    throw new CausewayError('DESIGN_EMPTY_POPULATION',
      `the analysis frame is empty: none of the ${frame.definitions.populationRows} population rows${rule} has a treatment, mediator and outcome value`,
      { kind: 'none' }, 'is the outcome window past the end of the data?');
  }
  const users = distinct(frame.cluster);
  if (users < MIN_CLUSTERS) {
    throw new CausewayError('DESIGN_TOO_FEW_CLUSTERS',
      `the analysis frame holds ${users} user${users === 1 ? '' : 's'}; intervals clustered by user need at least ${MIN_CLUSTERS}`,
      { kind: 'none' }, 'widen data.sample (a smaller modulus) or the population');
  }
  const warnings: string[] = [];
  const treatedUsers = distinct(frame.cluster, (i) => frame.A[i] === 1);
  const controlUsers = distinct(frame.cluster, (i) => frame.A[i] === 0);
  for (const [arm, k] of [['treated', treatedUsers], ['control', controlUsers]] as const) {
    if (k > 0 && k < MIN_CLUSTERS) warnings.push(`the ${arm} arm holds rows of only ${k} user${k === 1 ? '' : 's'} (fewer than ${MIN_CLUSTERS}): its intervals rest on few clusters`);
  }
  return warnings;
}
