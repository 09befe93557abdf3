// The CSV reader's fast paths for numeric and skipped columns — the WebAssembly parser
// (src/data/wasm/plain-records.ts, the default) and CsvParser.parsePlain (src/data/csv.ts) — against its
// careful byte-by-byte parser: same columns, counts and errors, however the bytes are cut.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvParser, type CsvRequest, type CsvResult } from '../../src/data/csv.js';
import { CausewayError } from '../../src/errors.js';
import { Rng } from '../../src/rng.js';

const HEADER = 'user_id,video_id,play_duration,video_duration,time,date,timestamp,watch_ratio,tag';

/** The matrix's request; `careful` also keeps the text column `tag`, which turns the fast path off. */
const request = (careful: boolean, extra: Partial<CsvRequest> = {}, plainPath: 'wasm' | 'js' = 'wasm'): CsvRequest => ({
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
  plainPath,
  ...extra,
});

const PLAIN_PATHS = ['wasm', 'js'] as const;

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

function parsePieces(req: CsvRequest, data: Buffer, cuts: number[]): { result: CsvResult; plain: number; wasm: number } {
  const parser = new CsvParser(req);
  let from = 0;
  for (const cut of [...cuts, data.length]) {
    if (cut > from) parser.push(data.subarray(from, cut));
    from = Math.max(from, cut);
  }
  return { result: parser.end(), plain: parser.recordsTakenPlain, wasm: parser.recordsTakenWasm };
}

const NUMERIC = ['user_id', 'video_id', 'play_duration', 'date', 'timestamp', 'watch_ratio'];

function assertSame(got: CsvResult, want: CsvResult, what: string): void {
  for (const c of NUMERIC) assert.deepEqual(Array.from(got.table.numeric[c]), Array.from(want.table.numeric[c]), `${what}: ${c}`);
  for (const k of ['rowsRead', 'rowsSampledOut', 'rowsEmptyCheck', 'rowsDroppedEmpty', 'rowsDroppedMissingId', 'rowsNanText', 'bytes'] as const) {
    assert.equal(got[k], want[k], `${what}: ${k}`);
  }
}

test('the fast paths give the careful parser\'s columns and counts, in every chunking, sampled or not', () => {
  const data = Buffer.from(matrixText(Rng.derive('csv-plain', 1), 3000));
  for (const path of PLAIN_PATHS) for (const sample of [undefined, { column: 'user_id', modulus: 3, remainder: 1 }]) {
    const want = parsePieces(request(true, { sample }), data, []);
    assert.equal(want.plain, 0);
    for (const chunk of [1, 2, 7, 64, 1000, 4096, 1 << 20]) {
      const cuts: number[] = [];
      for (let off = chunk; off < data.length; off += chunk) cuts.push(off);
      const got = parsePieces(request(false, { sample }, path), data, cuts);
      assertSame(got.result, want.result, `${path}, chunk ${chunk}${sample ? ', sampled' : ''}`);
      // the fast path took many records once chunks hold whole lines (about a quarter of these rows are irregular)
      if (chunk >= 1000) assert.ok(got.plain > 0.3 * want.result.rowsRead, `chunk ${chunk}: ${got.plain} of ${want.result.rowsRead} records taken by the fast path`);
    }
  }
});

