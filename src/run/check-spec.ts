/**
 * One-pass checking of a spec, for validate, plan and run: the schema, reference, grid, data-source
 * and expression checks all run and their errors are reported together, sorted by place, so one bad
 * key does not hide the rest. A later stage runs on what an earlier stage could not fault: the grid
 * of a spec whose other sections fail the schema is still expanded, the expressions of a spec whose
 * grid is wrong are still checked on the base spec. Errors a later stage finds at or inside a value
 * the schema already rejected are dropped (the schema's says what is wrong there).
 */
import { CausewayError, CausewayErrors } from '../errors.js';
import { loadSpec, type LoadedSpec } from '../spec/load.js';
import { buildPlan, cellId, type Plan } from '../spec/plan.js';
import type { SpecOverrides } from '../spec/overrides.js';
import { locate } from '../spec/source.js';
import { sourceOf, type SourceDescription } from '../data/source.js';
import { dataConfigKey, specExpressionProblems } from './compile.js';

export interface SpecCheck {
  /** Absent when the spec could not be read at all (YAML syntax, a broken extends chain). */
  loaded?: LoadedSpec;
  plan?: Plan;
  described: Map<string, SourceDescription>;
  /** Sorted by file, line and column; empty when the spec is valid. */
  errors: CausewayError[];
  warnings: CausewayError[];
}

const asList = (e: CausewayError | CausewayErrors) => (e instanceof CausewayErrors ? e.errors : [e]);

/** `planOnly`: the schema, reference and grid checks, not the data and expressions (`causeway plan` reads no data). */
export async function checkSpec(file: string, overrides?: SpecOverrides, opts: { planOnly?: boolean } = {}): Promise<SpecCheck> {
  const described = new Map<string, SourceDescription>();
  const schemaErrors: CausewayError[] = [];
  let loaded: LoadedSpec;
  try {
    loaded = loadSpec(file, overrides, schemaErrors);
  } catch (e) {
    if (e instanceof CausewayError || e instanceof CausewayErrors) return { described, errors: sortErrors(asList(e)), warnings: [] };
    throw e;
  }
  const specInvalid = schemaErrors.some((e) => e.code === 'SPEC_SCHEMA');
  const rejected = schemaErrors.filter((e) => e.code === 'SPEC_SCHEMA').map((e) => pointerOf(e)).filter((p) => p !== '' && p !== '/');
  // Checks that read a rejected section would report its consequences, not new mistakes: references to
  // estimator ids when an entry (or its id) is rejected, to models when models is, and every column and
  // expression check when a section that defines columns is (they run once that section is fixed).
  const estimatorsRejected = rejected.some((p) => /^\/estimators(\/\d+(\/id)?)?$/.test(p));
  const modelsRejected = rejected.includes('/models');
  const columnsRejected = rejected.some((p) => ['data', 'events', 'days', 'history'].includes(p.split('/')[1]));
  const consequence = (e: CausewayError) =>
    (estimatorsRejected && e.code === 'SPEC_UNKNOWN_ESTIMATOR') || (modelsRejected && e.code === 'SPEC_UNKNOWN_MODEL');
  const later: CausewayError[] = [];
  // A check that trips over a value of the wrong type is answered by that value's schema error.
  const tolerate = (e: unknown) => {
    if (e instanceof CausewayError || e instanceof CausewayErrors) later.push(...asList(e));
    else if (!specInvalid) throw e;
  };

  let plan: Plan | undefined;
  let fullPlan = true;
  try {
    plan = buildPlan(loaded);
  } catch (e) {
    tolerate(e);
    fullPlan = false;
  }
  // The grid is wrong: the expressions are still checked, on the base spec alone.
  const checkedPlan: Plan = plan ?? basePlan(loaded);

  const checkedFiles = new Set<string>();
  const at = (pointer: string) => {
    const pos = locate(loaded.source, loaded.source.values.has(pointer) ? pointer : '/data');
    return { kind: 'spec' as const, file: pos.file, line: pos.line, col: pos.col, pointer };
  };
  for (const cell of opts.planOnly ? [] : checkedPlan.cells) {
    try {
      const key = dataConfigKey(cell.spec);
      if (checkedFiles.has(key)) continue;
      checkedFiles.add(key);
      const source = sourceOf(cell.spec.data);
      try {
        await source.checkFiles?.(cell.spec.data, { baseDir: loaded.baseDir, at });
      } catch (e) {
        tolerate(e);
      }
      described.set(key, await source.describe(cell.spec.data, { baseDir: loaded.baseDir, at }));
    } catch (e) {
      tolerate(e);
    }
  }
  // Cells whose data could not be described are not compiled: against which columns?
  let problems: { errors: CausewayError[]; warnings: CausewayError[] } = { errors: [], warnings: [] };
  if (!columnsRejected && !opts.planOnly) {
    try {
      problems = specExpressionProblems(loaded, checkedPlan, described, {
        skip: (cell) => !described.has(dataConfigKey(cell.spec)),
        specInvalid,
      });
    } catch (e) {
      tolerate(e);
    }
  }
  later.push(...problems.errors);

  const inRejected = (e: CausewayError) => {
    const p = pointerOf(e);
    return rejected.some((r) => p === r || p.startsWith(r + '/'));
  };
  const errors = sortErrors([...schemaErrors.filter((e) => !consequence(e)), ...later.filter((e) => !inRejected(e) && !consequence(e))]);
  const warnings = sortErrors(problems.warnings.filter((w) => !inRejected(w)));
  return { loaded, plan: fullPlan ? plan : undefined, described, errors, warnings };
}

