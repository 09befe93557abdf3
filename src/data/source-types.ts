/**
 * The shape of a data source (src/data/source.ts keeps the one list of them). Declared apart from
 * that list so a source's own folder (src/data/kuairec/) can implement it without an import cycle.
 */
import type { ErrorLocation } from '../errors.js';
import type { CausewaySpec } from '../spec/types.generated.js';
import type { ValueType } from './table.js';
import type { DataSchema } from './schema.js';
import type { LoadedData } from './loaded.js';
import type { UnitTable } from './duckdb/table.js';

export type DataConfig = CausewaySpec['data'];

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

/** The item columns a panel's expressions name (src/panel/definition.ts PanelPlan), for a source to read only those. */
export interface PanelNeeds {
  /** item.<column> of the items table. */
  itemColumns: string[];
  /** Per-item daily columns averaged as item.avg_<column>. */
  itemDailyColumns: string[];
  /**
   * Event columns the definitions name (a reader may skip the others unconverted). Given, a reader may
   * also leave user_id and date to the user-date runs it hands over (LoadedData.eventRuns).
   */
  eventColumns?: string[];
}

/**
 * A source read from one archive whose on-disk identity is cheap to take (the KuaiRec archive): its
 * panel is cached by that identity and the read selection, so a cache hit opens nothing.
 */
export interface ArchiveRequest {
  source: string;
  /** Absolute path of the archive; absent: the source's embedded data (made on first use). */
  path?: string;
}
export interface ArchiveAccess<C extends DataConfig = DataConfig, R extends ArchiveRequest = ArchiveRequest> {
  /** What a cell reads: the spec's selection plus the panel's needs. */
  request(config: C, baseDir: string, needs: PanelNeeds): R;
  /** The archive's path (the embedded one generated on first use). */
  locate(request: R, cacheDir: string | undefined, log: (msg: string) => void): Promise<string>;
  /** Identity of the archive at a path (layout, member names, sizes, CRCs), without reading its data. */
  fingerprint(path: string): Promise<string>;
  /** The parts of a request that decide which data are read (part of the panel's cache key). */
  selection(request: R): unknown;
  load(request: R & { path: string }, opts: { cacheDir?: string; log?: (msg: string) => void }): Promise<LoadedData>;
  /** The known causal truth shipped beside a simulated archive, or null. */
  truth(request: R, path: string): unknown;
}

export interface DataSource<C extends DataConfig = DataConfig> {
  /** The `data.source` values this source answers to. */
  names: string[];
  shape: 'events' | 'units' | 'panel';
  describe(config: C, ctx: SourceContext): Promise<SourceDescription>;
  /** Columns fixed by the source's layout, known without reading anything. */
  schema?(): DataSchema;
  /** That the files a source's description does not read exist (an archive); throws a located error. */
  checkFiles?(config: C, ctx: SourceContext): Promise<void>;
  fingerprint(config: C, ctx: SourceContext): Promise<string | null>;
  /** Events shape: LoadedData for the panel; units shape: the unit table. */
  load(config: C, ctx: SourceContext): Promise<LoadedData | UnitTable>;
  /** Row-level checks (keys, times, duplicates) before a run writes anything; throws a located error. */
  checkRows?(config: C, ctx: SourceContext): Promise<void>;
  /** Work to do once before a run's workers start (generating embedded data). */
  prepare?(config: C, ctx: { cacheDir: string; log: (msg: string) => void }): Promise<void>;
  /** Present for archive sources: the cell runner reads and caches them through it (src/run/cell.ts). */
  archive?: ArchiveAccess<C, ArchiveRequest>;
}
