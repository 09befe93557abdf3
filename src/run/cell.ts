/**
 * One cell end to end: compile its spec, load data, build (or load) the panel and the frame, then hand
 * them to the analysis stage (src/analysis/), which returns the plain CellResult. Work several cells
 * share (loaded data, panels, frames) goes through `ctx.shared` and the on-disk panel cache, so a grid
 * builds each panel once. This module is what the grid engine's workers load (`runCell`).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadSpec } from '../spec/load.js';
import type { Cell } from '../spec/plan.js';
import type { SourceMap } from '../spec/source.js';
import { contentHash } from '../spec/canonical.js';
import { archiveFingerprint, ensureDemoArchive, loadData, type LoadedData } from '../data/index.js';
import { buildPanelCached, evaluateRows, type Panel } from '../panel/index.js';
import { buildFrame } from '../frame/index.js';
import { analyzeCell } from '../analysis/index.js';
import type { CellResult } from '../results/index.js';
import { compileCell } from './compile.js';
import type { RunCellContext } from './engine.js';

/**
 * What results.json says about the data: nothing that depends on where the archive lies or in which
 * layout (outer zip, inner zip, folder), so the same data give byte-identical results anywhere.
 * `archive` (the layout's fingerprint) only validates the cached copy of this summary.
 */
interface DataSummary {
  /** the content fingerprint (LoadedData.contentFingerprint) */
  fingerprint: string;
  coverage: LoadedData['coverage'];
  quality: LoadedData['quality'];
  source: { matrix: string } | null;
  truth: unknown;
  archive?: string;
}

export async function runCell(cell: Cell, ctx: RunCellContext): Promise<CellResult> {
  const source = await ctx.shared.memo(`spec-source:${ctx.specPath}`, () => loadSpec(ctx.specPath).source);
  const compiled = compileCell(cell.spec, source as SourceMap, ctx.baseDir);

  const archivePath = await ctx.shared.memo(`archive:${compiled.dataRequest.path ?? 'demo'}`, async () =>
    compiled.dataRequest.path ?? (await ensureDemoArchive(ctx.cacheDir, ctx.log)).archive,
  );
  const request = { ...compiled.dataRequest, path: archivePath };
  const fingerprint = await ctx.shared.memo(`fingerprint:${archivePath}`, () => archiveFingerprint(archivePath));
  const selection = { matrix: request.matrix, sample: request.sample, missingTime: request.missingTime, tables: request.tables, itemDailyColumns: request.itemDailyColumns };
  const dataKey = contentHash({ fingerprint, selection }, 20);
  // The archive is read only on a panel-cache miss; the data's coverage and quality table are written
  // beside the panel then, and the event columns are released as the panel consumes them, so a full
  // big-matrix panel never holds both the events and the panel in memory.
  const loadForPanel = async () => {
    const data = await loadData(request, { cacheDir: ctx.cacheDir, log: ctx.log });
    writeDataSummary(ctx.cacheDir, dataKey, summaryOf(data, fingerprint, archivePath, compiled.dataRequest.source === 'synthetic'));
    return data;
  };
  const panel = (await ctx.shared.memo(`panel:${dataKey}:${compiled.panelKey}`, () =>
    buildPanelCached({ fingerprint, selection, load: loadForPanel }, compiled.panelDefinition, {
      cacheDir: ctx.cacheDir,
      log: ctx.log,
      build: { releaseEventColumns: true },
    }),
  )) as Panel;
  const dataSummary = await ctx.shared.memo(`data-summary:${dataKey}`, async () => {
    const cached = readDataSummary(ctx.cacheDir, dataKey, fingerprint);
    if (cached) return cached;
    const data = await loadData(request, { cacheDir: ctx.cacheDir, log: ctx.log });
    const summary = summaryOf(data, fingerprint, archivePath, compiled.dataRequest.source === 'synthetic');
    writeDataSummary(ctx.cacheDir, dataKey, summary);
    return summary;
  });

  // Cells that differ only in estimator options share one design (population, A, M, Y, covariates).
  const frameKey = contentHash({ panel: compiled.panelKey, data: dataKey, population: compiled.populationRule, frame: compiled.frame }, 20);
  const { population, frame } = await ctx.shared.memo(`frame:${frameKey}`, () => {
    const mask = compiled.population ? evaluateRows(compiled.population, panel.table) : null;
    return { population: mask, frame: buildFrame(panel, { ...compiled.frame, population: mask }) };
  });
  return analyzeCell({
    cellId: cell.id,
    axes: cell.axes as CellResult['axes'],
    settings: compiled.analysis,
    frame,
    population,
    panel: { length: panel.length, users: countDistinct(panel.userId), dates: panel.dates },
    dataSummary: (({ archive: _archive, ...shown }) => shown)(dataSummary) as unknown as Record<string, unknown> & { truth?: unknown },
  });
}

function countDistinct(values: Int32Array): number {
  return new Set(values).size;
}

/** The data's coverage and quality table (and the simulator's truth), cached beside the panel. */
function summaryOf(data: LoadedData, fingerprint: string, archivePath: string, synthetic: boolean): DataSummary {
  let truth: unknown = null;
  if (synthetic) {
    try {
      truth = JSON.parse(readFileSync(join(archivePath, '..', 'truth.json'), 'utf8'));
    } catch {
      truth = null;
    }
  }
  return {
    fingerprint: data.contentFingerprint,
    coverage: data.coverage,
    quality: data.quality,
    source: data.source ? { matrix: data.source.matrix } : null,
    truth,
    archive: fingerprint,
  };
}

function summaryFile(cacheDir: string, dataKey: string): string {
  return join(cacheDir, 'data-summaries', `${dataKey}.json`);
}

function readDataSummary(cacheDir: string, dataKey: string, fingerprint: string): DataSummary | null {
  try {
    const cached = JSON.parse(readFileSync(summaryFile(cacheDir, dataKey), 'utf8')) as DataSummary;
    return cached.archive === fingerprint && typeof cached.fingerprint === 'string' ? cached : null;
  } catch {
    return null; // absent or unreadable: rebuilt by the caller
  }
}

function writeDataSummary(cacheDir: string, dataKey: string, summary: DataSummary): void {
  const file = summaryFile(cacheDir, dataKey);
  mkdirSync(join(cacheDir, 'data-summaries'), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, JSON.stringify(summary));
  renameSync(temp, file);
}
