/**
 * `npm run bench -- calibrate [--archives N] [--null K] [--reps R] [--users U] [--days D] [--videos V]
 *  [--parallel P] [--seed S] [--raw FILE] [--variant demo|today|raw|today_raw|repeats|att]`: calibration of every estimator against the simulator's
 * known truth (docs/calibration.md).
 *
 * N simulated archives (seeds S, S+1, …) and K null archives (every effect 0) are each analysed by a
 * spec that extends the demo spec with the whole simulated population (sample modulus 1, the
 * population truth.json describes) and an R-rep user-cluster bootstrap. Per estimator × estimand:
 * mean truth, mean estimate, bias, RMSE, 95% CI coverage of each archive's own truth, mean CI width,
 * and on the null batch the share of CIs that exclude 0. P archives run at once (each on its own
 * engine worker thread; the main thread writes the next archive meanwhile).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthesize } from '../src/data/kuairec/index.js';
import type { CellResult } from '../src/results/index.js';
import { executePlan } from '../src/run/engine.js';
import { loadSpec } from '../src/spec/load.js';
import { buildPlan } from '../src/spec/plan.js';

const here = dirname(fileURLToPath(import.meta.url)); // dist/bench
const root = resolve(here, '..', '..');

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

type Estimand = 'TE' | 'NDE' | 'NIE' | 'CDE_q10' | 'CDE_q90' | 'ATT' | 'ATC';

/** Rows of the table: estimator id, the estimate key, the estimand it targets, how its CI is read. */
interface Target {
  label: string;
  estimator: string;
  key: string;
  estimand: Estimand;
  /** 'boot' = the bootstrap percentile CI in estimates[key].ci; 'normal' = diagnostics.ci_normal[key] (influence function) */
  ci: 'boot' | 'normal' | 'none';
}

