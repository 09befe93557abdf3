/**
 * History columns over the dense panel (rows ordered user-major, `days` rows per user).
 * Conventions follow the seeds: lag and prior windows are 0 where there is no earlier day (and
 * where the source is missing, as pandas' fillna(0) does); leads and future windows running past
 * the last day are missing (`incomplete: missing`, docs/seeds.md §001) or use the days there are (`zero`,
 * docs/seeds.md §000, which fills the missing shifts with 0).
 */
import type { HistoryColumn } from './definition.js';

export function computeHistory(h: HistoryColumn, source: Float64Array, users: number, days: number): Float64Array {
  const out = new Float64Array(users * days);
  const zero = h.incomplete === 'zero';
  // One function per kind: V8 optimises each for its own loop (a kind met later would otherwise
  // deoptimise a function optimised for the others).
  switch (h.kind) {
    case 'lag':
      lagColumn(out, source, users, days, h.days);
      break;
    case 'prior':
      priorColumn(out, source, users, days, h.days);
      break;
    case 'lead':
    case 'next_day':
      leadColumn(out, source, users, days, h.days, zero);
      break;
    case 'future':
      futureColumn(out, source, users, days, h.days, zero);
      break;
  }
  return out;
}

function lagColumn(out: Float64Array, source: Float64Array, users: number, days: number, k: number): void {
  for (let u = 0; u < users; u++) {
    const base = u * days;
    // One store per branch: `v === v ? v : 0` would box each value (see clipLoop in expr/evaluate.ts).
    for (let d = 0; d < days; d++) {
      if (d < k) continue; // 0 (out starts zeroed)
      const v = source[base + d - k];
      if (v === v) out[base + d] = v;
    }
  }
}

function priorColumn(out: Float64Array, source: Float64Array, users: number, days: number, k: number): void {
  for (let u = 0; u < users; u++) {
    const base = u * days;
    // Summed directly (windows are short) so values match a pandas rolling sum exactly.
    for (let d = 0; d < days; d++) {
      let sum = 0;
      for (let j = Math.max(0, d - k); j < d; j++) {
        const v = source[base + j];
        if (v === v) sum += v;
      }
      out[base + d] = sum;
    }
  }
}

function leadColumn(out: Float64Array, source: Float64Array, users: number, days: number, k: number, zero: boolean): void {
  for (let u = 0; u < users; u++) {
    const base = u * days;
    for (let d = 0; d < days; d++) {
      if (d + k < days) {
        const v = source[base + d + k];
        if (v === v || !zero) out[base + d] = v;
        else out[base + d] = 0;
      } else if (zero) out[base + d] = 0;
      else out[base + d] = NaN;
    }
  }
}

function futureColumn(out: Float64Array, source: Float64Array, users: number, days: number, k: number, zero: boolean): void {
  for (let u = 0; u < users; u++) {
    const base = u * days;
    for (let d = 0; d < days; d++) {
      let sum = 0;
      let missing = false;
      for (let j = 1; j <= k; j++) {
        if (d + j >= days) {
          missing = true;
          continue;
        }
        const v = source[base + d + j];
        if (v === v) sum += v;
        else missing = true;
      }
      out[base + d] = missing && !zero ? NaN : sum;
    }
  }
}
