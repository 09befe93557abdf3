// Writes the estimator branch of schemas/causeway.schema.json ($defs.Estimator.oneOf) from the estimator
// kinds' option declarations and the gbm model branch from src/estimate/gbm/options.ts (src/estimate/kinds/, built to dist/ first: npm run build). `--check` fails
// when the committed schema differs. `npm run gen:types` runs this, then scripts/gen-types.mjs.
import { readFileSync, writeFileSync } from 'node:fs';

const schemaUrl = new URL('../schemas/causeway.schema.json', import.meta.url);
const { estimatorSchemaBranches } = await import(new URL('../dist/src/estimate/kinds/schema.js', import.meta.url).href);
const { gbmModelSchemaBranch } = await import(new URL('../dist/src/estimate/gbm/options.js', import.meta.url).href);

const current = readFileSync(schemaUrl, 'utf8');
const schema = JSON.parse(current);
schema.$defs.Estimator.oneOf = estimatorSchemaBranches();
const models = schema.$defs.Model.oneOf;
models[models.findIndex((b) => b.properties.kind.const === 'gbm')] = gbmModelSchemaBranch();
const text = JSON.stringify(schema, null, 2) + '\n';
if (process.argv.includes('--check')) {
  if (text !== current) {
    console.error('schemas/causeway.schema.json: the estimator branch differs from src/estimate/kinds/; run npm run gen:types');
    process.exit(1);
  }
} else if (text !== current) writeFileSync(schemaUrl, text);
