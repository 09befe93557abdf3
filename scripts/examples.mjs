// `npm run examples:update`: rebuilds, re-runs the golden examples (test/examples/examples.ts) and
// rewrites test/examples/<name>/ with what they produce now. Review the diff before committing it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const { runExamples, writeGolden } = await import(join(root, 'dist', 'test', 'examples', 'examples.js'));
const work = mkdtempSync(join(tmpdir(), 'causeway-examples-'));
try {
  writeGolden(runExamples(work));
  process.stdout.write('test/examples/ rewritten; review it with `git diff --stat test/examples/`\n');
} finally {
  rmSync(work, { recursive: true, force: true });
}
