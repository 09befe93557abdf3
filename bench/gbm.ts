/**
 * `npm run bench -- gbm [--quick] [--repeats N]`: causeway's histogram GBM against XGBoost
 * (tree_method=hist, n_jobs=1, same trees, depth, bins, learning rate, subsampling, lambda) on the
 * same data in the same run: a KuaiRec-like design (heavy-tailed counts, shares, one-hot profile
 * columns; 54 features) at seed scale (≈8 K rows) and at ≈90 K rows, 80% of users to train, 20% held
 * out. Reports median fit time of each, the ratio, and held-out R² of each.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/rng.js';
import { gbmLearner, type GbmOptions } from '../src/estimate/gbm/index.js';
import type { DesignMatrix } from '../src/estimate/types.js';
import { mediationCrossfit, normalCi } from '../src/estimate/ml/index.js';
import { simulateMediation } from '../test/support/simulate-mediation.js';

interface Dataset { X: DesignMatrix; y: Float64Array; train: Uint8Array }

/** A KuaiRec-like design: per-user profile (one-hots, counts) and per-day history features. */
export function kuaiLikeData(rows: number, seed: string): Dataset {
  const rng = new Rng(seed, 'bench-gbm', rows);
  const p = 54;
  const daysPerUser = 60;
  const data = new Float64Array(rows * p);
  const y = new Float64Array(rows);
  const train = new Uint8Array(rows);
  const names: string[] = [];
  for (let j = 0; j < p; j++) names.push(j < 14 ? `history_${j}` : j < 20 ? `profile_count_${j}` : `onehot_${j}`);
  const profile = new Float64Array(p);
  let userTrain = 1;
  let activity = 1;
  for (let i = 0; i < rows; i++) {
    if (i % daysPerUser === 0) {
      // A new user: profile columns, held-out status, baseline activity.
      userTrain = rng.nextFloat() < 0.8 ? 1 : 0;
      activity = Math.exp(rng.normal());
      for (let j = 14; j < 20; j++) profile[j] = Math.floor(Math.exp(2 + 1.5 * rng.normal()));
      for (let j = 20; j < p; j++) profile[j] = rng.nextFloat() < 0.15 + 0.02 * (j % 7) ? 1 : 0;
    }
    train[i] = userTrain;
    const day = i % daysPerUser;
    const col = (j: number) => data[j * rows + i];
    data[i] = day; // calendar_day_index
    for (let j = 1; j < 14; j++) {
      // counts, durations and shares of recent days
      const v = j % 3 === 0 ? rng.nextFloat() : j % 3 === 1 ? rng.poisson(20 * activity) : 50 * activity * Math.exp(0.5 * rng.normal());
      data[j * rows + i] = v;
    }
    for (let j = 14; j < p; j++) data[j * rows + i] = profile[j];
    const signal = 3 * Math.log1p(col(1)) + 40 * Math.sin(col(3) * 3) * (col(20) ? 1 : 0.3) + 0.02 * Math.min(col(2), 400)
      + (col(5) > 30 ? 15 : 0) + 5 * Math.log1p(col(14)) + 8 * col(21) - 6 * col(25) + 0.3 * day;
    y[i] = signal + 12 * rng.normal();
  }
  return { X: { rows, cols: p, data, names }, y, train };
}

function subset(X: DesignMatrix, y: Float64Array, keep: Uint8Array, want: number): { X: DesignMatrix; y: Float64Array } {
  const idx: number[] = [];
  for (let i = 0; i < keep.length; i++) if (keep[i] === want) idx.push(i);
  const n = idx.length;
  const data = new Float64Array(n * X.cols);
  for (let j = 0; j < X.cols; j++) for (let k = 0; k < n; k++) data[j * n + k] = X.data[j * X.rows + idx[k]];
  return { X: { rows: n, cols: X.cols, data, names: X.names }, y: Float64Array.from(idx, (i) => y[i]) };
}

