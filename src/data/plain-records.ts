/**
 * The WebAssembly plain-record parser (src/data/wasm/plain-records.ts, compiled by `npm run build`),
 * loaded once per thread when a CSV reader first needs it. Its layout constants are read from its exports.
 */
import { readFileSync } from 'node:fs';

// WebAssembly's JavaScript API, as much as is used here (the project's lib, ES2023 without DOM, does not type it).
interface WasmGlobal { value: number | bigint }
interface WasmMemory { buffer: ArrayBuffer; grow(pages: number): number }
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

interface PlainRecordsExports {
  memory: WasmMemory;
  init(): void;
  parse(start: number, length: number, columns: number, sampleColumn: number, modulus: number, remainder: number, dropEmpty: boolean, maxRows: number, stride: number, ordinals: boolean): number;
  COLUMN_FLAGS: WasmGlobal;
  INPUT: WasmGlobal;
  INPUT_BYTES: WasmGlobal;
  OUTPUT: WasmGlobal;
  OUTPUT_BYTES: WasmGlobal;
  ORDINALS: WasmGlobal;
  MAX_COLUMNS: WasmGlobal;
  FLAG_NUMBER: WasmGlobal;
  FLAG_NAN_CHECK: WasmGlobal;
  FLAG_ID_PRESENT: WasmGlobal;
  FLAG_ID_VALID: WasmGlobal;
  FLAG_EMPTY_CHECK: WasmGlobal;
  recordsRead: WasmGlobal;
  recordsSampledOut: WasmGlobal;
  rowsKept: WasmGlobal;
  rowsDroppedMissingId: WasmGlobal;
  rowsEmptyCheck: WasmGlobal;
  rowsDroppedEmpty: WasmGlobal;
}

export interface PlainRecords {
  /** Bytes the input holds; offsets below are into `bytes`. */
  inputBytes: number;
  maxColumns: number;
  flags: { number: number; nanCheck: number; idPresent: number; idValid: number; emptyCheck: number };
  /** Per column: its flags, and (output slot + 1) << 8. */
  columnFlags: Int32Array;
  /** The input: records copied here are parsed by `parse`. */
  input: Uint8Array;
  /** Output slot k's rows: output.subarray(k * stride, k * stride + rows). */
  output: Float64Array;
  outputDoubles: number;
  /** Each output row's record, counted from 0 among the records the call read (when asked for). */
  ordinals: Int32Array;
  parse(start: number, length: number, columns: number, sampleColumn: number, modulus: number, remainder: number, dropEmpty: boolean, maxRows: number, stride: number, ordinals: boolean): number;
  recordsRead(): number;
  recordsSampledOut(): number;
  rowsKept(): number;
  rowsDroppedMissingId(): number;
  rowsEmptyCheck(): number;
  rowsDroppedEmpty(): number;
}

let loaded: PlainRecords | undefined;

export function plainRecords(): PlainRecords {
  if (loaded) return loaded;
  const module = new WebAssembly.Module(readFileSync(new URL('./wasm/plain-records.wasm', import.meta.url)));
  const ex = new WebAssembly.Instance(module, {}).exports as unknown as PlainRecordsExports;
  const value = (g: WasmGlobal): number => Number(g.value);
  const outputAt = value(ex.OUTPUT);
  const outputBytes = value(ex.OUTPUT_BYTES);
  const ordinalsAt = value(ex.ORDINALS);
  const pages = Math.ceil((ordinalsAt + (outputBytes / 8) * 4) / 65536) - ex.memory.buffer.byteLength / 65536;
  if (pages > 0) ex.memory.grow(pages);
  ex.init();
  // The memory does not grow after this, so these views stay valid.
  const buffer = ex.memory.buffer;
  const maxColumns = value(ex.MAX_COLUMNS);
  loaded = {
    inputBytes: value(ex.INPUT_BYTES),
    maxColumns,
    flags: {
      number: value(ex.FLAG_NUMBER), nanCheck: value(ex.FLAG_NAN_CHECK), idPresent: value(ex.FLAG_ID_PRESENT),
      idValid: value(ex.FLAG_ID_VALID), emptyCheck: value(ex.FLAG_EMPTY_CHECK),
    },
    columnFlags: new Int32Array(buffer, value(ex.COLUMN_FLAGS), maxColumns),
    input: new Uint8Array(buffer, value(ex.INPUT), value(ex.INPUT_BYTES)),
    output: new Float64Array(buffer, outputAt, outputBytes / 8),
    outputDoubles: outputBytes / 8,
    ordinals: new Int32Array(buffer, ordinalsAt, outputBytes / 8),
    parse: ex.parse,
    recordsRead: () => value(ex.recordsRead),
    recordsSampledOut: () => value(ex.recordsSampledOut),
    rowsKept: () => value(ex.rowsKept),
    rowsDroppedMissingId: () => value(ex.rowsDroppedMissingId),
    rowsEmptyCheck: () => value(ex.rowsEmptyCheck),
    rowsDroppedEmpty: () => value(ex.rowsDroppedEmpty),
  };
  return loaded;
}
