// Templates print nothing outside report.md, internal helpers are a located error, and a template is
// read only as a bounded regular file (src/report/template.ts, src/spec/project.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderTemplate, resolveTemplate } from '../../src/report/template.js';
import { buildReportModel } from '../../src/report/model.js';
import { CausewayError } from '../../src/errors.js';
import { exampleResults } from './fixture.js';

function renderFile(t: { after(fn: () => void): void }, text: string): { dir: string; file: string; render(): string } {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-tplh-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'team.md.hbs');
  writeFileSync(file, text);
  return { dir, file, render: () => renderTemplate({ model: buildReportModel(exampleResults()), figures: [], template: { kind: 'file', path: file } }) };
}

test('{{log}} in a template writes nothing to the console', (t) => {
  const r = renderFile(t, 'A{{log "leaked" level="error"}}B{{log title}}C\n');
  const written: string[] = [];
  const original = { log: console.log, error: console.error, warn: console.warn, info: console.info, debug: console.debug };
  const stderrWrite = process.stderr.write.bind(process.stderr);
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  for (const k of Object.keys(original) as Array<keyof typeof original>) console[k] = (...a: unknown[]) => void written.push(a.join(' '));
  process.stderr.write = ((chunk: unknown) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
  process.stdout.write = ((chunk: unknown) => (written.push(String(chunk)), true)) as typeof process.stdout.write;
  let md: string;
  try {
    md = r.render();
  } finally {
    Object.assign(console, original);
    process.stderr.write = stderrWrite;
    process.stdout.write = stdoutWrite;
  }
  assert.equal(md, 'ABC\n');
  assert.deepEqual(written, []);
});

test('{{helperMissing}} and its kin are a located template error', (t) => {
  for (const [text, line, col] of [['x\n  {{helperMissing}}\n', 2, 3], ['{{#blockHelperMissing}}y{{/blockHelperMissing}}', 1, 1], ['{{title}} {{md (helperMissing 1)}}', 1, 16]] as const) {
    const r = renderFile(t, text);
    assert.throws(r.render, (e: unknown) => {
      assert.ok(e instanceof CausewayError);
      assert.equal(e.code, 'REPORT_TEMPLATE_ERROR');
      assert.deepEqual(e.where, { kind: 'spec', file: r.file, line, col });
      assert.match(e.message, /Handlebars internal/);
      return true;
    });
  }
  // A syntax error names its line, and the message does not quote the template's text.
  const broken = renderFile(t, 'a\nb {{#if title}}SECRET-TEXT\n');
  assert.throws(broken.render, (e: unknown) => e instanceof CausewayError && e.where.kind === 'spec' && e.where.line === 3 && !/SECRET/.test(e.format()));
});

test('a template must be a bounded regular file in the project; errors never quote it', (t) => {
  const r = renderFile(t, 'ok');
  execFileSync('mkfifo', [join(r.dir, 'fifo.hbs')]);
  writeFileSync(join(r.dir, 'big.hbs'), 'x'.repeat((1 << 20) + 1));
  const refuse = (value: string, code: string, message: RegExp) =>
    assert.throws(() => resolveTemplate(value, join(r.dir, 'spec.yaml')), (e: unknown) => e instanceof CausewayError && e.code === code && message.test(e.message) && !/root:/.test(e.format()));
  refuse('fifo.hbs', 'REPORT_TEMPLATE_READ', /not a regular file/);
  refuse('big.hbs', 'REPORT_TEMPLATE_READ', /at most 1048576/);
  refuse('/etc/passwd', 'REPORT_TEMPLATE_OUTSIDE', /outside the spec's project/);
  refuse('../../../../../../etc/passwd', 'REPORT_TEMPLATE_OUTSIDE', /outside the spec's project/);
  assert.deepEqual(resolveTemplate('team.md.hbs', join(r.dir, 'spec.yaml')), { kind: 'file', path: r.file });
});
