/**
 * The kuairec source (`data.source: kuairec | synthetic`): the KuaiRec archive in its three layouts, or
 * the simulator's archives (the embedded demo when `path` is absent). Its columns are fixed by the
 * layout (columns.ts), so expressions are checked before the archive is opened; what a cell reads (the
 * side tables and item-day columns its expressions name) is decided here from the panel's needs.
 * The reader, the archive code and the simulator are imported when a run first needs them: `validate`
 * and `plan` read no archive (docs/performance-notes.md, Start-up and cached re-runs).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CausewayError } from '../../errors.js';
import type { KuaiRecData } from '../../spec/types.generated.js';
import { specDefaults } from '../../spec/defaults.js';
import type { ArchiveAccess, DataSource, PanelNeeds, SourceContext } from '../source-types.js';
import { AVERAGE_FALLBACKS, ITEM_CATEGORY_COLUMNS, kuairecSchema } from './columns.js';
import type { DataRequest } from './load.js';

const ensureDemoArchive: typeof import('./demo.js').ensureDemoArchive = async (...args) => (await import('./demo.js')).ensureDemoArchive(...args);
const archiveFingerprint: typeof import('./archive.js').archiveFingerprint = async (path) => (await import('./archive.js')).archiveFingerprint(path);
const loadData: typeof import('./load.js').loadData = async (...args) => (await import('./load.js')).loadData(...args);

async function kuairecPath(config: KuaiRecData, ctx: SourceContext): Promise<string> {
  if (config.path) return resolve(ctx.baseDir, config.path);
  return (await ensureDemoArchive(ctx.cacheDir, ctx.log)).archive;
}

/**
 * The reader's request for a panel's needs: user_features always, item_categories for item.first_category
 * and item.category_count, item_daily_features with the averaged columns (and each one's stand-in,
 * columns.ts AVERAGE_FALLBACKS), besides what the spec lists itself.
 */
export function kuairecRequest(config: KuaiRecData, baseDir: string, needs: PanelNeeds): DataRequest {
  const tables = new Set([...(config.tables ?? []), 'user_features']);
  if (needs.itemColumns.some((c) => (ITEM_CATEGORY_COLUMNS as readonly string[]).includes(c))) tables.add('item_categories');
  const itemDaily = new Set([...(config.item_daily_columns ?? []), ...needs.itemDailyColumns]);
  for (const c of needs.itemDailyColumns) if (AVERAGE_FALLBACKS[c]) itemDaily.add(AVERAGE_FALLBACKS[c]);
  if (needs.itemDailyColumns.length > 0) tables.add('item_daily_features');
  return {
    source: config.source,
    path: config.path ? resolve(baseDir, config.path) : undefined,
    matrix: config.matrix ?? specDefaults().matrix,
    sample: { modulus: config.sample?.modulus ?? 1, remainder: config.sample?.remainder ?? 0 },
    tables: [...tables].sort(),
    itemDailyColumns: [...itemDaily].sort(),
    missingTime: config.missing_time ?? 'drop',
    ...(needs.eventColumns ? { eventColumns: [...needs.eventColumns].sort() } : {}),
  };
}

const archive: ArchiveAccess<KuaiRecData, DataRequest> = {
  request: kuairecRequest,
  locate: async (request, cacheDir, log) => request.path ?? (await ensureDemoArchive(cacheDir, log)).archive,
  fingerprint: archiveFingerprint,
  selection: (r) => ({ matrix: r.matrix, sample: r.sample, missingTime: r.missingTime, tables: r.tables, itemDailyColumns: r.itemDailyColumns }),
  load: (request, opts) => loadData(request, opts),
  truth(request, path) {
    if (request.source !== 'synthetic') return null;
    try {
      return JSON.parse(readFileSync(join(path, '..', 'truth.json'), 'utf8'));
    } catch {
      return null;
    }
  },
};

/** The KuaiRec archive (three layouts) and the simulator's archives. */
export const kuairecSource: DataSource<KuaiRecData> = {
  names: ['kuairec', 'synthetic'],
  shape: 'events',
  async describe() {
    return { shape: 'events', schema: kuairecSchema() };
  },
  schema: kuairecSchema,
  // A data.path that does not exist is reported at its line by validate, before any run starts.
  async checkFiles(config, ctx) {
    if (typeof config.path !== 'string' || config.path === '') return;
    if (!existsSync(resolve(ctx.baseDir, config.path))) throw new CausewayError('DATA_MISSING_ARCHIVE', `data.path ${config.path} does not exist`, ctx.at('/data/path'));
  },
  async fingerprint(config, ctx) {
    return archiveFingerprint(await kuairecPath(config, ctx));
  },
  async load(config, ctx) {
    const path = await kuairecPath(config, ctx);
    const request = kuairecRequest(config, ctx.baseDir, { itemColumns: [], itemDailyColumns: [] });
    return loadData({ ...request, path }, { cacheDir: ctx.cacheDir, log: ctx.log });
  },
  async prepare(config, ctx) {
    // The embedded demo archive is generated once, before the workers that read it start.
    if (config.source === 'synthetic' && !config.path) await ensureDemoArchive(ctx.cacheDir, ctx.log);
  },
  archive: archive as unknown as ArchiveAccess<KuaiRecData>,
};
