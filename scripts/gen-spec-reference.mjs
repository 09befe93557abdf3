// Generates docs/spec-reference.md from schemas/causeway.schema.json, so the reference cannot
// drift from what the validator accepts. `--check` fails when the committed file is stale.
import { readFileSync, writeFileSync } from 'node:fs';

const schemaUrl = new URL('../schemas/causeway.schema.json', import.meta.url);
const outUrl = new URL('../docs/spec-reference.md', import.meta.url);

function deref(schema, root) {
  if (schema && schema.$ref) {
    const path = schema.$ref.replace(/^#\//, '').split('/');
    let node = root;
    for (const p of path) node = node[p];
    return { ...deref(node, root), description: schema.description ?? node.description };
  }
  return schema;
}

// The schema's bounds, shown beside each type so the reference lists the limits validate enforces
// (docs/limits.md explains them).
function bounded(word, s) {
  const count = s.maxItems ?? s.maxProperties;
  return count !== undefined ? `${word} (≤ ${count})` : word;
}

function range(s) {
  if (s.maximum === undefined) return s.type;
  return `${s.type} ${s.minimum ?? (s.exclusiveMinimum !== undefined ? `>${s.exclusiveMinimum}` : '')}–${s.maximum}`;
}

function typeOf(s, root) {
  s = deref(s, root);
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  if (s.type === 'array') return `${bounded('list', s)} of ${s.items ? typeOf(s.items, root) : 'values'}`;
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object' && !s.properties) {
    return `${bounded('map', s)} of name → ${typeOf(s.additionalProperties, root)}`;
  }
  if (s.oneOf && s.discriminator?.propertyName === 'source') return 'mapping, one of the data sources below';
  if (s.oneOf && s.oneOf.every((b) => !b.properties && !b.$ref)) return s.oneOf.map((b) => typeOf(b, root)).join(' or ');
  if (s.type === 'integer' && s.maximum !== undefined && s.maximum < 1e15) return range(s);
  if (s.oneOf) return s.oneOf.map((b) => (b.properties?.kind?.const ? '`' + b.properties.kind.const + '`' : '`{' + Object.keys(b.properties ?? {}).join(', ') + '}`')).join(' or ');
  if (s.type === 'object') return 'mapping';
  return s.type ?? 'any';
}

function rows(schema, root, prefix, out) {
  schema = deref(schema, root);
  const props = schema.properties ?? {};
  // the top level requires its sections in an else (a child spec with extends may leave them out)
  const required = new Set(schema.required ?? schema.else?.required ?? []);
  for (const [key, raw] of Object.entries(props)) {
    if (key === '$schema') continue;
    const s = deref(raw, root);
    const path = prefix ? `${prefix}.${key}` : key;
    const def = s.default !== undefined ? `\`${JSON.stringify(s.default)}\`` : required.has(key) ? '**required**' : '';
    const desc = (raw.description ?? s.description ?? '').replace(/\|/g, '\\|');
    out.push(`| \`${path}\` | ${typeOf(raw, root)} | ${def} | ${desc} |`);
    if (s.type === 'object' && s.properties && !s.oneOf) rows(s, root, path, out);
    if (s.type === 'array' && s.items && deref(s.items, root).properties && !deref(s.items, root).oneOf) rows(deref(s.items, root), root, `${path}[]`, out);
  }
}

function variants(name, schema, root, label, key = 'kind', prefix = '') {
  const out = [`\n### ${label}\n`];
  for (const ref of deref(schema, root).oneOf) {
    const branch = deref(ref, root);
    const tag = branch.properties[key];
    const kind = tag.const ?? tag.enum.join(' | ');
    out.push(`\n#### \`${key}: ${kind}\`\n`);
    if (branch.description) out.push(branch.description, '');
    out.push('| key | type | default | meaning |', '| --- | --- | --- | --- |');
    const body = [];
    rows({ ...branch, properties: Object.fromEntries(Object.entries(branch.properties).filter(([k]) => k !== key)) }, root, prefix, body);
    out.push(...body);
  }
  return out.join('\n');
}

export function generateSpecReference() {
  const root = JSON.parse(readFileSync(schemaUrl, 'utf8'));
  const top = [];
  rows(root, root, '', top);
  return [
    '<!-- Generated from schemas/causeway.schema.json by `node scripts/gen-spec-reference.mjs`. Do not edit. -->',
    '# Spec reference',
    '',
    root.description,
    '',
    'Put `# yaml-language-server: $schema=<relative path to>/schemas/causeway.schema.json` on the first line of a spec',
    'for completion and inline validation in editors that use the YAML language server.',
    '',
    '## Sections',
    '',
    '| key | type | default | meaning |',
    '| --- | --- | --- | --- |',
    ...top,
    variants('Data', root.$defs.Data, root, 'Data sources (`data`)', 'source', 'data'),
    variants('Model', root.$defs.Model, root, 'Models (`models.<id>`)'),
    variants('Estimator', root.$defs.Estimator, root, 'Estimators (`estimators[]`)'),
    '',
  ].join('\n');
}

const readmeUrl = new URL('../README.md', import.meta.url);

/** The CLI reference, from the commands' own --help texts (needs the compiled CLI in dist/). */
export async function generateCliReference() {
  const { commands } = await import(new URL('../dist/src/cli/commands.js', import.meta.url).href);
  const parts = ['## Command line', '', 'Exit codes: 0 ok, 1 invalid spec or failed run, 2 usage error. `causeway --version` prints the version.', ''];
  for (const c of Object.values(commands)) parts.push(`### causeway ${c.name}`, '', '```text', c.help, '```', '');
  return parts.join('\n');
}

function replaceBetween(text, name, content) {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md has no ${begin} … ${end} markers`);
  return text.slice(0, i + begin.length) + '\n' + content.trim() + '\n' + text.slice(j);
}

/** README.md with its generated sections (spec reference, CLI reference) brought up to date. */
export async function generateReadme() {
  const spec = generateSpecReference()
    .replace(/^<!--.*-->\n/, '')
    .replace(/^# Spec reference/m, '## Spec reference')
    .replace(/^## Sections/m, '### Sections')
    .replace(/^### (Models|Estimators)/gm, '### $1')
    .replace(/^#### /gm, '#### ');
  let text = readFileSync(readmeUrl, 'utf8');
  text = replaceBetween(text, 'spec-reference', spec);
  text = replaceBetween(text, 'cli-reference', await generateCliReference());
  return text;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = generateSpecReference();
  const readme = await generateReadme();
  if (process.argv.includes('--check')) {
    if (readFileSync(outUrl, 'utf8') !== text || readFileSync(readmeUrl, 'utf8') !== readme) {
      console.error('docs/spec-reference.md or README.md is stale: run node scripts/gen-spec-reference.mjs');
      process.exit(1);
    }
  } else {
    writeFileSync(outUrl, text);
    writeFileSync(readmeUrl, readme);
  }
}
