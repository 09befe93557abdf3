/**
 * The causeway command line: a thin layer over spec/, run/ and report/. Exit codes: 0 ok,
 * 1 invalid spec or failed run, 2 usage error. No stack trace reaches a user (CAUSEWAY_DEBUG=1
 * shows one for an internal error).
 */
import { CausewayError, CausewayErrors } from '../errors.js';
import { UsageError } from './args.js';
import { closest } from '../spec/closest.js';
import { CAUSEWAY_VERSION } from '../spec/version.js';
import { commands, type Command } from './commands.js';
import { processOutput, type CliOutput } from './output.js';

const MAIN_HELP = `causeway ${CAUSEWAY_VERSION} — causal-inference studies of recommender logs, declared in YAML

Usage: causeway <command> [options]

Commands:
${Object.values(commands)
  .map((c) => `  ${c.name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Options:
  -h, --help     help for causeway or for a command (causeway <command> --help)
  -V, --version  print the version

Exit codes: 0 ok, 1 invalid spec or failed run, 2 usage error.`;

export async function main(argv: string[], io: CliOutput = processOutput): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    if (name === 'help' && rest[0] && commands[rest[0]]) {
      io.stdout(commands[rest[0]].help + '\n');
      return 0;
    }
    io.stdout(MAIN_HELP + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '-V' || name === '--version' || name === 'version') {
    io.stdout(`${CAUSEWAY_VERSION}\n`);
    return 0;
  }
  const command: Command | undefined = commands[name];
  if (!command) {
    const guess = closest(name, Object.keys(commands));
    io.stderr(`causeway: unknown command '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}. Run 'causeway --help' for the list.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.help + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    return reportError(e, command, io);
  }
}

export function reportError(e: unknown, command?: Command, io: CliOutput = processOutput): number {
  if (e instanceof UsageError) {
    io.stderr(`causeway ${command?.name ?? ''}: ${e.message}\nRun 'causeway ${command?.name ?? ''} --help' for usage.\n`.replace('  ', ' '));
    return 2;
  }
  if (e instanceof CausewayErrors) {
    for (const err of e.errors) io.stderr(err.format() + '\n');
    io.stderr(`${e.errors.length} errors\n`);
    return 1;
  }
  if (e instanceof CausewayError) {
    io.stderr(e.format() + '\n');
    // a bad --shard / --shard-count or scheduler index is a usage mistake, like any other flag's
    return e.code === 'RUN_SHARD' ? 2 : 1;
  }
  const err = e as Error;
  io.stderr(`causeway: internal error: ${err?.message ?? String(e)}\n`);
  if (process.env.CAUSEWAY_DEBUG) io.stderr(`${err?.stack ?? ''}\n`);
  else io.stderr('This is a bug in causeway; rerun with CAUSEWAY_DEBUG=1 for details and report it.\n');
  return 1;
}
