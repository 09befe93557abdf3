/**
 * AssemblyScript (compiled to WebAssembly by `npm run build`; not part of the TypeScript build): the CSV
 * reader's plain-record path, CsvParser.parsePlain of src/data/csv.ts, over bytes copied into this
 * module's memory. It exists because the JavaScript loop is the data stage's bottleneck: the same loop
 * here runs in about half the time (README "Measured performance").
 *
 * It takes the records parsePlain takes, except those whose id is not one (commit()'s error) and those with
 * a number of more than 19 significant digits; it keeps, drops and counts them as commit() does and writes the same
 * doubles: the same exact division below 2^53, and past it the same correctly rounded quotient as
 * src/data/decimal.ts decimalFromApprox (ported below: IEEE double arithmetic without fused operations
 * is the same in WebAssembly as in JavaScript). At any other record it stops and returns that record's
 * offset, and the caller's JavaScript paths take it.
 * test/data/csv-plain.test.ts compares the two paths bit for bit.
 *
 * The memory is imported (shared, so that an inflating thread can write chunks into it), sized by
 * src/data/plain-records.ts; the layout (byte offsets) is exported:
 */
export const COLUMN_FLAGS: usize = 256; // i32 per column: flags below, and (output slot + 1) << 8
export const MAX_COLUMNS: i32 = 1024;
export const INPUT: usize = 16384;
export const INPUT_BYTES: usize = 1 << 20;
export const OUTPUT: usize = INPUT + INPUT_BYTES + 64; // output slot k, row r at OUTPUT + (k * stride + r) * 8
export const OUTPUT_BYTES: usize = 512 << 10; // about 10,000 rows of 6 columns a call: a chunk's rows in one or two
export const ORDINALS: usize = OUTPUT + OUTPUT_BYTES; // i32 per kept row: its record's ordinal among the records read
// Room for the pool of an inflating thread (src/data/kuairec/inflate-thread.ts: six 1 MiB slots), whose
// chunks are then parsed where they lie, with no copy into INPUT; 64 bytes after it for the 16-byte scans.
export const SHARED: usize = ORDINALS + (OUTPUT_BYTES >> 1) + 64;
export const SHARED_BYTES: usize = (6 << 20) + 64;
export const END: usize = SHARED + SHARED_BYTES + 64;

export const FLAG_NUMBER: i32 = 1; // parsed (kept or only staged); else skipped
export const FLAG_NAN_CHECK: i32 = 2; // skipped, and a NaN spelling must be counted (left to the caller)
export const FLAG_ID_PRESENT: i32 = 4; // a record without it is dropped (dropIfEmpty)
export const FLAG_ID_VALID: i32 = 8; // a whole number in [0, 2^31) when present (idColumns)
export const FLAG_EMPTY_CHECK: i32 = 16; // a record with it empty is counted or dropped (emptyCheck)

const POW10: usize = 0; // f64 × 23

/** Results of the last parse call. */
export let recordsRead: i32 = 0;
export let recordsSampledOut: i32 = 0;
export let rowsKept: i32 = 0;
export let rowsDroppedMissingId: i32 = 0;
export let rowsEmptyCheck: i32 = 0;
export let rowsDroppedEmpty: i32 = 0;

const LF: u32 = 10;
const CR: u32 = 13;
const QUOTE: u32 = 34;
const COMMA: u32 = 44;
const TWO_POW_53: f64 = 9007199254740992;
const TWO_32: f64 = 4294967296;
const SPLITTER: f64 = 134217729;
const TWO_POW_MINUS_80: f64 = 8.271806125530277e-25; // 2^-80

export function init(): void {
  let p: f64 = 1;
  for (let k = 0; k < 23; k++) {
    store<f64>(POW10 + (<usize>k << 3), p);
    p *= 10;
  }
}

