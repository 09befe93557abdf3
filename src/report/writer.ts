/**
 * The run directory: report.md, figures/, tables/, results.json, manifest.json, spec.resolved.yaml,
 * cells/<id>/ for grids, an artifact index, and the run-folder marker (src/report/run-folder.ts). `renderReport` re-renders the report,
 * figures and tables of an existing run from its results.json without recomputing anything.
 */
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative, resolve, sep } from 'node:path';
import { CausewayError } from '../errors.js';
import { CROSSFIT_FOLDS_FILE } from './crossfit.js';
import { specDefaults } from '../spec/defaults.js';
import { csvTable, type ReportTable } from './format.js';
import { assertSafeSegment, resolveInside, writeFileAtomic } from './files.js';
// in files.ts so `causeway run` names its folder without loading the report's modules before its cells have run
export { runDirectoryFor } from './files.js';
import { claimRunFolder, RUN_LOCK, RUN_MARKER } from './run-folder.js';
import { resultsValidator } from './results-validator.js';
import { buildReportModel, FIGURE_NAMES, type ReportModel } from './model.js';
import { RESULTS_SCHEMA_TAG, stableStringify, type CellResult, type Results } from '../results/index.js';
import { renderTemplate, resolveTemplate, type RenderedFigure, type TemplateRef } from './template.js';

export type FigureFormat = 'png' | 'svg';

export interface ManifestInfo {
  /** run id (folder name); informational */
  runId?: string;
  /** causeway version (defaults to results.causeway) */
  causeway?: string;
  /** archive fingerprint (defaults to results.data.fingerprint) */
  archiveFingerprint?: string;
  /** seconds per stage, e.g. { load: 1.2, panel: 0.4, estimate: 12.5, report: 2.1 } */
  timings?: Record<string, number>;
  warnings?: string[];
  startedAt?: string;
  finishedAt?: string;
  /** anything else the orchestrator wants recorded (kept as given) */
  extra?: Record<string, unknown>;
}

export interface WriteRunOptions {
  /** the resolved spec as YAML text (written to spec.resolved.yaml; hashed into the manifest) */
  specYaml: string;
  manifest?: ManifestInfo;
  /** template to render with (default: the spec's report.template resolved by the caller, else bundled) */
  template?: TemplateRef;
  /** figure formats (default ['png']) */
  figures?: FigureFormat[];
  /** write cells/<id>/ folders (default: when there is more than one cell) */
  cellFolders?: boolean;
  /** figure kinds drawn in each cell's report (default CELL_FIGURES; PNG only) */
  cellFigures?: readonly string[];
  /** crossfit_folds.csv text (crossfit.ts crossfitFoldsCsv); absent or null: no cross-fitted estimator, a stale copy is removed */
  crossfitFolds?: string | null;
}

export interface WrittenRun {
  runDir: string;
  reportPath: string;
  files: string[];
  /** milliseconds spent writing the report (figures included) */
  millis: number;
}

export interface Manifest {
  schema: 'causeway.manifest/1';
  causeway: string;
  node: string;
  runId: string | null;
  spec: { name: string; hash: string; resolvedSha256: string };
  archiveFingerprint: string;
  seed: number;
  template: { kind: 'default' } | { kind: 'file'; path: string };
  figures: FigureFormat[];
  timings: Record<string, number>;
  cells: Array<{ id: string; axes: Record<string, unknown>; status: string; reason?: string }>;
  warnings: string[];
  startedAt?: string;
  finishedAt?: string;
  extra?: Record<string, unknown>;
}


/** Validates a value against schemas/results.schema.json; throws CausewayError listing the first problems. */
export function validateResults(value: unknown): asserts value is Results {
  const schemaValidator = resultsValidator();
  if (!schemaValidator(value)) {
    const errors = (schemaValidator.errors as Array<{ instancePath: string; message?: string }>) ?? [];
    const text = errors.slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
    throw new CausewayError('RESULTS_INVALID', `results value does not match ${RESULTS_SCHEMA_TAG}: ${text}`);
  }
}

