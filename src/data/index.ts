/**
 * data/ → panel/: the sources (src/data/source.ts, one list) and the values they hand on
 * (docs/CONTRACTS.md). The KuaiRec reader and simulator are one source among them (src/data/kuairec/).
 */
export { sortEvents, type LoadedData, type QualityRow } from './loaded.js';
export { schemaOfData, type DataSchema } from './schema.js';
export { sourceOf, isFileSource, type DataSource, type SourceContext, type SourceDescription } from './source.js';
export { loadData, archiveFingerprint, ensureDemoArchive, defaultCacheDir, synthesize, type DataRequest, type KuaiRecLoaded } from './kuairec/index.js';
