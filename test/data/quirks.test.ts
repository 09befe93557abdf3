/**
 * The real archive's quirks read through the real reader (src/data/index.ts) and on through the panel
 * and frame: empty user-feature and item-daily cells are counted in the data-quality table and
 * handled as the spec says; a `matrix: small` load never reads big_matrix.csv, however large.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import yazl from 'yazl';
import { loadData, type DataRequest } from '../../src/data/index.js';
import { synthesize } from '../../src/data/kuairec/index.js';
import { buildPanel } from '../../src/panel/index.js';
import type { PanelDefinition } from '../../src/panel/definition.js';
import { buildFrame } from '../../src/frame/index.js';
import { readZip, tempDir } from './helpers.js';

let dir: string;
let archive: string;
let inner: Map<string, Buffer>;
before(async () => {
  dir = await tempDir('quirks');
  // 16 days: collect_* are empty on the first 12 (2020-07-05 … 07-16) and present after.
  archive = (await synthesize({ users: 240, days: 16, videos: 80, seed: 3, eventsPerDay: 3, out: join(dir, 'a', '18164998.zip') })).archive;
  const outer = await readZip(archive);
  await fsp.writeFile(join(dir, 'inner.zip'), outer.get('KuaiRec.zip')!);
  inner = await readZip(join(dir, 'inner.zip'));
});
after(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const req = (path: string, extra: Partial<DataRequest> = {}): DataRequest => ({
  source: 'kuairec', path, matrix: 'small', sample: { modulus: 1, remainder: 0 }, tables: ['user_features', 'item_daily_features'], missingTime: 'drop', ...extra,
});

/** Empty cells per column of a CSV member without quoted cells. */
function emptyCounts(text: string): { rows: number; empty: Map<string, number> } {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = lines[0].split(',');
  const empty = new Map<string, number>();
  for (const line of lines.slice(1)) {
    // cells are plain or quoted without inner quotes here (the *_range labels hold commas)
    const cells = line.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, ''));
    header.forEach((h, i) => { if (cells[i] === '') empty.set(h, (empty.get(h) ?? 0) + 1); });
  }
  return { rows: lines.length - 1, empty };
}

test('empty user-feature and item-daily cells: one data-quality row per column, counted exactly', async () => {
  const users = emptyCounts(inner.get('KuaiRec 2.0/data/user_features.csv')!.toString('utf8'));
  const daily = emptyCounts(inner.get('KuaiRec 2.0/data/item_daily_features.csv')!.toString('utf8'));
  assert.ok((users.empty.get('onehot_feat4') ?? 0) > 0 && (users.empty.get('onehot_feat12') ?? 0) > 0, 'the archive has the real empty cells');
  const data = await loadData(req(archive));
  const rows = new Map(data.quality.filter((q) => q.check.startsWith('missing_cells:')).map((q) => [q.check, q]));
  const expected = new Map<string, number>();
  for (const [c, k] of users.empty) expected.set(`missing_cells:user_features.${c}`, k);
  for (const [c, k] of daily.empty) expected.set(`missing_cells:item_daily_features.${c}`, k);
  assert.deepEqual([...rows.keys()].sort(), [...expected.keys()].sort());
  for (const [check, k] of expected) {
    assert.equal(rows.get(check)!.rows, k, check);
    const total = check.includes('user_features') ? users.rows : daily.rows;
    assert.equal(rows.get(check)!.share, k / total, check);
  }
  for (const c of ['collect_cnt', 'video_duration', 'video_tag_name']) assert.ok(rows.has(`missing_cells:item_daily_features.${c}`), c);
  // Only the item-daily columns a spec reads are counted.
  const subset = await loadData(req(archive, { itemDailyColumns: ['play_cnt', 'collect_cnt'] }));
  assert.deepEqual(subset.quality.filter((q) => q.check.startsWith('missing_cells:item_daily')).map((q) => q.check), ['missing_cells:item_daily_features.collect_cnt']);
});

