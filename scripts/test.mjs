// Builds, then runs every compiled test file with node's test runner.
// Node 20's runner takes no globs, so the file list is gathered here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// tsc emits even when it finds type errors; the tests still run, but the exit status reports the errors.
const tscBin = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const build = spawnSync(process.execPath, [tscBin, '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
const typeErrors = build.status !== 0;

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
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { cwd: root, stdio: 'inherit' });
if (typeErrors) process.stderr.write('\ntype errors above: the test run fails even if every test passed\n');
process.exit(typeErrors ? 1 : (result.status ?? 1));
