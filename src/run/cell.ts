/**
 * One cell end to end: compile its spec, load data, build (or load) the panel and the frame, then hand
 * them to the analysis stage (src/analysis/), which returns the plain CellResult. Work several cells
 * share (loaded data, panels, frames) goes through `ctx.shared` and the on-disk panel cache, so a grid
 * builds each panel once. This module is what the grid engine's workers load (`runCell`).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadSpec } from '../spec/load.js';
import type { Cell } from '../spec/plan.js';
import type { SourceMap } from '../spec/source.js';
import { contentHash } from '../spec/canonical.js';
import type { LoadedData } from '../data/loaded.js';
import { buildPanelCached, evaluateRows, withDerivedColumns, type Panel } from '../panel/index.js';
import { buildFrame } from '../frame/index.js';
import { checkDesign } from '../frame/design.js';
import { analyzeCell } from '../analysis/index.js';
import type { CellResult } from '../results/index.js';
import { compileCell, type CompiledCell } from './compile.js';
import { isFileSource, sourceNamed } from '../data/source.js';
import { describedFor, fileSourcePanel } from './source-panel.js';
import type { RunCellContext } from './engine.js';
import { tuneAllocator } from './allocator.js';

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
  /** rows per table as loaded (the report's exploratory data section); not the layout or bytes read, which differ by where the data lie while results.json must not */
  inventory?: { tables: Array<{ table: string; rows: number }> } | null;
  truth: unknown;
  archive?: string;
}

export async function runCell(cell: Cell, ctx: RunCellContext): Promise<CellResult> {
  // The caller's source positions when it passes them (the engine does: the main thread has loaded the
  // spec, overrides applied); else the spec is read again here.
  const source = ctx.source ?? (await ctx.shared.memo(`spec-source:${ctx.specPath}`, () => loadSpec(ctx.specPath).source));
  const fileSource = isFileSource(cell.spec.data);
  const described = fileSource ? await describedFor(cell.spec, source as SourceMap, ctx) : undefined;
  const compiled = compileCell(cell.spec, source as SourceMap, ctx.baseDir, described);
  ctx.log('step: data and panel');
  const { panel, dataSummary, dataKey } = fileSource
    ? await fileSourcePanel(cell.spec, compiled, source as SourceMap, ctx)
    : await archivePanel(compiled, ctx);

  // Cells that differ only in estimator options share one design (population, A, M, Y, covariates).
  const frameKey = contentHash({ panel: compiled.panelKey, data: dataKey, population: compiled.populationRule, derived: cell.spec.derived ?? {}, frame: compiled.frame }, 20);
  // A worker keeps one frame: an earlier cell's (X alone 37 MB on the full-size demo frame, with what is
  // cached by it) held for cells that may never come raised the next cell's peak (the demo spec's two
  // full-size cells, --jobs 1: 442 MB, and 389 MB with one frame kept; docs/performance-notes.md). A later
  // cell on a frame built before builds it again, the same values.
  ctx.shared.forgetOthers('frame:', `frame:${frameKey}`);
  const { population, frame, designProblem } = await ctx.shared.memo(`frame:${frameKey}`, () => {
    const mask = compiled.population ? evaluateRows(compiled.population, panel.table) : null;
    // derived columns (qbin edges over the population) beside the panel's, which stay unmodified
    const table = withDerivedColumns(panel.table, compiled.derived, mask);
    const built = buildFrame({ length: panel.length, userId: panel.userId, table }, { ...compiled.frame, population: mask });
    let problem: unknown = null;
    try {
      built.warnings.push(...checkDesign(built, cell.spec.population as string | undefined));
    } catch (e) {
      problem = e;
    }
    return { population: mask, frame: built, designProblem: problem };
  });
  // An empty frame, or one with too few users for a clustered interval, fails the cell before any
  // estimator runs (src/frame/design.ts) rather than reporting NaN or a zero-width interval.
  if (designProblem) throw designProblem;
  // the analysis starts from what is live: glibc returns freed memory from here on (./allocator.ts)
  tuneAllocator();
  return analyzeCell({
    cellId: cell.id,
    axes: cell.axes as CellResult['axes'],
    settings: compiled.analysis,
    frame,
    population,
    panel: { length: panel.length, users: countDistinct(panel.userId), dates: panel.dates, userId: panel.userId, dayIndex: panel.dayIndex, table: panel.table },
    dataSummary: (({ archive: _archive, ...shown }) => shown)(dataSummary) as unknown as Record<string, unknown> & { truth?: unknown },
    log: ctx.log,
  });
}

function countDistinct(values: Int32Array): number {
  return new Set(values).size;
}