/** As src/data/decimal.ts decimalFromApprox (see there for why it is exact), -1 when it cannot tell. */
function decimalFromApprox(approx: f64, low32: i32, frac: i32): f64 {
  if (!(approx < 1e19) || frac > 22) return -1;
  const approxLow = approx - Math.floor(approx / TWO_32) * TWO_32;
  const delta = <f64>(<i32>(<i64>low32 - <i64>approxLow));
  if (approx + delta >= 1e19 || approx + delta == 0) return -1;
  const X = approx;
  const Y = delta;
  const mh = X + Y;
  const yv = mh - X;
  const ml = (X - (mh - yv)) + (Y - yv);
  const D = load<f64>(POW10 + (<usize>frac << 3));
  const q = mh / D;
  const p = q * D;
  let t = SPLITTER * q;
  const qa = t - (t - q);
  const qb = q - qa;
  t = SPLITTER * D;
  const da = t - (t - D);
  const db = D - da;
  const e = ((qa * da - p) + qa * db + qb * da) + qb * db;
  const ql = (((mh - p) - e) + ml) / D;
  const eps = q * TWO_POW_MINUS_80;
  const r = q + (ql + eps);
  if (r != q + (ql - eps)) return -1;
  return r;
}

/**
 * The first byte at or after `pos` equal to `a`, or to `b` (with `upTo`, at most `b`), 16 bytes at a time:
 * the records parsed are followed by at least 16 bytes of this memory, and their line end stops a search
 * that looks for one before them. Inlined, so the `upTo` test is decided where it is called.
 */
// @ts-ignore: decorator
@inline function firstOf(pos: usize, a: u32, b: u32, upTo: bool): usize {
  const va = i8x16.splat(<i8>a);
  const vb = i8x16.splat(<i8>b);
  let bits: i32 = 0;
  for (pos -= 16; bits == 0;) {
    pos += 16;
    const bytes = v128.load(pos);
    bits = i8x16.bitmask(v128.or(i8x16.eq(bytes, va), upTo ? i8x16.le_u(bytes, vb) : i8x16.eq(bytes, vb)));
  }
  return pos + <usize>ctz(bits);
}

/** A skipped cell's end: the first comma or byte up to CR at or after `pos`. */
function cellEnd(pos: usize): usize {
  return firstOf(pos, COMMA, CR, true);
}

/** The end of a sampled-out record's line, or a quote before it. */
function lineEndOrQuote(pos: usize): usize {
  return firstOf(pos, LF, QUOTE, false);
}

/** Digits in [start, end) after the leading zeros (and the point among them). */
function significantDigits(start: usize, end: usize): i32 {
  let p = start;
  while (p < end && (load<u8>(p) == 48 || load<u8>(p) == 46)) p++;
  let count: i32 = 0;
  for (; p < end; p++) if (load<u8>(p) != 46) count++;
  return count;
}

/** JavaScript's ((id % modulus) + modulus) % modulus === remainder (whole numbers in integer arithmetic). */
function sampledIn(id: f64, modulus: f64, remainder: f64): bool {
  if (Math.abs(id) < TWO_POW_53 && Math.floor(id) == id && modulus >= 1 && modulus < TWO_POW_53 && Math.floor(modulus) == modulus) {
    const m = <i64>modulus;
    let r = <i64>id % m;
    if (r < 0) r += m;
    return <f64>r == remainder;
  }
  return ((id % modulus) + modulus) % modulus == remainder;
}

/**
 * Records at [from, to) of this memory (INPUT, or a chunk in SHARED), which end with a line end followed by
 * at least 16 bytes of memory. Returns the address of the first record not taken (`to` when it took every one); sets the counts below (rowsKept: rows written to OUTPUT, at
 * most maxRows, `stride` apart per output slot; with `ordinals`, each row's record ordinal in ORDINALS,
 * from which the caller knows its line).
 */
