// Usage mistakes in causeway's own words: did-you-mean for commands and options, exit 2 for every
// usage error (shard indices included), bounds on numeric options, and --json for validate.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { causeway, causewayHere, type CliResult } from '../support/cli.js';

const demo = 'specs/demo/discovery-mediation.yaml';
const scratch = mkdtempSync(join(tmpdir(), 'causeway-usage-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** main() in this process (test/support/cli.ts); `run` with a shard in a process of its own, as it starts a worker before it reads the shard. */
async function usage(args: string[], message: RegExp, own = false): Promise<void> {
  const r: CliResult = own ? causeway(args) : await causewayHere(args);
  assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
  assert.match(r.stderr, message, args.join(' '));
  assert.doesNotMatch(r.stderr, /TypeError|ERR_PARSE_ARGS|\n\s+at .+:\d+:\d+/);
}

test('mistyped commands and options get a suggestion', async () => {
  await usage(['rnu', demo], /unknown command 'rnu' \(did you mean 'run'\?\)/);
  await usage(['valdiate', demo], /did you mean 'validate'\?/);
  await usage(['run', demo, '--jbos', '2'], /unknown option --jbos; did you mean --jobs\?/);
  await usage(['compare', 'a', 'b', '--fail-onn', 'any'], /did you mean --fail-on\?/);
  await usage(['run', demo, '--zzzzzz'], /unknown option --zzzzzz\n/);
});

test('option values: missing, unexpected, out of bounds — all exit 2 in our words', async () => {
  await usage(['run', demo, '--jobs'], /--jobs needs a value/);
  await usage(['run', demo, '--quiet=yes'], /--quiet takes no value/);
  await usage(['run', demo, '--jobs', '1e9'], /--jobs takes a whole number from 1 to 256 \(got '1e9'\)/);
  await usage(['run', demo, '--jobs', '0'], /--jobs takes a whole number from 1 to 256/);
  await usage(['synth', '--users', '2.5'], /--users takes a whole number/);
  await usage(['merge', 'x', '--wait', '-1'], /--wait needs a value \(for one that starts with '-', write --wait=-…\)/);
  await usage(['merge', 'x', '--wait=-1'], /--wait takes a whole number from 0/);
  await usage(['compare', 'a', 'b', '--fail-on', 'sign-flip,everything'], /--fail-on takes sign-flip, zero-crossing, status, cells, any \(got 'everything'\)/);
});

test('shard indices out of range are usage errors (exit 2), before any work', async () => {
  await usage(['run', demo, '--shard', '3/2'], /shard 3 is outside 1\.\.2/, true);
  await usage(['run', demo, '--shard', '0/3'], /shard 0 is outside 1\.\.3/, true);
  await usage(['run', demo, '--shard', 'two'], /--shard takes k\/n/, true);
});

test('validate --json: one entry per spec, errors with code, location and text', async () => {
  const bad = join(scratch, 'bad.yaml');
  writeFileSync(bad, `extends: ${join(process.cwd(), demo)}\nname: bad\nmediatr: x\n`);
  const r = await causewayHere(['validate', demo, bad, '--json']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, '', 'with --json the errors are in the JSON, not on stderr');
  const entries = JSON.parse(r.stdout) as Array<{ file: string; ok: boolean; cells?: number; errors: Array<{ code: string; where: { kind: string; line?: number }; text: string }> }>;
  assert.equal(entries.length, 2);
  assert.deepEqual([entries[0]!.ok, entries[0]!.cells], [true, 1]);
  assert.equal(entries[1]!.ok, false);
  const err = entries[1]!.errors[0]!;
  assert.equal(err.where.kind, 'spec');
  assert.equal(err.where.line, 3);
  assert.match(err.text, /bad\.yaml:3:1/);
});
