/**
 * The main thread's side of inflating a zip member on a worker thread (./inflate-worker.ts), and the
 * errors a member read ends with, which archive.ts's in-process inflater gives too.
 */
import { Worker } from 'node:worker_threads';
import { CausewayError } from '../../errors.js';
import { INFLATE_CHUNK } from './gzip-frame.js';
import { lendShared } from '../plain-records.js';
import type { InflateJob, InflateMessage } from './inflate-worker.js';

/**
 * Deflated members from this size up, read with transient chunks, are inflated on a worker thread:
 * below it the worker's start-up (tens of ms) outweighs the overlap. 16 MiB takes item_daily_features.csv
 * (43 MB) as well as the matrix: inflated in-process, its chunks were garbage that the reading thread,
 * with no other chunks to collect any more, kept to the end of the read (the pipeline bench's peak RSS
 * 381–396 MB with the matrix alone on a worker, 378–379 MB with both, 369–370 MB before either).
 * Tests lower it (setInflateWorkerMinBytes).
 */
let minBytes = 16 << 20;
export const inflateWorkerMinBytes = (): number => minBytes;
/** Sets the size from which transient reads inflate on a worker thread; returns the previous one. */
export function setInflateWorkerMinBytes(bytes: number): number {
  const previous = minBytes;
  minBytes = bytes;
  return previous;
}
/** The worker's pool: 6 slots of one inflated chunk (1 MiB), so inflating runs up to 6 MiB ahead of the parser. */
const WORKER_CHUNK = INFLATE_CHUNK;
const WORKER_POOL = 6;
const INFLATE_WORKER = new URL('./inflate-worker.js', import.meta.url);
/** Inflate through Node's Gunzip stream instead of its native handle (inflate-worker.ts; its tests set it). */
let byStream = false;
export function setInflateWorkerByStream(on: boolean): boolean {
  const previous = byStream;
  byStream = on;
  return previous;
}
/** Inflating threads started, those not yet stopped, and reads that wrote through zlib's native handle (its tests read them). */
export const inflateWorkers = { started: 0, running: 0, native: 0 };

/** The error for a failed inflate: a CRC-32 or size mismatch found by archive.ts checkingInflater or the worker, or corrupt data. */
export function inflateError(err: Error, where: string, bytes: number, expected: number): CausewayError {
  if (/incorrect (data|length) check/.test(err.message)) return damagedMember(where, bytes, expected);
  return new CausewayError('DATA_CORRUPT_DEFLATE', `the compressed data is corrupt (${err.message})`, { kind: 'data', member: where }, 'download the archive again');
}

/** The error for a failed member read: the inflater's (inflateError) or the file's. */
export function memberReadError(e: unknown, where: string, bytes: number, expected: number): CausewayError {
  if (e instanceof CausewayError) return e;
  const err = e as NodeJS.ErrnoException;
  if (String(err.code ?? '').startsWith('Z_') || /invalid|incorrect|unexpected end/i.test(err.message)) {
    return inflateError(err, where, bytes, expected);
  }
  return new CausewayError('DATA_CORRUPT_ZIP', `cannot read member: ${err.message}`, { kind: 'data', member: where });
}

/**
 * A deflated member inflated on a worker thread (./inflate-worker.ts), which checks its CRC-32 as
 * archive.ts checkingInflater does. Each chunk yielded is a view of one slot of a shared pool, handed back to the
 * worker (to be written again) when the next chunk is asked for; the worker stops when the reader
 * finishes, fails or stops early, so no worker outlives the read.
 */
export async function* inflateInWorker(job: Omit<InflateJob, 'pool' | 'poolOffset' | 'chunkBytes' | 'poolSize'>, where: string): AsyncGenerator<Buffer> {
  // the pool in a WebAssembly instance's memory of its own (plain-records.ts lendShared), so the parser reads the chunks where they lie
  const room = lendShared(WORKER_CHUNK * WORKER_POOL);
  const pool = room ? room.memory : new SharedArrayBuffer(WORKER_CHUNK * WORKER_POOL);
  const poolOffset = room ? room.at : 0;
  const slots = Array.from({ length: WORKER_POOL }, (_, i) => Buffer.from(pool, poolOffset + i * WORKER_CHUNK, WORKER_CHUNK));
  const worker = new Worker(INFLATE_WORKER, { workerData: { ...job, pool, poolOffset, chunkBytes: WORKER_CHUNK, poolSize: WORKER_POOL, byStream } satisfies InflateJob });
  inflateWorkers.started++;
  inflateWorkers.running++;
  const inbox: InflateMessage[] = [];
  let wake: (() => void) | null = null;
  const deliver = (m: InflateMessage) => {
    inbox.push(m);
    if (wake) {
      const w = wake;
      wake = null;
      w();
    }
  };
  worker.on('message', deliver);
  worker.on('error', (e: NodeJS.ErrnoException) => deliver({ kind: 'error', message: e.message, code: e.code }));
  worker.on('exit', (code) => deliver({ kind: 'error', message: `the inflating thread stopped (exit code ${code})` }));
  let total = 0;
  let lent = -1;
  try {
    for (;;) {
      if (lent >= 0) {
        worker.postMessage(lent);
        lent = -1;
      }
      while (inbox.length === 0) await new Promise<void>((resolve) => { wake = resolve; });
      const m = inbox.shift()!;
      if (m.kind === 'end') {
        if (m.native) inflateWorkers.native++;
        break;
      }
      if (m.kind === 'error') throw memberReadError(Object.assign(new Error(m.message), { code: m.code }), where, total, job.size);
      lent = m.slot;
      total += m.length;
      yield m.length === WORKER_CHUNK ? slots[m.slot] : slots[m.slot].subarray(0, m.length);
    }
  } finally {
    await worker.terminate();
    inflateWorkers.running--;
    room?.giveBack();
  }
  if (total !== job.size) throw damagedMember(where, total, job.size);
}

export function damagedMember(where: string, bytes: number, expected: number): CausewayError {
  return new CausewayError('DATA_CORRUPT_DEFLATE', `the member is damaged (CRC-32 or size mismatch: ${bytes} of ${expected} bytes)`, { kind: 'data', member: where }, 'download the archive again');
}
