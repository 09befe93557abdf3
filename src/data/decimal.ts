/**
 * Correctly rounded decimal → double for the digit strings the CSV reader's fast path (src/data/csv.ts)
 * cannot take: 17 to 19 significant digits, whose integer value passes 2^53 (most of KuaiRec's
 * watch_ratio cells, e.g. 0.23490488006617039). Before, each went through Number(string), which made
 * a string per cell; here the digits are read from the bytes with double-double arithmetic:
 *
 *   M (the digits as one integer, < 10^19) is held exactly as Mh + Ml (two doubles), q = Mh / 10^k is
 *   corrected by the exact remainder (M − q·10^k, with Dekker's exact product), giving x ≈ q + ql with
 *   an error below 2^-48 of q's last place. Rounding q + ql is then Number()'s answer unless x lies
 *   within about 2^-27 of a last place from a rounding midpoint: there the function answers -1 and the
 *   caller falls back to Number(). test/data/decimal.test.ts compares it
 *   with Number() on millions of digit strings, midpoints included.
 *
 * decimalFromApprox has a port in the WebAssembly plain-record parser (src/data/wasm/plain-records.ts,
 * AssemblyScript, which cannot import this file); test/data/csv-plain.test.ts checks that the two agree
 * bit for bit, and with Number().
 */

/** 10^0 … 10^22: every one an exact double. */
const POW10 = Float64Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
const TWO_25 = 33554432;
const TWO_32 = 4294967296;
const SPLITTER = 134217729; // 2^27 + 1 (Veltkamp's split of a double into two 26-bit halves)
const TWO_POW_MINUS_80 = 2 ** -80;

/**
 * The double nearest the unsigned decimal in buf[start, end) (digits with at most one '.'), or -1 when
 * this cannot tell it cheaply (more than 19 significant digits, more than 22 after the point, a value
 * too near a rounding midpoint): the caller then uses Number().
 */
export function decimalFromDigits(buf: Uint8Array, start: number, end: number): number {
  // The first 15 significant digits into hi, up to 4 more into lo (hi·10^j + lo = M < 10^19, exact in parts).
  let hi = 0;
  let lo = 0;
  let j = 0;
  let significant = 0;
  let frac = 0;
  let afterPoint = false;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c === 46) {
      if (afterPoint) return -1;
      afterPoint = true;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return -1;
    if (afterPoint) frac++;
    if (significant === 0 && d === 0) continue; // leading zeros
    if (significant < 15) hi = hi * 10 + d;
    else {
      lo = lo * 10 + d;
      j++;
    }
    if (++significant > 19) return -1;
  }
  if (frac > 22 || significant === 0) return -1;
  // M = X + Y exactly: hi = h1·2^25 + h0, so hi·10^j = (h1·10^j)·2^25 + h0·10^j with each product below 2^40.
  const p10 = POW10[j];
  const h1 = Math.floor(hi / TWO_25);
  const h0 = hi - h1 * TWO_25;
  return nearestQuotient(h1 * p10 * TWO_25, h0 * p10 + lo, frac);
}

/**
 * decimalFromDigits for a reader that has already summed the digits (CsvParser.parsePlain): `approx` is
 * the digit string read as one integer M the plain floating-point way (each step m·10 + d, rounded), and
 * `low32` is M modulo 2^32 (the same steps in int32 arithmetic, which wraps). Below 10^19 the rounding
 * steps leave approx within about 2^15 of M (only the last four steps, past 2^53, round, each by at most
 * a last place of a value below 2^64·10^-k), so M = approx + δ where δ is the difference of the low
 * 32 bits taken in [−2^31, 2^31): exact, with no second pass over the bytes. -1 as decimalFromDigits.
 */
export function decimalFromApprox(approx: number, low32: number, frac: number): number {
  if (!(approx < 1e19) || frac > 22) return -1;
  // approx is a whole number below 2^64: its low 32 bits are exact in floating point
  const approxLow = approx - Math.floor(approx / TWO_32) * TWO_32;
  const delta = (low32 - approxLow) | 0;
  if (approx + delta >= 1e19 || approx + delta === 0) return -1; // 20 or more significant digits, or none
  return nearestQuotient(approx, delta, frac);
}

/** The double nearest (X + Y) / 10^frac for whole numbers X, Y (X + Y < 10^19), or -1 (see the top of the file). */
function nearestQuotient(X: number, Y: number, frac: number): number {
  // Knuth's two-sum: Mh + Ml = X + Y exactly.
  const mh = X + Y;
  const yv = mh - X;
  const ml = (X - (mh - yv)) + (Y - yv);
  const D = POW10[frac];
  const q = mh / D;
  // Dekker's product: p + e = q·D exactly.
  const p = q * D;
  let t = SPLITTER * q;
  const qa = t - (t - q);
  const qb = q - qa;
  t = SPLITTER * D;
  const da = t - (t - D);
  const db = D - da;
  const e = ((qa * da - p) + qa * db + qb * da) + qb * db;
  // mh − p is exact (Sterbenz: p is within a few last places of mh); the rest adds errors far below q's last place.
  const ql = (((mh - p) - e) + ml) / D;
  // x lies within 2^-48 of a last place of q + ql. Round q + ql nudged both ways by eps (q·2^-80, between
  // 2^-28 and 2^-27 of q's last place, far above that error): when both round to the same double, so does
  // x (rounding is monotone), and that double is Number()'s answer. Otherwise x is too near a rounding
  // midpoint to tell cheaply. This needs no bit-level look at the result (a power of two, whose gap
  // below is half the gap above, is handled by the rounding itself), and no tiny or infinite results
  // arise: 1 ≤ M < 10^19 and 1 ≤ D ≤ 10^22.
  const eps = q * TWO_POW_MINUS_80;
  const r = q + (ql + eps);
  if (r !== q + (ql - eps)) return -1;
  return r;
}
