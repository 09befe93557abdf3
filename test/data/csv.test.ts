import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsvBuffer, type CsvRequest } from '../../src/data/csv.js';
import { CausewayError } from '../../src/errors.js';

const matrixReq = (extra: Partial<CsvRequest> = {}): CsvRequest => ({
  member: 'small_matrix.csv',
  columns: { user_id: 'number', video_id: 'number', timestamp: 'number', date: 'number', watch_ratio: 'number' },
  emptyCheck: ['time', 'date', 'timestamp'],
  dropEmpty: true,
  ...extra,
});

const MATRIX = 'user_id,video_id,play_duration,video_duration,time,date,timestamp,watch_ratio\n'
  + '14,148,4381,6067,2020-07-05 05:27:48.378,20200705,1593898068.378,0.722103182793803\n'
  + '14,183,11635,6100,,,,1.9073770491803278\n'
  + '15,3649,22422,10867,2020-07-05 05:29:09.479,20200705.0,1593898149.479,2.0633109414005707\n'
  + '16,5262,4479,7908,2020-07-05 05:30:43.285,20200705,1593898243.285,1e-05\n';

test('numbers equal Number() exactly, in every chunking', () => {
  const values = ['0.722103182793803', '1.9073770491803278', '2.0633109414005707', '1593898068.378', '0.1', '123456.789012345', '-0.5', '7', '3.0'];
  const text = 'x\n' + values.join('\n') + '\n';
  for (const chunk of [1, 3, 7, 64, 1 << 20]) {
    const r = parseCsvBuffer({ member: 'm', columns: { x: 'number' } }, Buffer.from(text), chunk);
    assert.deepEqual(Array.from(r.table.numeric.x), values.map(Number), `chunk ${chunk}`);
  }
});

test('matrix rows: missing-time rows dropped and counted, sampling while streaming', () => {
  const r = parseCsvBuffer(matrixReq({ sample: { column: 'user_id', modulus: 2, remainder: 0 } }), Buffer.from(MATRIX), 5);
  assert.equal(r.rowsRead, 4);
  assert.equal(r.rowsSampledOut, 1); // user 15
  assert.equal(r.rowsEmptyCheck, 1);
  assert.equal(r.rowsDroppedEmpty, 1);
  assert.deepEqual(Array.from(r.table.numeric.user_id), [14, 16]);
  assert.deepEqual(Array.from(r.table.numeric.watch_ratio), [0.722103182793803, 1e-5]);
  assert.deepEqual(Array.from(r.table.numeric.date), [20200705, 20200705]);
  const kept = parseCsvBuffer(matrixReq({ dropEmpty: false }), Buffer.from(MATRIX));
  assert.equal(kept.table.length, 4);
  assert.ok(Number.isNaN(kept.table.numeric.timestamp[1]));
  assert.equal(kept.table.numeric.date[2], 20200705); // "20200705.0" as written by pandas
});

test('quoted fields: lists, embedded commas, quotes and newlines; categories', () => {
  const text = 'video_id,feat,caption\n1,"[27, 9]","hello, ""world"""\n2,[8],"two\nlines"\r\n3,"[]",\n';
  const r = parseCsvBuffer({ member: 'item_categories.csv', columns: { video_id: 'number', feat: 'intlist', caption: 'category' } }, Buffer.from(text), 4);
  assert.deepEqual(Array.from(r.table.numeric.video_id), [1, 2, 3]);
  assert.deepEqual(Array.from(r.lists.feat.offsets), [0, 2, 3, 3]);
  assert.deepEqual(Array.from(r.lists.feat.values), [27, 9, 8]);
  const cap = r.table.categorical.caption;
  assert.deepEqual(Array.from(cap.codes).map((c) => (c < 0 ? null : cap.levels[c])), ['hello, "world"', 'two\nlines', null]);
});

test('auto columns become numeric only when every value is a number', () => {
  const r = parseCsvBuffer({ member: 'm', columns: { a: 'auto', b: 'auto' } }, Buffer.from('a,b\n1.5,x\n,2\n'));
  assert.deepEqual(Array.from(r.table.numeric.a), [1.5, NaN]);
  assert.deepEqual(r.table.categorical.b.levels, ['x', '2']);
});

