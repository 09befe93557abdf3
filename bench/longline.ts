/**
 * `npm run bench -- longline [MB]`: the CSV reader on one very long line (default 200 MB) fed in 1 MiB
 * chunks, as it comes out of the inflater. Reading is linear in the input (src/data/csv.ts joins
 * unparsed bytes only when they can have ended a record, and geometrically), so the time per MB stays
 * flat as the line grows; joining the carry to every chunk made it quadratic (a 200 MB line never
 * finished). Fails if a line takes more than a generous 30 s per 100 MB.
 */
import { CsvParser } from '../src/data/csv.js';

function timeLine(mb: number): { seconds: number; joined: number } {
  const chunk = 1 << 20;
  const body = Buffer.alloc(chunk, 0x61);
  const parser = new CsvParser({ member: 'long.csv', columns: { a: 'number', b: 'number' } });
  const t0 = performance.now();
  parser.push(Buffer.from('a,note,b\n1,'));
  for (let i = 0; i < mb; i++) parser.push(body);
  parser.push(Buffer.from(',2\n'));
  const r = parser.end();
  if (r.table.length !== 1 || r.table.numeric.b[0] !== 2) throw new Error('the long line was misread');
  return { seconds: (performance.now() - t0) / 1000, joined: parser.bytesJoined };
}

export async function run(args: string[]): Promise<string> {
  const top = Number(args[0] ?? 200);
  const rows = ['| line | seconds | MB/s | bytes joined / bytes read |', '| ---: | ---: | ---: | ---: |'];
  for (const mb of [top / 4, top / 2, top].map((x) => Math.max(1, Math.round(x)))) {
    const { seconds, joined } = timeLine(mb);
    if (seconds > 0.3 * mb) throw new Error(`${mb} MB line took ${seconds.toFixed(1)} s: not linear`);
    rows.push(`| ${mb} MB | ${seconds.toFixed(2)} | ${(mb / seconds).toFixed(0)} | ${(joined / (mb * (1 << 20))).toFixed(2)} |`);
  }
  return rows.join('\n');
}