const TARGETS: Target[] = [
  { label: 'naive (difference in means)', estimator: 'naive', key: 'ate', estimand: 'TE', ci: 'boot' },
  { label: 'ipw', estimator: 'ipw', key: 'ate', estimand: 'TE', ci: 'boot' },
  { label: 'gcomp_linear', estimator: 'gcomp_linear', key: 'ate', estimand: 'TE', ci: 'boot' },
  // aipw and the debiased mediations run with `interval: bootstrap` so one fit gives both intervals: the
  // score bootstrap in estimates.ci and the influence-function interval (their default) in diagnostics.ci_normal
  { label: 'aipw (gbm outcome, logistic propensity, cross-fitted; IF interval, the default)', estimator: 'aipw', key: 'ate', estimand: 'TE', ci: 'normal' },
  { label: 'aipw (gbm outcome, logistic propensity, cross-fitted; score bootstrap, interval: bootstrap)', estimator: 'aipw', key: 'ate', estimand: 'TE', ci: 'boot' },
  { label: 'mediation_linear', estimator: 'mediation_linear', key: 'te', estimand: 'TE', ci: 'boot' },
  { label: 'mediation_linear', estimator: 'mediation_linear', key: 'nde', estimand: 'NDE', ci: 'boot' },
  { label: 'mediation_linear', estimator: 'mediation_linear', key: 'nie', estimand: 'NIE', ci: 'boot' },
  { label: 'mediation_linear', estimator: 'mediation_linear', key: 'cde_q10', estimand: 'CDE_q10', ci: 'boot' },
  { label: 'mediation_linear', estimator: 'mediation_linear', key: 'cde_q90', estimand: 'CDE_q90', ci: 'boot' },
  { label: 'sem_path (total)', estimator: 'sem_path', key: 'total', estimand: 'TE', ci: 'boot' },
  { label: "sem_path (c')", estimator: 'sem_path', key: 'c_prime', estimand: 'NDE', ci: 'boot' },
  { label: 'sem_path (alpha·beta)', estimator: 'sem_path', key: 'indirect', estimand: 'NIE', ci: 'boot' },
  { label: 'mediation_gbm plug-in', estimator: 'mediation_gbm', key: 'te', estimand: 'TE', ci: 'none' },
  { label: 'mediation_gbm plug-in', estimator: 'mediation_gbm', key: 'nde', estimand: 'NDE', ci: 'none' },
  { label: 'mediation_gbm plug-in', estimator: 'mediation_gbm', key: 'nie', estimand: 'NIE', ci: 'none' },
  { label: 'mediation_gbm debiased (score bootstrap CI)', estimator: 'mediation_gbm', key: 'te_debiased', estimand: 'TE', ci: 'boot' },
  { label: 'mediation_gbm debiased (score bootstrap CI)', estimator: 'mediation_gbm', key: 'nde_debiased', estimand: 'NDE', ci: 'boot' },
  { label: 'mediation_gbm debiased (score bootstrap CI)', estimator: 'mediation_gbm', key: 'nie_debiased', estimand: 'NIE', ci: 'boot' },
  { label: 'mediation_gbm debiased (IF normal CI, the default)', estimator: 'mediation_gbm', key: 'te_debiased', estimand: 'TE', ci: 'normal' },
  { label: 'mediation_gbm debiased (IF normal CI, the default)', estimator: 'mediation_gbm', key: 'nde_debiased', estimand: 'NDE', ci: 'normal' },
  { label: 'mediation_gbm debiased (IF normal CI, the default)', estimator: 'mediation_gbm', key: 'nie_debiased', estimand: 'NIE', ci: 'normal' },
  // Diagnostic: the same debiased estimator with linear outcome/mediator nuisances (docs/calibration.md).
  ...(['boot', 'normal'] as const).flatMap((ci) => (['te', 'nde', 'nie'] as const).map((e): Target => ({
    label: `mediation_dml_linear debiased (linear nuisances, ${ci === 'boot' ? 'score bootstrap' : 'IF normal CI, the default'})`,
    estimator: 'mediation_dml_linear', key: `${e}_debiased`, estimand: e.toUpperCase() as Estimand, ci,
  }))),
  // The debiased GBM mediation with a gbm propensity for P(A=1|X) and P(A=1|M,X) (docs/calibration.md).
  { label: 'mediation_gbm_gbmprop debiased (gbm propensities, score bootstrap CI)', estimator: 'mediation_gbm_gbmprop', key: 'te_debiased', estimand: 'TE', ci: 'boot' },
  { label: 'mediation_gbm_gbmprop debiased (gbm propensities, score bootstrap CI)', estimator: 'mediation_gbm_gbmprop', key: 'nde_debiased', estimand: 'NDE', ci: 'boot' },
  { label: 'mediation_gbm_gbmprop debiased (gbm propensities, score bootstrap CI)', estimator: 'mediation_gbm_gbmprop', key: 'nie_debiased', estimand: 'NIE', ci: 'boot' },
  { label: 'mediation_gbm_gbmprop debiased (gbm propensities, IF normal CI, the default)', estimator: 'mediation_gbm_gbmprop', key: 'te_debiased', estimand: 'TE', ci: 'normal' },
  { label: 'mediation_gbm_gbmprop debiased (gbm propensities, IF normal CI, the default)', estimator: 'mediation_gbm_gbmprop', key: 'nde_debiased', estimand: 'NDE', ci: 'normal' },
  { label: 'mediation_gbm_gbmprop debiased (gbm propensities, IF normal CI, the default)', estimator: 'mediation_gbm_gbmprop', key: 'nie_debiased', estimand: 'NIE', ci: 'normal' },
  // Variant 'repeats': the same estimator with repeated cross-fitting (5 splits, median combination).
  ...(['boot', 'normal'] as const).flatMap((ci) => (['te', 'nde', 'nie'] as const).map((e): Target => ({
    label: `mediation_gbm_gbmprop_r5 debiased (5 repeated splits, ${ci === 'boot' ? 'score bootstrap' : 'IF normal, the default'} CI)`,
    estimator: 'mediation_gbm_gbmprop_r5', key: `${e}_debiased`, estimand: e.toUpperCase() as Estimand, ci,
  }))),
  // Variant 'att': the effect on the treated (and controls) against the simulator's ATT (ATC): the mean
  // re-simulated effect over the treated (untreated) population days (src/data/simulate/truth.ts).
  { label: 'ipw_att (ATT weights, logistic, uncapped: the default)', estimator: 'ipw_att', key: 'att', estimand: 'ATT', ci: 'boot' },
  { label: 'ipw_att_capped (ATT weights capped at q0.99)', estimator: 'ipw_att_capped', key: 'att', estimand: 'ATT', ci: 'boot' },
  { label: 'ebal_att (entropy balancing, means)', estimator: 'ebal_att', key: 'att', estimand: 'ATT', ci: 'boot' },
  { label: 'ebal2_att (entropy balancing, moments 2)', estimator: 'ebal2_att', key: 'att', estimand: 'ATT', ci: 'boot' },
  { label: 'cbps_att (CBPS, ATT balance)', estimator: 'cbps_att', key: 'att', estimand: 'ATT', ci: 'boot' },
  { label: 'gcomp_att (linear, Y ~ A + X)', estimator: 'gcomp_att', key: 'att', estimand: 'ATT', ci: 'boot' },
  { label: 'aipw_att (linear outcome, logistic propensity, cross-fitted)', estimator: 'aipw_att', key: 'att', estimand: 'ATT', ci: 'boot' },
  { label: 'aipw_atc (linear outcome, logistic propensity, cross-fitted)', estimator: 'aipw_atc', key: 'atc', estimand: 'ATC', ci: 'boot' },
  { label: 'aipw_linear (same nuisances, ATE)', estimator: 'aipw_linear', key: 'ate', estimand: 'TE', ci: 'boot' },
];

