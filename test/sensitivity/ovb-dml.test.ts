// Omitted-variable-bias bounds of the AIPW (src/sensitivity/ovb-dml.ts) against a known truth: a latent U
// confounds A and Y; the "short" AIPW uses nuisances that ignore U (estimated by fine bins of X on a
// large sample), the "long" nuisances are the simulator's own. The bound with the true Cf_Y and Cf_D
// (computed from both) must contain the short estimate's bias, and with the true ρ it must equal it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/rng.js';
import { ovbDml } from '../../src/sensitivity/ovb-dml.js';

function simulate(n: number) {
  const rng = new Rng(7, 'ovb-dml-test', 'simulate', 0);
  const X = new Float64Array(n), U = new Float64Array(n), A = new Float64Array(n), Y = new Float64Array(n), pLong = new Float64Array(n), gLong = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    X[i] = rng.normal();
    U[i] = rng.normal();
    pLong[i] = 1 / (1 + Math.exp(-(0.4 * X[i] + 0.6 * U[i])));
    A[i] = rng.nextFloat() < pLong[i] ? 1 : 0;
    gLong[i] = A[i] + X[i] + 0.8 * U[i];
    Y[i] = gLong[i] + rng.normal();
  }
  return { X, U, A, Y, pLong, gLong };
}

/** The "short" nuisances that ignore U: E[Y | A, bin] and P(A = 1 | bin) over 60 equal-count bins of X. */
function binnedNuisances(X: Float64Array, A: Float64Array, Y: Float64Array) {
  const n = X.length;
  const order = Array.from(X.keys()).sort((a, b) => X[a] - X[b]);
  const bin = new Int32Array(n);
  order.forEach((i, r) => (bin[i] = Math.floor((r * 60) / n)));
  const sums = new Float64Array(60 * 4);
  for (let i = 0; i < n; i++) {
    sums[bin[i] * 4 + A[i]] += Y[i];
    sums[bin[i] * 4 + 2 + A[i]] += 1;
  }
  const mu0 = new Float64Array(n), mu1 = new Float64Array(n), e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = bin[i] * 4;
    mu0[i] = sums[b] / sums[b + 2];
    mu1[i] = sums[b + 1] / sums[b + 3];
    e[i] = sums[b + 3] / (sums[b + 2] + sums[b + 3]);
  }
  return { mu0, mu1, e };
}

test('the AIPW bias bound with the true confounding strengths contains the bias, and equals it at the true ρ', () => {
  const n = 200_000;
  const { X, A, Y, pLong, gLong } = simulate(n);
  const { mu0, mu1, e } = binnedNuisances(X, A, Y);
  const psi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    psi[i] = mu1[i] - mu0[i] + (A[i] * (Y[i] - mu1[i])) / e[i] - ((1 - A[i]) * (Y[i] - mu0[i])) / (1 - e[i]);
  }
  // the true strengths: Cf_Y = E[(g − g_s)²] / E[(Y − g_s)²], Cf_D = 1 − E[α_s²] / E[α²]; ρ = corr(g − g_s, α − α_s)
  let dg2 = 0, res2 = 0, as2 = 0, al2 = 0, cross = 0, da2 = 0;
  for (let i = 0; i < n; i++) {
    const gs = A[i] ? mu1[i] : mu0[i];
    const aS = A[i] / e[i] - (1 - A[i]) / (1 - e[i]);
    const aL = A[i] / pLong[i] - (1 - A[i]) / (1 - pLong[i]);
    dg2 += (gLong[i] - gs) ** 2;
    res2 += (Y[i] - gs) ** 2;
    as2 += aS * aS;
    al2 += aL * aL;
    cross += (gLong[i] - gs) * (aL - aS);
    da2 += (aL - aS) ** 2;
  }
  const cfY = dg2 / res2, cfD = 1 - as2 / al2, rho = cross / Math.sqrt(dg2 * da2);
  const cluster = Int32Array.from({ length: n }, (_, i) => i);
  const r = ovbDml({ Y, A, mu0, mu1, propensity: e, psi }, cluster, { estimator: 'aipw', level: 0.95, scenarios: [{ cfY, cfD, rho: 1 }, { cfY, cfD, rho }, { cfY: 0, cfD: 0, rho: 1 }] });
  const bias = r.estimate - 1; // the long (true) effect is 1
  const [worst, atRho, none] = r.scenarios;
  assert.ok(bias > 0.1, `the latent U biases the short estimate (bias ${bias})`);
  assert.ok(Math.abs(bias) <= worst.maxBias + 3 * r.se, `bias ${bias} within the worst-case bound ${worst.maxBias}`);
  assert.ok(worst.lower <= 1 && 1 <= worst.upper, `the bounds [${worst.lower}, ${worst.upper}] contain the truth`);
  assert.ok(Math.abs(Math.abs(bias) - atRho.maxBias) <= 3 * r.se + 0.02 * atRho.maxBias, `at the true ρ = ${rho.toFixed(3)} the bound ${atRho.maxBias} equals the bias ${bias}`);
  assert.equal(none.maxBias, 0);
  assert.ok(none.ciLower < r.estimate && none.ciUpper > r.estimate);
  // the robustness value is where the worst-case bound reaches zero
  const atRv = ovbDml({ Y, A, mu0, mu1, propensity: e, psi }, cluster, { estimator: 'aipw', level: 0.95, scenarios: [{ cfY: r.rv, cfD: r.rv, rho: 1 }] }).scenarios[0];
  assert.ok(Math.abs(atRv.lower) < 1e-6, `lower bound at RV is ${atRv.lower}`);
  assert.ok(r.rvAlpha < r.rv);
});

