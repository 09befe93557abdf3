/**
 * Hand-written streaming CSV byte parser (faster than the npm parsers we measured; bench/results/ingest.md).
 *
 * Bytes are pushed in chunks as they come out of the inflater; complete records are parsed straight
 * into chunked typed-array builders, and a record cut by a chunk boundary is carried over whole.
 * Numbers are parsed from bytes: a decimal whose digits, read as one integer m, stay below 2^53 and
 * with at most 22 digits after the point is computed as m / 10^k, which is exactly what Number() gives
 * (both operands are exact doubles and IEEE division rounds correctly); this covers the 16-digit
 * ratios KuaiRec's watch_ratio mostly has; 17 to 19 significant digits go through decimalFromApprox
 * (parsePlain) or decimalFromDigits (./decimal.ts, also exact). Longer or exponent forms fall back to Number().
 * Empty cells are NaN (numbers) or code -1 (categories). RFC 4180 quoting ("" inside quotes,
 * newlines inside quotes) is supported for every column.
 */
import { CausewayError } from '../errors.js';
import { decimalFromApprox, decimalFromDigits } from './decimal.js';
import { GrowableFloat64, RunLengthFloat64, type RunLengthColumn } from './resizable.js';
import { plainRecords } from './plain-records.js';
import type { CategoricalColumn, ColumnTable, ListColumn } from './table.js';

/** number: Float64 (error on a non-numeric cell); category: dictionary-coded string;
 *  auto: coded like a category, turned numeric at the end if every value is a number;
 *  intlist: "[27, 9]" into offsets/values; skip: not kept. */
export type CsvColumnKind = 'number' | 'category' | 'auto' | 'intlist';

export interface CsvRequest {
  member: string;                                  // for error messages
  columns: Record<string, CsvColumnKind>;          // columns to keep
  required?: string[];                             // must be in the header (default: every kept column)
  /** Keep only rows whose numeric `column` % modulus == remainder (tested before the rest is parsed). */
  sample?: { column: string; modulus: number; remainder: number };
  /** Rows with an empty cell in any of these columns are "missing time" rows. */
  emptyCheck?: string[];
  /** What to do with missing-time rows. */
  dropEmpty?: boolean;
  /** Rows whose cell here is empty are dropped (ids). */
  dropIfEmpty?: string[];
  /** Uncompressed size of the member in bytes, when known: bounds the row count (columns reserve, not commit, that much). */
  sizeHint?: number;
  /** Numeric columns holding ids: every kept value must be an integer in [0, 2^31 − 1] (the panel stores ids as Int32). */
  idColumns?: string[];
  /** Columns whose values together identify a row: a second row with the same values is DATA_DUPLICATE_KEY. */
  uniqueKey?: string[];
  /** Most rows kept (default `maxKeptRows()`): past it the read stops with DATA_TOO_MANY_ROWS instead of exhausting memory. */
  maxKeptRows?: number;
  /**
   * Numeric columns left out of `columns` (skipped unconverted) whose cells spelled NaN still count in
   * rowsNanText, so a quality table does not depend on which columns a spec happens to read.
   */
  nanTextColumns?: string[];
  /**
   * Who takes plain records (every column numeric or skipped, nothing quoted): the WebAssembly parser
   * (src/data/wasm/plain-records.ts, the default) or the JavaScript one (parsePlain); the results are
   * identical, and test/data/csv-plain.test.ts compares them.
   */
  plainPath?: 'wasm' | 'js';
  /**
   * Called as rows are kept: after each chunk (and at the end) with the kept rows [start, end) not yet
   * reported; `column(name)` gives a kept numeric column's values for those rows, index 0 for row
   * `start` (a view valid only during the call: the columns grow in place). A reader can then work
   * through a member's rows while its later chunks still inflate.
   */
  onRows?: (column: (name: string) => Float64Array | undefined, start: number, end: number) => void;
  /**
   * Numeric columns kept as runs of equal values (RunLengthFloat64), for columns that change rarely in
   * the file's order: they are in CsvResult.runLength, not in table.numeric.
   */
  runLengthColumns?: string[];
}

/**
 * The default cap on rows kept from one member: 60 million (the interaction matrix's 7 numeric columns
 * then take 3.4 GB; the real big matrix has 12.5 million rows). `CAUSEWAY_MAX_ROWS` raises or lowers it.
 */
const DEFAULT_MAX_KEPT_ROWS = 60_000_000;
export function maxKeptRows(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.CAUSEWAY_MAX_ROWS);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_MAX_KEPT_ROWS;
}

export interface CsvResult {
  table: ColumnTable;
  /** The CsvRequest.runLengthColumns read. */
  runLength: Record<string, RunLengthColumn>;
  lists: Record<string, ListColumn>;
  header: string[];
  rowsRead: number;          // data records in the file
  rowsSampledOut: number;    // excluded by the sample
  rowsEmptyCheck: number;    // records (inside the sample) with an empty emptyCheck cell
  rowsDroppedEmpty: number;  // of those, dropped by the policy
  rowsDroppedMissingId: number;
  /** Records (inside the sample) with a numeric cell spelled NaN, read as a missing value. */
  rowsNanText: number;
  bytes: number;
}

class I32Builder {
  private buf = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Int32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  finish(): Int32Array {
    return this.buf.slice(0, this.length);
  }
}

class CategoryBuilder {
  codes = new I32Builder();
  levels: string[] = [];
  private index = new Map<string, number>();
  push(s: string | null): void {
    if (s === null || s === '') {
      this.codes.push(-1);
      return;
    }
    let code = this.index.get(s);
    if (code === undefined) {
      code = this.levels.length;
      this.levels.push(s);
      this.index.set(s, code);
    }
    this.codes.push(code);
  }
}

class ListBuilder {
  offsets = new I32Builder();
  values = new I32Builder();
  constructor() {
    this.offsets.push(0);
  }
}

// Per-column slot kinds used in the hot loop.
const K_SKIP = 0;
const K_NUM = 1;
const K_STR = 2; // category or auto
const K_LIST = 3;

/** The longest record (line) read: past it the file is taken not to be a CSV (docs/limits.md). */
const MAX_RECORD_BYTES = 512 << 20;

