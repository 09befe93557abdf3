import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadSpec } from '../../src/spec/load.js';
import { ERRORS } from '../../src/error-catalogue.js';
import { errorLines, tempDir, writeSpec } from './helpers.js';

const MINIMAL = `spec: 1
name: tiny
data:
  source: synthetic
  sample: { modulus: 2 }
treatment:
  measure: discovery_candidate_share
  threshold: { value: 0.5 }
outcomes:
  primary: future_7day_interactions
estimators:
  - { id: naive, kind: difference_in_means }
  - { id: ipw, kind: ipw, clip: [0.02, 0.98] }
`;

const dir = () => tempDir();
const write = writeSpec;

test('a minimal spec loads and gets schema defaults', () => {
  const d = dir();
  const loaded = loadSpec(write(d, 'ok.yaml', MINIMAL));
  assert.equal(loaded.spec.name, 'tiny');
  assert.equal(loaded.spec.seed, 20200705);
  assert.equal((loaded.spec.data as { sample?: { remainder?: number } }).sample?.remainder, 0);
  const ipw = loaded.spec.estimators[1] as { stabilize?: boolean; propensity?: string };
  assert.equal(ipw.stabilize, true);
  assert.equal(ipw.propensity, 'logistic');
});

test('unknown key near a known one: line:col and did-you-mean', () => {
  const d = dir();
  const lines = errorLines(() => loadSpec(write(d, 'typo.yaml', MINIMAL.replace('outcomes:', 'outcomse:'))));
  assert.ok(lines.some((l) => /typo\.yaml:9:1 +\/outcomse +unknown key 'outcomse'; did you mean 'outcomes'\?/.test(l)), lines.join('\n'));
  // The missing section is reported too, at the document start.
  assert.ok(lines.some((l) => /typo\.yaml:1:1 +\/ +missing required key 'outcomes'/.test(l)), lines.join('\n'));
});

test('wrong type points at the value', () => {
  const d = dir();
  const lines = errorLines(() => loadSpec(write(d, 'type.yaml', MINIMAL.replace('{ modulus: 2 }', '{ modulus: "ten" }'))));
  assert.deepEqual(lines, [`${join(d, 'type.yaml').replace(process.cwd() + '/', '')}:5:23  /data/sample/modulus  must be integer (${ERRORS.SPEC_SCHEMA.help})`]);
});

test('missing required section', () => {
  const d = dir();
  const text = MINIMAL.replace(/treatment:\n.*\n.*\n/, '');
  const lines = errorLines(() => loadSpec(write(d, 'missing.yaml', text)));
  assert.equal(lines.length, 1);
  assert.match(lines[0], /missing\.yaml:1:1 +\/ +missing required key 'treatment'/);
});

test('unknown estimator kind and option, and an unknown model reference', () => {
  const d = dir();
  const a = errorLines(() => loadSpec(write(d, 'kind.yaml', MINIMAL.replace('kind: ipw,', 'kind: ipww,'))));
  assert.match(a[0], /kind\.yaml:13:22 +\/estimators\/1\/kind +unknown kind 'ipww'; did you mean 'ipw'\?/);
  const b = errorLines(() => loadSpec(write(d, 'opt.yaml', MINIMAL.replace('clip:', 'clipp:'))));
  assert.match(b[0], /opt\.yaml:13:27 +\/estimators\/1\/clipp +unknown key 'clipp'; did you mean 'clip'\?/);
  const c = errorLines(() => loadSpec(write(d, 'model.yaml', MINIMAL.replace('clip: [0.02, 0.98]', 'propensity: logistc'))));
  assert.match(c[0], /model\.yaml:13:39 +\/estimators\/1\/propensity +no model 'logistc' in models; did you mean 'logistic'\?/);
});

test('YAML syntax error has its line:col', () => {
  const d = dir();
  const lines = errorLines(() => loadSpec(write(d, 'syntax.yaml', 'spec: 1\nname: [a\nb: c\n')));
  assert.equal(lines.length, 1);
  assert.match(lines[0], /syntax\.yaml:3:1 +YAML syntax error/);
});

