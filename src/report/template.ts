/**
 * Handlebars for reports. An isolated instance (Handlebars.create()), prototype access off, and a
 * context in which every string from data or the spec is already Markdown-escaped; tables and figures
 * are pre-rendered Markdown (SafeString). Templates are compiled with noEscape (HTML escaping would
 * mangle Markdown), so the escaping happens once, here, when the context is built.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve, isAbsolute, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { CausewayError, type ErrorLocation } from '../errors.js';
import { MAX_TEMPLATE_BYTES, ProjectReadError, projectRoots, readProjectFile } from '../spec/project.js';
import { loadStampedModule } from '../spec/prebuilt-validator.js';
import { escapeMarkdown, formatInterval, formatInteger, formatNumber, formatPercent, markdownTable, zeroVerdict, type ReportTable } from './format.js';
import type { ReportModel } from './model.js';

/** Where a report template comes from: the bundled default or a file (a spec's `report.template`). */
export type TemplateRef = { kind: 'default' } | { kind: 'file'; path: string };

const MAIN = 'report.md.hbs';

/** Finds the project's templates/ folder from this module (works from src/ under tsx and from dist/). */
export function defaultTemplateDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'templates', 'default');
    if (existsSync(join(candidate, MAIN))) return candidate;
    dir = dirname(dir);
  }
  throw new CausewayError('REPORT_TEMPLATE_MISSING', 'the default report template (templates/default/report.md.hbs) was not found next to causeway');
}

/**
 * A spec's `report.template` value: "default" (or absent) → the bundled template; otherwise a path
 * relative to the spec (`specFileOrDir` is the spec file or its folder). Missing files are an error
 * at resolve time, not at render time.
 */
export function resolveTemplate(value: string | undefined | null, specFileOrDir?: string): TemplateRef {
  if (value === undefined || value === null || value === '' || value === 'default') return { kind: 'default' };
  let base = process.cwd();
  if (specFileOrDir) {
    const p = resolve(specFileOrDir);
    base = existsSync(p) && statSync(p).isDirectory() ? p : dirname(p);
  }
  const path = isAbsolute(value) ? value : resolve(base, value);
  // The template must be a regular file of bounded size in the spec's project (without a spec: the
  // working folder's tree); read now so a refusal is reported before any work (src/spec/project.ts).
  try {
    readProjectFile(path, projectRoots(base), MAX_TEMPLATE_BYTES, 'report template');
  } catch (e) {
    if (!(e instanceof ProjectReadError)) throw e;
    const code = e.reason === 'missing' ? 'REPORT_TEMPLATE_MISSING' : e.reason === 'outside' ? 'REPORT_TEMPLATE_OUTSIDE' : 'REPORT_TEMPLATE_READ';
    throw new CausewayError(code, e.reason === 'missing' ? `report template not found: ${value}` : e.detail, { kind: 'path', path },
      e.reason === 'missing' ? 'the path is relative to the spec file' : undefined);
  }
  return { kind: 'file', path };
}

/** Partials a template folder may bring (partials/*.hbs). */
const MAX_TEMPLATE_PARTIALS = 200;

/** Reads a template or partial: a regular file of bounded size inside `root`; errors name the path only. */
function readTemplateFile(path: string, root: string, what: string): string {
  try {
    return readProjectFile(path, [root], MAX_TEMPLATE_BYTES, what);
  } catch (e) {
    if (!(e instanceof ProjectReadError)) throw e;
    throw new CausewayError(e.reason === 'missing' ? 'REPORT_TEMPLATE_MISSING' : 'REPORT_TEMPLATE_READ', e.detail, { kind: 'path', path });
  }
}

/** Figure files as written: file stem → relative path, alt text and title. */
export interface RenderedFigure {
  file: string;
  path: string;
  alt: string;
  title: string;
}

interface RenderInput {
  model: ReportModel;
  figures: RenderedFigure[];
  /** artifact index table (rendered at the end of the report) */
  artifacts?: ReportTable;
  /** relative prefix for links to tables/figures (e.g. '' in the run dir) */
  linkPrefix?: string;
  /** which template to use (default: bundled) */
  template?: TemplateRef;
}

