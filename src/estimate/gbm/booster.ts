/**
 * Histogram gradient boosting (squared error, logistic loss), written for speed and determinism.
 *
 * Growth policy: depthwise (level-wise) like XGBoost's `tree_method=hist, grow_policy=depthwise`:
 * every node of a level is split if it has a split with positive gain, until `max_depth`; or, with
 * `num_leaves`, leaf-wise (best-first) like LightGBM and XGBoost's `grow_policy=lossguide`.
 * Per node, one histogram of (gradient, hessian, count) per sampled feature and bin; for two
 * siblings only the smaller child's histogram is built from rows, the larger is parent − smaller
 * (computed in the parent's buffer). Missing values have their own bin and a learned default
 * direction, as XGBoost's sparsity-aware split finding.
 *
 * Hot data: bin codes in a column-major Uint8Array, gradients/hessians in Float64Array, the rows
 * of each node as a contiguous, ascending slice of one Int32Array (stable partitioning keeps row
 * order, so column reads stay mostly sequential), histograms as flat Float64Arrays from a pool.
 * Two-bin (one-hot) features are also bit-packed per row and summed per run of equal rows: a user's
 * profile columns are constant over that user's consecutive days.
 * All randomness (row subsample, feature subsample) comes from one Rng keyed by the seed, drawn in
 * a fixed order, and all sums run in a fixed order: the same inputs give the same model bit for bit.
 * Single-threaded: on the shared two-core machine worker threads would compete with cells that
 * run in parallel, and a fit at seed scale takes tens of milliseconds.
 */
import { CausewayError } from '../../errors.js';
import { Rng } from '../../rng.js';
import type { DesignMatrix, FeatureImportance, FittedModel } from '../ml/contracts.js';
import { BIN_SLOTS, MISSING_BIN, binMatrix, formDesign, isUnformed, type BinnedMatrix } from './binning.js';
import type { GbmLoss, GbmParams } from './options.js';

const SLOT = 3; // gradient, hessian, count
const FEATURE_STRIDE = BIN_SLOTS * SLOT;

/**
 * A prediction design's values: its data, or for a lazy design not formed yet (src/estimate/ml/common.ts
 * lazyRows) the matrix it stands for, formed in one buffer per thread that every such prediction reuses
 * (a prediction keeps no view of it once it returns), so predictions on fold rows make no design-sized garbage.
 */
let formed = new Float64Array(0);
function designData(X: DesignMatrix): Float64Array {
  if (!isUnformed(X)) return X.data;
  if (formed.length < X.rows * X.cols) formed = new Float64Array(X.rows * X.cols);
  return formDesign(X, formed);
}

/** A fitted booster. Trees are stored flat; node i is a leaf when feature[i] < 0. */
export class GbmModel implements FittedModel {
  constructor(
    readonly featureNames: string[],
    readonly loss: GbmLoss,
    readonly baseScore: number,
    /** treeStart[t] is the root node of tree t; treeStart[trees] = node count. */
    readonly treeStart: Int32Array,
    readonly feature: Int32Array,
    readonly threshold: Float64Array,
    readonly defaultLeft: Uint8Array,
    readonly left: Int32Array,
    readonly right: Int32Array,
    readonly value: Float64Array,
    readonly splitGain: Float64Array,
  ) {}

  get trees(): number {
    return this.treeStart.length - 1;
  }

  /** Raw scores (margin): the mean for squared error, the log-odds for logistic loss. */
  predictRaw(X: DesignMatrix): Float64Array {
    if (X.cols !== this.featureNames.length) {
      throw new CausewayError('MODEL_FEATURE_MISMATCH',
        `gbm model was fitted on ${this.featureNames.length} features but asked to predict with ${X.cols}`);
    }
    const n = X.rows;
    const data = designData(X);
    const out = new Float64Array(n).fill(this.baseScore);
    const { feature, threshold, defaultLeft, left, right, value, treeStart } = this;
    const trees = treeStart.length - 1;
    for (let t = 0; t < trees; t++) {
      const root = treeStart[t];
      for (let i = 0; i < n; i++) {
        let node = root;
        let f = feature[node];
        while (f >= 0) {
          const v = data[f * n + i];
          const goLeft = v === v ? v <= threshold[node] : defaultLeft[node] === 1;
          node = goLeft ? left[node] : right[node];
          f = feature[node];
        }
        out[i] += value[node];
      }
    }
    return out;
  }

  /** Squared error: the prediction; logistic: P(y = 1). */
  predict(X: DesignMatrix): Float64Array {
    const raw = this.predictRaw(X);
    if (this.loss === 'logistic') for (let i = 0; i < raw.length; i++) raw[i] = sigmoid(raw[i]);
    return raw;
  }