function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Every file under dir (relative, '/'-separated, sorted). */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      // the run folder's marker and lock are bookkeeping, not artifacts
      else if (!name.includes('.tmp-') && name !== RUN_MARKER && name !== RUN_LOCK && name !== RENDER_KEY) out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

/**
 * The report (figures, tables, report.md, cell folders) is a pure function of results.json, the
 * template, the figure settings and the cross-fitting folds file (results.json names causeway's version). Their hash is kept
 * beside the report, and a run whose hash is unchanged (a fully cached re-run) keeps the report it has
 * instead of drawing every figure again. `causeway report` always re-renders and drops the key.
 */
const RENDER_KEY = '.causeway-render';

function renderKey(resultsText: string, template: TemplateRef, formats: FigureFormat[], cellFolders: boolean, cellFigures: readonly string[], folds: string | undefined): string {
  const templateText = template.kind === 'file' ? readFileSync(template.path, 'utf8') : 'default';
  return sha256(JSON.stringify([sha256(resultsText), template, sha256(templateText), formats, cellFolders, cellFigures, folds === undefined ? null : sha256(folds)]));
}

/** Whether no cell of the run produced a result: the report then says the run failed, and nothing else. */
function noCellFinished(results: Results): boolean {
  return results.cells.length > 0 && results.cells.every((c) => c.status !== 'ok');
}

/**
 * The report of a run in which no cell finished: what failed and why, with the results.json that holds
 * the failures — no figures, tables or sections that would describe an analysis that did not run.
 */
function writeFailedReport(root: string, results: Results): string[] {
  for (const sub of ['figures', 'tables', 'cells']) rmSync(join(root, sub), { recursive: true, force: true });
  const oneLine = (s: string | undefined) => (s ?? 'no reason recorded').split('\n')[0]!.replace(/\|/g, '\\|');
  const lines = [
    `# ${results.spec.title ?? results.spec.name}`,
    '',
    `**This run failed: none of its ${results.cells.length} cell${results.cells.length === 1 ? '' : 's'} finished**, so there is no analysis to report. ` +
      'The reasons are below and in results.json; fix them and run the spec again (cells that finish are cached).',
    '',
    '| Cell | Status | Reason |',
    '| --- | --- | --- |',
    ...results.cells.map((c) => `| \`${c.id}\` | ${c.status} | ${oneLine(c.reason)} |`),
    '',
  ];
  writeFileAtomic(root, 'report.md', lines.join('\n'));
  return ['report.md'];
}

function artifactIndex(dir: string, pending: string[]): ReportTable {
  const files = new Set([...listFiles(dir), ...pending]);
  const rows: Array<{ artifact: string; type: string; size_bytes: number | null }> = [];
  // per-cell folders collapse to one row each so a large grid keeps the index readable
  const cellFolders = new Map<string, { files: number; bytes: number }>();
  for (const f of [...files].sort()) {
    const full = join(dir, f);
    const size = pending.includes(f) || !existsSync(full) ? null : statSync(full).size;
    const cellMatch = /^(cells\/[^/]+)\//.exec(f);
    if (cellMatch) {
      const agg = cellFolders.get(cellMatch[1]!) ?? { files: 0, bytes: 0 };
      agg.files += 1;
      agg.bytes += size ?? 0;
      cellFolders.set(cellMatch[1]!, agg);
      continue;
    }
    const dot = f.lastIndexOf('.');
    rows.push({ artifact: f, type: dot >= 0 ? f.slice(dot + 1) : '', size_bytes: size });
  }
  for (const [folder, agg] of cellFolders) rows.push({ artifact: `${folder}/`, type: `folder (${agg.files} files)`, size_bytes: agg.bytes });
  rows.sort((a, b) => (a.artifact < b.artifact ? -1 : a.artifact > b.artifact ? 1 : 0));
  return {
    id: 'artifact_index',
    title: 'Artifact index',
    columns: [
      { key: 'artifact', label: 'Artifact', format: 'code' },
      { key: 'type', label: 'Type' },
      { key: 'size_bytes', label: 'Size (bytes)', format: 'int' },
    ],
    rows,
  };
}

