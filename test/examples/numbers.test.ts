// Every number a demo report states in its Summary, its Findings (with the recommendations) and its
// assumptions table has a source in results.json: a value (estimator, key, field), a count of entries,
// a constant of the wording rules, or a string results.json holds verbatim (a warning, a check's name,
// an estimator's label). Statements about the primary estimate may only use the primary's values, the
// assumptions table's E-value only the primary's E-value. A number with no source fails, naming its line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CellResult, EstimatorEntry, Results } from '../../src/results/index.js';
import { primaryCell } from '../../src/report/model.js';
import { BALANCE_SMD_ANY, BALANCE_SMD_WEIGHTING, FRAGILE_NIE_SD, FRAGILE_RHO, WEAK_EVALUE } from '../../src/report/findings-rules.js';
import { DESIGN_UNCHANGED_SHARE } from '../../src/sensitivity/robustness.js';
import { EXAMPLES, examplesDir } from './examples.js';

interface Source { path: string; value: number }

const RULE_CONSTANTS: Source[] = [
  { path: 'findings-rules WEAK_EVALUE', value: WEAK_EVALUE },
  { path: 'findings-rules FRAGILE_NIE_SD', value: FRAGILE_NIE_SD },
  { path: 'findings-rules FRAGILE_RHO', value: FRAGILE_RHO },
  { path: 'findings-rules BALANCE_SMD_WEIGHTING', value: BALANCE_SMD_WEIGHTING },
  { path: 'findings-rules BALANCE_SMD_ANY', value: BALANCE_SMD_ANY },
  { path: 'robustness DESIGN_UNCHANGED_SHARE', value: DESIGN_UNCHANGED_SHARE },
];

/** Diagnostics the sentences never quote (large arrays that would only widen the pool). */
const SKIP = new Set(['fingerprint', 'exploratory', 'heterogeneity', 'importance', 'histogram', 'heterogeneity_analysis', 'per_split', 'influence_top_users', 'folds', 'grid', 'covariateQuality', 'groupSummary', 'pathwayCorrelations', 'modelBlueprint']);

function walk(x: unknown, path: string, nums: Source[], texts: Array<{ path: string; text: string }>): void {
  if (typeof x === 'number' && Number.isFinite(x)) nums.push({ path, value: x });
  else if (typeof x === 'string') texts.push({ path, text: x });
  else if (Array.isArray(x)) x.forEach((v, i) => walk(v, `${path}[${i}]`, nums, texts));
  else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) if (!SKIP.has(k)) walk(v, `${path}.${k}`, nums, texts);
}

const TOTAL = ['ate', 'te', 'total'];
const first = (e: EstimatorEntry) => TOTAL.map((k) => [k, e.estimates[k]] as const).find(([, v]) => v && typeof v.estimate === 'number');
const excl = (ci: readonly number[] | null | undefined) => !!ci && (ci[0]! > 0 || ci[1]! < 0);

