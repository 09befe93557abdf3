/**
 * buildPanel: events → event fields → user-day measures → dense panel → history → user features.
 *
 * Stages (all column-wise, no row objects):
 *   1. index     user index and calendar-day index per event; panel row = user * days + day (./event-index.ts)
 *   2. items     per-item table: item.avg_<c> (mean over the item's rows of the per-item daily table), item.<c>
 *                of the source's items table (./items.ts)
 *   3. events    event fields in dependency order, computed when first needed and released after
 *                their last use (an event column at small-matrix scale is 38 MB)
 *   4. days      day measures in dependency order over the dense panel; every measure is 0 on
 *                inactive days (as the seeds fill them)
 *   5. history   lag / prior / lead / next_day / future columns
 *   6. users     user features joined (numeric and categorical)
 *
 * The panel spans the sampled users that have at least one dated event (as the seeds build it) ×
 * every calendar day from the data's first to last date (coverage, widened to any event).
 */
import { CausewayError } from '../errors.js';
import type { CategoricalColumn } from '../data/table.js';
import type { CheckedNode, Level } from './expr/check.js';
import { evaluateNode, toArray, withAggregateArgument, type EvaluationEnvironment, type Vector } from './expr/evaluate.js';
import { checkPanelDefinition, type PanelDefinition, type PanelPlan } from './definition.js';
import { computeHistory } from './history.js';
import { ArrayPool } from './pool.js';
import { indexEvents, rowOrder, type EventIndex } from './event-index.js';
import { buildItems, denseCodes } from './items.js';
import { maxRuns, meanRuns, minRuns, nuniqueCodedRuns, nuniqueRuns, runAt, smallIntegerMax, sumRuns, type RowRuns, type RunSpan } from './runs.js';
import { schemaOfData } from '../data/schema.js';
import { plainView, releaseResizable } from '../data/resizable.js';
import { isRunColumn, runColumnRows, type EventRuns, type RUN_COLUMNS } from '../data/loaded.js';
import type { LoadedData, Panel } from './types.js';

export { dayToYyyymmdd, yyyymmddToDay } from '../data/calendar.js';
import { dayOfWeekColumn, dayToYyyymmdd } from '../data/calendar.js';

export interface BuildOptions {
  /** Progress messages. */
  log?: (message: string) => void;
  /** Arrays at least this long are reused as scratch (default 65,536; tests lower it to exercise reuse). */
  scratchMinLength?: number;
  /**
   * Events per chunk (default 262,144). Event fields exist only for one chunk of whole users at a
   * time and are accumulated into the user-day measures, so memory does not grow with the number
   * of events; results are bit-identical to one chunk. Data whose users or user-days are not
   * contiguous, or a first_time grouped by anything but user_id, is done in one chunk.
   */
  chunkEvents?: number;
  /**
   * Group events into runs of one user-day where the data allow (default true); false makes per-event
   * row codes as for scattered events (tests compare the two paths bit for bit).
   */
  eventRuns?: boolean;
  /**
   * Drop the event table's columns from `data` once the event fields are aggregated (they are not
   * needed for history or user features), and those the event level never reads before it starts.
   * Only for a caller that will not use `data` again.
   */
  releaseEventColumns?: boolean;
}

type Valued = { values: Float64Array; levels?: string[] };
type AggregateNode = CheckedNode & { kind: 'aggregate' };

/** Nodes of one kind in a tree (aggregation arguments included). */
function collectNodes<K extends CheckedNode['kind']>(node: CheckedNode, kind: K, out: Array<CheckedNode & { kind: K }>): void {
  switch (node.kind) {
    case 'categoryEquals':
    case 'unary':
    case 'quantile':
      collectNodes(node.arg, kind, out);
      break;
    case 'binary':
      collectNodes(node.left, kind, out);
      collectNodes(node.right, kind, out);
      break;
    case 'element':
    case 'zmean':
      for (const a of node.args) collectNodes(a, kind, out);
      break;
    case 'firstTime':
      collectNodes(node.group, kind, out);
      collectNodes(node.key, kind, out);
      break;
    case 'aggregate':
      if (node.arg) collectNodes(node.arg, kind, out);
      break;
    default:
      break;
  }
  // Post-order: a node comes after the nodes inside it (inner quantiles are computed first).
  if (node.kind === kind) out.push(node as CheckedNode & { kind: K });
}

/**
 * [start, end) event ranges of about `size` events, cut only where user_id changes, so every user
 * (and so every user-day and every first_time group) lies in one chunk.
 */
function chunkBounds(userColumn: Float64Array, size: number): number[] {
  const n = userColumn.length;
  const bounds = [0];
  let start = 0;
  while (start < n) {
    let end = start + Math.max(1, Math.floor(size));
    if (end >= n) end = n;
    else {
      while (end < n) {
        const a = userColumn[end - 1];
        const b = userColumn[end];
        if (a !== b && (a === a || b === b)) break;
        end++;
      }
    }
    bounds.push(end);
    start = end;
  }
  return bounds;
}

