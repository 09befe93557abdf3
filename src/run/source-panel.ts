/**
 * The panel of a cell whose data come through the file sources of src/data/source.ts (`events`,
 * `table`): described (columns, no rows) once per worker, fingerprinted by content, the events panel
 * cached on disk like an archive source's (a query source, which has no fingerprint, is rebuilt), and a
 * unit table used as the panel directly.
 */
import { contentHash } from '../spec/canonical.js';
import { locate, type SourceMap } from '../spec/source.js';
import type { CausewaySpec } from '../spec/types.generated.js';
import { sourceOf, type SourceContext, type SourceDescription } from '../data/source.js';
import type { LoadedData } from '../data/loaded.js';
import type { UnitTable } from '../data/duckdb/table.js';
import type { PanelConfig, ReadyPanel } from '../data/duckdb/panel.js';
import type { PanelPlan } from '../panel/definition.js';
import { buildPanel, buildPanelCached, type Panel } from '../panel/index.js';
import { computeHistory } from '../panel/history.js';
import type { RunCellContext } from './engine.js';
import { dataConfigKey } from './compile.js';

interface SourceDataSummary {
  fingerprint: string;
  coverage: LoadedData['coverage'];
  quality: LoadedData['quality'];
  source: { matrix: string } | null;
  truth: unknown;
  archive?: string;
}

function sourceContext(source: SourceMap, baseDir: string, ctx?: Pick<RunCellContext, 'cacheDir' | 'log'>): SourceContext {
  return {
    baseDir,
    cacheDir: ctx?.cacheDir,
    log: ctx?.log,
    at: (pointer: string) => {
      const pos = locate(source, source.values.has(pointer) ? pointer : '/data');
      return { kind: 'spec', file: pos.file, line: pos.line, col: pos.col, pointer };
    },
  };
}

/** The source's description of a cell's data, shared by the cells of one worker. */
export function describedFor(spec: CausewaySpec, source: SourceMap, ctx: RunCellContext): Promise<SourceDescription> {
  return ctx.shared.memo(`described:${dataConfigKey(spec)}`, () => sourceOf(spec.data).describe(spec.data, sourceContext(source, ctx.baseDir, ctx))) as Promise<SourceDescription>;
}

function summaryOf(data: { coverage: LoadedData['coverage']; quality: LoadedData['quality']; source: { path: string; layout: string; matrix: string }; truth?: unknown }, fingerprint: string): SourceDataSummary {
  return { fingerprint, coverage: data.coverage, quality: data.quality, source: { matrix: data.source.matrix }, truth: data.truth ?? null };
}

/** Panel (or unit table standing in for it), data summary and data key of a file-source cell. */
export async function fileSourcePanel(spec: CausewaySpec, compiled: { panelKey: string; panelDefinition: Parameters<typeof buildPanel>[1]; panelPlan: PanelPlan }, source: SourceMap, ctx: RunCellContext):
  Promise<{ panel: Panel; dataSummary: SourceDataSummary; dataKey: string }> {
  const dataSource = sourceOf(spec.data);
  const sctx = sourceContext(source, ctx.baseDir, ctx);
  const configKey = dataConfigKey(spec);
  if (dataSource.shape === 'panel') {
    // A ready panel is read directly (it is already aggregated); its history comes from the cell's plan.
    const ready = (await ctx.shared.memo(`ready-panel:${configKey}:${compiled.panelKey}`, async () => {
      // imported here, not at the top: DuckDB's native library (about 30 MB resident) is loaded only by
      // cells that query it, not by every cell worker (src/data/source.ts imports its sources the same way)
      const { loadPanel } = await import('../data/duckdb/panel.js');
      const loaded = await loadPanel(spec.data as unknown as PanelConfig, ctx.baseDir, sctx.at, compiled.panelPlan.userFeatures);
      const days = loaded.dates.length;
      const users = days > 0 ? loaded.length / days : 0;
      const numeric = loaded.table.numeric;
      for (const h of compiled.panelPlan.history) numeric[h.column] = computeHistory(h, numeric[h.of]!, users, days);
      return loaded;
    })) as ReadyPanel;
    const fingerprint = (await ctx.shared.memo(`fingerprint:${configKey}`, () => dataSource.fingerprint(spec.data, sctx))) as string | null;
    return { panel: ready, dataSummary: summaryOf(ready, fingerprint ?? 'query'), dataKey: contentHash({ fingerprint: fingerprint ?? configKey, configKey }, 20) };
  }
  if (dataSource.shape === 'units') {
    const table = (await ctx.shared.memo(`units:${configKey}`, () => dataSource.load(spec.data, sctx))) as UnitTable;
    const fingerprint = table.fingerprint ?? 'query';
    return { panel: table, dataSummary: summaryOf(table, fingerprint), dataKey: contentHash({ fingerprint, configKey }, 20) };
  }
  const fingerprint = (await ctx.shared.memo(`fingerprint:${configKey}`, () => dataSource.fingerprint(spec.data, sctx))) as string | null;
  const dataKey = contentHash({ fingerprint: fingerprint ?? configKey, configKey }, 20);
  let summary: SourceDataSummary | null = null;
  const load = async () => {
    const data = (await dataSource.load(spec.data, sctx)) as LoadedData;
    summary = summaryOf(data, fingerprint ?? 'query');
    return data;
  };
  const panel = (await ctx.shared.memo(`panel:${dataKey}:${compiled.panelKey}`, async () => {
    if (fingerprint === null) return buildPanel(await load(), compiled.panelDefinition, { log: ctx.log });
    return buildPanelCached({ fingerprint, selection: { data: spec.data }, load }, compiled.panelDefinition, { cacheDir: ctx.cacheDir, log: ctx.log, build: { releaseEventColumns: true } });
  })) as Panel;
  const dataSummary = (await ctx.shared.memo(`data-summary:${dataKey}`, async () => {
    if (summary) return summary;
    // A panel-cache hit read no rows: the summary comes from one load (small next to building the panel).
    await load();
    return summary!;
  })) as SourceDataSummary;
  return { panel, dataSummary, dataKey };
}
