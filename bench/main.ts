/**
 * `npm run bench -- <name> [args]`: runs bench/<name>.ts (ingest, pipeline, memory, panel, estimate, gbm, grid, calibrate, report, longline, sources, scaling, bigevents, ovb, estimands)
 * and prints its Markdown table; `--write` also saves it under bench/results/<name>.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const BENCHES = ['ingest', 'pipeline', 'memory', 'panel', 'plan', 'estimate', 'gbm', 'grid', 'calibrate', 'report', 'longline', 'sources', 'scaling', 'bigevents', 'ovb', 'estimands'];

async function main(): Promise<number> {
  const [name, ...args] = process.argv.slice(2);
  if (!name || !BENCHES.includes(name)) {
    process.stderr.write(`usage: npm run bench -- <${BENCHES.join('|')}> [--write] [args]\n`);
    return 2;
  }
  const mod = (await import(`./${name}.js`)) as { run(args: string[]): Promise<string> };
  const table = await mod.run(args.filter((a) => a !== '--write'));
  process.stdout.write(table.endsWith('\n') ? table : table + '\n');
  if (args.includes('--write')) {
    const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.md`), table.endsWith('\n') ? table : table + '\n');
  }
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
