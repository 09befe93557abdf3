// The events source's reading rules (times, zones, day start, text keys, sampling hash, formats)
// and its bad-input errors: each names the file, column and row, exits 1 without a stack trace and
// leaves no run directory behind.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CausewayError, CausewayErrors } from '../../src/errors.js';
import { describeEvents, loadEvents, type EventsConfig } from '../../src/data/duckdb/events.js';
import { keyHash } from '../../src/data/duckdb/columns.js';
import { connect } from '../../src/data/duckdb/engine.js';
import { bin, root } from '../support/cli.js';

const work = mkdtempSync(join(tmpdir(), 'causeway-events-source-'));
after(() => rmSync(work, { recursive: true, force: true }));
const at = (pointer: string) => ({ kind: 'spec' as const, file: 'spec.yaml', line: 1, col: 1, pointer });

function file(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

// 2023-03-07 02:30 in São Paulo (UTC-3) is 05:30 UTC: before a 04:00 day start it belongs to March 6.
const T0 = Date.UTC(2023, 2, 7, 5, 30);
const LOG = ['ts,who,what,liked,dwell', `${T0},u-b,x1,true,1.5`, `${T0 + 3 * 3600e3},u-a,x2,false,2`, `${T0 + 86400e3},u-b,x1,false,`].join('\n') + '\n';

test('epoch-ms times become local days in the zone, shifted by day_starts_at', async () => {
  const path = file('log.csv', LOG);
  const config = (day_starts_at: number, timezone = 'America/Sao_Paulo'): EventsConfig => ({
    source: 'events', path, columns: { user: 'who', item: 'what', time: 'ts' }, time: { unit: 'ms', timezone, day_starts_at },
  });
  const shifted = await loadEvents(config(4), work, at);
  // sorted by (user, time): u-a first (text keys numbered in sorted order), then u-b's two events
  assert.deepEqual([...shifted.events.numeric.user_id], [0, 1, 1]);
  assert.deepEqual([...shifted.events.numeric.date], [20230307, 20230306, 20230307]);
  assert.deepEqual([...shifted.events.numeric.timestamp], [(T0 + 3 * 3600e3) / 1000, T0 / 1000, (T0 + 86400e3) / 1000]);
  const midnight = await loadEvents(config(0), work, at);
  assert.deepEqual([...midnight.events.numeric.date], [20230307, 20230307, 20230308]);
  const utc = await loadEvents(config(0, 'UTC'), work, at);
  assert.deepEqual([...utc.events.numeric.date], [20230307, 20230307, 20230308]);
  const tokyo = await loadEvents(config(0, 'Asia/Tokyo'), work, at); // 05:30Z is 14:30 in Tokyo
  assert.deepEqual([...tokyo.events.numeric.date], [20230307, 20230307, 20230308]);
  // other columns keep their file types: liked true/false, dwell a number (empty → missing)
  assert.deepEqual((shifted as { eventBooleans?: string[] }).eventBooleans, ['liked']);
  assert.deepEqual([...shifted.events.numeric.liked], [0, 1, 0]);
  assert.ok(Number.isNaN(shifted.events.numeric.dwell[2]));
  assert.deepEqual(shifted.events.categorical.what.levels.length, 2);
});

test('ISO text without an offset is local time in the zone; with an offset it is an instant', async () => {
  const path = file('iso.csv', 'when,who\n2023-03-07 02:30:00,a\n2023-03-07T02:30:00Z,b\n');
  const data = await loadEvents({ source: 'events', path, columns: { user: 'who', time: 'when' }, time: { unit: 'iso', timezone: 'America/Sao_Paulo', day_starts_at: 4 } }, work, at);
  // a: 02:30 local → March 6 (before 04:00); b: 02:30Z = 23:30 local on March 6
  assert.deepEqual([...data.events.numeric.date], [20230306, 20230306]);
  assert.deepEqual([...data.events.numeric.timestamp], [Date.UTC(2023, 2, 7, 5, 30) / 1000, Date.UTC(2023, 2, 7, 2, 30) / 1000]);
});

test('the same log as gzipped TSV, NDJSON, Arrow IPC and a glob over two files reads the same', async () => {
  const tsv = LOG.replace(/,/g, '\t');
  const gz = join(work, 'log.tsv.gz');
  writeFileSync(gz, gzipSync(tsv));
  file('part-1.csv', LOG.split('\n').slice(0, 3).join('\n') + '\n');
  file('part-2.csv', [LOG.split('\n')[0], LOG.split('\n')[3]].join('\n') + '\n');
  const json = LOG.trim().split('\n').slice(1).map((l) => {
    const [ts, who, what, liked, dwell] = l.split(',');
    return JSON.stringify({ ts: Number(ts), who, what, liked: liked === 'true', dwell: dwell === '' ? null : Number(dwell) });
  }).join('\n') + '\n';
  file('log.ndjson', json);
  const base = { source: 'events' as const, columns: { user: 'who', item: 'what', time: 'ts' }, time: { unit: 'ms' as const, timezone: 'America/Sao_Paulo', day_starts_at: 4 } };
  const reference = await loadEvents({ ...base, path: file('log.csv', LOG) }, work, at);
  // Arrow IPC (file format) with typed columns, written by apache-arrow
  const rows = LOG.trim().split('\n').slice(1).map((l) => l.split(','));
  const arrowTable = tableFromArrays({
    ts: Float64Array.from(rows.map((r) => Number(r[0]))),
    who: rows.map((r) => r[1]),
    what: rows.map((r) => r[2]),
    liked: rows.map((r) => r[3] === 'true'),
    dwell: rows.map((r) => (r[4] === '' ? null : Number(r[4]))),
  });
  const arrowFile = join(work, 'log.arrow');
  writeFileSync(arrowFile, tableToIPC(arrowTable, 'file'));
  for (const path of [gz, join(work, 'part-*.csv'), join(work, 'log.ndjson'), arrowFile]) {
    const data = await loadEvents({ ...base, path }, work, at);
    assert.deepEqual([...data.events.numeric.date], [...reference.events.numeric.date], path);
    assert.deepEqual([...data.events.numeric.user_id], [...reference.events.numeric.user_id], path);
    assert.deepEqual([...data.events.numeric.dwell].map(String), [...reference.events.numeric.dwell].map(String), path);
  }
});

test('text user keys are sampled by 32-bit FNV-1a of their UTF-8 bytes', async () => {
  // published FNV-1a test vectors
  assert.equal(keyHash(''), 0x811c9dc5);
  assert.equal(keyHash('a'), 0xe40c292c);
  assert.equal(keyHash('foobar'), 0xbf9cf968);
  const path = file('log.csv', LOG);
  const data = await loadEvents({ source: 'events', path, columns: { user: 'who', time: 'ts' }, time: { unit: 'ms' }, sample: { modulus: 2, remainder: keyHash('u-a') % 2 } }, work, at);
  const kept = keyHash('u-b') % 2 === keyHash('u-a') % 2 ? 3 : 1;
  assert.equal(data.events.length, kept);
});

test('an Arrow log with a user sample appends only the sampled rows and loads as the same log in CSV and Parquet', async () => {
  // 60 events of 12 users; integer keys include negative ones (sampled by their residue), text keys by keyHash.
  const n = 60;
  const ints = Array.from({ length: n }, (_, i) => ((i * 7) % 12) - 4);
  const texts = ints.map((k) => `user-${k}`);
  const ts = Array.from({ length: n }, (_, i) => T0 + i * 5400e3);
  const dwell = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : i / 4));
  const csv = ['ts,uid,who,dwell', ...ts.map((t, i) => `${t},${ints[i]},${texts[i]},${dwell[i] ?? ''}`)].join('\n') + '\n';
  const csvFile = file('sampled.csv', csv);
  const parquetFile = join(work, 'sampled.parquet');
  const con = await connect(work);
  try {
    await con.run(`COPY (SELECT * FROM read_csv('${csvFile}', header = true)) TO '${parquetFile}' (FORMAT parquet)`);
  } finally {
    con.closeSync();
  }
  const arrowFile = join(work, 'sampled.arrow');
  writeFileSync(arrowFile, tableToIPC(tableFromArrays({ ts: Float64Array.from(ts), uid: Int32Array.from(ints), who: texts, dwell }), 'file'));
  for (const user of ['uid', 'who']) {
    const config = (path: string): EventsConfig => ({ source: 'events', path, columns: { user, time: 'ts' }, time: { unit: 'ms' }, sample: { modulus: 3, remainder: 1 } });
    const kept = user === 'uid' ? ints.filter((k) => ((k % 3) + 3) % 3 === 1).length : texts.filter((k) => keyHash(k) % 3 === 1).length;
    assert.ok(kept > 0 && kept < n, 'the sample keeps some rows and leaves some out');
    const reference = await loadEvents(config(csvFile), work, at);
    for (const path of [parquetFile, arrowFile]) {
      const data = await loadEvents(config(path), work, at);
      assert.equal(data.events.length, kept, path);
      for (const column of ['user_id', 'timestamp', 'date', 'dwell']) {
        assert.deepEqual([...data.events.numeric[column]].map(String), [...reference.events.numeric[column]].map(String), `${path} ${user} ${column}`);
      }
      assert.deepEqual(data.quality.slice(1), reference.quality.slice(1), path); // rows_read names the file
      assert.equal(data.quality[0].rows, n);
      assert.deepEqual(data.coverage, reference.coverage, path);
    }
    // The Arrow reader itself left the other users' rows out (memory follows the sample, not the file).
    const own = await connect(work);
    try {
      const described = await describeEvents(config(arrowFile), work, at, own);
      const count = await own.runAndReadAll(`SELECT count(*) FROM ${described.events.relation}`);
      assert.equal(Number(count.getRows()[0][0]), kept, user);
      assert.deepEqual(described.eventColumns.map((c) => c.name), ['ts', 'uid', 'who', 'dwell']);
    } finally {
      own.closeSync();
    }
  }
  // A bad time in a sampled row is located at its row of the Arrow file, counting the rows left out.
  const first = ints.findIndex((k) => ((k % 3) + 3) % 3 === 1);
  const bad = ints.findIndex((k, i) => i > first + 1 && ((k % 3) + 3) % 3 === 1);
  const badArrow = join(work, 'sampled-bad.arrow');
  writeFileSync(badArrow, tableToIPC(tableFromArrays({ ts: ts.map((t, i) => (i === bad ? 'soon' : String(t))), uid: Int32Array.from(ints) }), 'file'));
  const e = await failure(() => loadEvents({ source: 'events', path: badArrow, columns: { user: 'uid', time: 'ts' }, time: { unit: 'ms' }, sample: { modulus: 3, remainder: 1 } }, work, at));
  assert.equal(e.code, 'DATA_BAD_TIME');
  assert.deepEqual(e.where, { kind: 'data', member: badArrow, line: bad + 1, column: 'ts' });
});

