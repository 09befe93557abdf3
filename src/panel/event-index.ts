/**
 * The event index of buildPanel (src/panel/build.ts, stage 1): each event's user and calendar day, the
 * runs of adjacent events of one user-day, and the events grouped by panel row when they are not adjacent.
 */
import { CausewayError } from '../errors.js';
import type { ColumnTable } from '../data/table.js';
import { yyyymmddToDay } from '../data/calendar.js';
import { runAt, type RowRuns } from './runs.js';
import { plainView } from '../data/resizable.js';
import { runColumnRows } from '../data/loaded.js';
import type { LoadedData } from './types.js';
export function requireColumn(table: ColumnTable, name: string, member: string): Float64Array {
  const column = table.numeric[name];
  if (!column) throw new CausewayError('PANEL_MISSING_COLUMN', `the event table has no numeric column \`${name}\``, { kind: 'data', member, column: name });
  return column;
}

export interface EventIndex {
  userIds: Int32Array; // panel users, ascending
  firstDay: number;
  dayCount: number;
  rowEventCount: Float64Array; // events per panel row
  rowsContiguous: boolean; // events of a row are adjacent (true for data sorted by user and time)
  usersContiguous: boolean; // events of a user (panel or not) are adjacent
  /** Runs of adjacent events of one panel row, in event order (null when events are not grouped so). */
  runs: RowRuns | null;
  /**
   * Per event in [start, end): the panel user index (-1 when the user has no dated event) and the
   * panel row (user * days + day; -1 when the event has no date). Recomputed per chunk instead of
   * kept for all events (two 4-byte arrays per event).
   */
  fill(start: number, end: number, users: Int32Array | null, rows: Int32Array | null): void;
}

