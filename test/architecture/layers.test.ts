// The import boundaries of docs/architecture.md: each folder of src/ is a stage with a rank, a
// file may import only from its own stage or an earlier one, and no chain of imports between files
// of src/ comes back to where it started. A new top-level folder must be given a rank here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const src = join(root, 'src');

/** The pipeline, earliest first (docs/architecture.md). Entries at one rank may import each other. */
const LAYERS: string[][] = [
  ['errors.ts', 'error-catalogue.ts', 'rng.ts'],
  ['spec'],
  ['data'],
  ['panel'],
  ['frame'],
  ['estimate'],
  ['results'],
  ['sensitivity'],
  ['analysis'],
  ['report'],
  ['run'],
  ['cli'],
];
const rank = new Map<string, number>();
LAYERS.forEach((names, i) => names.forEach((n) => rank.set(n, i)));

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...tsFiles(full));
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = (m[1] ?? m[2]).replace(/\.js$/, '.ts');
    out.push(resolve(dirname(file), spec.endsWith('.ts') || spec.endsWith('.json') ? spec : spec + '.ts'));
  }
  return out;
}
const stageOf = (file: string) => relative(src, file).split('/')[0].replace(/\.json$/, '');

const files = tsFiles(src);
const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => t.startsWith(src + '/'))]));

test('every top-level folder and file of src/ has a rank in the layer order', () => {
  const unranked = [...new Set(files.map(stageOf))].filter((s) => !rank.has(s));
  assert.deepEqual(unranked, [], 'give these a place in LAYERS and docs/architecture.md');
});

test('no stage imports a later stage', () => {
  const violations: string[] = [];
  for (const [file, targets] of graph) {
    for (const t of targets) {
      const from = rank.get(stageOf(file));
      const to = rank.get(stageOf(t));
      if (from !== undefined && to !== undefined && to > from) violations.push(`${relative(root, file)} → ${relative(root, t)}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('no import cycle between files of src/', () => {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (state.get(t) === 'open') cycles.push([...stack.slice(stack.indexOf(t)), t].map((x) => relative(src, x)).join(' → '));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  assert.deepEqual(cycles, []);
});

test('no file in src/ is over 600 lines unless docs/architecture.md names it (hot loops, generated files)', () => {
  const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## File size'), doc.indexOf('\n## ', doc.indexOf('## File size') + 5));
  const allowed = new Set([...section.matchAll(/\| `(src\/[^`]+)` \|/g)].map((m) => m[1]));
  assert.ok(allowed.size > 0, 'docs/architecture.md has no "File size" table');
  const long = files.map((f) => relative(root, f)).filter((f) => readFileSync(join(root, f), 'utf8').split('\n').length > 601);
  assert.deepEqual(long.filter((f) => !allowed.has(f)), [], 'split these files, or name them with a reason in docs/architecture.md');
  assert.deepEqual([...allowed].filter((f) => !long.includes(f)), [], 'these are no longer long: drop them from the table');
});