export function parse(from: usize, to: usize, columns: i32, sampleColumn: i32, modulus: f64, remainder: f64, dropEmpty: bool, maxRows: i32, stride: i32, ordinals: bool): usize {
  let pos: usize = from;
  const end: usize = to;
  const last = columns - 1;
  let read: i32 = 0;
  let sampledOut: i32 = 0;
  let kept: i32 = 0;
  let droppedMissingId: i32 = 0;
  let emptyCheck: i32 = 0;
  let droppedEmpty: i32 = 0;
  let stop = false;
  const ruleMask = FLAG_ID_PRESENT | FLAG_ID_VALID | FLAG_EMPTY_CHECK;
  while (pos < end) {
    const recordStart = pos;
    if (<u32>load<u8>(pos) == LF) break;
    if (kept == maxRows) break;
    let out = false;
    // commit()'s rules, in its order: a record without an id is dropped, an id that is not one is an
    // error (left to the caller), a record with an empty checked cell is counted and maybe dropped
    let idMissing = false;
    let idInvalid = false;
    let emptyChecked = false;
    for (let col = 0; ; col++) {
      const flags = load<i32>(COLUMN_FLAGS + (<usize>col << 2));
      const cellStart = pos;
      let c = <u32>load<u8>(pos);
      let v: f64 = NaN;
      if (flags & FLAG_NUMBER) {
        let neg = false;
        if (c == 45) {
          neg = true;
          c = <u32>load<u8>(++pos);
        }
        // The digits as one integer M, exact in 64 bits up to 19 digits (parsePlain sums them in doubles,
        // exact below 2^53, and past it passes decimalFromApprox the rounded sum: any double within 2^15 of
        // M gives the same answer, so M rounded once does too).
        const digitsStart = pos;
        let mantissa: u64 = 0;
        while (c - 48 < 10) {
          mantissa = mantissa * 10 + <u64>(c - 48);
          c = <u32>load<u8>(++pos);
        }
        let digits = <i32>(pos - digitsStart);
        let frac: i32 = 0;
        if (c == 46) {
          const fracStart = ++pos;
          c = <u32>load<u8>(pos);
          while (c - 48 < 10) {
            mantissa = mantissa * 10 + <u64>(c - 48);
            c = <u32>load<u8>(++pos);
          }
          frac = <i32>(pos - fracStart);
          digits += frac;
        }
        if (c != COMMA && c != LF) { stop = true; break; }
        if (pos == cellStart) v = NaN;
        else if (digits == 0 || (digits > 19 && significantDigits(digitsStart, pos) > 19)) { stop = true; break; } // (M may not fit: left to the caller)
        else if (mantissa < <u64>TWO_POW_53 && frac <= 22) {
          v = frac == 0 ? <f64>mantissa : <f64>mantissa / load<f64>(POW10 + (<usize>frac << 3));
          if (neg) v = -v;
        } else {
          const exact = decimalFromApprox(<f64>mantissa, <i32>mantissa, frac);
          if (exact < 0) { stop = true; break; }
          v = neg ? -exact : exact;
        }
        const slot = flags >> 8;
        if (slot > 0) store<f64>(OUTPUT + ((<usize>(slot - 1) * <usize>stride + <usize>kept) << 3), v);
      } else {
        if (c == QUOTE || ((flags & FLAG_NAN_CHECK) != 0 && (c == 78 || c == 110 || (c <= 32 && c != LF)))) { stop = true; break; }
        if (c != COMMA && c > CR) {
          pos = cellEnd(pos);
          c = <u32>load<u8>(pos);
        }
        if (c != COMMA && c != LF) { stop = true; break; }
      }
      if (flags & ruleMask) {
        const empty = pos == cellStart;
        if ((flags & FLAG_ID_PRESENT) && (empty || v != v)) idMissing = true;
        if ((flags & FLAG_ID_VALID) && v == v && !(v >= 0 && v <= 2147483647 && Math.floor(v) == v)) idInvalid = true;
        if ((flags & FLAG_EMPTY_CHECK) && empty) emptyChecked = true;
      }
      if (col == sampleColumn && !sampledIn(v, modulus, remainder)) out = true;
      if (c == COMMA) {
        if (col == last) { stop = true; break; }
        pos++;
        if (out) {
          // the rest of a sampled-out record is not read, unless a quote lies before its line end
          pos = lineEndOrQuote(pos);
          if (<u32>load<u8>(pos) == QUOTE) { stop = true; break; }
          pos++;
          break;
        }
        continue;
      }
      if (col != last) { stop = true; break; }
      pos++;
      break;
    }
    if (stop) {
      pos = recordStart;
      break;
    }
    if (out) {
      read++;
      sampledOut++;
      continue;
    }
    if (idMissing) {
      read++;
      droppedMissingId++;
      continue;
    }
    if (idInvalid) {
      pos = recordStart;
      break;
    }
    read++;
    if (emptyChecked) {
      emptyCheck++;
      if (dropEmpty) {
        droppedEmpty++;
        continue;
      }
    }
    if (ordinals) store<i32>(ORDINALS + (<usize>kept << 2), read - 1);
    kept++;
  }
  recordsRead = read;
  recordsSampledOut = sampledOut;
  rowsKept = kept;
  rowsDroppedMissingId = droppedMissingId;
  rowsEmptyCheck = emptyCheck;
  rowsDroppedEmpty = droppedEmpty;
  return pos;
}
