/**
 * A cell worker thread (compiled to dist/src/run/worker.js; workers cannot load .ts). Loads the runner
 * module once, then runs the cells the engine sends one at a time with one SharedWork memo for the life
 * of the thread, so cells sharing a panel build it once. Every result leaves as stable JSON text: it is
 * what the cache stores and what the engine parses, whichever path a cell takes.
 * The worker knows only its runner module when it starts (the engine may start it before the spec is
 * read, src/run/engine.ts prestartWorker); the spec's path, folders and source positions come with the
 * first cell it is sent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { stableStringify, type CellResult } from '../results/index.js';
import type { Cell } from '../spec/plan.js';
import { describeError, failedCellResult, SharedWork, type RunCell, type WorkerContext } from './engine.js';

interface WorkerInput {
  runnerModule: string;
}

type RunMessage = { type: 'run'; index: number; cell: Cell; context?: WorkerContext };

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const input = workerData as WorkerInput;
  let runCell: RunCell;
  try {
    const mod = (await import(input.runnerModule)) as { runCell?: RunCell };
    if (typeof mod.runCell !== 'function') throw new Error(`${input.runnerModule} does not export runCell`);
    runCell = mod.runCell;
  } catch (e) {
    port.postMessage({ type: 'fatal', message: (e as Error)?.message ?? String(e) });
    process.exit(1);
  }
  const shared = new SharedWork();
  let context: WorkerContext | null = null;
  port.on('message', (msg: RunMessage) => {
    if (msg.type !== 'run') return;
    if (msg.context) context = msg.context;
    if (!context) {
      port.postMessage({ type: 'done', index: msg.index, payload: stableStringify(failedCellResult(msg.cell, 'internal error: the worker was sent a cell before its context')) });
      return;
    }
    void runOne(port, runCell, msg.index, msg.cell, context, shared);
  });
  port.postMessage({ type: 'ready' });
}

async function runOne(
  port: NonNullable<typeof parentPort>,
  runCell: RunCell,
  index: number,
  cell: Cell,
  context: WorkerContext,
  shared: SharedWork,
): Promise<void> {
  let result: CellResult;
  try {
    result = await runCell(cell, {
      ...context,
      shared,
      log: (message: string) => port.postMessage({ type: 'log', index, message }),
    });
  } catch (e) {
    result = failedCellResult(cell, describeError(e));
  }
  let payload: string;
  try {
    payload = stableStringify(result);
  } catch (e) {
    // NaN/Infinity in a result is a bug in a stage; record it rather than hide it as null.
    payload = stableStringify(failedCellResult(cell, `internal error: the cell result cannot be written: ${(e as Error).message}`));
  }
  port.postMessage({ type: 'done', index, payload });
}

void main();