function r2(y: Float64Array, pred: Float64Array): number {
  let mean = 0;
  for (const v of y) mean += v / y.length;
  let ss = 0;
  let st = 0;
  for (let i = 0; i < y.length; i++) {
    ss += (y[i] - pred[i]) ** 2;
    st += (y[i] - mean) ** 2;
  }
  return 1 - ss / st;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

interface Config {
  label: string;
  options: Required<Pick<GbmOptions, 'trees' | 'learning_rate' | 'subsample' | 'colsample' | 'lambda' | 'min_child_weight' | 'max_bins'>>
    & Pick<GbmOptions, 'max_depth' | 'num_leaves' | 'min_data_in_leaf'>;
}

const CONFIGS: Config[] = [
  { label: 'seed 004 (80 trees, depth 3, lr 0.05, 0.85/0.85)', options: { trees: 80, max_depth: 3, learning_rate: 0.05, subsample: 0.85, colsample: 0.85, lambda: 1, min_child_weight: 1, max_bins: 255 } },
  { label: 'deeper (100 trees, depth 6, lr 0.1, 0.8/0.8)', options: { trees: 100, max_depth: 6, learning_rate: 0.1, subsample: 0.8, colsample: 0.8, lambda: 1, min_child_weight: 1, max_bins: 255 } },
  // Seed 004's LightGBM (docs/seeds.md §004): 80 trees, 24 leaves, lr 0.05, colsample 0.85; its subsample 0.85
  // has no effect in LightGBM without subsample_freq, so rows are not subsampled; LightGBM's lambda 0 and
  // min_sum_hessian 1e-3. The peer is XGBoost lossguide with max_leaves 24 and the same settings (it has no
  // minimum leaf row count, so min_data_in_leaf 20 is causeway's alone).
  { label: 'seed 004 LightGBM, leaf-wise (80 trees, 24 leaves, lr 0.05, colsample 0.85); xgboost lossguide', options: { trees: 80, num_leaves: 24, min_data_in_leaf: 20, learning_rate: 0.05, subsample: 1, colsample: 0.85, lambda: 0, min_child_weight: 1e-3, max_bins: 255 } },
];

/**
 * `npm run bench -- gbm coverage [--reps R]`: R simulated designs with known natural effects
 * (test/support/simulate-mediation.ts, 100 users × 30 days); cross-fitted mediation with seed 004's shrunk
 * GBM for mediator and outcome and a GBM propensity; bias, RMSE and 95% coverage (influence-function
 * normal CIs) of the plug-in and debiased TE / NDE / NIE.
 */
async function coverage(args: string[]): Promise<string> {
  const repIndex = args.indexOf('--reps');
  const reps = repIndex >= 0 ? Number(args[repIndex + 1]) : 50;
  const shrunk = gbmLearner({ trees: 80, max_depth: 3, learning_rate: 0.05, subsample: 0.85, colsample: 0.85, seed: 1 });
  const propensity = gbmLearner({ trees: 150, max_depth: 3, learning_rate: 0.1, loss: 'logistic', seed: 2 });
  const keys = ['te', 'nde', 'nie', 'te_debiased', 'nde_debiased', 'nie_debiased'];
  const errors = new Map(keys.map((k) => [k, [] as number[]]));
  const covered = new Map(keys.map((k) => [k, 0]));
  const ses = new Map(keys.map((k) => [k, [] as number[]]));
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) {
    const { data, truth } = simulateMediation(`coverage-${r}`, { users: 100, days: 30 });
    const { result } = mediationCrossfit(data, { mediator: shrunk, outcome: shrunk, propensity, folds: 3 });
    for (const k of keys) {
      const v = result.estimates[k];
      const t = truth[k.replace('_debiased', '') as 'te' | 'nde' | 'nie'];
      errors.get(k)!.push(v.estimate! - t);
      const ci = normalCi(v.estimate!, v.se ?? null, 0.95);
      if (ci && ci[0] <= t && t <= ci[1]) covered.set(k, covered.get(k)! + 1);
      if (v.se) ses.get(k)!.push(v.se);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const lines = [
    '| estimand | estimator | bias | RMSE | mean SE | 95% coverage |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const k of keys) {
    const e = errors.get(k)!;
    const bias = e.reduce((s, v) => s + v, 0) / e.length;
    const rmse = Math.sqrt(e.reduce((s, v) => s + v * v, 0) / e.length);
    const se = ses.get(k)!;
    const meanSe = se.length ? (se.reduce((s, v) => s + v, 0) / se.length).toFixed(3) : 'n/a';
    const cov = k.endsWith('_debiased') ? `${((100 * covered.get(k)!) / reps).toFixed(0)}%` : 'n/a (no SE)';
    lines.push(`| ${k.replace('_debiased', '').toUpperCase()} | ${k.endsWith('_debiased') ? 'debiased (EIF)' : 'plug-in (seed 004)'} | ${bias.toFixed(3)} | ${rmse.toFixed(3)} | ${meanSe} | ${cov} |`);
  }
  lines.push('', `${reps} simulated designs (3,000 rows, 100 users each; truth TE 2, NDE 1, NIE 1), GBM mediator/outcome: 80 trees, depth 3, lr 0.05, subsample/colsample 0.85; GBM propensities: 150 trees, depth 3, lr 0.1; 3 folds by user; ${seconds.toFixed(0)} s.`);
  return lines.join('\n');
}

export async function run(args: string[]): Promise<string> {
  if (args[0] === 'coverage') return coverage(args.slice(1));
  const quick = args.includes('--quick');
  const repIndex = args.indexOf('--repeats');
  const repeats = repIndex >= 0 ? Number(args[repIndex + 1]) : quick ? 1 : 3;
  const sizes = quick ? [8200] : [8200, 90000];
  const python = process.env.CAUSEWAY_PYTHON ?? '/usr/bin/python3';
  const script = fileURLToPath(new URL('../../bench/gbm_xgboost.py', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'causeway-bench-gbm-'));
  const lines = [
    '| rows × features | settings | causeway fit CPU s (wall) | xgboost fit CPU s (wall) | CPU time ratio | causeway R² | xgboost R² | ΔR² |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  let xgbVersion = '';
  try {
    for (const rows of sizes) {
      const data = kuaiLikeData(rows, 'bench');
      const xPath = join(dir, `x-${rows}.f64`);
      const yPath = join(dir, `y-${rows}.f64`);
      const tPath = join(dir, `train-${rows}.u8`);
      writeFileSync(xPath, new Uint8Array(data.X.data.buffer));
      writeFileSync(yPath, new Uint8Array(data.y.buffer));
      writeFileSync(tPath, data.train);
      const train = subset(data.X, data.y, data.train, 1);
      const test = subset(data.X, data.y, data.train, 0);
      for (const config of CONFIGS) {
        const learner = gbmLearner({ ...config.options, seed: 0 });
        const times: number[] = [];
        const cpu: number[] = [];
        let pred: Float64Array = new Float64Array(0);
        for (let r = 0; r < repeats; r++) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          const model = learner.fit(train.X, train.y);
          times.push((performance.now() - t0) / 1000);
          const c1 = process.cpuUsage(c0);
          cpu.push((c1.user + c1.system) / 1e6);
          pred = model.predict(test.X);
        }
        const ours = { seconds: median(cpu), wall: median(times), r2: r2(test.y, pred) };
        const metaPath = join(dir, `meta-${rows}.json`);
        writeFileSync(metaPath, JSON.stringify({ rows, cols: data.X.cols, x: xPath, y: yPath, train: tPath, options: config.options, repeats }));
        const proc = spawnSync(python, [script, metaPath], { encoding: 'utf8' });
        let theirs: { seconds: number; wall: number; r2: number } | null = null;
        if (proc.status === 0) {
          const out = JSON.parse(proc.stdout.trim().split('\n').pop()!) as { fit_seconds: number[]; cpu_seconds: number[]; r2: number; xgboost: string };
          theirs = { seconds: median(out.cpu_seconds), wall: median(out.fit_seconds), r2: out.r2 };
          xgbVersion = out.xgboost;
        }
        const f = (v: number, d: number) => v.toFixed(d);
        lines.push(`| ${train.X.rows.toLocaleString('en-US')} train (+${test.X.rows.toLocaleString('en-US')} held out) × ${data.X.cols} | ${config.label} | ${f(ours.seconds, 3)} (${f(ours.wall, 3)}) | ${theirs ? `${f(theirs.seconds, 3)} (${f(theirs.wall, 3)})` : 'n/a'} | ${theirs ? f(ours.seconds / theirs.seconds, 2) + '×' : 'n/a'} | ${f(ours.r2, 4)} | ${theirs ? f(theirs.r2, 4) : 'n/a'} | ${theirs ? f(ours.r2 - theirs.r2, 4) : 'n/a'} |`);
        if (!theirs) lines.push(`\nxgboost run failed: ${(proc.stderr || proc.error?.message || '').trim().split('\n').pop()}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  lines.push('', `Median of ${repeats} fits each; CPU time (process user + system) is the comparison because the machine is shared, wall time in parentheses; single thread (xgboost ${xgbVersion || 'unavailable'}, tree_method=hist, n_jobs=1, max_bin=255, depthwise or, for the leaf-wise row, grow_policy=lossguide with max_leaves; causeway depth-wise or leaf-wise (num_leaves), 255 bins + missing bin). Fit time includes binning / quantile sketch. Node ${process.version}.`);
  return lines.join('\n');
}
