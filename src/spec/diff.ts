/**
 * What changed between two specs, in the words a reviewer uses: dot paths of the resolved spec (list
 * entries with an `id`, such as estimators, addressed by that id as grid axes are), old → new values,
 * and the plans' cells paired by their axis values so a cell whose analysis changed reads as "changed"
 * with the paths that moved, not as one removed and one added id. Used by `causeway plan --diff`.
 */
import { canonicalJson } from './canonical.js';
import { isPlainObject } from './load.js';
import { analysisDefinition, type Cell, type Plan } from './plan.js';

export interface PathChange {
  path: string;
  /** undefined: the path is absent on that side */
  old?: unknown;
  new?: unknown;
}

/** Sections of the spec that define the grid itself: shown as axes, not as spec changes. */
const GRID_KEYS = new Set(['sensitivity.grid', 'sensitivity.zip', 'sensitivity.exclude', 'sensitivity.max_cells']);

function isIdList(v: unknown): v is Array<Record<string, unknown> & { id: string }> {
  return Array.isArray(v) && v.length > 0 && v.every((x) => isPlainObject(x) && typeof x.id === 'string') && new Set(v.map((x) => (x as { id: string }).id)).size === v.length;
}

/** Leaves of a spec value as path → value; objects and id-keyed lists are walked, other values are leaves. */
function flattenSpec(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (GRID_KEYS.has(prefix)) return out;
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const k of Object.keys(value).sort()) flattenSpec(value[k], prefix ? `${prefix}.${k}` : k, out);
  } else if (isIdList(value)) {
    for (const entry of value) {
      const { id, ...rest } = entry;
      const at = `${prefix}.${id}`;
      if (Object.keys(rest).length === 0) out.set(at, entry);
      else flattenSpec(rest, at, out);
    }
  } else if (value !== undefined) out.set(prefix, value);
  return out;
}

