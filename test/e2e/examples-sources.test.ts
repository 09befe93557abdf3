// The two bring-your-own-data examples in specs/examples/ validate and run through the CLI: the event
// log (text keys, epoch-ms times in São Paulo with days starting at 04:00, extra signal columns) and
// the unit table, whose generator's known effects (scripts/make-example-data.mjs) the intervals cover.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, root } from '../support/cli.js';

const work = mkdtempSync(join(tmpdir(), 'causeway-examples-sources-'));
after(() => rmSync(work, { recursive: true, force: true }));

function causeway(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, CAUSEWAY_CACHE: join(work, 'cache'), CI: 'true' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Results {
  data: { coverage: { users: number; events: number; firstDate: number; lastDate: number }; quality: Array<{ check: string; rows: number }> };
  cells: Array<{
    status: string;
    diagnostics: { panel: { rows: number; users: number; days: number } };
    estimators: Array<{ id: string; outcome?: string; status: string; estimates: Record<string, { estimate: number; ci: [number, number] }> }>;
  }>;
}

test('event-log example: validates, runs, and reads the log as written (28 local days, 100 accounts)', () => {
  const spec = join(root, 'specs', 'examples', 'clips-explore.yaml');
  const v = causeway(['validate', spec]);
  assert.equal(v.code, 0, v.stderr);
  const r = causeway(['run', spec, '--out', join(work, 'clips'), '--jobs', '1', '--quiet']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const results = JSON.parse(readFileSync(join(work, 'clips', 'results.json'), 'utf8')) as Results;
  // The generator writes 28 days from Monday 2023-03-06 (local), events 07:00-02:00 local: with the
  // day starting at 04:00 in São Paulo every event falls on its generated day.
  assert.equal(results.data.coverage.firstDate, 20230306);
  assert.equal(results.data.coverage.lastDate, 20230402);
  assert.equal(results.data.coverage.users, 100);
  const lines = readFileSync(join(root, 'specs', 'examples', 'data', 'clips-log.csv'), 'utf8').trim().split('\n').length - 1;
  assert.equal(results.data.coverage.events, lines);
  const cell = results.cells[0];
  assert.equal(cell.status, 'ok');
  assert.deepEqual(cell.diagnostics.panel, { ...cell.diagnostics.panel, rows: 2800, users: 100, days: 28 });
  for (const id of ['naive', 'ipw', 'aipw', 'mediation_linear']) {
    const e = cell.estimators.find((x) => x.id === id && !x.outcome)!;
    assert.equal(e.status, 'ok', id);
  }
  assert.ok(existsSync(join(work, 'clips', 'report.md')));
});

test('unit-table example: validates, runs, and its intervals cover the generator\'s TE, NDE and NIE', () => {
  const spec = join(root, 'specs', 'examples', 'units-mediation.yaml');
  const v = causeway(['validate', spec]);
  assert.equal(v.code, 0, v.stderr);
  const r = causeway(['run', spec, '--out', join(work, 'units'), '--jobs', '1', '--quiet']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const results = JSON.parse(readFileSync(join(work, 'units', 'results.json'), 'utf8')) as Results;
  const cell = results.cells[0];
  assert.equal(cell.status, 'ok');
  assert.equal(cell.diagnostics.panel.rows, 2000);
  assert.equal(cell.diagnostics.panel.users, 40, 'clusters are the 40 sites');
  const mediation = cell.estimators.find((e) => e.id === 'mediation_linear')!;
  const covers = (key: string, truth: number) => {
    const [lo, hi] = mediation.estimates[key].ci;
    assert.ok(lo <= truth && truth <= hi, `${key}: true ${truth} outside [${lo}, ${hi}]`);
  };
  covers('te', 1.48);
  covers('nde', 1.0);
  covers('nie', 0.48);
  const naive = cell.estimators.find((e) => e.id === 'naive')!;
  assert.ok(naive.estimates.ate.ci[0] > 1.48, 'the unadjusted contrast is confounded upwards');
  const report = readFileSync(join(work, 'units', 'report.md'), 'utf8');
  assert.match(report, /## Known truth/);

  // causeway frame: the frame re-checked outside causeway (the naive contrast from its A and Y columns)
  const f = causeway(['frame', spec, '--out', join(work, 'units-frame.csv')]);
  assert.equal(f.code, 0, f.stderr);
  const [header, ...rows] = readFileSync(join(work, 'units-frame.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
  assert.equal(rows.length, 2000);
  const col = (name: string) => rows.map((r) => r[header.indexOf(name)]);
  assert.deepEqual(col('unit').slice(0, 2), ['p0001', 'p0002']);
  const A = col('A').map(Number);
  const Y = col('Y').map(Number);
  const mean = (a: 0 | 1) => { let s = 0, n = 0; A.forEach((x, i) => { if (x === a) { s += Y[i]; n++; } }); return s / n; };
  assert.ok(Math.abs(mean(1) - mean(0) - naive.estimates.ate.estimate) < 1e-9, 'naive ATE from the written frame');
  for (const name of ['cluster', 'M', 'x1', 'segment', 'x:x1', 'x:segment_b', 'propensity', 'ipw_weight']) assert.ok(header.includes(name), `${name} in ${header.join(',')}`);
  const p = col('propensity').map(Number);
  const w = col('ipw_weight').map(Number);
  p.forEach((v, i) => {
    assert.ok(v > 0 && v < 1, `propensity ${v}`);
    assert.ok(Math.abs(w[i] - (A[i] === 1 ? 1 / v : 1 / (1 - v))) <= 1e-9 * w[i]);
  });
  const pq = causeway(['frame', spec, '--out', join(work, 'units-frame.parquet')]);
  assert.equal(pq.code, 0, pq.stderr);
  assert.equal(readFileSync(join(work, 'units-frame.parquet')).subarray(0, 4).toString(), 'PAR1');
});