function loadPartials(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const pdir = join(dir, 'partials');
  if (!existsSync(pdir)) return out;
  const names = readdirSync(pdir).filter((name) => name.endsWith('.hbs')).sort();
  if (names.length > MAX_TEMPLATE_PARTIALS) {
    throw new CausewayError('REPORT_TEMPLATE_READ', `more than ${MAX_TEMPLATE_PARTIALS} partials`, { kind: 'path', path: pdir });
  }
  for (const name of names) out[basename(name, '.hbs')] = readTemplateFile(join(pdir, name), dir, 'template partial');
  return out;
}

/** How every report template and partial is compiled (at run time, or at build time for the default one). */
const COMPILE_OPTIONS = { noEscape: true, strict: false };

/**
 * The default template precompiled at build time: scripts/postbuild.mjs writes Handlebars.precompile's
 * code of the main template and its partials into this module beside this file, stamped with the hash of
 * the files it was made from, so a run does not compile them (about 0.1 s of the report's time, after the
 * cells). A missing or stale module means the templates are compiled here, as for a custom template.
 */
export const PREBUILT_TEMPLATE = 'default-template.generated.cjs';

type TemplateSpec = Parameters<typeof Handlebars.template>[0];
interface PrebuiltTemplate {
  templateHash: string;
  main: TemplateSpec;
  partials: Record<string, TemplateSpec>;
}

/** The hash that ties the precompiled module to the default template's main file and partials. */
export function templateSourcesHash(main: string, partials: Record<string, string>): string {
  const h = createHash('sha256').update(main);
  for (const name of Object.keys(partials).sort()) h.update(`\0${name}\0${partials[name]}`);
  return h.digest('hex');
}

/**
 * The precompiled default partials (and main template, when `main` is the default template's text) if
 * the build's module matches these sources; else null. `main` null: a custom template, partials only.
 */
function loadPrebuiltTemplate(main: string | null, partials: Record<string, string>): { main: TemplateSpec | null; partials: Record<string, TemplateSpec> } | null {
  const defaultMain = main ?? readFileSync(join(defaultTemplateDir(), MAIN), 'utf8');
  const path = fileURLToPath(new URL(PREBUILT_TEMPLATE, import.meta.url));
  const mod = loadStampedModule<PrebuiltTemplate>(path, 'templateHash', templateSourcesHash(defaultMain, partials));
  if (!mod) return null;
  return { main: main === null ? null : mod.main, partials: mod.partials };
}

/** Whether the build's precompiled module is current for the default template's files (else the template is compiled at run time). */
export function defaultTemplatePrecompiled(): boolean {
  const dir = defaultTemplateDir();
  return loadPrebuiltTemplate(readFileSync(join(dir, MAIN), 'utf8'), loadPartials(dir)) !== null;
}

/**
 * The module text scripts/postbuild.mjs writes as PREBUILT_TEMPLATE: the default template and its
 * partials precompiled with the options used at run time. Throws if the template calls a Handlebars internal.
 */
export function precompiledDefaultTemplate(): string {
  const dir = defaultTemplateDir();
  const main = readFileSync(join(dir, MAIN), 'utf8');
  const partials = loadPartials(dir);
  const hb = Handlebars.create();
  for (const [name, text] of [['(main)', main] as const, ...Object.entries(partials)]) {
    const internal = internalHelperCall(hb, text);
    if (internal) throw new Error(`the default report template's ${name} calls ${internal.name}`);
  }
  const names = Object.keys(partials).sort();
  return `/* Generated from templates/default by scripts/postbuild.mjs (Handlebars.precompile). Do not edit. */\n`
    + `module.exports = {\n  templateHash: ${JSON.stringify(templateSourcesHash(main, partials))},\n`
    + `  main: ${hb.precompile(main, COMPILE_OPTIONS)},\n`
    + `  partials: {\n${names.map((name) => `    ${JSON.stringify(name)}: ${hb.precompile(partials[name]!, COMPILE_OPTIONS)},\n`).join('')}  },\n};\n`;
}

/** Helpers a template may not call: Handlebars internals, which fail with a JavaScript error when called by name. */
const INTERNAL_HELPERS = new Set(['helperMissing', 'blockHelperMissing']);