  /**
   * predict(X) for several variants of X that differ only in some columns (counterfactual arms: the
   * treatment and mediator columns set to other values): variant v has column columns[c] replaced by
   * variants[v][c] (X.rows values). A tree that splits on none of those columns sends every row to the
   * same leaf in all variants, so it is walked once; the others once per class of variants that agree on
   * the replaced columns the tree splits on. Each variant's sums run tree by tree as in predict, so the
   * results equal predict on each variant bit for bit.
   */
  predictVariants(X: DesignMatrix, columns: number[], variants: Float64Array[][]): Float64Array[] {
    if (X.cols !== this.featureNames.length) {
      throw new CausewayError('MODEL_FEATURE_MISMATCH',
        `gbm model was fitted on ${this.featureNames.length} features but asked to predict with ${X.cols}`);
    }
    const n = X.rows;
    const { feature, threshold, defaultLeft, left, right, value, treeStart } = this;
    const replaced = new Uint8Array(X.cols);
    for (const c of columns) replaced[c] = 1;
    const outs = variants.map((values) => {
      if (values.length !== columns.length || values.some((v) => v.length !== n)) {
        throw new CausewayError('MODEL_BAD_INPUT', `gbm: a prediction variant needs ${columns.length} columns of ${n} values`);
      }
      return new Float64Array(n).fill(this.baseScore);
    });
    const data = designData(X);
    // Per variant, each feature's values: X's column or the variant's replacement.
    const sources = variants.map((values) => {
      const cols: Float64Array[] = [];
      for (let f = 0; f < X.cols; f++) cols.push(data.subarray(f * n, (f + 1) * n));
      columns.forEach((c, k) => (cols[c] = values[k]));
      return cols;
    });
    // Whether variants u and v hold the same values in replaced column k, row for row (=== : 0 and −0 are
    // routed alike, NaN never matches), computed once per pair.
    const sameCache = new Map<number, boolean>();
    const sameValues = (k: number, u: number, v: number): boolean => {
      const key = (k * variants.length + u) * variants.length + v;
      let eq = sameCache.get(key);
      if (eq === undefined) {
        const a = variants[u][k];
        const b = variants[v][k];
        eq = true;
        if (a !== b) {
          for (let i = 0; i < n; i++) {
            if (a[i] !== b[i]) {
              eq = false;
              break;
            }
          }
        }
        sameCache.set(key, eq);
      }
      return eq;
    };
    const trees = treeStart.length - 1;
    for (let t = 0; t < trees; t++) {
      const root = treeStart[t];
      let usesReplaced = false;
      for (let k = root; k < treeStart[t + 1]; k++) if (feature[k] >= 0 && replaced[feature[k]]) usesReplaced = true;
      if (!usesReplaced) {
        // X's own columns (flat, as predictRaw reads them); the leaf value goes to every variant
        const two = outs.length === 2;
        const out0 = outs[0];
        const out1 = two ? outs[1] : out0;
        for (let i = 0; i < n; i++) {
          let node = root;
          let f = feature[node];
          while (f >= 0) {
            const x = data[f * n + i];
            const goLeft = x === x ? x <= threshold[node] : defaultLeft[node] === 1;
            node = goLeft ? left[node] : right[node];
            f = feature[node];
          }
          const leaf = value[node];
          if (two) {
            out0[i] += leaf;
            out1[i] += leaf;
          } else for (const out of outs) out[i] += leaf;
        }
        continue;
      }
      // Variants that agree on every replaced column this tree splits on reach the same leaves (e.g. two
      // arms with the same mediator values, for a tree that splits on the mediator but not the treatment):
      // one walk per class of such variants, its leaf values added to each member.
      const used: number[] = [];
      columns.forEach((c, k) => {
        for (let node = root; node < treeStart[t + 1]; node++) {
          if (feature[node] === c) {
            used.push(k);
            break;
          }
        }
      });
      const walked = new Uint8Array(variants.length);
      for (let v = 0; v < variants.length; v++) {
        if (walked[v]) continue;
        const members = [outs[v]];
        for (let u = v + 1; u < variants.length; u++) {
          if (!walked[u] && used.every((k) => sameValues(k, v, u))) {
            walked[u] = 1;
            members.push(outs[u]);
          }
        }
        if (members.length === 1) walkTree(this, root, n, sources[v], outs[v]);
        else walkTreeInto(this, root, n, sources[v], members);
      }
    }
    if (this.loss === 'logistic') for (const out of outs) for (let i = 0; i < n; i++) out[i] = sigmoid(out[i]);
    return outs;
  }

  /** Per feature: total gain (XGBoost `total_gain`: ½ loss reduction − gamma, summed over splits) and split count. */
  importance(): FeatureImportance[] {
    const gain = new Float64Array(this.featureNames.length);
    const splits = new Float64Array(this.featureNames.length);
    for (let i = 0; i < this.feature.length; i++) {
      const f = this.feature[i];
      if (f >= 0) {
        gain[f] += this.splitGain[i];
        splits[f] += 1;
      }
    }
    return this.featureNames.map((feature, j) => ({ feature, gain: gain[j], splits: splits[j] }));
  }
}

/** Adds tree `root`'s leaf value of each row (feature f's values in cols[f]) to out. */
function walkTree(model: GbmModel, root: number, n: number, cols: Float64Array[], out: Float64Array): void {
  const { feature, threshold, defaultLeft, left, right, value } = model;
  for (let i = 0; i < n; i++) {
    let node = root;
    let f = feature[node];
    while (f >= 0) {
      const x = cols[f][i];
      const goLeft = x === x ? x <= threshold[node] : defaultLeft[node] === 1;
      node = goLeft ? left[node] : right[node];
      f = feature[node];
    }
    out[i] += value[node];
  }
}

/** walkTree adding the same leaf values to each of several outputs. */
function walkTreeInto(model: GbmModel, root: number, n: number, cols: Float64Array[], outs: Float64Array[]): void {
  const { feature, threshold, defaultLeft, left, right, value } = model;
  const leaves = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let node = root;
    let f = feature[node];
    while (f >= 0) {
      const x = cols[f][i];
      const goLeft = x === x ? x <= threshold[node] : defaultLeft[node] === 1;
      node = goLeft ? left[node] : right[node];
      f = feature[node];
    }
    leaves[i] = node;
  }
  for (const out of outs) for (let i = 0; i < n; i++) out[i] += value[leaves[i]];
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

interface NodeWork {
  node: number; // index into the tree arrays being grown
  begin: number;
  end: number;
  g: number;
  h: number;
  c: number;
  /** The node's histogram; null for a node that will never be split (its children would pass max_depth or num_leaves). */
  hist: Float64Array | null;
}

