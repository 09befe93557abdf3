/**
 * Options of the `gbm` learner as written in a spec (snake_case), their schema, defaults and checks.
 */
import { CausewayError, type ErrorLocation } from '../../errors.js';

export type GbmLoss = 'squared_error' | 'logistic';

export interface GbmOptions {
  /** Boosting rounds. */
  trees?: number;
  /** Maximum tree depth (root = depth 0); trees grow level-wise as XGBoost's `hist` depthwise policy. */
  max_depth?: number;
  learning_rate?: number;
  /** Share of rows drawn (Bernoulli per row) for each tree. */
  subsample?: number;
  /** Share of features drawn (without replacement) for each tree. */
  colsample?: number;
  /** Minimum hessian sum per child (XGBoost min_child_weight). */
  min_child_weight?: number;
  /** Minimum (sampled) rows per child. */
  min_samples_leaf?: number;
  /** L2 penalty on leaf values (XGBoost reg_lambda). */
  lambda?: number;
  /** Minimum loss reduction to split (XGBoost gamma). */
  min_split_gain?: number;
  max_bins?: number;
  loss?: GbmLoss;
  /** Seed key of the row/column sampling; the same seed and inputs give the same model bit for bit. */
  seed?: number | string;
  /** Leaf-wise (best-first) growth to at most this many leaves per tree, as LightGBM's num_leaves. */
  num_leaves?: number;
  /** LightGBM's name for the minimum rows per leaf (min_samples_leaf); leaf-wise default 20. */
  min_data_in_leaf?: number;
}

export interface GbmParams {
  trees: number;
  maxDepth: number;
  learningRate: number;
  subsample: number;
  colsample: number;
  minChildWeight: number;
  minSamplesLeaf: number;
  lambda: number;
  minSplitGain: number;
  maxBins: number;
  loss: GbmLoss;
  seed: number | string;
  /** Set: leaf-wise growth to at most this many leaves (depth bounded by maxDepth only when max_depth is given). */
  numLeaves?: number;
  /** Internal (not a spec option): false builds both children from rows, for tests of the subtraction trick. */
  histogramSubtraction?: boolean;
}

/**
 * The options a spec's `kind: gbm` model may set, as JSON Schema fragments: the one declaration the spec
 * schema's gbm model branch is written from (scripts/gen-estimator-schema.mjs, checked by
 * test/gbm/gbm.test.ts) and GBM_DEFAULTS are read from. 100 trees, depth 3, learning rate 0.1; the rest as
 * XGBoost (lambda 1, min_child_weight 1, no subsampling, 255 bins + missing). `loss` and `seed` are set by
 * the estimators (a propensity role takes loss logistic; the seed comes from the spec seed and the cell).
 */
const GBM_SPEC_OPTIONS = {
  trees: { type: 'integer', minimum: 1, maximum: 100000, default: 100, description: 'Boosting rounds.' },
  max_depth: { type: 'integer', minimum: 1, maximum: 16, default: 3, description: 'Maximum tree depth; trees grow level-wise (XGBoost hist, depthwise).' },
  learning_rate: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.1, description: "Shrinkage of every tree's leaf values." },
  subsample: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 1, description: 'Share of rows drawn per tree (Bernoulli per row, seeded).' },
  colsample: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 1, description: 'Share of features drawn per tree (seeded).' },
  min_child_weight: { type: 'number', minimum: 0, default: 1, description: 'Minimum hessian sum in a child (rows for squared error without weights).' },
  min_samples_leaf: { type: 'integer', minimum: 1, maximum: 1_000_000_000, default: 1, description: 'Minimum sampled rows in a child.' },
  lambda: { type: 'number', minimum: 0, default: 1, description: 'L2 penalty on leaf values.' },
  max_bins: { type: 'integer', minimum: 2, maximum: 255, default: 255, description: 'Histogram bins per feature (missing values get one more).' },
  min_split_gain: { type: 'number', minimum: 0, default: 0, description: "Minimum loss reduction to make a split (XGBoost's gamma)." },
  // No schema defaults for the leaf-wise options: a default would enter every gbm model of every resolved
  // spec (src/spec/load.ts) and switch it to leaf-wise growth.
  num_leaves: {
    type: 'integer', minimum: 2, maximum: 4096,
    description: 'Grow trees leaf-wise (best-first, as LightGBM and XGBoost lossguide) to at most this many leaves; max_depth then bounds the depth only when given, and min_data_in_leaf defaults to 20 and min_child_weight to 0.001 (LightGBM). Unset: level-wise trees to max_depth.',
  },
  min_data_in_leaf: {
    type: 'integer', minimum: 1, maximum: 1_000_000_000,
    description: "LightGBM's name for min_samples_leaf (minimum sampled rows in a leaf); set one of the two. Default 20 with num_leaves, else min_samples_leaf's.",
  },
} as const;

