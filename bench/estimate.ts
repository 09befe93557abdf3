/**
 * `npm run bench -- estimate [--reps 200] [--scales seed,full] [--no-python]`
 * One cell with every linear estimator (difference in means, regression adjustment, IPW, MSM, linear
 * g-computation, cross-fitted AIPW with linear outcome, linear mediation with A×M and CDEs, SEM path),
 * their diagnostics and a 200-replicate user-cluster bootstrap, on synthetic frames generated here, at
 * seed scale (≈8 K rows × 54 covariates, 140 users) and full small-matrix scale (≈77 K rows, 1,400 users).
 * bench/estimate_sklearn.py does the same work with pandas / scikit-learn / statsmodels in the same run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runEstimator } from '../src/estimate/runner.js';
import { simulateFrame } from '../test/support/simulate-frame.js';
import type { AnalysisFrame, EstimatorContext, EstimatorSpec } from '../src/estimate/types.js';
import { arg } from './args.js';

const SPECS: EstimatorSpec[] = [
  { id: 'difference_in_means', kind: 'difference_in_means' },
  { id: 'regression_adjustment', kind: 'regression_adjustment' },
  { id: 'ipw', kind: 'ipw' },
  { id: 'msm', kind: 'msm', weights: 'ipw' },
  { id: 'gcomp', kind: 'gcomp' },
  { id: 'aipw', kind: 'aipw', crossfit: { folds: 3 } },
  { id: 'mediation', kind: 'mediation', interaction: true, cde_at: { quantiles: [0.1, 0.9] } },
  { id: 'sem_path', kind: 'sem_path' },
];

/** estimators whose point estimate depends on the logistic propensity (scikit-learn's lbfgs stops early, see below) */
const PROPENSITY_BASED = new Set(['ipw', 'msm', 'aipw', 'sem_path']);

const SCALES: Record<string, { users: number; days: number }> = {
  seed: { users: 140, days: 58 },
  full: { users: 1400, days: 55 },
};

function writeFrame(frame: AnalysisFrame, path: string): void {
  const n = frame.n;
  const cols = 4 + frame.X.cols;
  const buf = new Float64Array(n * cols);
  buf.set(Float64Array.from(frame.cluster), 0);
  buf.set(frame.A, n);
  buf.set(frame.M!, 2 * n);
  buf.set(frame.Y, 3 * n);
  buf.set(frame.X.data, 4 * n);
  writeFileSync(path, Buffer.from(buf.buffer));
  writeFileSync(`${path}.json`, JSON.stringify({ n, p: frame.X.cols, names: frame.X.names }));
}

export async function run(args: string[]): Promise<string> {
  const reps = Number(arg(args, '--reps', '200'));
  const scales = arg(args, '--scales', 'seed,full').split(',');
  const python = !args.includes('--no-python');
  const dir = mkdtempSync(join(tmpdir(), 'causeway-bench-estimate-'));
  const script = fileURLToPath(new URL('../../bench/estimate_sklearn.py', import.meta.url));
  const lines = [
    `Estimation benchmark: all linear estimators + diagnostics + ${reps}-replicate user-cluster bootstrap, one cell (2-core machine shared with other work).`,
    '',
    '| scale | rows | users | covariates | causeway point + diagnostics (s) | causeway total with bootstrap (s) | Python point + diagnostics (s) | Python total with bootstrap (s) | speed-up (total) | max rel. Δ point, propensity-free | max rel. Δ point, propensity-based |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  try {
    for (const scale of scales) {
      const s = SCALES[scale];
      if (!s) throw new Error(`unknown scale ${scale} (seed, full)`);
      const { frame } = simulateFrame({ users: s.users, daysPerUser: s.days, covariates: 50, seed: 20200705 });
      const heavy = frame.X.data.subarray(frame.n, 2 * frame.n);
      for (let i = 0; i < heavy.length; i++) heavy[i] = Math.log1p(heavy[i]); // spec transform: log1p
      const ctxPoint: EstimatorContext = { seed: 1, cellId: `bench-${scale}`, models: {} };
      const t0 = performance.now();
      const points = SPECS.map((spec) => runEstimator(spec, frame, ctxPoint, 'point'));
      const t1 = performance.now();
      // a fresh frame object so nothing cached by the point run is reused by the timed bootstrap run
      const again: AnalysisFrame = { ...frame };
      const ctxBoot: EstimatorContext = { seed: 1, cellId: `bench-${scale}`, models: {}, bootstrap: { reps, level: 0.95 } };
      const t2 = performance.now();
      const boots = SPECS.map((spec) => runEstimator(spec, again, ctxBoot, 'point'));
      const t3 = performance.now();
      const pointSec = (t1 - t0) / 1000;
      const totalSec = (t3 - t2) / 1000;
      for (const b of boots) if (b.status !== 'ok') throw new Error(`${b.id} failed: ${b.reason}`);
      let pyTotal = NaN;
      let pyPoint = NaN;
      let maxDelta = NaN;
      let maxDeltaProp = NaN;
      if (python) {
        const path = join(dir, `${scale}.f64`);
        writeFrame(frame, path);
        const res = spawnSync('/usr/bin/python3', ['-W', 'ignore', script, path, String(reps)], { encoding: 'utf8', maxBuffer: 1 << 26 });
        if (res.status !== 0) throw new Error(`estimate_sklearn.py failed: ${res.stderr}`);
        const py = JSON.parse(res.stdout.trim().split('\n').pop()!) as { total: number; point: number; estimates: Record<string, Record<string, number>> };
        pyTotal = py.total;
        pyPoint = py.point;
        maxDelta = 0;
        maxDeltaProp = 0;
        for (const p of points)
          for (const [k, v] of Object.entries(py.estimates[p.id] ?? {})) {
            const mine = p.estimates[k]?.estimate;
            if (typeof mine !== 'number') continue;
            const d = Math.abs(mine - v) / Math.max(1, Math.abs(v));
            if (PROPENSITY_BASED.has(p.id)) maxDeltaProp = Math.max(maxDeltaProp, d);
            else maxDelta = Math.max(maxDelta, d);
          }
      }
      const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '—');
      const e = (x: number) => (Number.isFinite(x) ? x.toExponential(1) : '—');
      lines.push(
        `| ${scale} | ${frame.n} | ${s.users} | ${frame.X.cols} | ${f(pointSec)} | ${f(totalSec)} | ${f(pyPoint)} | ${f(pyTotal)} | ${Number.isFinite(pyTotal) ? `${f(pyTotal / totalSec, 1)}×` : '—'} | ${e(maxDelta)} | ${e(maxDeltaProp)} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  lines.push(
    '',
    'causeway assembles linear replicates from per-user sufficient statistics (XᵀWX, XᵀWy per user, shared by the estimators of the cell); IPW/MSM/SEM weights and the cross-fitted AIPW nuisances are fitted once and held fixed across replicates in both implementations (seed 004 does the same with its weights). The Python loop resamples users with `indexed_panel.loc[sampled_users]` and refits with scikit-learn as seed 004 does. Δ point is relative (to max(1, |Python value|)), max over every estimate; propensity-based estimates differ more because scikit-learn\u2019s lbfgs (the seeds\u2019 settings) stops after ~13 iterations with a gradient near 1e-3, while causeway solves the same penalized likelihood to convergence (test/golden checks 1e-6 agreement against a converged scikit-learn solver).',
  );
  return lines.join('\n');
}