/** Fit a booster. X column-major; y finite; w optional non-negative weights. */
export function fitGbm(X: DesignMatrix, y: Float64Array, params: GbmParams, w?: Float64Array): GbmModel {
  const n = X.rows;
  const p = X.cols;
  if (y.length !== n) throw new CausewayError('MODEL_BAD_INPUT', `gbm: ${y.length} targets for ${n} rows`);
  // (a lazy design's data is not formed: binning reads its columns from where they came from)
  if (!isUnformed(X) && X.data.length !== n * p) throw new CausewayError('MODEL_BAD_INPUT', `gbm: design matrix holds ${X.data.length} values, expected ${n}×${p}`);
  if (w && w.length !== n) throw new CausewayError('MODEL_BAD_INPUT', `gbm: ${w.length} weights for ${n} rows`);
  if (n === 0) throw new CausewayError('MODEL_NO_ROWS', 'gbm: no rows to fit');
  let weightSum = 0;
  let weightedY = 0;
  for (let i = 0; i < n; i++) {
    const yi = y[i];
    if (!Number.isFinite(yi)) throw new CausewayError('MODEL_BAD_TARGET', `gbm: target is not a finite number at row ${i}`);
    if (params.loss === 'logistic' && (yi < 0 || yi > 1)) {
      throw new CausewayError('MODEL_BAD_TARGET', `gbm with logistic loss needs targets in [0, 1]; row ${i} has ${yi}`);
    }
    const wi = w ? w[i] : 1;
    if (!(wi >= 0) || !Number.isFinite(wi)) throw new CausewayError('MODEL_BAD_WEIGHT', `gbm: weight at row ${i} is not a finite non-negative number`);
    weightSum += wi;
    weightedY += wi * yi;
  }
  if (!(weightSum > 0)) throw new CausewayError('MODEL_BAD_WEIGHT', 'gbm: all weights are zero');
  const meanY = weightedY / weightSum;
  let base: number;
  if (params.loss === 'logistic') {
    const q = Math.min(1 - 1e-6, Math.max(1e-6, meanY));
    base = Math.log(q / (1 - q));
  } else base = meanY;

  const binned = binMatrix(X, params.maxBins);
  const grower = new TreeGrower(binned, params);
  const rng = new Rng(params.seed, 'gbm');

  const raw = new Float64Array(n).fill(base);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  // Unit hessians (squared error, no weights): the count doubles as the hessian and is not summed twice.
  const unitHess = params.loss === 'squared_error' && !w;
  const sampleRows = new Int32Array(n);
  const allFeatures = new Int32Array(p);
  for (let j = 0; j < p; j++) allFeatures[j] = j;
  const featureCount = Math.max(1, Math.round(params.colsample * p));

  const nodes = new NodeArrays();
  const treeStart: number[] = [];
  for (let t = 0; t < params.trees; t++) {
    // Gradients of the loss at the current raw scores.
    if (params.loss === 'logistic') {
      for (let i = 0; i < n; i++) {
        const prob = sigmoid(raw[i]);
        const wi = w ? w[i] : 1;
        grad[i] = (prob - y[i]) * wi;
        hess[i] = Math.max(prob * (1 - prob), 1e-16) * wi;
      }
    } else if (w) {
      for (let i = 0; i < n; i++) {
        grad[i] = (raw[i] - y[i]) * w[i];
        hess[i] = w[i];
      }
    } else {
      for (let i = 0; i < n; i++) grad[i] = raw[i] - y[i];
    }
    // Row subsample: one Bernoulli draw per row, in row order (XGBoost's per-tree subsample).
    let sampled = 0;
    if (params.subsample < 1) {
      for (let i = 0; i < n; i++) if (rng.nextFloat() < params.subsample) sampleRows[sampled++] = i;
      if (sampled === 0) sampleRows[sampled++] = rng.nextInt(n);
    } else {
      for (let i = 0; i < n; i++) sampleRows[i] = i;
      sampled = n;
    }
    // Feature subsample without replacement, kept in ascending order so ties break by column order.
    let features = allFeatures;
    if (featureCount < p) {
      const order = Int32Array.from(allFeatures);
      for (let k = 0; k < featureCount; k++) {
        const j = k + rng.nextInt(p - k);
        const tmp = order[k];
        order[k] = order[j];
        order[j] = tmp;
      }
      features = order.slice(0, featureCount).sort();
    }
    treeStart.push(nodes.length);
    grower.grow(sampleRows, sampled, features, grad, unitHess ? null : hess, nodes);
    // Update the raw scores: sampled rows from the leaf partition, the others by walking the tree.
    grower.applyLeaves(raw, nodes.value);
    if (sampled < n) {
      const root = treeStart[t];
      const codes = binned.codes;
      const nf = nodes.feature;
      const nb = nodes.bin;
      const nd = nodes.defaultLeft;
      const nl = nodes.left;
      const nr = nodes.right;
      const nv = nodes.value;
      let next = 0; // sampleRows is ascending: walk the rows between sampled ones
      for (let i = 0; i < n; i++) {
        if (next < sampled && sampleRows[next] === i) {
          next++;
          continue;
        }
        let node = root;
        let f = nf[node];
        while (f >= 0) {
          const code = codes[f * n + i];
          const goLeft = code === MISSING_BIN ? nd[node] === 1 : code <= nb[node];
          node = goLeft ? nl[node] : nr[node];
          f = nf[node];
        }
        raw[i] += nv[node];
      }
    }
  }
  treeStart.push(nodes.length);
  const m = nodes.length;
  const threshold = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const f = nodes.feature[i];
    threshold[i] = f >= 0 ? binned.uppers[f][nodes.bin[i]] : 0;
  }
  return new GbmModel(
    X.names.slice(),
    params.loss,
    base,
    Int32Array.from(treeStart),
    nodes.feature.slice(0, m),
    threshold,
    nodes.defaultLeft.slice(0, m),
    nodes.left.slice(0, m),
    nodes.right.slice(0, m),
    nodes.value.slice(0, m),
    nodes.gain.slice(0, m),
  );
}

/** Growable node storage shared by all trees of one fit. */
class NodeArrays {
  length = 0;
  feature = new Int32Array(256);
  bin = new Int32Array(256);
  defaultLeft = new Uint8Array(256);
  left = new Int32Array(256);
  right = new Int32Array(256);
  value = new Float64Array(256);
  gain = new Float64Array(256);

