/**
 * The value an events-shaped source hands the panel (docs/CONTRACTS.md `LoadedData`): the event
 * table sorted by user and time, the users table, optional per-item tables keyed by the source's item
 * key, and the quality and coverage rows that results.json reports. Every events-shaped source (the
 * KuaiRec archive, src/data/kuairec/; an event log, src/data/duckdb/events.ts) fills it in.
 */
import type { ColumnTable } from './table.js';
import { plainView } from './resizable.js';

export interface QualityRow { check: string; rows: number; share: number; action: string }

export interface LoadedData {
  /**
   * One row per event: numeric `user_id`, `date` (YYYYMMDD) and `timestamp` (seconds), the item key, and
   * the source's columns. `user_id` and `date` may be left out where `eventRuns` is given, which holds
   * them for every event (RUN_COLUMNS, runColumnRows).
   */
  events: ColumnTable;
  /** One row per user, keyed by `user_id`: the user features. */
  users: ColumnTable;
  /** The column holding the item code in events, items and itemDaily (absent: the source has no items). */
  itemKey?: string;
  /** Per-item table keyed by itemKey: item.<column>. */
  items?: ColumnTable;
  /** Per-item daily table keyed by itemKey and `date`: item.avg_<column> averages an item's days. */
  itemDaily?: ColumnTable;
  /** How the source names its users, items and item-days tables in messages (a file or member name). */
  tableNames?: { users?: string; items?: string; itemDaily?: string };
  /** Event columns (0/1 numbers) that are true/false in the source file. */
  eventBooleans?: string[];
  /**
   * The events' runs of adjacent rows with one user_id and one date value (a missing date, which equals
   * nothing, is a run of its own), in table order: run k is rows [start[k], start[k + 1]). A reader that
   * kept the rows already in order may hand them over (EventRunsBuilder), so the panel need not find
   * them again (src/panel/event-index.ts); absent otherwise.
   */
  eventRuns?: EventRuns;
  quality: QualityRow[];
  coverage: { users: number; events: number; firstDate: number; lastDate: number; sampledUsers: number };
  fingerprint: string;
  /** Hash of the data as read: the same wherever and however the files are stored. */
  contentFingerprint: string;
  /** Where the data came from. */
  source: { path: string; layout: string; matrix: string; bytesRead: number };
}

export interface EventRuns {
  count: number;
  start: Int32Array; // count + 1 entries, the last the number of events
  user: Float64Array;
  date: Float64Array;
}

/** The event columns EventRuns holds for every event: a table handed over with its runs may leave them out. */
export const RUN_COLUMNS = { user_id: 'user', date: 'date' } as const;

/** Whether `name` is an event column that `runs` holds (RUN_COLUMNS). */
export function isRunColumn(name: string): name is keyof typeof RUN_COLUMNS {
  return Object.hasOwn(RUN_COLUMNS, name);
}

