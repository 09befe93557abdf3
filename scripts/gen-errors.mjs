// Generates docs/errors.md from src/error-catalogue.ts (compiled, so run `npm run build` first), so the
// page cannot drift from the codes causeway reports. `--check` fails when the committed file is stale.
import { readFileSync, writeFileSync } from 'node:fs';

const outUrl = new URL('../docs/errors.md', import.meta.url);

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Groups entries by the code's first word (SPEC_, EXPR_, …), in catalogue order. */
function groups(entries) {
  const out = new Map();
  for (const [code, entry] of Object.entries(entries)) {
    const prefix = code.split('_')[0];
    if (!out.has(prefix)) out.set(prefix, []);
    out.get(prefix).push([code, entry]);
  }
  return out;
}

export async function generateErrorsDoc() {
  const { ERRORS, WARNINGS, DATA_QUALITY_CHECKS } = await import(new URL('../dist/src/error-catalogue.js', import.meta.url).href);
  const lines = [
    '<!-- Generated from src/error-catalogue.ts by `npm run gen:docs`. Do not edit. -->',
    '# Errors and warnings',
    '',
    'Every problem causeway reports has a stable code. **Errors** stop the command (exit status 1) or, inside',
    'a run, fail the cell or estimator they occur in (the failure reason in results.json starts with the code).',
    'They print as one line, `where  message (what to do)`, where *where* is `file:line:col  /json/pointer`',
    'for a spec, `member:line column name` for data, or a path; the part in parentheses is the throw site\'s',
    'own hint, or the help line below when it has none. **Warnings** do not stop anything: they are recorded',
    'as text in results.json (`warnings` of each estimator, cell and run) and in the report\'s warnings table;',
    'the text is stable and the code is recovered from it (`classifyWarning` in src/error-catalogue.ts).',
    '**Data-quality checks** are the rows of the data-quality table.',
    '',
    `## Errors (${Object.keys(ERRORS).length})`,
  ];
  for (const [prefix, rows] of groups(ERRORS)) {
    lines.push('', `### ${prefix}_*`, '', '| code | meaning | what to do |', '| --- | --- | --- |');
    for (const [code, e] of rows) lines.push(`| \`${code}\` | ${cell(e.message)} | ${cell(e.help)} |`);
  }
  lines.push('', `## Warnings (${Object.keys(WARNINGS).length})`, '',
    'A warning may carry prefixes naming where it arose: `<estimator id>: ` in a cell\'s and the run\'s',
    'warnings, `mediator model: `, `outcome model: `, `treated arm model: ` or `control arm model: ` for the',
    'regression it came from.');
  for (const [prefix, rows] of groups(WARNINGS)) {
    lines.push('', `### ${prefix}_*`, '', '| code | meaning | what to do | example |', '| --- | --- | --- | --- |');
    for (const [code, w] of rows) lines.push(`| \`${code}\` | ${cell(w.message)} | ${cell(w.help)} | ${w.examples.map((x) => `\`${cell(x)}\``).join('<br>')} |`);
  }
  lines.push('', '## Data-quality checks', '', '| check | meaning | note |', '| --- | --- | --- |');
  for (const [check, q] of Object.entries(DATA_QUALITY_CHECKS)) lines.push(`| \`${check}\` | ${cell(q.message)} | ${cell(q.help)} |`);
  lines.push('');
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = await generateErrorsDoc();
  if (process.argv.includes('--check')) {
    if (readFileSync(outUrl, 'utf8') !== text) {
      console.error('docs/errors.md is stale: run npm run gen:docs');
      process.exit(1);
    }
  } else writeFileSync(outUrl, text);
}
