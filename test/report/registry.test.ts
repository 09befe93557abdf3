// The report's sections and figure kinds are registries; these fail when the schema's figure enum, the
// docs, the partials or the files drift from them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FIGURE_KINDS, FIGURE_NAMES } from '../../src/report/figures/registry.js';
import { REPORT_SECTIONS } from '../../src/report/sections/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const sorted = (xs: Iterable<string>): string[] => [...xs].sort();

test('the spec schema\'s report.figures enum lists exactly the registered figure kinds', () => {
  const schema = JSON.parse(readFileSync(`${root}schemas/causeway.schema.json`, 'utf8'));
  const enumValues = schema.$defs.Report.properties.figures.items.enum as string[];
  assert.deepEqual(sorted(enumValues), sorted(FIGURE_NAMES), 'schemas/causeway.schema.json report.figures and src/report/figures/registry.ts differ');
  assert.equal(new Set(FIGURE_NAMES).size, FIGURE_NAMES.length, 'a figure kind is registered twice');
});

test('each figure kind is the file figures/<id>.ts, drawn by a registered section', async () => {
  const sectionIds = new Set(REPORT_SECTIONS.map((s) => s.id));
  for (const kind of FIGURE_KINDS) {
    assert.ok(existsSync(`${root}src/report/figures/${kind.id}.ts`), `src/report/figures/${kind.id}.ts is missing`);
    const mod = (await import(`../../src/report/figures/${kind.id}.js`)) as Record<string, unknown>;
    assert.ok(Object.values(mod).includes(kind), `figures/${kind.id}.ts does not export the ${kind.id} kind`);
    assert.ok(sectionIds.has(kind.section), `${kind.id} names section ${kind.section}, which is not registered`);
  }
});

test('docs/report.md describes every figure kind, as the kind does, and no other', () => {
  const docs = readFileSync(`${root}docs/report.md`, 'utf8');
  const figures = docs.slice(docs.indexOf('\n## Figures'));
  // feature_importance writes one file per estimator and target: the docs name the pattern
  const rows = new Map([...figures.matchAll(/^\| `([a-z_<>]+)` \| (.*) \|$/gm)].map((m) => [m[1]!.replace(/_<.*$/, ''), m[2]!]));
  assert.deepEqual(sorted(rows.keys()), sorted(FIGURE_NAMES));
  for (const kind of FIGURE_KINDS) assert.equal(rows.get(kind.id), kind.shows, `docs/report.md's row for ${kind.id}`);
});

test('each section is sections/<id>.ts beside its partial, whose heading is the section title', () => {
  const partials = `${root}templates/default/partials`;
  const main = readFileSync(`${root}templates/default/report.md.hbs`, 'utf8');
  assert.equal(new Set(REPORT_SECTIONS.map((s) => s.id)).size, REPORT_SECTIONS.length, 'a section is registered twice');
  for (const s of REPORT_SECTIONS) {
    assert.ok(existsSync(`${root}src/report/sections/${s.id}.ts`), `src/report/sections/${s.id}.ts is missing`);
    const path = `${partials}/${s.id}.hbs`;
    assert.ok(existsSync(path), `templates/default/partials/${s.id}.hbs is missing`);
    assert.ok(readFileSync(path, 'utf8').includes(`## ${s.title}\n`), `partial ${s.id}.hbs does not have the heading "## ${s.title}"`);
    assert.ok(main.includes(`{{> ${s.id}}}`), `report.md.hbs does not include {{> ${s.id}}}`);
    assert.ok(s.reads.length > 0, `section ${s.id} does not say what it reads`);
  }
  // the partials that are not sections render the run's own parts (contents, artifact index)
  const others = readdirSync(partials).map((f) => f.replace(/\.hbs$/, '')).filter((p) => !REPORT_SECTIONS.some((s) => s.id === p));
  assert.deepEqual(sorted(others), ['artifacts', 'contents']);
});
