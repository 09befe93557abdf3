import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadData, type DataRequest } from '../../src/data/index.js';
import { synthesize } from '../../src/data/kuairec/index.js';
import { buildPanel, type PanelDefinition } from '../../src/panel/index.js';
import { runColumnRows } from '../../src/data/loaded.js';
import { TINY, tempDir } from './helpers.js';

const origin = { file: 'test', line: 1, col: 1 };
const definition: PanelDefinition = {
  events: [{ name: 'high_watch', expr: 'watch_ratio >= 0.8', origin }],
  days: [
    { name: 'interactions', expr: 'count()', origin },
    { name: 'high_share', expr: 'mean(high_watch)', origin },
    { name: 'videos', expr: 'nunique(video_id)', origin },
  ],
  history: [{ kind: 'future', days: [3], of: ['interactions'] }],
};

test('only the matrix columns a spec names are read; the panel and the quality table are the same', async () => {
  const dir = await tempDir('event-columns');
  const { archive } = await synthesize({ ...TINY, out: join(dir, '18164998.zip') });
  const req: DataRequest = { source: 'kuairec', path: archive, matrix: 'small', sample: { modulus: 1, remainder: 0 }, tables: ['user_features'], missingTime: 'drop' };
  const all = await loadData(req);
  const some = await loadData({ ...req, eventColumns: ['watch_ratio', 'high_watch'] });
  // ids, day and sort key are always read; play_duration and video_duration are skipped; the user and
  // the day are read as runs and left to the user-date runs handed over with the rows (in order here)
  assert.deepEqual(Object.keys(some.events.numeric).sort(), ['timestamp', 'video_id', 'watch_ratio']);
  assert.ok(some.eventRuns);
  assert.ok(Object.keys(all.events.numeric).includes('play_duration'));
  for (const [name, values] of Object.entries(some.events.numeric)) assert.deepEqual(values, all.events.numeric[name], name);
  // the runs hold both for every event
  for (const name of ['user_id', 'date'] as const) {
    assert.deepEqual(runColumnRows(some.eventRuns, name, 0, some.events.length, new Float64Array(some.events.length)), all.events.numeric[name], name);
  }
  assert.deepEqual(some.quality, all.quality);
  assert.deepEqual(some.coverage, all.coverage);
  assert.equal(some.contentFingerprint, all.contentFingerprint);
  assert.deepEqual(buildPanel(some, definition).table, buildPanel(all, definition).table);
});