/** chunkBounds for a table without its user_id column, from the reader's runs (a user changes only where a run begins). */
function chunkBoundsOfRuns(runs: EventRuns, n: number, size: number): number[] {
  const sameUser = (a: number, b: number): boolean => a === b || (a !== a && b !== b);
  const bounds = [0];
  let start = 0;
  let k = 0;
  while (start < n) {
    let end = start + Math.max(1, Math.floor(size));
    if (end >= n) end = n;
    else {
      while (k < runs.count && runs.start[k] < end) k++;
      while (k < runs.count && sameUser(runs.user[k - 1], runs.user[k])) k++;
      end = k < runs.count ? runs.start[k] : n;
    }
    bounds.push(end);
    start = end;
  }
  return bounds;
}

/** Codes for nunique: small non-negative integers (ids, categories) are their own codes, others are coded densely. */
function nuniqueCodes(arg: Float64Array, pool: ArrayPool): { codes: Int32Array; distinct: number } {
  const n = arg.length;
  const codes = pool.int32(n);
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = arg[i];
    if (v !== v) {
      codes[i] = -1;
      continue;
    }
    if (v < 0 || v > 0x3fffffff || v !== Math.floor(v)) {
      pool.release(codes);
      const dense = denseCodes(arg, pool);
      return { codes: dense.codes, distinct: dense.count };
    }
    codes[i] = v;
    if (v > max) max = v;
  }
  return { codes, distinct: max + 1 };
}

/** One aggregation's user-day result, accumulated over chunks of events in event order. */
class Accumulator {
  readonly out: Float64Array;
  private readonly missing: Float64Array | null;
  constructor(
    readonly fn: string,
    nRows: number,
  ) {
    this.out = new Float64Array(fn === 'count' ? 0 : nRows);
    this.missing = fn === 'mean' || fn === 'share' ? new Float64Array(nRows) : null;
    if (fn === 'min' || fn === 'max') this.out.fill(NaN);
  }

  add(arg: Float64Array, eventRow: Int32Array, grouped: Int32Array | null, pool: ArrayPool): void {
    const n = eventRow.length;
    const out = this.out;
    switch (this.fn) {
      case 'sum':
        for (let i = 0; i < n; i++) {
          const r = eventRow[i];
          const v = arg[i];
          if (r >= 0 && v === v) out[r] += v;
        }
        return;
      case 'mean':
      case 'share': {
        // Missing values are rare: count those, not the present ones (one write per event saved).
        const missing = this.missing!;
        for (let i = 0; i < n; i++) {
          const r = eventRow[i];
          if (r < 0) continue;
          const v = arg[i];
          if (v === v) out[r] += v;
          else missing[r]++;
        }
        return;
      }
      case 'min':
      case 'max': {
        const isMin = this.fn === 'min';
        for (let i = 0; i < n; i++) {
          const r = eventRow[i];
          const v = arg[i];
          if (r < 0 || v !== v) continue;
          const current = out[r];
          if (current !== current || (isMin ? v < current : v > current)) out[r] = v;
        }
        return;
      }
      case 'nunique': {
        // A user-day never spans chunks, so each chunk counts its own rows completely.
        const { codes: codeOf, distinct } = nuniqueCodes(arg, pool);
        const stamp = new Int32Array(distinct);
        const visit = (i: number): void => {
          const r = eventRow[i];
          const c = codeOf[i];
          if (r < 0 || c < 0) return;
          if (stamp[c] !== r + 1) {
            stamp[c] = r + 1;
            out[r]++;
          }
        };
        if (grouped) for (let k = 0; k < grouped.length; k++) visit(grouped[k]);
        else for (let i = 0; i < n; i++) visit(i);
        pool.release(codeOf);
        return;
      }
      default:
        throw new Error(`unknown aggregation ${this.fn}`);
    }
  }

  /**
   * As `add`, over the runs [first, last) of events of one row (clipped to the events [offset, end)
   * whose values `arg` holds): the same additions in the same order, with a row's running value in a
   * local instead of read and written back per event, and no per-event row code. One function per
   * aggregation (see src/panel/expr/evaluate.ts SCALAR_KERNELS for why).
   */
  addRuns(arg: Float64Array, runs: RowRuns, first: number, last: number, offset: number, end: number, pool: ArrayPool): void {
    const span: RunSpan = { runs, first, last, offset, end };
    switch (this.fn) {
      case 'sum':
        return sumRuns(this.out, arg, span);
      case 'mean':
      case 'share':
        return meanRuns(this.out, this.missing!, arg, span);
      case 'min':
        return minRuns(this.out, arg, span);
      case 'max':
        return maxRuns(this.out, arg, span);
      case 'nunique': {
        const smallMax = smallIntegerMax(arg);
        if (smallMax >= -1) return nuniqueRuns(this.out, arg, new Int32Array(smallMax + 1), span);
        const { codes, distinct } = nuniqueCodes(arg, pool);
        nuniqueCodedRuns(this.out, codes, new Int32Array(distinct), span);
        pool.release(codes);
        return;
      }
      default:
        throw new Error(`unknown aggregation ${this.fn}`);
    }
  }