/** One archive's outcome: the truth and, per target, the estimate and CI (null when missing). */
export interface ArchiveRow {
  seed: number;
  null: boolean;
  populationRows: number;
  seconds: number;
  truth: Record<Estimand, number | null>;
  estimates: Record<string, { estimate: number | null; ci: [number, number] | null }>;
  failed: string[];
}

/**
 * The calibration spec. Variant 'demo': the demo spec's covariates and estimators. Variant 'today':
 * today's event count `interactions` joins the covariates (the simulator's activity n_t, which A_t does
 * not move but which sets both the spread of the share M and the future activity Y: a mediator–outcome
 * confounder the demo covariates omit), and only the mediation estimators run, the debiased GBM one
 * also with gbm propensities. Variant 'raw': the demo spec without its covariate transforms (log1p of
 * fans/follow/friend counts): the simulator is linear in the raw counts (docs/calibration.md).
 * Variant 'today_raw': both changes (every identifying assumption of the natural effects holds).
 */
function calibrationSpec(archive: string, reps: number, name: string, variant: Variant): string {
  const head = [
    `extends: ${JSON.stringify(join(root, 'specs', 'demo', 'discovery-mediation.yaml'))}`,
    `name: ${name}`,
    'data:',
    '  source: kuairec',
    `  path: ${JSON.stringify(archive)}`,
    '  sample: { modulus: 1, remainder: 0 }',
    'outcomes: { primary: future_7day_interactions, secondary: [] }',
    'heterogeneity: null',
    'sensitivity: null',
    'diagnostics: []',
    `uncertainty: { bootstrap: { reps: ${reps}, cluster: user_id, level: 0.95 } }`,
  ];
  const mediationGbm = '  - { id: mediation_gbm, kind: mediation, mediator_model: gbm, outcome_model: gbm, propensity: logistic, method: both, crossfit: { folds: 3 }, interval: bootstrap }';
  const mediationLinear = '  - { id: mediation_linear, kind: mediation, mediator_model: linear, outcome_model: linear, interaction: true, cde_at: { quantiles: [0.1, 0.9] } }';
  const dmlLinear = '  - { id: mediation_dml_linear, kind: mediation, mediator_model: linear, outcome_model: linear, propensity: logistic, method: both, crossfit: { folds: 3 }, interval: bootstrap }';
  // The debiased GBM mediation with gbm propensities P(A=1|X), P(A=1|M,X) instead of the demo's logistic.
  const gbmPropensity = '  - { id: mediation_gbm_gbmprop, kind: mediation, mediator_model: gbm, outcome_model: gbm, propensity: gbm_propensity, method: debiased, crossfit: { folds: 3 }, interval: bootstrap }';
  const models = ['models:', '  gbm_propensity: { kind: gbm, trees: 150, max_depth: 3, learning_rate: 0.1 }'];
  if (variant === 'repeats') {
    // Repeated cross-fitting against one split, on the demo covariates: only the gbm-propensity debiased mediation.
    return [
      ...head,
      ...models,
      'estimators:',
      gbmPropensity,
      gbmPropensity.replace('id: mediation_gbm_gbmprop,', 'id: mediation_gbm_gbmprop_r5,').replace('crossfit: { folds: 3 }', 'crossfit: { folds: 3, repeats: 5 }'),
      '',
    ].join('\n');
  }
  if (variant === 'att') {
    // The estimand: att | atc estimators (src/estimate/kinds/options.ts) on the demo covariates.
    return [
      ...head,
      'estimators:',
      '  - { id: ipw_att, kind: ipw, estimand: att, propensity: logistic, clip: [0.02, 0.98] }',
      '  - { id: ipw_att_capped, kind: ipw, estimand: att, propensity: logistic, clip: [0.02, 0.98], cap_quantile: 0.99 }',
      '  - { id: ebal_att, kind: ipw, estimand: att, propensity: entropy_balance }',
      '  - { id: ebal2_att, kind: ipw, estimand: att, propensity: ebal2 }',
      '  - { id: cbps_att, kind: ipw, estimand: att, propensity: cbps, clip: [0.02, 0.98] }',
      '  - { id: gcomp_att, kind: gcomp, estimand: att, outcome: linear }',
      '  - { id: aipw_att, kind: aipw, estimand: att, propensity: logistic, outcome: linear }',
      '  - { id: aipw_atc, kind: aipw, estimand: atc, propensity: logistic, outcome: linear }',
      '  - { id: aipw_linear, kind: aipw, propensity: logistic, outcome: linear }',
      'models:',
      '  ebal2: { kind: entropy_balance, moments: 2 }',
      '',
    ].join('\n');
  }
  if (variant === 'today' || variant === 'today_raw') {
    return [
      ...head,
      'covariates:',
      '  numeric: [calendar_day_index, "lag_1_*", "prior_3day_*", register_days, follow_user_num, fans_user_num, friend_user_num, interactions]',
      ...(variant === 'today_raw' ? ['  transforms: null'] : []),
      ...models,
      'estimators:',
      mediationLinear,
      '  - { id: sem_path, kind: sem_path }',
      mediationGbm,
      gbmPropensity,
      dmlLinear,
      '',
    ].join('\n');
  }
  return [
    ...head,
    ...(variant === 'raw' ? ['covariates: { transforms: null }'] : []),
    ...models,
    // The demo spec's estimators, restated so the calibration does not drift if the demo changes.
    'estimators:',
    '  - { id: naive, kind: difference_in_means }',
    '  - { id: ipw, kind: ipw, propensity: logistic, clip: [0.02, 0.98], stabilize: true, cap_quantile: 0.99 }',
    '  - { id: gcomp_linear, kind: gcomp, outcome: linear }',
    '  - { id: aipw, kind: aipw, propensity: logistic, outcome: gbm, crossfit: { folds: 3 }, interval: bootstrap }',
    mediationLinear,
    '  - { id: sem_path, kind: sem_path }',
    mediationGbm,
    dmlLinear,
    gbmPropensity,
    '',
  ].join('\n');
}