test('a non-numeric cell names member, line and column', () => {
  const text = 'user_id,video_id,play_duration,video_duration,time,date,timestamp,watch_ratio\n1,2,3,4,t,20200705,1.5,0.5\n1,2,3,4,t,20200705,1.5,abc\n';
  assert.throws(() => parseCsvBuffer(matrixReq(), Buffer.from(text), 8), (e: unknown) => {
    assert.ok(e instanceof CausewayError);
    assert.equal(e.code, 'DATA_NOT_NUMERIC');
    assert.deepEqual(e.where, { kind: 'data', member: 'small_matrix.csv', line: 3, column: 'watch_ratio' });
    assert.match(e.format(), /^small_matrix\.csv:3 column watch_ratio {2}non-numeric value "abc"/);
    return true;
  });
});

test('a missing column is reported with the header', () => {
  assert.throws(() => parseCsvBuffer(matrixReq(), Buffer.from('user_id,video_id,date,timestamp\n1,2,3,4\n')), (e: unknown) => {
    assert.ok(e instanceof CausewayError);
    assert.equal(e.code, 'DATA_MISSING_COLUMN');
    assert.equal((e.where as { column: string }).column, 'watch_ratio');
    return true;
  });
});

test('line numbers count newlines inside quotes', () => {
  const text = 'a,b\n"x\ny",1\n"z",oops\n';
  assert.throws(() => parseCsvBuffer({ member: 'm', columns: { a: 'category', b: 'number' } }, Buffer.from(text), 3),
    (e: unknown) => e instanceof CausewayError && (e.where as { line: number }).line === 4);
});

test('any chunking gives the same table (records cut at every position)', async () => {
  const { Rng } = await import('../../src/rng.js');
  const rng = new Rng('csv-chunking');
  let text = 'user_id,video_id,play_duration,video_duration,time,date,timestamp,watch_ratio\n';
  for (let i = 0; i < 300; i++) {
    const blank = rng.nextFloat() < 0.1;
    const play = rng.nextInt(20000);
    const dur = 3000 + rng.nextInt(20000);
    text += `${rng.nextInt(9)},${rng.nextInt(500)},${play},${dur},${blank ? '' : '2020-07-05 05:27:48.378'},${blank ? '' : '20200705'},${blank ? '' : 1593898068 + i / 1000},${play / dur}${rng.nextFloat() < 0.2 ? '\r\n' : '\n'}`;
  }
  const whole = parseCsvBuffer(matrixReq({ sample: { column: 'user_id', modulus: 3, remainder: 1 } }), Buffer.from(text), 1 << 20);
  assert.ok(whole.table.length > 50);
  for (let trial = 0; trial < 20; trial++) {
    const { CsvParser } = await import('../../src/data/csv.js');
    const parser = new CsvParser(matrixReq({ sample: { column: 'user_id', modulus: 3, remainder: 1 } }));
    const bytes = Buffer.from(text);
    for (let off = 0; off < bytes.length;) {
      const size = 1 + rng.nextInt(120);
      parser.push(bytes.subarray(off, Math.min(bytes.length, off + size)));
      off += size;
    }
    const r = parser.end();
    assert.deepEqual(r.table, whole.table);
    assert.equal(r.rowsSampledOut, whole.rowsSampledOut);
    assert.equal(r.rowsDroppedEmpty, whole.rowsDroppedEmpty);
  }
});

test('text after a closing quote stays in the cell (as pandas reads it)', () => {
  const r = parseCsvBuffer({ member: 'm', columns: { a: 'category', b: 'number' } }, Buffer.from('a,b\n"ab"cd,1\n"x",2\n'), 3);
  assert.deepEqual(r.table.categorical.a.levels, ['abcd', 'x']);
  assert.deepEqual(Array.from(r.table.numeric.b), [1, 2]);
});

test('a 50 MB line parses, and each byte of it is joined a bounded number of times (no per-chunk concatenation)', async () => {
  const { CsvParser } = await import('../../src/data/csv.js');
  // one record whose skipped text column holds 50 MB, between two numeric cells
  const long = Buffer.alloc(50 << 20, 0x61);
  const text = Buffer.concat([Buffer.from('a,note,b\n1,'), long, Buffer.from(',2\n3,x,4\n')]);
  for (const chunk of [64 << 10, 1 << 20]) {
    const parser = new CsvParser({ member: 'm', columns: { a: 'number', b: 'number' } });
    for (let off = 0; off < text.length; off += chunk) parser.push(text.subarray(off, Math.min(text.length, off + chunk)));
    const r = parser.end();
    assert.deepEqual(Array.from(r.table.numeric.a), [1, 3]);
    assert.deepEqual(Array.from(r.table.numeric.b), [2, 4]);
    // joining the carry to every chunk copies ~n²/(2·chunk) bytes (20 TB-ish at 64 KiB); doubling joins copy < 4n
    assert.ok(parser.bytesJoined < 4 * text.length, `chunk ${chunk}: ${parser.bytesJoined} bytes joined for ${text.length} read`);
  }
});