/** Counts the sentences may state, each computed here from the entries, not by the report's code. */
function counts(results: Results, cell: CellResult): Source[] {
  const out: Source[] = [];
  const add = (path: string, value: number) => out.push({ path: `count: ${path}`, value });
  const prim = cell.estimators.filter((e) => e.outcome === undefined);
  add('primary-outcome estimators', prim.length);
  add('estimators that ran', prim.filter((e) => e.status === 'ok').length);
  const adjusted = prim.filter((e) => e.status === 'ok' && e.kind !== 'difference_in_means' && first(e));
  const tot = adjusted.map((e) => ({ e, v: first(e)![1]! }));
  add('adjusted with a total effect', tot.length);
  add('adjusted with an interval', tot.filter((t) => t.v.ci).length);
  add('adjusted without an interval', tot.filter((t) => !t.v.ci).length);
  add('adjusted intervals excluding zero', tot.filter((t) => excl(t.v.ci)).length);
  const p = results.summary.primary;
  const head = p ? tot.find((t) => t.e.id === p.estimator) : undefined;
  if (head) {
    const others = tot.filter((t) => t !== head);
    add('other adjusted', others.length);
    add('other adjusted, same sign', others.filter((t) => Math.sign(t.v.estimate!) === Math.sign(head.v.estimate!)).length);
    add('other adjusted with an interval', others.filter((t) => t.v.ci).length);
    add('other adjusted without an interval', others.filter((t) => !t.v.ci).length);
    if (head.v.ci) add('other intervals overlapping the primary', others.filter((t) => t.v.ci && t.v.ci[0]! <= head.v.ci![1]! && head.v.ci![0]! <= t.v.ci[1]!).length);
  }
  // the known-truth line: intervals of total-effect estimates that contain the true TE
  const truthTe = (cell.diagnostics as { truth?: { outcomes?: Record<string, { TE?: number }> } }).truth?.outcomes?.[cell.definitions?.outcome.name ?? '']?.TE;
  if (typeof truthTe === 'number') {
    const te = prim.filter((e) => e.status === 'ok').flatMap((e) => ['ate', 'te', 'total', 'te_debiased'].map((k) => e.estimates[k]).filter((v) => v?.ci));
    add('total-effect intervals', te.length);
    add('total-effect intervals covering the truth', te.filter((v) => v!.ci![0]! <= truthTe && truthTe <= v!.ci![1]!).length);
  }
  const curve = results.summary.specificationCurve;
  if (curve) {
    add('grid points', curve.points.length);
    add('grid points positive', curve.points.filter((q) => q.estimate > 0).length);
    add('grid points with an interval', curve.points.filter((q) => q.ci).length);
    add('grid points without an interval', curve.points.filter((q) => !q.ci).length);
    add('grid intervals excluding zero', curve.points.filter((q) => excl(q.ci)).length);
    if (head) add('grid points with the sign of the base', curve.points.filter((q) => Math.sign(q.estimate) === Math.sign(head.v.estimate!)).length);
    const base = head?.v.estimate;
    const reproduce = new Set(results.summary.robustness.flatMap((f) => (f.designChange ?? []).filter((c) => c.treated < DESIGN_UNCHANGED_SHARE && c.outcome < DESIGN_UNCHANGED_SHARE && (c.mediator ?? 0) < DESIGN_UNCHANGED_SHARE && curve.points.some((q) => q.cellId === c.cellId && base !== undefined && Math.abs(q.estimate - base!) <= 1e-9 * Math.max(1, Math.abs(base!)))).map((c) => c.cellId)));
    add('variant cells reproducing the base', reproduce.size);
  }
  return out;
}

/** The values a statement about the primary estimate may use. */
function primarySources(results: Results, cell: CellResult): Source[] {
  const p = results.summary.primary;
  const e = p ? cell.estimators.find((x) => x.id === p.estimator && x.outcome === undefined) : undefined;
  if (!p || !e) return [];
  const nums: Source[] = [];
  walk(e.estimates[p.estimand], `${e.id}.estimates.${p.estimand}`, nums, []);
  const d = e.diagnostics as Record<string, unknown>;
  for (const k of ['control_mean', 'reference_mean', 'level']) if (typeof d[k] === 'number') nums.push({ path: `${e.id}.diagnostics.${k}`, value: d[k] as number });
  const b = d.bootstrap as { level?: number } | undefined;
  if (b?.level) nums.push({ path: `${e.id}.diagnostics.bootstrap.level`, value: b.level });
  for (const k of ['y0', 'y00_debiased']) if (e.estimates[k]?.estimate != null) nums.push({ path: `${e.id}.estimates.${k}.estimate`, value: e.estimates[k]!.estimate! });
  const plugin = d.plugin as { reference_mean?: number } | undefined;
  if (typeof plugin?.reference_mean === 'number') nums.push({ path: `${e.id}.diagnostics.plugin.reference_mean`, value: plugin.reference_mean });
  const u = (cell.diagnostics as { uncertainty?: { bootstrap?: { level: number } | null } }).uncertainty;
  if (u?.bootstrap) nums.push({ path: 'diagnostics.uncertainty.bootstrap.level', value: u.bootstrap.level });
  return nums;
}

function primaryEvalue(results: Results, cell: CellResult): Source[] {
  const p = results.summary.primary;
  const ev = p ? cell.sensitivity?.evalues?.find((x) => x.estimator === p.estimator && x.estimand === p.estimand) : undefined;
  return ev ? [{ path: `evalue ${ev.estimator} ${ev.estimand} point`, value: ev.point! }, { path: `evalue ${ev.estimator} ${ev.estimand} ciBound`, value: ev.ciBound! }].filter((s) => typeof s.value === 'number') : [];
}

function decimalsOf(token: string): number {
  const m = /\.(\d+)/.exec(token);
  return m ? m[1]!.length : 0;
}

/** Whether a value, rounded as the token is written, reads as the token (as a share when it ends in %). */
function reads(token: string, value: number): boolean {
  const percent = token.endsWith('%');
  const bare = token.replace(/%$/, '').replace(/,/g, '');
  const target = Number(bare);
  const d = decimalsOf(bare);
  const candidates = percent ? [value * 100, value] : [value];
  return candidates.some((v) => [v, Math.abs(v)].some((x) => {
    if (/e/i.test(bare)) return Number(x.toExponential(2)) === target;
    return Number(x.toFixed(d)) === target;
  }));
}

