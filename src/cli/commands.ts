/**
 * The commands. Each parses its own options, calls into spec/, run/, data/ or report/, and returns
 * an exit code; errors propagate to main.ts, which prints them for people.
 */
import { basename, dirname, resolve } from 'node:path';
import { CausewayError } from '../errors.js';
import type { Plan } from '../spec/plan.js';
import { canonicalJson } from '../spec/canonical.js';
import type { CliOutput } from './output.js';
import { intOption, OVERRIDE_HELP, OVERRIDE_OPTIONS, overridesFrom, parseCommandArgs, PROJECT_HELP, UsageError } from './args.js';

export interface Command {
  name: string;
  summary: string;
  help: string;
  run(argv: string[], io: CliOutput): Promise<number>;
}

function out(io: CliOutput, text: string): void {
  io.stdout(text.endsWith('\n') ? text : text + '\n');
}

/** Progress lines go to stderr when stdout carries JSON. */
const toStderr = (io: CliOutput) => (text: string) => io.stderr(text + '\n');

/** A CausewayError as data, for --json output. */
function errorJson(e: CausewayError): Record<string, unknown> {
  return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}), where: e.where, text: e.format() };
}


/** The machine-readable summary of a finished run or merge. */
function runJson(outcome: { exitCode: number; runDir: string; reportPath?: string; results?: { cells: Array<{ id: string; status: string; reason?: string }> } }): string {
  const cells = outcome.results?.cells ?? [];
  const count = (status: string) => cells.filter((c) => c.status === status).length;
  return JSON.stringify(
    {
      exitCode: outcome.exitCode,
      runDir: outcome.runDir,
      ...(outcome.reportPath ? { report: outcome.reportPath } : {}),
      cells: { total: cells.length, ok: count('ok'), failed: count('failed'), skipped: count('skipped') },
      failed: cells.filter((c) => c.status === 'failed').map((c) => ({ id: c.id, reason: c.reason ?? null })),
    },
    null,
    2,
  );
}

const validate: Command = {
  name: 'validate',
  summary: 'check specs against the schema, references, grid and expressions',
  help: `Usage: causeway validate <spec.yaml...> [--json]

Checks each spec: YAML syntax, the JSON Schema (schemas/causeway.schema.json), extends chains,
model/estimator references, grid axes and values, and every expression (type-checked before any
data is read), and that data.path exists. Every error of a spec is reported in one run, sorted by
place. Errors print as  file:line:col  /json/pointer  message; warnings (a covariate pattern that
matches no panel column) as  file:line:col  warning: /json/pointer  message.
Exit 0 when all specs are valid (warnings allowed), 1 otherwise.

Options:
  --json             one entry per spec: { file, ok, cells, errors: [{ code, message, hint, where, text }], warnings: [same] }
${OVERRIDE_HELP}
${PROJECT_HELP}`,
  async run(argv, io) {
    const { positionals, values } = parseCommandArgs('validate', argv, { json: { type: 'boolean' }, ...OVERRIDE_OPTIONS });
    const report: Array<{ file: string; ok: boolean; cells?: number; errors: Record<string, unknown>[]; warnings: Record<string, unknown>[] }> = [];
    if (positionals.length === 0) throw new UsageError('name at least one spec file', 'validate');
    const [{ displayPath }, { checkSpec, warningLine }] = await Promise.all([import('../spec/load.js'), import('../run/check-spec.js')]);
    let failed = 0;
    for (const file of positionals) {
      // every schema, reference, grid, data and expression error of the spec in one pass (src/run/check-spec.ts)
      const { plan, errors, warnings } = await checkSpec(file, overridesFrom(values));
      const shown = displayPath(resolve(file));
      const warningsJson = warnings.map((w) => ({ ...errorJson(w), text: warningLine(w) }));
      if (!values.json) for (const w of warnings) io.stderr(warningLine(w) + '\n');
      if (errors.length === 0 && plan) {
        report.push({ file: shown, ok: true, cells: plan.cells.length, errors: [], warnings: warningsJson });
        if (!values.json) out(io, `ok  ${shown}  (${plan.cells.length} cell${plan.cells.length === 1 ? '' : 's'})` + (warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : ''));
      } else {
        report.push({ file: shown, ok: false, errors: errors.map(errorJson), warnings: warningsJson });
        if (!values.json) for (const err of errors) io.stderr(err.format() + '\n');
        failed++;
      }
    }
    if (values.json) out(io, JSON.stringify(report, null, 2));
    return failed > 0 ? 1 : 0;
  },
};

