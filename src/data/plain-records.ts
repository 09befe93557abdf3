/**
 * The WebAssembly plain-record parser (src/data/wasm/plain-records.ts, compiled by `npm run build`),
 * loaded once per thread when a CSV reader or an inflating read first needs it. Its memory is shared, so
 * that an inflating thread (src/data/kuairec/inflate-thread.ts) can write a member's chunks into it, where
 * the parser reads them without a copy; its layout constants are read from its exports.
 */
import { readFileSync } from 'node:fs';

// WebAssembly's JavaScript API, as much as is used here (the project's lib, ES2023 without DOM, does not type it).
interface WasmGlobal { value: number | bigint }
interface WasmMemory { buffer: SharedArrayBuffer }
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
};

/** The memory's size in 64 KiB pages: the layout's END (checked when loaded), about 27 MB, resident only where written. */
const MEMORY_PAGES = 420;

interface PlainRecordsExports {
  init(): void;
  parse(from: number, to: number, columns: number, sampleColumn: number, modulus: number, remainder: number, dropEmpty: boolean, maxRows: number, stride: number, ordinals: boolean): number;
  COLUMN_FLAGS: WasmGlobal;
  INPUT: WasmGlobal;
  INPUT_BYTES: WasmGlobal;
  OUTPUT: WasmGlobal;
  OUTPUT_BYTES: WasmGlobal;
  ORDINALS: WasmGlobal;
  SHARED: WasmGlobal;
  SHARED_BYTES: WasmGlobal;
  END: WasmGlobal;
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
  /** The module's memory: a chunk in it (a Buffer over it) is parsed where it lies. */
  memory: SharedArrayBuffer;
  /** Where the input lies in `memory`, and how many bytes it holds. */
  inputAt: number;
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
  /** Records at [from, to) of `memory` (see the module); returns the address of the first not taken. */
  parse(from: number, to: number, columns: number, sampleColumn: number, modulus: number, remainder: number, dropEmpty: boolean, maxRows: number, stride: number, ordinals: boolean): number;
  recordsRead(): number;
  recordsSampledOut(): number;
  rowsKept(): number;
  rowsDroppedMissingId(): number;
  rowsEmptyCheck(): number;
  rowsDroppedEmpty(): number;
}

let loaded: PlainRecords | undefined;
/** Free stretches of the module's SHARED room, lent by lendShared. */
const sharedFree: Array<{ at: number; bytes: number }> = [];

export function plainRecords(): PlainRecords {
  if (loaded) return loaded;
  const module = new WebAssembly.Module(readFileSync(new URL('./wasm/plain-records.wasm', import.meta.url)));
  const memory = new WebAssembly.Memory({ initial: MEMORY_PAGES, maximum: MEMORY_PAGES, shared: true });
  const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as PlainRecordsExports;
  const value = (g: WasmGlobal): number => Number(g.value);
  if (value(ex.END) > MEMORY_PAGES * 65536) throw new Error(`plain-records.wasm needs ${value(ex.END)} bytes of memory, more than MEMORY_PAGES gives`);
  const outputAt = value(ex.OUTPUT);
  const outputBytes = value(ex.OUTPUT_BYTES);
  const ordinalsAt = value(ex.ORDINALS);
  ex.init();
  // The memory never grows, so these views stay valid.
  const buffer = memory.buffer;
  sharedFree.push({ at: value(ex.SHARED), bytes: value(ex.SHARED_BYTES) });
  const maxColumns = value(ex.MAX_COLUMNS);
  loaded = {
    memory: buffer,
    inputAt: value(ex.INPUT),
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

/**
 * `bytes` of the module's memory (and 64 after them) for an inflating thread to write chunks into, or
 * null when its room is taken (two members read at once take it); `give back` returns them.
 */
export function lendShared(bytes: number): { memory: SharedArrayBuffer; at: number; giveBack(): void } | null {
  const { memory } = plainRecords();
  const need = bytes + 64;
  const k = sharedFree.findIndex((f) => f.bytes >= need);
  if (k < 0) return null;
  const free = sharedFree[k];
  const at = free.at;
  if (free.bytes === need) sharedFree.splice(k, 1);
  else sharedFree[k] = { at: at + need, bytes: free.bytes - need };
  let lent = true;
  return {
    memory,
    at,
    giveBack: () => {
      if (!lent) return;
      lent = false;
      sharedFree.push({ at, bytes: need });
    },
  };
}
