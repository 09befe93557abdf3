/**
 * Chunked panel builds (event fields evaluated over chunks of whole users and accumulated into the
 * user-day measures) give the same panel, bit for bit, as one pass over all events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticData, SEED_000 } from '../../bench/panel.js';
import { buildPanel, type BuildOptions, type LoadedData, type NamedExpression, type Panel, type PanelDefinition } from '../../src/panel/index.js';
import { makeTinyData } from './fixture.js';
import { EventRunsBuilder } from '../../src/data/loaded.js';

const origin = { file: 's.yaml', line: 1, col: 1 };
const named = (name: string, expr: string): NamedExpression => ({ name, expr, origin });

/** Seed 000 plus the paths seed 000 does not take: an event-table quantile, min/max, hashed nunique, first_time of a raw column, a user join. */
const WIDE: PanelDefinition = {
  ...SEED_000,
  events: [
    ...SEED_000.events,
    named('slow_watch', 'watch_ratio <= quantile(watch_ratio, 0.3)'),
    named('ratio_bucket', 'clip(watch_ratio * 10, 0, 20) / 10'),
    named('new_video', 'first_time(user_id, video_id)'),
    named('weighted', 'watch_ratio * user.register_days'),
    named('slow_alias', 'slow_watch'),
  ],
  days: [
    ...SEED_000.days,
    named('slow_share', 'share(slow_alias)'),
    named('unique_buckets', 'nunique(ratio_bucket)'),
    named('unique_ratios', 'nunique(watch_ratio)'),
    named('new_videos', 'sum(new_video)'),
    named('best_ratio', 'max(watch_ratio)'),
    named('worst_ratio', 'min(watch_ratio_capped_2)'),
    named('weighted_mean', 'mean(weighted) / max(1, user.register_days)'),
    named('mixed', 'sum(play_duration_sec) / count() + quantile(watch_ratio, 0.9)'),
  ],
};

/** Synthetic events with missing watch ratios and undated events mixed in. */
function data(): LoadedData {
  const d = syntheticData(40, 300, 12, 15);
  const ratio = d.events.numeric.watch_ratio;
  const date = d.events.numeric.date;
  for (let i = 0; i < ratio.length; i += 37) ratio[i] = NaN;
  for (let i = 5; i < date.length; i += 53) date[i] = NaN;
  return d;
}

function build(source: () => LoadedData, def: PanelDefinition, options: BuildOptions): { panel: Panel; chunks: number } {
  let chunks = 0;
  const log = (m: string): void => {
    const found = /(\d+) chunk\(s\)/.exec(m);
    if (found) chunks = Number(found[1]);
  };
  return { panel: buildPanel(source(), def, { ...options, log }), chunks };
}

function assertBitIdentical(actual: Panel, expected: Panel, label: string): void {
  assert.equal(actual.length, expected.length, label);
  assert.deepEqual(Object.keys(actual.table.numeric).sort(), Object.keys(expected.table.numeric).sort(), label);
  for (const [name, column] of Object.entries(expected.table.numeric)) {
    const got = actual.table.numeric[name];
    assert.equal(got.length, column.length, `${label} ${name}`);
    const a = new Uint8Array(got.buffer, got.byteOffset, got.byteLength);
    const b = new Uint8Array(column.buffer, column.byteOffset, column.byteLength);
    assert.ok(Buffer.from(a).equals(Buffer.from(b)), `${label}: ${name} differs bit for bit`);
  }
  for (const [name, column] of Object.entries(expected.table.categorical)) {
    assert.deepEqual([...actual.table.categorical[name].codes], [...column.codes], `${label} ${name}`);
  }
}