  add(): number {
    if (this.length === this.feature.length) {
      const cap = this.length * 2;
      this.feature = grow(this.feature, new Int32Array(cap));
      this.bin = grow(this.bin, new Int32Array(cap));
      this.defaultLeft = grow(this.defaultLeft, new Uint8Array(cap));
      this.left = grow(this.left, new Int32Array(cap));
      this.right = grow(this.right, new Int32Array(cap));
      this.value = grow(this.value, new Float64Array(cap));
      this.gain = grow(this.gain, new Float64Array(cap));
    }
    const id = this.length++;
    this.feature[id] = -1;
    this.bin[id] = 0;
    this.defaultLeft[id] = 0;
    this.left[id] = -1;
    this.right[id] = -1;
    this.value[id] = 0;
    this.gain[id] = 0;
    return id;
  }
}

function grow<T extends Int32Array | Uint8Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** The best split of one node, written into reusable fields (no allocation per node). */
class SplitResult {
  gain = 0;
  feature = -1;
  bin = 0;
  defaultLeft = false;
  gl = 0;
  hl = 0;
  cl = 0;
}

/** The histogram the grower builds for a node holding `rowIds` (for tests of the subtraction trick). */
export function nodeHistogram(binned: BinnedMatrix, rowIds: Int32Array, features: Int32Array, grad: Float64Array,
  hess: Float64Array | null, options: { wholeRows?: boolean } = {}): Float64Array {
  const grower = new TreeGrower(binned, { histogramSubtraction: true } as GbmParams);
  grower.loadRows(rowIds);
  const hist = new Float64Array(binned.cols * FEATURE_STRIDE);
  // wholeRows: rowIds is every row in order, as a tree's root without row subsampling (TreeGrower.grow)
  if (options.wholeRows) {
    if (rowIds.length !== binned.rows || rowIds.some((r, k) => r !== k)) throw new Error('nodeHistogram: wholeRows needs every row in order');
    grower.wholeRows = true;
  }
  grower.buildHist(hist, features, 0, rowIds.length, grad, hess);
  return hist;
}

/** Histogram layout: per feature BIN_SLOTS slots of (gradient, hessian, count); unit-hessian histograms leave the hessian 0. */
export const HISTOGRAM_LAYOUT = { slot: SLOT, featureStride: FEATURE_STRIDE } as const;

class TreeGrower {
  private readonly n: number;
  private readonly p: number;
  private readonly rows: Int32Array;
  private readonly scratch: Int32Array;
  private readonly orderedGrad: Float64Array;
  private readonly orderedHess: Float64Array;
  private readonly pool: Float64Array[] = [];
  private readonly split = new SplitResult();
  private readonly binaryFeatures: Int32Array;
  private readonly generalFeatures: Int32Array;
  // Bit-packed two-bin features: bit q of row r is packedBits[r * bitWords + (q >> 5)] bit (q & 31).
  private readonly bitOfFeature: Int32Array;
  private readonly bitWords: number;
  private readonly packedBits: Int32Array;
  private readonly bitMask: Int32Array;
  private readonly bitPrev: Int32Array;
  private readonly bitSumG: Float64Array;
  private readonly bitSumH: Float64Array;
  private readonly bitSumC: Float64Array;
  // Whether rows[0, n) is every row in order (the root of a tree without row subsampling), and the
  // per-bin row counts of every row (the same for each such root), filled on first use.
  wholeRows = false;
  private wholeCounts: Float64Array | null = null;
  // Leaves of the last grown tree and their row ranges in `rows`.
  private leaves = 0;
  private readonly leafNode: Int32Array;
  private readonly leafBegin: Int32Array;
  private readonly leafEnd: Int32Array;

  constructor(private readonly binned: BinnedMatrix, private readonly params: GbmParams) {
    this.n = binned.rows;
    this.p = binned.cols;
    this.rows = new Int32Array(this.n);
    this.scratch = new Int32Array(this.n);
    this.orderedGrad = new Float64Array(this.n);
    this.orderedHess = new Float64Array(this.n);
    this.binaryFeatures = new Int32Array(this.p);
    this.generalFeatures = new Int32Array(this.p);
    this.leafNode = new Int32Array(this.n + 1);
    this.leafBegin = new Int32Array(this.n + 1);
    this.leafEnd = new Int32Array(this.n + 1);
    this.bitOfFeature = new Int32Array(this.p).fill(-1);
    let bits = 0;
    for (let f = 0; f < this.p; f++) if (binned.binCount[f] === 2 && !binned.hasMissing[f]) this.bitOfFeature[f] = bits++;
    this.bitWords = Math.max(1, Math.ceil(bits / 32));
    this.packedBits = new Int32Array(bits > 0 ? this.n * this.bitWords : 0);
    for (let f = 0; f < this.p; f++) {
      const q = this.bitOfFeature[f];
      if (q < 0) continue;
      const word = q >> 5;
      const mask = 1 << (q & 31);
      const col = f * this.n;
      for (let r = 0; r < this.n; r++) if (binned.codes[col + r] === 1) this.packedBits[r * this.bitWords + word] |= mask;
    }
    this.bitMask = new Int32Array(this.bitWords);
    this.bitPrev = new Int32Array(this.bitWords);
    this.bitSumG = new Float64Array(this.bitWords * 32);
    this.bitSumH = new Float64Array(this.bitWords * 32);
    this.bitSumC = new Float64Array(this.bitWords * 32);
  }

  /** Add each leaf's value to the raw scores of the sampled rows it holds (after grow). */
  applyLeaves(raw: Float64Array, value: Float64Array): void {
    const rows = this.rows;
    for (let l = 0; l < this.leaves; l++) {
      const v = value[this.leafNode[l]];
      const end = this.leafEnd[l];
      for (let k = this.leafBegin[l]; k < end; k++) raw[rows[k]] += v;
    }
  }

  loadRows(rowIds: Int32Array): void {
    this.rows.set(rowIds);
  }

  private takeHist(): Float64Array {
    return this.pool.pop() ?? new Float64Array(this.p * FEATURE_STRIDE);
  }

