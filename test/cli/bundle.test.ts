// The installed executable runs the CLI's bundle (scripts/bundle.mjs, src/cli/bin.ts): every file the
// bundled code opens relative to itself is there, and without a bundle the executable says what to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { scratchDir } from '../scratch.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dist = join(root, 'dist', 'src');
const bundle = join(dist, 'bundle');

test('every path the bundled modules open relative to themselves exists: workers, runner, WebAssembly, generated modules, package.json', () => {
  const files = readdirSync(bundle).filter((f) => f.endsWith('.js'));
  for (const entry of ['causeway.js', 'worker.js', 'cell.js', 'inflate-worker.js']) assert.ok(files.includes(entry), entry);
  const opened = new Set<string>();
  for (const f of files) {
    for (const m of readFileSync(join(bundle, f), 'utf8').matchAll(/new URL\("([^"]+)", import\.meta\.url\)/g)) opened.add(m[1]!);
  }
  // the engine's worker and runner, the inflating worker, the CSV reader's WebAssembly, the version
  for (const rel of ['./worker.js', './cell.js', './inflate-worker.js', './wasm/plain-records.wasm', '../../../package.json']) assert.ok(opened.has(rel), `${rel} is no longer opened: update this test`);
  for (const rel of opened) assert.ok(existsSync(fileURLToPath(new URL(rel, `file://${bundle}/x.js`))), `${rel}, opened by the bundle, is missing`);
  // the standalone validators and the precompiled template, opened by names held in constants
  for (const dir of ['spec', 'report']) {
    for (const name of readdirSync(join(dist, dir)).filter((n) => n.endsWith('.generated.cjs'))) {
      assert.ok(readFileSync(join(bundle, name)).equals(readFileSync(join(dist, dir, name))), `${name} in the bundle differs from the build's`);
    }
  }
});

test('the executable without a bundle beside it exits 1 saying to build, without a stack trace', () => {
  const d = scratchDir('causeway-nobundle-');
  mkdirSync(join(d, 'dist', 'src', 'cli'), { recursive: true });
  copyFileSync(join(dist, 'cli', 'bin.js'), join(d, 'dist', 'src', 'cli', 'bin.js'));
  const r = spawnSync(process.execPath, [join(d, 'dist', 'src', 'cli', 'bin.js'), '--version'], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bundle\/causeway\.js is missing; run `npm run build`/);
  assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/);
  assert.equal(r.stdout, '');
});

test('the executable runs the bundle, not the compiled tree: --help loads bundle/causeway.js and not cli/main.js; --version loads neither', () => {
  // a module-load hook (node:module register) that names every module as it loads
  const d = scratchDir('causeway-bundle-hooks-');
  writeFileSync(join(d, 'hooks.mjs'), "export async function load(url, context, next) { process.stderr.write('loaded ' + url + '\\n'); return next(url, context); }\n");
  writeFileSync(join(d, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(d, 'hooks.mjs')).href)});\n`);
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const withHooks = (arg: string) => {
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(d, 'register.mjs')).href, join(dist, 'cli', 'bin.js'), arg], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return { stdout: r.stdout, loaded: r.stderr.split('\n').filter((l) => l.startsWith('loaded file:')).map((l) => fileURLToPath(l.slice('loaded '.length))) };
  };
  const help = withHooks('--help');
  assert.ok(help.stdout.startsWith(`causeway ${version} — `), help.stdout);
  assert.ok(help.loaded.includes(join(bundle, 'causeway.js')), help.loaded.join('\n'));
  assert.ok(!help.loaded.includes(join(dist, 'cli', 'main.js')), 'the compiled tree was loaded');
  // --version answers from the one module that reads package.json (src/cli/bin.ts), the bundle unloaded
  const v = withHooks('--version');
  assert.equal(v.stdout, `${version}\n`);
  assert.deepEqual(v.loaded.filter((f) => f !== join(dist, 'cli', 'bin.js')), [join(dist, 'spec', 'version.js')]);
});