async function failure(fn: () => Promise<unknown>): Promise<CausewayError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof CausewayErrors) return e.errors[0];
    if (e instanceof CausewayError) return e;
    throw e;
  }
  assert.fail('expected a CausewayError');
}

test('bad input is a located error: file, column and row', async () => {
  const good = file('log.csv', LOG);
  const base: EventsConfig = { source: 'events', path: good, columns: { user: 'who', item: 'what', time: 'ts' }, time: { unit: 'ms' } };

  let e = await failure(() => loadEvents({ ...base, path: join(work, 'nope.csv') }, work, at));
  assert.equal(e.code, 'DATA_MISSING_FILE');
  assert.match(e.format(), /nope\.csv/);

  e = await failure(() => loadEvents({ ...base, path: join(work, 'nothing-*.parquet') }, work, at));
  assert.equal(e.code, 'DATA_MISSING_FILE');
  assert.match(e.message, /matches no file/);

  e = await failure(() => loadEvents({ ...base, path: file('fake.parquet', LOG) }, work, at));
  assert.equal(e.code, 'DATA_BAD_FILE');
  assert.match(e.format(), /fake\.parquet.*parquet/);

  e = await failure(() => describeEvents({ ...base, columns: { user: 'who', time: 'liked' } }, work, at));
  assert.equal(e.code, 'DATA_COLUMN_TYPE');
  assert.match(e.message, /'liked' is BOOLEAN/);
  assert.equal((e.where as { pointer?: string }).pointer, '/data/columns/time');

  e = await failure(() => describeEvents({ ...base, columns: { user: 'whom', time: 'ts' } }, work, at));
  assert.equal(e.code, 'DATA_MISSING_COLUMN');
  assert.equal((e.where as { pointer?: string }).pointer, '/data/columns/user');

  const badTime = file('bad-time.csv', 'ts,who\n1678167000000,a\nyesterday,b\n');
  e = await failure(() => loadEvents({ ...base, path: badTime, columns: { user: 'who', time: 'ts' } }, work, at));
  assert.equal(e.code, 'DATA_BAD_TIME');
  assert.deepEqual(e.where, { kind: 'data', member: badTime, line: 3, column: 'ts' });

  // the second file of a glob: the row is counted within that file
  file('multi-1.csv', 'ts,who\n1678167000000,a\n1678167000001,b\n');
  const second = file('multi-2.csv', 'ts,who\n1678167000002,c\nlater,d\n');
  e = await failure(() => loadEvents({ ...base, path: join(work, 'multi-*.csv'), columns: { user: 'who', time: 'ts' } }, work, at));
  assert.equal(e.code, 'DATA_BAD_TIME');
  assert.deepEqual(e.where, { kind: 'data', member: second, line: 3, column: 'ts' });
  assert.match(e.message, /'later'/);

  e = await failure(() => describeEvents({ ...base, time: { unit: 'ms', timezone: 'Mars/Olympus_Mons' } }, work, at));
  assert.equal(e.code, 'DATA_BAD_TIMEZONE');
  assert.equal((e.where as { pointer?: string }).pointer, '/data/time/timezone');

  const users = file('users.csv', 'who,age\nu-a,30\nu-b,40\nu-a,31\n');
  e = await failure(() => loadEvents({ ...base, tables: { users: { path: users, key: 'who' } } }, work, at));
  assert.equal(e.code, 'DATA_DUPLICATE_KEY');
  assert.deepEqual(e.where, { kind: 'data', member: users, line: 4, column: 'who' });

  const noUser = file('no-user.csv', 'ts,who\n1678167000000,a\n1678167000001,\n');
  e = await failure(() => loadEvents({ ...base, path: noUser, columns: { user: 'who', time: 'ts' } }, work, at));
  assert.equal(e.code, 'DATA_MISSING_KEY');
  assert.deepEqual(e.where, { kind: 'data', member: noUser, line: 3, column: 'who' });
});