function planTable(plan: Plan): string {
  const lines = [`plan ${plan.name}: ${plan.cells.length} cell${plan.cells.length === 1 ? '' : 's'}` + (plan.excluded ? ` (${plan.excluded} excluded)` : '')];
  if (plan.axes.length) lines.push('axes:', ...plan.axes.map((a) => `  ${a.path}: ${a.values.map((v) => canonicalJson(v)).join(', ')}`));
  lines.push('cells:');
  for (const cell of plan.cells) {
    const axes = Object.entries(cell.axes).map(([p, v]) => `${p}=${canonicalJson(v)}`).join('  ');
    lines.push(`  ${cell.id}  ${axes || '(base spec)'}`);
  }
  return lines.join('\n');
}

const plan: Command = {
  name: 'plan',
  summary: 'expand a spec\'s grid into cells with stable ids; --diff two specs',
  help: `Usage: causeway plan <spec.yaml> [--json]
       causeway plan --diff <old.yaml> <new.yaml> [--json]

Expands the sensitivity grid into cells. Each cell's id is a hash of its resolved analysis
definition (names, titles and report settings excluded), so the same analysis has the same id in
any spec. --diff compares two specs for a reviewer, as Markdown: the spec paths that changed
(old → new), the grid axes that changed, and the cells paired by grid point — changed (grouped by
the paths that differ), added, removed and unchanged.

Options:
  --json    machine-readable output
  --diff    compare the plans of two specs
${OVERRIDE_HELP}
${PROJECT_HELP}`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('plan', argv, { json: { type: 'boolean' }, diff: { type: 'boolean' }, ...OVERRIDE_OPTIONS });
    const [{ displayPath }, { checkSpecOrThrow }] = await Promise.all([import('../spec/load.js'), import('../run/check-spec.js')]);
    // every schema, reference and grid error at once (src/run/check-spec.ts); plan reads no data
    const planOf = (file: string, overrides?: ReturnType<typeof overridesFrom>) => checkSpecOrThrow(file, overrides, { planOnly: true });
    if (values.diff) {
      const { diffPlanSpecs, planDiffMarkdown } = await import('../spec/diff.js');
      if (positionals.length !== 2) throw new UsageError('--diff takes two specs: old.yaml new.yaml', 'plan');
      // overrides apply to the new spec: `plan --diff base.yaml base.yaml -S x=1` shows what -S changes
      const [{ loaded: oldLoaded, plan: oldPlan }, { loaded: newLoaded, plan: newPlan }] = [await planOf(positionals[0]), await planOf(positionals[1], overridesFrom(values))];
      const diff = diffPlanSpecs(oldPlan, newPlan, oldLoaded.spec, newLoaded.spec);
      if (values.json) out(io, JSON.stringify(diff, null, 2));
      else out(io, planDiffMarkdown(diff, displayPath(resolve(positionals[0])), displayPath(resolve(positionals[1])), oldPlan, newPlan));
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('plan takes one spec', 'plan');
    const { plan: p } = await planOf(positionals[0], overridesFrom(values));
    if (values.json) {
      out(io, JSON.stringify({ name: p.name, specHash: p.specHash, cells: p.cells.map((c) => ({ id: c.id, axes: c.axes })), excluded: p.excluded, axes: p.axes }, null, 2));
    } else out(io, planTable(p));
    return 0;
  },
};

const run: Command = {
  name: 'run',
  summary: 'run a spec (every grid cell) and write its run directory',
  help: `Usage: causeway run <spec.yaml> [options]

Runs every cell of the spec's plan and writes runs/<spec-name>/<run-id>/ (report.md, figures/,
tables/, results.json, manifest.json, spec.resolved.yaml). Finished cells are cached by content,
so running the same command again recomputes nothing and resumes an interrupted run.

Options:
  --out DIR          run directory (default runs/<spec-name>/<run-id>)
  --jobs N           worker threads (default: number of cores)
  --shard K/N        run only shard K of N (also JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID)
  --shard-count N    shard count when the index comes from JOB_COMPLETION_INDEX
  --max-cells N      allow a plan larger than sensitivity.max_cells
  --no-cache         recompute every cell (results are still written to the cache)
  --fail-fast        stop scheduling after the first failed cell (default: keep going)
  --quiet            only failures and the final line
  --json             print a JSON summary (run folder, report, cell counts, failed cells) on
                     standard output; progress goes to standard error
${OVERRIDE_HELP}
${PROJECT_HELP}

Environment:
  CAUSEWAY_CACHE     the cache folder (default .cache/causeway/ in the current folder)
  CAUSEWAY_ALLOCATOR=default
                     keep glibc's own allocator settings; by default each cell's analysis returns
                     freed memory of 128 KiB blocks or more to the system (less memory for a few per
                     cent more time; docs/batch.md, Memory), unless MALLOC_MMAP_THRESHOLD_ is set`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('run', argv, {
      out: { type: 'string' },
      jobs: { type: 'string', short: 'j' },
      shard: { type: 'string' },
      'shard-count': { type: 'string' },
      'max-cells': { type: 'string' },
      'no-cache': { type: 'boolean' },
      'fail-fast': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      json: { type: 'boolean' },
      ...OVERRIDE_OPTIONS,
    });
    if (positionals.length !== 1) throw new UsageError('run takes one spec', 'run');
    // every option is read (and a bad one refused) before the run's modules load
    const options = {
      overrides: overridesFrom(values),
      out: values.out as string | undefined,
      jobs: intOption(values.jobs, 'jobs', 'run', 1, 256),
      shard: values.shard as string | undefined,
      shardCount: intOption(values['shard-count'], 'shard-count', 'run', 1, 100_000),
      maxCells: intOption(values['max-cells'], 'max-cells', 'run', 1),
      noCache: Boolean(values['no-cache']),
      failFast: Boolean(values['fail-fast']),
      quiet: Boolean(values.quiet),
      ...(values.json ? { log: toStderr(io) } : {}),
    };
    const { runSpec } = await import('../run/run-spec.js');
    const outcome = await runSpec(positionals[0], options);
    if (values.json) out(io, runJson(outcome));
    return outcome.exitCode;
  },
};

