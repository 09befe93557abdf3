/**
 * `causeway compare <runA> <runB>`: what changed between two runs, ready to paste in a pull request —
 * the spec paths that changed, then the changed estimates ranked by |change| / A's standard error (the
 * estimands the report shows, unless `all`), cells present in only one run, and a line diff of the two
 * spec.resolved.yaml files. `gateFailures` names what trips an opt-in CI gate (`--fail-on`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { diffSpecValues, type PathChange } from '../spec/diff.js';
import { escapeMarkdown, formatInterval, markdownTable, zeroVerdict } from './format.js';
import { stableStringify, type CellResult, type EstimateValue, type JsonValue, type Results } from '../results/index.js';
import { readResults } from './writer.js';

export interface EstimateChange {
  cell: string;
  axes: Record<string, JsonValue>;
  estimator: string;
  outcome: string | null;
  estimand: string;
  a: number | null;
  b: number | null;
  delta: number | null;
  ciA: [number, number] | null;
  ciB: [number, number] | null;
  /** change in CI width (B − A) */
  ciWidthDelta: number | null;
  signChanged: boolean;
  /** "interval crosses zero" ↔ "interval excludes zero" */
  zeroCrossingChanged: boolean;
  /** present in only one run */
  presence: 'both' | 'only_a' | 'only_b';
  /** |Δ| / the standard error of A's estimate (its SE, else its 95% CI width / 3.92); null without one */
  z: number | null;
}

export interface CompareJson {
  runA: string;
  runB: string;
  specA: { name: string; hash: string };
  specB: { name: string; hash: string };
  changes: EstimateChange[];
  unchanged: number;
  cellsOnlyA: string[];
  cellsOnlyB: string[];
  statusChanges: Array<{ cell: string; a: string; b: string }>;
  /** changed estimates left out because the report does not show their estimand (`all` keeps them) */
  hidden: number;
  /** the resolved specs' changed paths (old → new) */
  specChanges: PathChange[];
  specDiff: string;
}

export interface CompareResult {
  markdown: string;
  json: CompareJson;
}

export interface CompareOptions {
  /** relative tolerance under which two estimates count as unchanged (default 0: any difference) */
  tolerance?: number;
  /** keep estimands the report does not show (internal pieces such as ate_gcomp, y10_debiased) */
  all?: boolean;
}

/**
 * Estimands the report shows: totals, natural and controlled direct and indirect effects, SEM paths,
 * and the debiased twins of the mediation effects. Other keys (potential-outcome means, the g-computation
 * piece of AIPW, reverse-indirect checks) are internal and left out of a comparison unless asked for.
 */
const REPORTED_ESTIMAND = /^(ate|te|total|nde|nie|indirect|c_prime|alpha|beta|cde_[a-z0-9_.]+?)(_debiased)?$/;
export const isReportedEstimand = (key: string): boolean => REPORTED_ESTIMAND.test(key) && !/^cde_.*_debiased$/.test(key);

/** Conditions that can fail a CI gate: `causeway compare --fail-on sign-flip,zero-crossing`. */
export const GATES = ['sign-flip', 'zero-crossing', 'status', 'cells', 'any'] as const;
type Gate = (typeof GATES)[number];

/** What trips each requested gate, as sentences; [] when the comparison passes. */
export function gateFailures(j: CompareJson, gates: readonly Gate[]): string[] {
  const out: string[] = [];
  const flips = j.changes.filter((c) => c.signChanged).length;
  const crossings = j.changes.filter((c) => c.zeroCrossingChanged).length;
  for (const g of gates) {
    if (g === 'sign-flip' && flips) out.push(`${flips} estimate(s) changed sign`);
    if (g === 'zero-crossing' && crossings) out.push(`${crossings} interval(s) changed whether they exclude zero`);
    if (g === 'status' && j.statusChanges.length) out.push(`${j.statusChanges.length} cell(s) changed status`);
    if (g === 'cells' && (j.cellsOnlyA.length || j.cellsOnlyB.length)) out.push(`${j.cellsOnlyA.length + j.cellsOnlyB.length} cell(s) are in only one run`);
    if (g === 'any' && (j.changes.length || j.statusChanges.length || j.cellsOnlyA.length || j.cellsOnlyB.length)) out.push(`${j.changes.length} estimate(s) changed`);
  }
  return out;
}

