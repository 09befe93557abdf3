/**
 * The commands. Each parses its own options, calls into spec/, run/, data/ or report/, and returns
 * an exit code; errors propagate to main.ts, which prints them for people.
 */
import { basename, dirname, resolve } from 'node:path';
import { CausewayError, CausewayErrors } from '../errors.js';
import { loadSpec, displayPath } from '../spec/load.js';
import { buildPlan, diffPlans, type Plan } from '../spec/plan.js';
import { canonicalJson } from '../spec/canonical.js';
import { checkSpecExpressions, describeSources } from '../run/compile.js';
import { intOption, parseCommandArgs, UsageError } from './args.js';

export interface Command {
  name: string;
  summary: string;
  help: string;
  run(argv: string[]): Promise<number>;
}

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

const validate: Command = {
  name: 'validate',
  summary: 'check specs against the schema, references, grid and expressions',
  help: `Usage: causeway validate <spec.yaml...>

Checks each spec: YAML syntax, the JSON Schema (schemas/causeway.schema.json), extends chains,
model/estimator references, grid axes and values, and every expression (type-checked before any
data is read). Errors print as  file:line:col  /json/pointer  message.
Exit 0 when all specs are valid, 1 otherwise.`,
  async run(argv) {
    const { positionals } = parseCommandArgs('validate', argv, {});
    if (positionals.length === 0) throw new UsageError('name at least one spec file', 'validate');
    let failed = 0;
    for (const file of positionals) {
      try {
        const loaded = loadSpec(file);
        const plan = buildPlan(loaded);
        checkSpecExpressions(loaded, plan, await describeSources(loaded, plan));
        out(`ok  ${displayPath(resolve(file))}  (${plan.cells.length} cell${plan.cells.length === 1 ? '' : 's'})`);
      } catch (e) {
        if (e instanceof CausewayError || e instanceof CausewayErrors) {
          const errors = e instanceof CausewayErrors ? e.errors : [e];
          for (const err of errors) process.stderr.write(err.format() + '\n');
          failed++;
        } else throw e;
      }
    }
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
any spec. --diff lists the cells added, removed and unchanged between two specs.

Options:
  --json    machine-readable output
  --diff    compare the plans of two specs`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs('plan', argv, { json: { type: 'boolean' }, diff: { type: 'boolean' } });
    if (values.diff) {
      if (positionals.length !== 2) throw new UsageError('--diff takes two specs: old.yaml new.yaml', 'plan');
      const before = buildPlan(loadSpec(positionals[0]));
      const after = buildPlan(loadSpec(positionals[1]));
      const diff = diffPlans(before, after);
      if (values.json) {
        const brief = (cells: typeof diff.added) => cells.map((c) => ({ id: c.id, axes: c.axes }));
        out(JSON.stringify({ added: brief(diff.added), removed: brief(diff.removed), unchanged: brief(diff.unchanged) }, null, 2));
      } else {
        const row = (sign: string, c: (typeof diff.added)[number]) =>
          `${sign} ${c.id}  ${Object.entries(c.axes).map(([p, v]) => `${p}=${canonicalJson(v)}`).join('  ') || '(base spec)'}`;
        out(
          [
            `plan diff ${displayPath(resolve(positionals[0]))} → ${displayPath(resolve(positionals[1]))}: ` +
              `${diff.added.length} added, ${diff.removed.length} removed, ${diff.unchanged.length} unchanged`,
            ...diff.added.map((c) => row('+', c)),
            ...diff.removed.map((c) => row('-', c)),
            ...diff.unchanged.map((c) => row('=', c)),
          ].join('\n'),
        );
      }
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('plan takes one spec', 'plan');
    const p = buildPlan(loadSpec(positionals[0]));
    if (values.json) {
      out(JSON.stringify({ name: p.name, specHash: p.specHash, cells: p.cells.map((c) => ({ id: c.id, axes: c.axes })), excluded: p.excluded, axes: p.axes }, null, 2));
    } else out(planTable(p));
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
  --quiet            only failures and the final line`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs('run', argv, {
      out: { type: 'string' },
      jobs: { type: 'string', short: 'j' },
      shard: { type: 'string' },
      'shard-count': { type: 'string' },
      'max-cells': { type: 'string' },
      'no-cache': { type: 'boolean' },
      'fail-fast': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
    });
    if (positionals.length !== 1) throw new UsageError('run takes one spec', 'run');
    const { runSpec } = await import('../run/run-spec.js');
    const outcome = await runSpec(positionals[0], {
      out: values.out as string | undefined,
      jobs: intOption(values.jobs, 'jobs', 'run', 1),
      shard: values.shard as string | undefined,
      shardCount: intOption(values['shard-count'], 'shard-count', 'run', 1),
      maxCells: intOption(values['max-cells'], 'max-cells', 'run', 1),
      noCache: Boolean(values['no-cache']),
      failFast: Boolean(values['fail-fast']),
      quiet: Boolean(values.quiet),
    });
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
  --big         also write big_matrix.csv`,
  async run(argv) {
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
    const { synthesize } = await import('../data/simulate.js');
    const result = await synthesize({
      out: resolve((values.out as string | undefined) ?? 'data/synthetic/18164998.zip'),
      users: intOption(values.users, 'users', 'synth', 1) ?? 1411,
      days: intOption(values.days, 'days', 'synth', 8),
      videos: intOption(values.videos, 'videos', 'synth', 10),
      seed: intOption(values.seed, 'seed', 'synth', 0) ?? 20200705,
      null: Boolean(values.null),
      matrix: values.big ? 'big' : 'small',
    });
    out(`wrote ${displayPath(result.archive)}\nwrote ${displayPath(result.truthPath)}`);
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
  --template FILE   a Handlebars template to use instead of the spec's`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs('report', argv, { template: { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('report takes one run directory', 'report');
    const { renderReport } = await import('../report/index.js');
    const written = await renderReport(resolve(positionals[0]), { template: values.template as string | undefined });
    out(`wrote ${displayPath(written.reportPath)}`);
    return 0;
  },
};

const compare: Command = {
  name: 'compare',
  summary: 'compare two runs: changed estimates and CIs, plus the spec diff',
  help: `Usage: causeway compare <runA> <runB> [--json] [--out FILE]

Prints a Markdown table of estimates and CIs that changed between two run directories, with the
spec diff — ready to paste into a pull request.

Options:
  --json       JSON instead of Markdown
  --out FILE   write to FILE instead of standard output`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs('compare', argv, { json: { type: 'boolean' }, out: { type: 'string' } });
    if (positionals.length !== 2) throw new UsageError('compare takes two run directories', 'compare');
    const { compareRuns } = await import('../report/index.js');
    const result = await compareRuns(resolve(positionals[0]), resolve(positionals[1]));
    const text = values.json ? JSON.stringify(result.json, null, 2) : result.markdown;
    if (values.out) {
      const { writeFileAtomic } = await import('../report/files.js');
      const target = resolve(values.out as string);
      writeFileAtomic(dirname(target), basename(target), text.endsWith('\n') ? text : text + '\n');
    } else out(text);
    return 0;
  },
};

const merge: Command = {
  name: 'merge',
  summary: 'assemble shard outputs into one run',
  help: `Usage: causeway merge <run-dir> [--spec FILE]

Assembles <run-dir>/shards/*/ written by 'causeway run --shard K/N' into one run directory whose
results.json is byte-identical to a single-process run. Refuses missing or mismatched shards.

Options:
  --spec FILE   the spec the shards ran (default: the path the shards recorded)`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs('merge', argv, { spec: { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('merge takes one run directory', 'merge');
    const { mergeRun } = await import('../run/run-spec.js');
    const outcome = await mergeRun(resolve(positionals[0]), { specFile: values.spec as string | undefined });
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
ipw_weight). For re-checking in R or Python.

Options:
  --out FILE    .csv or .parquet (written atomically)
  --cell ID     the cell (an id or its prefix; default the spec's base cell)`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs('frame', argv, { out: { type: 'string' }, cell: { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('frame takes one spec', 'frame');
    if (!values.out) throw new UsageError('frame needs --out FILE.csv or FILE.parquet', 'frame');
    const { exportFrame } = await import('../run/frame-export.js');
    const written = await exportFrame(positionals[0], { out: values.out as string, cell: values.cell as string | undefined });
    out(`frame of cell ${written.cell}: ${written.rows} rows × ${written.columns} columns → ${displayPath(written.file)}`);
    return 0;
  },
};

export const commands: Record<string, Command> = { validate, plan, run, frame, synth, report, compare, merge };
