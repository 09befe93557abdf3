/**
 * Worker thread of archive.ts inflateInWorker: inflates one deflated zip member into the slots of a
 * SharedArrayBuffer and tells the main thread which slot holds how many bytes; the main thread posts
 * the slot's number back once the reader has used it. Off the main thread, each inflate step no longer
 * waits for the main thread (busy parsing) to run its callback, so inflating runs ahead of the parser by
 * the whole pool; the pool is the flow control, and zlib writes into the slots themselves (inflateNatively),
 * so neither thread makes a buffer per chunk. (Transferring
 * ArrayBuffers instead cost the main thread about 1.5 ms per 2 MiB buffer handed back, measured in the
 * full-size bench: V8 detaching them; shared slots are never detached.)
 * Kept to node:fs, node:zlib and gzip-frame.ts so that it starts quickly.
 *
 * The member's CRC-32 and size are checked as in archive.ts checkingInflater: the raw deflate data is
 * framed as a gzip member whose trailer holds them (gzip-frame.ts), so zlib reports a mismatch
 * ("incorrect data check").
 * Errors are posted as { kind: 'error', message, code } and named by the main thread (archive.ts).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { constants as zlibConstants, createGunzip, type Gunzip } from 'node:zlib';
import { GZIP_HEADER, INFLATE_CHUNK, checkingInflater, gzipTrailer } from './gzip-frame.js';

export interface InflateJob {
  path: string;
  /** File offset of the member's compressed data, and its length. */
  start: number;
  length: number;
  crc32: number;
  size: number;
  /** poolSize slots of chunkBytes each, from poolOffset on. */
  pool: SharedArrayBuffer;
  poolOffset: number;
  chunkBytes: number;
  poolSize: number;
  /** Inflate through Node's Gunzip stream even where its native handle can be written to directly (tests). */
  byStream?: boolean;
}

export type InflateMessage =
  | { kind: 'chunk'; slot: number; length: number }
  | { kind: 'end'; native: boolean }
  | { kind: 'error'; message: string; code?: string };

const job = workerData as InflateJob;
const port = parentPort!;

const free: number[] = [];
for (let i = job.poolSize - 1; i >= 0; i--) free.push(i);
let wake: (() => void) | null = null;
port.on('message', (slot: number) => {
  free.push(slot);
  if (wake) {
    const w = wake;
    wake = null;
    w();
  }
});

async function take(): Promise<number> {
  while (free.length === 0) await new Promise<void>((resolve) => { wake = resolve; });
  return free.pop()!;
}

const trailerOf = (): Buffer => gzipTrailer(job.crc32, job.size);

/** The slot being filled, and how much of it is. */
let slot = -1;
let current: Uint8Array = new Uint8Array(0);
let filled = 0;

async function nextSlot(): Promise<void> {
  slot = await take();
  current = new Uint8Array(job.pool, job.poolOffset + slot * job.chunkBytes, job.chunkBytes);
  filled = 0;
}

function post(): void {
  if (filled === 0) return;
  port.postMessage({ kind: 'chunk', slot, length: filled } satisfies InflateMessage);
  filled = 0;
}

/**
 * The native zlib handle under a Gunzip stream, written to synchronously into the slots themselves (as
 * zlib.gunzipSync does internally): no output buffer per MiB, no copy. Node's zlib stream would allocate
 * a new 1 MiB output buffer for every MiB inflated, garbage that this small heap's collector leaves
 * until about 64 MB of it has piled up (measured: 10–60 MB held, the pipeline bench's peak RSS up to
 * 401 MB). These are Node's internals (lib/zlib.js), so their shape is checked and the stream is used
 * when it differs (inflateByStream).
 */
interface NativeZlib {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  onerror: (message: string, errno: number, code: string) => void;
}

function nativeOf(inflater: Gunzip): { handle: NativeZlib; state: Uint32Array } | null {
  const internals = inflater as unknown as { _handle?: NativeZlib; _writeState?: unknown };
  const handle = internals._handle;
  const state = internals._writeState;
  if (!handle || typeof handle.writeSync !== 'function' || !('onerror' in handle) || !(state instanceof Uint32Array) || state.length < 2) return null;
  return { handle, state };
}

