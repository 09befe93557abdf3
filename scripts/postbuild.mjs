// Makes the compiled CLI executable (tsc does not keep file modes), and writes the spec schema's
// validator as a standalone module (ajv's generated code for our own schema, made here at build time
// so that `causeway validate` does not compile the schema at start-up; src/spec/load.ts loads it when
// its schema hash matches schemas/causeway.schema.json, and compiles the schema itself otherwise).
// The results schema's validator likewise (src/report/results-validator.ts: every run that writes a
// report validates its results).
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
const bin = new URL('../dist/src/cli/bin.js', import.meta.url);
if (existsSync(bin)) chmodSync(bin, 0o755);

const load = new URL('../dist/src/spec/load.js', import.meta.url);
if (existsSync(load)) {
  const { specAjv, specSchemaHash, PREBUILT_VALIDATOR } = await import(load.href);
  const { default: standaloneCode } = await import('ajv/dist/standalone/index.js');
  const text = readFileSync(new URL('../schemas/causeway.schema.json', import.meta.url));
  const ajv = specAjv({ code: { source: true } });
  const validate = ajv.compile(JSON.parse(text.toString('utf8')));
  const code = `/* Generated from schemas/causeway.schema.json by scripts/postbuild.mjs (ajv standalone). Do not edit. */\n`
    + standaloneCode(ajv, validate) + `\nmodule.exports.schemaHash = ${JSON.stringify(specSchemaHash(text))};\n`;
  const out = new URL(`../dist/src/spec/${PREBUILT_VALIDATOR}`, import.meta.url);
  writeFileSync(`${out.pathname}.tmp`, code);
  renameSync(`${out.pathname}.tmp`, out);
}

const results = new URL('../dist/src/report/results-validator.js', import.meta.url);
if (existsSync(results)) {
  const { resultsAjv, resultsSchemaHash, PREBUILT_RESULTS_VALIDATOR } = await import(results.href);
  const { default: standaloneCode } = await import('ajv/dist/standalone/index.js');
  const text = readFileSync(new URL('../schemas/results.schema.json', import.meta.url));
  const ajv = resultsAjv({ code: { source: true } });
  const validate = ajv.compile(JSON.parse(text.toString('utf8')));
  const code = `/* Generated from schemas/results.schema.json by scripts/postbuild.mjs (ajv standalone). Do not edit. */\n`
    + standaloneCode(ajv, validate) + `\nmodule.exports.schemaHash = ${JSON.stringify(resultsSchemaHash(text))};\n`;
  const out = new URL(`../dist/src/report/${PREBUILT_RESULTS_VALIDATOR}`, import.meta.url);
  writeFileSync(`${out.pathname}.tmp`, code);
  renameSync(`${out.pathname}.tmp`, out);
}
