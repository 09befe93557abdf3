/** Value formatting shared by the simulator's member writers (the real archive's formats). */
import { Readable } from 'node:stream';

function pad2(n: number): string { return n < 10 ? '0' + n : String(n); }
function pad3(n: number): string { return n < 10 ? '00' + n : n < 100 ? '0' + n : String(n); }

export function dayStamp(day: number): { date: string; iso: string } {
  const d = new Date(Date.UTC(2020, 6, 5 + day));
  const y = d.getUTCFullYear();
  const mo = pad2(d.getUTCMonth() + 1);
  const da = pad2(d.getUTCDate());
  return { date: `${y}${mo}${da}`, iso: `${y}-${mo}-${da}` };
}

export function timeOfDay(msInDay: number): string {
  const h = Math.floor(msInDay / 3600_000);
  const mi = Math.floor((msInDay % 3600_000) / 60_000);
  const s = Math.floor((msInDay % 60_000) / 1000);
  return `${pad2(h)}:${pad2(mi)}:${pad2(s)}.${pad3(msInDay % 1000)}`;
}

export function bin(value: number, edges: Array<[number, string]>, last: string): string {
  for (const [limit, label] of edges) if (value <= limit) return label;
  return last;
}

export function csvQuote(s: string): string {
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** Groups strings into ~1 MB buffers so the zip writer is fed in large chunks, with backpressure. */
export function textStream(gen: () => Generator<string>, encoding: BufferEncoding, onBytes?: (n: number) => void): Readable {
  function* chunks(): Generator<Buffer> {
    let acc = '';
    for (const piece of gen()) {
      acc += piece;
      if (acc.length >= 1 << 20) {
        const b = Buffer.from(acc, encoding);
        onBytes?.(b.length);
        yield b;
        acc = '';
      }
    }
    if (acc.length > 0) {
      const b = Buffer.from(acc, encoding);
      onBytes?.(b.length);
      yield b;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
