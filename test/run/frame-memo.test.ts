// A cell worker keeps one analysis frame at a time (src/run/cell.ts): an earlier cell's frame held for a
// cell that may never come raised the next cell's peak memory. The panel stays shared; a cell that comes
// back to a frame builds it again and gets the same result.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadSpec } from '../../src/spec/load.js';
import { buildPlan } from '../../src/spec/plan.js';
import { SharedWork } from '../../src/run/engine.js';
import { runCell } from '../../src/run/cell.js';
import { stableStringify } from '../../src/results/index.js';
import { scratchDir } from '../scratch.js';
import { writeTinyProject } from './fixtures/tiny-spec.js';

test('SharedWork.forgetOthers drops the values under a prefix except one, and nothing else', async () => {
  const shared = new SharedWork();
  for (const key of ['frame:a', 'frame:b', 'panel:a']) await shared.memo(key, () => key);
  shared.forgetOthers('frame:', 'frame:b');
  assert.deepEqual(['frame:a', 'frame:b', 'panel:a'].map((k) => shared.has(k)), [false, true, true]);
});

let project: string;
let specPath: string;
before(async () => {
  project = scratchDir('frame-memo');
  specPath = await writeTinyProject(project);
});

test('a worker builds a frame again for a cell that comes back to it, with the same result, and shares the panel', async () => {
  // two cells with different treatment thresholds: two frames on one panel
  const loaded = loadSpec(specPath, { sweep: ['treatment.threshold.value=0.5,0.4'] });
  const [first, second] = buildPlan(loaded).cells;
  const shared = new SharedWork();
  const ctx = { specPath, baseDir: project, cacheDir: join(project, 'cache'), source: loaded.source, log: () => {}, shared };
  const firstResult = stableStringify(await runCell(first!, ctx));
  await runCell(second!, ctx);
  const builds = shared.builds;
  const again = stableStringify(await runCell(first!, ctx));
  // only the first cell's frame is built anew: the spec, archive, panel and data summary are shared
  assert.equal(shared.builds - builds, 1);
  assert.equal(again, firstResult);
});
