/**
 * A deflated zip member framed as a gzip member, so that zlib itself checks the member's CRC-32 and size
 * (from the zip directory) as it inflates ("incorrect data check" / "incorrect length check"): this
 * header before the raw deflate data, gzipTrailer after it. Used by the in-process inflater
 * (checkingInflater, for archive.ts) and the inflating thread (inflate-worker.ts), which imports nothing
 * heavier.
 */
import type { Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';

/** Bytes per inflated chunk and per read of compressed data, in-process and on the inflating thread (its slots). */
export const INFLATE_CHUNK = 1 << 20;

/** Deflate, no flags, no time, no extra flags, unknown system (RFC 1952). */
export const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/** The gzip trailer: the member's CRC-32 and its size mod 2^32, which zlib checks the output against. */
export function gzipTrailer(crc32: number, size: number): Buffer {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32 >>> 0, 0);
  trailer.writeUInt32LE(size % 2 ** 32, 4);
  return trailer;
}

/**
 * An inflater for a deflated zip member that checks the member's CRC-32 and size itself, on Node's
 * thread pool rather than the main thread (where the CSV parser runs), or in the inflating thread's
 * fallback (inflate-worker.ts): the raw deflate data is framed as a gzip member — a fixed 10-byte header before it, the zip directory's CRC-32 and size (mod 2^32)
 * as the gzip trailer after it — which zlib verifies when it reaches the end ("incorrect data check"
 * or "incorrect length check", turned into DATA_CORRUPT_DEFLATE by inflate-thread.ts inflateError). The size is also
 * counted by the caller (sizes past 4 GiB).
 */
export function checkingInflater(raw: Readable, crc32: number, size: number): Gunzip {
  const inflater = createGunzip({ chunkSize: INFLATE_CHUNK });
  const trailer = gzipTrailer(crc32, size);
  raw.on('error', (e) => inflater.destroy(e));
  raw.on('end', () => {
    if (!inflater.destroyed) inflater.end(trailer);
  });
  inflater.write(GZIP_HEADER);
  raw.pipe(inflater, { end: false });
  return inflater;
}
