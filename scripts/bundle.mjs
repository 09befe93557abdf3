// Bundles the compiled CLI into dist/src/bundle/ (src/cli/bin.ts loads it): the CLI's entry, the cell
// worker, the default cell runner and the inflating worker, their imports shared in chunks, the npm
// dependencies inside except those with native code and ml-matrix, which src/estimate/linalg.ts requires
// from node_modules only in its rare fallback (Node 20 spent about a third of `causeway validate`
// and of each cell worker's start resolving, reading and compiling ~150 separate modules; README,
// Performance). The bundle sits at the depth of dist/src/<stage>/ so that the compiled modules' paths
// relative to their own file (../../../package.json, ./worker.js, ./cell.js, ./wasm/…, the generated
// validators) resolve to the same files from it; those files are copied beside it. Written into a
// temporary folder and moved into place, so an interrupted build leaves the previous bundle whole.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist', 'src');
const out = join(dist, 'bundle');
const building = `${out}.building-${process.pid}`;

const entries = {
  causeway: join(dist, 'cli', 'entry.js'),
  worker: join(dist, 'run', 'worker.js'),
  cell: join(dist, 'run', 'cell.js'),
  'inflate-worker': join(dist, 'data', 'kuairec', 'inflate-worker.js'),
};

rmSync(building, { recursive: true, force: true });
try {
  await build({
    entryPoints: entries,
    outdir: building,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunk-[hash]',
    // native addons and the font file stay in node_modules
    external: ['@duckdb/node-api', '@napi-rs/canvas', 'dejavu-fonts-ttf'],
    // CommonJS dependencies call require() for Node's built-ins
    banner: { js: "import { createRequire as __causewayRequire } from 'node:module'; const require = __causewayRequire(import.meta.url);" },
    logLevel: 'error',
    legalComments: 'none',
  });
  // what the bundled modules open relative to themselves
  for (const dir of ['spec', 'report']) {
    // with their code caches (scripts/postbuild.mjs; a cache keeps the path of the file it was made
    // from, dist/src/<stage>/, which is what a stack trace from inside the module shows)
    for (const name of readdirSync(join(dist, dir))) if (/\.generated\.cjs(\.v8cache)?$/.test(name)) cpSync(join(dist, dir, name), join(building, name));
  }
  const wasm = join(dist, 'data', 'wasm', 'plain-records.wasm');
  if (existsSync(wasm)) {
    mkdirSync(join(building, 'wasm'), { recursive: true });
    cpSync(wasm, join(building, 'wasm', 'plain-records.wasm'));
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(dirname(out), { recursive: true });
  renameSync(building, out);
} finally {
  rmSync(building, { recursive: true, force: true });
}