/** 10^0 … 10^22: every one an exact double (10^23 is not). */
const POW10 = Float64Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
const TWO_POW_53 = 9007199254740992;

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

export class CsvParser {
  private readonly req: CsvRequest;
  private header: string[] | null = null;
  private line = 1;            // physical line number of the next record's first line
  private kinds: Uint8Array = new Uint8Array(0);
  private numBuilders: Array<GrowableFloat64 | RunLengthFloat64 | null> = [];
  private strBuilders: Array<CategoryBuilder | null> = [];
  private listBuilders: Array<ListBuilder | null> = [];
  private names: string[] = [];
  private sampleCol = -1;
  private emptyCols: Int32Array = new Int32Array(0);
  // commit() fast path: the numeric columns kept, and whether any other kind is kept
  private keptNumCols: Int32Array = new Int32Array(0);
  private keptNumBuilders: Array<GrowableFloat64 | RunLengthFloat64> = [];
  private hasOtherKinds = false;
  /** Every column numeric or skipped: parsePlain may take the records. */
  private plainRecords = false;
  private idCols: Int32Array = new Int32Array(0);
  /** 1 for skipped columns whose NaN spellings are counted (CsvRequest.nanTextColumns). */
  private nanCheck: Uint8Array = new Uint8Array(0);
  // Per-record scratch: numbers and string cells are staged, committed at the record's end.
  private stagedNum = new Float64Array(0);
  private stagedStr: Array<string | null> = [];
  private stagedList: number[][] = [];
  private cellEmpty = new Uint8Array(0);
  private result: Omit<CsvResult, 'table' | 'runLength' | 'lists' | 'header'> = {
    rowsRead: 0, rowsSampledOut: 0, rowsEmptyCheck: 0, rowsDroppedEmpty: 0, rowsDroppedMissingId: 0, rowsNanText: 0, bytes: 0,
  };

  private keptRows = 0;
  private recordNanText = false;
  private recordLine = 0;
  private validIdCols: Int32Array = new Int32Array(0);
  private keyCols: Int32Array = new Int32Array(0);
  private keyLines = new Map<string, number>();
  /** First line of each key value for one- and two-column keys (every KuaiRec table's): no key string per row. */
  private keyLinesByNumber = new Map<number, number>();
  private keyLinesByPair = new Map<number, Map<number, number>>();
  private readonly rowCap: number;

  constructor(req: CsvRequest) {
    this.req = req;
    this.rowCap = req.maxKeptRows ?? maxKeptRows();
  }

  /**
   * Bytes not yet parsed: the tail of a record cut by a chunk boundary, then whole chunks appended
   * without copying. They are joined only when a record can have ended (a line end arrived) and at least
   * as many bytes arrived as were left unparsed at the last attempt, so a record of any length is copied
   * a bounded number of times: reading is linear in the input, even for one 200 MB line (joining per
   * chunk made it quadratic).
   */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private unparsedAtLastTry = 0;
  private lineEndPending = false;
  /** Bytes copied to join chunks (the test of the join strategy reads it). */
  bytesJoined = 0;
  /** Records parsePlain or the WebAssembly parser took (their tests read it). */
  recordsTakenPlain = 0;
  /** Of those, the records the WebAssembly parser took. */
  recordsTakenWasm = 0;

