import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scratchDir } from '../scratch.js';

const cli = fileURLToPath(new URL('./fixtures/grid-cli.js', import.meta.url));
const tempDir = () => scratchDir('causeway-resume-');

function cachedEntries(cacheDir: string): number {
  const cells = join(cacheDir, 'cells');
  if (!existsSync(cells)) return 0;
  let n = 0;
  for (const d of readdirSync(cells)) n += readdirSync(join(cells, d)).filter((f) => f.endsWith('.json')).length;
  return n;
}

test('a grid killed with SIGKILL mid-run resumes to byte-identical results', async () => {
  const args = ['--cells', '24', '--groups', '3', '--jobs', '2', '--sleep', '100'];
  const cleanOut = join(tempDir(), 'clean.json');
  const clean = spawnSync(process.execPath, [cli, ...args, '--cache', tempDir(), '--out', cleanOut]);
  assert.equal(clean.status, 0, clean.stderr.toString());

  const cacheDir = tempDir();
  const out = join(tempDir(), 'resumed.json');
  const child = spawn(process.execPath, [cli, ...args, '--cache', cacheDir, '--out', out], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  // Kill as soon as a few cells are cached: mid-grid, with others in flight.
  while (cachedEntries(cacheDir) < 3) await new Promise((r) => setTimeout(r, 10));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  const before = cachedEntries(cacheDir);
  assert.ok(before >= 3 && before < 24, `cached before resume: ${before}`);
  assert.ok(!existsSync(out));

  const resumed = spawnSync(process.execPath, [cli, ...args, '--cache', cacheDir, '--out', out, '--progress']);
  assert.equal(resumed.status, 0, resumed.stderr.toString());
  assert.match(resumed.stderr.toString(), new RegExp(`${24 - before} computed, ${before} cached`));
  assert.equal(readFileSync(out, 'utf8'), readFileSync(cleanOut, 'utf8'));
});

test('SIGINT stops scheduling, finishes in-flight cells and exits; the next run resumes', async () => {
  const args = ['--cells', '12', '--groups', '2', '--jobs', '2', '--sleep', '120'];
  const cacheDir = tempDir();
  const out = join(tempDir(), 'interrupted.json');
  const child = spawn(process.execPath, [cli, ...args, '--cache', cacheDir, '--out', out], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  while (cachedEntries(cacheDir) < 2) await new Promise((r) => setTimeout(r, 10));
  child.kill('SIGINT');
  assert.equal(await exited, 1, 'an interrupted run exits by itself with a failure code');
  const cells = JSON.parse(readFileSync(out, 'utf8')) as Array<{ status: string; reason?: string }>;
  const ok = cells.filter((c) => c.status === 'ok').length;
  assert.ok(ok >= 2 && ok < 12, `ok cells: ${ok}`);
  assert.ok(cells.filter((c) => c.status === 'skipped').every((c) => /interrupted/.test(c.reason!)));
  // every finished cell is in the cache (in-flight ones finished rather than being lost)
  assert.equal(cachedEntries(cacheDir), ok);
  const resumed = spawnSync(process.execPath, [cli, ...args, '--cache', cacheDir, '--out', out]);
  assert.equal(resumed.status, 0);
  assert.ok((JSON.parse(readFileSync(out, 'utf8')) as Array<{ status: string }>).every((c) => c.status === 'ok'));
});