/** Paths whose values differ between two spec values, in path order. */
export function diffSpecValues(before: unknown, after: unknown): PathChange[] {
  const a = flattenSpec(before);
  const b = flattenSpec(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: PathChange[] = [];
  for (const path of paths) {
    const x = a.get(path);
    const y = b.get(path);
    if (x !== undefined && y !== undefined && canonicalJson(x) === canonicalJson(y)) continue;
    out.push({ path, ...(x !== undefined ? { old: x } : {}), ...(y !== undefined ? { new: y } : {}) });
  }
  return out;
}

interface AxisChange {
  path: string;
  old?: unknown[];
  new?: unknown[];
}

interface ChangedCellGroup {
  /** the paths that differ between old and new cell, the same for every cell of the group */
  changes: PathChange[];
  cells: Array<{ old: string; new: string; axes: Record<string, unknown> }>;
}

interface PlanDiff {
  cells: { before: number; after: number };
  /** base-spec changes (grid sections aside) */
  spec: PathChange[];
  axes: AxisChange[];
  changed: ChangedCellGroup[];
  added: Array<{ id: string; axes: Record<string, unknown> }>;
  removed: Array<{ id: string; axes: Record<string, unknown> }>;
  unchanged: Array<{ id: string; axes: Record<string, unknown> }>;
}

const axesKey = (c: Cell) => canonicalJson(c.axes);
const brief = (c: Cell) => ({ id: c.id, axes: c.axes });

export function diffPlanSpecs(before: Plan, after: Plan, beforeSpec: unknown, afterSpec: unknown): PlanDiff {
  const beforeIds = new Set(before.cells.map((c) => c.id));
  const afterIds = new Set(after.cells.map((c) => c.id));
  const unchanged = after.cells.filter((c) => beforeIds.has(c.id));
  const gone = before.cells.filter((c) => !afterIds.has(c.id));
  const fresh = after.cells.filter((c) => !beforeIds.has(c.id));
  // Pair a vanished and a new cell when they sit at the same grid point (same axis values).
  const goneByAxes = new Map(gone.map((c) => [axesKey(c), c]));
  const groups = new Map<string, ChangedCellGroup>();
  const added: Cell[] = [];
  const paired = new Set<Cell>();
  for (const cell of fresh) {
    const old = goneByAxes.get(axesKey(cell));
    if (!old || paired.has(old)) {
      added.push(cell);
      continue;
    }
    paired.add(old);
    const changes = diffSpecValues(analysisDefinition(old.spec), analysisDefinition(cell.spec));
    const signature = canonicalJson(changes);
    let group = groups.get(signature);
    if (!group) groups.set(signature, (group = { changes, cells: [] }));
    group.cells.push({ old: old.id, new: cell.id, axes: cell.axes });
  }
  const axes: AxisChange[] = [];
  const beforeAxes = new Map(before.axes.map((a) => [a.path, a.values]));
  const afterAxes = new Map(after.axes.map((a) => [a.path, a.values]));
  for (const path of [...new Set([...beforeAxes.keys(), ...afterAxes.keys()])].sort()) {
    const x = beforeAxes.get(path);
    const y = afterAxes.get(path);
    if (x && y && canonicalJson(x) === canonicalJson(y)) continue;
    axes.push({ path, ...(x ? { old: x } : {}), ...(y ? { new: y } : {}) });
  }
  return {
    cells: { before: before.cells.length, after: after.cells.length },
    spec: diffSpecValues(beforeSpec, afterSpec),
    axes,
    changed: [...groups.values()].sort((a, b) => b.cells.length - a.cells.length),
    added: added.map(brief),
    removed: gone.filter((c) => !paired.has(c)).map(brief),
    unchanged: unchanged.map(brief),
  };
}

const show = (v: unknown) => (v === undefined ? '—' : `\`${canonicalJson(v).replace(/\|/g, '\\|')}\``);
const axesText = (axes: Record<string, unknown>) =>
  Object.entries(axes).map(([p, v]) => `${p}=${canonicalJson(v)}`).join(', ') || '(base spec)';

/**
 * One line for a set of cells of a plan: "every cell", or "every cell with <axis> = <values>" when the
 * set is exactly the cells at some values of one axis; null when neither holds.
 */
function describeCells(cells: Array<{ axes: Record<string, unknown> }>, plan: Plan): string | null {
  if (cells.length === plan.cells.length) return 'every cell of the plan';
  for (const axis of plan.axes) {
    const values = new Set(cells.map((c) => canonicalJson(c.axes[axis.path])));
    const matching = plan.cells.filter((c) => values.has(canonicalJson(c.axes[axis.path])));
    if (matching.length === cells.length) return `every cell with \`${axis.path}\` = ${[...values].map((v) => `\`${v}\``).join(' or ')}`;
  }
  return null;
}

/**
 * The plan diff as Markdown, for a pull request: spec changes, axes, then cells grouped by what changed,
 * each group in one line with its cell ids folded in a <details> block, so the change reads in one screen.
 */
export function planDiffMarkdown(diff: PlanDiff, beforeName: string, afterName: string, before: Plan, after: Plan): string {
  const n = (k: number, what: string) => `${k} ${what}`;
  const lines = [
    `## Plan diff: ${beforeName} → ${afterName}`,
    '',
    `${diff.cells.before} → ${diff.cells.after} cells: ${n(diff.changed.reduce((a, g) => a + g.cells.length, 0), 'changed')}, ` +
      `${n(diff.added.length, 'added')}, ${n(diff.removed.length, 'removed')}, ${n(diff.unchanged.length, 'unchanged')}`,
  ];
  const table = (rows: Array<{ path: string; old?: unknown; new?: unknown }>) => [
    '| path | old | new |',
    '| --- | --- | --- |',
    ...rows.map((r) => `| \`${r.path}\` | ${show(r.old)} | ${show(r.new)} |`),
  ];
  const folded = (items: string[]) => (items.length ? ['', '<details><summary>cells</summary>', '', ...items, '', '</details>'] : []);
  if (diff.spec.length) lines.push('', '### Spec changes', '', ...table(diff.spec));
  if (diff.axes.length) lines.push('', '### Grid axes', '', ...table(diff.axes));
  if (!diff.spec.length && !diff.axes.length) lines.push('', 'The specs define the same analyses (names, titles and report settings aside).');
  const specChanges = new Set(diff.spec.map((c) => canonicalJson(c)));
  for (const group of diff.changed) {
    const k = group.cells.length;
    const which = describeCells(group.cells, after);
    lines.push('', `### ${k} changed cell${k === 1 ? '' : 's'}${which ? ` (${which})` : ''}`, '');
    if (group.changes.length && group.changes.every((c) => specChanges.has(canonicalJson(c)))) {
      lines.push(`Each differs by the spec change${group.changes.length === 1 ? '' : 's'} above: ${group.changes.map((c) => `\`${c.path}\``).join(', ')}.`);
    } else lines.push(...table(group.changes));
    lines.push(...folded(group.cells.map((c) => `- \`${c.old}\` → \`${c.new}\` ${axesText(c.axes)}`)));
  }
  const list = (title: string, cells: PlanDiff['added'], plan: Plan) => {
    if (!cells.length) return;
    const which = describeCells(cells, plan);
    lines.push('', `### ${cells.length} ${title}${which ? ` (${which})` : ''}`, ...folded(cells.map((c) => `- \`${c.id}\` ${axesText(c.axes)}`)));
  };
  list('added', diff.added, after);
  list('removed', diff.removed, before);
  if (diff.unchanged.length) {
    const which = describeCells(diff.unchanged, after);
    lines.push('', `${diff.unchanged.length} cell${diff.unchanged.length === 1 ? '' : 's'} unchanged${which ? ` (${which})` : ''}: their cached results are reused.`);
  }
  return lines.join('\n') + '\n';
}
