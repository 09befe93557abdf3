/**
 * Which folders causeway may write into and clear. A run folder carries a marker file
 * (`RUN_MARKER`); causeway replaces `figures/`, `tables/` and `cells/` only in a folder that carries
 * it, so `run --out DIR` into a folder of someone else's files is refused instead of deleting them.
 * A folder is claimed when it is absent, empty, already marked, or a run folder written before the
 * marker existed (its manifest.json has causeway's manifest schema).
 *
 * Concurrent runs into one folder are refused by a lock file (`RUN_LOCK`, created exclusively, holding
 * the owner's pid and host): the second run stops before any work with a message naming the first.
 * A lock left by a process that no longer exists on this host is taken over.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { CausewayError } from '../errors.js';
import { writeFileAtomic } from './files.js';

/** The marker file of a run folder. Its content is constant, so run folders stay byte-comparable. */
export const RUN_MARKER = '.causeway-run';
const RUN_MARKER_TEXT = '{"schema":"causeway.run-folder/1"}\n';
/** The lock of a run folder being written (never listed in the artifact index). */
export const RUN_LOCK = '.causeway-run.lock';

/** Names causeway itself puts into a run folder before it is marked. */
const OWN_NAMES = new Set([RUN_MARKER, RUN_LOCK]);

function isLegacyRunFolder(dir: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { schema?: unknown };
    return manifest.schema === 'causeway.manifest/1';
  } catch {
    return false;
  }
}

/**
 * Refuses a run folder causeway may not write into: a path that is a file (or anything but a folder),
 * or a folder holding files that causeway did not write. Does not create anything.
 */
export function checkRunFolder(runDir: string, option = '--out'): void {
  const dir = resolve(runDir);
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    return; // absent: created on claim
  }
  if (!isDir) {
    throw new CausewayError('RUN_OUT_NOT_FOLDER', `the run folder ${option} names an existing file, not a folder`, { kind: 'path', path: dir }, 'give a new or empty folder, or a folder causeway wrote before');
  }
  const names = readdirSync(dir);
  if (names.includes(RUN_MARKER) || names.every((n) => OWN_NAMES.has(n)) || isLegacyRunFolder(dir)) return;
  const shown = names.sort().slice(0, 5).join(', ') + (names.length > 5 ? `, … (${names.length} entries)` : '');
  throw new CausewayError(
    'RUN_OUT_NOT_RUN_FOLDER',
    `the folder is not empty and is not a causeway run folder (it holds ${shown}); causeway writes only into a new or empty folder or one it wrote before`,
    { kind: 'path', path: dir },
    `choose another ${option}, or empty the folder yourself`,
  );
}

/** Checks the folder, creates it and marks it as a run folder. */
export function claimRunFolder(runDir: string, option = '--out'): void {
  checkRunFolder(runDir, option);
  const dir = resolve(runDir);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, RUN_MARKER))) writeFileAtomic(dir, RUN_MARKER, RUN_MARKER_TEXT);
}

/** Removes a run folder this run made and left empty (a run that failed before writing anything). */
export function removeIfUnused(runDir: string): void {
  try {
    rmdirSync(resolve(runDir)); // only an empty folder: anything in it, another run's lock included, stays
  } catch {
    // not empty, or gone: either way nothing of ours to remove
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Who holds the lock: its JSON, read again for up to about 200 ms while it is empty or partial (a run that
 * created it this instant has yet to write itself into it), so that the refusal names the run; {} when
 * it stays unreadable (damaged, or released meanwhile: still treated as held — the run that held it may
 * just have written the folder).
 */
function readHolder(file: string): { pid?: number; host?: string; startedAt?: string } {
  for (let tries = 0; ; tries++) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as { pid?: number; host?: string; startedAt?: string };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || tries >= 40) return {};
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

/**
 * Takes the folder's lock, or throws RUN_FOLDER_LOCKED naming the run that holds it. Returns the
 * release function (idempotent). Call after `checkRunFolder`, before any work.
 */
export function lockRunFolder(runDir: string): () => void {
  const dir = resolve(runDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, RUN_LOCK);
  const me = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && attempt < 2) {
        // a failed run removed the folder it had made (removeIfUnused) between our mkdir and open
        mkdirSync(dir, { recursive: true });
        continue;
      }
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readHolder(file);
      const stale = holder.host === me.host && typeof holder.pid === 'number' && holder.pid !== process.pid && !processAlive(holder.pid);
      if (stale && attempt < 2) {
        rmSync(file, { force: true });
        continue;
      }
      const who = holder.pid !== undefined ? ` (pid ${holder.pid}${holder.host ? ` on ${holder.host}` : ''}${holder.startedAt ? `, started ${holder.startedAt}` : ''})` : '';
      throw new CausewayError(
        'RUN_FOLDER_LOCKED',
        `another causeway run${who} is writing to this run folder`,
        { kind: 'path', path: dir },
        `wait for it to finish, or choose another --out; if no run is active, delete ${RUN_LOCK}`,
      );
    }
    try {
      writeSync(fd, JSON.stringify(me) + '\n');
    } finally {
      closeSync(fd);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      rmSync(file, { force: true });
    };
  }
  throw new CausewayError('RUN_FOLDER_LOCKED', 'could not take the run folder lock', { kind: 'path', path: dir });
}
