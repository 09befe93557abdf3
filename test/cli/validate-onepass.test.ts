// One-pass validation (src/run/check-spec.ts): every schema, reference, grid and expression error of a
// spec in one run, sorted by place; warnings for covariate globs that match no panel column; a data.path
// that does not exist is an error at its line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../scratch.js';
import { causewayHere, root } from '../support/cli.js';

const demo = join(root, 'specs', 'demo', 'discovery-mediation.yaml');

/** main() in this process, in folder `cwd` (test/support/cli.ts; test/cli/cli.test.ts checks a process says the same). */
const causeway = (args: string[], cwd: string) => causewayHere(args, { cwd });

function noStackTrace(text: string): void {
  assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+/, 'a stack trace reached the user');
  assert.doesNotMatch(text, /TypeError|ReferenceError|this is a bug in causeway/);
}

/** One mistake each: the YAML lines that make it, and the pointer its error names. */
const MISTAKES: Array<{ stage: string; yaml: string; pointer: string }> = [
  { stage: 'schema', yaml: 'seed: many', pointer: '/seed' },
  { stage: 'schema', yaml: 'uncertainty: { bootstrap: { repz: 10 } }', pointer: '/uncertainty/bootstrap/repz' },
  { stage: 'reference', yaml: 'heterogeneity: { estimator: aipww }', pointer: '/heterogeneity/estimator' },
  { stage: 'reference', yaml: 'report: { primary: naiv }', pointer: '/report/primary' },
  { stage: 'expression', yaml: 'population: active_day and not missing(future_7day_interactons)', pointer: '/population' },
  { stage: 'grid', yaml: 'sensitivity: { grid: { estimators.ipww.clip: [[0.01, 0.99]] } }', pointer: '/sensitivity/grid/estimators.ipww.clip' },
  { stage: 'grid', yaml: 'sensitivity: { grid: { treatment.threshold.value: [0.4, 0.5] }, exclude: [{ mediatr: x }] }', pointer: '/sensitivity/exclude/0/mediatr' },
];
const ALL_SEVEN = [
  ...MISTAKES.slice(0, 5).map((m) => m.yaml),
  'sensitivity: { grid: { estimators.ipww.clip: [[0.01, 0.99]], treatment.threshold.value: [0.4, 0.5] }, exclude: [{ mediatr: x }] }',
];

const specText = (lines: string[]) => [`extends: ${demo}`, 'name: onepass', ...lines, ''].join('\n');

test('seven mistakes across schema, references, grid and expressions are reported in one validate run, sorted by line', async () => {
  const d = scratchDir('causeway-onepass-');
  writeFileSync(join(d, 'seven.yaml'), specText(ALL_SEVEN));
  for (const command of [['validate', 'seven.yaml'], ['run', 'seven.yaml', '--out', join(d, 'out')]]) {
    const r = await causeway(command, d);
    assert.equal(r.code, 1, r.stderr);
    noStackTrace(r.stderr);
    // run closes with a count line ("7 errors"); the located lines are the errors
    const lines = r.stderr.trim().split('\n').filter((l) => command[0] === 'validate' || l.startsWith('seven.yaml:'));
    assert.equal(lines.length, 7, `${command[0]}:\n${r.stderr}`);
    for (const m of MISTAKES) assert.ok(lines.some((l) => l.startsWith('seven.yaml:') && l.includes(`  ${m.pointer}  `)), `${m.stage} ${m.pointer} missing:\n${r.stderr}`);
    const places = lines.map((l) => l.split('  ')[0].split(':').slice(1).map(Number));
    const sorted = [...places].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    assert.deepEqual(places, sorted);
  }
  // plan reads no data: all but the expression error, in one run
  const p = await causeway(['plan', 'seven.yaml'], d);
  assert.equal(p.code, 1, p.stderr);
  const planLines = p.stderr.trim().split('\n').filter((l) => l.startsWith('seven.yaml:'));
  assert.deepEqual(planLines.map((l) => l.split('  ')[1]), MISTAKES.filter((m) => m.stage !== 'expression').map((m) => m.pointer).sort((a, b) => ALL_ORDER.indexOf(a) - ALL_ORDER.indexOf(b)));
});

/** The pointers in the order their lines appear in seven.yaml. */
const ALL_ORDER = ['/seed', '/uncertainty/bootstrap/repz', '/heterogeneity/estimator', '/report/primary', '/population', '/sensitivity/grid/estimators.ipww.clip', '/sensitivity/exclude/0/mediatr'];

/** The stderr lines validate wrote for `file` (each of a file's errors starts with its name). */
const linesOf = (stderr: string, file: string) => stderr.trim().split('\n').filter((l) => l.startsWith(`${file}:`));

// The specs of a test are validated in one process (validate takes several files and reports each one's
// errors under its name), not one process each: the CLI's start-up was most of this file's time.
test('a spec with one mistake reports exactly that one', async () => {
  const d = scratchDir('causeway-onepass-one-');
  const files = MISTAKES.map((m, i) => {
    writeFileSync(join(d, `one-${i}.yaml`), specText([m.yaml]));
    return `one-${i}.yaml`;
  });
  const r = await causeway(['validate', ...files], d);
  assert.equal(r.code, 1, r.stderr);
  noStackTrace(r.stderr);
  assert.equal(r.stdout, '', 'every one of the specs is invalid');
  MISTAKES.forEach((m, i) => {
    const lines = linesOf(r.stderr, files[i]);
    assert.equal(lines.length, 1, `${m.stage} ${m.pointer}:\n${r.stderr}`);
    assert.ok(lines[0].includes(`  ${m.pointer}  `), r.stderr);
  });
  assert.equal(r.stderr.trim().split('\n').length, MISTAKES.length, `nothing but the one line per spec:\n${r.stderr}`);
});