  /** Parses what it can of `chunk`; keeps no view into it once it returns (a tail it keeps is copied). */
  push(chunk: Buffer): void {
    this.result.bytes += chunk.length;
    this.wasmBuf = null; // the caller may have reused the last chunk's memory
    if (this.pendingBytes === 0) {
      this.parseChunk(null, chunk);
      this.reportRows();
      return;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (chunk.indexOf(LF) >= 0 || chunk.indexOf(CR) >= 0) this.lineEndPending = true;
    if (this.pendingBytes > MAX_RECORD_BYTES) {
      throw new CausewayError('DATA_RECORD_TOO_LONG', `a record is longer than ${MAX_RECORD_BYTES / (1 << 20)} MiB (no line end found)`,
        { kind: 'data', member: this.req.member, line: this.line }, 'is this a CSV file?');
    }
    if (!this.lineEndPending || this.pendingBytes - this.unparsedAtLastTry < this.unparsedAtLastTry) {
      // kept for later, so copied: the caller may reuse the chunk's memory once push returns (archive.ts StreamOptions)
      this.pending[this.pending.length - 1] = Buffer.from(chunk);
      return;
    }
    const last = this.pending.pop()!;
    const carry = this.pending.length === 1 ? this.pending[0] : this.join(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.lineEndPending = false;
    this.parseChunk(carry, last);
    this.reportRows();
  }

  /** Kept rows reported to CsvRequest.onRows so far. */
  private rowsReported = 0;

  private reportRows(): void {
    const onRows = this.req.onRows;
    if (!onRows || this.header === null) return;
    const kept = this.keptRows;
    if (kept === this.rowsReported) return;
    const start = this.rowsReported;
    this.rowsReported = kept;
    onRows((name) => {
      const builder = this.numBuilders[this.names.indexOf(name)];
      if (!builder) return undefined;
      if (builder instanceof GrowableFloat64) return builder.view.subarray(start, kept);
      let scratch = this.runScratch.get(name);
      if (!scratch || scratch.length < kept - start) this.runScratch.set(name, (scratch = new Float64Array(kept - start)));
      return builder.rows(start, kept, scratch);
    }, start, kept);
  }

  /** Rows of each run-length column, as reportRows hands them out. */
  private readonly runScratch = new Map<string, Float64Array>();

  private join(parts: Buffer[]): Buffer {
    const joined = Buffer.concat(parts);
    this.bytesJoined += joined.length;
    return joined;
  }

  /** Keeps buf[from..] as the unparsed tail (copied, so the chunk it lies in is not retained). */
  private keepUnparsed(buf: Buffer, from: number): void {
    const tail = Buffer.from(buf.subarray(from));
    this.bytesJoined += tail.length;
    this.pending = [tail];
    this.pendingBytes = tail.length;
    this.unparsedAtLastTry = tail.length;
    this.lineEndPending = false;
  }

  /** Parses `carry` (unparsed bytes, or null) followed by `chunk`. */
  private parseChunk(carry: Buffer | null, chunk: Buffer): void {
    this.quoteBuf = null; // (a caller may hand the same Buffer again with new bytes)
    let buf = chunk;
    let pos = 0;
    if (carry && carry.length > 0) {
      // Finish the record cut by the previous chunk on a small buffer (carry + this chunk up to its first
      // line end) instead of copying the whole chunk; fall back to the full copy when quotes are involved.
      const nl = this.header !== null && carry.indexOf(QUOTE) < 0 ? chunk.indexOf(LF) : -1;
      if (nl >= 0 && chunk.indexOf(QUOTE, 0) !== -1 && chunk.indexOf(QUOTE, 0) < nl) {
        buf = this.join([carry, chunk]);
      } else if (nl >= 0) {
        const head = this.join([carry, chunk.subarray(0, nl + 1)]);
        const used = this.parseRecords(head, 0, false);
        if (used >= carry.length) pos = used - carry.length; // continue inside this chunk
        else buf = this.join([carry.subarray(used), chunk]); // incomplete after all: parse it whole
      } else {
        buf = this.join([carry, chunk]);
      }
    }
    if (this.header === null) {
      const end = findRecordEnd(buf, 0);
      if (end < 0) {
        this.keepUnparsed(buf, 0);
        return;
      }
      this.setHeader(buf, end.valueOf());
      pos = skipEol(buf, end);
      this.line++;
    }
    const consumed = this.parseRecords(buf, pos, false);
    if (consumed < buf.length) this.keepUnparsed(buf, consumed);
    else {
      this.pending = [];
      this.pendingBytes = 0;
      this.unparsedAtLastTry = 0;
    }
  }

  end(): CsvResult {
    this.quoteBuf = null;
    const rest = this.pendingBytes > 0 ? (this.pending.length === 1 ? this.pending[0] : this.join(this.pending)) : null;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.header === null) {
      const buf = rest ?? Buffer.alloc(0);
      if (buf.length === 0) {
        throw new CausewayError('DATA_EMPTY_MEMBER', 'the file is empty (no header line)', { kind: 'data', member: this.req.member, line: 1 });
      }
      const end = findRecordEnd(buf, 0);
      this.setHeader(buf, end < 0 ? buf.length : end);
      this.line++;
      const from = end < 0 ? buf.length : skipEol(buf, end);
      if (from < buf.length) this.parseTail(buf.subarray(from));
      this.reportRows();
      return this.finish();
    }
    if (rest && rest.length > 0) this.parseTail(rest);
    this.reportRows();
    return this.finish();
  }

  private parseTail(tail: Buffer): void {
    const consumed = this.parseRecords(tail, 0, true);
    if (consumed < tail.length) {
      throw new CausewayError('DATA_BAD_CSV', 'unterminated quoted field at the end of the file', { kind: 'data', member: this.req.member, line: this.line });
    }
  }

  private setHeader(buf: Buffer, end: number): void {
    let text = buf.toString('utf8', 0, end);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const header = splitHeader(text);
    this.header = header;
    const wanted = this.req.columns;
    const required = this.req.required ?? Object.keys(wanted);
    for (const name of required) {
      if (!header.includes(name)) {
        throw new CausewayError('DATA_MISSING_COLUMN', `column "${name}" is missing (the header has: ${header.join(', ')})`,
          { kind: 'data', member: this.req.member, line: 1, column: name });
      }
    }
    const n = header.length;
    // A record takes at least one byte per column (separators and the line end).
    const maxRows = this.req.sizeHint !== undefined ? Math.ceil(this.req.sizeHint / Math.max(1, n)) + 16 : 1 << 24;
    this.kinds = new Uint8Array(n);
    this.numBuilders = new Array(n).fill(null);
    this.strBuilders = new Array(n).fill(null);
    this.listBuilders = new Array(n).fill(null);
    this.names = header;
    this.stagedNum = new Float64Array(n);
    this.stagedStr = new Array(n).fill(null);
    this.stagedList = Array.from({ length: n }, () => []);
    this.cellEmpty = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const kind = wanted[header[i]];
      if (kind === undefined) continue;
      if (header.indexOf(header[i]) !== i) continue; // duplicate header name: first wins
      if (kind === 'number') {
        this.kinds[i] = K_NUM;
        this.numBuilders[i] = this.req.runLengthColumns?.includes(header[i]) ? new RunLengthFloat64(maxRows) : new GrowableFloat64(maxRows);
      } else if (kind === 'intlist') {
        this.kinds[i] = K_LIST;
        this.listBuilders[i] = new ListBuilder();
      } else {
        this.kinds[i] = K_STR;
        this.strBuilders[i] = new CategoryBuilder();
      }
    }
    if (this.req.sample) {
      this.sampleCol = header.indexOf(this.req.sample.column);
      if (this.sampleCol < 0) {
        throw new CausewayError('DATA_MISSING_COLUMN', `column "${this.req.sample.column}" is missing`, { kind: 'data', member: this.req.member, line: 1, column: this.req.sample.column });
      }
      if (this.kinds[this.sampleCol] === K_SKIP) this.kinds[this.sampleCol] = K_NUM; // staged only
    }
    const numCols: number[] = [];
    for (let i = 0; i < n; i++) {
      if (this.numBuilders[i]) numCols.push(i);
      else if (this.kinds[i] === K_STR || this.kinds[i] === K_LIST) this.hasOtherKinds = true;
    }
    this.keptNumCols = Int32Array.from(numCols);
    this.keptNumBuilders = numCols.map((i) => this.numBuilders[i]!);
    this.emptyCols = Int32Array.from((this.req.emptyCheck ?? []).map((c) => header.indexOf(c)).filter((i) => i >= 0));
    this.idCols = Int32Array.from((this.req.dropIfEmpty ?? []).map((c) => header.indexOf(c)).filter((i) => i >= 0));
    this.nanCheck = new Uint8Array(n);
    for (const c of this.req.nanTextColumns ?? []) {
      const i = header.indexOf(c);
      if (i >= 0 && this.kinds[i] === K_SKIP) this.nanCheck[i] = 1;
    }
    const numericIndex = (c: string) => {
      const i = header.indexOf(c);
      if (i >= 0 && this.kinds[i] === K_SKIP) this.kinds[i] = K_NUM; // staged only
      return i;
    };
    this.validIdCols = Int32Array.from((this.req.idColumns ?? []).map(numericIndex).filter((i) => i >= 0 && this.kinds[i] === K_NUM));
    this.keyCols = Int32Array.from((this.req.uniqueKey ?? []).map(numericIndex).filter((i) => i >= 0 && this.kinds[i] === K_NUM));
    this.plainRecords = this.kinds.every((k) => k === K_NUM || k === K_SKIP);
    if (this.plainRecords && this.req.plainPath !== 'js' && this.keptNumBuilders.length > 0) {
      const wasm = plainRecords();
      if (n <= wasm.maxColumns) {
        // output slots: the kept columns, then the key columns not kept (checked, not kept)
        const slots = [...numCols];
        this.wasmKeySlots = Int32Array.from(this.keyCols, (c) => {
          if (!slots.includes(c)) slots.push(c);
          return slots.indexOf(c);
        });
        this.wasmSlots = slots.length;
        const flags = new Int32Array(n);
        const has = (list: Int32Array, c: number) => list.includes(c);
        for (let c = 0; c < n; c++) {
          let f = 0;
          if (this.kinds[c] === K_NUM) f |= wasm.flags.number;
          if (this.nanCheck[c] === 1) f |= wasm.flags.nanCheck;
          if (has(this.idCols, c)) f |= wasm.flags.idPresent;
          if (has(this.validIdCols, c)) f |= wasm.flags.idValid;
          if (has(this.emptyCols, c)) f |= wasm.flags.emptyCheck;
          const slot = slots.indexOf(c);
          if (slot >= 0) f |= (slot + 1) << 8;
          flags[c] = f;
        }
        this.wasmColumns = flags;
      }
    }
  }

