// Generates src/results/types.generated.ts from schemas/results.schema.json: the schema is the one
// source of the results contract's types (titles name the interfaces); `--check` fails when the
// committed types have drifted. Same tool and settings as scripts/gen-types.mjs uses for the spec.
import { compile } from 'json-schema-to-typescript';
import { readFileSync, writeFileSync } from 'node:fs';

const schemaUrl = new URL('../schemas/results.schema.json', import.meta.url);
const outUrl = new URL('../src/results/types.generated.ts', import.meta.url);

export async function generateResultsTypes() {
  const schema = JSON.parse(readFileSync(schemaUrl, 'utf8'));
  return compile(schema, 'Results', {
    bannerComment: '/* Generated from schemas/results.schema.json by `npm run gen:types`. Do not edit. */',
    additionalProperties: false,
    unreachableDefinitions: false,
    format: true,
    style: { singleQuote: true, printWidth: 110 },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = await generateResultsTypes();
  if (process.argv.includes('--check')) {
    const current = readFileSync(outUrl, 'utf8');
    if (current !== text) {
      console.error('src/results/types.generated.ts is out of date with schemas/results.schema.json: run npm run gen:types');
      process.exit(1);
    }
  } else writeFileSync(outUrl, text);
}