test('a record cut at every byte offset reads the same', () => {
  const data = Buffer.from(matrixText(Rng.derive('csv-plain', 2), 25));
  const want = parsePieces(request(true), data, []).result;
  for (const path of PLAIN_PATHS) {
    for (let cut = 1; cut < data.length; cut++) {
      assertSame(parsePieces(request(false, {}, path), data, [cut]).result, want, `${path}, cut at ${cut}`);
      // a short first piece, then a cut that falls inside a later record
      assertSame(parsePieces(request(false, {}, path), data, [Math.min(cut, 5), cut]).result, want, `${path}, cuts at 5 and ${cut}`);
    }
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
    for (const path of PLAIN_PATHS) for (const sample of bad.startsWith('3,') ? [undefined, { column: 'user_id', modulus: 3, remainder: 0 }] : [undefined]) {
      for (let cut = 1; cut < data.length; cut += 3) {
        const what = `${path}: ${bad} cut at ${cut}${sample ? ', sampled' : ''}`;
        assert.throws(() => parsePieces(request(false, { sample }, path), data, [cut]), (e: unknown) => {
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
  for (const plainPath of PLAIN_PATHS) {
    assert.throws(() => parsePieces({ ...req, plainPath }, Buffer.from(text), []), (e: unknown) => e instanceof CausewayError && e.code === 'DATA_DUPLICATE_KEY' && /lines 3 and 5/.test(e.message));
    // a key column that is not kept is still checked
    assert.throws(() => parsePieces({ ...req, columns: { video_id: 'number', show_cnt: 'number' }, plainPath }, Buffer.from(text), []),
      (e: unknown) => e instanceof CausewayError && e.code === 'DATA_DUPLICATE_KEY' && /lines 3 and 5/.test(e.message) && e.where.kind === 'data' && e.where.line === 5);
    assert.throws(() => parsePieces({ ...req, uniqueKey: undefined, maxKeptRows: 3, plainPath }, Buffer.from(text), []),
      (e: unknown) => e instanceof CausewayError && e.code === 'DATA_TOO_MANY_ROWS' && e.where.kind === 'data' && e.where.line === 5);
  }
});

test('a CRLF file reads the same as with LF, the fast path taking none of its records', () => {
  const lf = matrixText(Rng.derive('csv-plain', 4), 2000).replace(/\r/g, '');
  const crlf = Buffer.from(lf.replace(/\n/g, '\r\n'));
  const want = parsePieces(request(false), Buffer.from(lf), []);
  assert.ok(want.plain > 0.3 * want.result.rowsRead);
  for (const path of PLAIN_PATHS) for (const chunk of [100, 4096]) {
    const cuts: number[] = [];
    for (let off = chunk; off < crlf.length; off += chunk) cuts.push(off);
    const got = parsePieces(request(false, {}, path), crlf, cuts);
    for (const c of NUMERIC) assert.deepEqual(Array.from(got.result.table.numeric[c]), Array.from(want.result.table.numeric[c]), `chunk ${chunk}: ${c}`);
    assert.equal(got.result.rowsRead, want.result.rowsRead);
    assert.equal(got.plain, 0, `chunk ${chunk}`);
  }
});

/** Both fast paths over the same bytes in one piece: columns (bit for bit), counts and records taken. */
function assertPathsAgree(req: CsvRequest, data: Buffer, what: string, wasmShare = 0.99): CsvResult {
  const wasm = parsePieces({ ...req, plainPath: 'wasm' }, data, []);
  const js = parsePieces({ ...req, plainPath: 'js' }, data, []);
  for (const c of Object.keys(js.result.table.numeric)) {
    const a = js.result.table.numeric[c];
    const b = wasm.result.table.numeric[c];
    assert.equal(b.length, a.length, `${what}: ${c} length`);
    assert.ok(Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(Buffer.from(a.buffer, a.byteOffset, a.byteLength)), `${what}: ${c} bits`);
  }
  for (const k of ['rowsRead', 'rowsSampledOut', 'rowsEmptyCheck', 'rowsDroppedEmpty', 'rowsDroppedMissingId', 'rowsNanText', 'bytes'] as const) {
    assert.equal(wasm.result[k], js.result[k], `${what}: ${k}`);
  }
  assert.equal(wasm.plain, js.plain, `${what}: records taken by the fast path`);
  assert.equal(js.wasm, 0, what);
  // the WebAssembly parser took all but the few records it leaves to parsePlain
  assert.ok(wasm.wasm >= wasmShare * wasm.plain, `${what}: ${wasm.wasm} of ${wasm.plain} records taken by the WebAssembly parser`);
  return wasm.result;
}

test('the WebAssembly parser takes the records parsePlain takes and writes its doubles bit for bit', () => {
  const data = Buffer.from(matrixText(Rng.derive('csv-plain', 5), 20000));
  for (const sample of [undefined, { column: 'user_id', modulus: 7, remainder: 3 }]) {
    for (const dropEmpty of [true, false]) {
      const r = assertPathsAgree(request(false, { sample, dropEmpty }), data, `sample ${sample ? 7 : 1}, dropEmpty ${dropEmpty}`);
      assert.ok(r.rowsEmptyCheck > 0 && r.rowsDroppedMissingId === 0);
    }
  }
  // ids missing (dropped and counted) as well as present
  const holes = Buffer.from(matrixText(Rng.derive('csv-plain', 6), 5000).replace(/\n(\d+),(\d+),/g, (m, u, v) => (Number(v) % 5 === 0 ? `\n,${v},` : m)));
  assert.ok(assertPathsAgree(request(false), holes, 'missing ids').rowsDroppedMissingId > 100);
});

test('numbers of 1 to 22 digits, past 2^53 and near 10^19, equal Number() bit for bit through the WebAssembly parser', () => {
  const rng = Rng.derive('csv-plain', 7);
  const digits = (n: number) => Array.from({ length: n }, () => String(rng.nextInt(10))).join('');
  const cells: string[] = ['9007199254740992', '9007199254740993', '9999999999999999999', '10000000000000000000', '18446744073709551615', '18446744073709551616',
    '0.9999999999999999999', '1844674407.3709551616', '-0.00000000000000000001', '00000000000000000001', '-9007199254740993.5'];
  for (let i = 0; i < 200_000; i++) {
    const n = 1 + rng.nextInt(21);
    const point = rng.nextInt(n + 1);
    const text = digits(n);
    cells.push(`${rng.nextInt(4) === 0 ? '-' : ''}${point === n ? text : `${text.slice(0, point)}.${text.slice(point)}`}`);
  }
  const data = Buffer.from('x\n' + cells.join('\n') + '\n');
  const r = assertPathsAgree({ member: 'm', columns: { x: 'number' } }, data, 'digits');
  const want = Float64Array.from(cells, Number);
  const got = r.table.numeric.x;
  for (let i = 0; i < cells.length; i++) assert.ok(Object.is(got[i], want[i]), `${cells[i]}: ${got[i]} against Number()'s ${want[i]}`);
});

test('pieces longer than the module\'s input, outputs that fill, and a record longer than the input read as parsePlain reads them', () => {
  // 600,000 short records in one chunk: several 2 MiB pieces, each filling the output more than once
  const rng = Rng.derive('csv-plain', 8);
  const rows = Array.from({ length: 600_000 }, (_, i) => `${i % 97},${rng.nextInt(1000)},${rng.nextInt(3)}`);
  const short = Buffer.from('user_id,video_id,flag\n' + rows.join('\n') + '\n');
  const req: CsvRequest = { member: 'm', columns: { user_id: 'number', video_id: 'number', flag: 'number' }, idColumns: ['user_id', 'video_id'] };
  assert.equal(assertPathsAgree(req, short, 'short records').table.length, 600_000);
  // a skipped cell of 3 MiB between ordinary records: parsePlain takes the records from there on
  const long = Buffer.from('user_id,note,flag\n1,a,2\n' + `3,${'z'.repeat(3 << 20)},4\n` + '5,b,6\n');
  const r = assertPathsAgree({ member: 'm', columns: { user_id: 'number', flag: 'number' } }, long, 'a long record', 1 / 3);
  assert.deepEqual(Array.from(r.table.numeric.flag), [2, 4, 6]);
});

test('a unique key is checked on the rows the WebAssembly parser takes, naming both lines, however far apart', () => {
  const rng = Rng.derive('csv-plain', 9);
  const rows: string[] = [];
  for (let video = 0; video < 3000; video++) for (let day = 0; day < 30; day++) rows.push(`${video},${20200701 + day},${rng.nextInt(500)},${rng.nextInt(9) === 0 ? '' : rng.nextInt(50)}`);
  const text = (body: string[]) => Buffer.from('video_id,date,show_cnt,play_cnt\n' + body.join('\n') + '\n');
  const req: CsvRequest = { member: 'item_daily_features.csv', columns: { video_id: 'number', show_cnt: 'number', play_cnt: 'number' }, uniqueKey: ['video_id', 'date'], idColumns: ['video_id'], dropIfEmpty: ['video_id'] };
  assert.equal(assertPathsAgree(req, text(rows), 'unique rows').table.length, rows.length);
  // the 10th row again near the end (line 11 first, its copy on line 88,002), and again in the next chunk
  const again = [...rows.slice(0, 88_000), rows[9], ...rows.slice(88_000)];
  for (const plainPath of PLAIN_PATHS) {
    for (const chunk of [1 << 20, 4096]) {
      assert.throws(() => parseCsvBufferOf({ ...req, plainPath }, text(again), chunk), (e: unknown) => {
        assert.ok(e instanceof CausewayError && e.code === 'DATA_DUPLICATE_KEY', String(e));
        assert.match(e.message, /lines 11 and 88002/);
        return true;
      });
    }
  }
});

function parseCsvBufferOf(req: CsvRequest, data: Buffer, chunk: number): CsvResult {
  const cuts: number[] = [];
  for (let off = chunk; off < data.length; off += chunk) cuts.push(off);
  return parsePieces(req, data, cuts).result;
}
