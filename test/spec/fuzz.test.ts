// A seeded spec fuzzer: mutations of the demo specs (specs/demo/) go through what `causeway validate`
// does, and every outcome must be "valid" or located errors (file:line:col, or the file's path for a
// file that cannot be read), each on one line. An internal error (any other exception, a stack
// overflow) fails the test with the seed, the mutation and the spec text; a hang fails it through the
// test's timeout. CAUSEWAY_FUZZ=5000 runs more mutations, CAUSEWAY_FUZZ_SEED=<n> another sequence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { loadSpec } from '../../src/spec/load.js';
import { buildPlan } from '../../src/spec/plan.js';
import { checkSpecExpressions } from '../../src/run/compile.js';
import { CausewayError, CausewayErrors } from '../../src/errors.js';
import { Rng } from '../../src/rng.js';
import { tempDir } from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const COUNT = Number(process.env.CAUSEWAY_FUZZ ?? 300);
const SEED = Number(process.env.CAUSEWAY_FUZZ_SEED ?? 20261203);
const DEMOS = ['discovery-mediation.yaml', 'long-term-effects.yaml', 'discovery-mediation-robustness.yaml'];

/** Values that have broken parsers before: extremes, wrong types, prototype names, control characters. */
const NASTY: unknown[] = [
  -1, 0, 1, 2.5, 1e21, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, '', ' ', 'x', '__proto__', 'constructor', 'prototype',
  'a\nb', 'a\u0000b', '\u2028', 'x'.repeat(20_000), null, true, [], {}, [[[[[]]]]], { __proto__x: 1 }, '*x', '&a', '1 +', '((((1',
  'mean(', 'count()', 'watch_ratio >= 0.5', 'quantile(x, 2)', 'not not not true', "'unterminated", '1e400', '.nan', '-.inf',
  '../../../../etc/passwd', '/dev/zero', 'default', 'estimators.ipw.clip', { kind: 'gbm', trees: 1e9 }, { value: 'high' },
  { quantile: 1 }, ['lag_1_*', '*'], '(' .repeat(300) + 'x' + ')'.repeat(300), Array(400).fill('x').join(' + '),
];

/** Grid axis paths to try: real ones, list indices, unknown and prototype-reaching ones. */
const AXES = [
  'treatment.threshold.value', 'treatment.threshold', 'mediator', 'outcomes.primary', 'history.lag.days.0', 'history.lag.days.9',
  'history.future.days.1', 'history.lag.of.0', 'estimators.ipw.clip', 'estimators.nope.clip', 'estimators', 'models.gbm.trees',
  'models.gbm', 'data.sample.modulus', 'data.path', 'data.__proto__.x', 'constructor.prototype', 'seed', 'seed.x', 'sensitivity.grid',
  'covariates.numeric.0', 'days.interactions', 'events.x.y', 'population', '', '.', 'a..b', 'uncertainty.bootstrap.reps',
];

/** Text splices that stress the YAML reader itself. */
const SPLICES = [
  '\n%YAML 1.1\n', '\nx: &a [*a]\n', '\n<<: *nowhere\n', ': :', '\t', '"', "'", '[', ']', '{', '}', '&anchor ', '*alias',
  '\n---\n', '\n...\n', '- ', '? ', '!!binary ', '!!js/function ', '\u0000', '\uFEFF', '#', '|\n', '>-\n', '\\',
];

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.nextInt(items.length)];
}

/** Every [container, key] pair of a parsed spec, for picking a value to replace or remove. */
function slots(value: unknown, out: Array<[Record<string, unknown> | unknown[], string | number]> = [], seen = new Set<unknown>()) {
  // A text mutation may have made a self-referencing alias (x: &a [*a]): each container once.
  if (value === null || typeof value !== 'object' || seen.has(value)) return out;
  seen.add(value);
  if (Array.isArray(value)) value.forEach((v, i) => (out.push([value, i]), slots(v, out, seen)));
  else for (const [k, v] of Object.entries(value)) (out.push([value as Record<string, unknown>, k]), slots(v, out, seen));
  return out;
}

function nasty(rng: Rng): unknown {
  const v = pick(rng, NASTY);
  return typeof v === 'object' && v !== null ? structuredClone(v) : v;
}

