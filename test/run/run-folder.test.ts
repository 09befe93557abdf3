/**
 * causeway writes only into folders it owns, one run at a time, and trusts no damaged cache file:
 * `run --out` onto a file or into a folder of someone else's files is refused before any work;
 * a run folder carries a marker; two runs into one folder never crash (the second is refused);
 * a byte flipped in a cached panel is reported and the panel rebuilt, giving the clean run's results.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { CausewayError } from '../../src/errors.js';
import { runSpec } from '../../src/run/run-spec.js';
import { writeRunDirectory } from '../../src/report/writer.js';
import { lockRunFolder, RUN_LOCK, RUN_MARKER } from '../../src/report/run-folder.js';
import { exampleResults, exampleSpecYaml } from '../report/fixture.js';
import { scratchDir } from '../scratch.js';
import { writeTinyProject } from './fixtures/tiny-spec.js';
import { bin, root } from '../support/cli.js';


let project: string;
let spec: string;
before(async () => {
  project = scratchDir('run-folder');
  spec = await writeTinyProject(project);
});

function cli(args: string[], cache: string) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, CAUSEWAY_CACHE: cache, CI: 'true' } });
}

async function refused(p: Promise<unknown>, code: string): Promise<CausewayError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CausewayError, String(e));
    assert.equal(e.code, code, e.format());
    return e;
  }
  assert.fail(`expected ${code}`);
}

const quiet = (cacheDir: string) => ({ cacheDir, progress: 'none' as const, quiet: true, log: () => {} });

test('run --out onto an existing file is refused before any work', async () => {
  const file = join(project, 'a-file.txt');
  writeFileSync(file, 'mine\n');
  const cache = join(project, 'cache-file-case');
  const e = await refused(runSpec(spec, { ...quiet(cache), out: file }), 'RUN_OUT_NOT_FOLDER');
  assert.match(e.format(), /a-file\.txt {2}the run folder --out names an existing file/);
  assert.equal(readFileSync(file, 'utf8'), 'mine\n');
  assert.ok(!existsSync(cache), 'no cell was computed (the cache folder was never made)');
});

test('run --out into a non-empty folder causeway did not write is refused; its files are untouched', async () => {
  const dir = join(project, 'my-folder');
  mkdirSync(join(dir, 'figures'), { recursive: true });
  writeFileSync(join(dir, 'figures', 'chart.png'), 'not causeway');
  writeFileSync(join(dir, 'notes.md'), 'notes');
  const cache = join(project, 'cache-foreign');
  const e = await refused(runSpec(spec, { ...quiet(cache), out: dir }), 'RUN_OUT_NOT_RUN_FOLDER');
  assert.match(e.message, /holds figures, notes\.md/);
  assert.ok(!existsSync(cache));
  assert.deepEqual(readdirSync(dir).sort(), ['figures', 'notes.md']);
  assert.equal(readFileSync(join(dir, 'figures', 'chart.png'), 'utf8'), 'not causeway');
  // the writer itself refuses too, so no caller can clear another's figures/
  await assert.rejects(writeRunDirectory(dir, exampleResults(), { specYaml: exampleSpecYaml }), (x: unknown) => x instanceof CausewayError && x.code === 'RUN_OUT_NOT_RUN_FOLDER');
  assert.equal(readFileSync(join(dir, 'figures', 'chart.png'), 'utf8'), 'not causeway');
});

test('an empty folder is claimed and marked; a marked run folder is written again', async () => {
  const dir = join(project, 'empty-then-marked');
  mkdirSync(dir);
  const cache = join(project, 'cache-marked');
  const first = await runSpec(spec, { ...quiet(cache), out: dir });
  assert.equal(first.exitCode, 0);
  assert.ok(existsSync(join(dir, RUN_MARKER)), 'the run folder carries the marker');
  assert.ok(!existsSync(join(dir, RUN_LOCK)), 'the lock is released');
  const index = readFileSync(join(dir, 'tables', 'artifact_index.csv'), 'utf8');
  assert.doesNotMatch(index, /causeway-run/, 'marker and lock are not artifacts');
  const again = await runSpec(spec, { ...quiet(cache), out: dir });
  assert.equal(again.exitCode, 0);
});

test('a run folder that another run holds is refused with a clear message; a stale lock is taken over', async () => {
  const dir = join(project, 'held');
  const cache = join(project, 'cache-held');
  const release = lockRunFolder(dir);
  try {
    const e = await refused(runSpec(spec, { ...quiet(cache), out: dir }), 'RUN_FOLDER_LOCKED');
    assert.match(e.message, new RegExp(`another causeway run \\(pid ${process.pid}`));
    assert.ok(!existsSync(cache), 'refused before any work');
  } finally {
    release();
  }
  // a lock whose process is gone (a run killed with SIGKILL) does not block the next run
  writeFileSync(join(dir, RUN_LOCK), JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), startedAt: 'then' }));
  const outcome = await runSpec(spec, { ...quiet(cache), out: dir });
  assert.equal(outcome.exitCode, 0);
});

test('a lock found the instant before its run has written itself into it still names that run', async () => {
  const dir = scratchDir('run-folder-lock-race');
  const lock = join(dir, RUN_LOCK);
  // another process creates the lock empty, as openSync(…, 'wx') leaves it, and fills it in 30 ms later
  const child = spawn(process.execPath, ['-e', `
    const fs = require('node:fs');
    fs.closeSync(fs.openSync(${JSON.stringify(lock)}, 'wx'));
    process.stdout.write('created\\n');
    setTimeout(() => {
      fs.writeFileSync(${JSON.stringify(lock)}, JSON.stringify({ pid: process.pid, host: require('node:os').hostname(), startedAt: 'now' }) + '\\n');
      setTimeout(() => {}, 2000);
    }, 30);
  `]);
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the lock holder exited early (${code})`)));
    });
    assert.throws(
      () => lockRunFolder(dir),
      (e: unknown) => e instanceof CausewayError && e.code === 'RUN_FOLDER_LOCKED' && e.message.includes(`(pid ${child.pid} `),
    );
  } finally {
    child.kill();
  }
});

test('two runs started together into one folder: one writes it, the other is refused cleanly (no ENOTEMPTY)', async () => {
  const cache = scratchDir('run-folder-cache');
  const out = join(project, 'concurrent');
  const start = () => {
    const child = spawn(process.execPath, [bin, 'run', spec, '--out', out, '--no-cache'], { cwd: project, env: { ...process.env, CAUSEWAY_CACHE: cache, CI: 'true' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  };
  const results = await Promise.all([start(), start(), start()]);
  for (const r of results) {
    assert.doesNotMatch(r.stderr, /internal error|ENOTEMPTY|EEXIST|at .*\.js:\d+/, r.stderr);
    if (r.code !== 0) {
      assert.equal(r.code, 1);
      assert.match(r.stderr, /another causeway run .* is writing to this run folder/);
    }
  }
  assert.ok(results.some((r) => r.code === 0), results.map((r) => r.stderr).join('\n---\n'));
  assert.ok(existsSync(join(out, 'results.json')) && existsSync(join(out, 'report.md')));
  assert.ok(!existsSync(join(out, RUN_LOCK)));
});

test('a byte flipped in a cached panel: a warning, the panel rebuilt, results identical to a clean run', () => {
  const cache = scratchDir('run-folder-panel-cache');
  const clean = cli(['run', spec, '--out', join(project, 'clean'), '--no-cache'], cache);
  assert.equal(clean.status, 0, clean.stderr);
  const panels = join(cache, 'panels');
  const [name] = readdirSync(panels).filter((f) => f.endsWith('.arrow'));
  const file = join(panels, name);
  const bytes = readFileSync(file);
  // the outcome column's values, located through Arrow (the checksum trailer stripped when present)
  const magicAt = bytes.length - 40;
  const arrowBytes = bytes.subarray(magicAt, magicAt + 8).toString('latin1') === 'CWPANSUM' ? bytes.subarray(0, magicAt) : bytes;
  const column = tableFromIPC(arrowBytes).getChild('n:future_3day_interactions')!.toArray() as Float64Array;
  const at = bytes.indexOf(Buffer.from(column.buffer, column.byteOffset, column.byteLength));
  assert.ok(at > 0, 'the column bytes are in the file');
  // Arrow decodes the file fine after this (it has no checksum of its own): every outcome value
  // is scaled by 2^16 through its exponent byte.
  let changed = 0;
  column.forEach((v, i) => {
    if (Number.isFinite(v) && v !== 0) {
      bytes[at + i * 8 + 7] ^= 0x01;
      changed++;
    }
  });
  assert.ok(changed > 10);
  writeFileSync(file, bytes);
  const damaged = cli(['run', spec, '--out', join(project, 'after-damage'), '--no-cache'], cache);
  assert.equal(damaged.status, 0, damaged.stderr);
  assert.match(damaged.stderr, /warning: panel cache file .*\.arrow is unreadable \(checksum mismatch\); rebuilding/);
  assert.equal(readFileSync(join(project, 'after-damage', 'results.json'), 'utf8'), readFileSync(join(project, 'clean', 'results.json'), 'utf8'));
});

test('a cached data summary edited on disk: a warning, re-read from the data, results identical to a clean run', () => {
  const cache = scratchDir('run-folder-summary-cache');
  const clean = cli(['run', spec, '--out', join(project, 'summary-clean'), '--no-cache'], cache);
  assert.equal(clean.status, 0, clean.stderr);
  const dir = join(cache, 'data-summaries');
  const [name] = readdirSync(dir);
  const file = join(dir, name);
  const text = readFileSync(file, 'utf8');
  // still valid JSON, and plausible: only a checksum can tell (the coverage goes into results.json)
  const edited = text.replace(/\\"users\\":(\d+)/, (_m, n: string) => `\\"users\\":${Number(n) + 1}`);
  assert.notEqual(edited, text);
  writeFileSync(file, edited);
  const again = cli(['run', spec, '--out', join(project, 'summary-damaged'), '--no-cache'], cache);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /warning: data summary cache file .* is unreadable \(checksum mismatch\); rebuilding/);
  assert.equal(readFileSync(join(project, 'summary-damaged', 'results.json'), 'utf8'), readFileSync(join(project, 'summary-clean', 'results.json'), 'utf8'));
});

test('data.path "/" is refused quickly with a clear error, and the run leaves no folder behind', async () => {
  const rootSpec = join(project, 'root.yaml');
  writeFileSync(rootSpec, readFileSync(spec, 'utf8').replace('path: archive/18164998.zip', 'path: /'));
  const out = join(project, 'root-run');
  const e = await refused(runSpec(rootSpec, { ...quiet(join(project, 'cache-root')), out }), 'DATA_FOLDER_TOO_BROAD');
  assert.match(e.message, /the whole file system \(it is the root\)/);
  assert.ok(!existsSync(out), 'the run folder it made is removed');
});
