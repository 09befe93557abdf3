/**
 * The validator of schemas/results.schema.json: the build's standalone module when it was made from the
 * schema file as it is (src/spec/prebuilt-validator.ts), else the schema compiled here; ajv is loaded
 * only in that fallback.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv2020, Options } from 'ajv/dist/2020.js';
import { loadPrebuiltValidator, schemaFileHash } from '../spec/prebuilt-validator.js';

export type ResultsValidator = ((v: unknown) => boolean) & { errors?: unknown };

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const resultsSchemaPath = resolve(projectRoot, 'schemas', 'results.schema.json');

/** The results schema's validator options: the runtime compile and the build's standalone module share them. */
export const RESULTS_AJV_OPTIONS: Options = { allErrors: true, strict: true, allowUnionTypes: true };

/** An ajv instance set up for the results schema. */
export function resultsAjv(extra: Options = {}): Ajv2020 {
  const require = createRequire(import.meta.url);
  const { Ajv2020: AjvClass } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  return new AjvClass({ ...RESULTS_AJV_OPTIONS, ...extra });
}

export function resultsSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(resultsSchemaPath, 'utf8')) as Record<string, unknown>;
}

/** sha-256 of the schema file's bytes: ties the build's standalone validator to the schema it was made from. */
export function resultsSchemaHash(text: Buffer | string = readFileSync(resultsSchemaPath)): string {
  return schemaFileHash(text);
}

/** The build's validator module (scripts/postbuild.mjs), written beside this file. */
export const PREBUILT_RESULTS_VALIDATOR = 'results-validator.generated.cjs';

let compiled: ResultsValidator | null = null;
/** The results validator: the build's standalone module when current, else the schema compiled once. */
export function resultsValidator(): ResultsValidator {
  if (!compiled) {
    compiled = loadPrebuiltValidator(fileURLToPath(new URL(PREBUILT_RESULTS_VALIDATOR, import.meta.url)), resultsSchemaPath)
      ?? (resultsAjv().compile(resultsSchema()) as unknown as ResultsValidator);
  }
  return compiled;
}
