import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as resizable from '../../src/data/resizable.js';

const { shrinkResizable } = resizable;

test('shrinkResizable gives a buffer back one MiB at a time (V8 zeroes what a shrink gives back, all at once otherwise)', () => {
  const sizes: number[] = [];
  const fake = { byteLength: 5 * (1 << 20) + 123, resize(n: number) { sizes.push(this.byteLength - n); this.byteLength = n; } };
  shrinkResizable(fake, 1000);
  assert.equal(fake.byteLength, 1000);
  assert.ok(sizes.length >= 5 && sizes.every((d) => d > 0 && d <= 1 << 20), `steps ${sizes.join(', ')}`);
});

test('shrinkResizable keeps the bytes below the new length, and does nothing when already that short', () => {
  const buf = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void })(3 << 20, { maxByteLength: 4 << 20 });
  const view = new Float64Array(buf, 0, 1000);
  for (let i = 0; i < 1000; i++) view[i] = i * 1.5;
  shrinkResizable(buf, 8000);
  assert.equal(buf.byteLength, 8000);
  assert.deepEqual(Array.from(new Float64Array(buf)), Array.from({ length: 1000 }, (_, i) => i * 1.5));
  shrinkResizable(buf, 9000);
  assert.equal(buf.byteLength, 8000);
});

test('nextCapacity doubles small columns, then grows by 512 KiB of doubles, so a finished column has less spare than that or than its own size', () => {
  const { nextCapacity } = resizable;
  assert.equal(nextCapacity(0), 1 << 10);
  assert.equal(nextCapacity(1 << 16), 1 << 17);
  assert.equal(nextCapacity(1 << 17), (1 << 17) + (1 << 16));
  for (const rows of [30, 5_000, 200_000, 340_123, 4_517_349]) {
    let capacity = 0;
    while (capacity < rows) {
      const next = nextCapacity(capacity);
      assert.ok(next > capacity);
      capacity = next;
    }
    assert.ok(capacity - rows < Math.max(1 << 10, Math.min(rows, 1 << 16)), `${rows} rows: spare ${capacity - rows}`);
  }
});

test('releaseResizable empties a resizable buffer an array spans, and leaves views of part of one and plain arrays as they are', () => {
  const { releaseResizable } = resizable;
  const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer;
  const whole = new Float64Array(new Resizable(8000, { maxByteLength: 16000 }));
  whole.fill(2);
  releaseResizable(whole);
  assert.equal(whole.buffer.byteLength, 0);
  const part = new Float64Array(new Resizable(8000, { maxByteLength: 16000 }), 8, 10);
  part.fill(3);
  releaseResizable(part);
  assert.equal(part.buffer.byteLength, 8000);
  assert.deepEqual(Array.from(part), Array(10).fill(3));
  const plain = new Float64Array(1000).fill(4);
  releaseResizable(plain);
  assert.equal(plain.length, 1000);
  assert.equal(plain[999], 4);
});

test('the CSV reader keeps a small column on a plain array and a large one on a resizable buffer, whose pages releaseResizable gives back', async () => {
  const { parseCsvBuffer } = await import('../../src/data/csv.js');
  const { releaseResizable } = resizable;
  const columnOf = (rows: number) => {
    const lines = ['a,b'];
    for (let i = 0; i < rows; i++) lines.push(`${i},${(i * 0.25).toFixed(2)}`);
    const r = parseCsvBuffer({ member: 'x.csv', columns: { a: 'number', b: 'number' } }, Buffer.from(lines.join('\n') + '\n'), 1 << 16);
    const a = r.table.numeric.a;
    assert.equal(a.length, rows);
    for (const i of [0, rows >> 1, rows - 1]) assert.equal(a[i], i, `row ${i} of ${rows}`);
    assert.equal(r.table.numeric.b[rows - 1], Number(((rows - 1) * 0.25).toFixed(2)));
    return a;
  };
  for (const rows of [1, 1024, 1025, 65_536]) {
    const a = columnOf(rows);
    assert.notEqual((a.buffer as { resizable?: boolean }).resizable, true, `${rows} rows`);
    assert.equal(a.buffer.byteLength, rows * 8, `${rows} rows: no spare capacity kept`);
  }
  const big = columnOf(200_000);
  assert.equal((big.buffer as { resizable?: boolean }).resizable, true);
  assert.equal(big.buffer.byteLength, 200_000 * 8);
  releaseResizable(big);
  assert.equal(big.buffer.byteLength, 0);
});

test('RunLengthFloat64 gives back the values pushed, one by one or in blocks (NaN runs, 0 and -0 apart), by rows and whole', () => {
  // runs of days, a NaN run, 0 next to -0, single values, and a run cut by block boundaries
  const values = Float64Array.from([20200701, 20200701, 20200701, NaN, NaN, 0, -0, -0, 0, 7, 8, 8, 8, 8, 8, 8, 8, 9, NaN, 9]);
  const same = (a: Float64Array, b: Float64Array, label: string) => {
    assert.equal(a.length, b.length, label);
    for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${label}: row ${i}: ${a[i]} against ${b[i]}`);
  };
  for (const blocks of [[1], [3, 5, 1, 11], [20], [7, 13]]) {
    const column = new resizable.RunLengthFloat64();
    let at = 0;
    for (let k = 0; at < values.length; k++) {
      const size = blocks[k % blocks.length];
      if (size === 1) column.push(values[at]);
      else column.pushAll(values.subarray(at, Math.min(values.length, at + size)));
      at = Math.min(values.length, at + size);
    }
    const label = `blocks ${blocks.join(',')}`;
    assert.equal(column.length, values.length, label);
    for (const [start, end] of [[0, 20], [0, 1], [2, 7], [5, 9], [10, 18], [19, 20], [4, 4]]) {
      same(column.rows(start, end, new Float64Array(end - start + 3)), values.subarray(start, end), `${label}, rows ${start}-${end}`);
    }
    const whole = column.finish();
    assert.equal(whole.length, values.length, label);
    assert.equal(whole.runs, 10, label); // 20200701, NaN, 0, -0, 0, 7, 8, 9, NaN, 9
    same(whole.expand(), values, label);
  }
});

test('RunLengthFloat64 goes on as a plain column once its runs outnumber an eighth of its rows, and still gives back every value', () => {
  // 3,000 rows in runs of 20, then 5,000 rows that change every row
  const values = new Float64Array(8000);
  for (let i = 0; i < 3000; i++) values[i] = Math.floor(i / 20);
  for (let i = 3000; i < 8000; i++) values[i] = i % 2 === 0 ? NaN : i;
  const column = new resizable.RunLengthFloat64();
  for (let at = 0; at < values.length; at += 700) column.pushAll(values.subarray(at, Math.min(values.length, at + 700)));
  const same = (a: Float64Array, b: Float64Array, label: string) => {
    assert.equal(a.length, b.length, label);
    for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${label}: row ${i}`);
  };
  for (const [start, end] of [[0, 8000], [2990, 3010], [7000, 7100]]) same(column.rows(start, end, new Float64Array(end - start)), values.subarray(start, end), `rows ${start}-${end}`);
  const whole = column.finish();
  assert.equal(whole.runs, null);
  same(whole.expand(), values, 'whole');
  // a column with few runs stays runs
  const few = new resizable.RunLengthFloat64();
  few.pushAll(values.subarray(0, 3000));
  assert.equal(few.finish().runs, 150);
});