  private releaseHist(h: Float64Array): void {
    this.pool.push(h);
  }

  /** Grow one tree over the sampled rows; hess null means unit hessians (count is the hessian). */
  grow(sampleRows: Int32Array, sampled: number, features: Int32Array, grad: Float64Array, hess: Float64Array | null,
    nodes: NodeArrays): void {
    const rows = this.rows;
    rows.set(sampleRows.subarray(0, sampled));
    this.leaves = 0;
    let g = 0;
    let h = 0;
    for (let k = 0; k < sampled; k++) {
      const r = rows[k];
      g += grad[r];
      h += hess ? hess[r] : 1;
    }
    const rootHist = this.takeHist();
    // sampleRows is ascending, so all n sampled rows are 0 .. n−1 in order.
    this.wholeRows = sampled === this.n;
    this.buildHist(rootHist, features, 0, sampled, grad, hess);
    this.wholeRows = false;
    const root: NodeWork = { node: nodes.add(), begin: 0, end: sampled, g, h, c: sampled, hist: rootHist };
    if (this.params.numLeaves !== undefined) {
      this.growLeafwise(root, features, grad, hess, nodes);
      return;
    }
    let level: NodeWork[] = [root];
    const { maxDepth } = this.params;
    for (let depth = 0; level.length > 0; depth++) {
      const next: NodeWork[] = [];
      for (const work of level) {
        const canSplit = depth < maxDepth && this.findSplit(work, features, hess === null);
        if (!canSplit) {
          this.makeLeaf(work, nodes);
          continue;
        }
        // Children at max_depth become leaves, whose values need only the split's sums: no histograms.
        next.push(...this.splitNode(work, this.split, features, grad, hess, nodes, depth + 1 < maxDepth));
      }
      level = next;
    }
  }

  /**
   * Leaf-wise (best-first) growth as LightGBM's: among the current leaves, split the one whose best split
   * has the largest gain (ties: the leaf made first), until `numLeaves` leaves or no leaf has a split with
   * positive gain; `maxDepth` still bounds the depth.
   */
  private growLeafwise(root: NodeWork, features: Int32Array, grad: Float64Array, hess: Float64Array | null, nodes: NodeArrays): void {
    const { maxDepth } = this.params;
    const numLeaves = this.params.numLeaves!;
    type Candidate = { work: NodeWork; depth: number; split: SplitResult | null };
    const evaluate = (work: NodeWork, depth: number): Candidate => {
      if (depth >= maxDepth || !this.findSplit(work, features, hess === null)) return { work, depth, split: null };
      return { work, depth, split: Object.assign(new SplitResult(), this.split) };
    };
    const leaves: Candidate[] = [evaluate(root, 0)];
    while (leaves.length < numLeaves) {
      let best = -1;
      for (let k = 0; k < leaves.length; k++) {
        const sp = leaves[k].split;
        if (sp && (best < 0 || sp.gain > leaves[best].split!.gain)) best = k;
      }
      if (best < 0) break;
      const chosen = leaves[best];
      // Children that can never be split (at max_depth, or this split makes the last leaf) get no histograms.
      const last = leaves.length + 1 >= numLeaves;
      const [left, right] = this.splitNode(chosen.work, chosen.split!, features, grad, hess, nodes, !last && chosen.depth + 1 < maxDepth);
      const child = (work: NodeWork): Candidate => (work.hist ? evaluate(work, chosen.depth + 1) : { work, depth: chosen.depth + 1, split: null });
      leaves.splice(best, 1, child(left), child(right));
    }
    for (const leaf of leaves) this.makeLeaf(leaf.work, nodes);
  }

  private makeLeaf(work: NodeWork, nodes: NodeArrays): void {
    const { learningRate, lambda } = this.params;
    nodes.value[work.node] = (-work.g / (work.h + lambda)) * learningRate;
    if (work.hist) this.releaseHist(work.hist);
    this.leafNode[this.leaves] = work.node;
    this.leafBegin[this.leaves] = work.begin;
    this.leafEnd[this.leaves] = work.end;
    this.leaves++;
  }

  /** Split a node at `s`: partition its rows, record the split, build the children's histograms (the larger by subtraction). */
  private splitNode(work: NodeWork, s: SplitResult, features: Int32Array, grad: Float64Array, hess: Float64Array | null, nodes: NodeArrays,
    childrenNeedHist: boolean): [NodeWork, NodeWork] {
    const mid = this.partition(work.begin, work.end, s.feature, s.bin, s.defaultLeft);
    const leftNode = nodes.add();
    const rightNode = nodes.add();
    nodes.feature[work.node] = s.feature;
    nodes.bin[work.node] = s.bin;
    nodes.defaultLeft[work.node] = s.defaultLeft ? 1 : 0;
    nodes.left[work.node] = leftNode;
    nodes.right[work.node] = rightNode;
    nodes.gain[work.node] = s.gain;
    const left: NodeWork = { node: leftNode, begin: work.begin, end: mid, g: s.gl, h: s.hl, c: s.cl, hist: work.hist };
    const right: NodeWork = {
      node: rightNode, begin: mid, end: work.end, g: work.g - s.gl, h: work.h - s.hl, c: work.c - s.cl, hist: work.hist,
    };
    // Exact row counts from the partition (the histogram counts agree; these avoid drift).
    left.c = mid - work.begin;
    right.c = work.end - mid;
    if (!childrenNeedHist) {
      this.releaseHist(work.hist!);
      left.hist = null;
      right.hist = null;
      return [left, right];
    }
    const leftSmaller = left.c <= right.c;
    const small = leftSmaller ? left : right;
    const large = leftSmaller ? right : left;
    const smallHist = this.takeHist();
    this.buildHist(smallHist, features, small.begin, small.end, grad, hess);
    if (this.params.histogramSubtraction === false) {
      // Reference path for tests: build the larger child from its rows too.
      this.buildHist(work.hist!, features, large.begin, large.end, grad, hess);
    } else subtractHist(work.hist!, smallHist, features, this.binned);
    small.hist = smallHist;
    large.hist = work.hist;
    return [left, right];
  }