test('causeway run on bad data: exit 1, the located message, no stack trace, no run directory', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['missing', `path: ${join(work, 'absent.csv')}`, /absent\.csv/],
    ['bad-time', `path: ${file('run-bad-time.csv', 'ts,who\n1678167000000,a\nsoon,b\n')}`, /run-bad-time\.csv:3 column ts {2}time 'soon' does not parse/],
  ];
  for (const [name, path, message] of cases) {
    const spec = file(`${name}.yaml`, [
      'spec: 1', `name: bad-${name}`,
      'data:', '  source: events', `  ${path}`, '  columns: { user: who, time: ts }', '  time: { unit: ms }',
      'days: { n: count() }', 'treatment: { measure: n, threshold: { value: 1 } }', 'outcomes: { primary: n }',
      'estimators: [{ id: naive, kind: difference_in_means }]', '',
    ].join('\n'));
    const out = join(work, `run-${name}`);
    const r = spawnSync(process.execPath, [bin, 'run', spec, '--out', out, '--jobs', '1'], { cwd: work, encoding: 'utf8', env: { ...process.env, CAUSEWAY_CACHE: join(work, 'cache') } });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(existsSync(out), false, 'no run directory');
  }
});

test('the result cache identity of a file source covers every file it reads (globs, side tables); a query source is never reused', async () => {
  const { dataIdentity } = await import('../../src/run/cache.js');
  const dir = mkdtempSync(join(work, 'identity-'));
  writeFileSync(join(dir, 'a-1.csv'), LOG);
  writeFileSync(join(dir, 'users.csv'), 'who,age\nu-a,1\n');
  const data = { source: 'events', path: 'a-*.csv', tables: { users: { path: 'users.csv', key: 'who' } } };
  const first = dataIdentity(data, dir);
  assert.equal(dataIdentity(data, dir), first);
  writeFileSync(join(dir, 'users.csv'), 'who,age\nu-a,22\n');
  const second = dataIdentity(data, dir);
  assert.notEqual(second, first, 'a side table changed');
  writeFileSync(join(dir, 'a-2.csv'), LOG);
  assert.notEqual(dataIdentity(data, dir), second, 'the glob matches one more file');
  const query = { source: 'events', query: 'SELECT 1' };
  assert.notEqual(dataIdentity(query, dir), dataIdentity(query, dir));
});

test('validate checks expressions against the log\'s own columns and types, at the spec\'s line and column', () => {
  const log = file('types.csv', LOG);
  const spec = file('types.yaml', [
    'spec: 1', 'name: types', 'data:', '  source: events', `  path: ${log}`, '  columns: { user: who, item: what, time: ts }', '  time: { unit: ms }',
    'days:', '  a: sum(what)', '  b: mean(likd)', '  c: mean(liked or dwell > 1)',
    'treatment: { measure: c, threshold: { value: 0.5 } }', 'outcomes: { primary: a }', 'estimators: [{ id: naive, kind: difference_in_means }]', '',
  ].join('\n'));
  const r = spawnSync(process.execPath, [bin, 'validate', spec], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stderr, /types\.yaml:9:10 +\/days\/a +sum\(\) needs a number, but `what` is categorical/);
  assert.match(r.stderr, /types\.yaml:10:11 +\/days\/b +unknown column `likd` \(did you mean `liked`\?\)/);
  assert.doesNotMatch(r.stderr, /\/days\/c/, 'a true/false file column works with `or`');
});
