// The CSV reader's fast path for numeric and skipped columns (CsvParser.parsePlain, src/data/csv.ts)
// against its careful byte-by-byte parser: same columns, counts and errors, however the bytes are cut.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvParser, type CsvRequest, type CsvResult } from '../../src/data/csv.js';
import { CausewayError } from '../../src/errors.js';
import { Rng } from '../../src/rng.js';

const HEADER = 'user_id,video_id,play_duration,video_duration,time,date,timestamp,watch_ratio,tag';

/** The matrix's request; `careful` also keeps the text column `tag`, which turns the fast path off. */
const request = (careful: boolean, extra: Partial<CsvRequest> = {}): CsvRequest => ({
  member: 'small_matrix.csv',
  columns: {
    user_id: 'number', video_id: 'number', play_duration: 'number', date: 'number', timestamp: 'number', watch_ratio: 'number',
    ...(careful ? { tag: 'category' as const } : {}),
  },
  emptyCheck: ['time', 'date', 'timestamp'],
  dropEmpty: true,
  dropIfEmpty: ['user_id', 'video_id'],
  idColumns: ['user_id', 'video_id'],
  nanTextColumns: ['video_duration', 'time'],
  sizeHint: 1 << 16, // small column reservations: the tests make thousands of parsers
  ...extra,
});

/** Rows like the matrix's, with the irregular cells, quotes and CRLF line ends the fast path leaves to the careful parser mixed in. */
function matrixText(rng: Rng, rows: number): string {
  const pick = <T>(xs: T[]): T => xs[rng.nextInt(xs.length)];
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) {
    const odd = rng.nextInt(4) === 0;
    const ratio = odd ? pick(['', '1e-05', 'NaN', '+0.5', ' 0.25', '-0.0', '5.', '.5', '0.23490488006617039', '9007199254740993', '0.12345678901234567890'])
      : `${rng.nextInt(3)}.${String(rng.nextUint32()).padStart(9, '0')}${String(rng.nextUint32()).padStart(9, '0').slice(0, 7 + rng.nextInt(3))}`;
    const time = odd && rng.nextInt(3) === 0 ? pick(['', 'NaN', ' nan', 'N/A']) : '2020-07-05 05:27:48.378';
    const duration = odd && rng.nextInt(3) === 0 ? pick(['nan', '', ' 7']) : String(rng.nextInt(20000));
    const date = time === '' && rng.nextInt(2) === 0 ? '' : '20200705';
    const tag = odd && rng.nextInt(3) === 0 ? pick(['"a,b\nc"', 'x"y', '"q""r"', '"\r\n"', 'tab\there']) : `t${rng.nextInt(3)}`;
    const quotedTime = odd && rng.nextInt(5) === 0 ? `"${time}"` : time;
    const eol = odd && rng.nextInt(6) === 0 ? '\r' : '';
    lines.push(`${rng.nextInt(50)},${rng.nextInt(4000)},${rng.nextInt(30000)},${duration},${quotedTime},${date},1593898068.${rng.nextInt(1000)},${ratio},${tag}${eol}`);
    if (odd && rng.nextInt(8) === 0) lines.push('');
  }
  return lines.join('\n') + '\n';
}

function parsePieces(req: CsvRequest, data: Buffer, cuts: number[]): { result: CsvResult; plain: number } {
  const parser = new CsvParser(req);
  let from = 0;
  for (const cut of [...cuts, data.length]) {
    if (cut > from) parser.push(data.subarray(from, cut));
    from = Math.max(from, cut);
  }
  return { result: parser.end(), plain: parser.recordsTakenPlain };
}

const NUMERIC = ['user_id', 'video_id', 'play_duration', 'date', 'timestamp', 'watch_ratio'];

function assertSame(got: CsvResult, want: CsvResult, what: string): void {
  for (const c of NUMERIC) assert.deepEqual(Array.from(got.table.numeric[c]), Array.from(want.table.numeric[c]), `${what}: ${c}`);
  for (const k of ['rowsRead', 'rowsSampledOut', 'rowsEmptyCheck', 'rowsDroppedEmpty', 'rowsDroppedMissingId', 'rowsNanText', 'bytes'] as const) {
    assert.equal(got[k], want[k], `${what}: ${k}`);
  }
}

test('the fast path gives the careful parser\'s columns and counts, in every chunking, sampled or not', () => {
  const data = Buffer.from(matrixText(Rng.derive('csv-plain', 1), 3000));
  for (const sample of [undefined, { column: 'user_id', modulus: 3, remainder: 1 }]) {
    const want = parsePieces(request(true, { sample }), data, []);
    assert.equal(want.plain, 0);
    for (const chunk of [1, 2, 7, 64, 1000, 4096, 1 << 20]) {
      const cuts: number[] = [];
      for (let off = chunk; off < data.length; off += chunk) cuts.push(off);
      const got = parsePieces(request(false, { sample }), data, cuts);
      assertSame(got.result, want.result, `chunk ${chunk}${sample ? ', sampled' : ''}`);
      // the fast path took many records once chunks hold whole lines (about a quarter of these rows are irregular)
      if (chunk >= 1000) assert.ok(got.plain > 0.3 * want.result.rowsRead, `chunk ${chunk}: ${got.plain} of ${want.result.rowsRead} records taken by the fast path`);
    }
  }
});