  /** Column flags for the WebAssembly plain-record parser, when it may take this file's records. */
  private wasmColumns: Int32Array | null = null;
  /** Its output slots (kept columns first), and the slot of each key column. */
  private wasmSlots = 0;
  private wasmKeySlots: Int32Array = new Int32Array(0);
  /** The buffer whose bytes [wasmBase, wasmBase + wasmLength) the module's input holds (cleared by push). */
  private wasmBuf: Buffer | null = null;
  private wasmBase = 0;
  private wasmLength = 0;

  /**
   * parsePlain's contract (records in buf[pos, end), `end` after a line end; returns the first record
   * not taken, or `end`) by the WebAssembly parser; each record it leaves is offered to parsePlain alone,
   * and one that parsePlain leaves too is returned.
   */
  private parsePlainWasm(buf: Buffer, pos: number, end: number, columnFlags: Int32Array): number {
    const wasm = plainRecords(buf.buffer);
    const result = this.result;
    const builders = this.keptNumBuilders;
    const stride = Math.floor(wasm.outputDoubles / this.wasmSlots);
    const keyCols = this.keyCols;
    const keySlots = this.wasmKeySlots;
    const sample = this.req.sample;
    wasm.columnFlags.set(columnFlags);
    // A chunk in the module's memory (an inflating thread's slot, src/data/plain-records.ts lendShared) is
    // parsed where it lies; any other is copied into the module's input a piece at a time.
    const inPlace = buf.buffer === wasm.memory;
    while (pos < end) {
      let shift: number; // the address of buf[i] is i + shift, for i below pieceEnd
      let pieceEnd: number;
      if (inPlace) {
        shift = buf.byteOffset;
        pieceEnd = end;
      } else {
        if (this.wasmBuf !== buf || pos < this.wasmBase || pos >= this.wasmBase + this.wasmLength) {
          // copy the longest run of whole records from pos that fits the module's input
          let copyEnd = end;
          if (end - pos > wasm.inputBytes) copyEnd = buf.lastIndexOf(LF, pos + wasm.inputBytes - 1) + 1;
          if (copyEnd <= pos) return this.parsePlain(buf, pos, end); // a record longer than the input
          wasm.input.set(buf.subarray(pos, copyEnd));
          this.wasmBuf = buf;
          this.wasmBase = pos;
          this.wasmLength = copyEnd - pos;
        }
        shift = wasm.inputAt - this.wasmBase;
        pieceEnd = this.wasmBase + this.wasmLength;
      }
      const maxRows = Math.min(stride, this.rowCap - this.keptRows);
      const stop = wasm.parse(pos + shift, pieceEnd + shift, columnFlags.length, this.sampleCol,
        sample?.modulus ?? 1, sample?.remainder ?? 0, this.req.dropEmpty === true, maxRows, stride, keyCols.length > 0) - shift;
      const read = wasm.recordsRead();
      const kept = wasm.rowsKept();
      if (keyCols.length > 0) {
        // each kept row's key, checked as commit() checks it, on the line its record began
        const staged = this.stagedNum;
        for (let r = 0; r < kept; r++) {
          for (let i = 0; i < keyCols.length; i++) staged[keyCols[i]] = wasm.output[keySlots[i] * stride + r];
          this.recordLine = this.line + wasm.ordinals[r];
          this.checkUnique();
        }
      }
      for (let k = 0; k < builders.length; k++) builders[k].pushAll(wasm.output.subarray(k * stride, k * stride + kept));
      this.keptRows += kept;
      this.line += read;
      result.rowsRead += read;
      result.rowsSampledOut += wasm.recordsSampledOut();
      result.rowsDroppedMissingId += wasm.rowsDroppedMissingId();
      result.rowsEmptyCheck += wasm.rowsEmptyCheck();
      result.rowsDroppedEmpty += wasm.rowsDroppedEmpty();
      this.recordsTakenPlain += read;
      this.recordsTakenWasm += read;
      pos = stop;
      if (stop === pieceEnd) continue;
      if (kept === maxRows && maxRows > 0) continue; // the output was full
      // a record it left: parsePlain's, or the caller's
      const next = this.parsePlain(buf, pos, buf.indexOf(LF, pos) + 1);
      if (next === pos) return pos;
      pos = next;
    }
    return pos;
  }