export const GBM_DEFAULTS: GbmParams = {
  trees: GBM_SPEC_OPTIONS.trees.default,
  maxDepth: GBM_SPEC_OPTIONS.max_depth.default,
  learningRate: GBM_SPEC_OPTIONS.learning_rate.default,
  subsample: GBM_SPEC_OPTIONS.subsample.default,
  colsample: GBM_SPEC_OPTIONS.colsample.default,
  minChildWeight: GBM_SPEC_OPTIONS.min_child_weight.default,
  minSamplesLeaf: GBM_SPEC_OPTIONS.min_samples_leaf.default,
  lambda: GBM_SPEC_OPTIONS.lambda.default,
  minSplitGain: GBM_SPEC_OPTIONS.min_split_gain.default,
  maxBins: GBM_SPEC_OPTIONS.max_bins.default,
  loss: 'squared_error',
  seed: 0,
};

const KNOWN = new Set([...Object.keys(GBM_SPEC_OPTIONS), 'loss', 'seed', 'kind']);

/** The spec schema's `kind: gbm` model branch. */
export function gbmModelSchemaBranch(): Record<string, unknown> {
  return { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { const: 'gbm', description: 'Gradient-boosted trees (histogram splits, as XGBoost hist; docs/gbm.md); classification for propensity roles.' }, ...GBM_SPEC_OPTIONS } };
}

export function resolveGbmOptions(options: GbmOptions = {}, where: ErrorLocation = { kind: 'none' }): GbmParams {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new CausewayError('MODEL_UNKNOWN_OPTION', `gbm has no option "${key}"`, where,
      `known options: ${[...KNOWN].filter((k) => k !== 'kind').join(', ')}`);
  }
  const leafwise = options.num_leaves !== undefined;
  if (options.min_data_in_leaf !== undefined && options.min_samples_leaf !== undefined) {
    throw new CausewayError('MODEL_BAD_OPTION', 'gbm: set min_data_in_leaf or min_samples_leaf, not both (they are one option under two names)', where);
  }
  const p: GbmParams = {
    trees: options.trees ?? GBM_DEFAULTS.trees,
    // leaf-wise trees are bounded by their leaf count; a depth of num_leaves − 1 can never bind
    maxDepth: options.max_depth ?? (leafwise ? Math.max(1, options.num_leaves! - 1) : GBM_DEFAULTS.maxDepth),
    learningRate: options.learning_rate ?? GBM_DEFAULTS.learningRate,
    subsample: options.subsample ?? GBM_DEFAULTS.subsample,
    colsample: options.colsample ?? GBM_DEFAULTS.colsample,
    minChildWeight: options.min_child_weight ?? (leafwise ? 1e-3 : GBM_DEFAULTS.minChildWeight),
    minSamplesLeaf: options.min_data_in_leaf ?? options.min_samples_leaf ?? (leafwise ? 20 : GBM_DEFAULTS.minSamplesLeaf),
    lambda: options.lambda ?? GBM_DEFAULTS.lambda,
    minSplitGain: options.min_split_gain ?? GBM_DEFAULTS.minSplitGain,
    maxBins: options.max_bins ?? GBM_DEFAULTS.maxBins,
    loss: options.loss ?? GBM_DEFAULTS.loss,
    seed: options.seed ?? GBM_DEFAULTS.seed,
    ...(leafwise ? { numLeaves: options.num_leaves } : {}),
  };
  const check = (ok: boolean, name: string, rule: string, value: unknown) => {
    if (!ok) throw new CausewayError('MODEL_BAD_OPTION', `gbm option ${name} must be ${rule} (got ${JSON.stringify(value)})`, where);
  };
  check(Number.isInteger(p.trees) && p.trees >= 1 && p.trees <= 100000, 'trees', 'an integer in 1..100000', p.trees);
  if (options.max_depth !== undefined || !leafwise) check(Number.isInteger(p.maxDepth) && p.maxDepth >= 1 && p.maxDepth <= 16, 'max_depth', 'an integer in 1..16', p.maxDepth);
  if (leafwise) check(Number.isInteger(p.numLeaves) && p.numLeaves! >= 2 && p.numLeaves! <= 4096, 'num_leaves', 'an integer in 2..4096', p.numLeaves);
  check(p.learningRate > 0 && p.learningRate <= 1, 'learning_rate', 'in (0, 1]', p.learningRate);
  check(p.subsample > 0 && p.subsample <= 1, 'subsample', 'in (0, 1]', p.subsample);
  check(p.colsample > 0 && p.colsample <= 1, 'colsample', 'in (0, 1]', p.colsample);
  check(p.minChildWeight >= 0 && Number.isFinite(p.minChildWeight), 'min_child_weight', '≥ 0', p.minChildWeight);
  check(Number.isInteger(p.minSamplesLeaf) && p.minSamplesLeaf >= 1, 'min_samples_leaf', 'an integer ≥ 1', p.minSamplesLeaf);
  check(p.lambda >= 0 && Number.isFinite(p.lambda), 'lambda', '≥ 0', p.lambda);
  check(p.minSplitGain >= 0 && Number.isFinite(p.minSplitGain), 'min_split_gain', '≥ 0', p.minSplitGain);
  check(Number.isInteger(p.maxBins) && p.maxBins >= 2 && p.maxBins <= 255, 'max_bins', 'an integer in 2..255', p.maxBins);
  check(p.loss === 'squared_error' || p.loss === 'logistic', 'loss', '"squared_error" or "logistic"', p.loss);
  check(typeof p.seed === 'number' || typeof p.seed === 'string', 'seed', 'a number or string', p.seed);
  return p;
}
