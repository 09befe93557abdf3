/**
 * The values panel/ receives and hands on (docs/CONTRACTS.md). `LoadedData` is data/'s value; the
 * panel names only the fields it reads, so data/'s full interface is accepted as it is.
 */
import type { ColumnTable } from '../data/table.js';
import type { EventRuns } from '../data/loaded.js';

export interface LoadedData {
  events: ColumnTable;
  users: ColumnTable;
  /** The events' item code column, also the key of items and itemDaily. */
  itemKey?: string;
  /** A source's per-item table: item.<column>. */
  items?: ColumnTable;
  /** A source's per-item daily table (keyed by itemKey and date): item.avg_<column>. */
  itemDaily?: ColumnTable;
  /** The source's names of its tables, for messages. */
  tableNames?: { users?: string; items?: string; itemDaily?: string };
  /** Event columns (0/1 numbers) that are true/false in the source file. */
  eventBooleans?: string[];
  /** The events' runs of one user_id and date value, when the reader found them (src/data/loaded.ts). */
  eventRuns?: EventRuns;
  coverage?: { users?: number; events?: number; firstDate: number; lastDate: number; sampledUsers?: number };
  fingerprint: string;
}

export interface Panel {
  /** users × days, dense, ordered by user then day. */
  length: number;
  userId: Int32Array;
  /** 0-based calendar day index. */
  dayIndex: Int32Array;
  /** YYYYMMDD for each day index. */
  dates: number[];
  /** Day measures, active_day, history columns, calendar_day_index, user_id, date, joined user features. */
  table: ColumnTable;
}