  /** Histogram of rows[begin, end) over the given features (zeroing those features' slots first). */
  buildHist(hist: Float64Array, features: Int32Array, begin: number, end: number, grad: Float64Array,
    hess: Float64Array | null): void {
    const rows = this.rows;
    const og = this.orderedGrad;
    const oh = this.orderedHess;
    // Gather the node's gradients once so the per-feature loops read them sequentially.
    for (let k = begin; k < end; k++) og[k] = grad[rows[k]];
    if (hess) for (let k = begin; k < end; k++) oh[k] = hess[rows[k]];
    const count = features.length;
    // Only the feature's real bins and (if it has missing values) the missing slot are ever
    // touched; the other slots stay zero, so one-hot columns cost 2 slots instead of 256.
    const binCount = this.binned.binCount;
    const hasMissing = this.binned.hasMissing;
    for (let fi = 0; fi < count; fi++) {
      const f = features[fi];
      const base = f * FEATURE_STRIDE;
      hist.fill(0, base, base + binCount[f] * SLOT);
      if (hasMissing[f]) hist.fill(0, base + MISSING_BIN * SLOT, base + FEATURE_STRIDE);
    }
    // Binary features (two bins, never missing: one-hot columns) go through the bit-packed path
    // (bin 1 summed per run of equal rows, bin 0 = node total − bin 1); the others get histograms.
    let binaryCount = 0;
    let generalCount = 0;
    const binary = this.binaryFeatures;
    const general = this.generalFeatures;
    for (let fi = 0; fi < count; fi++) {
      const f = features[fi];
      if (binCount[f] === 2 && !hasMissing[f]) binary[binaryCount++] = f;
      else general[generalCount++] = f;
    }
    if (generalCount > 0) {
      if (this.wholeRows && begin === 0 && end === this.n) this.histGeneralWhole(hist, general, generalCount, hess !== null);
      else this.histGeneral(hist, general, generalCount, begin, end, hess !== null);
    }
    if (binaryCount > 0) this.histBinary(hist, binary, binaryCount, begin, end, hess !== null);
  }

  /**
   * histGeneral over every row in order (a root without row subsampling): rows read in place, and the
   * counts, the same for every such root, copied from wholeCounts instead of summed. Gradient and
   * hessian sums run in the same order as histGeneral's, so the histogram is bit for bit the same.
   */
  private histGeneralWhole(hist: Float64Array, features: Int32Array, count: number, withHess: boolean): void {
    const n = this.n;
    const codes = this.binned.codes;
    const og = this.orderedGrad;
    const oh = this.orderedHess;
    let fi = 0;
    for (; fi + 4 <= count; fi += 4) {
      const b0 = features[fi] * FEATURE_STRIDE;
      const b1 = features[fi + 1] * FEATURE_STRIDE;
      const b2 = features[fi + 2] * FEATURE_STRIDE;
      const b3 = features[fi + 3] * FEATURE_STRIDE;
      const c0 = features[fi] * n;
      const c1 = features[fi + 1] * n;
      const c2 = features[fi + 2] * n;
      const c3 = features[fi + 3] * n;
      if (withHess) {
        for (let k = 0; k < n; k++) {
          const gk = og[k];
          const hk = oh[k];
          const s0 = b0 + codes[c0 + k] * SLOT;
          const s1 = b1 + codes[c1 + k] * SLOT;
          const s2 = b2 + codes[c2 + k] * SLOT;
          const s3 = b3 + codes[c3 + k] * SLOT;
          hist[s0] += gk;
          hist[s0 + 1] += hk;
          hist[s1] += gk;
          hist[s1 + 1] += hk;
          hist[s2] += gk;
          hist[s2 + 1] += hk;
          hist[s3] += gk;
          hist[s3 + 1] += hk;
        }
      } else {
        for (let k = 0; k < n; k++) {
          const gk = og[k];
          hist[b0 + codes[c0 + k] * SLOT] += gk;
          hist[b1 + codes[c1 + k] * SLOT] += gk;
          hist[b2 + codes[c2 + k] * SLOT] += gk;
          hist[b3 + codes[c3 + k] * SLOT] += gk;
        }
      }
    }
    for (; fi < count; fi++) {
      const base = features[fi] * FEATURE_STRIDE;
      const col = features[fi] * n;
      if (withHess) {
        for (let k = 0; k < n; k++) {
          const s = base + codes[col + k] * SLOT;
          hist[s] += og[k];
          hist[s + 1] += oh[k];
        }
      } else {
        for (let k = 0; k < n; k++) hist[base + codes[col + k] * SLOT] += og[k];
      }
    }
    const counts = this.wholeCounts ??= this.countAllRows();
    for (fi = 0; fi < count; fi++) {
      const f = features[fi];
      const base = f * FEATURE_STRIDE;
      const from = f * BIN_SLOTS;
      const bins = this.binned.binCount[f];
      for (let b = 0; b < bins; b++) hist[base + b * SLOT + 2] = counts[from + b];
      if (this.binned.hasMissing[f]) hist[base + MISSING_BIN * SLOT + 2] = counts[from + MISSING_BIN];
    }
  }

  /** Rows per bin code of every feature, over all rows. */
  private countAllRows(): Float64Array {
    const n = this.n;
    const codes = this.binned.codes;
    const counts = new Float64Array(this.p * BIN_SLOTS);
    for (let f = 0; f < this.p; f++) {
      const col = f * n;
      const from = f * BIN_SLOTS;
      for (let k = 0; k < n; k++) counts[from + codes[col + k]]++;
    }
    return counts;
  }

