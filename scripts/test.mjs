// Builds (tsc, then the CLI's bundle), then runs every compiled test file with node's test runner.
// Node 20's runner takes no globs, so the file list is gathered here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// tsc emits even when it finds type errors; the tests still run, but the exit status reports the errors.
const tscBin = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const build = spawnSync(process.execPath, [tscBin, '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
const typeErrors = build.status !== 0;
// the CLI the tests start is the bundle of what tsc just wrote (scripts/bundle.mjs; src/cli/bin.ts)
const bundle = spawnSync(process.execPath, [join(root, 'scripts', 'bundle.mjs')], { cwd: root, stdio: 'inherit' });
if (bundle.status !== 0) {
  process.stderr.write('\nthe CLI could not be bundled (scripts/bundle.mjs); no test was run\n');
  process.exit(1);
}

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...collect(full));
    else if (name.endsWith('.test.js')) out.push(full);
  }
  return out;
}
const filter = process.argv.slice(2);
let files = collect(join(root, 'dist', 'test'));
if (filter.length) files = files.filter((f) => filter.some((pat) => relative(root, f).includes(pat)));
// node's runner starts files in the order given, two at a time; the longest ones start first so that no
// long file is left running alone at the end (CPU seconds of each file alone, measured for the README's
// suite time; the rest keep their alphabetical order).
const LONGEST_FIRST = [
  'test/examples/examples.test.js',
  'test/e2e/demo.test.js',
  'test/run/batch-recipes.test.js',
  'test/e2e/grid.test.js',
  'test/cli/usage.test.js',
  'test/report/writer.test.js',
  'test/e2e/examples-sources.test.js',
  'test/cli/validate-onepass.test.js',
];
const rank = (f) => {
  const k = LONGEST_FIRST.indexOf(relative(join(root, 'dist'), f).split('\\').join('/'));
  return k < 0 ? LONGEST_FIRST.length : k;
};
files = files.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
// The tests (and the processes they start) get a temp folder of their own: whatever is left in it
// afterwards is scratch a test did not remove, which fails the run and is named; the folder itself is
// then removed, so even a failing run leaves nothing in the system temp folder.
const scratchRoot = mkdtempSync(join(tmpdir(), 'causeway-testrun-'));
// Simulated archives shared by the test files of this run (test/support/archives.ts), removed with the rest.
const SHARED_ARCHIVES = 'shared-archives';
const env = { ...process.env, TMPDIR: scratchRoot, TMP: scratchRoot, TEMP: scratchRoot, CAUSEWAY_TEST_ARCHIVES: join(scratchRoot, SHARED_ARCHIVES) };
let result;
let leftovers = [];
try {
  result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { cwd: root, stdio: 'inherit', env });
  leftovers = readdirSync(scratchRoot).filter((name) => name !== SHARED_ARCHIVES).sort();
} finally {
  rmSync(scratchRoot, { recursive: true, force: true });
}
if (leftovers.length) {
  process.stderr.write(`\nthe tests left ${leftovers.length} entr${leftovers.length === 1 ? 'y' : 'ies'} in the temp folder (remove scratch in t.after or finally; test/scratch.ts does it): ${leftovers.join(', ')}\n`);
}
if (typeErrors) process.stderr.write('\ntype errors above: the test run fails even if every test passed\n');
process.exit(typeErrors || leftovers.length ? 1 : (result.status ?? 1));