/** Figures drawn ahead of the oldest PNG still being encoded: libuv's thread pool has four threads. */
const ENCODING_AHEAD = 4;

/**
 * Draws the figures, writes tables and report.md for one report scope (the run, or one cell) into
 * `dir` (relative to the run directory root `root`). Returns the files written.
 * The figures' PNGs are encoded on libuv's thread pool (FigureOptions.encodeInBackground) while this
 * thread draws the next figures and writes the tables; they are written before the artifact index,
 * which lists their sizes.
 */
async function writeReportScope(root: string, dir: string, results: Results, model: ReportModel, template: TemplateRef, formats: FigureFormat[], extraPending: string[]): Promise<string[]> {
  const written: string[] = [];
  const at = (rel: string): string => (dir ? `${dir}/${rel}` : rel);
  const scopeDir = dir ? resolveInside(root, dir) : resolve(root);
  // stale figures/tables from a previous render would otherwise linger in the index
  for (const sub of ['figures', 'tables']) rmSync(join(scopeDir, sub), { recursive: true, force: true });
  const rendered: RenderedFigure[] = [];
  const pngs: Array<{ file: string; bytes: Buffer | Promise<Buffer> }> = [];
  try {
    for (const plan of model.figures) {
      assertSafeSegment(plan.file, 'figure name');
      // at most ENCODING_AHEAD canvases (about 10 MB each) wait for their encoder at a time
      if (pngs.length >= ENCODING_AHEAD) await pngs[pngs.length - ENCODING_AHEAD]!.bytes;
      const fig = plan.draw({ svg: formats.includes('svg'), encodeInBackground: true });
      pngs.push({ file: at(`figures/${plan.file}.png`), bytes: fig.encoding ?? fig.png });
      written.push(at(`figures/${plan.file}.png`));
      if (fig.svg !== undefined) {
        writeFileAtomic(root, at(`figures/${plan.file}.svg`), fig.svg);
        written.push(at(`figures/${plan.file}.svg`));
      }
      rendered.push({ file: plan.file, path: `figures/${plan.file}.png`, alt: fig.alt, title: plan.title });
    }
    for (const t of model.tables) {
      assertSafeSegment(t.id, 'table id');
      writeFileAtomic(root, at(`tables/${t.id}.csv`), csvTable(t));
      written.push(at(`tables/${t.id}.csv`));
    }
    const bytes = await Promise.all(pngs.map((p) => p.bytes));
    pngs.forEach((p, k) => writeFileAtomic(root, p.file, bytes[k]!));
  } catch (e) {
    // the other encodings still settle; none is left unhandled
    await Promise.allSettled(pngs.map((p) => p.bytes));
    throw e;
  }
  const index = artifactIndex(scopeDir, ['report.md', 'tables/artifact_index.csv', ...extraPending]);
  writeFileAtomic(root, at('tables/artifact_index.csv'), csvTable(index));
  written.push(at('tables/artifact_index.csv'));
  const text = renderTemplate({ model, figures: rendered, artifacts: index, template });
  writeFileAtomic(root, at('report.md'), text);
  written.push(at('report.md'));
  return written;
}

function figureFormats(results: Results, given?: FigureFormat[]): FigureFormat[] {
  const f = given ?? results.spec.report?.formats ?? specDefaults().formats;
  return f.includes('png') ? [...new Set(f)] : ['png', ...new Set(f)];
}

/**
 * Figures drawn for each grid cell's own report. A PNG costs ~0.1–0.2 s to encode, so cells get the
 * forest plot only, and none past CELL_FIGURE_LIMIT cells (their tables and report.md are still written);
 * the run report holds every figure.
 */
const CELL_FIGURES: readonly string[] = ['estimator_forest'];
const CELL_FIGURE_LIMIT = 30;

