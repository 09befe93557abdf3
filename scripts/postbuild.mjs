// Makes the compiled CLI executable (tsc does not keep file modes), and writes the validators of our own
// JSON Schemas as standalone modules (ajv's generated code, made here at build time so that commands do
// not compile a schema at start-up): the spec schema's (src/spec/load.ts) and the results schema's
// (src/report/results-validator.ts: every run that writes a report validates its results). Each module
// is stamped with its schema file's hash; src/spec/prebuilt-validator.ts loads it only when that matches,
// and the schema is compiled at run time otherwise.
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
const bin = new URL('../dist/src/cli/bin.js', import.meta.url);
if (existsSync(bin)) chmodSync(bin, 0o755);

/** Writes `schema`'s standalone validator as `prebuilt` beside the compiled module `dir/<module>`, whose `makeAjv` sets ajv up for it. */
async function writeStandalone({ dir, module, makeAjv, prebuilt, schema }) {
  const compiled = new URL(`../dist/src/${dir}/${module}`, import.meta.url);
  if (!existsSync(compiled)) return;
  const exports = await import(compiled.href);
  const { schemaFileHash } = await import(new URL('../dist/src/spec/prebuilt-validator.js', import.meta.url).href);
  const { default: standaloneCode } = await import('ajv/dist/standalone/index.js');
  const text = readFileSync(new URL(`../schemas/${schema}`, import.meta.url));
  const ajv = exports[makeAjv]({ code: { source: true } });
  const validate = ajv.compile(JSON.parse(text.toString('utf8')));
  const code = `/* Generated from schemas/${schema} by scripts/postbuild.mjs (ajv standalone). Do not edit. */\n`
    + standaloneCode(ajv, validate) + `\nmodule.exports.schemaHash = ${JSON.stringify(schemaFileHash(text))};\n`;
  const out = new URL(`../dist/src/${dir}/${exports[prebuilt]}`, import.meta.url);
  writeFileSync(`${out.pathname}.tmp`, code);
  renameSync(`${out.pathname}.tmp`, out);
}

await writeStandalone({ dir: 'spec', module: 'load.js', makeAjv: 'specAjv', prebuilt: 'PREBUILT_VALIDATOR', schema: 'causeway.schema.json' });
await writeStandalone({ dir: 'report', module: 'results-validator.js', makeAjv: 'resultsAjv', prebuilt: 'PREBUILT_RESULTS_VALIDATOR', schema: 'results.schema.json' });

// The default report template and its partials, precompiled (Handlebars.precompile's code, made here at build
// time) so that a run's report does not compile them; stamped with the templates' hash (src/report/template.ts).
{
  const compiled = new URL('../dist/src/report/template.js', import.meta.url);
  if (existsSync(compiled)) {
    const { precompiledDefaultTemplate, PREBUILT_TEMPLATE } = await import(compiled.href);
    const out = new URL(`../dist/src/report/${PREBUILT_TEMPLATE}`, import.meta.url);
    writeFileSync(`${out.pathname}.tmp`, precompiledDefaultTemplate());
    renameSync(`${out.pathname}.tmp`, out);
  }
}