export function indexEvents(data: LoadedData, useRuns = true): EventIndex {
  const events = data.events;
  const n = events.length;
  // User and date columns: a reader that hands its runs over may leave them out (LoadedData.eventRuns),
  // and then they are read from the runs.
  const runScratch = { user_id: new Float64Array(0), date: new Float64Array(0) };
  /** Events [start, end) of user_id or date, index 0 for event `start`. */
  const rowsOf = (name: 'user_id' | 'date', start: number, end: number): Float64Array => {
    const column = events.numeric[name];
    if (column || !data.eventRuns) return (column ?? requireColumn(events, name, 'events')).subarray(start, end);
    if (runScratch[name].length < end - start) runScratch[name] = new Float64Array(end - start);
    return runColumnRows(data.eventRuns, name, start, end, runScratch[name]);
  };

  // One pass: user codes, calendar-day range and which users have a dated event; each looked up
  // only when it changes (the data is sorted by user and time, so runs are long).
  const userCode = new Map<number, number>();
  const hasDated: number[] = [];
  let lastUser = NaN;
  let lastCode = -1;
  let lastDate = NaN;
  let lastDay = -1;
  let minDay = Infinity;
  let maxDay = -Infinity;
  let usersContiguous = true;
  // Runs of one user value and date (user code and day per run), given up when events are so
  // scattered that runs would be many (memory): then per-event codes are made by `fill` below.
  const runLimit = Math.max(1024, n >> 3);
  let runCapacity = Math.min(runLimit, 4096);
  let runStart: Int32Array | null = useRuns ? new Int32Array(runCapacity) : null;
  let runCode: Int32Array = new Int32Array(runCapacity);
  let runDay: Int32Array = new Int32Array(runCapacity);
  let runCount = 0;
  /** Event i begins a run of one user value `u` and date `d`: a new user, a new day, or both. */
  const runBegins = (i: number, u: number, d: number): void => {
    if (u !== lastUser) {
      let code = userCode.get(u);
      if (code === undefined) {
        code = userCode.size;
        userCode.set(u, code);
        hasDated.push(0);
      } else if (code !== lastCode) usersContiguous = false; // a user met again after another
      lastUser = u;
      lastCode = code;
    }
    if (d !== lastDate) {
      lastDate = d;
      const day = yyyymmddToDay(d);
      lastDay = day === day ? day : -1;
      if (lastDay >= 0) {
        if (lastDay < minDay) minDay = lastDay;
        if (lastDay > maxDay) maxDay = lastDay;
      }
    }
    if (lastDay >= 0) hasDated[lastCode] = 1;
    if (runStart) {
      if (runCount === runCapacity) {
        if (runCapacity >= runLimit) runStart = null;
        else {
          runCapacity = Math.min(runLimit, runCapacity * 2);
          const grow = (a: Int32Array): Int32Array => {
            const b = new Int32Array(runCapacity);
            b.set(a);
            return b;
          };
          runStart = grow(runStart);
          runCode = grow(runCode);
          runDay = grow(runDay);
        }
      }
      if (runStart) {
        runStart[runCount] = i;
        runCode[runCount] = lastCode;
        runDay[runCount] = lastDay;
        runCount++;
      }
    }
  };
  const given = data.eventRuns;
  if (given && given.start[given.count] === n) {
    // the runs the reader found as it kept the rows (src/data/loaded.ts EventRunsBuilder)
    for (let k = 0; k < given.count; k++) runBegins(given.start[k], given.user[k], given.date[k]);
  } else {
    // Read in blocks copied out of the columns' buffers (see plainView).
    const userColumn = requireColumn(events, 'user_id', 'events');
    const dateColumn = requireColumn(events, 'date', 'events');
    const blockLength = Math.min(n, 65_536);
    const userBlock = new Float64Array(blockLength);
    const dateBlock = new Float64Array(blockLength);
    let u0 = NaN;
    let d0 = NaN;
    for (let blockStart = 0; blockStart < n; blockStart += blockLength) {
      const users = plainView(userColumn, blockStart, Math.min(n, blockStart + blockLength), userBlock);
      const dates = plainView(dateColumn, blockStart, Math.min(n, blockStart + blockLength), dateBlock);
      for (let j = 0, i = blockStart; j < users.length; j++, i++) {
        const u = users[j];
        const d = dates[j];
        if (u === u0 && d === d0) continue; // same user and date as the event before: nothing new
        runBegins(i, u, d);
        u0 = u;
        d0 = d;
      }
    }
  }
  const coverageFirst = yyyymmddToDay(data.coverage?.firstDate ?? NaN);
  const coverageLast = yyyymmddToDay(data.coverage?.lastDate ?? NaN);
  if (coverageFirst === coverageFirst && coverageFirst < minDay) minDay = coverageFirst;
  if (coverageLast === coverageLast && coverageLast > maxDay) maxDay = coverageLast;
  if (!(maxDay >= minDay)) {
    throw new CausewayError('PANEL_NO_EVENTS', 'no dated events in the sample: the panel would be empty', { kind: 'data', member: 'events' }, 'check data.sample and the missing-time policy');
  }
  const dayCount = maxDay - minDay + 1;
  const firstDay = minDay;

  // Users who have at least one dated event, ascending by id.
  const ids: number[] = [];
  for (const [id, code] of userCode) if (hasDated[code]) ids.push(id);
  ids.sort((a, b) => a - b);
  const codeToPanel = new Int32Array(userCode.size).fill(-1);
  ids.forEach((id, k) => (codeToPanel[userCode.get(id)!] = k));

  const fill = (start: number, end: number, users: Int32Array | null, rows: Int32Array | null): void => {
    const userValues = rowsOf('user_id', start, end);
    const dateValues = rowsOf('date', start, end);
    let lastUser = NaN;
    let lastPanel = -1;
    let lastDate = NaN;
    let lastDay = -1;
    for (let i = start; i < end; i++) {
      const u = userValues[i - start];
      if (u !== lastUser) {
        lastUser = u;
        lastPanel = codeToPanel[userCode.get(u)!];
      }
      const d = dateValues[i - start];
      if (d !== lastDate) {
        lastDate = d;
        const day = yyyymmddToDay(d);
        lastDay = day === day ? day : -1;
      }
      if (users) users[i - start] = lastPanel;
      if (rows) rows[i - start] = lastDay < 0 || lastPanel < 0 ? -1 : lastPanel * dayCount + (lastDay - firstDay);
    }
  };

  const rowEventCount = new Float64Array(ids.length * dayCount);
  let previousRow = -1;
  let contiguous = true;
  const rowSeen = new Uint8Array(ids.length * dayCount);
  if (runStart) {
    const runs: RowRuns = { count: 0, start: new Int32Array(runCount + 1), row: new Int32Array(runCount), user: new Int32Array(runCount) };
    let m = 0;
    for (let k = 0; k < runCount; k++) {
      const panelUser = codeToPanel[runCode[k]];
      const day = runDay[k];
      const row = day < 0 || panelUser < 0 ? -1 : panelUser * dayCount + (day - firstDay);
      if (row >= 0 && m > 0 && runs.row[m - 1] === row) continue; // the same user-day goes on
      runs.start[m] = runStart[k];
      runs.row[m] = row;
      runs.user[m] = panelUser;
      m++;
    }
    runs.count = m;
    runs.start[m] = n;
    // As the per-event loop below: counts, and whether a row comes back after another (rows < 0 skipped).
    for (let k = 0; k < m; k++) {
      const row = runs.row[k];
      if (row < 0) continue;
      rowEventCount[row] += runs.start[k + 1] - runs.start[k];
      if (row !== previousRow) {
        if (rowSeen[row]) contiguous = false;
        rowSeen[row] = 1;
        previousRow = row;
      }
    }
    const fillFromRuns = (start: number, end: number, users: Int32Array | null, rows: Int32Array | null): void => {
      if (start >= end) return;
      for (let k = runAt(runs, start), i = start; i < end; k++) {
        const stop = Math.min(runs.start[k + 1], end);
        if (users) users.fill(runs.user[k], i - start, stop - start);
        if (rows) rows.fill(runs.row[k], i - start, stop - start);
        i = stop;
      }
    };
    return { userIds: Int32Array.from(ids), firstDay, dayCount, rowEventCount, rowsContiguous: contiguous, usersContiguous, runs, fill: fillFromRuns };
  }
  const block = new Int32Array(Math.min(n, 65_536));
  for (let start = 0; start < n; start += block.length) {
    const end = Math.min(n, start + block.length);
    fill(start, end, null, block);
    for (let k = 0; k < end - start; k++) {
      const row = block[k];
      if (row < 0) continue;
      rowEventCount[row]++;
      if (row !== previousRow) {
        if (rowSeen[row]) contiguous = false;
        rowSeen[row] = 1;
        previousRow = row;
      }
    }
  }
  return { userIds: Int32Array.from(ids), firstDay, dayCount, rowEventCount, rowsContiguous: contiguous, usersContiguous, runs: null, fill };
}


/** Event positions grouped by panel row (identity when the data already is). */
export function rowOrder(index: EventIndex, eventCount: number): Int32Array | null {
  if (index.rowsContiguous) return null;
  const rows = index.rowEventCount.length;
  const start = new Int32Array(rows + 1);
  for (let r = 0; r < rows; r++) start[r + 1] = start[r] + index.rowEventCount[r];
  const order = new Int32Array(start[rows]);
  const next = start.slice(0, rows);
  const eventRow = new Int32Array(eventCount);
  index.fill(0, eventCount, null, eventRow);
  for (let i = 0; i < eventRow.length; i++) {
    const r = eventRow[i];
    if (r >= 0) order[next[r]++] = i;
  }
  return order;
}