  finish(rowEventCount: Float64Array): Float64Array {
    if (this.fn === 'count') return rowEventCount.slice();
    const out = this.out;
    const missing = this.missing;
    if (missing) {
      for (let r = 0; r < out.length; r++) {
        const count = rowEventCount[r] - missing[r];
        // one store per branch (see clipLoop in src/panel/expr/evaluate.ts)
        if (count > 0) out[r] = out[r] / count;
        else if (rowEventCount[r] > 0) out[r] = NaN;
        else out[r] = 0;
      }
    }
    return out;
  }
}

export function buildPanel(data: LoadedData, def: PanelDefinition, options: BuildOptions = {}): Panel {
  const plan = checkPanelDefinition(def, schemaOfData(data));
  const index = indexEvents(data, options.eventRuns ?? true);
  const items = buildItems(data, plan);
  const events = data.events;
  const nEvents = events.length;
  const nUsers = index.userIds.length;
  const D = index.dayCount;
  const nRows = nUsers * D;

  // User features aligned to panel users.
  const usersTable = data.users;
  const userRowOf = new Int32Array(nUsers).fill(-1);
  const usersId = usersTable.numeric.user_id;
  if (usersId) {
    const position = new Map<number, number>();
    for (let r = 0; r < usersId.length; r++) position.set(usersId[r], r);
    for (let k = 0; k < nUsers; k++) userRowOf[k] = position.get(index.userIds[k]) ?? -1;
  }
  const userColumnCache = new Map<string, Valued>();
  const userColumn = (name: string): Valued => {
    let cached = userColumnCache.get(name);
    if (cached) return cached;
    const numeric = usersTable.numeric[name];
    const categorical = usersTable.categorical[name];
    const values = new Float64Array(nUsers);
    if (numeric) for (let k = 0; k < nUsers; k++) values[k] = userRowOf[k] >= 0 ? numeric[userRowOf[k]] : NaN;
    else if (categorical) {
      for (let k = 0; k < nUsers; k++) {
        const code = userRowOf[k] >= 0 ? categorical.codes[userRowOf[k]] : -1;
        values[k] = code >= 0 ? code : NaN;
      }
    } else throw new CausewayError('PANEL_MISSING_COLUMN', `${data.tableNames?.users ?? 'the users table'} has no column \`${name}\``, { kind: 'data', member: data.tableNames?.users ?? 'users', column: name });
    cached = categorical && !numeric ? { values, levels: categorical.levels } : { values };
    userColumnCache.set(name, cached);
    return cached;
  };
  const liftUserToDay = (values: Float64Array): Float64Array => {
    const out = new Float64Array(nRows);
    for (let u = 0, r = 0; u < nUsers; u++) {
      const v = values[u];
      for (let d = 0; d < D; d++) out[r++] = v;
    }
    return out;
  };

  const eventDefs = new Map(plan.events.map((d) => [d.name, d]));
  const dayColumns = new Map<string, Float64Array>();
  const active = activeDays(index.rowEventCount);
  const calendarDay = calendarDays(nRows, D);
  dayColumns.set('active_day', active);
  dayColumns.set('calendar_day_index', calendarDay);

  /**
   * A chunk's values of a raw event column. A column in a resizable buffer (as the CSV reader makes
   * them) is copied into a plain array, reused chunk after chunk: V8 reads a typed array over a
   * resizable buffer several times slower (its length may change under the loop), and a column is
   * read several times per chunk. Not a pool array: releasing an alias of a column must not free it.
   */
  const rawCopies = new Map<string, Float64Array>();
  let rawCopyLength = 0; // the longest chunk, once known
  /** The reused plain array of a column's chunks, at least `length` long. */
  const rawCopy = (name: string, length: number): Float64Array => {
    let copy = rawCopies.get(name);
    if (!copy || copy.length < length) rawCopies.set(name, (copy = new Float64Array(Math.max(length, rawCopyLength))));
    return copy;
  };
  const chunkOf = (name: string, column: Float64Array, start: number, end: number): Float64Array =>
    (column.buffer as { resizable?: boolean }).resizable === true ? plainView(column, start, end, rawCopy(name, end - start)) : column.subarray(start, end);

  /** A chunk's values of user_id or date from the reader's runs, when the table left the column out (LoadedData.eventRuns). */
  const runChunkOf = (runs: EventRuns, name: keyof typeof RUN_COLUMNS, start: number, end: number): Float64Array =>
    runColumnRows(runs, name, start, end, rawCopy(name, end - start));

  /**
   * Evaluation over the events [start, end): raw columns are views, event fields are computed on
   * first use and released after their last use within the range.
   */
  function eventScope(start: number, end: number, pool: ArrayPool, precomputed: Map<CheckedNode, Vector>) {
    const length = end - start;
    // Per-event codes for this range, made on first use.
    let eventRow: Int32Array | null = null;
    let eventItem: Int32Array | null = null;
    let eventUser: Int32Array | null = null;
    const rows = (): Int32Array => {
      if (!eventRow) index.fill(start, end, null, (eventRow = pool.int32(length)));
      return eventRow;
    };
    // (read as a chunk copy: firstTime reads it once per event)
    const timestampColumn = events.numeric.timestamp;
    const rawViews = new Map<string, Float64Array>();
    const rawCategorical = new Map<string, { values: Float64Array; levels: string[] }>();
    const remainingUses = new Map<string, number>();
    for (const d of [...plan.events, ...plan.days]) {
      for (const r of d.checked.refs.event) if (eventDefs.has(r)) remainingUses.set(r, (remainingUses.get(r) ?? 0) + 1);
    }
    const eventCache = new Map<string, Valued>();
    const liftCache = new Map<Float64Array, Map<string, Float64Array>>();
    /** Hands an array back to the pool, first forgetting it as a cached join so it is never served again. */
    const releaseArray = (array: Float64Array): void => {
      for (const byLevel of liftCache.values()) for (const [k, v] of byLevel) if (v === array) byLevel.delete(k);
      pool.release(array);
    };
    const dropJoins = (): void => {
      const held = new Set<Float64Array>();
      for (const v of eventCache.values()) held.add(v.values);
      for (const byLevel of liftCache.values()) for (const v of byLevel.values()) if (!held.has(v)) pool.release(v);
      liftCache.clear();
    };
    const release = (refs: Set<string>): void => {
      for (const r of refs) {
        const left = remainingUses.get(r);
        if (left === undefined) continue;
        if (left <= 1) {
          remainingUses.delete(r);
          const done = eventCache.get(r);
          eventCache.delete(r);
          // An alias (`b: a`, or two fields joining the same column) shares the array: keep it while held.
          let shared = false;
          for (const v of eventCache.values()) if (v.values === done?.values) shared = true;
          if (done && !shared) releaseArray(done.values);
        } else remainingUses.set(r, left - 1);
      }
    };

    const env: EvaluationEnvironment = {
      size(level: Level): number {
        switch (level) {
          case 'item':
            return items.length;
          case 'user':
            return nUsers;
          case 'event':
            return length;
          case 'day':
            return nRows;
          default:
            return 1;
        }
      },
      column(source, name) {
        switch (source) {
          case 'event': {
            const field = eventDefs.get(name);
            if (field) return eventField(name);
            let view = rawViews.get(name);
            if (view) return { values: view };
            const numeric = events.numeric[name];
            if (numeric) {
              view = length === numeric.length ? numeric : chunkOf(name, numeric, start, end);
              rawViews.set(name, view);
              return { values: view };
            }
            if (data.eventRuns && isRunColumn(name)) {
              view = runChunkOf(data.eventRuns, name, start, end);
              rawViews.set(name, view);
              return { values: view };
            }
            const categorical = events.categorical[name];
            if (categorical) return categoricalAsNumbers(rawCategorical, name, categorical, start, end);
            throw new CausewayError('PANEL_MISSING_COLUMN', `the event table has no column \`${name}\``, { kind: 'data', member: 'events', column: name });
          }
          case 'item': {
            const values = items.columns.get(name);
            if (!values) throw new CausewayError('PANEL_MISSING_COLUMN', `no item column \`${name}\``, { kind: 'data', member: 'items', column: name });
            return { values };
          }
          case 'user':
            return userColumn(name);
          default: {
            const values = dayColumns.get(name);
            if (!values) throw new Error(`day measure ${name} used before it was computed`);
            return { values };
          }
        }
      },
      lift(values, from, to) {
        if (from === to) return values;
        // A column joined twice within one measure (first_time and nunique of item.first_category) is
        // gathered once; the cache is emptied after every day measure to keep memory flat.
        const cacheKey = `${from}>${to}`;
        let byLevel = liftCache.get(values);
        const hit = byLevel?.get(cacheKey);
        if (hit) return hit;
        let lifted: Float64Array;
        if (to === 'day' && from === 'user') lifted = liftUserToDay(values);
        else {
          if (to !== 'event') throw new Error(`cannot lift ${from} to ${to}`);
          let map: Int32Array;
          if (from === 'item') map = eventItem ??= items.eventItemsOf(start, end, pool);
          else {
            if (!eventUser) index.fill(start, end, (eventUser = pool.int32(length)), null);
            map = eventUser;
          }
          lifted = gather(values, map, pool.float64(map.length));
        }
        if (!byLevel) liftCache.set(values, (byLevel = new Map()));
        byLevel.set(cacheKey, lifted);
        return lifted;
      },
      aggregate() {
        throw new Error('aggregations are accumulated over chunks of events, not evaluated in place');
      },
      firstTime(group, key) {
        return firstTime(group, key, timestampColumn && chunkOf('timestamp', timestampColumn, start, end), pool);
      },
      zscore(values, scale) {
        return zscoreOverActive(values, active, scale);
      },
      pool,
      precomputed,
    };

    function eventField(name: string): Valued {
      const cached = eventCache.get(name);
      if (cached) return cached;
      const d = eventDefs.get(name)!;
      const root = d.checked.root;
      let result: Valued;
      if (root.kind === 'column' && root.type === 'category') {
        const column = env.column(root.source, root.name);
        result = { values: liftTo(column.values, root.level), levels: column.levels };
      } else {
        result = { values: liftTo(toArray(evaluateNode(root, env), env.size(root.level === 'scalar' ? 'event' : root.level)), root.level) };
      }
      // Cache first: releasing this field's inputs must see that it now holds their array (`b: a`).
      if (remainingUses.has(name)) eventCache.set(name, result);
      release(d.checked.refs.event);
      return result;
    }
    function liftTo(values: Float64Array, from: Level): Float64Array {
      if (from === 'scalar' || from === 'event') return values;
      return env.lift(values, from, 'event');
    }
    const close = (): void => {
      for (const codes of [eventRow, eventItem, eventUser]) if (codes) pool.release(codes);
      eventRow = eventItem = eventUser = null;
    };
    return { env, release, dropJoins, rows, close };
  }

  const precomputed = new Map<CheckedNode, Vector>();
  // Quantiles are over the whole event (or item) table: computed once, before any chunking.
  const quantiles: Array<CheckedNode & { kind: 'quantile' }> = [];
  for (const d of [...plan.events, ...plan.days]) collectNodes(d.checked.root, 'quantile', quantiles);
  if (quantiles.length > 0) {
    const whole = eventScope(0, nEvents, new ArrayPool(options.scratchMinLength), precomputed);
    for (const q of quantiles) if (!precomputed.has(q)) precomputed.set(q, evaluateNode(q, whole.env));
  }

  // Chunks of whole users, when that cannot change a result (see BuildOptions.chunkEvents).
  const firstTimes: Array<CheckedNode & { kind: 'firstTime' }> = [];
  for (const d of plan.events) collectNodes(d.checked.root, 'firstTime', firstTimes);
  const groupsByUser = firstTimes.every((f) => f.group.kind === 'column' && f.group.source === 'event' && f.group.name === 'user_id' && !eventDefs.has('user_id'));
  const chunkSize = options.chunkEvents ?? 1 << 18;
  const chunkable = index.rowsContiguous && index.usersContiguous && groupsByUser && chunkSize < nEvents;
  const userIds = events.numeric.user_id;
  const bounds = !chunkable ? [0, nEvents] : userIds ? chunkBounds(userIds, chunkSize) : chunkBoundsOfRuns(data.eventRuns!, nEvents, chunkSize);
  let longest = 0;
  for (let k = 1; k < bounds.length; k++) longest = Math.max(longest, bounds[k] - bounds[k - 1]);
  rawCopyLength = longest;
  const grouped = bounds.length === 2 ? rowOrderIfNeeded(index, plan, nEvents) : null;
  // Event columns the event level never reads (a full-size `date` is 36 MB) go before it starts rather than after.
  if (options.releaseEventColumns) releaseEventColumns(events, eventColumnsReadPerChunk(plan, eventDefs, index, firstTimes.length > 0, data.itemKey));

  const started = Date.now();
  const aggregatesOf = new Map<string, AggregateNode[]>();
  const accumulators = new Map<AggregateNode, Accumulator>();
  for (const d of plan.days) {
    const found: AggregateNode[] = [];
    collectNodes(d.checked.root, 'aggregate', found);
    aggregatesOf.set(d.name, found);
    for (const a of found) accumulators.set(a, new Accumulator(a.arg === null ? 'count' : a.fn, nRows));
  }
  const pool = new ArrayPool(options.scratchMinLength, bounds.length > 2 ? longest : 0);
  const runs = index.runs;
  for (let k = 1; k < bounds.length; k++) {
    const start = bounds[k - 1];
    const end = bounds[k];
    const scope = eventScope(start, end, pool, precomputed);
    const firstRun = runs && end > start ? runAt(runs, start) : 0;
    const lastRun = runs && end > start ? runAt(runs, end - 1) + 1 : 0;
    for (const d of plan.days) {
      for (const a of aggregatesOf.get(d.name)!) {
        const accumulator = accumulators.get(a)!;
        // Runs keep event order; only nunique over rows that come back (grouped) needs the per-event path.
        const byRuns = runs !== null && !(grouped && accumulator.fn === 'nunique');
        withAggregateArgument(a, scope.env, (arg) =>
          byRuns ? accumulator.addRuns(arg, runs, firstRun, lastRun, start, end, pool) : accumulator.add(arg, scope.rows(), grouped, pool),
        );
      }
      scope.release(d.checked.refs.event);
      scope.dropJoins();
    }
    scope.close();
  }
  for (const [node, accumulator] of accumulators) precomputed.set(node, accumulator.finish(index.rowEventCount));
  accumulators.clear();
  rawCopies.clear();

  // The event level is done: let go of per-event arrays (and, if asked, the event table's columns).
  // (The per-event code makers hold the event columns; nothing needs them now.)
  const eventLevelDone = (): never => {
    throw new Error('per-event codes asked for after the event level');
  };
  index.fill = eventLevelDone;
  items.eventItemsOf = eventLevelDone;
  if (options.releaseEventColumns) releaseEventColumns(events, new Set());

  // Day measures over panel rows; every aggregation is already in `precomputed`.
  const dayEnv: EvaluationEnvironment = {
    size(level: Level): number {
      return level === 'day' ? nRows : level === 'user' ? nUsers : level === 'item' ? items.length : level === 'event' ? nEvents : 1;
    },
    column(source, name) {
      if (source === 'user') return userColumn(name);
      if (source === 'item') {
        const values = items.columns.get(name);
        if (values) return { values };
      }
      const values = dayColumns.get(name);
      if (!values) throw new Error(`day measure ${name} used before it was computed`);
      return { values };
    },
    lift(values, from, to) {
      if (from === to) return values;
      if (from === 'user' && to === 'day') return liftUserToDay(values);
      throw new Error(`cannot lift ${from} to ${to} over panel rows`);
    },
    aggregate() {
      throw new Error('aggregation not accumulated');
    },
    firstTime() {
      throw new Error('first_time over panel rows');
    },
    zscore(values, scale) {
      return zscoreOverActive(values, active, scale);
    },
    pool: new ArrayPool(options.scratchMinLength),
    precomputed,
  };
  for (const d of plan.days) {
    const root: CheckedNode = d.checked.root;
    const value = evaluateNode(root, dayEnv);
    let values = root.level === 'scalar' ? toArray(value, nRows) : root.level === 'day' ? (value as Float64Array) : dayEnv.lift(value as Float64Array, root.level, 'day');
    // A bare column may be shared: copy before zeroing inactive days.
    if (root.kind === 'column') values = values.slice();
    // Every measure is 0 on inactive days (the seeds fill them so).
    zeroInactive(values, active);
    dayColumns.set(d.name, values);
  }
  precomputed.clear();
  options.log?.(`panel: ${nUsers} users × ${D} days, ${plan.days.length} measures, ${bounds.length - 1} chunk(s) of events in ${Date.now() - started} ms (${pool.made} scratch arrays)`);

  // Assemble the panel table.
  const numeric: Record<string, Float64Array> = {};
  const categorical: Record<string, CategoricalColumn> = {};
  const dates: number[] = [];
  for (let d = 0; d < D; d++) dates.push(dayToYyyymmdd(index.firstDay + d));
  const { userId, dayIndex, userIdColumn, dateColumn } = panelKeys(index.userIds, dates);
  numeric.user_id = userIdColumn;
  numeric.date = dateColumn;
  // The weekday of each of the D dates, repeated for every user (a row's weekday depends on its date only).
  const weekdays = dayOfWeekColumn(Float64Array.from(dates));
  categorical.day_of_week = { codes: repeatPerUser(weekdays.codes, nUsers), levels: weekdays.levels };
  numeric.calendar_day_index = calendarDay;
  numeric.active_day = active;
  for (const d of plan.days) numeric[d.name] = dayColumns.get(d.name)!;
  for (const h of plan.history) numeric[h.column] = computeHistory(h, dayColumns.get(h.of)!, nUsers, D);
  for (const f of plan.userFeatures) {
    const column = userColumn(f);
    if (column.levels) categorical[f] = { codes: userCodesByDay(column.values, D), levels: column.levels };
    else numeric[f] = liftUserToDay(column.values);
  }
  return { length: nRows, userId, dayIndex, dates, table: { length: nRows, numeric, categorical } };
}

