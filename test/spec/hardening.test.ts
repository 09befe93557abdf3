// Hostile specs: every one is a located error (file:line:col), never an internal error, a hang or a
// read outside the spec's project. The limits are listed in docs/limits.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpec } from '../../src/spec/load.js';
import { buildPlan } from '../../src/spec/plan.js';
import { checkSpecExpressions } from '../../src/run/compile.js';
import { parseExpression, MAX_EXPRESSION_DEPTH } from '../../src/panel/expr/parser.js';
import { CausewayError } from '../../src/errors.js';
import { errorLines, tempDir } from './helpers.js';
import { causewayHere } from '../support/cli.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** What `causeway validate` does with one spec. */
function validate(file: string) {
  const loaded = loadSpec(file);
  const plan = buildPlan(loaded);
  checkSpecExpressions(loaded, plan);
  return plan;
}

/** A project folder holding a copy of the demo spec as base.yaml; removed after the test. */
function project(t: { after(fn: () => void): void }): { dir: string; spec(name: string, text: string): string } {
  const dir = tempDir('causeway-hardening-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(join(root, 'specs', 'demo', 'discovery-mediation.yaml'), join(dir, 'base.yaml'));
  return {
    dir,
    spec(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
  };
}

const located = /^[^:\s]+\.yaml:\d+:\d+ /;

test('an undefined YAML alias is a located spec error', (t) => {
  const p = project(t);
  const lines = errorLines(() => loadSpec(p.spec('alias.yaml', 'spec: 1\nname: *x\n')));
  assert.match(lines[0], /alias\.yaml:2:7 +YAML alias \*x has no anchor &x/);
});

test('YAML alias bombs and merge-key bombs are located errors', (t) => {
  const p = project(t);
  let bomb = 'spec: 1\nname: x\na0: &a0 [x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 9; i++) bomb += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
  const lines = errorLines(() => loadSpec(p.spec('bomb.yaml', bomb)));
  assert.match(lines[0], /bomb\.yaml:\d+:\d+ +.*YAML alias/);
  // YAML 1.1 merge keys (<<) expand aliases too.
  let merge = '%YAML 1.1\n---\nspec: 1\nname: x\nm0: &m0 { a: 1, b: 2 }\n';
  for (let i = 1; i < 120; i++) merge += `m${i}: &m${i} { <<: *m${i - 1}, k${i}: 1 }\n`;
  const mergeLines = errorLines(() => loadSpec(p.spec('merge.yaml', merge)));
  assert.match(mergeLines[0], /merge\.yaml:\d+:\d+ +.*YAML aliases/);
});

test('a spec nested past the depth limit is a located error', (t) => {
  const p = project(t);
  const lines = errorLines(() => loadSpec(p.spec('deep.yaml', `spec: 1\nname: x\ndeep: ${'['.repeat(100)}${']'.repeat(100)}\n`)));
  assert.match(lines[0], /deep\.yaml:3:\d+ +the spec nests more than 64 levels/);
  const huge = errorLines(() => loadSpec(p.spec('huge.yaml', `spec: 1\nname: x\ndeep: ${'['.repeat(10000)}${']'.repeat(10000)}\n`)));
  assert.match(huge[0], located);
  assert.doesNotMatch(huge.join('\n'), /call stack/);
});

test('expressions: 10,000 nested brackets, 20,000 terms and past the depth limit are located errors', (t) => {
  const p = project(t);
  const brackets = errorLines(() => validate(p.spec('brackets.yaml', `extends: ./base.yaml\npopulation: "${'('.repeat(10000)}active_day${')'.repeat(10000)}"\n`)));
  assert.match(brackets[0], /brackets\.yaml:2:14 +\/population +must NOT have more than 10000 characters/);
  const nested = errorLines(() => validate(p.spec('nested.yaml', `extends: ./base.yaml\npopulation: "${'('.repeat(300)}active_day${')'.repeat(300)}"\n`)));
  assert.match(nested[0], new RegExp(`nested\\.yaml:2:${14 + MAX_EXPRESSION_DEPTH} +/population +the expression nests more than ${MAX_EXPRESSION_DEPTH} levels`));
  const chain = errorLines(() => validate(p.spec('chain.yaml', `extends: ./base.yaml\nevents:\n  many: "${Array(500).fill('watch_ratio').join(' + ')}"\n`)));
  assert.match(chain[0], /chain\.yaml:3:\d+ +\/events\/many +the expression nests more than/);
  // The parser itself, past the schema's length limit: located, no stack overflow.
  const origin = { file: 'x.yaml', line: 4, col: 10 };
  for (const text of [Array(20000).fill('1').join('+'), '('.repeat(10000) + '1' + ')'.repeat(10000), '-'.repeat(5000) + '1', 'not '.repeat(2000) + 'true']) {
    assert.throws(() => parseExpression(text, origin), (e: unknown) => e instanceof CausewayError && /^EXPR_TOO_(LONG|DEEP)$/.test(e.code) && e.where.kind === 'spec');
  }
  for (const text of [Array(3000).fill('1').join('+'), '('.repeat(3000) + '1' + ')'.repeat(3000)]) {
    assert.throws(() => parseExpression(text, origin), (e: unknown) => e instanceof CausewayError && e.code === 'EXPR_TOO_DEEP');
  }
  assert.equal(parseExpression(Array(150).fill('x').join(' + '), origin).root.kind, 'binary');
});

test('absurd counts are rejected by the schema at their line:col', (t) => {
  const p = project(t);
  const lines = errorLines(() => validate(p.spec('absurd.yaml', [
    'extends: ./base.yaml',
    'uncertainty: { bootstrap: { reps: 1e21 } }',
    'models: { gbm: { kind: gbm, trees: 1e308 } }',
    'estimators:',
    '  - { id: aipw, kind: aipw, crossfit: { folds: 1e21 } }',
    '  - { id: aipw2, kind: aipw, crossfit: { folds: 2.5 } }',
    'sensitivity: { refuter_reps: 1e9 }',
    '',
  ].join('\n'))));
  assert.ok(lines.some((l) => /absurd\.yaml:2:35 +\/uncertainty\/bootstrap\/reps +must be <= 100000/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /absurd\.yaml:3:36 +\/models\/gbm\/trees +must be <= 10000/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /absurd\.yaml:5:48 +\/estimators\/0\/crossfit\/folds +must be <= 100/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /absurd\.yaml:6:49 +\/estimators\/1\/crossfit\/folds +must be integer/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /absurd\.yaml:7:30 +\/sensitivity\/refuter_reps +must be <= 10000/.test(l)), lines.join('\n'));
});

test('the schema bounds the counts of fields, measures, covariates, grid axes and values', (t) => {
  const p = project(t);
  const events = Array.from({ length: 1001 }, (_, i) => `  f${i}: watch_ratio`).join('\n');
  assert.match(errorLines(() => validate(p.spec('events.yaml', `extends: ./base.yaml\nevents:\n${events}\n`)))[0], /events\.yaml:3:3 +\/events +must NOT have more than 1000 properties/);
  const axes = Array.from({ length: 33 }, (_, i) => `    events.f${i}: [watch_ratio]`).join('\n');
  assert.match(errorLines(() => validate(p.spec('axes.yaml', `extends: ./base.yaml\nsensitivity:\n  grid:\n${axes}\n`)))[0], /axes\.yaml:4:5 +\/sensitivity\/grid +must NOT have more than 32 properties/);
  const values = `[${Array.from({ length: 1001 }, (_, i) => i + 1).join(', ')}]`;
  assert.match(errorLines(() => validate(p.spec('values.yaml', `extends: ./base.yaml\nsensitivity:\n  grid:\n    seed: ${values}\n`)))[0], /values\.yaml:4:11 +\/sensitivity\/grid\/seed +must NOT have more than 1000 items/);
  const covariates = `[${Array.from({ length: 1001 }, (_, i) => `c${i}`).join(', ')}]`;
  assert.match(errorLines(() => validate(p.spec('cov.yaml', `extends: ./base.yaml\ncovariates: { numeric: ${covariates} }\n`)))[0], /cov\.yaml:2:24 +\/covariates\/numeric +must NOT have more than 1000 items/);
});

test('__proto__, constructor and prototype are refused as names and axis path parts', (t) => {
  const p = project(t);
  const before = Object.keys(Object.prototype).length;
  const cases: Array<[string, string, RegExp]> = [
    ['measure.yaml', 'extends: ./base.yaml\ndays:\n  __proto__: count()\n', /measure\.yaml:3:3 +'__proto__' cannot be a name/],
    ['event.yaml', 'extends: ./base.yaml\nevents:\n  constructor: watch_ratio\n', /event\.yaml:3:3 +'constructor' cannot be a name/],
    ['axis.yaml', 'extends: ./base.yaml\nsensitivity:\n  grid:\n    data.__proto__.x: [1, 2]\n', /axis\.yaml:4:5 +'__proto__' cannot be a name/],
    ['axis2.yaml', 'extends: ./base.yaml\nsensitivity:\n  grid:\n    models.prototype.kind: [linear]\n', /axis2\.yaml:4:5 +'prototype' cannot be a name/],
    ['id.yaml', 'extends: ./base.yaml\nestimators:\n  - { id: constructor, kind: difference_in_means }\n', /id\.yaml:3:11 +\/estimators\/0\/id +"constructor" is a reserved name/],
  ];
  for (const [name, text, expected] of cases) {
    const lines = errorLines(() => validate(p.spec(name, text)));
    assert.ok(lines.some((l) => expected.test(l)), `${name}:\n${lines.join('\n')}`);
  }
  assert.equal(Object.keys(Object.prototype).length, before);
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

test('a grid axis into a list: an index is valid below the length; otherwise a located error', (t) => {
  const p = project(t);
  const plan = validate(p.spec('index.yaml', 'extends: ./base.yaml\nsensitivity:\n  grid:\n    history.future.days.0: [3, 5]\n'));
  assert.equal(plan.cells.length, 2);
  assert.deepEqual(plan.cells.map((c) => c.spec.history?.future?.days), [[3, 7], [5, 7]]);
  const out = errorLines(() => validate(p.spec('range.yaml', 'extends: ./base.yaml\nsensitivity:\n  grid:\n    history.lag.days.3: [1, 2]\n')));
  assert.match(out[0], /range\.yaml:4:5 +\/sensitivity\/grid\/history\.lag\.days\.3 +'history\.lag\.days' is a list: the next part of 'history\.lag\.days\.3' must be an item id or an index from 0 to 0, not '3'/);
  const word = errorLines(() => validate(p.spec('word.yaml', 'extends: ./base.yaml\nsensitivity:\n  grid:\n    history.lag.of.first: [interactions]\n')));
  assert.match(word[0], /word\.yaml:4:5 +.*'history\.lag\.of' is a list/);
  const scalar = errorLines(() => validate(p.spec('scalar.yaml', 'extends: ./base.yaml\nsensitivity:\n  grid:\n    mediator.x: [1]\n')));
  assert.match(scalar[0], /scalar\.yaml:4:5 +.*'mediator' is "high_satisfaction_share", not a mapping or list/);
});

test('extends and templates: regular files of bounded size inside the project; errors never quote the file', (t) => {
  const p = project(t);
  const outside = tempDir('causeway-outside-');
  t.after(() => rmSync(outside, { recursive: true, force: true }));
  writeFileSync(join(outside, 'secret.yaml'), 'TOP-SECRET-LINE: 1\n');
  writeFileSync(join(outside, 'secret.hbs'), 'TOP-SECRET-TEMPLATE\n');
  symlinkSync(join(outside, 'secret.yaml'), join(p.dir, 'link.yaml'));
  symlinkSync('/dev/zero', join(p.dir, 'zero.yaml'));
  execFileSync('mkfifo', [join(p.dir, 'fifo.yaml')]);
  mkdirSync(join(p.dir, 'folder.yaml'));
  writeFileSync(join(p.dir, 'big.yaml'), `spec: 1\nname: big\ndescription: "${'x'.repeat(1 << 20)}"\n`);
  const cases: Array<[string, string, RegExp]> = [
    ['abs.yaml', `extends: ${join(outside, 'secret.yaml')}\n`, /abs\.yaml:1:10 +\/extends +extends .*: the spec file lies outside the spec's project/],
    ['dotdot.yaml', `extends: ../${outside.split('/').pop()}/secret.yaml\n`, /dotdot\.yaml:1:10 +\/extends +.*outside the spec's project/],
    ['link-ext.yaml', 'extends: ./link.yaml\n', /link-ext\.yaml:1:10 +\/extends +.*outside the spec's project/],
    ['devzero.yaml', 'extends: /dev/zero\n', /devzero\.yaml:1:10 +\/extends +.*outside the spec's project/],
    ['zero-ext.yaml', 'extends: ./zero.yaml\n', /zero-ext\.yaml:1:10 +\/extends +.*outside the spec's project/],
    ['fifo-ext.yaml', 'extends: ./fifo.yaml\n', /fifo-ext\.yaml:1:10 +\/extends +.*not a regular file/],
    ['dir-ext.yaml', 'extends: ./folder.yaml\n', /dir-ext\.yaml:1:10 +\/extends +.*not a regular file/],
    ['big-ext.yaml', 'extends: ./big.yaml\n', /big-ext\.yaml:1:10 +\/extends +.*at most 1048576 are allowed/],
    ['tpl.yaml', `extends: ./base.yaml\nreport: { template: ${join(outside, 'secret.hbs')} }\n`, /tpl\.yaml:2:21 +\/report\/template +the report template lies outside/],
    ['tpl-etc.yaml', 'extends: ./base.yaml\nreport: { template: /etc/passwd }\n', /tpl-etc\.yaml:2:21 +\/report\/template +the report template lies outside/],
  ];
  for (const [name, text, expected] of cases) {
    const lines = errorLines(() => validate(p.spec(name, text)));
    assert.ok(lines.some((l) => expected.test(l)), `${name}:\n${lines.join('\n')}`);
    assert.doesNotMatch(lines.join('\n'), /TOP-SECRET|root:/);
  }
  // A FIFO as the spec itself is refused without waiting for a writer.
  assert.match(errorLines(() => loadSpec(join(p.dir, 'fifo.yaml')))[0], /fifo\.yaml +the spec file is not a regular file/);
  // Causeway's bundled specs may be extended from anywhere.
  assert.equal(validate(p.spec('bundled.yaml', `extends: ${join(root, 'specs', 'demo', 'discovery-mediation.yaml')}\nname: bundled\n`)).cells.length, 1);
  // --project (CAUSEWAY_PROJECT) names another folder whose files may be read.
  const saved = process.env.CAUSEWAY_PROJECT;
  process.env.CAUSEWAY_PROJECT = outside;
  t.after(() => (saved === undefined ? delete process.env.CAUSEWAY_PROJECT : (process.env.CAUSEWAY_PROJECT = saved)));
  copyFileSync(join(p.dir, 'base.yaml'), join(outside, 'shared.yaml'));
  assert.equal(validate(p.spec('shared.yaml', `extends: ${join(outside, 'shared.yaml')}\n`)).cells.length, 1);
});

test('an error line stays one line when the value it quotes holds raw newlines', (t) => {
  const p = project(t);
  const lines = errorLines(() => validate(p.spec('nl.yaml', 'extends: ./base.yaml\nmediator: "high_sat\\nisfaction\\r\\u0007"\n')));
  assert.equal(lines.length, 1);
  assert.doesNotMatch(lines[0], /[\n\r\u0007]/);
  assert.match(lines[0], /nl\.yaml:2:12 +\/mediator +mediator 'high_sat\\nisfaction\\r\\u0007' is not a panel column/);
});

test('more cross-fitting folds than users fails the estimator with the reason, never clamps', async () => {
  const { simulateFrame } = await import('../support/simulate-frame.js');
  const { runEstimator } = await import('../../src/estimate/runner.js');
  const { frame } = simulateFrame({ users: 30, daysPerUser: 6, covariates: 2, seed: 5 });
  const ctx = { seed: 1, cellId: 'folds', models: {}, bootstrap: undefined };
  const tooMany = /cannot cross-fit with 60 folds: only 30 users/;
  // the runner's one error policy: a design problem fails the estimator with its reason (docs/architecture.md)
  for (const spec of [
    { id: 'g', kind: 'gcomp', outcome: 'linear', crossfit: { folds: 60 } },
    { id: 'a', kind: 'aipw', outcome: 'linear', propensity: 'logistic', crossfit: { folds: 60 } },
  ]) {
    const result = runEstimator(spec as never, frame, ctx as never);
    assert.equal(result.status, 'failed', JSON.stringify(result));
    assert.match(result.reason ?? '', tooMany);
  }
});

test('a grid whose product passes the limit is refused before it is expanded', (t) => {
  const p = project(t);
  const values = (n: number, f: (i: number) => string) => `[${Array.from({ length: n }, (_, i) => f(i)).join(', ')}]`;
  const axes = [
    `    estimators.ipw.cap_quantile: ${values(40, (i) => (0.5 + i / 100).toFixed(2))}`,
    `    seed: ${values(40, (i) => String(i))}`,
    `    treatment.threshold.value: ${values(40, (i) => (i / 100).toFixed(2))}`,
    '    data.sample.remainder: [0, 1]',
  ];
  const lines = errorLines(() => validate(p.spec('product.yaml', `extends: ./base.yaml\nsensitivity:\n  grid:\n${axes.join('\n')}\n`)));
  assert.match(lines[0], /product\.yaml:4:5 +\/sensitivity\/grid +the grid has 128000 cells before exclusions; at most 100000 are allowed/);
});

test('causeway validate --project DIR lets a spec extend a file in DIR', async (t) => {
  const p = project(t);
  mkdirSync(join(p.dir, 'specs'));
  mkdirSync(join(p.dir, 'shared'));
  copyFileSync(join(p.dir, 'base.yaml'), join(p.dir, 'shared', 'team.yaml'));
  writeFileSync(join(p.dir, 'specs', 'mine.yaml'), 'extends: ../shared/team.yaml\nname: mine\n');
  const env = { CAUSEWAY_PROJECT: '' };
  const refused = await causewayHere(['validate', 'specs/mine.yaml'], { cwd: p.dir, env });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^specs\/mine\.yaml:1:10 +\/extends +extends shared\/team\.yaml: the spec file lies outside the spec's project/);
  const allowed = await causewayHere(['validate', '--project', 'shared', 'specs/mine.yaml'], { cwd: p.dir, env });
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.match(allowed.stdout, /^ok  specs\/mine\.yaml  \(1 cell\)/);
});
