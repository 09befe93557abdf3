// A run's memory: the native libraries of the figures (@napi-rs/canvas) and of DuckDB take about 30 MB
// resident each once loaded, so the CLI's main thread must not load the figures' library while its
// cells run (src/run/run-spec.ts imports the report writer after them), and a cell worker must not load
// DuckDB unless a cell reads through it (src/run/source-panel.ts). Checked in a fresh process through
// the shared objects Node reports as loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const moduleUrl = (rel: string) => pathToFileURL(join(root, 'dist', 'src', rel)).href;

/** The shared objects loaded by a fresh Node process after importing `modules` (and calling `then(last module)`). */
function sharedObjectsAfter(modules: string[], then = ''): string[] {
  const script = `let mod; for (const m of ${JSON.stringify(modules)}) mod = await import(m); ${then ? `(${then})(mod);` : ''} process.stdout.write(JSON.stringify(process.report.getReport().sharedObjects));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as string[];
}

const canvas = (objects: string[]) => objects.filter((o) => /napi-rs|skia/i.test(o));
const duckdb = (objects: string[]) => objects.filter((o) => /duckdb/i.test(o));

test('the run command and the cell runner load neither the figures library nor DuckDB until they need them', () => {
  const objects = sharedObjectsAfter([moduleUrl('cli/commands.js'), moduleUrl('run/run-spec.js'), moduleUrl('run/cell.js')]);
  assert.deepEqual(canvas(objects), [], 'the figures library is loaded before any cell has run');
  assert.deepEqual(duckdb(objects), [], 'DuckDB is loaded by a cell that does not read through it');
});

test('drawing a figure loads the figures library, which the report writer alone does not (the check above can see it)', () => {
  // a cached re-run keeps its report and draws nothing: the library is required for the first figure (src/report/figures/render.ts)
  assert.deepEqual(canvas(sharedObjectsAfter([moduleUrl('report/writer.js')])), []);
  assert.notDeepEqual(canvas(sharedObjectsAfter([moduleUrl('report/writer.js'), moduleUrl('report/figures/render.js')], '(render) => render.ensureChartSetup()')), []);
  assert.notDeepEqual(duckdb(sharedObjectsAfter([moduleUrl('data/duckdb/engine.js')])), []);
});
