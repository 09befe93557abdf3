// Makes the compiled CLI executable (tsc does not keep file modes), and writes the validators of our own
// JSON Schemas as standalone modules (ajv's generated code, made here at build time so that commands do
// not compile a schema at start-up): the spec schema's (src/spec/load.ts) and the results schema's
// (src/report/results-validator.ts: every run that writes a report validates its results). Each module
// is stamped with its schema file's hash; src/spec/prebuilt-validator.ts loads it only when that matches,
// and the schema is compiled at run time otherwise. Beside each generated module goes its V8 code cache,
// made after a first call so that it holds the functions a command runs (requireGenerated in
// src/spec/prebuilt-validator.ts; V8 compiles anew if the cache is for another Node).
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
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
  return out.pathname;
}

/** Writes the code cache of the generated module at `path` after `warmUp` has called into its exports. */
async function writeCodeCache(path, warmUp = () => {}) {
  const { evaluateCommonJs, codeCacheBytes, CODE_CACHE_SUFFIX } = await import(new URL('../dist/src/spec/prebuilt-validator.js', import.meta.url).href);
  const source = readFileSync(path, 'utf8');
  const { exports, script } = evaluateCommonJs(path, source);
  warmUp(exports);
  writeFileSync(`${path}${CODE_CACHE_SUFFIX}.tmp`, codeCacheBytes(source, script));
  renameSync(`${path}${CODE_CACHE_SUFFIX}.tmp`, `${path}${CODE_CACHE_SUFFIX}`);
}

/** The golden examples' results.json documents (absent outside a clone of the repository: then an empty one). */
function goldenResults() {
  const dir = new URL('../test/examples/', import.meta.url);
  if (!existsSync(dir)) return [{}];
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = new URL(`${entry.name}/results.json`, dir);
    if (entry.isDirectory() && existsSync(file)) out.push(JSON.parse(readFileSync(file, 'utf8')));
  }
  return out.length > 0 ? out : [{}];
}

/** The shipped specs' documents, to call the spec validator on before its code cache is made. */
function shippedSpecs(dir = new URL('../specs/', import.meta.url)) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) out.push(...shippedSpecs(new URL(`${entry.name}/`, dir)));
    else if (entry.name.endsWith('.yaml')) out.push(parse(readFileSync(new URL(entry.name, dir), 'utf8')));
  }
  return out;
}

const specValidatorPath = await writeStandalone({ dir: 'spec', module: 'load.js', makeAjv: 'specAjv', prebuilt: 'PREBUILT_VALIDATOR', schema: 'causeway.schema.json' });
if (specValidatorPath) await writeCodeCache(specValidatorPath, (validate) => { for (const spec of shippedSpecs()) validate(spec); });
const resultsValidatorPath = await writeStandalone({ dir: 'report', module: 'results-validator.js', makeAjv: 'resultsAjv', prebuilt: 'PREBUILT_RESULTS_VALIDATOR', schema: 'results.schema.json' });
// the golden examples' results (test/examples/), so that the cache holds the functions a run's results
// reach; without them, an empty document, which compiles the validator's top function
if (resultsValidatorPath) await writeCodeCache(resultsValidatorPath, (validate) => { for (const results of goldenResults()) validate(results); });

// The default report template and its partials, precompiled (Handlebars.precompile's code, made here at build
// time) so that a run's report does not compile them; stamped with the templates' hash (src/report/template.ts).
{
  const compiled = new URL('../dist/src/report/template.js', import.meta.url);
  if (existsSync(compiled)) {
    const { precompiledDefaultTemplate, PREBUILT_TEMPLATE } = await import(compiled.href);
    const out = new URL(`../dist/src/report/${PREBUILT_TEMPLATE}`, import.meta.url);
    writeFileSync(`${out.pathname}.tmp`, precompiledDefaultTemplate());
    renameSync(`${out.pathname}.tmp`, out);
    await writeCodeCache(out.pathname);
  }
}