  private checkUnique(): void {
    if (this.keyCols.length === 1) {
      const a = this.stagedNum[this.keyCols[0]];
      if (Number.isNaN(a)) return;
      const first = this.keyLinesByNumber.get(a);
      if (first === undefined) this.keyLinesByNumber.set(a, this.recordLine);
      else this.duplicateKey(String(a), first);
      return;
    }
    if (this.keyCols.length === 2) {
      const a = this.stagedNum[this.keyCols[0]];
      const b = this.stagedNum[this.keyCols[1]];
      if (Number.isNaN(a) || Number.isNaN(b)) return;
      let inner = this.keyLinesByPair.get(a);
      if (inner === undefined) this.keyLinesByPair.set(a, (inner = new Map()));
      const first = inner.get(b);
      if (first === undefined) inner.set(b, this.recordLine);
      else this.duplicateKey(`${String(a)},${String(b)}`, first);
      return;
    }
    let key = '';
    for (let i = 0; i < this.keyCols.length; i++) {
      const v = this.stagedNum[this.keyCols[i]];
      if (Number.isNaN(v)) return; // a row without its key is not a duplicate of another
      key += (i ? ',' : '') + String(v);
    }
    const first = this.keyLines.get(key);
    if (first === undefined) {
      this.keyLines.set(key, this.recordLine);
      return;
    }
    this.duplicateKey(key, first);
  }

  private duplicateKey(key: string, first: number): never {
    const names = Array.from(this.keyCols, (c) => this.names[c]);
    throw new CausewayError('DATA_DUPLICATE_KEY', `${names.join(', ')} ${key} appears in two rows (lines ${first} and ${this.recordLine}); which one holds is undefined`,
      { kind: 'data', member: this.req.member, line: this.recordLine, column: names.join(',') }, 'remove or merge the duplicate row');
  }

  /** A record whose cell count differs from the header's: extra cells would be dropped unseen, missing ones read as empty. */
  private wrongCellCount(cells: number, line: number): never {
    const n = this.kinds.length;
    throw new CausewayError(cells < n ? 'DATA_SHORT_ROW' : 'DATA_EXTRA_CELLS',
      `the row has ${cells} cell${cells === 1 ? '' : 's'}, the header has ${n}`,
      { kind: 'data', member: this.req.member, line }, cells < n ? 'is the file cut short or a line broken?' : 'is a comma missing its quotes?');
  }

  private outOfRange(buf: Buffer, start: number, end: number, col: number, line: number): never {
    const text = buf.toString('utf8', start, Math.min(end, start + 40));
    throw new CausewayError('DATA_NOT_NUMERIC', `value "${text}" in numeric column "${this.names[col]}" is out of range (not a finite number)`,
      { kind: 'data', member: this.req.member, line, column: this.names[col] });
  }

  private badNumber(buf: Buffer, start: number, end: number, col: number, line: number): never {
    const text = buf.toString('utf8', start, Math.min(end, start + 40));
    throw new CausewayError('DATA_NOT_NUMERIC', `non-numeric value "${text}" in numeric column "${this.names[col]}"`,
      { kind: 'data', member: this.req.member, line, column: this.names[col] });
  }

  /**
   * Parses complete records from `pos`; returns the offset of the first record not parsed
   * (incomplete unless `final`). parsePlain takes the records up to the chunk's last line end, handing
   * each record it does not take to parseCareful one at a time.
   */
  private parseRecords(buf: Buffer, pos: number, final: boolean): number {
    if (this.plainRecords && !final) {
      const end = buf.lastIndexOf(LF) + 1;
      if (end > pos) {
        for (let batch = 1; ;) {
          const from = pos;
          pos = this.wasmColumns ? this.parsePlainWasm(buf, pos, end, this.wasmColumns) : this.parsePlain(buf, pos, end);
          if (pos >= end) break;
          // the record it left; while it takes none (a CRLF file, say), twice as many each time up to 64,
          // so that a file it cannot take is parsed twice at most one record in 64
          batch = pos === from ? Math.min(64, batch * 2) : 1;
          const next = this.parseCareful(buf, pos, false, batch);
          if (next === pos) break; // (cannot happen: the record ends before `end`) left to the loop below
          pos = next;
        }
      }
    }
    return this.parseCareful(buf, pos, final, Infinity);
  }

