/**
 * Shrinking a resizable ArrayBuffer: V8 zeroes the bytes it gives back before releasing them, so one
 * resize from a doubled capacity down to the length briefly makes the whole spare tail resident (up to
 * half the column: 31 MB for a 4.5 M-row column, 200 MB for a 50 M-row one) at the moment the read
 * ends. Shrinking one MiB at a time keeps that at one MiB.
 */
const STEP = 1 << 20;

export function shrinkResizable(buf: { byteLength: number; resize(byteLength: number): void }, byteLength: number): void {
  for (let len = buf.byteLength; len > byteLength;) {
    len = Math.max(byteLength, len - STEP);
    buf.resize(len);
  }
}
