/**
 * Argument parsing for every command, on node's util.parseArgs. A usage mistake is a UsageError
 * (exit 2), distinct from a bad spec or a failed run (exit 1).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closest } from '../spec/closest.js';
import { addProjectRoots } from '../spec/project.js';

export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Commands that read specs or templates take --project DIR: more folders their files may come from. */
const PROJECT_COMMANDS = new Set(['validate', 'plan', 'run', 'report', 'merge']);
export const PROJECT_HELP = `  --project DIR      also read extended specs and templates from DIR (repeatable; default: only the
                     spec's own folder tree and causeway's bundled specs/templates; docs/limits.md)`;

export function parseCommandArgs(command: string, argv: string[], options: OptionSpec): ParsedArgs {
  const all: OptionSpec = { ...options, help: { type: 'boolean', short: 'h' } };
  try {
    if (PROJECT_COMMANDS.has(command)) all.project = { type: 'string', multiple: true };
    const parsed = parseArgs({ args: argv, options: all, allowPositionals: true, strict: true });
    const project = parsed.values.project as string[] | undefined;
    if (project?.length) addProjectRoots(project);
    return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
  } catch (e) {
    throw new UsageError(describeParseError(e as Error & { code?: string }, all), command);
  }
}

/** node's parseArgs messages in causeway's words, with "did you mean" for a mistyped option. */
function describeParseError(e: Error & { code?: string }, options: OptionSpec): string {
  const names = Object.keys(options).map((n) => `--${n}`);
  // node quotes the option as '--jbos', '-j, --jobs <value>' or '--quiet': take the long name if present
  const quotedText = /'([^']+)'/.exec(e.message)?.[1] ?? '';
  const quoted = /--[^\s<=,']+/.exec(quotedText)?.[0] ?? /-[^\s<=,']+/.exec(quotedText)?.[0];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted) {
    const guess = closest(quoted, names);
    return `unknown option ${quoted}` + (guess ? `; did you mean ${guess}?` : '');
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && quoted) {
    if (/argument missing/.test(e.message)) return `${quoted} needs a value`;
    if (/ambiguous/.test(e.message)) return `${quoted} needs a value (for one that starts with '-', write ${quoted}=-…)`;
    return `${quoted} takes no value`;
  }
  return e.message.replace(/^TypeError \[[A-Z_]+\]: /, '');
}

/**
 * A whole-number option within [min, max]; the bounds keep a typo such as `--jobs 1e9` from being taken
 * literally. Returns undefined when the option was not given.
 */
export function intOption(value: unknown, name: string, command: string, min = 0, max = 1_000_000): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const n = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} takes a whole number from ${min} to ${max} (got '${String(value)}')`, command);
  }
  return n;
}

/** -S / --sweep, for the commands that load a spec (src/spec/overrides.ts). */
export const OVERRIDE_OPTIONS: OptionSpec = {
  set: { type: 'string', short: 'S', multiple: true },
  sweep: { type: 'string', multiple: true },
};
export const OVERRIDE_HELP = `  -S, --set PATH=VALUE   set a spec value from the command line (repeatable; VALUE is YAML),
                         e.g. -S treatment.threshold.value=0.6 -S estimators.ipw.clip=[0.05,0.95]
  --sweep PATH=A,B,...   add a grid axis from the command line (repeatable), e.g. --sweep mediator=a,b`;

/** The overrides given on a command line, or undefined when there are none. */
export function overridesFrom(values: ParsedArgs['values']): { set?: string[]; sweep?: string[] } | undefined {
  const set = (values.set as string[] | undefined) ?? [];
  const sweep = (values.sweep as string[] | undefined) ?? [];
  return set.length || sweep.length ? { set, sweep } : undefined;
}
