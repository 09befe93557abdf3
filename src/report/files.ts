/**
 * Output files of a run directory: every path is resolved and checked to stay inside the run
 * directory, and every write is atomic (temp file in the same folder + rename), so an interrupted
 * run never leaves a half-written report or results.json.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CausewayError } from '../errors.js';

/**
 * Resolves `rel` against `root` and refuses anything that would land outside it
 * (`../x`, absolute paths, NUL bytes). Returns the absolute path.
 */
export function resolveInside(root: string, rel: string): string {
  const base = resolve(root);
  if (rel.includes('\0')) throw new CausewayError('REPORT_PATH_ESCAPE', `output path contains a NUL byte: ${JSON.stringify(rel)}`, { kind: 'path', path: rel });
  if (isAbsolute(rel)) {
    throw new CausewayError('REPORT_PATH_ESCAPE', `output path must be relative to the run directory: ${rel}`, { kind: 'path', path: rel });
  }
  const full = resolve(base, rel);
  const back = relative(base, full);
  if (back === '' || back === '..' || back.startsWith('..' + sep) || isAbsolute(back)) {
    throw new CausewayError('REPORT_PATH_ESCAPE', `output path leaves the run directory: ${rel}`, { kind: 'path', path: rel }, 'use a name without "..", "/" or "\\"');
  }
  return full;
}

/**
 * A single path segment that is safe as a folder or file name (spec names, cell ids, figure names).
 * Refuses separators, "..", leading dots and control characters rather than silently rewriting them.
 */
export function assertSafeSegment(name: string, what: string): string {
  if (
    name.length === 0 ||
    name.length > 200 ||
    name === '.' ||
    name === '..' ||
    name.startsWith('.') ||
    /[\/\\\0-\x1f<>:"|?*]/.test(name)
  ) {
    throw new CausewayError('REPORT_UNSAFE_NAME', `${what} ${JSON.stringify(name)} cannot be used as a file name`, { kind: 'path', path: name }, 'use letters, digits, "-", "_" and "."');
  }
  return name;
}

/**
 * Writes atomically (temp file in the same folder + fsync + rename), creating folders as needed.
 * `writeFileAtomic(root, rel, data)` checks that root/rel stays inside root (run-directory outputs);
 * `writeFileAtomic(path, data)` writes a path the user named (e.g. `compare --out FILE`).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): string;
export function writeFileAtomic(root: string, rel: string, data: string | Uint8Array): string;
export function writeFileAtomic(a: string, b: string | Uint8Array, c?: string | Uint8Array): string {
  const full = c === undefined ? resolve(a) : resolveInside(a, b as string);
  const data = c === undefined ? b : c;
  mkdirSync(dirname(full), { recursive: true });
  const tmp = `${full}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(tmp, data);
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, full);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return full;
}

/**
 * `root/<spec name>/<run id>`, refusing names that are not a single safe path segment
 * (a spec named `../../x` never writes outside `root`).
 */
export function runDirectoryFor(root: string, specName: string, runId: string): string {
  assertSafeSegment(specName, 'spec name');
  assertSafeSegment(runId, 'run id');
  return resolveInside(root, join(specName, runId));
}