function standardError(v: EstimateValue | undefined): number | null {
  if (typeof v?.se === 'number' && Number.isFinite(v.se) && v.se > 0) return v.se;
  const ci = ciOf(v);
  return ci && ci[1] > ci[0] ? (ci[1] - ci[0]) / 3.92 : null;
}

function specChanges(a: string, b: string): PathChange[] {
  try {
    return diffSpecValues(parseYaml(a) ?? {}, parseYaml(b) ?? {});
  } catch {
    return []; // an unreadable spec copy still gets the line diff
  }
}

/** Unified-style line diff (LCS) with 3 lines of context; '' when equal. */
export function lineDiff(a: string, b: string, labels: [string, string] = ['a/spec.resolved.yaml', 'b/spec.resolved.yaml'], context = 3): string {
  const A = a.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  const B = b.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  if (a === b) return '';
  const n = A.length;
  const m = B.length;
  // LCS table (specs are small: a few hundred lines at most)
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = A[i] === B[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: Array<{ op: ' ' | '-' | '+'; text: string; ai: number; bi: number }> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && A[i] === B[j]) {
      ops.push({ op: ' ', text: A[i]!, ai: i, bi: j });
      i++;
      j++;
    } else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // deletions before insertions, as diff(1) prints them
      ops.push({ op: '-', text: A[i]!, ai: i, bi: j });
      i++;
    } else {
      ops.push({ op: '+', text: B[j]!, ai: i, bi: j });
      j++;
    }
  }
  // group into hunks with context
  const out: string[] = [`--- ${labels[0]}`, `+++ ${labels[1]}`];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.op === ' ') {
      k++;
      continue;
    }
    let start = Math.max(0, k - context);
    let end = k;
    // extend while changes are within 2*context of each other
    while (end < ops.length) {
      if (ops[end]!.op !== ' ') {
        end++;
        continue;
      }
      let next = end;
      while (next < ops.length && ops[next]!.op === ' ') next++;
      if (next < ops.length && next - end <= 2 * context) end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    const hunk = ops.slice(start, stop);
    const aStart = hunk[0]!.ai + 1;
    const bStart = hunk[0]!.bi + 1;
    const aLen = hunk.filter((o) => o.op !== '+').length;
    const bLen = hunk.filter((o) => o.op !== '-').length;
    out.push(`@@ -${aStart},${aLen} +${bStart},${bLen} @@`);
    for (const o of hunk) out.push(`${o.op}${o.text}`);
    k = stop;
    start = stop;
  }
  return out.join('\n') + '\n';
}

function ciOf(v: EstimateValue | undefined): [number, number] | null {
  return v?.ci && Number.isFinite(v.ci[0]) && Number.isFinite(v.ci[1]) ? [v.ci[0], v.ci[1]] : null;
}

function estimateMap(cell: CellResult): Map<string, { estimator: string; outcome: string | null; estimand: string; value: EstimateValue }> {
  const out = new Map<string, { estimator: string; outcome: string | null; estimand: string; value: EstimateValue }>();
  for (const e of cell.estimators) {
    if (e.status !== 'ok') continue;
    for (const [k, v] of Object.entries(e.estimates)) {
      out.set(JSON.stringify([e.id, e.outcome ?? null, k]), { estimator: e.id, outcome: e.outcome ?? null, estimand: k, value: v });
    }
  }
  return out;
}

