/**
 * The `gbm` learner: histogram gradient boosting behind the shared Learner interface.
 * `gbmLearner(options).fit(X, y, w?)` → GbmModel (predict: mean or P(y=1); predictRaw; importance).
 */
import type { ErrorLocation } from '../../errors.js';
import type { DesignMatrix, Learner } from '../ml/contracts.js';
import { fitGbm, GbmModel } from './booster.js';
import { resolveGbmOptions, type GbmOptions, type GbmParams } from './options.js';

export { GbmModel, fitGbm, sigmoid } from './booster.js';
export { binMatrix, binUppers, binOf, MISSING_BIN, type BinnedMatrix } from './binning.js';
export { GBM_DEFAULTS, resolveGbmOptions, type GbmLoss, type GbmOptions, type GbmParams } from './options.js';

export interface GbmLearner extends Learner {
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
    params,
    fit: (X, y, w) => fitGbm(X, y, params, w),
    with: (more) => gbmLearner({ ...options, ...more }, where),
  };
}
