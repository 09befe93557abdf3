/**
 * What a cell costs to run, for scheduling: cells sharing a panel (panelKey) build their data and panel
 * once per process, and a rough cost estimate lets shards carry equal work instead of equal cell counts.
 *
 * The estimate is in arbitrary units, relative only to other cells: a linear or logistic fit is 1, a
 * gradient-boosted model 1 per 10 trees of depth 3 (scaled by depth), cross-fitting multiplies by the
 * folds (and repeats), `bootstrap: refit` by the replicates, and secondary outcomes, estimator variants
 * and refuters add their fits. It only has to order cells sensibly; docs/batch.md says so.
 */
import { contentHash } from '../spec/canonical.js';
import type { Cell } from '../spec/plan.js';

/** Cells with the same panel key build the same data and panel: hash of seed, data, events, days, history. */
export function panelKey(cell: Cell): string {
  const s = cell.spec as unknown as Record<string, unknown>;
  return contentHash({ seed: s.seed, data: s.data, events: s.events, days: s.days, history: s.history }, 16);
}

/** Building a panel, in the same units as estimator fits (charged once per panel group per process). */
export const PANEL_COST = 10;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown, dflt: number) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : dflt);

function modelCost(model: unknown): number {
  if (!isObj(model)) return 1;
  if (model.kind === 'gbm') return Math.max(1, (num(model.trees, 100) / 10) * (num(model.max_depth, 3) / 3));
  return 1;
}

/** Option keys of an estimator that name a model id (or hold an inline model). */
const MODEL_KEYS = ['propensity', 'outcome', 'mediator_model', 'outcome_model', 'model'];

function estimatorCost(est: Obj, models: Obj, reps: number): number {
  let fits = 0;
  for (const key of MODEL_KEYS) {
    const ref = est[key];
    if (ref === undefined) continue;
    fits += modelCost(typeof ref === 'string' ? models[ref] : ref);
  }
  fits = Math.max(fits, 1);
  const crossfit = isObj(est.crossfit) ? num(est.crossfit.folds, 1) * num(est.crossfit.repeats, 1) : 1;
  const once = fits * crossfit;
  // Fast replicates reuse sufficient statistics or scores: a small fraction of a fit each.
  return once * (est.bootstrap === 'refit' ? 1 + reps : 1 + reps / 100);
}

/** Relative cost of one cell's analysis (the panel excluded; see PANEL_COST). */
export function estimateCellCost(cell: Cell): number {
  const s = cell.spec as unknown as Obj;
  const models = isObj(s.models) ? s.models : {};
  const uncertainty = isObj(s.uncertainty) ? s.uncertainty : {};
  const boot = isObj(uncertainty.bootstrap) ? uncertainty.bootstrap : {};
  const reps = num(boot.reps, 200);
  const estimators = Array.isArray(s.estimators) ? s.estimators.filter(isObj) : [];
  const outcomes = isObj(s.outcomes) ? s.outcomes : {};
  const secondary = Array.isArray(outcomes.secondary) ? outcomes.secondary.length : 0;
  let total = 0;
  for (const est of estimators) {
    const variants = Array.isArray(est.variants) ? est.variants.length : 0;
    total += estimatorCost(est, models, reps) * (1 + secondary + variants);
  }
  const sensitivity = isObj(s.sensitivity) ? s.sensitivity : {};
  const refuters = Array.isArray(sensitivity.refuters) ? sensitivity.refuters.length : 0;
  total += refuters * num(sensitivity.refuter_reps, 10);
  return Math.max(total, 1);
}