const synth: Command = {
  name: 'synth',
  summary: 'write a simulated KuaiRec archive with a known causal truth',
  help: `Usage: causeway synth [--out FILE] [--users N] [--days N] [--videos N] [--seed S] [--null] [--big]

Writes the real KuaiRec layout (outer 18164998.zip → stored KuaiRec.zip → KuaiRec 2.0/data/*.csv,
real columns and formats, ~3.8% rows with an empty time) from a documented user-day causal model,
and truth.json beside it (TE, NDE, NIE, CDE, E[Y(0,M(0))] by Monte-Carlo re-simulation).
See docs/simulator.md.

Options:
  --out FILE    archive path (default data/synthetic/18164998.zip)
  --users N     users (default 1411)
  --days N      calendar days (default 63)
  --videos N    videos (default 3327)
  --seed S      generator seed (default 20200705)
  --null        the treatment moves nothing (all true effects are zero)
  --big         write the whole big_matrix.csv (else a placeholder of its first users)`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('synth', argv, {
      out: { type: 'string', short: 'o' },
      users: { type: 'string' },
      days: { type: 'string' },
      videos: { type: 'string' },
      seed: { type: 'string' },
      null: { type: 'boolean' },
      big: { type: 'boolean' },
    });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`, 'synth');
    // the options are read (and a bad one refused) before the simulator's modules load
    const options = {
      out: resolve((values.out as string | undefined) ?? 'data/synthetic/18164998.zip'),
      users: intOption(values.users, 'users', 'synth', 1, 100_000) ?? 1411,
      days: intOption(values.days, 'days', 'synth', 8, 3650),
      videos: intOption(values.videos, 'videos', 'synth', 10, 10_000_000),
      seed: intOption(values.seed, 'seed', 'synth', 0, 4_294_967_295) ?? 20200705,
      null: Boolean(values.null),
      matrix: values.big ? ('big' as const) : ('small' as const),
    };
    const [{ synthesize }, { displayPath }] = await Promise.all([import('../data/kuairec/simulate/index.js'), import('../spec/load.js')]);
    const result = await synthesize(options);
    out(io, `wrote ${displayPath(result.archive)}\nwrote ${displayPath(result.truthPath)}`);
    return 0;
  },
};

const report: Command = {
  name: 'report',
  summary: 're-render a run directory\'s report from its results.json',
  help: `Usage: causeway report <run-dir> [--template FILE]

Re-renders report.md, figures/ and tables/ from results.json without recomputing anything, so a
template edit shows in seconds.

Options:
  --template FILE   a Handlebars template to use instead of the spec's (inside the working folder's
                    tree or a --project folder)
${PROJECT_HELP}`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('report', argv, { template: { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('report takes one run directory', 'report');
    const [{ renderReport }, { displayPath }] = await Promise.all([import('../report/index.js'), import('../spec/load.js')]);
    const written = await renderReport(resolve(positionals[0]), { template: values.template as string | undefined });
    out(io, `wrote ${displayPath(written.reportPath)}`);
    return 0;
  },
};

const compare: Command = {
  name: 'compare',
  summary: 'compare two runs: changed estimates ranked by size, plus the spec diff',
  help: `Usage: causeway compare <runA> <runB> [--json] [--all] [--fail-on LIST] [--out FILE]

Prints what changed between two run directories, ready to paste into a pull request: the spec paths
that changed (A → B), then the changed estimates of the estimands the report shows, ranked by
|change| / the standard error of A's estimate, with sign flips and zero-crossings flagged, cells
present in only one run, and the line diff of the resolved specs.

