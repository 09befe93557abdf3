/**
 * The column kernels of the regressions in ./linear.ts: Gram matrices, many dot products with one vector,
 * and sums of scaled columns. Each sum over rows is accumulated in row order into one accumulator, exactly
 * as a plain loop would, so the results are bit-identical to the one-column-at-a-time loops; the speed
 * comes from working on several columns per pass (independent accumulators instead of one addition
 * waiting for the last) and, for the Gram, on blocks of rows that stay in cache.
 */

/** Rows per block of the Gram: a block of 4 columns (16 KB) stays in the L1 cache. */
const BLOCK_ROWS = 512;

/**
 * ZᵀZ, p×p row-major, both triangles, for the columns Z = [s, s·c₁, s·c₂, …] when `scale` s is given
 * with `scaleColumn`, [s·c₁, s·c₂, …] with `scale` alone, else the columns as given. Entry (j, k) is
 * Σᵢ zⱼ[i]·zₖ[i] summed in row order, the same value the plain loop gives.
 */
export function gramInto(
  cols: Float64Array[], n: number, out: Float64Array, scale: Float64Array | null = null, scaleColumn = false, center: ArrayLike<number> | null = null,
): void {
  const q = cols.length + (scale && scaleColumn ? 1 : 0);
  const qp = (q + 3) & ~3; // padded to whole 4-column tiles; the padding columns stay zero
  const block = new Float64Array(qp * BLOCK_ROWS);
  const acc = new Float64Array(qp * qp);
  for (let i0 = 0; i0 < n; i0 += BLOCK_ROWS) {
    const m = Math.min(BLOCK_ROWS, n - i0);
    let j = 0;
    if (scale && scaleColumn) {
      for (let r = 0; r < m; r++) block[r] = scale[i0 + r];
      j = 1;
    }
    for (let t = 0; t < cols.length; t++) {
      const c = cols[t];
      const off = j * BLOCK_ROWS;
      if (center) {
        // (c − center)·scale, the value a centered (scaled) copy of the column would hold
        const mc = center[t];
        if (scale) for (let r = 0; r < m; r++) block[off + r] = (c[i0 + r] - mc) * scale[i0 + r];
        else for (let r = 0; r < m; r++) block[off + r] = c[i0 + r] - mc;
      } else if (scale) for (let r = 0; r < m; r++) block[off + r] = c[i0 + r] * scale[i0 + r];
      else for (let r = 0; r < m; r++) block[off + r] = c[i0 + r];
      j++;
    }
    // 4×2 tiles of the lower triangle (diagonal tiles also fill a few upper entries, unused)
    for (let jb = 0; jb < qp; jb += 4) for (let kb = 0; kb <= jb + 2; kb += 2) gramTile(block, acc, jb, kb, m, qp);
  }
  for (let j = 0; j < q; j++) {
    for (let k = 0; k <= j; k++) {
      const v = acc[j * qp + k];
      out[j * q + k] = v;
      out[k * q + j] = v;
    }
  }
}

/** Adds rows 0..m of the block's columns jb..jb+3 times columns kb, kb+1 to their accumulators. */
function gramTile(block: Float64Array, acc: Float64Array, jb: number, kb: number, m: number, qp: number): void {
  const a0 = jb * BLOCK_ROWS, a1 = a0 + BLOCK_ROWS, a2 = a1 + BLOCK_ROWS, a3 = a2 + BLOCK_ROWS;
  const b0 = kb * BLOCK_ROWS, b1 = b0 + BLOCK_ROWS;
  const r0 = jb * qp + kb, r1 = r0 + qp, r2 = r1 + qp, r3 = r2 + qp;
  let s00 = acc[r0], s01 = acc[r0 + 1];
  let s10 = acc[r1], s11 = acc[r1 + 1];
  let s20 = acc[r2], s21 = acc[r2 + 1];
  let s30 = acc[r3], s31 = acc[r3 + 1];
  for (let r = 0; r < m; r++) {
    const y0 = block[b0 + r], y1 = block[b1 + r];
    const x0 = block[a0 + r], x1 = block[a1 + r], x2 = block[a2 + r], x3 = block[a3 + r];
    s00 += x0 * y0; s01 += x0 * y1;
    s10 += x1 * y0; s11 += x1 * y1;
    s20 += x2 * y0; s21 += x2 * y1;
    s30 += x3 * y0; s31 += x3 * y1;
  }
  acc[r0] = s00; acc[r0 + 1] = s01;
  acc[r1] = s10; acc[r1 + 1] = s11;
  acc[r2] = s20; acc[r2 + 1] = s21;
  acc[r3] = s30; acc[r3 + 1] = s31;
}

