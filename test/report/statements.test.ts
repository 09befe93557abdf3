// Statements of the demo reports checked against their own results.json (the golden examples of
// test/examples): the assumptions table's E-value is the primary estimator's, the interval count names
// only estimates that have an interval, and the data table does not call a sample the archive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const examples = fileURLToPath(new URL('../../../test/examples/', import.meta.url));
type Results = {
  summary: { primary: { estimator: string; estimand: string; cellId: string } | null };
  cells: Array<{
    id: string;
    assumptions: Array<{ assumption: string; diagnostic: string; value: string }>;
    sensitivity?: { evalues?: Array<{ estimator: string; estimand: string; point: number | null }> };
    estimators: Array<{ id: string; kind: string; outcome?: string; status: string; estimates: Record<string, { estimate: number | null; ci?: [number, number] | null }> }>;
  }>;
};

for (const name of ['discovery-mediation', 'long-term-effects']) {
  test(`${name}: the assumptions table's E-value is the primary estimate's`, () => {
    const results = JSON.parse(readFileSync(join(examples, name, 'results.json'), 'utf8')) as Results;
    const primary = results.summary.primary!;
    const cell = results.cells.find((c) => c.id === primary.cellId)!;
    const row = cell.assumptions.find((a) => a.assumption === 'No unmeasured treatment–outcome confounding')!;
    const evalue = cell.sensitivity!.evalues!.find((e) => e.estimator === primary.estimator && e.estimand === primary.estimand)!;
    assert.ok(evalue, 'the primary estimate has an E-value row');
    assert.match(row.diagnostic, new RegExp(`\\(${primary.estimator}, ${primary.estimand}\\)`));
    assert.ok(row.value.startsWith(`E-value ${evalue.point!.toFixed(2)} `), `${row.value} vs ${evalue.point}`);
  });

  test(`${name}: "k of n intervals exclude zero" counts only estimates with an interval`, () => {
    const results = JSON.parse(readFileSync(join(examples, name, 'results.json'), 'utf8')) as Results;
    const report = readFileSync(join(examples, name, 'report.md'), 'utf8');
    const m = /(\d+) of (\d+) intervals exclude zero(?: \((\d+) estimates? ha(?:s|ve) no interval\))?/.exec(report);
    assert.ok(m, 'the summary states the interval count');
    const cell = results.cells.find((c) => c.id === results.summary.primary!.cellId)!;
    const adjusted = cell.estimators.filter((e) => e.outcome === undefined && e.status === 'ok' && e.kind !== 'difference_in_means');
    const totals = adjusted.map((e) => ['ate', 'att', 'atc', 'te', 'total'].map((k) => e.estimates[k]).find((v) => v && v.estimate !== null)).filter((v) => v);
    const withCi = totals.filter((v) => Array.isArray(v!.ci));
    const excluding = withCi.filter((v) => v!.ci![0] > 0 || v!.ci![1] < 0);
    assert.equal(Number(m[2]), withCi.length);
    assert.equal(Number(m[1]), excluding.length);
    assert.equal(Number(m[3] ?? 0), totals.length - withCi.length);
    assert.doesNotMatch(report, /users in archive/);
  });
}