test('a record cut at every byte offset reads the same', () => {
  const data = Buffer.from(matrixText(Rng.derive('csv-plain', 2), 25));
  const want = parsePieces(request(true), data, []).result;
  for (let cut = 1; cut < data.length; cut++) {
    assertSame(parsePieces(request(false), data, [cut]).result, want, `cut at ${cut}`);
    // a short first piece, then a cut that falls inside a later record
    assertSame(parsePieces(request(false), data, [Math.min(cut, 5), cut]).result, want, `cuts at 5 and ${cut}`);
  }
});

test('errors in records the fast path leaves to the careful parser name the same line, wherever the bytes are cut', () => {
  const good = matrixText(Rng.derive('csv-plain', 3), 30).split('\n').slice(0, 31); // header and 30 rows
  const faults: Array<[string, string]> = [
    ['DATA_NOT_NUMERIC', '3,4,5,6,2020-07-05 05:27:48.378,20200705,1593898068.5,abc,t'],
    ['DATA_NOT_NUMERIC', '3,4,5,6,2020-07-05 05:27:48.378,20200705,-,0.5,t'],
    ['DATA_SHORT_ROW', '3,4,5,6,2020-07-05 05:27:48.378,20200705,1593898068.5,0.5'],
    ['DATA_EXTRA_CELLS', '3,4,5,6,2020-07-05 05:27:48.378,20200705,1593898068.5,0.5,t,x'],
    ['DATA_BAD_ID', '3.5,4,5,6,2020-07-05 05:27:48.378,20200705,1593898068.5,0.5,t'],
    ['DATA_BAD_ID', '3,-4,5,6,2020-07-05 05:27:48.378,20200705,1593898068.5,0.5,t'],
  ];
  for (const [code, bad] of faults) {
    const lines = [...good.slice(0, 20), bad, ...good.slice(20)];
    const data = Buffer.from(lines.join('\n') + '\n');
    // (user 3.5 is outside the sample: no error is due there)
    for (const sample of bad.startsWith('3,') ? [undefined, { column: 'user_id', modulus: 3, remainder: 0 }] : [undefined]) {
      for (let cut = 1; cut < data.length; cut += 3) {
        const what = `${bad} cut at ${cut}${sample ? ', sampled' : ''}`;
        assert.throws(() => parsePieces(request(false, { sample }), data, [cut]), (e: unknown) => {
          assert.ok(e instanceof CausewayError, String(e));
          assert.equal(e.code, code, what);
          assert.equal(e.where.kind === 'data' ? e.where.line : -1, 21, what);
          return true;
        });
      }
    }
  }
});

test('the row cap and duplicate keys stop the fast path with the careful parser\'s error', () => {
  const text = 'video_id,date,show_cnt\n1,20200705,3\n2,20200705,4\n1,20200706,5\n2,20200705,6\n';
  const req: CsvRequest = { member: 'item_daily_features.csv', columns: { video_id: 'number', date: 'number', show_cnt: 'number' }, uniqueKey: ['video_id', 'date'] };
  assert.throws(() => parsePieces(req, Buffer.from(text), []), (e: unknown) => e instanceof CausewayError && e.code === 'DATA_DUPLICATE_KEY' && /lines 3 and 5/.test(e.message));
  assert.throws(() => parsePieces({ ...req, uniqueKey: undefined, maxKeptRows: 3 }, Buffer.from(text), []),
    (e: unknown) => e instanceof CausewayError && e.code === 'DATA_TOO_MANY_ROWS' && e.where.kind === 'data' && e.where.line === 5);
});

test('a CRLF file reads the same as with LF, the fast path taking none of its records', () => {
  const lf = matrixText(Rng.derive('csv-plain', 4), 2000).replace(/\r/g, '');
  const crlf = Buffer.from(lf.replace(/\n/g, '\r\n'));
  const want = parsePieces(request(false), Buffer.from(lf), []);
  assert.ok(want.plain > 0.3 * want.result.rowsRead);
  for (const chunk of [100, 4096]) {
    const cuts: number[] = [];
    for (let off = chunk; off < crlf.length; off += chunk) cuts.push(off);
    const got = parsePieces(request(false), crlf, cuts);
    for (const c of NUMERIC) assert.deepEqual(Array.from(got.result.table.numeric[c]), Array.from(want.result.table.numeric[c]), `chunk ${chunk}: ${c}`);
    assert.equal(got.result.rowsRead, want.result.rowsRead);
    assert.equal(got.plain, 0, `chunk ${chunk}`);
  }
});
