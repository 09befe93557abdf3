/**
 * JSON Schema validators made at build time: scripts/postbuild.mjs writes ajv's standalone code for a
 * schema of ours into dist/, stamped with the sha-256 of the schema file it was made from, so that a
 * command does not compile the schema at start-up (it took most of `causeway validate`'s time and
 * 0.3–0.7 CPU s of every run that validates its results). The spec schema (src/spec/load.ts) and the
 * results schema (src/report/results-validator.ts) load theirs here; a missing or stale module means
 * the caller compiles the schema itself.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
  const mod = createRequire(import.meta.url)(modulePath) as T & Record<string, unknown>;
  return mod[stamp] === expected ? mod : null;
}

/** The build's validator module at `modulePath` when it was made from the schema file now at `schemaPath`, else null. */
export function loadPrebuiltValidator(modulePath: string, schemaPath: string): ValidateFunction | null {
  return loadStampedModule<ValidateFunction>(modulePath, 'schemaHash', schemaFileHash(readFileSync(schemaPath)));
}