/** Panel and data summary of an archive source's cell (src/data/source-types.ts ArchiveAccess; the panel cached on disk). */
export async function archivePanel(compiled: CompiledCell, ctx: RunCellContext): Promise<{ panel: Panel; dataSummary: DataSummary; dataKey: string }> {
  const dataRequest = compiled.dataRequest!;
  const access = sourceNamed(dataRequest.source).archive!;
  const archivePath = await ctx.shared.memo(`archive:${dataRequest.path ?? 'demo'}`, () => access.locate(dataRequest, ctx.cacheDir, ctx.log));
  const request = { ...dataRequest, path: archivePath };
  const fingerprint = await ctx.shared.memo(`fingerprint:${archivePath}`, () => access.fingerprint(archivePath));
  const selection = access.selection(request);
  const dataKey = contentHash({ fingerprint, selection }, 20);
  // The archive is read only on a panel-cache miss; the data's coverage and quality table are written
  // beside the panel then, and the event columns are released as the panel consumes them, so a full
  // big-matrix panel never holds both the events and the panel in memory.
  const loadForPanel = async () => {
    const data = await access.load(request, { cacheDir: ctx.cacheDir, log: ctx.log });
    writeDataSummary(ctx.cacheDir, dataKey, summaryOf(data, fingerprint, access.truth(request, archivePath)));
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
    const cached = readDataSummary(ctx.cacheDir, dataKey, fingerprint, ctx.log);
    if (cached) return cached;
    const data = await access.load(request, { cacheDir: ctx.cacheDir, log: ctx.log });
    const summary = summaryOf(data, fingerprint, access.truth(request, archivePath));
    writeDataSummary(ctx.cacheDir, dataKey, summary);
    return summary;
  });

  return { panel, dataSummary, dataKey };
}

/** The data's coverage and quality table (and a simulated archive's truth), cached beside the panel. */
function summaryOf(data: LoadedData, fingerprint: string, truth: unknown): DataSummary {
  return {
    fingerprint: data.contentFingerprint,
    coverage: data.coverage,
    quality: data.quality,
    source: data.source ? { matrix: data.source.matrix } : null,
    inventory: data.source ? inventoryOf(data) : null,
    truth,
    archive: fingerprint,
  };
}

/** Rows per table as loaded (events of the sampled users only), named as the source names them. */
function inventoryOf(data: LoadedData): NonNullable<DataSummary['inventory']> {
  const names = data.tableNames ?? {};
  const tables: Array<{ table: string; rows: number }> = [
    { table: `${data.source.matrix} events (sampled users)`, rows: data.events.length },
    { table: names.users ?? 'users', rows: data.users.length },
  ];
  if (data.items) tables.push({ table: names.items ?? 'items', rows: data.items.length });
  if (data.itemDaily) tables.push({ table: names.itemDaily ?? 'item days', rows: data.itemDaily.length });
  return { tables };
}

// 3: the summary carries the data inventory
const DATA_SUMMARY_FORMAT = 'causeway.data-summary/3';

function sha256Text(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function summaryFile(cacheDir: string, dataKey: string): string {
  return join(cacheDir, 'data-summaries', `${dataKey}.checked.json`); // `.checked`: files of the earlier unchecksummed format are not read
}

/**
 * A cached data summary, or null when absent or not trustworthy. The file holds the summary's JSON text
 * and its SHA-256 (as the result cache does, src/run/cache.ts): the coverage and quality numbers go into
 * results.json, so a damaged file must not be read as data. A damaged one is reported and rebuilt.
 * `archive` (the layout's fingerprint) ties the summary to the archive it was made from.
 */
function readDataSummary(cacheDir: string, dataKey: string, fingerprint: string, log: (message: string) => void): DataSummary | null {
  const file = summaryFile(cacheDir, dataKey);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null; // absent: built by the caller
  }
  try {
    const entry = JSON.parse(text) as { format?: unknown; checksum?: unknown; payload?: unknown };
    if (entry.format !== DATA_SUMMARY_FORMAT || typeof entry.payload !== 'string' || typeof entry.checksum !== 'string') throw new Error('not a data summary entry');
    if (sha256Text(entry.payload) !== entry.checksum) throw new Error('checksum mismatch');
    const cached = JSON.parse(entry.payload) as DataSummary;
    return cached.archive === fingerprint && typeof cached.fingerprint === 'string' ? cached : null;
  } catch (e) {
    log(`warning: data summary cache file ${file} is unreadable (${(e as Error).message}); rebuilding`);
    return null;
  }
}

function writeDataSummary(cacheDir: string, dataKey: string, summary: DataSummary): void {
  const file = summaryFile(cacheDir, dataKey);
  mkdirSync(join(cacheDir, 'data-summaries'), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const payload = JSON.stringify(summary);
  writeFileSync(temp, JSON.stringify({ format: DATA_SUMMARY_FORMAT, checksum: sha256Text(payload), payload }));
  renameSync(temp, file);
}