test('a spec using the columns with empty cells: item measures average the present days, covariates are median-imputed', async () => {
  const data = await loadData(req(archive, { itemDailyColumns: ['collect_cnt'] }));
  const origin = { file: 'quirks.yaml', line: 1, col: 1, pointer: '' };
  const def: PanelDefinition = {
    events: [{ name: 'collect', expr: 'item.avg_collect_cnt', origin }],
    days: [{ name: 'interactions', expr: 'count()', origin }, { name: 'collect_mean', expr: 'mean(collect)', origin }],
    history: [],
    userFeatures: 'all',
  };
  const panel = buildPanel(data, def);

  // item.avg_collect_cnt of a video = the mean of its non-empty collect_cnt days (the first 12 days are empty).
  const lines = inner.get('KuaiRec 2.0/data/item_daily_features.csv')!.toString('utf8').trim().split('\n');
  const header = lines[0].split(',');
  const [vi, ci] = [header.indexOf('video_id'), header.indexOf('collect_cnt')];
  const present = new Map<number, number[]>();
  for (const l of lines.slice(1)) {
    const cells = l.split(',');
    if (cells[ci] !== '') present.set(Number(cells[vi]), [...(present.get(Number(cells[vi])) ?? []), Number(cells[ci])]);
  }
  const avg = (v: number) => {
    const xs = present.get(v) ?? [];
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
  };
  assert.ok([...present.values()].some((xs) => xs.length < 16 - 12 + 1), 'collect_cnt is empty on the early days');
  // collect_mean of every active user-day = the mean over its events of their videos' averages.
  const ev = data.events.numeric;
  let checked = 0;
  for (let r = 0; r < panel.length && checked < 200; r++) {
    if (!(panel.table.numeric.interactions[r] > 0)) continue;
    const date = panel.dates[panel.dayIndex[r]];
    const xs: number[] = [];
    for (let i = 0; i < data.events.length; i++) if (ev.user_id[i] === panel.userId[r] && ev.date[i] === date && !Number.isNaN(avg(ev.video_id[i]))) xs.push(avg(ev.video_id[i]));
    const expected = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
    const got = panel.table.numeric.collect_mean[r];
    if (Number.isNaN(expected)) assert.ok(Number.isNaN(got));
    else assert.ok(Math.abs(got - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `user ${panel.userId[r]} ${date}: ${got} vs ${expected}`);
    checked++;
  }
  assert.ok(checked > 0);

  const active = Float64Array.from(panel.table.numeric.interactions, (n) => (n > 0 ? 1 : 0));
  const frame = buildFrame(panel, {
    population: active,
    treatment: { name: 'busy', measure: 'interactions', threshold: { value: 3 } },
    outcome: 'interactions',
    covariates: { numeric: ['onehot_feat*', 'collect_mean', 'register_days'], impute: 'median' },
  });
  const X = frame.X;
  for (let k = 0; k < X.data.length; k++) assert.ok(!Number.isNaN(X.data[k]), 'no missing covariate after imputation');
  // Rows of users whose onehot_feat4 is empty carry the median of the other rows' values.
  const feat4 = panel.table.numeric.onehot_feat4;
  const j = X.names.indexOf('onehot_feat4');
  assert.ok(j >= 0, 'onehot_feat4 is a covariate');
  const present4 = Array.from(frame.rows, (r) => feat4[r]).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const mid = present4.length / 2;
  const median = present4.length % 2 ? present4[Math.floor(mid)] : (present4[mid - 1] + present4[mid]) / 2;
  let imputed = 0;
  frame.rows.forEach((r, i) => {
    if (Number.isNaN(feat4[r])) {
      imputed++;
      assert.equal(X.data[j * X.rows + i], median);
    } else assert.equal(X.data[j * X.rows + i], feat4[r]);
  });
  assert.ok(imputed > 0, 'some frame rows belong to users with an empty onehot_feat4');
});

test('matrix: small never reads big_matrix.csv: the same bytes read and the same events with a large big matrix', async () => {
  // The same archive with a big matrix of ~12 MB in place of the placeholder (its real place: before small_matrix.csv).
  const header = 'user_id,video_id,play_duration,video_duration,time,date,timestamp,watch_ratio\n';
  const row = '7,11,4381,6067,2020-07-05 05:27:48.378,20200705,1593898068.378,0.7221\n';
  const big = Buffer.from(header + row.repeat(Math.ceil(12e6 / row.length)));
  const innerZip = new yazl.ZipFile();
  for (const [name, bytes] of inner) innerZip.addBuffer(name.endsWith('big_matrix.csv') ? big : bytes, name, { mtime: new Date(2022, 0, 1) });
  innerZip.end();
  const innerBytes: Buffer[] = [];
  for await (const c of innerZip.outputStream) innerBytes.push(c as Buffer);
  const outerZip = new yazl.ZipFile();
  outerZip.addBuffer(Buffer.concat(innerBytes), 'KuaiRec.zip', { compress: false, mtime: new Date(2022, 0, 1) });
  outerZip.end();
  const outerBytes: Buffer[] = [];
  for await (const c of outerZip.outputStream) outerBytes.push(c as Buffer);
  const withBig = join(dir, 'big', '18164998.zip');
  await fsp.mkdir(join(dir, 'big'), { recursive: true });
  await fsp.writeFile(withBig, Buffer.concat(outerBytes));

  const a = await loadData(req(archive));
  const b = await loadData(req(withBig));
  assert.equal(b.source.bytesRead, a.source.bytesRead, 'bytes read do not grow with the big matrix');
  assert.ok(b.source.bytesRead < big.length, 'far fewer bytes read than the big matrix holds');
  assert.deepEqual(b.events, a.events);
  assert.deepEqual(b.quality, a.quality);
});
