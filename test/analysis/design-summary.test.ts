// The design summaries of docs/seeds.md §002 (src/analysis/design-summary.ts) against pandas and scipy on
// the golden fixture: group summary by arm, pathway Spearman correlations (tied values at their average
// rank) and covariate quality. Expected values: test/golden/make_design_summary.py →
// test/golden/design_summary_expected.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { AnalysisSettings } from '../../src/analysis/settings.js';
import { covariateQuality, groupSummary, pathwayCorrelations } from '../../src/analysis/design-summary.js';
import { spearman } from '../../src/estimate/linalg.js';
import { goldenFrame, readFixture, root } from '../golden/fixture.js';

interface Expected {
  rows: number;
  group_summary: { rows: { control: number; treated: number }; users: { control: number; treated: number }; means: Record<string, { control: number; treated: number; difference: number }> };
  pathway: Record<string, number>;
  ties: Record<string, number>;
  covariate_quality: Record<string, { missingRate: number; distinct: number; std: number | null; imputedValue: number | null }>;
}

const expected = JSON.parse(readFileSync(new URL('design_summary_expected.json', root), 'utf8')) as Expected;
const frame = goldenFrame();
const { table } = readFixture();
const panel = { length: table.length, dates: [], table };

function close(actual: number | null | undefined, want: number | null, tol: number, what: string): void {
  if (want === null) return assert.equal(actual, null, what);
  assert.ok(typeof actual === 'number' && Math.abs(actual - want) <= tol * Math.max(1, Math.abs(want)), `${what}: ${actual} vs pandas ${want}`);
}

test('the frame is the one the pandas script rebuilds', () => {
  assert.equal(frame.n, expected.rows);
});

test('group summary by arm: rows, users and means agree with pandas groupby', () => {
  const g = groupSummary(frame, panel);
  assert.deepEqual(g.rows, expected.group_summary.rows);
  assert.deepEqual(g.users, expected.group_summary.users);
  assert.deepEqual(g.means.map((m) => [m.role, m.name]), [['A measure', 'measure'], ['M', 'mediator'], ['Y', 'outcome'], ['secondary outcome', 'y2']]);
  for (const m of g.means) {
    const want = expected.group_summary.means[m.name]!;
    close(m.control, want.control, 1e-12, `${m.name} control mean`);
    close(m.treated, want.treated, 1e-12, `${m.name} treated mean`);
    close(m.difference, want.difference, 1e-12, `${m.name} difference`);
  }
});

test('pathway Spearman correlations agree with pandas and scipy (average ranks for ties)', () => {
  const rows = pathwayCorrelations(frame, panel);
  assert.deepEqual(rows.map((r) => r.relationship), ['A with M', 'A with Y', 'M with Y', 'A measure with M', 'A measure with Y']);
  for (const r of rows) {
    assert.equal(r.rows, frame.n);
    close(r.spearman, expected.pathway[r.relationship]!, 1e-12, r.relationship);
  }
  // heavily tied integer columns, where a first-occurrence rank (pandas method="first") would differ
  const col = (name: string) => Float64Array.from(frame.rows, (i) => table.numeric[name]![i]!);
  close(spearman(col('cnt'), col('heavy')), expected.ties['cnt with heavy']!, 1e-12, 'cnt with heavy');
  close(spearman(frame.A, col('cnt')), expected.ties['A with cnt']!, 1e-12, 'A with cnt');
});

test('without a mediator the pathway keeps the A–Y and measure–Y correlations', () => {
  const rows = pathwayCorrelations({ ...frame, M: null, definitions: { ...frame.definitions, mediator: undefined } }, panel);
  assert.deepEqual(rows.map((r) => r.relationship), ['A with Y', 'A measure with Y']);
});

test('covariate quality agrees with pandas, and says which covariates the design dropped or imputed', () => {
  const settings = { definitions: { covariates: { numeric: ['x1', 'x2', 'heavy', 'cnt', 'const1', 'onehot_feat*'], categorical: ['cat1', 'cat2'] } } } as unknown as AnalysisSettings;
  const rows = covariateQuality(settings, frame, panel);
  assert.deepEqual(rows.map((r) => r.covariate).sort(), Object.keys(expected.covariate_quality).sort());
  for (const r of rows) {
    const want = expected.covariate_quality[r.covariate]!;
    close(r.missingRate, want.missingRate, 1e-12, `${r.covariate} missing rate`);
    assert.equal(r.distinct, want.distinct, `${r.covariate} distinct values`);
    close(r.std, want.std, 1e-12, `${r.covariate} std`);
    close(r.imputedValue, want.imputedValue, 1e-12, `${r.covariate} imputed median`);
  }
  const by = new Map(rows.map((r) => [r.covariate, r]));
  // const1 is constant: no design column; x2 is median-imputed; cat1 has a "missing" level besides a, b, c
  assert.equal(by.get('const1')!.constant, true);
  assert.equal(by.get('const1')!.designColumns, 0);
  assert.equal(by.get('x2')!.imputation, 'median');
  assert.equal(by.get('x1')!.imputation, 'none');
  assert.equal(by.get('cat1')!.imputation, 'level "missing"');
  assert.equal(by.get('cat1')!.designColumns, frame.X.names.filter((n) => n.startsWith('cat1_')).length);
  assert.equal(by.get('cat1')!.designColumns, 3);
  assert.equal(rows.reduce((s, r) => s + r.designColumns, 0), frame.X.cols, 'every design column is counted once');
  // sorted as the seed sorts: most missing first, then fewest distinct values
  for (let i = 1; i < rows.length; i++) {
    const [a, b] = [rows[i - 1]!, rows[i]!];
    assert.ok(a.missingRate > b.missingRate || (a.missingRate === b.missingRate && a.distinct <= b.distinct), `${a.covariate} before ${b.covariate}`);
  }
});