test('chunked builds equal the one-pass build bit for bit (seed 000 and the other paths)', () => {
  const whole = build(data, WIDE, { chunkEvents: Infinity });
  assert.equal(whole.chunks, 1);
  const events = data().events.length;
  for (const chunkEvents of [1, 17, 1000, Math.floor(events / 2)]) {
    for (const scratchMinLength of [0, 65_536]) {
      const chunked = build(data, WIDE, { chunkEvents, scratchMinLength });
      assert.ok(chunked.chunks > 1, `chunkEvents ${chunkEvents}: ${chunked.chunks} chunk(s)`);
      assertBitIdentical(chunked.panel, whole.panel, `chunkEvents ${chunkEvents}, scratch ${scratchMinLength}`);
    }
  }
});

test('the hand-made fixture in one-event chunks equals one pass', () => {
  const whole = build(makeTinyData, SEED_000, { chunkEvents: Infinity });
  const chunked = build(makeTinyData, SEED_000, { chunkEvents: 1, scratchMinLength: 0 });
  assert.equal(chunked.chunks, 2); // two users with events: one chunk each
  assertBitIdentical(chunked.panel, whole.panel, 'fixture');
});

test('users that are not contiguous fall back to one chunk', () => {
  const interleaved = (): LoadedData => {
    const d = makeTinyData();
    const user = d.events.numeric.user_id;
    // Move the last event of user 10 after user 20's events: the users are no longer contiguous.
    const order = [...Array(d.events.length).keys()];
    const moved = order.splice(6, 1)[0];
    order.push(moved);
    assert.equal(user[moved], 10);
    for (const [k, v] of Object.entries(d.events.numeric)) d.events.numeric[k] = Float64Array.from(order, (i) => v[i]);
    return d;
  };
  const chunked = build(interleaved, SEED_000, { chunkEvents: 1 });
  assert.equal(chunked.chunks, 1);
  assertBitIdentical(chunked.panel, build(interleaved, SEED_000, { chunkEvents: Infinity }).panel, 'interleaved');
});

test('releaseEventColumns empties the event table and changes nothing in the panel', () => {
  const source = data();
  const released = buildPanel(source, WIDE, { chunkEvents: 500, releaseEventColumns: true });
  assert.deepEqual(Object.keys(source.events.numeric), []);
  assertBitIdentical(released, build(data, WIDE, { chunkEvents: Infinity }).panel, 'released');
});

