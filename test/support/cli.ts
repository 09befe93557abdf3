/**
 * The command line for tests, two ways.
 *
 * `causeway` starts it as a user does: a process of its own running the bundle (dist/src/cli/bin.js).
 * Tests of what only a process shows use it: the exit status, the streams, start-up, runs.
 *
 * `causewayHere` calls the same main() (src/cli/main.ts) in the test's own process, in the given folder
 * and environment, with its output captured (src/cli/output.ts). Tests of what the CLI says to a spec
 * or a usage mistake use it (validate, plan, option errors). A process of its own cost about 0.45 CPU-s
 * to start and check the demo spec: the suite's 70 validate processes took 33 of its 420 CPU-s
 * (docs/performance-notes.md, Test suite). test/cli/cli.test.ts checks that a process prints and exits
 * as main() returns.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main, reportError } from '../../src/cli/main.js';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
export const bin = join(root, 'dist', 'src', 'cli', 'bin.js');

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI in a process of its own (cwd: the repository unless given). */
export function causeway(args: string[], opts: CliOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: opts.cwd ?? root, encoding: 'utf8', env: { ...process.env, ...opts.env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The CLI's main() in this process: its exit code and what it wrote. The folder and the environment
 * variables given are set for the call and restored after it, so calls must not overlap (node's test
 * runner runs a file's tests one after another).
 */
export async function causewayHere(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t) };
  const cwd = process.cwd();
  const saved = Object.entries(opts.env ?? {}).map(([k, v]) => {
    const before = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    return [k, before] as const;
  });
  process.chdir(opts.cwd ?? root);
  try {
    // as src/cli/entry.ts does for an error main() lets through
    const code = await main(args, io).catch((e: unknown) => reportError(e, undefined, io));
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
