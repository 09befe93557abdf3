/**
 * The worker side of `npm run bench -- ingest --parse-thread` (bench/ingest.ts childParse): parses the
 * inflated chunks it is sent with the reader loadData uses, then answers the row count and Σ watch_ratio.
 * A module of its own so that the worker loads only the CSV reader, not the bench's imports.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CsvParser, type CsvRequest } from '../src/data/csv.js';

const parser = new CsvParser((workerData as { request: CsvRequest }).request);
parentPort!.on('message', (chunk: ArrayBuffer | null) => {
  if (chunk !== null) {
    parser.push(Buffer.from(chunk));
    return;
  }
  const table = parser.end().table;
  let sum = 0;
  for (const v of table.numeric.watch_ratio ?? []) if (v === v) sum += v;
  parentPort!.postMessage({ events: table.length, sum });
});