async function inflateNatively(inflater: Gunzip, native: { handle: NativeZlib; state: Uint32Array }): Promise<void> {
  const { handle, state } = native;
  let failure: Error | null = null;
  // zlib's errors, as the stream would give them ("incorrect data check", "invalid distance too far back", …)
  handle.onerror = (message, errno, code) => {
    failure ??= Object.assign(new Error(message), { errno, code });
  };
  let ended = false;
  /** Inflates all of `input` into the slots; ended when zlib wants no more (the stream's early end). */
  const feed = async (input: Uint8Array, flush: number): Promise<void> => {
    let inOff = 0;
    let inLen = input.length;
    while (!ended) {
      handle.writeSync(flush, input, inOff, inLen, current, filled, current.length - filled);
      if (failure) throw failure;
      const availOut = state[0];
      const availIn = state[1];
      filled = current.length - availOut;
      inOff += inLen - availIn;
      inLen = availIn;
      if (availOut === 0) {
        post();
        await nextSlot();
        continue; // more output may be pending
      }
      if (availIn > 0) ended = true; // output room left and input unread: the deflate stream ended early
      return;
    }
  };
  const file = await open(job.path, 'r');
  try {
    const inputs = [Buffer.allocUnsafe(INFLATE_CHUNK), Buffer.allocUnsafe(INFLATE_CHUNK)];
    let pos = job.start;
    const end = job.start + job.length;
    // reads the next piece of compressed data while the previous one inflates
    const readInto = async (buf: Buffer): Promise<number> => {
      const n = Math.min(INFLATE_CHUNK, end - pos);
      const at = pos;
      pos += n;
      if (n === 0) return 0;
      const { bytesRead } = await file.read(buf, 0, n, at);
      if (bytesRead !== n) throw new Error('unexpected end of file');
      return n;
    };
    await feed(GZIP_HEADER, zlibConstants.Z_NO_FLUSH);
    let which = 0;
    let pending = readInto(inputs[which]);
    for (;;) {
      const n = await pending;
      if (n === 0) break;
      const piece = inputs[which].subarray(0, n);
      which ^= 1;
      pending = readInto(inputs[which]);
      pending.catch(() => {}); // (awaited next round; a read failing after zlib's error is not unhandled)
      await feed(piece, zlibConstants.Z_NO_FLUSH);
    }
    await feed(trailerOf(), zlibConstants.Z_FINISH);
  } finally {
    await file.close();
    inflater.destroy();
  }
}

/** The fallback: Node's Gunzip stream, its output copied into the slots. */
async function inflateByStream(): Promise<void> {
  const raw = createReadStream(job.path, { start: job.start, end: job.start + job.length - 1, highWaterMark: INFLATE_CHUNK });
  const inflater = checkingInflater(raw, job.crc32, job.size);
  for await (const out of inflater as AsyncIterable<Buffer>) {
    let from = 0;
    while (from < out.length) {
      const n = Math.min(current.length - filled, out.length - from);
      current.set(out.subarray(from, from + n), filled);
      filled += n;
      from += n;
      if (filled === current.length) {
        post();
        await nextSlot();
      }
    }
  }
}

async function run(): Promise<void> {
  await nextSlot();
  const inflater = job.byStream ? null : createGunzip({ chunkSize: INFLATE_CHUNK });
  const native = inflater ? nativeOf(inflater) : null;
  try {
    if (native) await inflateNatively(inflater!, native);
    else {
      inflater?.destroy();
      await inflateByStream();
    }
  } finally {
    post(); // what was inflated reaches the reader before the error does
  }
  port.postMessage({ kind: 'end', native: native !== null } satisfies InflateMessage);
}

// The main thread terminates the worker when it has read the end, an error, or no more (archive.ts).
run().catch((e: unknown) => {
  const err = e as NodeJS.ErrnoException;
  port.postMessage({ kind: 'error', message: err?.message ?? String(e), code: err?.code } satisfies InflateMessage);
});