/** out[offset + j] = Σᵢ cols[j][i]·v[i] (row order), four columns per pass over v. */
export function dotsInto(cols: Float64Array[], v: Float64Array, n: number, out: Float64Array, offset = 0): void {
  const p = cols.length;
  let j = 0;
  for (; j + 4 <= p; j += 4) {
    const a = cols[j], b = cols[j + 1], c = cols[j + 2], d = cols[j + 3];
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = 0; i < n; i++) {
      const x = v[i];
      s0 += a[i] * x;
      s1 += b[i] * x;
      s2 += c[i] * x;
      s3 += d[i] * x;
    }
    out[offset + j] = s0;
    out[offset + j + 1] = s1;
    out[offset + j + 2] = s2;
    out[offset + j + 3] = s3;
  }
  for (; j < p; j++) {
    const a = cols[j];
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i] * v[i];
    out[offset + j] = s;
  }
}

/**
 * out[offset + j] = Σᵢ zⱼ[i]·v[i] (row order) for the centered columns zⱼ = (cols[j] − center[j])·rowScale
 * (without rowScale: cols[j] − center[j]), each zⱼ[i] computed as a centered copy would hold it, so the
 * sums equal dotsInto's over such a copy without making it (n·p doubles per regression).
 */
export function centeredDotsInto(cols: Float64Array[], center: ArrayLike<number>, rowScale: Float64Array | null, v: Float64Array, n: number, out: Float64Array): void {
  const p = cols.length;
  let j = 0;
  for (; j + 4 <= p; j += 4) {
    const a = cols[j], b = cols[j + 1], c = cols[j + 2], d = cols[j + 3];
    const ma = center[j], mb = center[j + 1], mc = center[j + 2], md = center[j + 3];
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    if (rowScale) {
      for (let i = 0; i < n; i++) {
        const x = v[i], r = rowScale[i];
        s0 += (a[i] - ma) * r * x;
        s1 += (b[i] - mb) * r * x;
        s2 += (c[i] - mc) * r * x;
        s3 += (d[i] - md) * r * x;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const x = v[i];
        s0 += (a[i] - ma) * x;
        s1 += (b[i] - mb) * x;
        s2 += (c[i] - mc) * x;
        s3 += (d[i] - md) * x;
      }
    }
    out[j] = s0;
    out[j + 1] = s1;
    out[j + 2] = s2;
    out[j + 3] = s3;
  }
  for (; j < p; j++) {
    const a = cols[j], m = center[j];
    let s = 0;
    if (rowScale) for (let i = 0; i < n; i++) s += (a[i] - m) * rowScale[i] * v[i];
    else for (let i = 0; i < n; i++) s += (a[i] - m) * v[i];
    out[j] = s;
  }
}