  /**
   * The fast path for files of numeric and skipped columns (the interaction matrix): records in
   * buf[pos, end), where `end` follows a line end, so the loops need no bounds checks (that LF stops
   * them). It takes a record whose cells all end at a comma or at its LF, none of them quoted or holding
   * a CR or other control byte, parses it into the same staged cells as parseCareful's and commits it
   * the same way. A record it does not take as it is — a blank line, a wrong cell count, a quoted cell,
   * a CR, a number that is not plain digits (sign "+", exponent, NaN text, garbage, beyond the exact
   * decimal paths), a skipped cell that may spell NaN — is left to parseCareful (which may read past
   * `end` when quotes hold a line end): the return value is its start, or `end` when it took every record.
   */
  private parsePlain(buf: Buffer, pos: number, end: number): number {
    const kinds = this.kinds;
    const last = kinds.length - 1;
    const staged = this.stagedNum;
    const cellEmpty = this.cellEmpty;
    const nanCheck = this.nanCheck;
    const sampleCol = this.sampleCol;
    const modulus = this.req.sample?.modulus ?? 1;
    const remainder = this.req.sample?.remainder ?? 0;
    const result = this.result;
    const rowsBefore = result.rowsRead;
    this.recordNanText = false; // no NaN spelling is taken here
    records: while (pos < end) {
      const recStart = pos;
      if (buf[pos] === LF) break;
      let sampledOut = false;
      for (let col = 0; ; col++) {
        const cellStart = pos;
        let c = buf[pos];
        if (kinds[col] === K_NUM) {
          let neg = false;
          if (c === 45) {
            neg = true;
            c = buf[++pos];
          }
          const digitsStart = pos;
          // the digits as one integer, and its low 32 bits for decimalFromApprox when it passes 2^53
          let mantissa = 0;
          let low32 = 0;
          while (c >= 48 && c <= 57) {
            mantissa = mantissa * 10 + (c - 48);
            low32 = (Math.imul(low32, 10) + (c - 48)) | 0;
            c = buf[++pos];
          }
          let digits = pos - digitsStart;
          let fracDigits = 0;
          if (c === 46) {
            const fracStart = ++pos;
            c = buf[pos];
            while (c >= 48 && c <= 57) {
              mantissa = mantissa * 10 + (c - 48);
              low32 = (Math.imul(low32, 10) + (c - 48)) | 0;
              c = buf[++pos];
            }
            fracDigits = pos - fracStart;
            digits += fracDigits;
          }
          if (c !== COMMA && c !== LF) { pos = recStart; break records; }
          if (pos === cellStart) staged[col] = NaN;
          else if (digits === 0) { pos = recStart; break records; }
          else if (mantissa < TWO_POW_53 && fracDigits <= 22) {
            // exact, as in parseCareful
            const v = fracDigits === 0 ? mantissa : mantissa / POW10[fracDigits];
            staged[col] = neg ? -v : v;
          } else {
            const exact = decimalFromApprox(mantissa, low32, fracDigits);
            if (exact < 0) { pos = recStart; break records; }
            staged[col] = neg ? -exact : exact;
          }
        } else {
          // a quoted cell, or one whose first byte could begin a NaN spelling (isNanSpelling), is left to parseCareful
          if (c === QUOTE || (nanCheck[col] === 1 && (c === 78 || c === 110 || (c <= 32 && c !== LF)))) { pos = recStart; break records; }
          // (a quote inside an unquoted cell is text to parseCareful too; CR, TAB and other bytes below 14 stop here)
          while (c !== COMMA && c > CR) c = buf[++pos];
          if (c !== COMMA && c !== LF) { pos = recStart; break records; }
        }
        cellEmpty[col] = pos === cellStart ? 1 : 0;
        if (col === sampleCol) {
          const id = staged[col];
          if (!(((id % modulus) + modulus) % modulus === remainder)) sampledOut = true;
        }
        if (c === COMMA) {
          if (col === last) { pos = recStart; break records; }
          pos++;
          if (sampledOut) {
            // as parseCareful: the rest of a sampled-out record is not read, unless a quote lies before its line end
            const nl = buf.indexOf(LF, pos);
            if (this.quoteAfter(buf, pos) < nl) { pos = recStart; break records; }
            pos = nl + 1;
            this.line++;
            result.rowsRead++;
            result.rowsSampledOut++;
            continue records;
          }
          continue;
        }
        if (col !== last) { pos = recStart; break records; }
        pos++;
        break;
      }
      const recLine = this.line++;
      result.rowsRead++;
      if (sampledOut) {
        result.rowsSampledOut++;
        continue;
      }
      this.recordLine = recLine;
      this.commit();
    }
    this.recordsTakenPlain += result.rowsRead - rowsBefore;
    return pos;
  }

  /**
   * The first quote at or after `pos` in `buf` (buf.length when none), remembered per buffer so that the
   * searches of one buffer, across parseCareful's and parsePlain's calls, are linear in its length.
   */
  private quoteAfter(buf: Buffer, pos: number): number {
    if (this.quoteBuf !== buf || this.quoteAt < pos) {
      const q = buf.indexOf(QUOTE, pos);
      this.quoteBuf = buf;
      this.quoteAt = q < 0 ? buf.length : q;
    }
    return this.quoteAt;
  }
  private quoteBuf: Buffer | null = null;
  private quoteAt = 0;