  /** Histograms of features with several bins (or missing values), four features per pass over the rows. */
  private histGeneral(hist: Float64Array, features: Int32Array, count: number, begin: number, end: number, withHess: boolean): void {
    const rows = this.rows;
    const n = this.n;
    const codes = this.binned.codes;
    const og = this.orderedGrad;
    const oh = this.orderedHess;
    const hess = withHess;
    // Four features per pass over the rows: each row index and gradient is loaded once per four
    // histograms, and the four accumulations are independent.
    let fi = 0;
    for (; fi + 4 <= count; fi += 4) {
      const b0 = features[fi] * FEATURE_STRIDE;
      const b1 = features[fi + 1] * FEATURE_STRIDE;
      const b2 = features[fi + 2] * FEATURE_STRIDE;
      const b3 = features[fi + 3] * FEATURE_STRIDE;
      const c0 = features[fi] * n;
      const c1 = features[fi + 1] * n;
      const c2 = features[fi + 2] * n;
      const c3 = features[fi + 3] * n;
      if (hess) {
        for (let k = begin; k < end; k++) {
          const r = rows[k];
          const gk = og[k];
          const hk = oh[k];
          const s0 = b0 + codes[c0 + r] * SLOT;
          const s1 = b1 + codes[c1 + r] * SLOT;
          const s2 = b2 + codes[c2 + r] * SLOT;
          const s3 = b3 + codes[c3 + r] * SLOT;
          hist[s0] += gk;
          hist[s0 + 1] += hk;
          hist[s0 + 2] += 1;
          hist[s1] += gk;
          hist[s1 + 1] += hk;
          hist[s1 + 2] += 1;
          hist[s2] += gk;
          hist[s2 + 1] += hk;
          hist[s2 + 2] += 1;
          hist[s3] += gk;
          hist[s3 + 1] += hk;
          hist[s3 + 2] += 1;
        }
      } else {
        for (let k = begin; k < end; k++) {
          const r = rows[k];
          const gk = og[k];
          const s0 = b0 + codes[c0 + r] * SLOT;
          const s1 = b1 + codes[c1 + r] * SLOT;
          const s2 = b2 + codes[c2 + r] * SLOT;
          const s3 = b3 + codes[c3 + r] * SLOT;
          hist[s0] += gk;
          hist[s0 + 2] += 1;
          hist[s1] += gk;
          hist[s1 + 2] += 1;
          hist[s2] += gk;
          hist[s2 + 2] += 1;
          hist[s3] += gk;
          hist[s3 + 2] += 1;
        }
      }
    }
    for (; fi < count; fi++) {
      const base = features[fi] * FEATURE_STRIDE;
      const col = features[fi] * n;
      if (hess) {
        for (let k = begin; k < end; k++) {
          const s = base + codes[col + rows[k]] * SLOT;
          hist[s] += og[k];
          hist[s + 1] += oh[k];
          hist[s + 2] += 1;
        }
      } else {
        for (let k = begin; k < end; k++) {
          const s = base + codes[col + rows[k]] * SLOT;
          hist[s] += og[k];
          hist[s + 2] += 1;
        }
      }
    }
  }

  /**
   * Two-bin features (one-hot columns), from bit-packed rows: a row's sampled binary features are
   * one or two 32-bit words. Rows in a run with the same word (a user's profile one-hots, on
   * consecutive days) are summed once and the run is added to each set bit's feature: bin 1 sums,
   * and bin 0 = node total − bin 1. The cost is per run and per set bit, not per row and feature.
   */
  private histBinary(hist: Float64Array, features: Int32Array, count: number, begin: number, end: number, withHess: boolean): void {
    const rows = this.rows;
    const og = this.orderedGrad;
    const oh = this.orderedHess;
    const words = this.bitWords;
    const packed = this.packedBits;
    const masks = this.bitMask;
    const prev = this.bitPrev;
    const sumG = this.bitSumG;
    const sumH = this.bitSumH;
    const sumC = this.bitSumC;
    masks.fill(0);
    for (let fi = 0; fi < count; fi++) {
      const q = this.bitOfFeature[features[fi]];
      masks[q >> 5] |= 1 << (q & 31);
      sumG[q] = 0;
      sumH[q] = 0;
      sumC[q] = 0;
    }
    let totalG = 0;
    let totalH = 0;
    for (let k = begin; k < end; k++) totalG += og[k];
    if (withHess) for (let k = begin; k < end; k++) totalH += oh[k];
    let runG = 0;
    let runH = 0;
    let runC = 0;
    const whole = this.wholeRows && begin === 0 && end === this.n;
    if (words === 1 && !withHess && whole) {
      // The common case below over every row in order (a root without row subsampling): the bin counts,
      // the same for every such root, come from wholeCounts instead of being summed per run and bit,
      // about half the work of the run loop. Gradient sums as below, bit for bit.
      const mask = masks[0];
      let word = packed[rows[begin]] & mask;
      for (let k = begin; k < end; k++) {
        const next = packed[rows[k]] & mask;
        if (next !== word) {
          for (let bits = word; bits !== 0; bits &= bits - 1) sumG[31 - Math.clz32(bits & -bits)] += runG;
          word = next;
          runG = 0;
        }
        runG += og[k];
      }
      for (let bits = word; bits !== 0; bits &= bits - 1) sumG[31 - Math.clz32(bits & -bits)] += runG;
      const counts = this.wholeCounts ??= this.countAllRows();
      for (let fi = 0; fi < count; fi++) sumC[this.bitOfFeature[features[fi]]] = counts[features[fi] * BIN_SLOTS + 1];
    } else if (words === 1 && !withHess && end > begin) {
      // The common case (≤ 32 two-bin features, unit hessians) without the word loop or hessian sums;
      // the same runs and the same additions in the same order as below.
      const mask = masks[0];
      let word = packed[rows[begin]] & mask;
      for (let k = begin; k < end; k++) {
        const next = packed[rows[k]] & mask;
        if (next !== word) {
          for (let bits = word; bits !== 0; bits &= bits - 1) {
            const q = 31 - Math.clz32(bits & -bits);
            sumG[q] += runG;
            sumC[q] += runC;
          }
          word = next;
          runG = 0;
          runC = 0;
        }
        runG += og[k];
        runC++;
      }
      for (let bits = word; bits !== 0; bits &= bits - 1) {
        const q = 31 - Math.clz32(bits & -bits);
        sumG[q] += runG;
        sumC[q] += runC;
      }
    } else if (end > begin) {
      const first = rows[begin] * words;
      for (let w = 0; w < words; w++) prev[w] = packed[first + w] & masks[w];
      for (let k = begin; k < end; k++) {
        const base = rows[k] * words;
        let same = true;
        for (let w = 0; w < words; w++) {
          if ((packed[base + w] & masks[w]) !== prev[w]) {
            same = false;
            break;
          }
        }
        if (!same) {
          this.flushRun(runG, runH, runC);
          for (let w = 0; w < words; w++) prev[w] = packed[base + w] & masks[w];
          runG = 0;
          runH = 0;
          runC = 0;
        }
        runG += og[k];
        if (withHess) runH += oh[k];
        runC++;
      }
      this.flushRun(runG, runH, runC);
    }
    const C = end - begin;
    const H = withHess ? totalH : C;
    for (let fi = 0; fi < count; fi++) {
      const f = features[fi];
      const q = this.bitOfFeature[f];
      const base = f * FEATURE_STRIDE;
      hist[base] = totalG - sumG[q];
      hist[base + 2] = C - sumC[q];
      hist[base + SLOT] = sumG[q];
      hist[base + SLOT + 2] = sumC[q];
      if (withHess) {
        hist[base + 1] = H - sumH[q];
        hist[base + SLOT + 1] = sumH[q];
      }
    }
  }

