/**
 * Evaluation of checked expressions over typed columns. A value is a Float64Array at its level
 * (one entry per item, user, event or panel row) or a plain number for a scalar; booleans are
 * 0/1 and NaN is missing. Missing values propagate through arithmetic and comparisons; `and`/`or`
 * follow three-valued logic (false and missing = false, true or missing = true).
 *
 * The tree walk is generic; where values live (columns, joins between levels, aggregation into
 * user-days, first-time flags, quantiles) is supplied by an EvaluationEnvironment, so the same code
 * serves event fields, day measures and panel-row expressions.
 */
import type { BinaryOperator } from './ast.js';
import type { AggregateFunction, CheckedNode, ColumnSource, Level } from './check.js';
import type { ArrayPool } from '../pool.js';
import { qbinCodes } from './qbin.js';

export type Vector = Float64Array | number;

interface CategoryValue {
  values: Float64Array; // codes as numbers, NaN = missing
  levels: string[];
}

export interface EvaluationEnvironment {
  /** Number of values at a level. */
  size(level: Level): number;
  /** A column at its natural level (categorical columns give codes and levels). */
  column(source: ColumnSource, name: string): { values: Float64Array; levels?: string[] };
  /** Re-index values from one level to a finer one (item → event, user → event, user → day). */
  lift(values: Float64Array, from: Level, to: Level): Float64Array;
  aggregate(fn: AggregateFunction, arg: Float64Array | null, argIsInteger: boolean): Float64Array;
  firstTime(group: Float64Array, key: Float64Array): Float64Array;
  /** z-scores (scale z) or min-max scaling to [0, 1] (scale unit) of a day measure over active days */
  zscore(values: Float64Array, scale: 'z' | 'unit'): Float64Array;
  /** Scratch arrays: temporaries are taken from and handed back to this pool when given. */
  pool?: ArrayPool;
  /**
   * Values already known for particular nodes (a chunked build computes quantiles over all events
   * and accumulates aggregations chunk by chunk before the day measures are evaluated).
   */
  precomputed?: Map<CheckedNode, Vector>;
  /** rows whose values set qbin()'s edges (> 0: in; absent: every row), src/panel/expr/qbin.ts */
  binPopulation?: ArrayLike<number> | null;
}

const freshArray = (length: number): Float64Array => new Float64Array(length);
/** Where operation results come from during an evaluation (the environment's pool, if any). */
let allocate: (length: number) => Float64Array = freshArray;
let releaseTemporary: (array: unknown) => void = () => {};

export function evaluateNode(node: CheckedNode, env: EvaluationEnvironment): Vector {
  const previous = [allocate, releaseTemporary] as const;
  const pool = env.pool;
  if (pool) {
    allocate = (n) => pool.float64(n);
    releaseTemporary = (a) => pool.release(a);
  }
  try {
    return evalNode(node, env);
  } finally {
    [allocate, releaseTemporary] = previous;
  }
}

/**
 * Whether a node's value (at `level`) is a scratch array made by this evaluation, which its
 * consumer may hand back; columns, joins and cached event fields are never temporaries.
 */
function isTemporary(node: CheckedNode, level: Level): boolean {
  if (node.level !== level) return false;
  return node.kind === 'unary' || node.kind === 'binary' || node.kind === 'element' || node.kind === 'categoryEquals' || node.kind === 'firstTime';
}
function releaseIf(node: CheckedNode, level: Level, value: Vector): void {
  if (typeof value !== 'number' && isTemporary(node, level)) releaseTemporary(value);
}

/** Evaluates `node` and lifts the result to `level` (numbers stay scalars). */
function evalAt(node: CheckedNode, env: EvaluationEnvironment, level: Level): Vector {
  const value = evalNode(node, env);
  if (typeof value === 'number' || node.level === level) return value;
  return env.lift(value, node.level, level);
}

/** A full-length array for a value (scalars broadcast). */
export function toArray(value: Vector, length: number): Float64Array {
  if (typeof value !== 'number') return value;
  return allocate(length).fill(value);
}

