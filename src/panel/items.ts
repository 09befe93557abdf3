/**
 * The per-item table of buildPanel (src/panel/build.ts, stage 2): dense item codes, item.avg_<c> over the
 * per-item daily table and item.<c> of the source's items table.
 */
import { CausewayError } from '../errors.js';
import type { PanelPlan } from './definition.js';
import { requireColumn } from './event-index.js';
import type { ArrayPool } from './pool.js';
import type { LoadedData } from './types.js';
import { averageByItem } from '../data/item-means.js';
import { plainView } from '../data/resizable.js';
export interface ItemTable {
  length: number;
  /** Per event in [start, end): item index, -1 when the item key is missing (made per chunk, not kept for all events). */
  eventItemsOf(start: number, end: number, pool: ArrayPool): Int32Array;
  columns: Map<string, Float64Array>;
}

/** Dense codes for item (or other) ids: a direct lookup array when ids are small non-negative integers. */
function codeIds(ids: Float64Array, pool?: ArrayPool, withCodes = true): { codes: Int32Array; count: number; decode: (value: number) => number; table?: Int32Array } {
  // Every element is written below (none when only the coding is wanted).
  const codes = !withCodes ? new Int32Array(0) : pool ? pool.int32(ids.length) : new Int32Array(ids.length);
  // One pass while the ids are small non-negative integers: a lookup array, grown as larger ids come.
  // Any other id restarts with a Map; either way codes are given in order of first appearance.
  const limit = 50_000_000;
  let lookup = new Int32Array(Math.min(1024, ids.length + 1)).fill(-1);
  let max = -1;
  let count = 0;
  let small = true;
  // read in blocks copied out of a resizable buffer (src/data/resizable.ts plainView)
  const blockLength = Math.min(ids.length, 65_536);
  const scratch = new Float64Array((ids.buffer as { resizable?: boolean }).resizable === true ? blockLength : 0);
  blocks: for (let start = 0; start < ids.length; start += blockLength) {
    const block = plainView(ids, start, Math.min(ids.length, start + blockLength), scratch);
    for (let j = 0; j < block.length; j++) {
      const v = block[j];
      if (v !== v) {
        if (withCodes) codes[start + j] = -1;
        continue;
      }
      if (v < 0 || v !== Math.floor(v) || v > limit) {
        small = false;
        break blocks;
      }
      if (v > max) {
        max = v;
        if (v >= lookup.length) {
          const grown = new Int32Array(Math.max(v + 1, Math.min(2 * lookup.length, limit + 1))).fill(-1);
          grown.set(lookup);
          lookup = grown;
        }
      }
      let c = lookup[v];
      if (c < 0) c = lookup[v] = count++;
      if (withCodes) codes[start + j] = c;
    }
  }
  if (small) {
    const table = lookup;
    return { codes, count, table, decode: (value) => (value >= 0 && value <= max && value === Math.floor(value) ? table[value] : -1) };
  }
  const map = new Map<number, number>();
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i];
    if (v !== v) {
      if (withCodes) codes[i] = -1;
      continue;
    }
    let c = map.get(v);
    if (c === undefined) {
      c = map.size;
      map.set(v, c);
    }
    if (withCodes) codes[i] = c;
  }
  return { codes, count: map.size, decode: (value) => map.get(value) ?? -1 };
}

export function buildItems(data: LoadedData, plan: PanelPlan): ItemTable {
  const key = data.itemKey;
  const itemColumn = key === undefined ? undefined : data.events.numeric[key];
  const needed = new Set<string>();
  for (const d of [...plan.events, ...plan.days]) for (const c of d.checked.refs.item) needed.add(c);
  if (!itemColumn) {
    if (needed.size > 0) {
      if (key === undefined) throw new CausewayError('PANEL_MISSING_COLUMN', 'item.* columns need an item key, and the data have none', { kind: 'data', member: 'events' });
      requireColumn(data.events, key, 'events');
    }
    return { length: 0, eventItemsOf: (start, end, pool) => pool.int32(end - start).fill(-1), columns: new Map() };
  }
  const { count, decode, table } = codeIds(itemColumn, undefined, false);
  const eventItemsOf = (start: number, end: number, pool: ArrayPool): Int32Array => {
    const out = pool.int32(end - start); // every element is written below
    const scratch = pool.float64(end - start);
    const ids = plainView(itemColumn, start, end, scratch);
    if (table) {
      // small whole-number ids: decode's table read inline
      for (let i = 0; i < ids.length; i++) {
        const v = ids[i];
        out[i] = v >= 0 && v < table.length && v === Math.floor(v) ? table[v] : -1;
      }
    } else for (let i = 0; i < ids.length; i++) out[i] = decode(ids[i]);
    pool.release(scratch);
    return out;
  };
  const columns = new Map<string, Float64Array>();
  // A source's per-item table: item.<column> is that column.
  const items = data.items;
  if (items) {
    const itemOfRow = new Int32Array(items.length);
    const keys = items.numeric[key!];
    for (let r = 0; r < items.length; r++) itemOfRow[r] = decode(keys[r]);
    for (const c of needed) {
      const source = items.numeric[c];
      if (!source || c === key) continue;
      const out = new Float64Array(count).fill(NaN);
      for (let r = 0; r < items.length; r++) if (itemOfRow[r] >= 0) out[itemOfRow[r]] = source[r];
      columns.set(c, out);
      needed.delete(c);
    }
  }
  const averaged = [...needed].filter((c) => c.startsWith('avg_')).map((c) => c.slice(4));
  if (averaged.length > 0) {
    const daily = data.itemDaily;
    const member = data.tableNames?.itemDaily ?? 'item days';
    if (!daily) throw new CausewayError('PANEL_MISSING_TABLE', `item.avg_* columns need the per-item daily table (${member}), which was not loaded`, { kind: 'data', member });
    const dailyKey = daily.numeric[key!];
    if (!dailyKey) throw new CausewayError('PANEL_MISSING_COLUMN', `${member} has no ${key} column`, { kind: 'data', member, column: key });
    const dailyItem = new Int32Array(daily.length);
    for (let i = 0; i < daily.length; i++) dailyItem[i] = decode(dailyKey[i]);
    for (const c of averaged) {
      const source = daily.numeric[c];
      if (!source) throw new CausewayError('PANEL_MISSING_COLUMN', `${member} has no numeric column \`${c}\``, { kind: 'data', member, column: c });
      columns.set(`avg_${c}`, averageByItem(source, dailyItem, count));
    }
  }
  for (const c of needed) {
    if (items || c.startsWith('avg_')) continue; // a column an items table lacks is reported where it is read
    const member = data.tableNames?.items ?? 'items';
    throw new CausewayError('PANEL_MISSING_TABLE', `item.${c} needs the items table (${member}), which was not loaded`, { kind: 'data', member });
  }
  return { length: count, eventItemsOf, columns };
}

/** Dense integer codes for arbitrary numbers (NaN → -1), with the number of distinct values. */
export function denseCodes(values: Float64Array, pool?: ArrayPool): { codes: Int32Array; count: number } {
  const { codes, count } = codeIds(values, pool);
  return { codes, count };
}