// The panel-row loops below are functions of their own, not loops inside buildPanel: V8 optimises a
// small function once, while a loop in a long function runs unoptimised until on-stack replacement
// compiles that loop (measured: the day measures' zeroing took 28 ms inside buildPanel).

/** 1 on a panel row with events, else 0. */
function activeDays(rowEventCount: Float64Array): Float64Array {
  const active = new Float64Array(rowEventCount.length);
  for (let r = 0; r < active.length; r++) active[r] = rowEventCount[r] > 0 ? 1 : 0;
  return active;
}

/** The 0-based calendar day of each panel row (rows are user-major, `days` per user). */
function calendarDays(rows: number, days: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = r % days;
  return out;
}

/** Every measure is 0 on inactive days (the seeds fill them so). */
function zeroInactive(values: Float64Array, active: Float64Array): void {
  for (let r = 0; r < values.length; r++) if (active[r] === 0) values[r] = 0;
}

/** User id and day index of each panel row, as Int32 (Panel) and as number columns. */
function panelKeys(userIds: Int32Array, dates: number[]): { userId: Int32Array; dayIndex: Int32Array; userIdColumn: Float64Array; dateColumn: Float64Array } {
  const days = dates.length;
  const rows = userIds.length * days;
  const userId = new Int32Array(rows);
  const dayIndex = new Int32Array(rows);
  const userIdColumn = new Float64Array(rows);
  const dateColumn = new Float64Array(rows);
  for (let u = 0, r = 0; u < userIds.length; u++) {
    for (let d = 0; d < days; d++, r++) {
      userId[r] = userIds[u];
      dayIndex[r] = d;
      userIdColumn[r] = userIds[u];
      dateColumn[r] = dates[d];
    }
  }
  return { userId, dayIndex, userIdColumn, dateColumn };
}

