import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { specAjv, specSchema } from '../../src/spec/load.js';
import { scratchDir } from '../scratch.js';

const root = new URL('../../../', import.meta.url);

test('the build\'s standalone validator fills the same defaults and reports the same errors as the schema compiled at run time', async () => {
  // what scripts/postbuild.mjs writes into dist/, made here the same way
  const require = createRequire(import.meta.url);
  const standaloneCode = (require('ajv/dist/standalone/index.js') as { default: (ajv: unknown, v: unknown) => string }).default;
  const ajv = specAjv({ code: { source: true } });
  const dir = await scratchDir('prebuilt-validator');
  const file = join(dir, 'validator.cjs');
  // the scratch file lies outside the project: its requires of ajv's runtime helpers name the package's folder
  const ajvFolder = dirname(require.resolve('ajv/package.json'));
  writeFileSync(file, standaloneCode(ajv, ajv.compile(specSchema())).replace(/require\("ajv\//g, `require(${JSON.stringify(ajvFolder + '/').slice(0, -1)}`));
  const prebuilt = require(file) as ValidateFunction;
  const runtime = specAjv().compile(specSchema());

  const demo = parse(readFileSync(new URL('specs/demo/discovery-mediation.yaml', root), 'utf8')) as Record<string, unknown>;
  const broken: unknown[] = [
    demo,
    { ...demo, estimators: [{ id: 'x', kind: 'ipw', propensity: 'logistic', clip: [0.5] }] },
    { ...demo, data: { source: 'kuairec', matrix: 'huge' } },
    { ...demo, treatment: { measure: 'a', threshold: { quantile: 2 } }, unknown_section: 1 },
    { ...demo, estimators: [{ id: 'y', kind: 'no_such_kind' }], seed: 'x' },
  ];
  let failures = 0;
  for (const value of broken) {
    const a = structuredClone(value);
    const b = structuredClone(value);
    assert.equal(prebuilt(a), runtime(b));
    assert.deepEqual(a, b, 'defaults filled alike');
    const strip = (errors: typeof runtime.errors) => (errors ?? []).map(({ schema: _s, parentSchema, ...e }) => ({ ...e, parent: JSON.stringify(parentSchema) }));
    assert.deepEqual(strip(prebuilt.errors), strip(runtime.errors));
    if ((runtime.errors ?? []).length > 0) failures++;
  }
  assert.equal(failures, broken.length - 1, 'every broken spec fails, the demo passes');
});

test('a generated module runs from its code cache only when the cache was made from its very source and is whole', async () => {
  const { codeCacheBytes, evaluateCommonJs, loadGeneratedModule, CODE_CACHE_SUFFIX } = await import('../../src/spec/prebuilt-validator.js');
  const dir = scratchDir('code-cache');
  const file = join(dir, 'double.generated.cjs');
  const source = (factor: number) => `module.exports = function (x) { return x * ${factor} + 1; };\n`;
  writeFileSync(file, source(2));
  const made = evaluateCommonJs(file, source(2));
  (made.exports as (x: number) => number)(1); // compiled before the cache is made, as the build does
  // (that V8 takes the cache in a new process is the next test's; this one's Node has the source compiled already)
  writeFileSync(file + CODE_CACHE_SUFFIX, codeCacheBytes(source(2), made.script));
  const requireCache = createRequire(import.meta.url).cache;
  /** Loads the module as it is now: how, what its function gives for 3, and whether `require` loaded it (then forgotten). */
  const load = (): [string, number, boolean] => {
    const { cache, exports } = loadGeneratedModule(file);
    const required = requireCache[file] !== undefined;
    delete requireCache[file];
    return [cache, (exports as (x: number) => number)(3), required];
  };

  assert.deepEqual(load(), ['used', 7, false]);

  // a source of the same length: V8's own check (the source's length) would take the old code
  writeFileSync(file, source(3));
  assert.deepEqual(load(), ['stale', 10, true]);

  // whole bytes V8 refuses: compiled anew (a source this process has not compiled yet, or V8 would take
  // it from its in-memory compilation cache without looking at the bytes)
  const sha = (b: string | Buffer) => createHash('sha256').update(b).digest();
  writeFileSync(file, source(5));
  const junk = Buffer.from('not a code cache at all');
  writeFileSync(file + CODE_CACHE_SUFFIX, Buffer.concat([sha(source(5)), sha(junk), junk]));
  assert.deepEqual(load(), ['rejected', 16, false]);

  // V8's own bytes, damaged after they were written: never handed to V8 (it does not check them, and such
  // bytes crashed Node 20 or were taken as they were)
  writeFileSync(file, source(7));
  const data = made.script.createCachedData();
  const damaged = Buffer.from(data);
  damaged[damaged.length >> 1] ^= 0xff;
  writeFileSync(file + CODE_CACHE_SUFFIX, Buffer.concat([sha(source(7)), sha(data), damaged]));
  assert.deepEqual(load(), ['damaged', 22, true]);

  rmSync(file + CODE_CACHE_SUFFIX);
  assert.deepEqual(load(), ['absent', 22, true]);
});

test('the build leaves a code cache that a command\'s Node takes beside each generated module of the bundle', () => {
  const bundle = fileURLToPath(new URL('dist/src/bundle/', root));
  const modules = readdirSync(bundle).filter((name) => name.endsWith('.generated.cjs')).sort();
  assert.deepEqual(modules, ['default-template.generated.cjs', 'results-validator.generated.cjs', 'spec-validator.generated.cjs']);
  // a separate Node with no flags, as the CLI starts (the test runner's may differ)
  const loader = pathToFileURL(fileURLToPath(new URL('dist/src/spec/prebuilt-validator.js', root))).href;
  const script = `const { loadGeneratedModule } = await import(${JSON.stringify(loader)});
    console.log(JSON.stringify(${JSON.stringify(modules.map((m) => join(bundle, m)))}.map((m) => loadGeneratedModule(m).cache)));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), ['used', 'used', 'used']);
});