  /**
   * The byte-by-byte parser: every case (quotes, CR, NaN text, errors). Returns after at most
   * `maxRecords` records (blank lines count).
   */
  private parseCareful(buf: Buffer, pos: number, final: boolean, maxRecords: number): number {
    let left = maxRecords;
    const len = buf.length;
    const kinds = this.kinds;
    const ncol = kinds.length;
    const staged = this.stagedNum;
    const cellEmpty = this.cellEmpty;
    const sampleCol = this.sampleCol;
    const modulus = this.req.sample?.modulus ?? 1;
    const remainder = this.req.sample?.remainder ?? 0;

    records: while (pos < len) {
      if (left-- === 0) return pos;
      const recStart = pos;
      this.recordNanText = false;
      const recLine = this.line;
      let lineInc = 0;
      // Blank line: skip.
      if (buf[pos] === LF || buf[pos] === CR) {
        const e = skipEol(buf, pos);
        if (e === pos || (e >= len && !final && buf[pos] === CR)) break;
        pos = e;
        this.line++;
        continue;
      }
      let col = 0;
      let sampledOut = false;
      for (;;) {
        // One cell starting at pos.
        if (pos >= len) {
          if (!final) return recStart;
          // final: an unterminated last record is complete at EOF
        }
        const kind = col < ncol ? kinds[col] : K_SKIP;
        let cellStart = pos;
        let cellEnd: number;
        let quoted = false;
        let trailStart = -1;
        let trailEnd = -1;
        if (pos < len && buf[pos] === QUOTE) {
          quoted = true;
          // Quoted cell: find the closing quote ("" is an escaped quote).
          let p = pos + 1;
          for (;;) {
            const q = buf.indexOf(QUOTE, p);
            if (q < 0) {
              if (!final) return recStart;
              throw new CausewayError('DATA_BAD_CSV', 'unterminated quoted field', { kind: 'data', member: this.req.member, line: recLine });
            }
            if (q + 1 < len && buf[q + 1] === QUOTE) {
              p = q + 2;
              continue;
            }
            if (q + 1 >= len && !final) return recStart;
            // count newlines inside the quotes for line numbers
            for (let i = pos + 1; i < q; i++) if (buf[i] === LF) lineInc++;
            cellStart = pos + 1;
            cellEnd = q;
            pos = q + 1;
            break;
          }
          if (pos < len && buf[pos] !== COMMA && buf[pos] !== LF && buf[pos] !== CR) {
            // Text after the closing quote ("ab"cd): kept as part of the cell, as pandas' parser does.
            let p = pos;
            while (p < len && buf[p] !== COMMA && buf[p] !== LF && buf[p] !== CR) p++;
            if (p >= len && !final) return recStart;
            trailStart = pos;
            trailEnd = p;
            pos = p;
          }
        } else if (kind === K_NUM) {
          // Inline numeric parse.
          let p = pos;
          let neg = false;
          let c = p < len ? buf[p] : LF;
          if (c === 45) { neg = true; c = ++p < len ? buf[p] : LF; }
          else if (c === 43) { c = ++p < len ? buf[p] : LF; }
          const digitsStart = p;
          // every digit, before and after the point, into one integer: exact while below 2^53
          let mantissa = 0;
          let digits = 0;
          while (c >= 48 && c <= 57) {
            mantissa = mantissa * 10 + (c - 48);
            digits++;
            c = ++p < len ? buf[p] : LF;
          }
          let fracDigits = 0;
          if (c === 46) {
            c = ++p < len ? buf[p] : LF;
            while (c >= 48 && c <= 57) {
              mantissa = mantissa * 10 + (c - 48);
              fracDigits++;
              c = ++p < len ? buf[p] : LF;
            }
          }
          if (c === COMMA || c === LF || c === CR) {
            if (p >= len && !final) return recStart;
            cellEnd = p;
            if (p === pos) {
              staged[col] = NaN;
            } else if (digits + fracDigits === 0) {
              this.badNumber(buf, pos, p, col, recLine);
            } else if (mantissa < TWO_POW_53 && fracDigits <= 22) {
              // (a true value ≥ 2^53 cannot compute below it: rounding is monotone and 2^53 is a double)
              const v = fracDigits === 0 ? mantissa : mantissa / POW10[fracDigits];
              staged[col] = neg ? -v : v;
            } else {
              // ≥ 2^53 as an integer: up to 19 significant digits from the bytes (src/data/decimal.ts), else
              // Number(), which rounds the rest exactly (latin1Slice skips toString's argument checks)
              const exact = fracDigits <= 22 ? decimalFromDigits(buf, digitsStart, p) : -1;
              if (exact >= 0) staged[col] = neg ? -exact : exact;
              else {
                const v = Number((buf as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice(pos, p));
                if (!Number.isFinite(v)) this.outOfRange(buf, pos, p, col, recLine);
                staged[col] = v;
              }
            }
            pos = p;
          } else {
            // Exponent, NaN spelled out, or garbage: scan to the end of the cell, then decide.
            while (p < len && buf[p] !== COMMA && buf[p] !== LF && buf[p] !== CR) p++;
            if (p >= len && !final) return recStart;
            const text = buf.toString('latin1', pos, p).trim();
            let v: number;
            if (text === '') v = NaN;
            else if (text === 'NaN' || text === 'nan') {
              v = NaN;
              this.recordNanText = true;
            } else {
              v = Number(text);
              if (Number.isNaN(v) || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) this.badNumber(buf, pos, p, col, recLine);
              if (!Number.isFinite(v)) this.outOfRange(buf, pos, p, col, recLine);
            }
            staged[col] = v;
            cellEnd = p;
            pos = p;
          }
        } else {
          // Unquoted non-numeric cell (or skipped): scan to the delimiter.
          let p = pos;
          while (p < len) {
            const c = buf[p];
            if (c === COMMA || c === LF || c === CR) break;
            p++;
          }
          if (p >= len && !final) return recStart;
          cellEnd = p;
          pos = p;
        }
        if (col < ncol) {
          cellEmpty[col] = cellEnd === cellStart ? 1 : 0;
          if (kind === K_NUM && quoted) {
            // Quoted number: parse the inner text.
            const text = (buf.toString('utf8', cellStart, cellEnd) + (trailStart >= 0 ? buf.toString('utf8', trailStart, trailEnd) : '')).trim();
            if (text === '') staged[col] = NaN;
            else if (text === 'NaN' || text === 'nan') {
              staged[col] = NaN;
              this.recordNanText = true;
            } else {
              const v = Number(text);
              if (Number.isNaN(v)) this.badNumber(buf, cellStart, cellEnd, col, recLine);
              if (!Number.isFinite(v)) this.outOfRange(buf, cellStart, cellEnd, col, recLine);
              staged[col] = v;
            }
          } else if (kind === K_STR) {
            this.stagedStr[col] = cellEnd === cellStart && trailStart < 0 ? null
              : quoted ? buf.toString('utf8', cellStart, cellEnd).replace(/""/g, '"') + (trailStart >= 0 ? buf.toString('utf8', trailStart, trailEnd) : '')
                : buf.toString('utf8', cellStart, cellEnd);
          } else if (kind === K_LIST) {
            const list = this.stagedList[col];
            list.length = 0;
            parseIntList(buf, cellStart, trailStart >= 0 ? trailEnd : cellEnd, list);
          } else if (this.nanCheck[col] === 1 && cellEnd - cellStart >= 3 && cellEnd - cellStart <= 32 && trailStart < 0 && isNanSpelling(buf, cellStart, cellEnd)) {
            this.recordNanText = true;
          }
          if (col === sampleCol) {
            const id = staged[col];
            if (!(((id % modulus) + modulus) % modulus === remainder)) sampledOut = true;
          }
        }
        // Delimiter.
        if (pos < len && buf[pos] === COMMA) {
          pos++;
          col++;
          if (sampledOut && pos < this.quoteAfter(buf, pos)) {
            // Sampled out and no quote before the line end: jump to the end of the record.
            const nextQuote = this.quoteAfter(buf, pos);
            const nl = buf.indexOf(LF, pos);
            if (nl < 0 || nl > nextQuote) {
              // fall through to the careful scan
            } else {
              pos = nl + 1;
              this.line = recLine + 1 + lineInc;
              this.result.rowsRead++;
              this.result.rowsSampledOut++;
              continue records;
            }
          }
          continue;
        }
        // End of record (LF, CRLF or EOF).
        if (pos < len) {
          if (buf[pos] === CR) {
            if (pos + 1 >= len && !final) return recStart;
            pos++;
            if (pos < len && buf[pos] === LF) pos++;
          } else pos++;
        }
        break;
      }
      this.line = recLine + 1 + lineInc;
      if (col + 1 !== ncol) this.wrongCellCount(col + 1, recLine);
      this.result.rowsRead++;
      if (sampledOut) {
        this.result.rowsSampledOut++;
        continue;
      }
      this.recordLine = recLine;
      this.commit();
    }
    return pos;
  }

  private commit(): void {
    const kinds = this.kinds;
    const ncol = kinds.length;
    if (this.recordNanText) {
      this.result.rowsNanText++;
      this.recordNanText = false;
    }
    for (let i = 0; i < this.idCols.length; i++) {
      // an id spelled NaN is as missing as an empty one
      if (this.cellEmpty[this.idCols[i]] || Number.isNaN(this.stagedNum[this.idCols[i]])) {
        this.result.rowsDroppedMissingId++;
        return;
      }
    }
    for (let i = 0; i < this.validIdCols.length; i++) {
      const v = this.stagedNum[this.validIdCols[i]];
      if (!Number.isNaN(v) && !(Number.isInteger(v) && v >= 0 && v <= 0x7fffffff)) {
        const name = this.names[this.validIdCols[i]];
        throw new CausewayError('DATA_BAD_ID', `${name} ${v} is not an id (ids are whole numbers from 0 to 2147483647)`,
          { kind: 'data', member: this.req.member, line: this.recordLine, column: name });
      }
    }
    let emptyTime = false;
    for (let i = 0; i < this.emptyCols.length; i++) if (this.cellEmpty[this.emptyCols[i]]) emptyTime = true;
    if (emptyTime) {
      this.result.rowsEmptyCheck++;
      if (this.req.dropEmpty) {
        this.result.rowsDroppedEmpty++;
        return;
      }
    }
    if (++this.keptRows > this.rowCap) {
      throw new CausewayError('DATA_TOO_MANY_ROWS', `more than ${this.rowCap} rows would be kept in memory`,
        { kind: 'data', member: this.req.member, line: this.line - 1 },
        'keep fewer users with data.sample (e.g. modulus: 4), or raise the cap with CAUSEWAY_MAX_ROWS');
    }
    if (this.keyCols.length > 0) this.checkUnique();
    const staged = this.stagedNum;
    const cols = this.keptNumCols;
    const builders = this.keptNumBuilders;
    for (let j = 0; j < cols.length; j++) builders[j].push(staged[cols[j]]);
    if (!this.hasOtherKinds) return;
    for (let c = 0; c < ncol; c++) {
      const k = kinds[c];
      if (k === K_STR) {
        this.strBuilders[c]!.push(this.stagedStr[c]);
      } else if (k === K_LIST) {
        const lb = this.listBuilders[c]!;
        const list = this.stagedList[c];
        for (const v of list) lb.values.push(v);
        lb.offsets.push(lb.values.length);
      }
    }
  }

  private finish(): CsvResult {
    const numeric: Record<string, Float64Array> = {};
    const runLength: Record<string, RunLengthColumn> = {};
    const categorical: Record<string, CategoricalColumn> = {};
    const lists: Record<string, ListColumn> = {};
    let length = 0;
    const names = this.names;
    for (let c = 0; c < names.length; c++) {
      const nb = this.numBuilders[c];
      if (nb) {
        length = nb.length;
        if (nb instanceof RunLengthFloat64) runLength[names[c]] = nb.finish();
        else numeric[names[c]] = nb.finish();
        this.numBuilders[c] = null;
        continue;
      }
      const sb = this.strBuilders[c];
      if (sb) {
        const codes = sb.codes.finish();
        length = codes.length;
        if (this.req.columns[names[c]] === 'auto' && sb.levels.every((l) => isNumberText(l))) {
          const lv = sb.levels.map(Number);
          const out = new Float64Array(codes.length);
          for (let i = 0; i < codes.length; i++) out[i] = codes[i] < 0 ? NaN : lv[codes[i]];
          numeric[names[c]] = out;
        } else categorical[names[c]] = { codes, levels: sb.levels };
        continue;
      }
      const lb = this.listBuilders[c];
      if (lb) {
        const offsets = lb.offsets.finish();
        length = offsets.length - 1;
        lists[names[c]] = { offsets, values: lb.values.finish() };
      }
    }
    return {
      table: { length, numeric, categorical },
      runLength,
      lists,
      header: this.header ?? [],
      ...this.result,
    };
  }
}

/** The cell reads "NaN" or "nan" once trimmed, as a parsed numeric cell's would (checked on bytes: most cells fail at the first). */
function isNanSpelling(buf: Buffer, start: number, end: number): boolean {
  while (start < end && buf[start] <= 32) start++;
  const c = buf[start];
  if (c !== 78 && c !== 110) return false;
  const text = buf.toString('latin1', start, end).trim();
  return text === 'NaN' || text === 'nan';
}

function isNumberText(s: string): boolean {
  return s === 'NaN' || s === 'nan' || (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s.trim()) && Number.isFinite(Number(s)));
}