function evalNode(node: CheckedNode, env: EvaluationEnvironment): Vector {
  const known = env.precomputed?.get(node);
  if (known !== undefined) return known;
  switch (node.kind) {
    case 'const':
      return node.value;
    case 'column':
      return env.column(node.source, node.name).values;
    case 'categoryEquals': {
      const column = categoryOf(node.arg, env);
      const code = column.levels.indexOf(node.text);
      return categoryEqualsLoop(column.values, code, node.negate ? 1 : 0, allocate(column.values.length));
    }
    case 'unary': {
      const arg = evalNode(node.arg, env);
      if (typeof arg === 'number') return node.op === '-' ? -arg : arg !== arg ? NaN : arg ? 0 : 1;
      const out = node.op === '-' ? negateLoop(arg, allocate(arg.length)) : notLoop(arg, allocate(arg.length));
      releaseIf(node.arg, node.level, arg);
      return out;
    }
    case 'binary': {
      const left = evalAt(node.left, env, node.level);
      const right = evalAt(node.right, env, node.level);
      const out = binary(node.op, left, right);
      releaseIf(node.left, node.level, left);
      releaseIf(node.right, node.level, right);
      return out;
    }
    case 'element':
      return element(node, env);
    case 'quantile': {
      const values = evalNode(node.arg, env);
      const q = quantileOf(typeof values === 'number' ? new Float64Array([values]) : values, node.q);
      releaseIf(node.arg, node.arg.level, values);
      return q;
    }
    case 'qbin': {
      const values = toArray(evalNode(node.arg, env), env.size(node.level));
      const out = qbinCodes(values, node.bins, env.binPopulation);
      releaseIf(node.arg, node.level, values);
      return out;
    }
    case 'firstTime': {
      const group = toArray(evalAt(node.group, env, 'event'), env.size('event'));
      const key = toArray(evalAt(node.key, env, 'event'), env.size('event'));
      const out = env.firstTime(group, key);
      releaseIf(node.group, 'event', group);
      releaseIf(node.key, 'event', key);
      return out;
    }
    case 'aggregate': {
      if (node.arg === null) return env.aggregate('count', null, true);
      const value = evalAt(node.arg, env, 'event');
      const arg = toArray(value, env.size('event'));
      // nunique: the environment tries integer codes first and falls back to hashing.
      const out = env.aggregate(node.fn, arg, node.fn === 'nunique');
      if (typeof value === 'number') releaseTemporary(arg);
      else releaseIf(node.arg, 'event', arg);
      return out;
    }
    case 'zmean': {
      const n = env.size('day');
      const sum = new Float64Array(n);
      const count = new Float64Array(n);
      for (const argNode of node.args) {
        addPresent(sum, count, env.zscore(toArray(evalAt(argNode, env, 'day'), n), node.scale));
      }
      return meanOfPresent(sum, count);
    }
  }
}

/**
 * Evaluates an aggregation's argument as a per-event array (as the `aggregate` case does), hands it
 * to `use`, then releases it if it was a temporary: chunked builds accumulate it themselves.
 */
export function withAggregateArgument(node: CheckedNode & { kind: 'aggregate' }, env: EvaluationEnvironment, use: (arg: Float64Array) => void): void {
  if (node.arg === null) return;
  const previous = [allocate, releaseTemporary] as const;
  const pool = env.pool;
  if (pool) {
    allocate = (n) => pool.float64(n);
    releaseTemporary = (a) => pool.release(a);
  }
  try {
    const value = evalAt(node.arg, env, 'event');
    const arg = toArray(value, env.size('event'));
    use(arg);
    if (typeof value === 'number') releaseTemporary(arg);
    else releaseIf(node.arg, 'event', arg);
  } finally {
    [allocate, releaseTemporary] = previous;
  }
}

function categoryOf(node: CheckedNode, env: EvaluationEnvironment): CategoryValue {
  if (node.kind !== 'column') throw new Error('categorical values come only from columns');
  const column = env.column(node.source, node.name);
  return { values: column.values, levels: column.levels ?? [] };
}

function element(node: CheckedNode & { kind: 'element' }, env: EvaluationEnvironment): Vector {
  const args = node.args.map((a) => evalAt(a, env, node.level));
  const out = elementValue(node, args);
  node.args.forEach((a, k) => releaseIf(a, node.level, args[k]));
  return out;
}

function elementValue(node: CheckedNode & { kind: 'element' }, args: Vector[]): Vector {
  switch (node.fn) {
    case 'clip': {
      const [x, lo, hi] = args;
      if (typeof lo === 'number' && typeof hi === 'number') {
        if (typeof x === 'number') return x !== x ? NaN : Math.min(Math.max(x, lo), hi);
        return clipLoop(x, lo, hi, allocate(x.length));
      }
      return binary('min2', binary('max2', x, lo), hi);
    }
    case 'log1p':
      return mapUnary(args[0], Math.log1p);
    case 'abs':
      return mapUnary(args[0], Math.abs);
    case 'min2':
    case 'max2':
      return binary(node.fn, args[0], args[1]);
    case 'missing': {
      const x = args[0];
      if (typeof x === 'number') return x !== x ? 1 : 0;
      return missingLoop(x, allocate(x.length));
    }
    case 'coalesce': {
      let result = args[0];
      for (let k = 1; k < args.length; k++) result = binary('coalesce', result, args[k]);
      return result;
    }
  }
}