function unescape(line: string): string {
  return line.replace(/\\([[\]|*_`~\\])/g, '$1').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const NUMBER = /-?\d[\d,]*(?:\.\d+)?(?:e-?\d+)?%?/g;

/** Numbers of a line with no source; text sources are cut out of the line first (longest first). */
function unsourced(line: string, pool: Source[], texts: string[]): string[] {
  let text = unescape(line);
  for (const t of texts) if (text.includes(t)) text = text.split(t).join(' ');
  // identifiers with digits (column names, estimate keys, cell ids) and link targets are names, not numbers
  text = text.replace(/\]\([^)]*\)/g, ']').replace(/[A-Za-z_][A-Za-z0-9_]*\d[A-Za-z0-9_]*/g, ' ').replace(/\b[0-9a-f]{12}\b/g, ' ');
  const out: string[] = [];
  for (const m of text.matchAll(NUMBER)) {
    const token = m[0].replace(/^-/, '');
    if (!pool.some((s) => reads(token, s.value))) out.push(token);
  }
  return out;
}

function sectionLines(md: string, heading: string): string[] {
  const start = md.indexOf(`\n${heading}\n`);
  if (start < 0) return [];
  const rest = md.slice(start + heading.length + 2);
  const end = rest.search(/\n## /);
  return (end < 0 ? rest : rest.slice(0, end)).split('\n').filter((l) => l.trim() && !/^\|[-|: ]+\|$/.test(l) && !l.startsWith('*') && !l.startsWith('#') && !l.startsWith('Written by'));
}

function assumptionRows(md: string): string[] {
  const start = md.indexOf('*Assumptions and checks*');
  if (start < 0) return [];
  const lines = md.slice(start).split('\n').slice(1);
  const out: string[] = [];
  for (const l of lines) {
    if (!l.startsWith('|')) { if (out.length) break; continue; }
    if (/^\|[-|: ]+\|$/.test(l) || l.startsWith('| Assumption |')) continue;
    out.push(l);
  }
  return out;
}

/** Every number of the Summary, Findings and assumption table without a source, with its line. */
export function checkReportNumbers(md: string, results: Results): string[] {
  const cell = primaryCell(results);
  assert.ok(cell, 'the report has a detailed cell');
  const nums: Source[] = [];
  const textSources: Array<{ path: string; text: string }> = [];
  walk(cell, 'cell', nums, textSources);
  walk(results.summary, 'summary', nums, textSources);
  walk(results.data.coverage, 'data.coverage', nums, textSources);
  walk(results.data.quality, 'data.quality', nums, textSources);
  const ov = (cell.diagnostics as { overlap?: Record<string, number> }).overlap;
  if (ov) nums.push({ path: 'overlap share outside [0.05, 0.95]', value: (ov.shareBelow005 ?? ov.share_propensity_below_0_05 ?? 0) + (ov.shareAbove095 ?? ov.share_propensity_above_0_95 ?? 0) });
  // the summary's "share of the total effect": |NIE / TE| of each mediation estimator
  for (const e of cell.estimators) {
    const nie = e.estimates.nie?.estimate ?? e.estimates.indirect?.estimate;
    const te = e.estimates.te?.estimate ?? e.estimates.total?.estimate;
    if (typeof nie === 'number' && typeof te === 'number' && te !== 0) nums.push({ path: `${e.id} |nie / te|`, value: Math.abs(nie / te) });
  }
  // the heterogeneity finding's one-sided calibration p: half the recorded two-sided p of a positive slope
  const slope = (cell.diagnostics as { drLearner?: { calibration: { slope: { estimate: number; pValue: number | null } } } }).drLearner?.calibration.slope;
  if (slope && typeof slope.pValue === 'number') nums.push({ path: 'drLearner one-sided calibration p', value: slope.estimate > 0 ? slope.pValue / 2 : 1 - slope.pValue / 2 });
  const general = [...nums, ...counts(results, cell), ...RULE_CONSTANTS];
  // verbatim strings results.json holds, except the assumption values this test checks by their numbers
  const texts = [...new Set(textSources.filter((t) => !/^cell\.assumptions\[\d+\]\.value$/.test(t.path) && /\d/.test(t.text) && t.text.length >= 6 && !/^[-\d.,e]+$/.test(t.text)).map((t) => t.text))].sort((a, b) => b.length - a.length);
  const primary = primarySources(results, cell);
  const evalue = primaryEvalue(results, cell);
  const problems: string[] = [];
  const check = (where: string, line: string, pool: Source[]) => {
    for (const n of unsourced(line, pool, texts)) problems.push(`${where}: ${n} has no source in results.json — ${line.slice(0, 160)}`);
  };
  const lines = [...sectionLines(md, '## Summary').map((l) => ['Summary', l] as const), ...sectionLines(md, '## Findings').map((l) => ['Findings', l] as const)];
  for (const [where, line] of lines) {
    if (/primary estimate/i.test(line) && !/E-value/.test(line)) check(where, line, [...primary, ...counts(results, cell)]);
    else if (/E-value/.test(line)) check(where, line, [...evalue, ...RULE_CONSTANTS]);
    else if (/^\| Decision \|/.test(line)) check(where, line, primary);
    else check(where, line, general);
  }
  const p = results.summary.primary;
  for (const row of assumptionRows(md)) {
    const a = cell.assumptions.find((x) => row.startsWith(`| ${x.assumption.replace(/[|[\]]/g, (c) => `\\${c}`)} |`) || unescape(row).startsWith(`| ${x.assumption} |`));
    if (!a) { problems.push(`assumptions: row not in results.json — ${row}`); continue; }
    if (a.assumption === 'No unmeasured treatment–outcome confounding') {
      // the E-value must be the primary's: the row names it, and its numbers are that estimator's E-value
      if (p && !row.includes(`(${p.estimator}, ${p.estimand})`)) problems.push(`assumptions: the E-value row does not name the primary (${p.estimator}, ${p.estimand}) — ${row}`);
      check('assumptions', row, evalue);
    } else check('assumptions', row, [...general, { path: 'positivity bounds (src/analysis/assumptions.ts)', value: 0.05 }, { path: 'positivity bounds', value: 0.95 }]);
  }
  return problems;
}

for (const ex of EXAMPLES) {
  test(`every number of ${ex.name}'s Summary, Findings and assumptions table has its source in results.json`, () => {
    const md = readFileSync(join(examplesDir, ex.name, 'report.md'), 'utf8');
    const results = JSON.parse(readFileSync(join(examplesDir, ex.name, 'results.json'), 'utf8')) as Results;
    assert.ok(md.includes('## Findings') && sectionLines(md, '## Findings').length > 0, 'the report has a Findings section');
    assert.ok(assumptionRows(md).length > 0, 'the report has an assumptions table');
    assert.deepEqual(checkReportNumbers(md, results), []);
  });
}

test('the number check fails on a number with no source, and on another estimator\'s E-value', () => {
  const ex = EXAMPLES[0]!;
  const md = readFileSync(join(examplesDir, ex.name, 'report.md'), 'utf8');
  const results = JSON.parse(readFileSync(join(examplesDir, ex.name, 'results.json'), 'utf8')) as Results;
  const cell = primaryCell(results)!;
  // a made-up number in a findings sentence
  const invented = md.replace('## Findings\n', '## Findings\n\n- The effect is 123.457 per day.\n');
  assert.ok(checkReportNumbers(invented, results).some((p) => p.includes('123.457')));
  // the assumptions table quoting the unadjusted estimator's E-value (the defect this test guards)
  const naive = cell.sensitivity!.evalues!.find((e) => e.estimator === 'naive')!;
  const prim = cell.sensitivity!.evalues!.find((e) => e.estimator === results.summary.primary!.estimator && e.estimand === results.summary.primary!.estimand)!;
  const wrong = md.replace(`E-value ${prim.point!.toFixed(2)} (CI bound`, `E-value ${naive.point!.toFixed(2)} (CI bound`);
  assert.notEqual(wrong, md);
  assert.ok(checkReportNumbers(wrong, results).some((p) => p.includes(naive.point!.toFixed(2))));
});

test("the README's Findings excerpt is the discovery-mediation golden report's", () => {
  const readme = readFileSync(join(examplesDir, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('Excerpt of the Findings');
  assert.ok(start >= 0, 'README has the Findings excerpt');
  const end = readme.indexOf('`test/examples/numbers.test.ts` checks', start);
  const quoted = readme.slice(start, end).split('\n').filter((l) => l.startsWith('>')).map((l) => l.replace(/^> ?/, ''));
  // wrapped bullets joined back into one line each; the table rows as they are
  const items: string[] = [];
  for (const l of quoted) {
    if (l.startsWith('|---')) continue;
    if (l.startsWith('- ') || l.startsWith('|')) items.push(l);
    else if (l.trim() && items.length) items[items.length - 1] += ' ' + l.trim();
  }
  const golden = unescape(readFileSync(join(examplesDir, 'discovery-mediation', 'report.md'), 'utf8'));
  assert.ok(items.length >= 4);
  for (const item of items) assert.ok(golden.includes(item), `README excerpt not in the golden report: ${item}`);
});
