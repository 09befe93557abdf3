// `npm run demo`: runs every spec in specs/demo/ on the embedded simulated archive and prints
// where each report is. The archive is generated deterministically on first use.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
const only = process.argv.slice(2);
const specs = readdirSync(join(root, 'specs', 'demo'))
  .filter((f) => f.endsWith('.yaml') && !f.startsWith('_'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const reports = [];
let failed = 0;
const started = Date.now();
for (const file of specs) {
  const spec = join('specs', 'demo', file);
  process.stdout.write(`\n== causeway run ${spec}\n`);
  const result = spawnSync(process.execPath, [bin, 'run', spec], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(result.stdout);
  const match = /report: (\S+)/.exec(result.stdout);
  if (match) reports.push(match[1]);
  if (result.status !== 0) failed++;
}
process.stdout.write(`\nDemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s. Reports:\n${reports.map((r) => `  ${r}`).join('\n')}\n`);
process.exit(failed ? 1 : 0);
