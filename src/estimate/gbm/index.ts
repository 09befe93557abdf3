/**
 * The `gbm` learner: histogram gradient boosting behind the shared Learner interface.
 * `gbmLearner(options).fit(X, y, w?)` → GbmModel (predict: mean or P(y=1); predictRaw; importance).
 * The learner registry (src/estimate/learners.ts) lists it as kind 'gbm'.
 */
import type { ErrorLocation } from '../../errors.js';
import type { Rng } from '../../rng.js';
import type { DesignMatrix, Learner, ModelSpec } from '../types.js';
import { fitGbm, GbmModel } from './booster.js';
import { resolveGbmOptions, type GbmOptions, type GbmParams } from './options.js';

export { GbmModel, fitGbm, sigmoid } from './booster.js';
export { binMatrix, binUppers, binOf, MISSING_BIN, type BinnedMatrix } from './binning.js';
export { GBM_DEFAULTS, resolveGbmOptions, type GbmLoss, type GbmOptions, type GbmParams } from './options.js';

interface GbmLearner extends Learner {
  readonly kind: 'gbm';
  readonly params: GbmParams;
  fit(X: DesignMatrix, y: Float64Array, w?: Float64Array): GbmModel;
  /** The same learner with some options changed (e.g. loss: 'logistic' for a propensity model). */
  with(options: GbmOptions): GbmLearner;
}

/** Options as in a spec's `models:` entry (snake_case); `where` locates errors in the spec. */
export function gbmLearner(options: GbmOptions = {}, where?: ErrorLocation): GbmLearner {
  const params = resolveGbmOptions(options, where);
  return {
    kind: 'gbm',
    task: params.loss === 'logistic' ? 'classification' : 'regression',
    params,
    fit: (X, y, w) => fitGbm(X, y, params, w),
    with: (more) => gbmLearner({ ...options, ...more }, where),
  };
}

/**
 * Learner from a model spec ({ kind: 'gbm', trees, … }). Without an explicit `seed`, the sampling
 * seed is drawn from `rng` (keyed by spec seed, cell and purpose by the caller).
 */
export function gbmFromSpec(spec: ModelSpec, rng: Rng): GbmLearner {
  const { kind: _kind, ...options } = spec;
  const seed = options.seed ?? rng.nextUint32();
  return gbmLearner({ ...(options as GbmOptions), seed: seed as number | string });
}