test('extends: deep merge, arrays replace, positions from the file that wrote each value', () => {
  const d = dir();
  write(d, 'base.yaml', MINIMAL);
  const child = write(
    d,
    'child.yaml',
    `extends: ./base.yaml
name: tiny-variant
data: { sample: { modulus: 5 } }
estimators:
  - { id: only, kind: difference_in_means }
`,
  );
  const loaded = loadSpec(child);
  assert.equal(loaded.spec.name, 'tiny-variant');
  assert.equal(loaded.spec.data.source, 'synthetic', 'kept from the parent');
  assert.equal(loaded.spec.data.sample?.modulus, 5, 'overridden by the child');
  assert.deepEqual(loaded.spec.estimators.map((e) => e.id), ['only'], 'arrays replace');
  assert.equal(loaded.spec.extends, undefined);
  assert.equal(loaded.source.values.get('/data/source')?.file.endsWith('base.yaml'), true);
  assert.equal(loaded.source.values.get('/data/sample/modulus')?.file.endsWith('child.yaml'), true);
  assert.equal(loaded.source.values.get('/estimators/1'), undefined, "the parent's replaced array items are gone");
  // An error in an inherited value is reported in the parent file.
  write(d, 'base2.yaml', MINIMAL.replace('clip: [0.02, 0.98]', 'clip: [0.02]'));
  const lines = errorLines(() => loadSpec(write(d, 'child2.yaml', 'extends: ./base2.yaml\nname: x\n')));
  assert.match(lines[0], /base2\.yaml:13:33 +\/estimators\/1\/clip/);
});

test('extends: a missing file or a cycle is an error at the extends line', () => {
  const d = dir();
  const missing = errorLines(() => loadSpec(write(d, 'm.yaml', 'name: m\nextends: ./nope.yaml\n')));
  assert.deepEqual(missing.length, 1);
  assert.match(missing[0], /m\.yaml:2:10 +\/extends +extends: file not found: .*nope\.yaml/);
  write(d, 'c1.yaml', 'extends: ./c2.yaml\n');
  write(d, 'c2.yaml', 'name: y\nextends: ./c1.yaml\n');
  const cycle = errorLines(() => loadSpec(join(d, 'c1.yaml')));
  assert.match(cycle[0], /c2\.yaml:2:10 +\/extends +extends cycle: .*c1\.yaml → .*c2\.yaml → .*c1\.yaml/);
});

test('a spec file that does not exist', () => {
  const lines = errorLines(() => loadSpec('/nonexistent/spec.yaml'));
  assert.match(lines[0], /spec\.yaml +spec file not found/);
});

test('sensitivity and heterogeneity blocks of the bounds: defaults, and an unknown estimator id at its line:col', () => {
  const d = dir();
  const spec = `${MINIMAL}sensitivity:\n  omitted_variable_bias: { benchmarks: [fans_user_num], estimators: [ipww] }\n  mediation_rho: {}\n`;
  const lines = errorLines(() => loadSpec(write(d, 'ovb.yaml', spec)));
  assert.match(lines[0], /ovb\.yaml:15:70 +\/sensitivity\/omitted_variable_bias\/estimators\/0 +no estimator 'ipww'; did you mean 'ipw'\?/);
  const ok = loadSpec(write(d, 'ovb-ok.yaml', spec.replace('[ipww]', '[ipw]') + 'heterogeneity:\n  by: {}\n  dr_learner: { modifiers: [fans_user_num] }\n'));
  const sens = ok.spec.sensitivity as { omitted_variable_bias: { multipliers: number[]; q: number; alpha: number }; mediation_rho: { step: number; variance: string } };
  assert.deepEqual(sens.omitted_variable_bias.multipliers, [1, 2, 3]);
  assert.equal(sens.omitted_variable_bias.alpha, 0.05);
  assert.deepEqual(sens.mediation_rho, { step: 0.05, variance: 'cluster' });
  assert.equal((ok.spec.heterogeneity as { dr_learner: { folds: number } }).dr_learner.folds, 5);
});
