/** The kuairec source's public face: the reader, the archive layouts, the demo archive and the simulator. */
export { loadData, withKuaiRecLayout, archiveFingerprint, openArchive, ensureDemoArchive, defaultCacheDir, type DataRequest, type KuaiRecLoaded, type LoadOptions, type SideTable } from './load.js';
export type { Archive, ArchiveLayout } from './archive.js';
export { synthesize, SIM_VERSION, MODEL, type SynthOptions, type SynthResult, type Truth, type TruthOutcome } from './simulate/index.js';
export { kuairecSchema, ITEM_KEY } from './columns.js';
export { kuairecSource, kuairecRequest } from './source.js';
