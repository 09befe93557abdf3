/**
 * causeway's version, package.json's, read once: what `--version` prints (src/cli/bin.ts, src/cli/main.ts)
 * and what the cell and panel caches and the run manifest record (src/run/cache.ts, src/panel/cache.ts).
 * The path holds from a compiled module of any stage (dist/src/<stage>/) and from the bundle, which sits
 * at the same depth (dist/src/bundle/, scripts/bundle.mjs).
 */
import { readFileSync } from 'node:fs';

export const CAUSEWAY_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
