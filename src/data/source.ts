/**
 * The data-source seam: what every source provides, and the one list of sources.
 *
 * A source answers three questions. `describe`: which columns (and types) expressions may name,
 * from file headers / Parquet schemas / query result schemas, without reading rows, so `validate`
 * can check a spec before any data is read. `fingerprint`: a content hash for the panel and result
 * caches (null: never cache, e.g. a SQL query). `load`: the rows, streamed and sampled, as the
 * LoadedData of docs/CONTRACTS.md (events shape: the panel is built from them) or as a ready unit
 * table in the panel's shape (units shape: one row per analysis unit, no panel stage). The interface is
 * declared in source-types.ts; each source lives in its own module (kuairec/, duckdb/).
 */
import type { DataConfig, DataSource } from './source-types.js';
import { kuairecSource } from './kuairec/source.js';
// The DuckDB sources load their modules (and DuckDB's native binding) only when a spec uses them, so
// validating or running a KuaiRec spec does not pay for it.
import type { EventsConfig } from './duckdb/events.js';
import type { TableConfig, UnitTable } from './duckdb/table.js';
import type { PanelConfig } from './duckdb/panel.js';
const events = () => import('./duckdb/events.js');
const table = () => import('./duckdb/table.js');
const readyPanel = () => import('./duckdb/panel.js');

export type { ArchiveAccess, ArchiveRequest, DataSource, PanelNeeds, SourceContext, SourceDescription } from './source-types.js';

/** An interaction log in CSV/TSV/Parquet/NDJSON files or a SQL query (src/data/duckdb/events.ts). */
const eventsSource: DataSource<EventsConfig & DataConfig> = {
  names: ['events'],
  shape: 'events',
  async describe(config, ctx) {
    const described = await (await events()).describeEvents(config, ctx.baseDir, ctx.at);
    return { shape: 'events', schema: described.schema };
  },
  fingerprint: async (config, ctx) => (await events()).eventsFingerprint(config, ctx.baseDir),
  load: async (config, ctx) => (await events()).loadEvents(config, ctx.baseDir, ctx.at, { log: ctx.log }),
  checkRows: async (config, ctx) => (await events()).checkEventRows(config, ctx.baseDir, ctx.at),
};

/** One row per analysis unit (src/data/duckdb/table.ts). */
const tableSource: DataSource<TableConfig & DataConfig> = {
  names: ['table'],
  shape: 'units',
  async describe(config, ctx) {
    return { shape: 'units', columns: (await (await table()).describeTable(config, ctx.baseDir, ctx.at)).schema };
  },
  async fingerprint(config, ctx) {
    if (config.query !== undefined) return null;
    const { input } = await (await table()).describeTable(config, ctx.baseDir, ctx.at);
    const { filesFingerprint } = await import('./duckdb/engine.js');
    return 'table:' + (await filesFingerprint(input.files, ctx.baseDir, { id: config.id, cluster: config.cluster, truth: config.truth }));
  },
  load: async (config, ctx) => (await table()).loadTable(config, ctx.baseDir, ctx.at, { log: ctx.log }),
  async checkRows(config, ctx) {
    await (await table()).loadTable(config, ctx.baseDir, ctx.at);
  },
};

/** A ready user-by-day table (src/data/duckdb/panel.ts); `run/source-panel.ts` loads it with the plan's history. */
const panelSource: DataSource<PanelConfig & DataConfig> = {
  names: ['panel'],
  shape: 'panel',
  async describe(config, ctx) {
    return { shape: 'panel', ...(await (await readyPanel()).describePanel(config, ctx.baseDir, ctx.at)) };
  },
  fingerprint: async (config, ctx) => (await readyPanel()).panelFingerprint(config, ctx.baseDir),
  load: async (config, ctx) => (await (await readyPanel()).loadPanel(config, ctx.baseDir, ctx.at, [])) as unknown as UnitTable,
  async checkRows(config, ctx) {
    await (await readyPanel()).loadPanel(config, ctx.baseDir, ctx.at, []);
  },
};

/** Every source, in one list. */
const SOURCES: DataSource[] = [kuairecSource as DataSource, eventsSource as DataSource, tableSource as DataSource, panelSource as DataSource];

export function sourceOf(config: DataConfig): DataSource {
  return sourceNamed(config.source);
}

/** The source a `data.source` value names. */
export function sourceNamed(name: string): DataSource {
  const found = SOURCES.find((s) => s.names.includes(name));
  if (!found) throw new Error(`no data source '${name}'`); // the schema admits only registered names
  return found;
}

/** Whether a spec's data come through a file source (src/data/duckdb/), not an archive source's `archive` access. */
export function isFileSource(config: DataConfig): config is DataConfig & (EventsConfig | TableConfig | PanelConfig) {
  return sourceOf(config).archive === undefined;
}
