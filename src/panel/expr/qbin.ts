/**
 * Quantile bin codes as pandas `qcut(x, k, labels=False, duplicates='drop')` gives them, with the edges
 * taken over a declared population of rows (the analysis rows, src/run/cell.ts) and every row coded
 * against them: edges are the k+1 quantiles 0, 1/k, …, 1 of x's present values on the population (linear
 * interpolation, as numpy's quantile), repeated edges dropped; a value is in bin b when
 * edge_b < x ≤ edge_{b+1}, the lowest edge belonging to bin 0. Missing x, x outside the edges, and every
 * row when fewer than two distinct edges remain (a constant x: pandas gives no bins either) are missing.
 * Golden values from pandas: test/panel/qbin.test.ts, made by test/panel/make_qbin_golden.py.
 */
export function qbinCodes(values: Float64Array, bins: number, population?: ArrayLike<number> | null): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i] && (!population || population[i] > 0)) n++;
  const sorted = new Float64Array(n);
  n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i] && (!population || population[i] > 0)) sorted[n++] = values[i];
  sorted.sort();
  const edges: number[] = [];
  for (let k = 0; k <= bins && n > 0; k++) {
    const e = numpyQuantile(sorted, k === bins ? 1 : k * (1 / bins));
    if (edges.length === 0 || e !== edges[edges.length - 1]) edges.push(e);
  }
  const out = new Float64Array(values.length).fill(NaN);
  if (edges.length < 2) return out;
  const last = edges.length - 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= edges[0] && v <= edges[last])) continue;
    // the number of edges strictly below v, less one (searchsorted left), the lowest edge in bin 0
    let lo = 0, hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo === 0 ? 0 : lo - 1;
  }
  return out;
}

/**
 * numpy's quantile (method linear) of sorted values, step by step as numpy 1.24 computes it, so edges that
 * fall on a data value do so to the last bit: pandas' qcut takes np.quantile at np.linspace(0, 1, k + 1),
 * whose points are k·(1/k) with the last set to 1 (the caller passes them so).
 */
function numpyQuantile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const virtual = n * q + (1 + q * (1 - 1 - 1)) - 1;
  if (virtual >= n - 1) return sorted[n - 1];
  if (virtual < 0) return sorted[0];
  const previous = Math.floor(virtual);
  const a = sorted[previous], b = sorted[previous + 1];
  const t = virtual - previous;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}
