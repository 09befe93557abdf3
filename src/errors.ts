/**
 * Errors meant for people. Every failure a user can cause is a CausewayError with a stable
 * code and a location; the CLI prints `where  message` and never a stack trace. The codes, what
 * each means and what to do about it are listed in error-catalogue.ts (docs/errors.md).
 */
import { ERRORS, type ErrorCode, type ErrorEntry } from './error-catalogue.js';

export type { ErrorCode } from './error-catalogue.js';

export type ErrorLocation =
  | { kind: 'spec'; file: string; line: number; col: number; pointer?: string }
  | { kind: 'data'; member: string; line?: number; column?: string }
  | { kind: 'path'; path: string }
  | { kind: 'none' };

export class CausewayError extends Error {
  readonly code: ErrorCode;
  readonly where: ErrorLocation;
  /** What to do: the throw site's own hint, else the catalogue's help line for the code. */
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, where: ErrorLocation = { kind: 'none' }, hint?: string) {
    super(message);
    this.name = 'CausewayError';
    this.code = code;
    this.where = where;
    // Looked up defensively: a code forced past the type (a cast, plain JS) must not turn into a TypeError.
    this.hint = hint ?? (ERRORS as Record<string, ErrorEntry | undefined>)[code]?.help;
  }

  /** One line for a terminal: `file:line:col  /pointer  message`, `member:line column  message`, … */
  format(): string {
    const w = this.where;
    let prefix = '';
    if (w.kind === 'spec') prefix = `${w.file}:${w.line}:${w.col}  ${w.pointer ?? ''}`.trimEnd() + '  ';
    else if (w.kind === 'data') {
      prefix = w.member + (w.line !== undefined ? `:${w.line}` : '') + (w.column ? ` column ${w.column}` : '') + '  ';
    } else if (w.kind === 'path') prefix = `${w.path}  `;
    return oneLine(prefix + this.message + (this.hint ? ` (${this.hint})` : ''));
  }
}

/**
 * Control characters (a raw newline in a key or value a message quotes) shown escaped, so one error
 * is always one line of a terminal or log.
 */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** Several spec errors reported together (validation collects them all before failing). */
export class CausewayErrors extends Error {
  readonly errors: CausewayError[];
  constructor(errors: CausewayError[]) {
    super(errors.map((e) => e.format()).join('\n'));
    this.name = 'CausewayErrors';
    this.errors = errors;
  }
}

export function isCausewayError(e: unknown): e is CausewayError | CausewayErrors {
  return e instanceof CausewayError || e instanceof CausewayErrors;
}