function differs(a: number | null, b: number | null, tol: number): boolean {
  if (a === null || b === null) return a !== b;
  if (a === b) return false;
  return Math.abs(a - b) > tol * Math.max(Math.abs(a), Math.abs(b));
}

function readSpec(runDir: string): string {
  const p = join(resolve(runDir), 'spec.resolved.yaml');
  return existsSync(p) ? readFileSync(p, 'utf8') : '';
}

/**
 * Which cell of B corresponds to which cell of A: the same id first; then the same grid axes (a spec
 * edit changes every cell id, since ids hash the resolved definition); then, if exactly one cell is
 * left on each side (single-cell specs), those two.
 */
function pairCells(a: CellResult[], b: CellResult[]): Array<[CellResult, CellResult]> {
  const pairs: Array<[CellResult, CellResult]> = [];
  const restB = new Map(b.map((c) => [c.id, c]));
  const restA: CellResult[] = [];
  for (const ca of a) {
    const cb = restB.get(ca.id);
    if (cb) {
      pairs.push([ca, cb]);
      restB.delete(ca.id);
    } else restA.push(ca);
  }
  const axesKey = (c: CellResult): string => stableStringify(c.axes);
  const byAxes = new Map<string, CellResult[]>();
  for (const cb of restB.values()) byAxes.set(axesKey(cb), [...(byAxes.get(axesKey(cb)) ?? []), cb]);
  const leftA: CellResult[] = [];
  for (const ca of restA) {
    const candidates = byAxes.get(axesKey(ca));
    if (candidates && candidates.length === 1 && Object.keys(ca.axes).length > 0) {
      pairs.push([ca, candidates[0]!]);
      restB.delete(candidates[0]!.id);
      byAxes.delete(axesKey(ca));
    } else leftA.push(ca);
  }
  if (leftA.length === 1 && restB.size === 1) pairs.push([leftA[0]!, [...restB.values()][0]!]);
  return pairs.sort((x, y) => (x[0].id < y[0].id ? -1 : x[0].id > y[0].id ? 1 : 0));
}