async function writeCellFolders(root: string, results: Results, template: TemplateRef, cellFigures: readonly string[]): Promise<string[]> {
  const written: string[] = [];
  rmSync(join(resolve(root), 'cells'), { recursive: true, force: true });
  for (const cell of results.cells) {
    assertSafeSegment(cell.id, 'cell id');
    const dir = `cells/${cell.id}`;
    const single: Results = { ...results, cells: [cell] };
    writeFileAtomic(root, `${dir}/results.json`, stableStringify(cell));
    written.push(`${dir}/results.json`);
    const wanted = results.spec.report?.figures;
    const allowed = results.cells.length > CELL_FIGURE_LIMIT && cellFigures === CELL_FIGURES ? [] : cellFigures;
    const figures = wanted ? allowed.filter((f) => wanted.includes(f)) : allowed;
    const model = buildReportModel(single, { cell, figures });
    written.push(...(await writeReportScope(root, dir, results, model, template, ['png'], [])));
  }
  return written;
}

/**
 * Writes a complete run directory. Validates the results value first (a schema violation is a bug
 * upstream and stops here rather than producing a report of wrong shape).
 */
export async function writeRunDirectory(runDir: string, results: Results, opts: WriteRunOptions): Promise<WrittenRun> {
  const t0 = performance.now();
  validateResults(results);
  const root = resolve(runDir);
  // figures/, tables/ and cells/ are replaced below: only in a folder causeway owns (src/report/run-folder.ts)
  claimRunFolder(root);
  const formats = figureFormats(results, opts.figures);
  const template = opts.template ?? resolveTemplate(results.spec.report?.template);
  const files: string[] = [];
  const resultsText = stableStringify(results);
  writeFileAtomic(root, 'results.json', resultsText);
  files.push('results.json');
  const specText = opts.specYaml.endsWith('\n') ? opts.specYaml : opts.specYaml + '\n';
  writeFileAtomic(root, 'spec.resolved.yaml', specText);
  files.push('spec.resolved.yaml');
  // beside results.json, not in tables/: `causeway report` rebuilds tables/ from results.json, which lacks the folds
  if (opts.crossfitFolds) {
    writeFileAtomic(root, CROSSFIT_FOLDS_FILE, opts.crossfitFolds);
    files.push(CROSSFIT_FOLDS_FILE);
  } else rmSync(join(root, CROSSFIT_FOLDS_FILE), { force: true });
  const m = opts.manifest ?? {};
  const manifest: Manifest = {
    schema: 'causeway.manifest/1',
    causeway: m.causeway ?? results.causeway,
    node: process.version,
    runId: m.runId ?? null,
    spec: { name: results.spec.name, hash: results.spec.hash, resolvedSha256: sha256(specText) },
    archiveFingerprint: m.archiveFingerprint ?? results.data.fingerprint,
    seed: results.spec.seed,
    template,
    figures: formats,
    timings: { ...(m.timings ?? {}) },
    cells: results.cells.map((c) => ({ id: c.id, axes: c.axes, status: c.status, ...(c.reason ? { reason: c.reason } : {}) })),
    warnings: [...results.warnings, ...(m.warnings ?? [])],
    ...(m.startedAt ? { startedAt: m.startedAt } : {}),
    ...(m.finishedAt ? { finishedAt: m.finishedAt } : {}),
    ...(m.extra ? { extra: m.extra } : {}),
  };
  const cellFolders = opts.cellFolders ?? results.cells.length > 1;
  const cellFigures = opts.cellFigures ?? CELL_FIGURES;
  const key = renderKey(resultsText, template, formats, cellFolders, cellFigures, opts.crossfitFolds ?? undefined);
  const keyFile = join(root, RENDER_KEY);
  if (existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key && existsSync(join(root, 'report.md'))) {
    // unchanged inputs: the report already in the folder is the one this run would draw
    for (const f of listFiles(root)) if (!files.includes(f) && f !== 'manifest.json') files.push(f);
  } else {
    rmSync(keyFile, { force: true });
    if (noCellFinished(results)) files.push(...writeFailedReport(root, results));
    else {
      if (cellFolders) files.push(...(await writeCellFolders(root, results, template, cellFigures)));
      // the manifest is written last among the data files, with the report's own time included
      const reportModel = buildReportModel(results);
      const scopeFiles = await writeReportScope(root, '', results, reportModel, template, formats, ['manifest.json']);
      files.push(...scopeFiles);
    }
    writeFileAtomic(root, RENDER_KEY, key);
  }
  manifest.timings.reportSeconds = Math.round(performance.now() - t0) / 1000;
  writeFileAtomic(root, 'manifest.json', stableStringify(manifest));
  files.push('manifest.json');
  return { runDir: root, reportPath: join(root, 'report.md'), files: files.sort(), millis: performance.now() - t0 };
}

