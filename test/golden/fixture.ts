// The golden fixture (test/golden/fixture.csv, written by make_golden.py) as causeway's analysis frame,
// shared by the golden tests and export_estimands_frame.mjs (the frame the R peer of estimands.test.ts reads).
import { readFileSync } from 'node:fs';
import { buildFrame } from '../../src/frame/index.js';
import type { ColumnTable } from '../../src/data/table.js';
import type { AnalysisFrame } from '../../src/estimate/types.js';

export const root = new URL('../../../test/golden/', import.meta.url);

export function readFixture(): { table: ColumnTable; userId: Int32Array } {
  const lines = readFileSync(new URL('fixture.csv', root), 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const categorical = new Set(['cat1', 'cat2']);
  const raw = lines.slice(1).map(splitCsv);
  const numeric: Record<string, Float64Array> = {};
  const cats: Record<string, { codes: Int32Array; levels: string[] }> = {};
  header.forEach((name, j) => {
    if (categorical.has(name)) {
      const levels: string[] = [];
      const codes = Int32Array.from(raw, (r) => {
        if (r[j] === '') return -1;
        let k = levels.indexOf(r[j]);
        if (k < 0) k = levels.push(r[j]) - 1;
        return k;
      });
      cats[name] = { codes, levels };
    } else numeric[name] = Float64Array.from(raw, (r) => (r[j] === '' ? NaN : Number(r[j])));
  });
  return { table: { length: raw.length, numeric, categorical: cats }, userId: Int32Array.from(numeric.user_id) };
}

function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export function goldenFrame(transforms = false): AnalysisFrame {
  const { table, userId } = readFixture();
  return buildFrame(
    { length: table.length, userId, table },
    {
      population: table.numeric.active,
      treatment: { name: 'A', measure: 'measure', threshold: { quantile: 0.5, among: 'population' } },
      mediator: 'mediator',
      outcome: 'outcome',
      secondary: ['y2'],
      covariates: {
        numeric: ['x1', 'x2', 'heavy', 'cnt', 'const1', 'onehot_feat*'],
        categorical: ['cat1', 'cat2'],
        transforms: transforms ? { heavy: { log1p: true }, x1: { winsorize: [0.05, 0.95] } } : undefined,
      },
      extra: ['weight'],
    },
  );
}

