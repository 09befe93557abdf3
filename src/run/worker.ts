/**
 * A cell worker process (compiled to dist/src/run/worker.js; started by engine.ts with its input as the
 * one argument, JSON). Loads the runner module once, then runs the cells the engine sends one at a time
 * with one SharedWork memo for the life of the process, so cells sharing a panel build it once. Every
 * result leaves as stable JSON text: it is what the cache stores and what the engine parses, whichever
 * path a cell takes.
 */
import { stableStringify, type CellResult } from '../results/index.js';
import type { Cell } from '../spec/plan.js';
import { describeError, failedCellResult, SharedWork, type RunCell } from './engine.js';

interface WorkerInput {
  runnerModule: string;
  specPath: string;
  baseDir: string;
  cacheDir: string;
}

type ToEngine =
  | { type: 'ready' }
  | { type: 'log'; index: number; message: string }
  | { type: 'done'; index: number; payload: string }
  | { type: 'fatal'; message: string }
  | { type: 'crash'; message: string };

function send(msg: ToEngine): void {
  process.send?.(msg);
}

/** Sends a last message, then exits (a plain exit could drop the message). */
function sendAndExit(msg: ToEngine): void {
  if (!process.send || !process.connected) process.exit(1);
  process.send(msg, () => process.exit(1));
}

async function main(): Promise<void> {
  if (!process.send) return;
  // The engine owns interrupts: a Ctrl-C reaches the whole process group, and the engine lets in-flight
  // cells finish (first signal) or ends its workers (second). A worker whose engine is gone exits.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  process.on('disconnect', () => process.exit(0));
  process.on('uncaughtException', (e: unknown) => sendAndExit({ type: 'crash', message: (e as Error)?.message ?? String(e) }));
  const input = JSON.parse(process.argv[2] ?? '{}') as WorkerInput;
  let runCell: RunCell;
  try {
    const mod = (await import(input.runnerModule)) as { runCell?: RunCell };
    if (typeof mod.runCell !== 'function') throw new Error(`${input.runnerModule} does not export runCell`);
    runCell = mod.runCell;
  } catch (e) {
    sendAndExit({ type: 'fatal', message: (e as Error)?.message ?? String(e) });
    return;
  }
  const shared = new SharedWork();
  process.on('message', (msg: { type: 'run'; index: number; cell: Cell }) => {
    if (msg.type !== 'run') return;
    void runOne(runCell, msg.index, msg.cell, input, shared);
  });
  send({ type: 'ready' });
}

async function runOne(runCell: RunCell, index: number, cell: Cell, input: WorkerInput, shared: SharedWork): Promise<void> {
  let result: CellResult;
  try {
    result = await runCell(cell, {
      specPath: input.specPath,
      baseDir: input.baseDir,
      cacheDir: input.cacheDir,
      shared,
      log: (message: string) => send({ type: 'log', index, message }),
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
  send({ type: 'done', index, payload });
}

void main();
