/**
 * The WebAssembly plain-record parser (src/data/wasm/plain-records.ts, compiled by `npm run build`),
 * compiled once per thread when a CSV reader or an inflating read first needs it. Each thread has an
 * instance for input copied in, and each member read through an inflating thread
 * (src/data/kuairec/inflate-thread.ts) one of its own, whose shared memory the inflating thread writes
 * the member's chunks into, where the parser reads them without a copy. The layout constants are read
 * from the module's exports.
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

/** An instance's memory in 64 KiB pages: the layout's END (checked when loaded), about 14 MB, resident only where written. */
const MEMORY_PAGES = 221;

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
  /** The instance's memory: a chunk in it (a Buffer over it) is parsed where it lies. */
  memory: SharedArrayBuffer;
  /** The room for an inflating thread's pool (lendShared). */
  sharedAt: number;
  sharedBytes: number;
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

let compiled: object | undefined;
let loaded: PlainRecords | undefined;
/** The instance whose memory an inflating thread writes into (lendShared), by that memory. */
const byMemory = new WeakMap<SharedArrayBuffer, PlainRecords>();

/** An instance of the module, with a memory of its own. */
function instantiate(): PlainRecords {
  compiled ??= new WebAssembly.Module(readFileSync(new URL('./wasm/plain-records.wasm', import.meta.url)));
  const memory = new WebAssembly.Memory({ initial: MEMORY_PAGES, maximum: MEMORY_PAGES, shared: true });
  const ex = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as PlainRecordsExports;
  const value = (g: WasmGlobal): number => Number(g.value);
  if (value(ex.END) > MEMORY_PAGES * 65536) throw new Error(`plain-records.wasm needs ${value(ex.END)} bytes of memory, more than MEMORY_PAGES gives`);
  const outputAt = value(ex.OUTPUT);
  const outputBytes = value(ex.OUTPUT_BYTES);
  const ordinalsAt = value(ex.ORDINALS);
  ex.init();
  // The memory never grows, so these views stay valid.
  const buffer = memory.buffer;
  const maxColumns = value(ex.MAX_COLUMNS);
  return {
    memory: buffer,
    sharedAt: value(ex.SHARED),
    sharedBytes: value(ex.SHARED_BYTES),
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
}

/**
 * The instance for a chunk in `buffer`: the one an inflating thread writes into when `buffer` is its
 * memory (the chunk is then parsed where it lies), else the thread's own (input copied in).
 */
export function plainRecords(buffer?: ArrayBufferLike): PlainRecords {
  const lent = buffer instanceof SharedArrayBuffer ? byMemory.get(buffer) : undefined;
  return lent ?? (loaded ??= instantiate());
}

/**
 * `bytes` of a new instance's memory (and 64 after them) for an inflating thread to write a member's
 * chunks into, or null when they do not fit its SHARED room. The instance, and so its memory, is
 * dropped once given back (its pages freed with it, as a pool of its own would be).
 */
export function lendShared(bytes: number): { memory: SharedArrayBuffer; at: number; giveBack(): void } | null {
  const instance = instantiate();
  if (bytes + 64 > instance.sharedBytes) return null;
  byMemory.set(instance.memory, instance);
  return {
    memory: instance.memory,
    at: instance.sharedAt,
    giveBack: () => {
      byMemory.delete(instance.memory);
    },
  };
}