test('sections of the wrong type give their schema errors, never an internal error, and no consequences', async () => {
  const d = scratchDir('causeway-onepass-types-');
  const cases: Array<[string[], string[]]> = [
    [['estimators: 5'], ['/estimators']],
    [['models: 4', 'population: 5', 'history: 3'], ['/models', '/population', '/history']],
    [['estimators: [3, { id: a, kind: nope }]', 'days: 3', 'events: []'], ['/estimators/0', '/estimators/1/kind', '/days', '/events']],
    [['sensitivity: { grid: 5, zip: 3, exclude: 4 }', 'covariates: { numeric: 5 }'], ['/sensitivity/grid', '/sensitivity/zip', '/sensitivity/exclude', '/covariates/numeric']],
    [['data: 7', 'treatment: 3', 'outcomes: { primary: 3 }'], ['/data', '/treatment', '/outcomes/primary']],
    // the base spec's errors are not repeated for each grid value; the value's own error is reported
    [['seed: many', 'sensitivity: { grid: { mediator: [3, high_satisfaction_share] } }'], ['/seed', '/sensitivity/grid/mediator/0']],
  ];
  const files = cases.map(([lines], i) => {
    writeFileSync(join(d, `types-${i}.yaml`), specText(lines));
    return `types-${i}.yaml`;
  });
  const r = await causeway(['validate', ...files], d);
  assert.equal(r.code, 1, r.stderr);
  noStackTrace(r.stderr);
  assert.equal(r.stdout, '', 'every one of the specs is invalid');
  cases.forEach(([, pointers], i) => {
    const got = linesOf(r.stderr, files[i]).map((l) => l.split('  ')[1]);
    assert.deepEqual(got, pointers, r.stderr);
  });
  assert.equal(r.stderr.trim().split('\n').length, cases.flatMap(([, p]) => p).length, `nothing but the specs' own errors:\n${r.stderr}`);
});

test('a covariate glob that matches no panel column is a warning: exit 0, located, in --json too', async () => {
  const d = scratchDir('causeway-onepass-glob-');
  writeFileSync(join(d, 'glob.yaml'), specText(['covariates: { numeric: ["lag_9_*", "prior_3day_*"], categorical: ["user_active_degre?"] }']));
  const r = await causeway(['validate', 'glob.yaml'], d);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, 'glob.yaml:3:26  warning: /covariates/numeric/0  numeric covariate pattern "lag_9_*" matches no panel column\n');
  assert.match(r.stdout, /^ok {2}glob\.yaml {2}\(1 cell\), 1 warning\n$/);
  const j = await causeway(['validate', 'glob.yaml', '--json'], d);
  assert.equal(j.code, 0, j.stderr);
  const [entry] = JSON.parse(j.stdout) as Array<{ ok: boolean; warnings: Array<{ code: string; where: { line: number; col: number; pointer: string } }> }>;
  assert.equal(entry.ok, true);
  assert.deepEqual(entry.warnings.map((w) => [w.code, w.where.line, w.where.col, w.where.pointer]), [['SPEC_PATTERN_UNMATCHED', 3, 26, '/covariates/numeric/0']]);
  // warnings travel with errors in --json
  writeFileSync(join(d, 'both.yaml'), specText(['seed: many', 'covariates: { numeric: ["lag_9_*"] }']));
  const b = await causeway(['validate', 'both.yaml', '--json'], d);
  assert.equal(b.code, 1, b.stderr);
  const [both] = JSON.parse(b.stdout) as Array<{ ok: boolean; errors: unknown[]; warnings: unknown[] }>;
  assert.deepEqual([both.ok, both.errors.length, both.warnings.length], [false, 1, 1]);
  // the committed demo spec's globs all match
  const demoRun = await causeway(['validate', demo, '--json'], d);
  assert.deepEqual((JSON.parse(demoRun.stdout) as Array<{ warnings: unknown[] }>)[0].warnings, []);
});

test('a kuairec or synthetic data.path that does not exist is an error at its line', async () => {
  const d = scratchDir('causeway-onepass-path-');
  const sources = ['kuairec', 'synthetic'];
  for (const source of sources) writeFileSync(join(d, `${source}.yaml`), specText([`data: { source: ${source}, path: ./nowhere.zip }`]));
  const r = await causeway(['validate', ...sources.map((source) => `${source}.yaml`)], d);
  assert.equal(r.code, 1, r.stderr);
  noStackTrace(r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, sources.length, r.stderr);
  for (const source of sources) {
    const lines = linesOf(r.stderr, `${source}.yaml`);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], new RegExp(`^${source}\\.yaml:3:\\d+ {2}/data/path {2}data\\.path \\./nowhere\\.zip does not exist `));
  }
  writeFileSync(join(d, 'nowhere.zip'), '');
  assert.equal((await causeway(['validate', 'kuairec.yaml'], d)).code, 0);
});