/** "[27, 9]" → 27, 9 (also bare "27" or "27 9"); anything but digits, signs and separators is ignored. */
function parseIntList(buf: Buffer, start: number, end: number, out: number[]): void {
  let v = 0;
  let inNum = false;
  let neg = false;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      inNum = true;
    } else {
      if (inNum) out.push(neg ? -v : v);
      inNum = false;
      v = 0;
      neg = c === 45;
    }
  }
  if (inNum) out.push(neg ? -v : v);
}

/** End of the first record (index of its LF/CR, honoring quotes), or -1 when not yet complete. */
function findRecordEnd(buf: Buffer, from: number): number {
  let inQuote = false;
  for (let i = from; i < buf.length; i++) {
    const c = buf[i];
    if (c === QUOTE) inQuote = !inQuote;
    else if (!inQuote && (c === LF || c === CR)) return i;
  }
  return -1;
}

function skipEol(buf: Buffer, pos: number): number {
  if (buf[pos] === CR) pos++;
  if (buf[pos] === LF) pos++;
  return pos;
}

function splitHeader(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuote) {
      if (ch === '"') {
        if (text[i + 1] === '"') { cur += '"'; i++; } else inQuote = false;
      } else cur += ch;
    } else if (ch === '"') inQuote = true;
    else if (ch === ',') { out.push(cur.trim()); cur = ''; }
    else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** Parses a whole in-memory CSV (tests, small side tables). */
export function parseCsvBuffer(req: CsvRequest, data: Buffer, chunkSize = 1 << 20): CsvResult {
  const parser = new CsvParser(req);
  for (let off = 0; off < data.length; off += chunkSize) parser.push(data.subarray(off, Math.min(data.length, off + chunkSize)));
  return parser.end();
}