test('the ATT bound (DoubleML\'s ATTE weights) with the true strengths contains the bias of the short ATT, and equals it at the true ρ', () => {
  const n = 200_000;
  const { X, A, Y, pLong, gLong } = simulate(n);
  const { mu0, mu1, e } = binnedNuisances(X, A, Y);
  const psi = new Float64Array(n);
  let treated = 0;
  for (let i = 0; i < n; i++) treated += A[i];
  const share = treated / n;
  for (let i = 0; i < n; i++) {
    // the ATT score of src/estimate/kinds/aipw_scores.ts: its sum over the treated count is the estimate
    psi[i] = A[i] * Y[i] - (A[i] * mu0[i] + ((1 - A[i]) * e[i] * (Y[i] - mu0[i])) / (1 - e[i]));
  }
  // only the control outcome regression matters (the treated rows' Y(1) is observed); the ATT representer
  // α = A/p̄ − (1 − A)·π/((1 − π)·p̄)
  let dg2 = 0, res2 = 0, as2 = 0, al2 = 0, cross = 0, da2 = 0;
  for (let i = 0; i < n; i++) {
    const c = 1 - A[i];
    const dg = c * (gLong[i] - mu0[i]);
    const aS = A[i] / share - (c * e[i]) / ((1 - e[i]) * share);
    const aL = A[i] / share - (c * pLong[i]) / ((1 - pLong[i]) * share);
    dg2 += dg * dg;
    res2 += (c * (Y[i] - mu0[i])) ** 2;
    as2 += aS * aS;
    al2 += aL * aL;
    cross += dg * (aL - aS);
    da2 += (aL - aS) ** 2;
  }
  const cfY = dg2 / res2, cfD = 1 - as2 / al2, rho = cross / Math.sqrt(dg2 * da2);
  const cluster = Int32Array.from({ length: n }, (_, i) => i);
  const r = ovbDml({ Y, A, mu0, mu1, propensity: e, psi }, cluster, { estimator: 'aipw', level: 0.95, estimand: 'att', scenarios: [{ cfY, cfD, rho: 1 }, { cfY, cfD, rho }] });
  assert.equal(r.estimand, 'att');
  let att = 0;
  for (let i = 0; i < n; i++) att += psi[i];
  assert.ok(Math.abs(r.estimate - att / treated) < 1e-12, 'θ is the ATT (score sum over the treated count)');
  const bias = r.estimate - 1; // the effect is 1 on every row, so on the treated
  const [worst, atRho] = r.scenarios;
  assert.ok(bias > 0.1, `the latent U biases the short ATT (bias ${bias})`);
  assert.ok(worst.lower <= 1 && 1 <= worst.upper, `the bounds [${worst.lower}, ${worst.upper}] contain the truth`);
  assert.ok(Math.abs(Math.abs(bias) - atRho.maxBias) <= 3 * r.se + 0.02 * atRho.maxBias, `at the true ρ = ${rho.toFixed(3)} the bound ${atRho.maxBias} equals the bias ${bias}`);
});

test('a Riesz second moment ν² that is not positive gives no bound, and the summary says so instead of a robustness value', () => {
  // propensities that contradict the treatment (treated rows with ê = 0.02, controls with ê = 0.98):
  // α² averages far above 2·m(α), so the debiased ν² is negative
  const n = 400;
  const A = Float64Array.from({ length: n }, (_, i) => i % 2);
  const e = Float64Array.from(A, (a) => (a ? 0.02 : 0.98));
  const Y = Float64Array.from(A, (a, i) => a + (i % 7) / 7);
  const mu0 = new Float64Array(n).fill(0.4), mu1 = new Float64Array(n).fill(1.4);
  const psi = Float64Array.from(A, (a, i) => mu1[i] - mu0[i] + (a * (Y[i] - mu1[i])) / e[i] - ((1 - a) * (Y[i] - mu0[i])) / (1 - e[i]));
  const cluster = Int32Array.from({ length: n }, (_, i) => i);
  const r = ovbDml({ Y, A, mu0, mu1, propensity: e, psi }, cluster, { estimator: 'aipw', level: 0.95, scenarios: [{ cfY: 0.1, cfD: 0.1, rho: 1 }] });
  assert.ok(r.nu2 < 0, `ν² = ${r.nu2}`);
  assert.equal(r.scenarios[0].maxBias, 0);
  assert.match(r.summary, /not positive/);
  assert.doesNotMatch(r.summary, /would explain the AIPW estimate away/);
});
