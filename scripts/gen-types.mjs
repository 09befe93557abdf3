// Generates src/spec/types.generated.ts from schemas/causeway.schema.json: the schema is the one
// source of truth for the spec; `--check` fails when the committed types have drifted.
import { compile } from 'json-schema-to-typescript';
import { readFileSync, writeFileSync } from 'node:fs';

const schemaUrl = new URL('../schemas/causeway.schema.json', import.meta.url);
const outUrl = new URL('../src/spec/types.generated.ts', import.meta.url);

export async function generateSpecTypes() {
  const schema = JSON.parse(readFileSync(schemaUrl, 'utf8'));
  // The types describe the merged spec (extends removed, src/spec/load.ts), which needs every section the
  // schema's top-level else requires; the if/else only spares child specs in an editor.
  if (schema.else?.required) {
    schema.required = schema.else.required;
    delete schema.if; delete schema.then; delete schema.else;
  }
  return compile(schema, 'CausewaySpec', {
    bannerComment: '/* Generated from schemas/causeway.schema.json by `npm run gen:types`. Do not edit. */',
    additionalProperties: false,
    unreachableDefinitions: false,
    format: true,
    style: { singleQuote: true, printWidth: 110 },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = await generateSpecTypes();
  if (process.argv.includes('--check')) {
    const current = readFileSync(outUrl, 'utf8');
    if (current !== text) {
      console.error('src/spec/types.generated.ts is out of date with schemas/causeway.schema.json: run npm run gen:types');
      process.exit(1);
    }
  } else writeFileSync(outUrl, text);
}
