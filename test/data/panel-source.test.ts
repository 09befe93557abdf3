// A ready user-by-day panel (source: panel), aggregated by SQL from the example event log, gives the
// events source's estimates on that log: the panel source densifies, computes history and joins user
// features as a panel built from events does.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, root } from '../support/cli.js';

const dataDir = join(root, 'specs', 'examples', 'data');
const work = mkdtempSync(join(tmpdir(), 'causeway-panel-source-'));
after(() => rmSync(work, { recursive: true, force: true }));

const ANALYSIS = `
history:
  lag: { days: [1], of: [active_day, interactions] }
  prior: { days: [3], of: [interactions] }
  future: { days: [7], of: [interactions], incomplete: missing }
population: active_day and not missing(future_7day_interactions)
treatment: { measure: explore_share, threshold: { value: 0.5 } }
mediator: like_share
outcomes: { primary: future_7day_interactions, secondary: [future_7day_active_day] }
covariates: { numeric: [calendar_day_index, lag_1_interactions, lag_1_active_day, prior_3day_interactions, tenure_days], categorical: [plan] }
estimators:
  - { id: naive, kind: difference_in_means }
  - { id: gcomp_linear, kind: gcomp, outcome: linear }
  - { id: mediation_linear, kind: mediation, mediator_model: linear, outcome_model: linear, interaction: true }
uncertainty: { bootstrap: { reps: 5 } }
diagnostics: [overlap]
`.replace('secondary: [future_7day_active_day]', 'secondary: []');

function run(spec: string, out: string) {
  const r = spawnSync(process.execPath, [bin, 'run', spec, '--out', join(work, out), '--jobs', '1', '--quiet'], { cwd: work, encoding: 'utf8', env: { ...process.env, CAUSEWAY_CACHE: join(work, 'cache') } });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  return JSON.parse(readFileSync(join(work, out, 'results.json'), 'utf8')) as {
    cells: Array<{ diagnostics: { panel: { rows: number; users: number; days: number } }; estimators: Array<{ id: string; estimates: Record<string, { estimate: number }> }> }>;
  };
}

test('a SQL-aggregated ready panel gives the events source\'s panel size and estimates', () => {
  const log = join(dataDir, 'clips-log.csv');
  const users = `users: { path: ${join(dataDir, 'accounts.csv')}, key: account }`;
  const eventsSpec = join(work, 'events.yaml');
  writeFileSync(eventsSpec, [
    'spec: 1', 'name: from-events', 'seed: 1', 'data:', '  source: events', `  path: ${log}`,
    '  columns: { user: account, item: clip, time: ts_ms }', '  time: { unit: ms, timezone: America/Sao_Paulo, day_starts_at: 4 }', `  tables: { ${users} }`,
    'events: { explored: "surface == \'explore\'" }',
    'days: { interactions: count(), explore_share: mean(explored), like_share: mean(liked) }', ANALYSIS,
  ].join('\n'));
  const day = "CAST(timezone('America/Sao_Paulo', to_timestamp(ts_ms / 1000)) - INTERVAL 4 HOUR AS DATE)";
  const query = `SELECT account, ${day} AS day, count(*) AS interactions, avg(CASE WHEN surface = 'explore' THEN 1 ELSE 0 END) AS explore_share, ` +
    `avg(CASE WHEN liked THEN 1 ELSE 0 END) AS like_share FROM read_csv('${log}') GROUP BY 1, 2`;
  const panelSpec = join(work, 'panel.yaml');
  writeFileSync(panelSpec, [
    'spec: 1', 'name: from-panel', 'seed: 1', 'data:', '  source: panel', `  query: "${query}"`,
    '  columns: { user: account, date: day }', `  tables: { ${users} }`, ANALYSIS,
  ].join('\n'));
  const v = spawnSync(process.execPath, [bin, 'validate', panelSpec], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stderr);
  const a = run(eventsSpec, 'run-events');
  const b = run(panelSpec, 'run-panel');
  assert.deepEqual(b.cells[0].diagnostics.panel, a.cells[0].diagnostics.panel);
  assert.equal(a.cells[0].diagnostics.panel.days, 28);
  let compared = 0;
  for (const e of a.cells[0].estimators) {
    const other = b.cells[0].estimators.find((x) => x.id === e.id)!;
    for (const [key, value] of Object.entries(e.estimates)) {
      const x = value.estimate;
      const y = other.estimates[key].estimate;
      assert.ok(Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x)), `${e.id}/${key}: events ${x}, panel ${y}`);
      compared++;
    }
  }
  assert.ok(compared >= 8, `compared ${compared}`);
});

test('a ready panel with events or days sections, or a history of an unknown measure, fails validation at the spec', () => {
  const spec = join(work, 'bad-panel.yaml');
  writeFileSync(spec, ['spec: 1', 'name: bad-panel', 'data:', '  source: panel', `  path: ${join(work, 'p.csv')}`, '  columns: { user: u, date: d }',
    'days: { n: count() }', 'history: { lag: { days: [1], of: [clicks] } }',
    'treatment: { measure: m, threshold: { value: 1 } }', 'outcomes: { primary: m }', 'estimators: [{ id: naive, kind: difference_in_means }]', ''].join('\n'));
  writeFileSync(join(work, 'p.csv'), 'u,d,m\na,2023-01-01,1\n');
  const r = spawnSync(process.execPath, [bin, 'validate', spec], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad-panel\.yaml:\d+:\d+ +\/days +a ready panel/);
  assert.match(r.stderr, /`clicks`, which is not a day measure/);
});
