/**
 * Worker thread of archive.ts inflateInWorker: inflates one deflated zip member into the slots of a
 * SharedArrayBuffer and tells the main thread which slot holds how many bytes; the main thread posts
 * the slot's number back once the reader has used it. Off the main thread, each inflate step no longer
 * waits for the main thread (busy parsing) to run its callback, so inflating runs ahead of the parser by
 * the whole pool; the pool is the flow control and the reader's chunks make no garbage. (Transferring
 * ArrayBuffers instead cost the main thread about 1.5 ms per 2 MiB buffer handed back, measured in the
 * full-size bench: V8 detaching them; shared slots are never detached.)
 * Kept to node:fs and node:zlib so that it starts quickly.
 *
 * The member's CRC-32 and size are checked as in archive.ts checkingInflater: the raw deflate data is
 * framed as a gzip member whose trailer holds them, so zlib reports a mismatch ("incorrect data check").
 * Errors are posted as { kind: 'error', message, code } and named by the main thread (archive.ts).
 */
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';

export interface InflateJob {
  path: string;
  /** File offset of the member's compressed data, and its length. */
  start: number;
  length: number;
  crc32: number;
  size: number;
  /** poolSize slots of chunkBytes each. */
  pool: SharedArrayBuffer;
  chunkBytes: number;
  poolSize: number;
}

export type InflateMessage =
  | { kind: 'chunk'; slot: number; length: number }
  | { kind: 'end' }
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

/** Deflate, no flags, no time, no extra flags, unknown system (RFC 1952), as archive.ts GZIP_HEADER. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

async function run(): Promise<void> {
  const inflater = createGunzip({ chunkSize: 1 << 20 });
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(job.crc32 >>> 0, 0);
  trailer.writeUInt32LE(job.size % 2 ** 32, 4);
  const raw = createReadStream(job.path, { start: job.start, end: job.start + job.length - 1, highWaterMark: 1 << 20 });
  raw.on('error', (e) => inflater.destroy(e));
  raw.on('end', () => {
    if (!inflater.destroyed) inflater.end(trailer);
  });
  inflater.write(GZIP_HEADER);
  raw.pipe(inflater, { end: false });

  let slot = await take();
  let current = new Uint8Array(job.pool, slot * job.chunkBytes, job.chunkBytes);
  let filled = 0;
  const flush = () => {
    if (filled === 0) return;
    port.postMessage({ kind: 'chunk', slot, length: filled } satisfies InflateMessage);
    filled = 0;
  };
  const send = async () => {
    flush();
    slot = await take();
    current = new Uint8Array(job.pool, slot * job.chunkBytes, job.chunkBytes);
  };
  try {
    for await (const out of inflater as AsyncIterable<Buffer>) {
      let from = 0;
      while (from < out.length) {
        const n = Math.min(current.length - filled, out.length - from);
        current.set(out.subarray(from, from + n), filled);
        filled += n;
        from += n;
        if (filled === current.length) await send();
      }
    }
  } finally {
    flush(); // what was inflated reaches the reader before the error does
  }
  port.postMessage({ kind: 'end' } satisfies InflateMessage);
}

// The main thread terminates the worker when it has read the end, an error, or no more (archive.ts).
run().catch((e: unknown) => {
  const err = e as NodeJS.ErrnoException;
  port.postMessage({ kind: 'error', message: err?.message ?? String(e), code: err?.code } satisfies InflateMessage);
});
