/**
 * The run folder's crossfit_folds.csv: which fold predicted each user's rows, for every cross-fitted
 * estimator of every cell, so a re-analysis elsewhere (scikit-learn's GroupKFold gives the same split 0:
 * docs/gbm.md) can reuse the exact folds. The assignments travel in CellResult.crossfitFolds (through
 * the cache and shards) and are kept out of results.json, where they would be one row per user per
 * estimator per split per cell.
 */
import type { CellResult } from '../results/index.js';

export const CROSSFIT_FOLDS_FILE = 'crossfit_folds.csv';

/** The cell as results.json holds it: without its fold assignments. */
export function withoutCrossfitFolds(cell: CellResult): CellResult {
  if (!('crossfitFolds' in cell)) return cell;
  const { crossfitFolds: _folds, ...rest } = cell;
  return rest;
}

function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * CSV text (CRLF lines, as tables/*.csv) with columns cell, estimator, outcome (empty for the primary
 * outcome), repeat, user_id, fold; repeat and fold count from 1 (fold k is GroupKFold's test fold k − 1;
 * repeat 1 is the GroupKFold split, repeats 2.. the random splits of crossfit.repeats). Null when no
 * cell has a cross-fitted estimator.
 */
export function crossfitFoldsCsv(cells: CellResult[]): string | null {
  const lines = ['cell,estimator,outcome,repeat,user_id,fold'];
  for (const cell of cells) {
    for (const entry of cell.crossfitFolds ?? []) {
      const prefix = `${field(cell.id)},${field(entry.estimator)},${field(entry.outcome ?? '')},`;
      entry.splits.forEach((folds, s) => {
        for (let u = 0; u < entry.users.length; u++) lines.push(`${prefix}${s + 1},${entry.users[u]},${folds[u] + 1}`);
      });
    }
  }
  return lines.length > 1 ? lines.join('\r\n') + '\r\n' : null;
}
