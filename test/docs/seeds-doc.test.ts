/**
 * docs/seeds.md is checked, not trusted: every spec key a row names exists in specs/kuairec/, and every
 * table and figure it names is in the demo twin's report (the golden examples in test/examples/, which
 * are the demo specs' run folders; read here, not re-run).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const doc = readFileSync(join(root, 'docs', 'seeds.md'), 'utf8');

interface Row { section: string; computation: string; spec: string[]; report: string[]; difference: string }

/** The rows of the per-seed tables: `file:/pointer` spec references and `table:`/`figure:` report references. */
function rows(): Row[] {
  const out: Row[] = [];
  let section = '';
  for (const line of doc.split('\n')) {
    const heading = /^## (§\d{3})/.exec(line);
    if (heading) section = heading[1];
    if (!section || !line.startsWith('|') || /^\| (computation|---)/.test(line)) continue;
    const cells = line.split(' | ');
    const codes = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    out.push({ section, computation: cells[0].replace(/^\| /, ''), spec: codes(cells[1] ?? ''), report: codes(cells[2] ?? ''), difference: cells[3] ?? '' });
  }
  return out;
}

/** A JSON pointer into a spec; an array segment names an entry by index or by its `id`. */
function resolve(value: unknown, pointer: string): boolean {
  let at: unknown = value;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(at)) at = /^\d+$/.test(key) ? at[Number(key)] : at.find((e) => (e as { id?: unknown })?.id === key);
    else if (at && typeof at === 'object' && key in at) at = (at as Record<string, unknown>)[key];
    else return false;
    if (at === undefined) return false;
  }
  return true;
}

const EXAMPLE_OF: Record<string, string> = {
  'discovery-mediation.yaml': 'discovery-mediation',
  'long-term-effects.yaml': 'long-term-effects',
  'discovery-mediation-robustness.yaml': 'discovery-mediation-robustness',
};

test('docs/seeds.md has one table per seed, each row naming spec lines', () => {
  const all = rows();
  assert.deepEqual([...new Set(all.map((r) => r.section))], ['§000', '§001', '§002', '§003', '§004']);
  // a row without spec lines says it is open work
  for (const r of all) assert.ok(r.spec.length > 0 || /open: /.test(r.difference), `${r.section} "${r.computation}": no spec reference`);
});

test('every spec key docs/seeds.md names exists in specs/kuairec/, and every table and figure in the demo report', () => {
  const specs = new Map<string, unknown>();
  const checked = { keys: 0, tables: 0, figures: 0 };
  for (const r of rows()) {
    const files = new Set<string>();
    for (const ref of r.spec) {
      const m = /^([a-z-]+\.yaml):(\/.*)$/.exec(ref);
      assert.ok(m, `${r.section} "${r.computation}": spec reference ${ref} is not file.yaml:/pointer`);
      const [, file, pointer] = m;
      if (!specs.has(file)) specs.set(file, parse(readFileSync(join(root, 'specs', 'kuairec', file), 'utf8')));
      assert.ok(resolve(specs.get(file), pointer), `${r.section} "${r.computation}": ${file} has no ${pointer}`);
      files.add(file);
      checked.keys++;
    }
    // a row's report items are in the report of the demo twin of the (first) spec it names
    const example = EXAMPLE_OF[[...files][0] ?? ''];
    for (const ref of r.report) {
      assert.ok(example, `${r.section} "${r.computation}": report items need a spec reference to say which report`);
      const report = readFileSync(join(root, 'test', 'examples', example, 'report.md'), 'utf8');
      const hashes = JSON.parse(readFileSync(join(root, 'test', 'examples', example, 'files.sha256.json'), 'utf8')) as Record<string, string>;
      const m = /^(table|figure):(.+)$/.exec(ref);
      assert.ok(m, `${r.section} "${r.computation}": report reference ${ref} is not table:<id> or figure:<file>`);
      if (m[1] === 'table') {
        assert.ok(report.includes(`(tables/${m[2]}.csv)`), `${r.section} "${r.computation}": no table ${m[2]} in the ${example} report`);
        checked.tables++;
      } else {
        assert.ok(`figures/${m[2]}` in hashes && report.includes(`(figures/${m[2]})`), `${r.section} "${r.computation}": no figure ${m[2]} in the ${example} report`);
        checked.figures++;
      }
    }
  }
  assert.ok(checked.keys >= 50 && checked.tables >= 40 && checked.figures >= 8, JSON.stringify(checked));
});
