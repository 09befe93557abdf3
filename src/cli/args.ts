/**
 * Argument parsing for every command, on node's util.parseArgs. A usage mistake is a UsageError
 * (exit 2), distinct from a bad spec or a failed run (exit 1).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { addProjectRoots } from '../spec/project.js';

export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Commands that read specs or templates take --project DIR: more folders their files may come from. */
const PROJECT_COMMANDS = new Set(['validate', 'plan', 'run', 'report', 'merge']);
export const PROJECT_HELP = `  --project DIR      also read extended specs and templates from DIR (repeatable; default: only the
                     spec's own folder tree and causeway's bundled specs/templates; docs/limits.md)`;

export function parseCommandArgs(command: string, argv: string[], options: OptionSpec): ParsedArgs {
  try {
    const all: OptionSpec = { ...options, help: { type: 'boolean', short: 'h' } };
    if (PROJECT_COMMANDS.has(command)) all.project = { type: 'string', multiple: true };
    const parsed = parseArgs({ args: argv, options: all, allowPositionals: true, strict: true });
    const project = parsed.values.project as string[] | undefined;
    if (project?.length) addProjectRoots(project);
    return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
  } catch (e) {
    const message = (e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, '');
    throw new UsageError(message, command);
  }
}

export function intOption(value: unknown, name: string, command: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min} (got '${String(value)}')`, command);
  return n;
}