/** The first call of an internal helper in a template, with its line and column (1-based). */
function internalHelperCall(hb: typeof Handlebars, source: string): { name: string; line: number; col: number } | null {
  let found: { name: string; line: number; col: number } | null = null;
  const visit = (node: unknown): void => {
    if (found || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    const n = node as { type?: string; path?: { original?: unknown }; loc?: { start: { line: number; column: number } } };
    if ((n.type === 'MustacheStatement' || n.type === 'BlockStatement' || n.type === 'SubExpression') && typeof n.path?.original === 'string' && INTERNAL_HELPERS.has(n.path.original)) {
      found = { name: n.path.original, line: n.loc?.start.line ?? 1, col: (n.loc?.start.column ?? 0) + 1 };
      return;
    }
    for (const [key, value] of Object.entries(n)) if (key !== 'loc') visit(value);
  };
  visit(hb.parse(source));
  return found;
}

/** Deep copy with every string Markdown-escaped (SafeStrings and numbers left alone). Own keys only. */
function escapeDeep(value: unknown): unknown {
  if (typeof value === 'string') return escapeMarkdown(value);
  if (value instanceof Handlebars.SafeString) return value;
  if (Array.isArray(value)) return value.map(escapeDeep);
  if (value !== null && typeof value === 'object') {
    // a null-prototype object: nothing reachable through __proto__/constructor even if a key is named so
    const out: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(value)) out[key] = escapeDeep((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

function tableMarkdown(t: ReportTable, prefix: string): string {
  return `*${escapeMarkdown(t.title)}* ([CSV](${prefix}tables/${t.id}.csv))\n\n${markdownTable(t)}`;
}

function figureMarkdown(f: RenderedFigure, prefix: string): string {
  return `![${escapeMarkdown(f.alt)}](${prefix}${f.path})\n\n*Figure: ${escapeMarkdown(f.title)}.*`;
}

/** Renders report.md text from a report model and the figures written for it. */
export function renderTemplate(input: RenderInput): string {
  const prefix = input.linkPrefix ?? '';
  const tables = new Map(input.model.tables.map((t) => [t.id, t]));
  if (input.artifacts) tables.set(input.artifacts.id, input.artifacts);
  const figures = new Map(input.figures.map((f) => [f.file, f]));
  const hb = Handlebars.create();

  const safe = (s: string) => new hb.SafeString(s);
  const notRun = (what: unknown) => safe(`_${typeof what === 'string' && what ? escapeMarkdown(what) : 'This section'} was not run in this spec._`);
  const num = (x: unknown, digits?: unknown) => safe(formatNumber(typeof x === 'number' ? x : null, typeof digits === 'number' ? digits : undefined));
  hb.registerHelper('num', (x: unknown, digits: unknown) => num(x, digits));
  hb.registerHelper('int', (x: unknown) => safe(formatInteger(typeof x === 'number' ? x : null)));
  hb.registerHelper('pct', (x: unknown, digits: unknown) => safe(formatPercent(typeof x === 'number' ? x : null, typeof digits === 'number' ? digits : 1)));
  hb.registerHelper('ci', (lo: unknown, hi: unknown) => {
    if (Array.isArray(lo)) return safe(formatInterval(lo as [number, number]));
    return safe(typeof lo === 'number' && typeof hi === 'number' ? formatInterval([lo, hi]) : '—');
  });
  hb.registerHelper('zero', (lo: unknown, hi: unknown) => {
    if (Array.isArray(lo)) return safe(zeroVerdict(lo as [number, number]));
    return safe(typeof lo === 'number' && typeof hi === 'number' ? zeroVerdict([lo, hi]) : 'no interval');
  });
  hb.registerHelper('md', (x: unknown) => safe(escapeMarkdown(x instanceof hb.SafeString ? x.toString() : x)));
  hb.registerHelper('table', (id: unknown) => {
    const t = typeof id === 'string' ? tables.get(id) : undefined;
    return t && t.rows.length ? safe(tableMarkdown(t, prefix)) : safe('');
  });
  hb.registerHelper('hasTable', (id: unknown) => typeof id === 'string' && (tables.get(id)?.rows.length ?? 0) > 0);
  hb.registerHelper('figure', (file: unknown) => {
    const f = typeof file === 'string' ? figures.get(file) : undefined;
    return f ? safe(figureMarkdown(f, prefix)) : safe('');
  });
  hb.registerHelper('hasFigure', (file: unknown) => typeof file === 'string' && figures.has(file));
  hb.registerHelper('notRun', (what: unknown) => notRun(what));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hb.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  // Handlebars' own log helper writes to the console: a template prints nothing outside report.md.
  hb.registerHelper('log', () => '');

  const dir = defaultTemplateDir();
  const defaultPartials = loadPartials(dir);
  const ref = input.template ?? { kind: 'default' };
  const defaultSource = ref.kind === 'default' ? readFileSync(join(dir, MAIN), 'utf8') : null;
  // the build's precompiled default template when it was made from these files (checked by their hash)
  const prebuilt = loadPrebuiltTemplate(defaultSource, defaultPartials);
  for (const [name, text] of Object.entries(defaultPartials)) hb.registerPartial(name, prebuilt ? hb.template(prebuilt.partials[name]!) : text);
  let source: string;
  let origin: string;
  if (ref.kind === 'default') {
    origin = join(dir, MAIN);
    source = defaultSource!;
  } else {
    origin = ref.path;
    source = readTemplateFile(origin, dirname(origin), 'report template');
    // a custom template may bring its own partials folder next to it
    for (const [name, text] of Object.entries(loadPartials(dirname(origin)))) hb.registerPartial(name, text);
  }

  // sections: facts escaped; parts resolved to rendered Markdown
  const sections: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(input.model.sections)) {
    const parts: Record<string, unknown> = {};
    for (const [part, ref2] of Object.entries(s.parts)) {
      if (ref2.kind === 'table') {
        const t = tables.get(ref2.id);
        if (t) parts[part] = safe(tableMarkdown(t, prefix));
      } else {
        const f = figures.get(ref2.id);
        if (f) parts[part] = safe(figureMarkdown(f, prefix));
      }
    }
    const figs = s.figures.map((file) => figures.get(file)).filter((f): f is RenderedFigure => !!f);
    sections[name] = {
      available: s.available || figs.length > 0,
      lines: s.lines,
      parts,
      tables: s.tables.map((id) => safe(tableMarkdown(tables.get(id)!, prefix))),
      figures: figs.map((f) => safe(figureMarkdown(f, prefix))),
    };
  }
  const context = escapeDeep({
    ...input.model.facts,
    sections,
    artifacts: input.artifacts && input.artifacts.rows.length ? safe(tableMarkdown(input.artifacts, prefix)) : null,
  });
  let template: ReturnType<typeof hb.compile>;
  const at = (line: number, col: number): ErrorLocation => ({ kind: 'spec', file: origin, line, col });
  try {
    if (prebuilt?.main) template = hb.template(prebuilt.main);
    else {
      const internal = internalHelperCall(hb, source);
      if (internal) throw new CausewayError('REPORT_TEMPLATE_ERROR', `report template calls '${internal.name}', a Handlebars internal that templates cannot call`, at(internal.line, internal.col));
      template = hb.compile(source, COMPILE_OPTIONS);
    }
    const out = template(context, {
      allowProtoPropertiesByDefault: false,
      allowProtoMethodsByDefault: false,
      allowCallsToHelperMissing: false,
    });
    return out.replace(/\n{3,}/g, '\n\n').replace(/\s+$/, '') + '\n';
  } catch (e) {
    if (e instanceof CausewayError) throw e;
    // Only the first line of Handlebars' message: its later lines quote the template's text.
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    const err = e as { lineNumber?: unknown; column?: unknown };
    const parseLine = /^Parse error on line (\d+)/.exec(message);
    const where: ErrorLocation = typeof err.lineNumber === 'number'
      ? at(err.lineNumber, (typeof err.column === 'number' ? err.column : 0) + 1)
      : parseLine ? at(Number(parseLine[1]), 1) : { kind: 'path', path: origin };
    throw new CausewayError('REPORT_TEMPLATE_ERROR', `report template failed: ${message}`, where);
  }
}
