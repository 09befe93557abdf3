/**
 * Number, interval and percentage formatting, Markdown escaping, Markdown and CSV tables.
 * Locale-free (no toLocaleString) so reports are identical on every machine.
 */

const DASH = '—';

function groupThousands(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A number for people: precision follows magnitude (5,701 · 37.28 · 0.0231 · 1.2e-5), `—` for null.
 * `digits` forces a fixed number of decimals.
 */
/** Decimals the automatic format uses for |x| (null → exponent notation). */
function autoDecimals(a: number): number | null {
  if (a >= 1000) return 0;
  if (a >= 100) return 1;
  if (a >= 1) return 2;
  if (a >= 0.001) return Math.min(6, 2 - Math.floor(Math.log10(a)));
  return null;
}

export function formatNumber(x: number | null | undefined, digits?: number): string {
  if (x === null || x === undefined || typeof x !== 'number' || !Number.isFinite(x)) return DASH;
  if (digits !== undefined) {
    const s = x.toFixed(digits);
    const [i, f] = s.split('.');
    const out = groupThousands(i!) + (f !== undefined ? '.' + f : '');
    return out === '-0' || /^-0\.0*$/.test(out) ? out.slice(1) : out;
  }
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (Number.isInteger(x) && a < 1e15) return groupThousands(String(x));
  const d = autoDecimals(a);
  return d === null ? x.toExponential(2) : formatNumber(x, d);
}

export function formatInteger(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return formatNumber(Math.round(x), 0);
}

/** 0.5001 → "50.0%". */
export function formatPercent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  // tiny non-zero shares keep their significant digits instead of printing as 0.0%
  if (x !== 0 && Math.abs(x * 100) < 0.5 * 10 ** -digits) return formatNumber(x * 100) + '%';
  return formatNumber(x * 100, digits) + '%';
}

/** [lo, hi] → "[-12.27, 5.73]"; both ends use the precision of the wider end so they line up. */
export function formatInterval(ci: readonly [number, number] | null | undefined): string {
  if (!ci || ci.length !== 2 || !Number.isFinite(ci[0]) || !Number.isFinite(ci[1])) return DASH;
  const wider = Math.max(Math.abs(ci[0]), Math.abs(ci[1]));
  const d = wider === 0 ? 0 : autoDecimals(wider);
  if (d === null) return `[${formatNumber(ci[0])}, ${formatNumber(ci[1])}]`;
  return `[${formatNumber(ci[0], d)}, ${formatNumber(ci[1], d)}]`;
}

/** "interval excludes zero" / "interval crosses zero" (docs/seeds.md §003 wording), or "no interval". */
export function zeroVerdict(ci: readonly [number, number] | null | undefined): string {
  if (!ci || !Number.isFinite(ci[0]) || !Number.isFinite(ci[1])) return 'no interval';
  return ci[0] <= 0 && ci[1] >= 0 ? 'interval crosses zero' : 'interval excludes zero';
}

/**
 * Escapes text from data or the spec for inline Markdown: characters that start emphasis, links,
 * code, HTML or table cells; newlines become spaces. Intraword underscores (snake_case) stay readable.
 */
export function escapeMarkdown(text: unknown): string {
  const s = text === null || text === undefined ? '' : String(text);
  return s
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*\[\]|!{}#~])/g, '\\$1')
    .replace(/(^|[^A-Za-z0-9])_/g, '$1\\_')
    .replace(/_(?=[^A-Za-z0-9]|$)/g, '\\_');
}

export type CellValue = string | number | boolean | null | undefined | readonly [number, number];

type ColumnFormat = 'text' | 'num' | 'int' | 'pct' | 'ci' | 'bool' | 'code' | 'link';

export interface TableColumn {
  key: string;
  label: string;
  format?: ColumnFormat;
  /** fixed decimals for 'num' */
  digits?: number;
  /** text shown for 'link' cells (default: the target) */
  linkText?: string;
  align?: 'left' | 'right';
}