// Elementwise loops in functions of their own (see SCALAR_KERNELS for why).

/** 0/1 for a category equal to `code` (flipped for !=): `+(test) ^ flip`, not a data-dependent branch that mispredicts. */
function categoryEqualsLoop(values: Float64Array, code: number, flip: number, out: Float64Array): Float64Array {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v !== v ? NaN : +(v === code) ^ flip;
  }
  return out;
}

function negateLoop(x: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) out[i] = -x[i];
  return out;
}

function notLoop(x: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v !== v ? NaN : +(v === 0);
  }
  return out;
}

function missingLoop(x: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) out[i] = x[i] !== x[i] ? 1 : 0;
  return out;
}

/** Adds the present values of z into sum and counts them. */
function addPresent(sum: Float64Array, count: Float64Array, z: Float64Array): void {
  for (let i = 0; i < sum.length; i++) {
    const v = z[i];
    if (v === v) {
      sum[i] += v;
      count[i]++;
    }
  }
}

/** sum / count in place, NaN where nothing was counted. */
function meanOfPresent(sum: Float64Array, count: Float64Array): Float64Array {
  for (let i = 0; i < sum.length; i++) {
    if (count[i] > 0) sum[i] = sum[i] / count[i];
    else sum[i] = NaN;
  }
  return sum;
}

/**
 * clip(x, lo, hi) with scalar bounds. One store per branch, not `out[i] = v < lo ? lo : ...`: V8 boxes a
 * value that is either an element or a variable as a heap number, one per element (70 MB of garbage
 * per full-size build); the same holds for the other `if` stores in src/panel/.
 */
function clipLoop(x: Float64Array, lo: number, hi: number, out: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v < lo) out[i] = lo;
    else if (v > hi) out[i] = hi;
    else out[i] = v;
  }
  return out;
}

function mapUnary(x: Vector, fn: (v: number) => number): Vector {
  if (typeof x === 'number') return fn(x);
  const out = allocate(x.length);
  for (let i = 0; i < x.length; i++) out[i] = fn(x[i]);
  return out;
}

type Operator = BinaryOperator | 'min2' | 'max2' | 'coalesce';

function scalarOp(op: Operator, a: number, b: number): number {
  if (op === 'and') return a === 0 || b === 0 ? 0 : a !== a || b !== b ? NaN : 1;
  if (op === 'or') return a === 1 || b === 1 ? 1 : a !== a || b !== b ? NaN : 0;
  if (op === 'coalesce') return a === a ? a : b;
  if (a !== a || b !== b) return NaN;
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '<':
      return a < b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case 'min2':
      return a < b ? a : b;
    case 'max2':
      return a > b ? a : b;
  }
}

/**
 * Elementwise binary operation. The common shapes (array with array, array with scalar) get a
 * dedicated loop per operator so the hot loops stay monomorphic; comparisons yield NaN when
 * either side is missing (NaN compares false in JavaScript, so the check is explicit). A 0/1 result is
 * written as `+(test)`, not `test ? 1 : 0`: V8 compiles the first without a branch, and a comparison
 * of data against a threshold mispredicts a branch about every other event (several times slower).
 */
export function binary(op: Operator, left: Vector, right: Vector): Vector {
  if (typeof left === 'number' && typeof right === 'number') return scalarOp(op, left, right);
  if (typeof left === 'number') {
    // Put the array first: flip the operator where order matters.
    const flipped = flip(op);
    if (flipped !== null) return binary(flipped, right, left);
    return binaryLoop(op, new Float64Array((right as Float64Array).length).fill(left), right as Float64Array);
    // (a broadcast scalar on the left of -, / or coalesce: rare, left to the garbage collector)
  }
  if (typeof right === 'number') return scalarLoop(op, left, right);
  if (left.length !== right.length) throw new Error(`length mismatch ${left.length} vs ${right.length}`);
  return binaryLoop(op, left, right);
}

function flip(op: Operator): Operator | null {
  switch (op) {
    case '+':
    case '*':
    case '==':
    case '!=':
    case 'and':
    case 'or':
    case 'min2':
    case 'max2':
      return op;
    case '<':
      return '>';
    case '<=':
      return '>=';
    case '>':
      return '<';
    case '>=':
      return '<=';
    default:
      return null; // -, /, coalesce: broadcast instead
  }
}

