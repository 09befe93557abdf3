/**
 * `causeway frame`: the analysis frame of one cell as a CSV or Parquet file, so the design can be
 * re-checked in R or Python: unit, cluster, day (where there is a calendar), A, M, Y, secondary
 * outcomes, the covariates as named in the spec (raw; categorical ones as their text) and as encoded
 * for the models (`x:` + the design-matrix column name), the cell's diagnostic logistic propensity
 * with its unclipped inverse-probability weight, and each estimator's own propensity and weights where it
 * computed them (`propensity:<id>`, `weight:<id>`). Built exactly as `causeway run` builds it.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { CausewayError } from '../errors.js';
import type { SourceMap } from '../spec/source.js';
import { defaultCacheDir } from './cache.js';
import { connect, sqlString } from '../data/duckdb/engine.js';
import { isFileSource } from '../data/source.js';
import type { UnitTable } from '../data/duckdb/table.js';
import { userKeysOf, type EventsConfig } from '../data/duckdb/events.js';
import { evaluateRows, type Panel } from '../panel/index.js';
import { buildFrame } from '../frame/index.js';
import { makeLearner, resolveModel } from '../estimate/learners.js';
import { recordWeights } from '../estimate/env.js';
import { kindInfo } from '../estimate/kinds/index.js';
import { runEstimatorWithRows } from '../estimate/runner.js';
import type { EstimatorSpec } from '../estimate/types.js';
import { Rng } from '../rng.js';
import { checkSourceRows, compileCell, dataConfigKey } from './compile.js';
import { checkSpecOrThrow } from './check-spec.js';
import { SharedWork, type RunCellContext } from './engine.js';
import { archivePanel } from './cell.js';
import { fileSourcePanel } from './source-panel.js';

interface FrameExportOptions { cell?: string; out: string; cacheDir?: string; log?: (msg: string) => void }

function globToRegex(pattern: string): RegExp {
  return new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
}

function csvCell(v: string | number): string {
  if (typeof v === 'number') return Number.isNaN(v) ? '' : String(v);
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

type FrameColumn = { name: string; values: (i: number) => string | number };

/**
 * Each estimator's own propensity (`propensity:<id>`) and weights (`weight:<id>`), as `causeway run` computes
 * them: the entry is run once without the bootstrap, and what it asked the frame's weight cache for
 * (src/estimate/env.ts recordWeights: a propensity fit, clipped, stabilized and capped weights) or, for an
 * entry that fits its own (AIPW's point and cross-fitted forms), the propensities its scores used are
 * written. An entry that failed writes none.
 */
function estimatorWeights(estimators: EstimatorSpec[], frame: Parameters<typeof recordWeights>[0], ctx: { seed: number; cellId: string; models: Record<string, unknown> }): FrameColumn[] {
  const out: FrameColumn[] = [];
  for (const spec of estimators) {
    const { id: _id, kind: _kind, ...opts } = spec;
    if (!kindInfo(spec.kind).nuisances(opts).includes('propensity')) continue;
    const { result: { result, propensity: own }, asked } = recordWeights(frame, () => runEstimatorWithRows(spec, frame, { ...ctx, bootstrap: undefined } as Parameters<typeof runEstimatorWithRows>[2]));
    if (result.status !== 'ok') continue;
    const weighting = asked.filter((a) => a.key.startsWith('ipw:')).at(-1);
    const e = own ?? (weighting ?? asked.at(-1))?.weights.propensity;
    if (e) out.push({ name: `propensity:${spec.id}`, values: (i) => e[i] });
    const w = weighting?.weights.w;
    if (w) out.push({ name: `weight:${spec.id}`, values: (i) => w[i] });
  }
  return out;
}