/** One mutation of a demo spec's text; returns the new text and what was done (for the failure message). */
function mutate(rng: Rng, text: string): { text: string; what: string } {
  let kind = rng.nextInt(8);
  let spec: Record<string, unknown> | null = null;
  if (kind <= 3) {
    try {
      const parsed: unknown = parseYaml(text, { logLevel: 'silent' });
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) spec = parsed as Record<string, unknown>;
    } catch {
      spec = null; // an earlier text mutation broke the YAML: mutate the text again instead
    }
    if (!spec) kind = 4 + rng.nextInt(4);
  }
  if (spec) {
    const all = slots(spec);
    if (all.length === 0) return { text: text + '\nx: 1\n', what: 'added a key' };
    const [holder, key] = pick(rng, all);
    let what: string;
    if (kind === 0) {
      const v = nasty(rng);
      (holder as Record<string, unknown>)[key as string] = v;
      what = `set ${String(key)} = ${JSON.stringify(v)?.slice(0, 80)}`;
    } else if (kind === 1) {
      if (Array.isArray(holder)) holder.splice(key as number, 1);
      else delete holder[key as string];
      what = `removed ${String(key)}`;
    } else if (kind === 2 && !Array.isArray(holder)) {
      const name = String(pick(rng, ['__proto__', 'constructor', 'prototype', 'x', '', 'a.b', 'a b', 'kind', 'id', ...Object.keys(holder)]));
      const v = holder[key as string];
      delete holder[key as string];
      Object.defineProperty(holder, name, { value: v, enumerable: true, configurable: true, writable: true });
      what = `renamed ${String(key)} to ${JSON.stringify(name)}`;
    } else {
      const sensitivity = (spec.sensitivity ??= {}) as Record<string, unknown>;
      const grid = (sensitivity.grid ??= {}) as Record<string, unknown>;
      const axis = pick(rng, AXES);
      const values = Array.from({ length: 1 + rng.nextInt(3) }, () => nasty(rng));
      Object.defineProperty(grid, axis, { value: values, enumerable: true, configurable: true, writable: true });
      what = `grid axis ${JSON.stringify(axis)}: ${JSON.stringify(values).slice(0, 80)}`;
    }
    let out: string;
    try {
      out = stringifyYaml(spec, { lineWidth: 0 });
    } catch {
      out = text + '\n'; // a circular value cannot be written back: keep the text
    }
    return { text: out, what };
  }
  if (kind <= 5) {
    const at = rng.nextInt(text.length + 1);
    const splice = pick(rng, SPLICES);
    return { text: text.slice(0, at) + splice + text.slice(at), what: `inserted ${JSON.stringify(splice)} at ${at}` };
  }
  if (kind === 6) {
    const lines = text.split('\n');
    const i = rng.nextInt(lines.length);
    const j = rng.nextInt(lines.length);
    lines.splice(j, 0, lines[i]);
    return { text: lines.join('\n'), what: `copied line ${i + 1} to ${j + 1}` };
  }
  const at = rng.nextInt(text.length + 1);
  return { text: text.slice(0, at), what: `truncated at ${at}` };
}

/** Why an outcome is not acceptable, or null: every error located and on one line. */
function problem(e: unknown): string | null {
  if (!(e instanceof CausewayError || e instanceof CausewayErrors)) {
    return `internal error: ${e instanceof Error ? `${e.name}: ${e.message.slice(0, 300)}\n${e.stack?.split('\n').slice(1, 6).join('\n')}` : String(e)}`;
  }
  const errors = e instanceof CausewayErrors ? e.errors : [e];
  if (errors.length === 0) return 'an empty error list';
  for (const err of errors) {
    const line = err.format();
    if (/[\n\r]/.test(line)) return `an error of more than one line: ${JSON.stringify(line).slice(0, 300)}`;
    if (/\bat .+:\d+:\d+\)/.test(line)) return `a stack trace in an error: ${line.slice(0, 300)}`;
    const w = err.where;
    if (w.kind === 'spec' ? !(w.line >= 1 && w.col >= 1 && w.file) : w.kind !== 'path') return `an error without a location: ${line.slice(0, 300)}`;
  }
  return null;
}

test(`spec fuzzer: ${COUNT} seeded mutations of the demo specs validate or fail with located errors`, { timeout: 10 * 60_000 }, (t) => {
  const dir = tempDir('causeway-fuzz-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const demo of DEMOS) copyFileSync(join(root, 'specs', 'demo', demo), join(dir, demo));
  const texts = DEMOS.map((demo) => readFileSync(join(dir, demo), 'utf8'));
  const failures: string[] = [];
  const outcomes = { valid: 0, rejected: 0 };
  for (let i = 0; i < COUNT && failures.length < 5; i++) {
    const rng = new Rng(SEED, 'spec-fuzz', i);
    // The grid spec costs most to validate (12 cells): a quarter of the mutations.
    const base = rng.nextInt(4) === 0 ? 2 : rng.nextInt(2);
    let { text, what } = mutate(rng, texts[base]);
    if (rng.nextInt(3) === 0) {
      const again = mutate(rng, text);
      text = again.text;
      what += `; ${again.what}`;
    }
    const file = join(dir, `mutant-${i}.yaml`);
    writeFileSync(file, text);
    try {
      const loaded = loadSpec(file);
      const plan = buildPlan(loaded);
      checkSpecExpressions(loaded, plan);
      outcomes.valid++;
    } catch (e) {
      const why = problem(e);
      if (why) failures.push(`mutation ${i} (seed ${SEED}) of ${DEMOS[base]}: ${what}\n${why}\n--- spec ---\n${text.slice(0, 2000)}`);
      else outcomes.rejected++;
    }
    rmSync(file, { force: true });
  }
  assert.deepEqual(failures, [], failures.join('\n\n'));
  // A fuzzer whose mutants all fail to parse (or all pass) tests little: both kinds must occur.
  assert.ok(outcomes.valid > 0 && outcomes.rejected > 0, JSON.stringify(outcomes));
});
