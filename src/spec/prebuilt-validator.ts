/**
 * JSON Schema validators made at build time: scripts/postbuild.mjs writes ajv's standalone code for a
 * schema of ours into dist/, stamped with the sha-256 of the schema file it was made from, so that a
 * command does not compile the schema at start-up (it took most of `causeway validate`'s time and
 * 0.3–0.7 CPU s of every run that validates its results). The spec schema (src/spec/load.ts) and the
 * results schema (src/report/results-validator.ts) load theirs here; a missing or stale module means
 * the caller compiles the schema itself.
 *
 * Each generated module is loaded with the V8 code cache the build wrote beside it (requireGenerated):
 * compiling the 0.5 MB spec validator and its first call took about 35 ms of a fresh process, 15 ms
 * from the cache (docs/performance-notes.md, Start-up and cached re-runs).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import type { ValidateFunction } from 'ajv/dist/2020.js';

/** sha-256 of a schema file's bytes: ties a standalone validator to the schema it was made from. */
export function schemaFileHash(text: Buffer | string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A module scripts/postbuild.mjs generated at `modulePath`, when its `stamp` field equals `expected` (the
 * hash of the sources it was made from); null when it is missing or stale. Also loads the precompiled
 * report template (src/report/template.ts).
 */
export function loadStampedModule<T>(modulePath: string, stamp: string, expected: string): T | null {
  if (!existsSync(modulePath)) return null;
  const mod = requireGenerated(modulePath) as T & Record<string, unknown>;
  return mod[stamp] === expected ? mod : null;
}

/** The build's validator module at `modulePath` when it was made from the schema file now at `schemaPath`, else null. */
export function loadPrebuiltValidator(modulePath: string, schemaPath: string): ValidateFunction | null {
  return loadStampedModule<ValidateFunction>(modulePath, 'schemaHash', schemaFileHash(readFileSync(schemaPath)));
}

/**
 * A code cache file: the sha-256 of the module source it was made from (V8 checks only the source's
 * length, and runs a same-length stale source's old code), the sha-256 of the cached data (V8 does not
 * check it: damaged bytes crashed Node 20 or were taken), then V8's cached data.
 */
const DIGEST_BYTES = 32;
const CACHE_HEADER_BYTES = 2 * DIGEST_BYTES;
/** The code cache of a generated module sits beside it under this suffix (scripts/postbuild.mjs writes it). */
export const CODE_CACHE_SUFFIX = '.v8cache';

/** A CommonJS module's source as the function Node's loader wraps it in; the build's code cache is made of the same text. */
function wrapCommonJs(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
}

/** sha-256 of bytes; of a string, of its UTF-8 bytes (a module file's). */
const digest = (bytes: string | Buffer): Buffer => createHash('sha256').update(bytes).digest();

/** A code cache file's bytes for `script`, compiled from wrapCommonJs(`source`) and run (functions compiled by then are in it). */
export function codeCacheBytes(source: string, script: Script): Buffer {
  const data = script.createCachedData();
  return Buffer.concat([digest(source), digest(data), data]);
}

/** Compiles and runs a CommonJS module's source, with V8's cached data when given; returns its exports and the script. */
export function evaluateCommonJs(modulePath: string, source: string, cachedData?: Buffer): { exports: unknown; script: Script } {
  const script = new Script(wrapCommonJs(source), { filename: modulePath, cachedData });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(modulePath), module, modulePath, dirname(modulePath));
  return { exports: module.exports, script };
}

/**
 * How a generated module was loaded: with its code cache, or compiled because the cache was absent, made
 * from another source, damaged, or refused by V8 (another version or other flags).
 */
export type CodeCacheUse = 'used' | 'absent' | 'stale' | 'damaged' | 'rejected';

/**
 * Loads a generated CommonJS module, with its code cache (CODE_CACHE_SUFFIX) when the cache was made
 * from this very source and is whole; without such a cache, as `require` loads it.
 */
export function loadGeneratedModule(modulePath: string): { exports: unknown; cache: CodeCacheUse } {
  const cachePath = modulePath + CODE_CACHE_SUFFIX;
  if (!existsSync(cachePath)) return { exports: createRequire(import.meta.url)(modulePath), cache: 'absent' };
  const bytes = readFileSync(modulePath);
  const cache = readFileSync(cachePath);
  const data = cache.subarray(CACHE_HEADER_BYTES);
  const problem: CodeCacheUse | null =
    cache.length <= CACHE_HEADER_BYTES || !digest(bytes).equals(cache.subarray(0, DIGEST_BYTES)) ? 'stale'
    : !digest(data).equals(cache.subarray(DIGEST_BYTES, CACHE_HEADER_BYTES)) ? 'damaged'
    : null;
  if (problem) return { exports: createRequire(import.meta.url)(modulePath), cache: problem };
  const { exports, script } = evaluateCommonJs(modulePath, bytes.toString('utf8'), data);
  return { exports, cache: script.cachedDataRejected ? 'rejected' : 'used' };
}

const loaded = new Map<string, unknown>();

/** A generated module's exports (loadGeneratedModule), loaded once per process like `require`'s. */
export function requireGenerated(modulePath: string): unknown {
  if (!loaded.has(modulePath)) loaded.set(modulePath, loadGeneratedModule(modulePath).exports);
  return loaded.get(modulePath);
}