export async function exportFrame(specFile: string, opts: FrameExportOptions): Promise<{ file: string; rows: number; columns: number; cell: string }> {
  const out = resolve(opts.out);
  const format = extname(out).toLowerCase() === '.parquet' ? 'parquet' : extname(out).toLowerCase() === '.csv' ? 'csv' : null;
  if (!format) throw new CausewayError('FRAME_BAD_OUT', `--out must end in .csv or .parquet (got ${opts.out})`, { kind: 'path', path: out });
  const { loaded, plan, described } = await checkSpecOrThrow(specFile);
  await checkSourceRows(loaded, plan);
  const cell = opts.cell ? plan.cells.find((c) => c.id === opts.cell || c.id.startsWith(opts.cell!)) : plan.cells.find((c) => plan.specHash.startsWith(c.id)) ?? plan.cells[0];
  if (!cell) {
    throw new CausewayError('FRAME_UNKNOWN_CELL', `no cell ${opts.cell} in the plan (cells: ${plan.cells.map((c) => c.id).join(', ')})`, { kind: 'path', path: specFile });
  }
  const ctx: RunCellContext = { specPath: loaded.path, baseDir: loaded.baseDir, source: loaded.source, cacheDir: opts.cacheDir ?? defaultCacheDir(), log: opts.log ?? (() => {}), shared: new SharedWork() };
  const compiled = compileCell(cell.spec, loaded.source, loaded.baseDir, described.get(dataConfigKey(cell.spec)));
  const { panel } = isFileSource(cell.spec.data) ? await fileSourcePanel(cell.spec, compiled, loaded.source as SourceMap, ctx) : await archivePanel(compiled, ctx);
  const mask = compiled.population ? evaluateRows(compiled.population, panel.table) : null;
  const frame = buildFrame(panel, { ...compiled.frame, population: mask });

  const columns: Array<{ name: string; values: (i: number) => string | number }> = [];
  const userKeys = cell.spec.data.source === 'events' ? await userKeysOf(cell.spec.data as unknown as EventsConfig, loaded.baseDir, () => ({ kind: 'none' })) : null;
  const units = (panel as Partial<UnitTable>).unitIds ?? (userKeys ? Array.from(panel.userId, (id) => userKeys[id]) : undefined);
  const row = (i: number) => frame.rows[i];
  columns.push(units ? { name: 'unit', values: (i) => units[row(i)] } : { name: 'user_id', values: (i) => panel.userId[row(i)] });
  columns.push({ name: 'cluster', values: (i) => frame.cluster[i] });
  if (panel.dates.length > 0) columns.push({ name: 'date', values: (i) => (panel as Panel).dates[panel.dayIndex[row(i)]] });
  columns.push({ name: 'A', values: (i) => frame.A[i] });
  if (frame.M) columns.push({ name: 'M', values: (i) => frame.M![i] });
  columns.push({ name: 'Y', values: (i) => frame.Y[i] });
  for (const [name, values] of Object.entries(frame.secondary)) columns.push({ name: `Y:${name}`, values: (i) => values[i] });
  const named = (list: string[] | undefined, pool: string[]) => {
    const outNames: string[] = [];
    for (const p of list ?? []) for (const c of pool) if (globToRegex(p).test(c) && !outNames.includes(c)) outNames.push(c);
    return outNames;
  };
  for (const name of named(compiled.frame.covariates.numeric, Object.keys(panel.table.numeric))) {
    const v = panel.table.numeric[name];
    columns.push({ name, values: (i) => v[row(i)] });
  }
  for (const name of named(compiled.frame.covariates.categorical, [...Object.keys(panel.table.categorical), ...Object.keys(panel.table.numeric)])) {
    const cat = panel.table.categorical[name];
    const num = panel.table.numeric[name];
    columns.push({ name, values: (i) => (cat ? (cat.codes[row(i)] >= 0 ? cat.levels[cat.codes[row(i)]] : '') : num[row(i)]) });
  }
  const X = frame.X;
  X.names.forEach((name, j) => columns.push({ name: `x:${name}`, values: (i) => X.data[j * X.rows + i] }));
  // The cell's diagnostic propensity (the model and random stream behind the report's overlap figure,
  // src/run/cell.ts) and its unclipped inverse-probability weight; each estimator's own follow.
  let treated = 0;
  for (let i = 0; i < frame.n; i++) treated += frame.A[i];
  if (treated > 0 && treated < frame.n) {
    const seed = cell.spec.seed ?? 20200705;
    const learner = makeLearner(resolveModel('logistic', compiled.models, 'logistic'), new Rng(seed, cell.id, 'cell-propensity'));
    const p = learner.fit(frame.X, frame.A).predict(frame.X);
    columns.push({ name: 'propensity', values: (i) => p[i] });
    columns.push({ name: 'ipw_weight', values: (i) => (frame.A[i] === 1 ? 1 / p[i] : 1 / (1 - p[i])) });
    columns.push(...estimatorWeights(compiled.analysis.estimators, frame, { seed: compiled.analysis.seed, cellId: cell.id, models: compiled.analysis.models }));
  }

  const lines = [columns.map((c) => csvCell(c.name)).join(',')];
  for (let i = 0; i < frame.n; i++) lines.push(columns.map((c) => csvCell(c.values(i))).join(','));
  const temp = join(dirname(out), `.${Date.now()}.${process.pid}.frame.csv`);
  try {
    writeFileSync(temp, lines.join('\n') + '\n');
    if (format === 'csv') renameSync(temp, out);
    else {
      const parquetTemp = `${temp}.parquet`;
      const con = await connect(dirname(out));
      try {
        const types = columns.map((c) => `${sqlString(c.name)}: '${frame.n > 0 && typeof c.values(0) === 'string' ? 'VARCHAR' : 'DOUBLE'}'`).join(', ');
        await con.run(`COPY (SELECT * FROM read_csv(${sqlString(temp)}, header = true, columns = {${types}}, nullstr = '')) TO ${sqlString(parquetTemp)} (FORMAT parquet)`);
      } finally {
        con.closeSync();
      }
      renameSync(parquetTemp, out);
    }
  } finally {
    rmSync(temp, { force: true });
  }
  return { file: out, rows: frame.n, columns: columns.length, cell: cell.id };
}
