// Plain (non-terminal) progress says what a long cell is doing: a periodic line naming each running
// cell, how long it has run and its current step; step lines update it instead of flooding the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createProgress } from '../../src/run/progress.js';

test('a periodic line names the running cell and its step; it stops when the grid ends', async () => {
  let text = '';
  const output = new Writable({ write(chunk, _enc, done) { text += String(chunk); done(); } });
  const progress = createProgress({ mode: 'plain', quiet: false, output, env: { CAUSEWAY_PROGRESS_SECONDS: '0.05' } });
  progress.event({ type: 'start', total: 2, cached: 0, toRun: 2, jobs: 1 });
  progress.event({ type: 'cell-start', index: 0, cellId: 'abc123', worker: 1 });
  progress.event({ type: 'log', cellId: 'abc123', message: 'step: estimator 2/6 aipw (200 bootstrap replicates)' });
  progress.event({ type: 'log', cellId: 'abc123', message: 'a warning worth printing' });
  await new Promise((r) => setTimeout(r, 200));
  assert.match(text, /… 0\/2 cells done; running: cell abc123 [\d.]+ ?m?s \(estimator 2\/6 aipw \(200 bootstrap replicates\)\)/);
  assert.doesNotMatch(text, /step: /, 'step lines are not printed as log lines');
  assert.match(text, /cell abc123: a warning worth printing/);
  progress.event({ type: 'cell-done', index: 0, cellId: 'abc123', status: 'ok', fromCache: false, ms: 250, done: 1, total: 2 });
  progress.event({ type: 'end', computed: 1, fromCache: 0, failed: 0, skipped: 1, interrupted: false, ms: 300 });
  await progress.close();
  const ended = text.length;
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(text.length, ended, 'no heartbeat after the grid ends');
});
