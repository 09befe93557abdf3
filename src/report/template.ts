/**
 * Handlebars for reports. An isolated instance (Handlebars.create()), prototype access off, and a
 * context in which every string from data or the spec is already Markdown-escaped; tables and figures
 * are pre-rendered Markdown (SafeString). Templates are compiled with noEscape (HTML escaping would
 * mangle Markdown), so the escaping happens once, here, when the context is built.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve, isAbsolute, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { CausewayError } from '../errors.js';
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
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new CausewayError('REPORT_TEMPLATE_MISSING', `report template not found: ${value}`, { kind: 'path', path }, 'the path is relative to the spec file');
  }
  return { kind: 'file', path };
}

/** Figure files as written: file stem → relative path, alt text and title. */
export interface RenderedFigure {
  file: string;
  path: string;
  alt: string;
  title: string;
}

export interface RenderInput {
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
  for (const name of readdirSync(pdir).sort()) {
    if (!name.endsWith('.hbs')) continue;
    out[basename(name, '.hbs')] = readFileSync(join(pdir, name), 'utf8');
  }
  return out;
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

  const dir = defaultTemplateDir();
  for (const [name, text] of Object.entries(loadPartials(dir))) hb.registerPartial(name, text);
  const ref = input.template ?? { kind: 'default' };
  let source: string;
  let origin: string;
  if (ref.kind === 'default') {
    origin = join(dir, MAIN);
    source = readFileSync(origin, 'utf8');
  } else {
    origin = ref.path;
    if (!existsSync(origin)) throw new CausewayError('REPORT_TEMPLATE_MISSING', `report template not found: ${origin}`, { kind: 'path', path: origin });
    source = readFileSync(origin, 'utf8');
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
  try {
    template = hb.compile(source, { noEscape: true, strict: false });
    const out = template(context, {
      allowProtoPropertiesByDefault: false,
      allowProtoMethodsByDefault: false,
      allowCallsToHelperMissing: false,
    });
    return out.replace(/\n{3,}/g, '\n\n').replace(/\s+$/, '') + '\n';
  } catch (e) {
    if (e instanceof CausewayError) throw e;
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new CausewayError('REPORT_TEMPLATE_ERROR', `report template failed: ${message}`, { kind: 'path', path: origin });
  }
}
