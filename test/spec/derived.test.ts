/**
 * The spec's derived: section, checked before any data is read: a derived column may be named as an
 * outcome or covariate; qbin() anywhere else, a bad k, a non-numeric argument, a name the panel already
 * has, and the population naming a derived column are errors at the spec's file:line:col.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scratchDir } from '../scratch.js';
import { causewayHere } from '../support/cli.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const demo = join(root, 'specs', 'demo', 'long-term-effects.yaml');

/** `causeway validate` of a variant: main() in this process (test/support/cli.ts). */
async function validate(body: string): Promise<{ status: number | null; stderr: string; file: string }> {
  const file = join(scratchDir('derived'), 'variant.yaml');
  writeFileSync(file, `extends: ${demo}\n${body}`);
  const r = await causewayHere(['validate', file]);
  return { status: r.code, stderr: r.stderr, file };
}

test('derived columns validate as outcomes and covariates, qbin included', async () => {
  const r = await validate([
    'derived:',
    '  outcome_log1p: log1p(future_7day_interactions)',
    '  lag_q4: qbin(lag_1_interactions, 4)',
    '  lag_q4_high: lag_q4 >= 2',
    'outcomes: { primary: outcome_log1p, secondary: [future_7day_active_day] }',
    'covariates: { numeric: [calendar_day_index, lag_q4_high], categorical: [lag_q4] }',
    '',
  ].join('\n'));
  assert.equal(r.status, 0, r.stderr);
});

test('qbin errors and derived-name errors are located in the spec', async () => {
  const cases: Array<[string, RegExp]> = [
    // line 3 of the variant, the k at column 31
    ['derived:\n  q: qbin(lag_1_interactions, 1)\n', /variant\.yaml:3:31 .*whole number of bins from 2 to 1000/],
    ['derived:\n  q: qbin(user_active_degree, 4)\n', /variant\.yaml:3:11 .*qbin\(\) needs a number, but `user_active_degree` is categorical/],
    ['population: active_day and qbin(interactions, 4) >= 2\n', /variant\.yaml:2:28 .*belongs in a derived column \(derived:\)/],
    ['days:\n  q: qbin(count(), 4)\n', /variant\.yaml:3:6 .*belongs in a derived column/],
    ['derived:\n  interactions: log1p(interactions)\n', /variant\.yaml:3:17 .*derived column 'interactions' is already a panel column/],
    ['derived:\n  y_log: log1p(future_7day_interactions)\npopulation: active_day and y_log > 0\n', /variant\.yaml:4:28 .*unknown column `y_log`/],
  ];
  for (const [body, pattern] of cases) {
    const r = await validate(body);
    assert.equal(r.status, 1, body);
    assert.match(r.stderr, pattern, `${body}\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});
