/** Per-item means of a column, shared by the KuaiRec loader's item table (src/data/kuairec/load.ts) and the panel's (src/panel/items.ts). */

/** Mean of `values` per item over the rows whose item code is `item` (NaN cells skipped; NaN for an item with none). */
export function averageByItem(values: Float64Array, item: Int32Array, count: number): Float64Array {
  const sum = new Float64Array(count);
  const n = new Float64Array(count);
  for (let i = 0; i < values.length; i++) {
    const code = item[i];
    const v = values[i];
    if (code >= 0 && v === v) {
      sum[code] += v;
      n[code]++;
    }
  }
  for (let k = 0; k < count; k++) sum[k] = n[k] > 0 ? sum[k] / n[k] : NaN;
  return sum;
}
