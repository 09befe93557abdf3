/** The value after `name` in a bench's arguments (`--reps 20`), or `dflt` when it is absent. */
export function arg(args: string[], name: string, dflt: string): string {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
}
