/**
 * Writes loaded data (an events-shaped source's LoadedData) as the files an events source reads: the
 * interactions and the users, items and item-day side tables, as Parquet (or CSV). The
 * equivalence test and the events benchmark use it on simulated archives; it is also how to move a
 * KuaiRec archive into a warehouse-like layout. Numbers are written with their exact decimal form
 * (JavaScript's shortest round-trip) and typed explicitly, so reading them back is bit-identical.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnTable } from '../table.js';
import type { LoadedData } from '../loaded.js';
import { connect, sqlName, sqlString } from './engine.js';

function csvText(table: ColumnTable, columns: string[]): string {
  const lines = [columns.map((c) => `"${c}"`).join(',')];
  for (let i = 0; i < table.length; i++) {
    const cells = columns.map((c) => {
      const num = table.numeric[c];
      if (num) return Number.isNaN(num[i]) ? '' : String(num[i]);
      const cat = table.categorical[c];
      const code = cat.codes[i];
      return code < 0 ? '' : `"${cat.levels[code].replace(/"/g, '""')}"`;
    });
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

async function writeTable(dir: string, name: string, table: ColumnTable, format: 'csv' | 'parquet'): Promise<string> {
  const columns = [...Object.keys(table.numeric), ...Object.keys(table.categorical)];
  const csv = join(dir, `${name}.csv`);
  writeFileSync(csv, csvText(table, columns));
  if (format === 'csv') return csv;
  const out = join(dir, `${name}.parquet`);
  const types = columns.map((c) => `${sqlString(c)}: '${table.numeric[c] ? 'DOUBLE' : 'VARCHAR'}'`).join(', ');
  const con = await connect(dir);
  try {
    await con.run(`COPY (SELECT ${columns.map(sqlName).join(', ')} FROM read_csv(${sqlString(csv)}, header = true, columns = {${types}}, quote = '"', escape = '"', nullstr = '')) TO ${sqlString(out)} (FORMAT parquet)`);
  } finally {
    con.closeSync();
  }
  rmSync(csv);
  return out;
}

/** Writes `data` under `dir`; returns the file of each table. */
export async function exportAsEvents(data: LoadedData, dir: string, format: 'csv' | 'parquet' = 'parquet'): Promise<{ events: string; users: string; items?: string; itemDays?: string }> {
  mkdirSync(dir, { recursive: true });
  const events = await writeTable(dir, 'events', data.events, format);
  const users = await writeTable(dir, 'users', data.users, format);
  const out: { events: string; users: string; items?: string; itemDays?: string } = { events, users };
  if (data.items) out.items = await writeTable(dir, 'items', data.items, format);
  if (data.itemDaily) out.itemDays = await writeTable(dir, 'item_days', { ...data.itemDaily, categorical: {} }, format);
  return out;
}