function readJson(path: string, what: string): unknown {
  if (!existsSync(path)) throw new CausewayError('RUN_DIR_INVALID', `${what} not found`, { kind: 'path', path }, 'is this a causeway run directory?');
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CausewayError('RUN_DIR_INVALID', `${what} is not valid JSON: ${(e as Error).message}`, { kind: 'path', path });
  }
}

/** Reads and validates <runDir>/results.json. */
export function readResults(runDir: string): Results {
  const value = readJson(join(resolve(runDir), 'results.json'), 'results.json');
  if (typeof value === 'object' && value !== null && (value as { schema?: unknown }).schema !== RESULTS_SCHEMA_TAG) {
    throw new CausewayError('RESULTS_VERSION', `results.json has schema ${JSON.stringify((value as { schema?: unknown }).schema)}, this causeway reads ${RESULTS_SCHEMA_TAG}`, { kind: 'path', path: join(runDir, 'results.json') });
  }
  validateResults(value);
  return value;
}

export interface RenderOptions {
  /** a template file (path) or 'default'; default: the template recorded in manifest.json */
  template?: string | TemplateRef;
  figures?: FigureFormat[];
  cellFigures?: readonly string[];
}

/**
 * Re-renders report.md, figures/ and tables/ (and cells/<id>/ reports) of an existing run from its
 * results.json. Nothing is recomputed; results.json, manifest.json and spec.resolved.yaml are untouched.
 */
export async function renderReport(runDir: string, opts: RenderOptions = {}): Promise<WrittenRun> {
  const t0 = performance.now();
  const root = resolve(runDir);
  const results = readResults(root);
  claimRunFolder(root, 'run folder');
  const manifestPath = join(root, 'manifest.json');
  const manifest = existsSync(manifestPath) ? (readJson(manifestPath, 'manifest.json') as Partial<Manifest>) : {};
  let template: TemplateRef;
  if (typeof opts.template === 'string') template = resolveTemplate(opts.template);
  else if (opts.template) template = opts.template;
  else {
    const recorded = manifest.template;
    template = recorded && recorded.kind === 'file' && typeof recorded.path === 'string' ? resolveTemplate(recorded.path) : { kind: 'default' };
  }
  const formats = figureFormats(results, opts.figures ?? (Array.isArray(manifest.figures) ? manifest.figures : undefined));
  const files: string[] = [];
  rmSync(join(root, RENDER_KEY), { force: true }); // a re-render under another template must not be taken for the run's own
  if (existsSync(join(root, 'cells')) || results.cells.length > 1) files.push(...(await writeCellFolders(root, results, template, opts.cellFigures ?? CELL_FIGURES)));
  if (noCellFinished(results)) files.push(...writeFailedReport(root, results));
  else files.push(...(await writeReportScope(root, '', results, buildReportModel(results), template, formats, ['manifest.json'])));
  return { runDir: root, reportPath: join(root, 'report.md'), files: files.sort(), millis: performance.now() - t0 };
}

export { FIGURE_NAMES };
export type { CellResult };