// One small function per operator rather than one function with a loop per case: V8 optimises a
// function for the cases it has run, and a case met later deoptimises it (then it runs unoptimised,
// boxing every number, until it is optimised again), which a build of many measures met over and over.
type ScalarKernel = (a: Float64Array, b: number, out: Float64Array) => void;
type ArrayKernel = (a: Float64Array, b: Float64Array, out: Float64Array) => void;

const SCALAR_KERNELS: Partial<Record<Operator, ScalarKernel>> = {
  '+': (a, b, out) => {
    for (let i = 0; i < a.length; i++) out[i] = a[i] + b;
  },
  '-': (a, b, out) => {
    for (let i = 0; i < a.length; i++) out[i] = a[i] - b;
  },
  '*': (a, b, out) => {
    for (let i = 0; i < a.length; i++) out[i] = a[i] * b;
  },
  '/': (a, b, out) => {
    for (let i = 0; i < a.length; i++) out[i] = a[i] / b;
  },
  '<': (a, b, out) => {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      out[i] = v !== v ? NaN : +(v < b);
    }
  },
  '<=': (a, b, out) => {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      out[i] = v !== v ? NaN : +(v <= b);
    }
  },
  '>': (a, b, out) => {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      out[i] = v !== v ? NaN : +(v > b);
    }
  },
  '>=': (a, b, out) => {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      out[i] = v !== v ? NaN : +(v >= b);
    }
  },
  '==': (a, b, out) => {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      out[i] = v !== v ? NaN : +(v === b);
    }
  },
  '!=': (a, b, out) => {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      out[i] = v !== v ? NaN : +(v !== b);
    }
  },
};

const ARRAY_KERNELS: Partial<Record<Operator, ArrayKernel>> = {
  '+': (a, b, out) => {
    for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  },
  '-': (a, b, out) => {
    for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
  },
  '*': (a, b, out) => {
    for (let i = 0; i < a.length; i++) out[i] = a[i] * b[i];
  },
  '/': (a, b, out) => {
    for (let i = 0; i < a.length; i++) out[i] = a[i] / b[i];
  },
  and: (a, b, out) => {
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      const y = b[i];
      const zero = +(x === 0) | +(y === 0);
      out[i] = (x !== x || y !== y) && zero === 0 ? NaN : 1 - zero;
    }
  },
  or: (a, b, out) => {
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      const y = b[i];
      const one = +(x === 1) | +(y === 1);
      out[i] = (x !== x || y !== y) && one === 0 ? NaN : one;
    }
  },
  '<': (a, b, out) => {
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      const y = b[i];
      out[i] = x !== x || y !== y ? NaN : +(x < y);
    }
  },
  '<=': (a, b, out) => {
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      const y = b[i];
      out[i] = x !== x || y !== y ? NaN : +(x <= y);
    }
  },
  '>': (a, b, out) => {
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      const y = b[i];
      out[i] = x !== x || y !== y ? NaN : +(x > y);
    }
  },
  '>=': (a, b, out) => {
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      const y = b[i];
      out[i] = x !== x || y !== y ? NaN : +(x >= y);
    }
  },
  '==': (a, b, out) => {
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      const y = b[i];
      out[i] = x !== x || y !== y ? NaN : +(x === y);
    }
  },
  '!=': (a, b, out) => {
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      const y = b[i];
      out[i] = x !== x || y !== y ? NaN : +(x !== y);
    }
  },
};

function scalarLoop(op: Operator, a: Float64Array, b: number): Float64Array {
  const out = allocate(a.length);
  if (b !== b && op !== 'and' && op !== 'or' && op !== 'coalesce') return out.fill(NaN);
  const kernel = SCALAR_KERNELS[op];
  if (kernel) kernel(a, b, out);
  else scalarOpLoop(op, a, b, out);
  return out;
}

function scalarOpLoop(op: Operator, a: Float64Array, b: number, out: Float64Array): void {
  for (let i = 0; i < a.length; i++) out[i] = scalarOp(op, a[i], b);
}

function binaryLoop(op: Operator, a: Float64Array, b: Float64Array): Float64Array {
  const out = allocate(a.length);
  const kernel = ARRAY_KERNELS[op];
  if (kernel) kernel(a, b, out);
  else binaryOpLoop(op, a, b, out);
  return out;
}

function binaryOpLoop(op: Operator, a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < a.length; i++) out[i] = scalarOp(op, a[i], b[i]);
}

/** Quantile with linear interpolation between order statistics (pandas/numpy default), NaN skipped. */
export function quantileOf(values: Float64Array, q: number): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) count++;
  if (count === 0) return NaN;
  const sorted = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) sorted[k++] = values[i];
  sorted.sort();
  const position = q * (count - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, count - 1);
  const fraction = position - lower;
  return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
}
