/**
 * Golden examples: every demo spec (specs/demo/) run on one small simulated archive, with its
 * results.json and report.md committed beside this file and every other output file by SHA-256.
 * A change that moves a number, a sentence or a figure shows in the diff of test/examples/.
 *
 * Regenerate after an intended change with `npm run examples:update` (scripts/examples.mjs), then
 * read the diff. Paths inside the example specs are relative, so cell ids (and so the seeds derived
 * from them) do not depend on where the scratch folder lies.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { simulatedArchive } from '../support/archives.js';
import { bin, root } from '../support/cli.js';

export const examplesDir = join(root, 'test', 'examples');

/** The archive every example reads: small enough for the test suite, large enough for every estimator. */
export const ARCHIVE_ARGS = ['--users', '90', '--days', '30', '--videos', '400', '--seed', '11'];

/** Per demo spec: the overrides that keep the example fast (fewer bootstrap and refuter replicates). */
export const EXAMPLES: Array<{ name: string; demo: string; overrides: string }> = [
  { name: 'discovery-mediation', demo: 'discovery-mediation.yaml', overrides: 'uncertainty: { bootstrap: { reps: 40 } }\nsensitivity: { refuter_reps: 3 }\n' },
  { name: 'discovery-mediation-robustness', demo: 'discovery-mediation-robustness.yaml', overrides: 'uncertainty: { bootstrap: { reps: 20 } }\n' },
  { name: 'long-term-effects', demo: 'long-term-effects.yaml', overrides: 'uncertainty: { bootstrap: { reps: 40 } }\nsensitivity: { refuter_reps: 3 }\n' },
];

/** Files compared byte for byte; every other file of the run folder is compared by hash. */
export const TEXT_FILES = ['results.json', 'report.md'];
/** Run-folder files that record when and on which machine a run happened, not what it found. */
const VOLATILE = new Set(['manifest.json']);

/** The CLI in `work` with the examples' cache (`work/cache`, which the example runs fill); its stdout. */
export function causeway(work: string, args: string[]): string {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, CAUSEWAY_CACHE: join(work, 'cache'), CI: 'true' },
  });
  if (r.status !== 0) throw new Error(`causeway ${args.join(' ')} exited ${r.status}\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full, base));
    else out.push(relative(base, full));
  }
  return out;
}

export interface ExampleOutput {
  name: string;
  text: Record<string, string>;
  /** relative path → sha256 of every other non-volatile file of the run folder */
  hashes: Record<string, string>;
}

/** Generates the archive once in `work` and runs every example into `work/<name>`. */
export function runExamples(work: string): ExampleOutput[] {
  // the archive is built once per suite run (test/support/archives.ts) and copied here, where the example
  // specs name it by a relative path
  const archive = simulatedArchive(ARCHIVE_ARGS, join(work, 'archive'));
  if (archive !== join(work, 'archive', '18164998.zip')) {
    mkdirSync(join(work, 'archive'), { recursive: true });
    for (const file of ['18164998.zip', 'truth.json']) copyFileSync(join(dirname(archive), file), join(work, 'archive', file));
  }
  const outputs: ExampleOutput[] = [];
  for (const ex of EXAMPLES) {
    const specFile = `${ex.name}.yaml`;
    writeFileSync(
      join(work, specFile),
      `extends: ${join(root, 'specs', 'demo', ex.demo)}\ndata: { path: archive/18164998.zip }\n${ex.overrides}`,
    );
    causeway(work, ['run', specFile, '--out', ex.name, '--no-cache']);
    const dir = join(work, ex.name);
    const text: Record<string, string> = {};
    const hashes: Record<string, string> = {};
    for (const file of listFiles(dir)) {
      if (VOLATILE.has(file)) continue;
      const bytes = readFileSync(join(dir, file));
      if (TEXT_FILES.includes(file)) text[file] = bytes.toString('utf8');
      else hashes[file] = createHash('sha256').update(bytes).digest('hex');
    }
    outputs.push({ name: ex.name, text, hashes });
  }
  return outputs;
}

export function writeGolden(outputs: ExampleOutput[]): void {
  for (const out of outputs) {
    const dir = join(examplesDir, out.name);
    mkdirSync(dir, { recursive: true });
    for (const [file, content] of Object.entries(out.text)) writeFileSync(join(dir, file), content);
    writeFileSync(join(dir, 'files.sha256.json'), JSON.stringify(out.hashes, null, 2) + '\n');
  }
}