/** A per-day array repeated for each of `users` users. */
function repeatPerUser(perDay: Int32Array, users: number): Int32Array {
  const out = new Int32Array(perDay.length * users);
  for (let u = 0; u < users; u++) out.set(perDay, u * perDay.length);
  return out;
}

/** Category codes per user (NaN = missing, -1) repeated over the user's `days` rows. */
function userCodesByDay(values: Float64Array, days: number): Int32Array {
  const codes = new Int32Array(values.length * days);
  for (let u = 0, r = 0; u < values.length; u++) {
    const v = values[u];
    const code = v === v ? v : -1;
    for (let d = 0; d < days; d++) codes[r++] = code;
  }
  return codes;
}

/**
 * The event columns the chunks of the event level read: the raw columns the event fields and day
 * measures name, the timestamp when a first_time orders by it, the item key when items are joined, and
 * user_id and date when per-event codes are made from them (no runs, src/panel/event-index.ts fill).
 */
function eventColumnsReadPerChunk(plan: PanelPlan, eventDefs: Map<string, unknown>, index: EventIndex, firstTime: boolean, itemKey: string | undefined): Set<string> {
  const read = new Set<string>();
  for (const d of [...plan.events, ...plan.days]) for (const r of d.checked.refs.event) if (!eventDefs.has(r)) read.add(r);
  if (firstTime) read.add('timestamp');
  if (itemKey !== undefined) read.add(itemKey);
  if (!index.runs) for (const c of ['user_id', 'date']) read.add(c);
  return read;
}

