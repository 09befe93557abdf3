// The error catalogue (src/error-catalogue.ts) against the source: every code src/ uses is catalogued,
// every catalogued code is used, every warning text an emitter writes has a code, and docs/errors.md
// is generated from the current catalogue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { DATA_QUALITY_CHECKS, ERRORS, WARNINGS, classifyWarning, qualityCheckKind, type WarningCode } from '../../src/error-catalogue.js';
import { CausewayError } from '../../src/errors.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

const parsed = sourceFiles(join(root, 'src'))
  .filter((f) => !f.endsWith('error-catalogue.ts'))
  .map((f) => ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true));

function visitAll(visit: (node: ts.Node, file: ts.SourceFile) => void): void {
  for (const sf of parsed) {
    const walk = (n: ts.Node): void => {
      visit(n, sf);
      ts.forEachChild(n, walk);
    };
    walk(sf);
  }
}

const where = (n: ts.Node, sf: ts.SourceFile) => `${relative(root, sf.fileName)}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;

const CODE_SHAPE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;
const prefixes = new Set(Object.keys(ERRORS).map((c) => c.split('_')[0]));

/**
 * Error codes in src/: the literal first argument of every `new CausewayError(…)`, and every other
 * code-shaped literal with a catalogued prefix (codes handed to wrappers such as expressionError, or
 * listed in sets such as the design failures of estimate/ml/register.ts). Environment variable names
 * (SLURM_ARRAY_TASK_ID, …) have other prefixes.
 */
function errorCodesInSource(): { codes: Map<string, string>; constructed: Map<string, string> } {
  const codes = new Map<string, string>();
  const constructed = new Map<string, string>();
  visitAll((n, sf) => {
    if (ts.isNewExpression(n) && n.expression.getText(sf) === 'CausewayError') {
      const first = n.arguments?.[0];
      if (first && ts.isStringLiteral(first)) constructed.set(first.text, where(n, sf));
    }
    if (ts.isStringLiteral(n) && CODE_SHAPE.test(n.text) && prefixes.has(n.text.split('_')[0]) && !codes.has(n.text)) codes.set(n.text, where(n, sf));
  });
  for (const [code, at] of constructed) if (!codes.has(code)) codes.set(code, at);
  return { codes, constructed };
}

/** A warning text expression as a regex: literal parts escaped, `${…}` holes match anything. */
function textPatterns(e: ts.Expression | undefined): RegExp[] {
  if (!e) return [];
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (ts.isParenthesizedExpression(e)) return textPatterns(e.expression);
  if (ts.isConditionalExpression(e)) return [...textPatterns(e.whenTrue), ...textPatterns(e.whenFalse)];
  if (ts.isArrayLiteralExpression(e)) return e.elements.flatMap((x) => (ts.isSpreadElement(x) ? [] : textPatterns(x)));
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [new RegExp(`^${esc(e.text)}$`)];
  if (ts.isTemplateExpression(e)) return [new RegExp(`^${esc(e.head.text)}${e.templateSpans.map((s) => `.*${esc(s.literal.text)}`).join('')}$`, 's')];
  return [];
}

/**
 * Warning texts written in src/: arguments of `<…warnings>.push(…)`, values of `warnings`/`warning`
 * properties and variables, and what functions named `…Warning(s)` return. Spread elements and
 * identifiers are warnings passed on, counted where they were written.
 */
function warningEmitters(): { at: string; pattern: RegExp }[] {
  const out: { at: string; pattern: RegExp }[] = [];
  const isWarnings = (name: string) => /warnings?$/i.test(name);
  visitAll((n, sf) => {
    let found: RegExp[] = [];
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'push' && isWarnings(n.expression.expression.getText(sf))) {
      found = n.arguments.flatMap((a) => (ts.isSpreadElement(a) ? [] : textPatterns(a)));
    } else if ((ts.isPropertyAssignment(n) || ts.isVariableDeclaration(n)) && isWarnings(n.name.getText(sf))) {
      found = textPatterns(n.initializer);
    } else if (ts.isReturnStatement(n)) {
      let fn: ts.Node | undefined = n.parent;
      while (fn && !ts.isFunctionLike(fn)) fn = fn.parent;
      const name = fn && (ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) ? fn.name?.getText(sf) : undefined;
      if (name && isWarnings(name)) found = textPatterns(n.expression);
    }
    for (const pattern of found) out.push({ at: where(n, sf), pattern });
  });
  return out;
}

test('every error code used in src/ is in the catalogue, and every catalogued code is used', () => {
  const { codes, constructed } = errorCodesInSource();
  assert.ok(constructed.size > 50, `found only ${constructed.size} codes in new CausewayError(…): the scan is broken`);
  const missing = [...codes].filter(([c]) => !(c in ERRORS)).map(([c, at]) => `${c} (${at})`);
  assert.deepEqual(missing, [], 'codes used in src/ but not in src/error-catalogue.ts ERRORS');
  const unused = Object.keys(ERRORS).filter((c) => !codes.has(c));
  assert.deepEqual(unused, [], 'catalogued error codes no source file uses: remove them from src/error-catalogue.ts');
});

test('every catalogue entry says what the problem means and what to do', () => {
  for (const [code, e] of [...Object.entries(ERRORS), ...Object.entries(WARNINGS), ...Object.entries(DATA_QUALITY_CHECKS)]) {
    assert.ok(e.message.trim().length > 10 && !e.message.includes('\n'), `${code}: message`);
    assert.ok(e.help.trim().length > 10 && !e.help.includes('\n'), `${code}: help`);
  }
});

test('every warning text written in src/ has a catalogued code, and every catalogued warning is written', () => {
  const emitters = warningEmitters();
  assert.ok(emitters.length >= 15, `found only ${emitters.length} warning emitters: the scan is broken`);
  const examples = Object.entries(WARNINGS).flatMap(([code, w]) => w.examples.map((text) => ({ code: code as WarningCode, text })));
  for (const { at, pattern } of emitters) {
    const codes = new Set(examples.filter((x) => pattern.test(x.text)).map((x) => x.code));
    assert.equal(codes.size, 1, `${at}: the warning ${pattern} should match the examples of exactly one warning in src/error-catalogue.ts WARNINGS, matches ${[...codes].join(', ') || 'none'}`);
  }
  for (const x of examples) {
    assert.ok(emitters.some((e) => e.pattern.test(x.text)), `${x.code}: no emitter in src/ writes "${x.text}"`);
    assert.equal(classifyWarning(x.text), x.code, `classifyWarning of its own example "${x.text}"`);
    assert.equal(classifyWarning(`ipw_main: outcome model: ${x.text}`), x.code, 'prefixes are ignored');
  }
  assert.equal(classifyWarning('something no emitter writes'), undefined);
});

test('every warning and data-quality check in the golden examples is catalogued', () => {
  const dir = join(root, 'test', 'examples');
  const warnings = new Set<string>();
  const checks = new Set<string>();
  const collect = (v: unknown, key?: string): void => {
    if (Array.isArray(v)) {
      for (const x of v) {
        if (key === 'warnings' && typeof x === 'string') warnings.add(x);
        else if (key === 'quality' && x && typeof x === 'object') checks.add((x as { check: string }).check);
        else collect(x);
      }
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) collect(x, k);
    }
  };
  for (const name of readdirSync(dir)) {
    if (statSync(join(dir, name)).isDirectory()) collect(JSON.parse(readFileSync(join(dir, name, 'results.json'), 'utf8')));
  }
  assert.ok(warnings.size > 0 && checks.size > 0, 'the golden examples hold warnings and quality checks');
  for (const w of warnings) assert.ok(classifyWarning(w), `no catalogued warning matches "${w}"`);
  for (const c of checks) assert.ok(qualityCheckKind(c) in DATA_QUALITY_CHECKS, `data-quality check ${c} is not in DATA_QUALITY_CHECKS`);
});

test('every data-quality check written in src/ is catalogued, and every catalogued check is written', () => {
  const written = new Map<string, string>();
  visitAll((n, sf) => {
    if (!ts.isObjectLiteralExpression(n)) return;
    const props = new Map(n.properties.filter(ts.isPropertyAssignment).map((p) => [p.name.getText(sf), p.initializer]));
    const check = props.get('check');
    if (check && ts.isStringLiteral(check) && props.has('action')) written.set(check.text, where(n, sf));
    // a template literal check id names its kind before the first ':' (`missing_cells:${table}.${name}`)
    if (check && ts.isTemplateExpression(check) && props.has('action')) written.set(qualityCheckKind(check.head.text), where(n, sf));
  });
  assert.deepEqual([...written].filter(([c]) => !(c in DATA_QUALITY_CHECKS)).map(([c, at]) => `${c} (${at})`), []);
  assert.deepEqual(Object.keys(DATA_QUALITY_CHECKS).filter((c) => !written.has(c)), []);
});

test("an error without a hint of its own shows the catalogue's help line", () => {
  const bare = new CausewayError('DATA_EMPTY_SAMPLE', 'the sample keeps no interactions', { kind: 'path', path: 'a.zip' });
  assert.equal(bare.hint, ERRORS.DATA_EMPTY_SAMPLE.help);
  assert.equal(bare.format(), `a.zip  the sample keeps no interactions (${ERRORS.DATA_EMPTY_SAMPLE.help})`);
  const own = new CausewayError('DATA_EMPTY_SAMPLE', 'the sample keeps no interactions', { kind: 'none' }, 'choose another remainder');
  assert.equal(own.format(), 'the sample keeps no interactions (choose another remainder)');
});

test('docs/errors.md is generated from the current catalogue', async () => {
  const { generateErrorsDoc } = (await import(`${root}scripts/gen-errors.mjs`)) as { generateErrorsDoc(): Promise<string> };
  assert.equal(readFileSync(`${root}docs/errors.md`, 'utf8'), await generateErrorsDoc(), 'docs/errors.md is stale: run npm run gen:docs');
});