/** A table shown in the report and written to tables/<id>.csv. Rows hold raw values. */
export interface ReportTable {
  id: string;
  title: string;
  columns: TableColumn[];
  rows: Array<Record<string, CellValue>>;
}

function formatCell(value: CellValue, col: TableColumn): string {
  if (value === null || value === undefined) return DASH;
  switch (col.format ?? 'text') {
    case 'num':
      // counts in a fixed-decimals column read better without decimals (3, not 3.0000)
      if (typeof value === 'number') return formatNumber(value, Number.isInteger(value) ? undefined : col.digits);
      return escapeMarkdown(value);
    case 'int':
      return typeof value === 'number' ? formatInteger(value) : escapeMarkdown(value);
    case 'pct':
      return typeof value === 'number' ? formatPercent(value) : escapeMarkdown(value);
    case 'ci':
      // a no-break space keeps "[lo, hi]" on one line in narrow table columns
      return Array.isArray(value) ? formatInterval(value as [number, number]).replace(', ', ',\u00a0') : DASH;
    case 'link': {
      // relative links to files the report wrote (cell reports); anything else renders as text
      const target = String(value);
      return /^[A-Za-z0-9_.\/-]+$/.test(target) && !target.split('/').includes('..') ? `[${escapeMarkdown(col.linkText ?? target)}](${target})` : escapeMarkdown(target);
    }
    case 'bool':
      return value === true ? 'yes' : value === false ? 'no' : escapeMarkdown(value);
    case 'code': {
      const s = String(value).replace(/[\r\n]+/g, ' ');
      // a code span cannot hold a pipe inside a table cell; fall back to escaped text then
      if (s.includes('`') || s.includes('|')) return escapeMarkdown(s);
      return '`' + s + '`';
    }
    default:
      if (typeof value === 'number') return formatNumber(value);
      if (Array.isArray(value)) return formatInterval(value as [number, number]);
      return escapeMarkdown(value);
  }
}

function isNumericFormat(col: TableColumn): boolean {
  return col.align === 'right' || (col.align === undefined && ['num', 'int', 'pct', 'ci'].includes(col.format ?? 'text'));
}

/** A GitHub-flavoured Markdown table; every cell escaped. */
export function markdownTable(table: Pick<ReportTable, 'columns' | 'rows'>): string {
  const header = '| ' + table.columns.map((c) => escapeMarkdown(c.label)).join(' | ') + ' |';
  const rule = '|' + table.columns.map((c) => (isNumericFormat(c) ? '---:' : '---')).join('|') + '|';
  const body = table.rows.map((row) => '| ' + table.columns.map((c) => formatCell(row[c.key], c)).join(' | ') + ' |');
  return [header, rule, ...body].join('\n');
}

function csvField(value: CellValue): string {
  if (value === null || value === undefined) return '';
  let s: string;
  if (typeof value === 'number') s = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'boolean') s = value ? 'true' : 'false';
  else if (Array.isArray(value)) s = `${value[0]};${value[1]}`;
  else s = String(value);
  // guard spreadsheet formula injection from data text
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** RFC 4180 CSV: header of column keys, raw values (full precision), CI columns split into _lower/_upper. */
export function csvTable(table: Pick<ReportTable, 'columns' | 'rows'>): string {
  const headers: string[] = [];
  for (const c of table.columns) {
    if (c.format === 'ci') headers.push(`${c.key}_lower`, `${c.key}_upper`);
    else headers.push(c.key);
  }
  const lines = [headers.map((h) => csvField(h)).join(',')];
  for (const row of table.rows) {
    const fields: string[] = [];
    for (const c of table.columns) {
      const v = row[c.key];
      if (c.format === 'ci') {
        const ci = Array.isArray(v) ? (v as [number, number]) : null;
        fields.push(csvField(ci ? ci[0] : null), csvField(ci ? ci[1] : null));
      } else fields.push(csvField(v));
    }
    lines.push(fields.join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
