import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortEvents } from '../../src/data/loaded.js';
import type { ColumnTable } from '../../src/data/table.js';

test('sortEvents orders by user, then timestamp (NaN last), then file order, in place, a shared column permuted once', () => {
  const user = Float64Array.from([2, 1, 2, 1, 1, 2]);
  const ts = Float64Array.from([5, 9, NaN, 3, 9, 1]);
  const item = Float64Array.from([10, 11, 12, 13, 14, 15]);
  const codes = Int32Array.from([0, 1, 2, 0, 1, 2]);
  const table: ColumnTable = {
    length: 6,
    // `item_key` is the same array as `video_id`, as an event log's item key is (src/data/duckdb/events.ts)
    numeric: { user_id: user, timestamp: ts, video_id: item, item_key: item },
    categorical: { kind: { codes, levels: ['a', 'b', 'c'] } },
  };
  const out = sortEvents(table);
  // file rows in sorted order: user 1 at ts 3 (row 3), 9 (row 1), 9 (row 4); user 2 at ts 1 (row 5), 5 (row 0), NaN (row 2)
  const order = [3, 1, 4, 5, 0, 2];
  assert.equal(out, table);
  assert.equal(out.numeric.user_id, user, 'columns are reordered in place, not copied');
  assert.deepEqual(Array.from(out.numeric.user_id), [1, 1, 1, 2, 2, 2]);
  assert.deepEqual(Array.from(out.numeric.timestamp), [3, 9, 9, 1, 5, NaN]);
  assert.deepEqual(Array.from(out.numeric.video_id), order.map((r) => 10 + r));
  assert.equal(out.numeric.item_key, out.numeric.video_id);
  assert.deepEqual(Array.from(out.categorical.kind.codes), order.map((r) => [0, 1, 2, 0, 1, 2][r]));
});

test('sortEvents leaves a sorted table as it is', () => {
  const table: ColumnTable = { length: 3, numeric: { user_id: Float64Array.from([1, 1, 2]), timestamp: Float64Array.from([1, 2, 0]) }, categorical: {} };
  const before = table.numeric.timestamp;
  assert.equal(sortEvents(table), table);
  assert.equal(table.numeric.timestamp, before);
  assert.deepEqual(Array.from(before), [1, 2, 0]);
});
