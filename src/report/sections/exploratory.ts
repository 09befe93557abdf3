/**
 * Report section: exploratory data — what was read (tables, rows, bytes), the missing rates of the columns
 * the analysis uses, the distributions of A, M and Y, and activity per calendar date. Reads the cell's
 * `diagnostics.data.inventory` (src/run/cell.ts) and `diagnostics.exploratory` (src/analysis/exploratory.ts).
 */
import type { ExploratorySummary } from '../../results/index.js';
import { formatNumber } from '../format.js';
import { type ReportSection } from './context.js';

interface Inventory { tables: Array<{ table: string; rows: number }> }

export const exploratorySection: ReportSection = {
  id: 'exploratory',
  title: 'Exploratory data',
  reads: ['diagnostics.data.inventory', 'diagnostics.exploratory'],
  build(ctx, s) {
    const { cell, addTable } = ctx;
    if (!cell) return;
    const d = cell.diagnostics as Record<string, unknown>;
    const inventory = (d.data as { inventory?: Inventory | null } | undefined)?.inventory;
    if (inventory) {
      addTable(s, { id: 'data_inventory', title: 'Data inventory (tables as loaded)', columns: [{ key: 'table', label: 'Table', format: 'code' }, { key: 'rows', label: 'Rows', format: 'int' }], rows: inventory.tables.map((t) => ({ ...t })) }, 'inventory');
    }
    const ex = d.exploratory as ExploratorySummary | undefined;
    if (!ex) return;
    addTable(
      s,
      {
        id: 'missing_rates',
        title: 'Missing values of the columns the analysis uses (population rows, before rows are dropped or covariates imputed)',
        columns: [
          { key: 'column', label: 'Column', format: 'code' },
          { key: 'role', label: 'Role' },
          { key: 'missing', label: 'Missing', format: 'int' },
          { key: 'rows', label: 'Rows', format: 'int' },
          { key: 'share', label: 'Share', format: 'pct' },
        ],
        rows: ex.missing.map((m) => ({ ...m })),
      },
      'missing',
    );
    addTable(
      s,
      {
        id: 'distributions',
        title: 'Distributions of A, M and Y (analysis rows)',
        columns: [
          { key: 'role', label: 'Symbol' },
          { key: 'name', label: 'Column', format: 'code' },
          { key: 'finite', label: 'Rows', format: 'int' },
          { key: 'mean', label: 'Mean', format: 'num' },
          { key: 'min', label: 'Min', format: 'num' },
          { key: 'p05', label: 'p05', format: 'num' },
          { key: 'p25', label: 'p25', format: 'num' },
          { key: 'p50', label: 'Median', format: 'num' },
          { key: 'p75', label: 'p75', format: 'num' },
          { key: 'p95', label: 'p95', format: 'num' },
          { key: 'max', label: 'Max', format: 'num' },
        ],
        rows: ex.distributions.map((v) => ({ ...v })),
      },
      'distributions',
    );
    const daily = ex.daily;
    if (daily.length) {
      const busiest = daily.reduce((a, b) => (b.rows > a.rows ? b : a));
      const empty = daily.filter((r) => r.rows === 0).length;
      s.lines.push(
        `Analysis rows per date range from ${formatNumber(Math.min(...daily.map((r) => r.rows)))} to ${formatNumber(busiest.rows)} (on ${busiest.date}); ${empty} of ${daily.length} dates have no analysis row` +
          (empty ? ' (dates whose outcome window runs past the data, or outside the population).' : '.'),
      );
    }
    addTable(
      s,
      {
        id: 'daily_activity',
        title: 'Activity per calendar date',
        columns: [
          { key: 'date', label: 'Date' },
          { key: 'activeUsers', label: 'Active users', format: 'int' },
          { key: 'rows', label: 'Analysis rows', format: 'int' },
          { key: 'treatedShare', label: 'Treated share', format: 'pct' },
          { key: 'meanOutcome', label: 'Mean outcome', format: 'num' },
        ],
        rows: daily.map((r) => ({ date: String(r.date), activeUsers: r.activeUsers, rows: r.rows, treatedShare: r.rows ? r.treatedRows / r.rows : null, meanOutcome: r.meanOutcome })),
      },
      'daily',
    );
  },
};