/** checkSpec for commands that go on to use the spec: throws its errors (all of them) or returns it. */
export async function checkSpecOrThrow(file: string, overrides?: SpecOverrides, opts: { planOnly?: boolean } = {}): Promise<{ loaded: LoadedSpec; plan: Plan; described: Map<string, SourceDescription>; warnings: CausewayError[] }> {
  const checked = await checkSpec(file, overrides, opts);
  if (checked.errors.length === 1) throw checked.errors[0];
  if (checked.errors.length > 1) throw new CausewayErrors(checked.errors);
  return { loaded: checked.loaded!, plan: checked.plan!, described: checked.described, warnings: checked.warnings };
}

/** `file:line:col  warning: message`, one line. */
export function warningLine(w: CausewayError): string {
  const where = w.where.kind === 'spec' ? `${w.where.file}:${w.where.line}:${w.where.col}  ` : '';
  return `${where}warning: ${w.where.kind === 'spec' && w.where.pointer ? w.where.pointer + '  ' : ''}${w.message}`;
}

function basePlan(loaded: LoadedSpec): Plan {
  const spec = loaded.spec;
  return { name: String(spec.name), specHash: '', cells: [{ id: cellId(spec), axes: {}, spec }], axes: [], excluded: 0, maxCells: 1 };
}

function pointerOf(e: CausewayError): string {
  return e.where.kind === 'spec' ? (e.where.pointer ?? '') : '';
}

/** De-duplicated (by the printed line) and sorted by file, line, column; ties keep the order of the stages. */
function sortErrors(errors: CausewayError[]): CausewayError[] {
  const seen = new Set<string>();
  const unique = errors.filter((e) => {
    const text = e.format();
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
  const place = (e: CausewayError) => (e.where.kind === 'spec' ? e.where : { file: '', line: 0, col: 0 });
  return unique
    .map((e, i) => ({ e, i }))
    .sort((a, b) => {
      const pa = place(a.e);
      const pb = place(b.e);
      return (pa.file < pb.file ? -1 : pa.file > pb.file ? 1 : 0) || pa.line - pb.line || pa.col - pb.col || a.i - b.i;
    })
    .map(({ e }) => e);
}
