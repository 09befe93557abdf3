/**
 * The files a spec may read: itself, the specs it `extends` and its report template. Each must be a
 * regular file (not a device, FIFO or folder) of bounded size inside the spec's project: the folder
 * tree of the spec, a folder named with `--project` (or CAUSEWAY_PROJECT), or causeway's own specs/
 * and templates/ folders. Symlinks are followed to their target, which must lie inside too. Errors
 * name the path only and never quote a byte of the file (docs/limits.md).
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Largest spec file (YAML) causeway reads. A long spec is a few hundred lines, some 20 KB. */
export const MAX_SPEC_BYTES = 1 << 20;
/** Largest report template or partial causeway reads. */
export const MAX_TEMPLATE_BYTES = 1 << 20;

const installRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** causeway's own specs and templates: trusted like the code, so a spec may extend a bundled demo spec. */
const BUNDLED_ROOTS = [resolve(installRoot, 'specs'), resolve(installRoot, 'templates')];

/** Folders named on the command line (`--project`), handed to worker threads and shard processes by environment. */
function commandLineProjectRoots(): string[] {
  return (process.env.CAUSEWAY_PROJECT ?? '').split(delimiter).filter((p) => p.trim() !== '').map((p) => resolve(p));
}

/** Records `--project` folders so every later load (workers included) accepts files inside them. */
export function addProjectRoots(folders: string[]): void {
  const all = [...commandLineProjectRoots(), ...folders.map((f) => resolve(f))];
  process.env.CAUSEWAY_PROJECT = [...new Set(all)].join(delimiter);
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The allowed roots for a file read on behalf of a spec in `specDir`. */
export function projectRoots(specDir: string): string[] {
  return [specDir, ...commandLineProjectRoots(), ...BUNDLED_ROOTS];
}

type ReadRefusal = 'missing' | 'outside' | 'not-regular' | 'too-large' | 'unreadable';

export class ProjectReadError extends Error {
  constructor(readonly reason: ReadRefusal, readonly path: string, readonly detail: string) {
    super(detail);
  }
}

/**
 * Reads a project file as UTF-8, or throws ProjectReadError. The file is opened without blocking (a
 * FIFO would otherwise wait for a writer), checked by fstat to be a regular file, and read up to
 * `maxBytes` + 1 so a file that grows while read is still refused.
 */
export function readProjectFile(path: string, roots: string[], maxBytes: number, what: string): string {
  const absolute = resolve(path);
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ProjectReadError('missing', absolute, `${what} not found`);
    throw new ProjectReadError('unreadable', absolute, `cannot read the ${what} (${code ?? 'error'})`);
  }
  if (!roots.some((r) => inside(realOrSelf(resolve(r)), real))) {
    throw new ProjectReadError('outside', absolute, `the ${what} lies outside the spec's project (the spec's folder tree); name its folder with --project to allow it`);
  }
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new ProjectReadError('unreadable', absolute, `cannot read the ${what} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ProjectReadError('not-regular', absolute, `the ${what} is not a regular file`);
    if (st.size > maxBytes) throw new ProjectReadError('too-large', absolute, `the ${what} has ${st.size} bytes; at most ${maxBytes} are allowed`);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) throw new ProjectReadError('too-large', absolute, `the ${what} has more than ${maxBytes} bytes`);
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