Options:
  --json           JSON instead of Markdown
  --all            also list estimands the report does not show (ate_gcomp, y1, y10_debiased, …)
  --fail-on LIST   exit 1 when the comparison shows any of (comma-separated): sign-flip,
                   zero-crossing, status (a cell's status changed), cells (a cell in only one
                   run), any (anything changed) — a gate for CI
  --out FILE       write to FILE instead of standard output`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('compare', argv, {
      json: { type: 'boolean' },
      all: { type: 'boolean' },
      'fail-on': { type: 'string' },
      out: { type: 'string' },
    });
    if (positionals.length !== 2) throw new UsageError('compare takes two run directories', 'compare');
    const { compareRuns, gateFailures, GATES } = await import('../report/compare.js');
    const gates = values['fail-on'] === undefined ? [] : String(values['fail-on']).split(',').map((g) => g.trim());
    for (const g of gates) {
      if (!(GATES as readonly string[]).includes(g)) throw new UsageError(`--fail-on takes ${GATES.join(', ')} (got '${g}')`, 'compare');
    }
    const result = compareRuns(positionals[0]!, positionals[1]!, { all: values.all === true });
    const text = values.json ? JSON.stringify(result.json, null, 2) : result.markdown;
    if (values.out) {
      const { writeFileAtomic } = await import('../report/files.js');
      const target = resolve(values.out as string);
      writeFileAtomic(dirname(target), basename(target), text.endsWith('\n') ? text : text + '\n');
    } else out(io, text);
    const failures = gateFailures(result.json, gates as Array<(typeof GATES)[number]>);
    for (const f of failures) io.stderr(`causeway compare: gate failed: ${f}\n`);
    return failures.length ? 1 : 0;
  },
};

const merge: Command = {
  name: 'merge',
  summary: 'assemble shard outputs into one run',
  help: `Usage: causeway merge <run-dir> [--spec FILE] [--wait SECONDS] [--json]

Assembles <run-dir>/shards/*/ written by 'causeway run --shard K/N' into one run directory whose
results.json is byte-identical to a single-process run. Refuses missing or mismatched shards.

Options:
  --spec FILE        the spec the shards ran (default: the path the shards recorded)
  --wait SECONDS     while shards are missing or interrupted, poll for up to this long before failing
                     (a merge job started beside the shard jobs; docs/batch.md)
  --json             print a JSON summary as 'causeway run --json' does
${PROJECT_HELP}`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('merge', argv, { spec: { type: 'string' }, wait: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('merge takes one run directory', 'merge');
    const waitSeconds = intOption(values.wait, 'wait', 'merge', 0, 604_800);
    const { mergeRun } = await import('../run/run-spec.js');
    const outcome = await mergeRun(resolve(positionals[0]), { specFile: values.spec as string | undefined, waitSeconds, ...(values.json ? { log: toStderr(io) } : {}) });
    if (values.json) out(io, runJson(outcome));
    return outcome.exitCode;
  },
};

const frame: Command = {
  name: 'frame',
  summary: 'write one cell\'s analysis frame (unit, cluster, day, A, M, Y, covariates) as CSV or Parquet',
  help: `Usage: causeway frame <spec.yaml> --out FILE.csv|FILE.parquet [--cell ID]

Builds the analysis frame of one cell exactly as causeway run does and writes it, one row per
analysis row: the unit (user_id, or the table's id column), cluster, date (where the data have a
calendar), A, M, Y, secondary outcomes (Y:<name>), the covariates as the spec names them (raw;
categorical ones as text) and as encoded for the models (x:<column>), and the cell's diagnostic
logistic propensity (the overlap figure's) with its unclipped inverse-probability weight (propensity,
ipw_weight), and each estimator's own propensity and weights where it computed them
(propensity:<id>, weight:<id>). For re-checking in R or Python.

Options:
  --out FILE    .csv or .parquet (written atomically)
  --cell ID     the cell (an id or its prefix; default the spec's base cell)`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('frame', argv, { out: { type: 'string' }, cell: { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('frame takes one spec', 'frame');
    if (!values.out) throw new UsageError('frame needs --out FILE.csv or FILE.parquet', 'frame');
    const [{ exportFrame }, { displayPath }] = await Promise.all([import('../run/frame-export.js'), import('../spec/load.js')]);
    const written = await exportFrame(positionals[0], { out: values.out as string, cell: values.cell as string | undefined });
    out(io, `frame of cell ${written.cell}: ${written.rows} rows × ${written.columns} columns → ${displayPath(written.file)}`);
    return 0;
  },
};

export const commands: Record<string, Command> = { validate, plan, run, frame, synth, report, compare, merge };
