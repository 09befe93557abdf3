/**
 * Where the command line's own lines go: the process's streams, or — when a test calls main() in its own
 * process (test/support/cli.ts) — buffers it reads. Progress of a run still goes to the process's streams
 * (src/run/run-spec.ts); a test starts `run` as a process of its own.
 */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processOutput: CliOutput = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};