test('a long quoted cell with line ends inside is still joined linearly', async () => {
  const { CsvParser } = await import('../../src/data/csv.js');
  const inside = ('x'.repeat(200) + '\n').repeat(40_000); // 8 MB, a line end every 201 bytes, all inside the quotes
  const text = Buffer.from('a,note\n1,"' + inside + '"\n2,z\n');
  const parser = new CsvParser({ member: 'm', columns: { a: 'number', note: 'category' } });
  for (let off = 0; off < text.length; off += 4096) parser.push(text.subarray(off, Math.min(text.length, off + 4096)));
  const r = parser.end();
  assert.deepEqual(Array.from(r.table.numeric.a), [1, 2]);
  assert.equal(r.table.categorical.note.levels[0].length, inside.length);
  assert.ok(parser.bytesJoined < 6 * text.length, `${parser.bytesJoined} joined for ${text.length}`);
});

test('rows kept past the cap stop the read with a located error, not an exhausted heap', () => {
  const text = 'x\n' + '1\n'.repeat(100);
  assert.throws(() => parseCsvBuffer({ member: 'big_matrix.csv', columns: { x: 'number' }, maxKeptRows: 50 }, Buffer.from(text)),
    (e: unknown) => e instanceof CausewayError && e.code === 'DATA_TOO_MANY_ROWS' && /big_matrix\.csv:52 {2}more than 50 rows/.test(e.format()) && /CAUSEWAY_MAX_ROWS/.test(e.format()));
  assert.equal(parseCsvBuffer({ member: 'm', columns: { x: 'number' }, maxKeptRows: 100 }, Buffer.from(text)).table.length, 100);
});

test('decimals of every length, near 2^53 and with many decimals, equal Number() bit for bit', () => {
  // the byte parser divides the digits (one integer below 2^53) by 10^k; past that it asks Number()
  const values = ['9007199254740991', '9007199254740992', '9007199254740993', '0.9007199254740993', '900719925474099.3',
    '8999999999999999', '0.0000000000000000000001', '0.00000000000000000000001', '-0', '-0.0', '00012.500', '1.', '.5'];
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 4000; i++) {
    const digits = 1 + Math.floor(next() * 20);
    let s = '';
    for (let d = 0; d < digits; d++) s += String(Math.floor(next() * 10));
    const point = Math.floor(next() * (digits + 1));
    values.push((next() < 0.2 ? '-' : '') + (point === digits ? s : s.slice(0, point) + '.' + s.slice(point)));
  }
  const r = parseCsvBuffer({ member: 'm', columns: { x: 'number' } }, Buffer.from('x\n' + values.join('\n') + '\n'), 97);
  const got = Array.from(r.table.numeric.x);
  for (let i = 0; i < values.length; i++) assert.ok(Object.is(got[i], Number(values[i])), `${values[i]}: ${got[i]} vs ${Number(values[i])}`);
});

test('columns not asked for are skipped unconverted, and their NaN spellings still count', () => {
  const text = 'a,b,c\n1,NaN,x\n2, nan ,3\n3,oops,NaN\n4,5,6\n';
  const all = parseCsvBuffer({ member: 'm', columns: { a: 'number', b: 'number', c: 'number' } }, Buffer.from('a,b,c\n1,NaN,2\n2, nan ,3\n4,5,NaN\n'));
  assert.equal(all.rowsNanText, 3);
  // b is skipped: its garbage ("oops") is not read, its NaN spellings are counted; c is neither kept nor counted
  const r = parseCsvBuffer({ member: 'm', columns: { a: 'number' }, nanTextColumns: ['b'] }, Buffer.from(text), 3);
  assert.deepEqual(Array.from(r.table.numeric.a), [1, 2, 3, 4]);
  assert.deepEqual(Object.keys(r.table.numeric), ['a']);
  assert.equal(r.rowsNanText, 2);
});