/**
 * Drops the event table's columns but those named in `keep`. A column on a resizable buffer (the CSV
 * reader's) is emptied too, so its pages go back now: dropped only, they would stay resident until the
 * next major GC, which comes after the panel's columns are made (about 200 MB of full-size events
 * beside them at the peak of a run). An array that a kept name shares is left whole.
 */
function releaseEventColumns(events: LoadedData['events'], keep: Set<string>): void {
  const kept = new Set<Float64Array | undefined>();
  for (const name of keep) kept.add(events.numeric[name]);
  for (const name of Object.keys(events.numeric)) {
    if (keep.has(name)) continue;
    const column = events.numeric[name];
    delete events.numeric[name];
    if (!kept.has(column)) releaseResizable(column);
  }
  for (const name of Object.keys(events.categorical)) if (!keep.has(name)) delete events.categorical[name];
}

/** Event positions grouped by panel row, when some day measure counts distinct values and the data is not grouped already. */
function rowOrderIfNeeded(index: EventIndex, plan: PanelPlan, eventCount: number): Int32Array | null {
  const found: AggregateNode[] = [];
  for (const d of plan.days) collectNodes(d.checked.root, 'aggregate', found);
  return found.some((a) => a.fn === 'nunique' && a.arg !== null) ? rowOrder(index, eventCount) : null;
}

