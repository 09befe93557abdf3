import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decimalFromApprox, decimalFromDigits } from '../../src/data/decimal.js';
import { parseCsvBuffer } from '../../src/data/csv.js';
import { Rng } from '../../src/rng.js';

const digitsOf = (rng: Rng, n: number): string => {
  let s = String(1 + rng.nextInt(9));
  for (let i = 1; i < n; i++) s += String(rng.nextInt(10));
  return s;
};
/** `digits` with a point `frac` places from the right ("0.000ddd" when frac passes the digits). */
const withPoint = (digits: string, frac: number): string => {
  if (frac === 0) return digits;
  const padded = digits.padStart(frac + 1, '0');
  return `${padded.slice(0, padded.length - frac)}.${padded.slice(padded.length - frac)}`;
};
const read = (s: string): number => decimalFromDigits(Buffer.from(s, 'latin1'), 0, s.length);

test('17 to 19 significant digits: the same double as Number(), and answered without falling back nearly always', () => {
  const rng = Rng.derive('decimal-test', 1);
  let answered = 0;
  let tried = 0;
  for (let i = 0; i < 400_000; i++) {
    const digits = digitsOf(rng, 17 + rng.nextInt(3));
    const frac = rng.nextInt(23);
    const s = withPoint(digits, frac);
    const v = read(s);
    // a 17-digit integer (or one decimal) past 2^54 is often exactly halfway between two doubles: those fall back
    if (frac >= 2) tried++;
    if (v === -1) continue;
    if (frac >= 2) answered++;
    if (v !== Number(s)) assert.fail(`${s}: ${v} but Number() gives ${Number(s)}`);
  }
  assert.ok(answered / tried > 0.999, `answered ${answered} of ${tried}`);
});

test('watch-ratio-like values (0.x and 1.x with 16 to 18 decimals) equal Number()', () => {
  const rng = Rng.derive('decimal-test', 2);
  for (let i = 0; i < 200_000; i++) {
    const s = `${rng.nextInt(3)}.${digitsOf(rng, 16 + rng.nextInt(3))}`;
    const v = read(s);
    if (v !== -1 && v !== Number(s)) assert.fail(`${s}: ${v} but Number() gives ${Number(s)}`);
  }
});

test('exact midpoints between two doubles fall back (Number() breaks the tie), their neighbours agree', () => {
  const rng = Rng.derive('decimal-test', 3);
  let midpoints = 0;
  for (let i = 0; i < 20_000; i++) {
    // n odd with 54 significant bits: n / 2^t lies exactly halfway between two doubles; as a decimal it is n·5^t / 10^t
    const n = (1n << 53n) + (BigInt(rng.nextUint32()) << 20n) + BigInt(rng.nextInt(1 << 20)) * 2n + 1n;
    const t = rng.nextInt(4);
    const m = n * 5n ** BigInt(t);
    for (const candidate of [m, m - 1n, m + 1n]) {
      const s = withPoint(candidate.toString(), t);
      const v = read(s);
      if (candidate === m) {
        midpoints++;
        assert.equal(v, -1, `${s} is a midpoint and must fall back`);
      } else if (v !== -1) assert.equal(v, Number(s), s);
    }
  }
  assert.ok(midpoints > 0);
  for (const s of ['9007199254740993', '9007199254740993.0', '18014398509481990', '4503599627370496.5']) assert.equal(read(s), -1, s);
});

test('falls back on what it does not handle: 20+ significant digits, 23+ decimals, two points, non-digits', () => {
  for (const s of ['12345678901234567890', '0.12345678901234567890', `0.${'0'.repeat(22)}12345678901234567`, '1.2.3', '12a45678901234567', '', '.', '000']) {
    assert.equal(read(s), -1, s);
  }
  // leading zeros are not significant digits
  assert.equal(read('0000.12345678901234567'), Number('0.12345678901234567'));
});

/** decimalFromApprox's inputs as CsvParser.parsePlain sums them: the digits in floating point and in int32 arithmetic. */
const readApprox = (s: string): number => {
  let approx = 0;
  let low32 = 0;
  let frac = 0;
  let afterPoint = false;
  for (const ch of s) {
    if (ch === '.') {
      afterPoint = true;
      continue;
    }
    const d = ch.charCodeAt(0) - 48;
    approx = approx * 10 + d;
    low32 = (Math.imul(low32, 10) + d) | 0;
    if (afterPoint) frac++;
  }
  return decimalFromApprox(approx, low32, frac);
};

test('from the summed digits (decimalFromApprox): the same double as Number(), nearly always answered, 20+ digits refused', () => {
  const rng = Rng.derive('decimal-test', 5);
  let answered = 0;
  let tried = 0;
  for (let i = 0; i < 400_000; i++) {
    const digits = digitsOf(rng, 16 + rng.nextInt(4));
    const frac = rng.nextInt(23);
    const s = withPoint(digits, frac);
    const v = readApprox(s);
    if (frac >= 2) tried++;
    if (v === -1) continue;
    if (frac >= 2) answered++;
    if (v !== Number(s)) assert.fail(`${s}: ${v} but Number() gives ${Number(s)}`);
  }
  assert.ok(answered / tried > 0.999, `answered ${answered} of ${tried}`);
  for (const s of ['12345678901234567890', '9999999999999999999', '0.12345678901234567890', '99999999999999999999999', `0.${'0'.repeat(22)}12345678901234567`, '9007199254740993', '4503599627370496.5']) {
    assert.equal(readApprox(s), -1, s);
  }
  assert.equal(readApprox('0000.12345678901234567'), Number('0.12345678901234567'));
  assert.equal(readApprox('0.23490488006617039'), Number('0.23490488006617039'));
});

test('the CSV reader gives Number()\'s value for long decimals, signed, in every chunking', () => {
  const rng = Rng.derive('decimal-test', 4);
  const values: string[] = [];
  for (let i = 0; i < 5000; i++) {
    const sign = ['', '-', '+'][rng.nextInt(3)];
    values.push(sign + withPoint(digitsOf(rng, 15 + rng.nextInt(6)), rng.nextInt(23)));
  }
  values.push('9007199254740993', '-4503599627370496.5', '0.23490488006617039', '1.5898155573376103');
  const text = 'x\n' + values.join('\n') + '\n';
  for (const chunk of [7, 4096, 1 << 20]) {
    const r = parseCsvBuffer({ member: 'm', columns: { x: 'number' } }, Buffer.from(text), chunk);
    assert.deepEqual(Array.from(r.table.numeric.x), values.map(Number), `chunk ${chunk}`);
  }
});