type Variant = 'demo' | 'today' | 'raw' | 'today_raw' | 'repeats' | 'att';

interface TruthFile {
  population: { rows: number };
  outcomes: { future_7day_interactions: { TE: number; NDE: number; NIE: number; ATT?: number; ATC?: number; CDE: { m: number; value: number }[] } };
}

async function calibrateArchive(work: string, seed: number, isNull: boolean, o: { users: number; days: number; videos: number; reps: number; variant: Variant }): Promise<ArchiveRow> {
  const started = Date.now();
  const dir = join(work, `${isNull ? 'null' : 'effect'}-${seed}`);
  mkdirSync(dir, { recursive: true });
  const synth = await synthesize({ out: join(dir, '18164998.zip'), users: o.users, days: o.days, videos: o.videos, seed, null: isNull });
  const truth = JSON.parse(readFileSync(synth.truthPath, 'utf8')) as TruthFile;
  const t = truth.outcomes.future_7day_interactions;
  const specFile = join(dir, 'calibrate.yaml');
  writeFileSync(specFile, calibrationSpec(synth.archive, o.reps, `calibrate-${seed}`, o.variant));
  const loaded = loadSpec(specFile);
  const plan = buildPlan(loaded);
  const executed = await executePlan(plan, {
    jobs: 1, cacheDir: join(work, 'cache'), noCache: true, specPath: loaded.path, baseDir: loaded.baseDir,
    progress: 'none', quiet: true, handleSignals: false,
  });
  const cell = executed.cells[0] as CellResult;
  const row: ArchiveRow = {
    seed, null: isNull, populationRows: truth.population.rows, seconds: 0,
    truth: { TE: t.TE, NDE: t.NDE, NIE: t.NIE, CDE_q10: t.CDE[0]?.value ?? null, CDE_q90: t.CDE[1]?.value ?? null, ATT: t.ATT ?? null, ATC: t.ATC ?? null },
    estimates: {}, failed: [],
  };
  if (cell.status !== 'ok') row.failed.push(`cell: ${cell.reason ?? cell.status}`);
  for (const target of TARGETS) {
    const est = cell.estimators?.find((e) => e.id === target.estimator && !e.outcome);
    if (!est || est.status !== 'ok') {
      if (est && !row.failed.includes(est.id)) row.failed.push(est.id);
      continue;
    }
    const value = est.estimates[target.key];
    let ci: [number, number] | null = null;
    if (target.ci === 'boot') ci = value?.ci ?? null;
    if (target.ci === 'normal') {
      const normal = (est.diagnostics as { ci_normal?: Record<string, [number, number] | null> }).ci_normal;
      ci = normal?.[target.key] ?? null;
    }
    row.estimates[`${target.estimator}.${target.key}.${target.ci}`] = { estimate: value?.estimate ?? null, ci };
  }
  rmSync(dir, { recursive: true, force: true });
  row.seconds = (Date.now() - started) / 1000;
  return row;
}