/** Compares two results values (already read); `specA`/`specB` are the resolved spec texts. */
export function compareResults(a: Results, b: Results, specA: string, specB: string, names: [string, string] = ['A', 'B'], opts: CompareOptions = {}): CompareResult {
  const tol = opts.tolerance ?? 0;
  const pairs = pairCells(a.cells, b.cells);
  const changes: EstimateChange[] = [];
  let unchanged = 0;
  let hidden = 0;
  const statusChanges: CompareJson['statusChanges'] = [];
  for (const [ca, cb] of pairs) {
    const id = ca.id === cb.id ? ca.id : `${ca.id} → ${cb.id}`;
    if (ca.status !== cb.status) statusChanges.push({ cell: id, a: ca.status, b: cb.status });
    const ma = estimateMap(ca);
    const mb = estimateMap(cb);
    const keys = [...new Set([...ma.keys(), ...mb.keys()])].sort();
    for (const key of keys) {
      const ea = ma.get(key);
      const eb = mb.get(key);
      const ref = (ea ?? eb)!;
      const va = ea?.value.estimate ?? null;
      const vb = eb?.value.estimate ?? null;
      const ciA = ciOf(ea?.value);
      const ciB = ciOf(eb?.value);
      const ciChanged = differs(ciA?.[0] ?? null, ciB?.[0] ?? null, tol) || differs(ciA?.[1] ?? null, ciB?.[1] ?? null, tol);
      const presence: EstimateChange['presence'] = ea && eb ? 'both' : ea ? 'only_a' : 'only_b';
      if (presence === 'both' && !differs(va, vb, tol) && !ciChanged) {
        unchanged++;
        continue;
      }
      if (!opts.all && !isReportedEstimand(ref.estimand)) {
        hidden++;
        continue;
      }
      const signChanged = va !== null && vb !== null && Math.sign(va) !== Math.sign(vb);
      const se = standardError(ea?.value);
      const zeroCrossingChanged = !!ciA && !!ciB && zeroVerdict(ciA) !== zeroVerdict(ciB);
      changes.push({
        cell: id,
        axes: (cb ?? ca).axes,
        estimator: ref.estimator,
        outcome: ref.outcome,
        estimand: ref.estimand,
        a: va,
        b: vb,
        delta: va !== null && vb !== null ? vb - va : null,
        ciA,
        ciB,
        ciWidthDelta: ciA && ciB ? ciB[1] - ciB[0] - (ciA[1] - ciA[0]) : null,
        signChanged,
        zeroCrossingChanged,
        presence,
        z: va !== null && vb !== null && se !== null ? Math.abs(vb - va) / se : null,
      });
    }
  }
  // Largest change relative to A's uncertainty first; then by |Δ|; ties in a fixed order.
  const order = (c: EstimateChange) => [c.z ?? -1, Math.abs(c.delta ?? 0)];
  changes.sort((x, y) => {
    const [zx, dx] = order(x);
    const [zy, dy] = order(y);
    return zy! - zx! || dy! - dx! || (x.cell + x.estimator + (x.outcome ?? '') + x.estimand < y.cell + y.estimator + (y.outcome ?? '') + y.estimand ? -1 : 1);
  });
  const pairedA = new Set(pairs.map(([x]) => x));
  const pairedB = new Set(pairs.map(([, y]) => y));
  const cellsOnlyA = a.cells.filter((c) => !pairedA.has(c)).map((c) => c.id).sort();
  const cellsOnlyB = b.cells.filter((c) => !pairedB.has(c)).map((c) => c.id).sort();
  const specDiff = lineDiff(specA, specB, [`${names[0]}/spec.resolved.yaml`, `${names[1]}/spec.resolved.yaml`]);
  const json: CompareJson = {
    runA: names[0],
    runB: names[1],
    specA: { name: a.spec.name, hash: a.spec.hash },
    specB: { name: b.spec.name, hash: b.spec.hash },
    changes,
    unchanged,
    cellsOnlyA,
    cellsOnlyB,
    statusChanges,
    hidden,
    specChanges: specChanges(specA, specB),
    specDiff,
  };
  return { markdown: compareMarkdown(json), json };
}

