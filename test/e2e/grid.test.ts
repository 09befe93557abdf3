// End to end through the CLI on the small simulated archive: --jobs 1, --jobs 2 and merged shards give
// byte-identical results. Kept apart from test/e2e/demo.test.ts so that node's test runner runs the two
// side by side. The whole robustness demo grid (every cell ok, its families, served from the cache) is
// checked on the run test/examples/examples.test.ts makes of it for its golden files.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulatedArchive, SMALL_ARCHIVE_ARGS } from '../support/archives.js';
import { crossfitFolds, e2eHarness } from '../support/e2e.js';

const { work, causeway, variant } = e2eHarness('causeway-e2e-grid-');
let smallArchive = '';

before(() => {
  smallArchive = simulatedArchive(SMALL_ARCHIVE_ARGS, join(work, 'small'));
});
const onSmall = () => `{ path: ${smallArchive} }`;

test('with the real cell runner: --jobs 1 and --jobs 2 agree, and 3 merged shards equal one process', () => {
  // four of the demo grid's twelve cells (linear, ridge, a cross-fitted gbm, another threshold): the
  // byte-identity checks do not need all twelve, and the suite's time does
  const grid = [
    'sensitivity:',
    '  zip:',
    '    - treatment.threshold.value: [0.5, 0.5, 0.5, 0.4]',
    '      mediator: [high_satisfaction_share, high_satisfaction_share, high_satisfaction_share, high_satisfaction_share]',
    '      models.nuisance: [{ kind: linear }, { kind: ridge, alpha: 1.0 }, { kind: gbm, trees: 80, max_depth: 3, learning_rate: 0.05 }, { kind: linear }]',
    '',
  ].join('\n');
  const spec = variant('discovery-mediation-robustness.yaml', 'e2e-shards', 'uncertainty: { bootstrap: { reps: 5 } }\n' + grid, onSmall());
  const one = causeway(['run', spec, '--out', join(work, 'shards-j1'), '--jobs', '1', '--no-cache']);
  assert.equal(one.code, 0, one.stderr);
  const two = causeway(['run', spec, '--out', join(work, 'shards-j2'), '--jobs', '2', '--no-cache']);
  assert.equal(two.code, 0, two.stderr);
  const single = readFileSync(join(work, 'shards-j1', 'results.json'));
  assert.ok(single.equals(readFileSync(join(work, 'shards-j2', 'results.json'))), '--jobs 1 and --jobs 2 differ');
  for (const k of [1, 2, 3]) {
    const r = causeway(['run', spec, '--out', join(work, 'sharded'), '--shard', `${k}/3`, '--no-cache']);
    assert.equal(r.code, 0, r.stderr);
  }
  const merged = causeway(['merge', join(work, 'sharded')]);
  assert.equal(merged.code, 0, merged.stderr);
  assert.ok(single.equals(readFileSync(join(work, 'sharded', 'results.json'))), 'merged shards differ from one process');
  assert.equal(crossfitFolds(join(work, 'sharded')).text, crossfitFolds(join(work, 'shards-j1')).text, 'merged shards keep the fold assignments');
});