async function pool<T>(count: number, parallel: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  const lanes = Array.from({ length: Math.min(parallel, count) }, async () => {
    while (next < count) {
      const i = next++;
      out[i] = await task(i);
    }
  });
  await Promise.all(lanes);
  return out;
}

const fmt = (v: number | null, digits = 2) => (v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));
const pct = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(0)}%`);
const avg = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

/** The calibration table from per-archive rows (exported for docs and tests). */
export function calibrationTable(rows: ArchiveRow[]): string {
  const effect = rows.filter((r) => !r.null);
  const nulls = rows.filter((r) => r.null);
  const lines = [
    '| estimator | estimand | archives | true mean | estimate mean | bias | RMSE | 95% CI coverage | mean CI width | null: CI excludes 0 | null: estimate mean |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const target of TARGETS) {
    const key = `${target.estimator}.${target.key}.${target.ci}`;
    const pairs = effect.flatMap((r) => {
      const e = r.estimates[key];
      const truth = r.truth[target.estimand];
      return e && e.estimate !== null && truth !== null ? [{ truth, est: e.estimate, ci: e.ci }] : [];
    });
    const withCi = pairs.filter((p) => p.ci);
    const nullPairs = nulls.flatMap((r) => {
      const e = r.estimates[key];
      return e && e.estimate !== null ? [e] : [];
    });
    const nullCi = nullPairs.filter((e) => e.ci);
    const bias = avg(pairs.map((p) => p.est - p.truth));
    const rmse = pairs.length ? Math.sqrt(avg(pairs.map((p) => (p.est - p.truth) ** 2))!) : null;
    const coverage = target.ci !== 'none' && withCi.length ? avg(withCi.map((p) => (p.ci![0] <= p.truth && p.truth <= p.ci![1] ? 1 : 0))) : null;
    const width = target.ci !== 'none' && withCi.length ? avg(withCi.map((p) => p.ci![1] - p.ci![0])) : null;
    const falsePositive = target.ci !== 'none' && nullCi.length ? avg(nullCi.map((e) => (e.ci![0] > 0 || e.ci![1] < 0 ? 1 : 0))) : null;
    if (!pairs.length && !nullPairs.length) continue;
    const estimand = target.estimand.replace('_', ' ');
    lines.push(`| ${target.label} | ${target.key === 'ate' ? `ATE (= ${estimand})` : estimand} | ${pairs.length} | ${fmt(avg(pairs.map((p) => p.truth)))} | ${fmt(avg(pairs.map((p) => p.est)))} | ${fmt(bias)} | ${fmt(rmse)} | ${pct(coverage)} | ${fmt(width)} | ${pct(falsePositive)} | ${fmt(avg(nullPairs.map((e) => e.estimate!)))} |`);
  }
  return lines.join('\n');
}

export async function run(args: string[]): Promise<string> {
  const archives = Number(flag(args, 'archives') ?? 50);
  const nullArchives = Number(flag(args, 'null') ?? 20);
  const reps = Number(flag(args, 'reps') ?? 100);
  const users = Number(flag(args, 'users') ?? 120);
  const days = Number(flag(args, 'days') ?? 40);
  const videos = Number(flag(args, 'videos') ?? 400);
  const parallel = Number(flag(args, 'parallel') ?? 2);
  const firstSeed = Number(flag(args, 'seed') ?? 1000);
  const variant = (flag(args, 'variant') ?? 'demo') as Variant;
  if (!['demo', 'today', 'raw', 'today_raw', 'repeats', 'att'].includes(variant)) throw new Error('--variant must be demo, today, raw, today_raw, repeats or att');
  const rawFile = flag(args, 'raw') ?? join(root, 'bench', 'results', `calibrate-archives${variant === 'demo' ? '' : `-${variant}`}.json`);
  const work = mkdtempSync(join(tmpdir(), 'causeway-bench-calibrate-'));
  const started = Date.now();
  const load0 = loadavg()[0];
  const jobs = [
    ...Array.from({ length: archives }, (_, i) => ({ seed: firstSeed + i, isNull: false })),
    ...Array.from({ length: nullArchives }, (_, i) => ({ seed: firstSeed + 5000 + i, isNull: true })),
  ];
  let done = 0;
  try {
    const rows = await pool(jobs.length, parallel, async (i) => {
      const row = await calibrateArchive(work, jobs[i].seed, jobs[i].isNull, { users, days, videos, reps, variant });
      done++;
      process.stderr.write(`calibrate: ${done}/${jobs.length} (seed ${row.seed}${row.null ? ', null' : ''}, ${row.seconds.toFixed(1)} s${row.failed.length ? `, failed: ${row.failed.join(', ')}` : ''})\n`);
      return row;
    });
    const seconds = (Date.now() - started) / 1000;
    mkdirSync(dirname(rawFile), { recursive: true });
    writeFileSync(rawFile, JSON.stringify({ options: { archives, nullArchives, reps, users, days, videos, firstSeed, variant }, rows }, null, 1) + '\n');
    const popRows = avg(rows.map((r) => r.populationRows))!;
    const failures = rows.filter((r) => r.failed.length).map((r) => `seed ${r.seed}: ${r.failed.join(', ')}`);
    return [
      `# Calibration against the simulator's truth (${archives} archives with effects, ${nullArchives} null archives)`,
      '',
      `Each archive: \`synth --users ${users} --days ${days} --videos ${videos}\` (seeds ${firstSeed}…${firstSeed + archives - 1}; null seeds ${firstSeed + 5000}…${firstSeed + 5000 + nullArchives - 1}), ` +
        `the demo spec's estimators on the whole simulated population (sample modulus 1, ≈${popRows.toFixed(0)} population user-days, the rows truth.json averages over), ` +
        `${reps}-rep user-cluster bootstrap, 95% percentile CIs. Outcome: future_7day_interactions. ATE estimators are compared with TE.` +
        (variant.startsWith('today') ? ' Variant `today`: covariates + today\'s event count `interactions`; mediation estimators only.' : '') +
        (variant === 'today_raw' ? ' Variant `today_raw`: also without the log1p transforms.' : '') +
        (variant === 'raw' ? ' Variant `raw`: the demo covariates without their log1p transforms.' : '') +
        (variant === 'att' ? ' Variant `att`: estimators with `estimand: att` (and one `atc`), compared with the simulator\'s ATT (ATC): the re-simulated effect averaged over the treated (untreated) population days.' : '') +
        (variant === 'repeats' ? ' Variant `repeats`: only the gbm-propensity debiased mediation, with one split and with `crossfit: { folds: 3, repeats: 5 }`.' : ''),
      '',
      calibrationTable(rows),
      '',
      `Run time: ${seconds.toFixed(0)} s for ${jobs.length} archives (synthesis + run), ${parallel} at a time, on ${cpus().length} cores (load average ${load0.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end); ` +
        `mean ${fmt(avg(rows.map((r) => r.seconds)), 1)} s per archive. Per-archive values: ${rawFile.startsWith(root) ? rawFile.slice(root.length + 1) : rawFile}.`,
      failures.length ? `\nFailed estimators: ${failures.join('; ')}` : '',
    ].join('\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
