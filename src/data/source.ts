/**
 * The data-source seam: what every source provides, and the one list of sources.
 *
 * A source answers three questions. `describe`: which columns (and types) expressions may name,
 * from file headers / Parquet schemas / query result schemas, without reading rows, so `validate`
 * can check a spec before any data is read. `fingerprint`: a content hash for the panel and result
 * caches (null: never cache, e.g. a SQL query). `load`: the rows, streamed and sampled, as the
 * LoadedData of docs/CONTRACTS.md (events shape: the panel is built from them) or as a ready unit
 * table in the panel's shape (units shape: one row per analysis unit, no panel stage).
 */
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { CausewayError, type ErrorLocation } from '../errors.js';
import type { ValueType } from './table.js';
import { kuairecSchema, type DataSchema } from './schema.js';
import type { CausewaySpec, KuaiRecData } from '../spec/types.generated.js';
import { archiveFingerprint, loadData, type DataRequest, type LoadedData, type LoadOptions } from './index.js';
import { ensureDemoArchive } from './demo.js';
// The DuckDB sources load their modules (and DuckDB's native binding) only when a spec uses them, so
// validating or running a KuaiRec spec does not pay for it.
import type { EventsConfig } from './duckdb/events.js';
import type { TableConfig, UnitTable } from './duckdb/table.js';
import type { PanelConfig } from './duckdb/panel.js';
const events = () => import('./duckdb/events.js');
const table = () => import('./duckdb/table.js');
const readyPanel = () => import('./duckdb/panel.js');

type DataConfig = CausewaySpec['data'];

export interface SourceContext {
  /** The spec's folder: relative paths resolve against it. */
  baseDir: string;
  /** Spec location of a JSON pointer (errors about `data` point into the spec). */
  at: (pointer: string) => ErrorLocation;
  cacheDir?: string;
  log?: (msg: string) => void;
}

/** What expressions may name: an event source's panel schema, or a unit table's columns. */
export type SourceDescription =
  | { shape: 'events'; schema: DataSchema }
  | { shape: 'units'; columns: Map<string, ValueType> }
  | { shape: 'panel'; measures: Map<string, ValueType>; users: Map<string, ValueType> };

interface DataSource<C extends DataConfig = DataConfig> {
  /** The `data.source` values this source answers to. */
  names: string[];
  shape: 'events' | 'units' | 'panel';
  describe(config: C, ctx: SourceContext): Promise<SourceDescription>;
  /** That the files a source's description does not read exist (the archive of kuairec); throws a located error. */
  checkFiles?(config: C, ctx: SourceContext): Promise<void>;
  fingerprint(config: C, ctx: SourceContext): Promise<string | null>;
  /** Events shape: LoadedData for the panel (`request` carries the kuairec selection); units shape: the unit table. */
  load(config: C, ctx: SourceContext, request?: DataRequest): Promise<LoadedData | UnitTable>;
  /** Row-level checks (keys, times, duplicates) before a run writes anything; throws a located error. */
  checkRows?(config: C, ctx: SourceContext): Promise<void>;
}

async function kuairecPath(config: KuaiRecData, ctx: SourceContext): Promise<string> {
  if (config.path) return resolve(ctx.baseDir, config.path);
  return (await ensureDemoArchive(ctx.cacheDir, ctx.log)).archive;
}

/** The KuaiRec archive (three layouts) and the simulator's archives: today's loader, unchanged. */
const kuairecSource: DataSource<KuaiRecData> = {
  names: ['kuairec', 'synthetic'],
  shape: 'events',
  async describe() {
    return { shape: 'events', schema: kuairecSchema() };
  },
  // A data.path that does not exist is reported at its line by validate, before any run starts.
  async checkFiles(config, ctx) {
    if (typeof config.path !== 'string' || config.path === '') return;
    if (!existsSync(resolve(ctx.baseDir, config.path))) throw new CausewayError('DATA_MISSING_ARCHIVE', `data.path ${config.path} does not exist`, ctx.at('/data/path'));
  },
  async fingerprint(config, ctx) {
    return archiveFingerprint(await kuairecPath(config, ctx));
  },
  async load(config, ctx, request) {
    const path = await kuairecPath(config, ctx);
    const req: DataRequest = request ?? {
      source: config.source, path, matrix: config.matrix ?? 'small',
      sample: { modulus: config.sample?.modulus ?? 1, remainder: config.sample?.remainder ?? 0 },
      tables: [...new Set(['user_features', ...(config.tables ?? [])])], missingTime: config.missing_time ?? 'drop',
    };
    const opts: LoadOptions = { cacheDir: ctx.cacheDir, log: ctx.log };
    return loadData({ ...req, path }, opts);
  },
};

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
  const found = SOURCES.find((s) => s.names.includes(config.source));
  if (!found) throw new Error(`no data source '${config.source}'`); // the schema admits only registered names
  return found;
}

/** Whether a spec's data come through the DuckDB file sources (not the kuairec archive path). */
export function isFileSource(config: DataConfig): config is DataConfig & (EventsConfig | TableConfig | PanelConfig) {
  return config.source === 'events' || config.source === 'table' || config.source === 'panel';
}