/**
 * out[i] = values[map[i]], NaN where map[i] is -1: read from a copy with NaN in front at map[i] + 1,
 * because `k >= 0 ? values[k] : NaN` compiles to a loop several times slower in V8 (measured 4 ns
 * against 0.7 ns an event).
 */
function gather(values: Float64Array, map: Int32Array, out: Float64Array): Float64Array {
  const padded = new Float64Array(values.length + 1);
  padded[0] = NaN;
  padded.set(values, 1);
  for (let i = 0; i < map.length; i++) out[i] = padded[map[i] + 1];
  return out;
}

function categoricalAsNumbers(
  cache: Map<string, { values: Float64Array; levels: string[] }>,
  name: string,
  column: CategoricalColumn,
  start: number,
  end: number,
): { values: Float64Array; levels: string[] } {
  let cached = cache.get(name);
  if (!cached) {
    const values = new Float64Array(end - start);
    for (let i = 0; i < values.length; i++) {
      const code = column.codes[start + i];
      values[i] = code >= 0 ? code : NaN;
    }
    cached = { values, levels: column.levels };
    cache.set(name, cached);
  }
  return cached;
}

/**
 * 1 on the event where a group (normally the user) first meets a key value, in event-time order
 * (timestamp, then file order); 0 afterwards; missing when the group or key is missing.
 */