/** The run holding event `i` of runs that cover every event (run k is events [start[k], start[k + 1])). */
export function runContaining(runs: { count: number; start: Int32Array }, i: number): number {
  let lo = 0;
  let hi = runs.count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (runs.start[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The values of a run column (RUN_COLUMNS) for events [start, end), written into `out` (at least end − start long); returns the part written. */
export function runColumnRows(runs: EventRuns, name: keyof typeof RUN_COLUMNS, start: number, end: number, out: Float64Array): Float64Array {
  const values = runs[RUN_COLUMNS[name]];
  for (let k = runContaining(runs, start), i = start; i < end; k++) {
    const stop = Math.min(runs.start[k + 1], end);
    out.fill(values[k], i - start, stop - start);
    i = stop;
  }
  return out.subarray(0, end - start);
}

/**
 * LoadedData.eventRuns, fed blocks of user ids and dates in table order. Given up (result() undefined)
 * once the runs outnumber an eighth of the rows, where the panel gives up its own (event-index.ts).
 */
export class EventRunsBuilder {
  private count = 0;
  private rows = 0;
  private lastUser = NaN;
  private lastDate = NaN;
  private start: Int32Array | null = new Int32Array(4096);
  private user = new Float64Array(4096);
  private date = new Float64Array(4096);

  add(users: Float64Array, dates: Float64Array): void {
    if (!this.start) return;
    let count = this.count;
    let lastUser = this.lastUser;
    let lastDate = this.lastDate;
    for (let j = 0; j < users.length; j++) {
      const u = users[j];
      const d = dates[j];
      if (u === lastUser && d === lastDate) continue;
      if (count === this.user.length) this.grow();
      this.start![count] = this.rows + j;
      this.user[count] = u;
      this.date[count] = d;
      count++;
      lastUser = u;
      lastDate = d;
    }
    this.count = count;
    this.lastUser = lastUser;
    this.lastDate = lastDate;
    this.rows += users.length;
    if (count > Math.max(1024, this.rows >> 3)) this.start = null; // scattered: the panel finds its own
  }

  private grow(): void {
    const more = <T extends Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      return b;
    };
    this.start = more(this.start!);
    this.user = more(this.user);
    this.date = more(this.date);
  }

  result(): EventRuns | undefined {
    if (!this.start) return undefined;
    const start = new Int32Array(this.count + 1);
    start.set(this.start.subarray(0, this.count));
    start[this.count] = this.rows;
    return { count: this.count, start, user: this.user.slice(0, this.count), date: this.date.slice(0, this.count) };
  }
}

/**
 * Whether events come in sortEvents' order (every one `before(i - 1, i) <= 0`), fed in blocks of user ids
 * and timestamps in table order: over a whole table (sortEvents), or as a reader keeps rows
 * (src/data/kuairec/load.ts), so that a sorted table is checked while later rows still arrive.
 */
export class SortedCheck {
  sorted = true;
  private lastUser = NaN;
  private lastTs = NaN;
  private first = true;

  add(users: Float64Array, times: Float64Array): void {
    if (!this.sorted || users.length === 0) return;
    let j = 0;
    if (this.first) {
      this.first = false;
      j = 1;
      this.lastUser = users[0];
      this.lastTs = times[0];
    }
    let lastUser = this.lastUser;
    let lastTs = this.lastTs;
    for (; j < users.length; j++) {
      const u = users[j];
      const t = times[j];
      // before(i - 1, i) > 0: a larger user first, or within a user a NaN time before a time, or a later time first
      if (lastUser > u || (lastUser === u && (lastTs !== lastTs ? t === t : lastTs > t))) {
        this.sorted = false;
        return;
      }
      lastUser = u;
      lastTs = t;
    }
    this.lastUser = lastUser;
    this.lastTs = lastTs;
  }

  /** add() for rows [start, end) of two columns, read in blocks copied out of a resizable buffer (plainView). */
  addRows(user: Float64Array, ts: Float64Array, start: number, end: number): void {
    const blockLength = Math.min(end - start, 65_536);
    const userBlock = new Float64Array(blockLength);
    const tsBlock = new Float64Array(blockLength);
    for (let from = start; from < end && this.sorted; from += blockLength) {
      const to = Math.min(end, from + blockLength);
      this.add(plainView(user, from, to, userBlock), plainView(ts, from, to, tsBlock));
    }
  }
}

/**
 * Sorts event columns by (user_id, timestamp, file order) unless already sorted (`known`: a check the
 * reader made of every row as it kept them); NaN timestamps last within a user.
 * The table is reordered in place and returned: each column is permuted through one scratch array, so
 * sorting takes one column's memory beside the table instead of a second copy of every column.
 */
export function sortEvents(events: ColumnTable, known?: SortedCheck): ColumnTable {
  const user = events.numeric.user_id;
  const ts = events.numeric.timestamp;
  const n = events.length;
  const before = (i: number, j: number): number => {
    if (user[i] !== user[j]) return user[i] - user[j];
    const a = ts[i];
    const b = ts[j];
    const an = Number.isNaN(a);
    const bn = Number.isNaN(b);
    if (an || bn) return an === bn ? i - j : an ? 1 : -1;
    return a !== b ? a - b : i - j;
  };
  let check = known;
  if (!check) {
    check = new SortedCheck();
    check.addRows(user, ts, 0, n);
  }
  if (check.sorted) return events;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort(before);
  // a column held under two names (an event log's item key, src/data/duckdb/events.ts) is permuted once
  const scratch = new Float64Array(n);
  for (const col of new Set(Object.values(events.numeric))) {
    for (let i = 0; i < n; i++) scratch[i] = col[order[i]];
    col.set(scratch);
  }
  const codes = new Int32Array(n);
  for (const col of new Set(Object.values(events.categorical).map((c) => c.codes))) {
    for (let i = 0; i < n; i++) codes[i] = col[order[i]];
    col.set(codes);
  }
  return events;
}