function compareMarkdown(j: CompareJson): string {
  const lines: string[] = [];
  lines.push(`### causeway compare: \`${j.specA.name}\` → \`${j.specB.name}\``);
  lines.push('');
  lines.push(`A = ${escapeMarkdown(j.runA)} · B = ${escapeMarkdown(j.runB)}`);
  lines.push('');
  if (j.specChanges.length) {
    lines.push('| Spec path | A | B |', '| --- | --- | --- |');
    const show = (v: unknown) => (v === undefined ? '—' : `\`${escapeMarkdown(JSON.stringify(v))}\``);
    for (const c of j.specChanges) lines.push(`| \`${c.path}\` | ${show(c.old)} | ${show(c.new)} |`);
    lines.push('');
  }
  const flagged = j.changes.filter((c) => c.signChanged || c.zeroCrossingChanged).length;
  const large = j.changes.filter((c) => c.z !== null && c.z >= 1).length;
  lines.push(
    `${j.changes.length} estimate(s) changed, ${j.unchanged} unchanged` +
      (j.changes.length ? `; ${large} by one standard error or more` : '') +
      (flagged ? `; **${flagged} changed sign or zero-crossing**` : '') +
      '.' +
      (j.hidden ? ` ${j.hidden} change(s) of estimands the report does not show are left out (\`--all\` lists them).` : ''),
  );
  lines.push('');
  // One label per cell pair instead of repeating two ids on every row.
  const cellNames = new Map<string, string>();
  for (const c of j.changes) if (!cellNames.has(c.cell)) cellNames.set(c.cell, `c${cellNames.size + 1}`);
  const manyCells = cellNames.size > 1;
  if (j.changes.length) {
    const rows = j.changes.map((c) => {
      const flags: string[] = [];
      if (c.presence === 'only_a') flags.push('only in A');
      if (c.presence === 'only_b') flags.push('only in B');
      if (c.signChanged) flags.push('sign flipped');
      if (c.zeroCrossingChanged && c.ciA && c.ciB) flags.push(`${zeroVerdict(c.ciA).replace('interval ', '')} → ${zeroVerdict(c.ciB).replace('interval ', '')}`);
      return {
        cell: cellNames.get(c.cell)!,
        estimator: c.outcome ? `${c.estimator} (${c.outcome})` : c.estimator,
        estimand: c.estimand,
        a: c.a,
        b: c.b,
        delta: c.delta,
        z: c.z,
        ci: `${formatInterval(c.ciA)} → ${formatInterval(c.ciB)}`,
        flags: flags.join('; ') || null,
      };
    });
    if (!manyCells) lines.push(`Cell \`${[...cellNames.keys()][0]}\`:`, '');
    lines.push(
      markdownTable({
        columns: [
          ...(manyCells ? [{ key: 'cell', label: 'Cell' }] : []),
          { key: 'estimator', label: 'Estimator' },
          { key: 'estimand', label: 'Estimand' },
          { key: 'a', label: 'A', format: 'num' },
          { key: 'b', label: 'B', format: 'num' },
          { key: 'delta', label: 'Δ', format: 'num' },
          { key: 'z', label: '|Δ| / SE(A)', format: 'num' },
          { key: 'ci', label: '95% CI (A → B)', align: 'right' },
          { key: 'flags', label: 'Sign / zero' },
        ],
        // the CI column is pre-formatted text of numbers only (no data text)
        rows,
      }),
    );
    lines.push('');
    if (manyCells) {
      const axesOf = new Map(j.changes.map((c) => [c.cell, c.axes]));
      lines.push('| Cell | Ids (A → B) | Grid point |', '| --- | --- | --- |');
      for (const [cell, name] of cellNames) {
        const axes = Object.entries(axesOf.get(cell) ?? {}).map(([p, v]) => `${p}=${JSON.stringify(v)}`).join(', ');
        lines.push(`| ${name} | \`${cell}\` | ${escapeMarkdown(axes) || '(base spec)'} |`);
      }
      lines.push('');
    }
  }
  if (j.statusChanges.length) {
    lines.push('Cell status changes: ' + j.statusChanges.map((s) => `\`${s.cell}\` ${s.a} → ${s.b}`).join(', ') + '.');
    lines.push('');
  }
  if (j.cellsOnlyA.length) lines.push(`Cells only in A: ${j.cellsOnlyA.map((c) => '`' + c + '`').join(', ')}.`, '');
  if (j.cellsOnlyB.length) lines.push(`Cells only in B: ${j.cellsOnlyB.map((c) => '`' + c + '`').join(', ')}.`, '');
  lines.push('<details><summary>Spec diff</summary>', '');
  if (j.specDiff) {
    const fence = j.specDiff.includes('```') ? '~~~~' : '```';
    lines.push(fence + 'diff', j.specDiff.replace(/\n$/, ''), fence);
  } else lines.push('_The resolved specs are identical._');
  lines.push('', '</details>');
  return lines.join('\n') + '\n';
}

/** Compares two run directories (each holding results.json and spec.resolved.yaml). */
export function compareRuns(runA: string, runB: string, opts: CompareOptions = {}): CompareResult {
  const a = readResults(runA);
  const b = readResults(runB);
  return compareResults(a, b, readSpec(runA), readSpec(runB), [shownPath(runA), shownPath(runB)], opts);
}

/** A run folder as a reader knows it: relative to the working folder when inside it, else as given. */
function shownPath(dir: string): string {
  const rel = relative(process.cwd(), resolve(dir));
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : dir;
}