export function firstTime(group: Float64Array, key: Float64Array, timestamp: Float64Array | undefined, pool?: ArrayPool): Float64Array {
  const n = group.length;
  const out = pool ? pool.float64(n) : new Float64Array(n); // every element is written below
  // The data comes sorted by (user, timestamp, file order); verify and sort only if it is not.
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) {
    const g0 = group[i - 1];
    const g1 = group[i];
    if (g1 < g0) sorted = false;
    else if (g1 === g0 && timestamp && timestamp[i] < timestamp[i - 1]) sorted = false;
  }
  let order: Int32Array | null = null;
  if (!sorted) {
    const indices = Array.from({ length: n }, (_, i) => i);
    const ts = timestamp;
    indices.sort((a, b) => {
      const ga = group[a];
      const gb = group[b];
      if (ga !== gb) return ga !== ga ? 1 : gb !== gb ? -1 : ga - gb;
      if (ts) {
        const ta = ts[a];
        const tb = ts[b];
        if (ta !== tb) return ta !== ta ? 1 : tb !== tb ? -1 : ta - tb;
      }
      return a - b;
    });
    order = Int32Array.from(indices);
  }
  // Keys that are small non-negative integers (ids, category codes) index the stamps themselves: no codes.
  const smallMax = smallIntegerMax(key, Math.max(1 << 16, 4 * n));
  if (smallMax >= -1) {
    const stamp = new Int32Array(smallMax + 1);
    let generation = 0;
    let previousGroup = NaN;
    for (let k = 0; k < n; k++) {
      const i = order ? order[k] : k;
      const g = group[i];
      if (g !== previousGroup) {
        generation++;
        previousGroup = g;
      }
      const v = key[i];
      if (g !== g || v !== v) {
        out[i] = NaN;
        continue;
      }
      const c = v | 0;
      // 1 the first time, 0 after (without a branch on it)
      out[i] = +(stamp[c] !== generation);
      stamp[c] = generation;
    }
    return out;
  }
  const { codes, count } = denseCodes(key, pool);
  const stamp = new Int32Array(count);
  let generation = 0;
  let previousGroup = NaN;
  for (let k = 0; k < n; k++) {
    const i = order ? order[k] : k;
    const g = group[i];
    if (g !== previousGroup) {
      generation++;
      previousGroup = g;
    }
    const c = codes[i];
    if (g !== g || c < 0) {
      out[i] = NaN;
      continue;
    }
    if (stamp[c] !== generation) {
      stamp[c] = generation;
      out[i] = 1;
    } else out[i] = 0;
  }
  pool?.release(codes);
  return out;
}

/** z-scores over active days (sample standard deviation); a constant measure scores 0. */
function zscoreOverActive(values: Float64Array, active: Float64Array, scale: 'z' | 'unit' = 'z'): Float64Array {
  if (scale === 'unit') return unitScaleOverActive(values, active);
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    if (active[r] !== 1 || v !== v) continue;
    count++;
    const delta = v - mean;
    mean += delta / count;
    m2 += delta * (v - mean);
  }
  const sd = count > 1 ? Math.sqrt(m2 / (count - 1)) : 0;
  const out = new Float64Array(values.length);
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    if (active[r] !== 1 || v !== v) out[r] = NaN;
    else if (sd > 0) out[r] = (v - mean) / sd;
    else out[r] = 0;
  }
  return out;
}

/**
 * Min-max scaling of a day measure to [0, 1] over active days (unitmean's components: a composite score on
 * the [0, 1] scale of docs/seeds.md §002); inactive days and missing values give NaN, a constant measure 0.
 */
function unitScaleOverActive(values: Float64Array, active: Float64Array): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    if (active[r] !== 1 || v !== v) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi - lo;
  const out = new Float64Array(values.length);
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    if (active[r] !== 1 || v !== v) out[r] = NaN;
    else if (range > 0) out[r] = (v - lo) / range;
    else out[r] = 0;
  }
  return out;
}
