/**
 * What a source's data offer expressions: event columns, user features, per-item columns and per-item
 * daily columns. A source describes its schema before any data is read (src/data/source.ts); at build
 * time the scope is taken from the loaded tables instead, so a source with extra columns works too.
 */
import type { ValueType } from './table.js';
import type { ColumnTable } from './table.js';
import { RUN_COLUMNS, type EventRuns } from './loaded.js';

/** What the data offers to expressions: raw event columns, user features, item columns. */
export interface DataSchema {
  event: Map<string, ValueType>;
  user: Map<string, ValueType>;
  /** Numeric columns of the per-item daily table, averaged over an item's days as item.avg_<column>. */
  itemDaily: string[];
  /** Per-item columns of the source's items table (item.<column>). */
  item?: Map<string, ValueType>;
}

function tableSchema(table: ColumnTable, skip: string[] = []): Map<string, ValueType> {
  const out = new Map<string, ValueType>();
  for (const c of Object.keys(table.numeric)) if (!skip.includes(c)) out.set(c, 'number');
  for (const c of Object.keys(table.categorical)) if (!skip.includes(c)) out.set(c, 'category');
  return out;
}

/** The schema of loaded data (the tables actually present; the item key is not an item column). */
export function schemaOfData(data: { events: ColumnTable; users: ColumnTable; itemKey?: string; itemDaily?: ColumnTable; items?: ColumnTable; eventBooleans?: string[]; eventRuns?: EventRuns }): DataSchema {
  const event = tableSchema(data.events);
  // user_id and date that the event table left to its runs (LoadedData.eventRuns)
  if (data.eventRuns) for (const c of Object.keys(RUN_COLUMNS)) if (!event.has(c)) event.set(c, 'number');
  // 0/1 columns a source read from a true/false file column stay true/false for `and`/`or`.
  for (const c of data.eventBooleans ?? []) if (event.get(c) === 'number') event.set(c, 'boolean');
  const key = data.itemKey ?? '';
  return {
    ...(data.items ? { item: tableSchema(data.items, [key]) } : {}),
    event,
    user: tableSchema(data.users, ['user_id']),
    itemDaily: data.itemDaily ? Object.keys(data.itemDaily.numeric).filter((c) => c !== key && c !== 'date') : [],
  };
}
