/**
 * Student t and normal distribution functions for the sensitivity analyses: sensemakr's robustness values
 * and adjusted intervals use t quantiles with the regression's residual degrees of freedom
 * (src/sensitivity/ovb-linear.ts). The regularized incomplete beta is the Lentz continued fraction
 * (Numerical Recipes §6.4); quantiles invert the CDF by bisection-safeguarded Newton steps, accurate to
 * ~1e-12, well inside the 1e-6 the golden tests compare at (test/golden/sensitivity.test.ts). The t
 * functions are written here, not taken from jstat, because jstat's studentt.inv(0.975, 10) is off R's
 * qt by 1e-8 relative (measured 2026-12-03), which shows in sensemakr's bounds; Φ comes from jstat.
 */
import jstat from 'jstat';
import { normalQuantile } from '../estimate/ml/common.js';

const LANCZOS = [676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7];

/** log Γ(x) for x > 0 (Lanczos, g = 7). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = 0.9999999999998099;
  const t = z + 7.5;
  for (let i = 0; i < LANCZOS.length; i++) a += LANCZOS[i] / (z + i + 1);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d; h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `dof` degrees of freedom. */
export function studentTCdf(t: number, dof: number): number {
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = 0.5 * incompleteBeta(dof / (dof + t * t), dof / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** Density of Student's t. */
function studentTDensity(t: number, dof: number): number {
  return Math.exp(logGamma((dof + 1) / 2) - logGamma(dof / 2) - 0.5 * Math.log(dof * Math.PI) - ((dof + 1) / 2) * Math.log(1 + (t * t) / dof));
}

/** The p-quantile of Student's t (R's qt(p, dof)). */
export function studentTQuantile(p: number, dof: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`t quantile needs 0 < p < 1, got ${p}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, dof);
  let lo = 0, hi = 1;
  while (studentTCdf(hi, dof) < p) { lo = hi; hi *= 2; }
  let x = normalQuantile(p);
  if (!(x > lo && x < hi)) x = (lo + hi) / 2;
  for (let it = 0; it < 200; it++) {
    const f = studentTCdf(x, dof) - p;
    if (f > 0) hi = x; else lo = x;
    const step = f / studentTDensity(x, dof);
    let next = x - step;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-14 * Math.max(1, Math.abs(x))) return next;
    x = next;
  }
  return x;
}

/** Φ(z) (jstat's erf: agrees with R's pnorm to ~1e-15). */
export function normalCdf(z: number): number {
  return jstat.jStat.normal.cdf(z, 0, 1);
}