test('runs of user-day events and per-event row codes give the same panel, bit for bit (sorted, interleaved and shuffled events)', () => {
  // Shuffled events: too scattered for runs (src/panel/build.ts indexEvents), per-event codes either way.
  const shuffled = (): LoadedData => {
    const d = data();
    const order = [...Array(d.events.length).keys()];
    let state = 12345;
    for (let i = order.length - 1; i > 0; i--) {
      state = (state * 1103515245 + 12345) % 2147483648;
      const j = state % (i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const [k, v] of Object.entries(d.events.numeric)) d.events.numeric[k] = Float64Array.from(order, (i) => v[i]);
    return d;
  };
  // Every 100th event moved to the end: few runs (so they are kept), but rows and users come back.
  const moved = (): LoadedData => {
    const d = data();
    const order = [...Array(d.events.length).keys()];
    const late = order.filter((i) => i % 100 === 0);
    const reordered = [...order.filter((i) => i % 100 !== 0), ...late];
    for (const [k, v] of Object.entries(d.events.numeric)) d.events.numeric[k] = Float64Array.from(reordered, (i) => v[i]);
    return d;
  };
  // Undated events inside user-days: a user-day's runs are split around them.
  const undatedInside = (): LoadedData => {
    const d = data();
    const date = d.events.numeric.date;
    for (let i = 3; i < date.length; i += 11) date[i] = NaN;
    return d;
  };
  for (const [label, source] of [['sorted', data], ['shuffled', shuffled], ['moved', moved], ['undated inside days', undatedInside], ['fixture', makeTinyData]] as const) {
    for (const chunkEvents of [Infinity, 500]) {
      const perEvent = build(source, WIDE, { chunkEvents, eventRuns: false });
      const runs = build(source, WIDE, { chunkEvents, eventRuns: true });
      assertBitIdentical(runs.panel, perEvent.panel, `${label}, chunkEvents ${chunkEvents}`);
    }
  }
});

test('item ids coded through a lookup array, a grown one or a Map give the same panel, bit for bit', () => {
  const relabeled = (f: (id: number) => number) => (): LoadedData => {
    const d = data();
    for (const table of [d.events, d.items, d.itemDaily]) {
      const ids = table?.numeric[d.itemKey!];
      if (ids) for (let i = 0; i < ids.length; i++) ids[i] = f(ids[i]);
    }
    return d;
  };
  const plain = build(data, WIDE, { chunkEvents: 500 }).panel;
  const cases: Array<[string, (id: number) => number]> = [
    ['ids past the first lookup array', (id) => id * 10 + 3],
    ['fractional ids (a Map from the start)', (id) => id + 0.5],
    ['one huge id met late (a Map after the lookup)', (id) => (id === 299 ? 60_000_000 : id)],
  ];
  for (const [label, f] of cases) assertBitIdentical(build(relabeled(f), WIDE, { chunkEvents: 500 }).panel, plain, label);
});

test('event columns in resizable buffers (as the CSV reader makes them) give the same panel, bit for bit', () => {
  const Resizable = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ArrayBuffer;
  const inResizable = (): LoadedData => {
    const d = data();
    for (const [k, v] of Object.entries(d.events.numeric)) {
      const column = new Float64Array(new Resizable(v.byteLength, { maxByteLength: 2 * v.byteLength }), 0, v.length);
      column.set(v);
      d.events.numeric[k] = column;
    }
    return d;
  };
  assert.equal((inResizable().events.numeric.watch_ratio.buffer as { resizable?: boolean }).resizable, true);
  for (const chunkEvents of [Infinity, 17, 500]) {
    assertBitIdentical(build(inResizable, WIDE, { chunkEvents }).panel, build(data, WIDE, { chunkEvents }).panel, `chunkEvents ${chunkEvents}`);
  }
});

test('releaseEventColumns gives back the resizable buffers of the event columns (their pages go at once, not at the next GC), and the panel stays the same', () => {
  const Resizable = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ArrayBuffer;
  const d = data();
  for (const [k, v] of Object.entries(d.events.numeric)) {
    const column = new Float64Array(new Resizable(v.byteLength, { maxByteLength: v.byteLength }), 0, v.length);
    column.set(v);
    d.events.numeric[k] = column;
  }
  const buffers = Object.values(d.events.numeric).map((c) => c.buffer);
  assert.ok(buffers.every((b) => b.byteLength > 0));
  const released = buildPanel(d, WIDE, { chunkEvents: 500, releaseEventColumns: true });
  assert.deepEqual(buffers.map((b) => b.byteLength), buffers.map(() => 0));
  assertBitIdentical(released, build(data, WIDE, { chunkEvents: 500 }).panel, 'released');
});

test('releaseEventColumns lets go of the event columns the event level does not read before it starts, and of the rest after it', () => {
  const Resizable = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ArrayBuffer;
  /** The data with its event columns in resizable buffers, whose table records each read and delete of a column, in order. */
  const recorded = (): { d: LoadedData; steps: string[] } => {
    const d = data();
    for (const [k, v] of Object.entries(d.events.numeric)) {
      const column = new Float64Array(new Resizable(v.byteLength, { maxByteLength: v.byteLength }), 0, v.length);
      column.set(v);
      d.events.numeric[k] = column;
    }
    const steps: string[] = [];
    const numeric = new Proxy(d.events.numeric, {
      get(target, name, receiver) {
        if (typeof name === 'string') steps.push(`read ${name}`);
        return Reflect.get(target, name, receiver);
      },
      deleteProperty(target, name) {
        steps.push(`delete ${String(name)}`);
        return Reflect.deleteProperty(target, name);
      },
    });
    return { d: { ...d, events: { ...d.events, numeric } }, steps };
  };
  const expected = build(data, SEED_000, { chunkEvents: 500 }).panel;
  for (const eventRuns of [true, false]) {
    const { d, steps } = recorded();
    const released = buildPanel(d, SEED_000, { chunkEvents: 500, eventRuns, releaseEventColumns: true });
    assertBitIdentical(released, expected, `eventRuns ${eventRuns}`);
    // Seed 000 reads play_duration in every chunk of the event level: what goes before its last read
    // there (not the read that releasing it makes) went while the event level ran.
    let lastChunk = steps.length - 1;
    while (lastChunk >= 0 && !(steps[lastChunk] === 'read play_duration' && steps[lastChunk + 1] !== 'delete play_duration')) lastChunk--;
    const during = steps.slice(0, lastChunk).filter((s) => s.startsWith('delete')).sort();
    // video_duration and date are named by no definition; with runs, per-event codes need neither user_id nor date
    assert.deepEqual(during, eventRuns ? ['delete date', 'delete video_duration'] : ['delete video_duration'], `eventRuns ${eventRuns}`);
    for (const kept of ['play_duration', 'watch_ratio', 'video_id', 'user_id', 'timestamp']) assert.ok(steps.indexOf(`delete ${kept}`) > lastChunk, kept);
    assert.deepEqual(Object.keys(d.events.numeric), []);
  }
});

test('a table that leaves user_id and date to the runs handed over with it gives the same panel, bit for bit, definitions naming both', () => {
  const named2 = (name: string, expr: string): NamedExpression => ({ name, expr, origin });
  const def: PanelDefinition = {
    ...WIDE,
    events: [...WIDE.events, named2('date_scaled', 'date / 10000000')],
    days: [...WIDE.days, named2('date_mean', 'mean(date_scaled)'), named2('users_seen', 'nunique(user_id)')],
  };
  /** The data with their user-date runs, as a reader hands them over (src/data/loaded.ts EventRunsBuilder), and without both columns. */
  const withoutRunColumns = (): LoadedData => {
    const d = data();
    const builder = new EventRunsBuilder();
    builder.add(d.events.numeric.user_id, d.events.numeric.date);
    const eventRuns = builder.result();
    assert.ok(eventRuns);
    const { user_id: _user, date: _date, ...numeric } = d.events.numeric;
    return { ...d, events: { ...d.events, numeric }, eventRuns };
  };
  assert.equal(withoutRunColumns().events.numeric.user_id, undefined);
  for (const chunkEvents of [Infinity, 500, 17]) {
    const expected = build(data, def, { chunkEvents });
    const fromRuns = build(withoutRunColumns, def, { chunkEvents });
    assert.equal(fromRuns.chunks, expected.chunks, `chunkEvents ${chunkEvents}: the same chunks`);
    assertBitIdentical(fromRuns.panel, expected.panel, `chunkEvents ${chunkEvents}`);
    // per-event codes (no runs kept by the panel) read both from the runs too
    assertBitIdentical(build(withoutRunColumns, def, { chunkEvents, eventRuns: false }).panel, expected.panel, `chunkEvents ${chunkEvents}, per-event codes`);
  }
});

test('more events than one block of the event index (65,536): runs and per-event codes agree, resizable or not', () => {
  const big = (): LoadedData => syntheticData(200, 500, 30, 15);
  const resizableBig = (): LoadedData => {
    const d = big();
    const Resizable = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ArrayBuffer;
    for (const [k, v] of Object.entries(d.events.numeric)) {
      const column = new Float64Array(new Resizable(v.byteLength, { maxByteLength: v.byteLength }), 0, v.length);
      column.set(v);
      d.events.numeric[k] = column;
    }
    return d;
  };
  assert.ok(big().events.length > 65_536 * 1.2, `${big().events.length} events`);
  const reference = build(big, WIDE, { chunkEvents: 20_000, eventRuns: false }).panel;
  assertBitIdentical(build(big, WIDE, { chunkEvents: 20_000 }).panel, reference, 'plain');
  assertBitIdentical(build(resizableBig, WIDE, { chunkEvents: 20_000 }).panel, reference, 'resizable');
});