  /** Add a run's sums to every feature whose bit is set in the run's (masked) words. */
  private flushRun(runG: number, runH: number, runC: number): void {
    const prev = this.bitPrev;
    for (let w = 0; w < this.bitWords; w++) {
      let bits = prev[w];
      while (bits !== 0) {
        const low = bits & -bits;
        const q = (w << 5) + 31 - Math.clz32(low);
        this.bitSumG[q] += runG;
        this.bitSumH[q] += runH;
        this.bitSumC[q] += runC;
        bits ^= low;
      }
    }
  }

  /** Best split of a node over the sampled features into this.split; false when no split qualifies. */
  private findSplit(work: NodeWork, features: Int32Array, unitHess: boolean): boolean {
    const { lambda, minChildWeight, minSamplesLeaf, minSplitGain } = this.params;
    const G = work.g;
    const H = work.h;
    const C = work.c;
    if (C < 2 * minSamplesLeaf || H < 2 * minChildWeight) return false;
    const hist = work.hist!;
    const parentScore = (G * G) / (H + lambda);
    const hOff = unitHess ? 2 : 1;
    let bestGain = 0;
    let found = false;
    const s = this.split;
    for (let fi = 0; fi < features.length; fi++) {
      const f = features[fi];
      const nb = this.binned.binCount[f];
      if (nb < 2) continue;
      const base = f * FEATURE_STRIDE;
      const ms = base + MISSING_BIN * SLOT;
      const missG = hist[ms];
      const missH = hist[ms + hOff];
      const missC = hist[ms + 2];
      // Direction 0: missing values go right; direction 1: missing go left (only when there are any).
      const directions = missC > 0 ? 2 : 1;
      for (let dir = 0; dir < directions; dir++) {
        let gl = dir === 1 ? missG : 0;
        let hl = dir === 1 ? missH : 0;
        let cl = dir === 1 ? missC : 0;
        for (let b = 0; b < nb - 1; b++) {
          const slot = base + b * SLOT;
          gl += hist[slot];
          hl += hist[slot + hOff];
          cl += hist[slot + 2];
          if (cl < minSamplesLeaf || hl < minChildWeight) continue;
          const cr = C - cl;
          const hr = H - hl;
          if (cr < minSamplesLeaf || hr < minChildWeight) break;
          const gr = G - gl;
          const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            found = true;
            s.feature = f;
            s.bin = b;
            s.gl = gl;
            s.hl = hl;
            s.cl = cl;
            // Without missing values in the node, unseen missing values follow the heavier child.
            s.defaultLeft = dir === 1 || (missC === 0 && hl >= hr);
          }
        }
      }
    }
    if (!found) return false;
    s.gain = 0.5 * bestGain - minSplitGain;
    return s.gain > 0;
  }

  /** Stable partition of rows[begin, end): left rows first; returns the first right position. */
  private partition(begin: number, end: number, feature: number, bin: number, defaultLeft: boolean): number {
    const rows = this.rows;
    const scratch = this.scratch;
    const codes = this.binned.codes;
    const col = feature * this.n;
    let wl = begin;
    let wr = 0;
    // Branch-free (the side is as good as random, so a branch mispredicts about every other row): each row
    // is written to both outputs and only the side it goes to advances; wl ≤ k, so rows[k] is read first.
    // left = code ≤ bin, or code is MISSING_BIN (255 > any bin) and missing values go left.
    const missingLeft = defaultLeft ? 1 : 0;
    for (let k = begin; k < end; k++) {
      const r = rows[k];
      const code = codes[col + r];
      const left = (((bin - code) >>> 31) ^ 1) | (((code + 1) >> 8) & missingLeft);
      rows[wl] = r;
      scratch[wr] = r;
      wl += left;
      wr += 1 - left;
    }
    rows.set(scratch.subarray(0, wr), wl);
    return wl;
  }
}

function subtractHist(parent: Float64Array, child: Float64Array, features: Int32Array, binned: BinnedMatrix): void {
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi];
    const base = f * FEATURE_STRIDE;
    const stop = base + binned.binCount[f] * SLOT;
    for (let s = base; s < stop; s++) parent[s] -= child[s];
    if (binned.hasMissing[f]) {
      for (let s = base + MISSING_BIN * SLOT; s < base + FEATURE_STRIDE; s++) parent[s] -= child[s];
    }
  }
}