/** addScaledColumns over the centered columns of centeredDotsInto, without a copy of them. */
export function addScaledCenteredColumns(
  out: Float64Array, cols: Float64Array[], center: ArrayLike<number>, rowScale: Float64Array | null, coef: ArrayLike<number>, n: number,
): void {
  const use: number[] = [];
  for (let j = 0; j < cols.length; j++) if (coef[j] !== 0) use.push(j);
  let t = 0;
  for (; t + 4 <= use.length; t += 4) {
    const a = cols[use[t]], b = cols[use[t + 1]], c = cols[use[t + 2]], d = cols[use[t + 3]];
    const ma = center[use[t]], mb = center[use[t + 1]], mc = center[use[t + 2]], md = center[use[t + 3]];
    const ca = coef[use[t]], cb = coef[use[t + 1]], cc = coef[use[t + 2]], cd = coef[use[t + 3]];
    if (rowScale) {
      for (let i = 0; i < n; i++) {
        const r = rowScale[i];
        out[i] = out[i] + ca * ((a[i] - ma) * r) + cb * ((b[i] - mb) * r) + cc * ((c[i] - mc) * r) + cd * ((d[i] - md) * r);
      }
    } else for (let i = 0; i < n; i++) out[i] = out[i] + ca * (a[i] - ma) + cb * (b[i] - mb) + cc * (c[i] - mc) + cd * (d[i] - md);
  }
  for (; t < use.length; t++) {
    const a = cols[use[t]], m = center[use[t]], ca = coef[use[t]];
    if (rowScale) for (let i = 0; i < n; i++) out[i] += ca * ((a[i] - m) * rowScale[i]);
    else for (let i = 0; i < n; i++) out[i] += ca * (a[i] - m);
  }
}

/**
 * Columns handed to a kernel without being formed as arrays first: `read(j, scratch)` returns column j's
 * n values, written into `scratch` (n doubles) or an array of its own (src/estimate/learners.ts
 * designColumns: a lazy design's columns gathered from its origin, one at a time).
 */
export interface ColumnReader {
  count: number;
  read(j: number, scratch: Float64Array): Float64Array;
}

/** Column arrays, or a reader that gives them one at a time. */
export type Columns = Float64Array[] | ColumnReader;

export const columnCount = (cols: Columns): number => (Array.isArray(cols) ? cols.length : cols.count);

/**
 * out[i] += Σⱼ coef[j]·cols[j][i] over the columns with a nonzero coefficient, added one column after
 * another (the order of `for j: out[i] += coef[j]·cols[j][i]`), four columns per pass over out. From a
 * reader, the four columns of a pass are read into four scratch arrays: the same sums.
 */
export function addScaledColumns(out: Float64Array, cols: Columns, coef: ArrayLike<number>, n: number): void {
  const use: number[] = [];
  for (let j = 0; j < columnCount(cols); j++) if (coef[j] !== 0) use.push(j);
  const scratch = Array.isArray(cols) ? [] : Array.from({ length: Math.min(4, use.length) }, () => new Float64Array(n));
  const column = (j: number, k: number): Float64Array => (Array.isArray(cols) ? cols[j] : cols.read(j, scratch[k]));
  let t = 0;
  for (; t + 4 <= use.length; t += 4) {
    const a = column(use[t], 0), b = column(use[t + 1], 1), c = column(use[t + 2], 2), d = column(use[t + 3], 3);
    const ca = coef[use[t]], cb = coef[use[t + 1]], cc = coef[use[t + 2]], cd = coef[use[t + 3]];
    for (let i = 0; i < n; i++) out[i] = out[i] + ca * a[i] + cb * b[i] + cc * c[i] + cd * d[i];
  }
  for (; t < use.length; t++) {
    const a = column(use[t], 0);
    const ca = coef[use[t]];
    for (let i = 0; i < n; i++) out[i] += ca * a[i];
  }
}

/** out[j] = Σᵢ cols[j][i] (row order), four columns per pass. */
export function sumsInto(cols: Float64Array[], n: number, out: Float64Array): void {
  const p = cols.length;
  let j = 0;
  for (; j + 4 <= p; j += 4) {
    const a = cols[j], b = cols[j + 1], c = cols[j + 2], d = cols[j + 3];
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = 0; i < n; i++) {
      s0 += a[i];
      s1 += b[i];
      s2 += c[i];
      s3 += d[i];
    }
    out[j] = s0;
    out[j + 1] = s1;
    out[j + 2] = s2;
    out[j + 3] = s3;
  }
  for (; j < p; j++) {
    const a = cols[j];
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i];
    out[j] = s;
  }
}

