// The batch recipes of docs/batch.md run as written: the code blocks are read from the file, and their
// commands run locally with the environment Kubernetes or Slurm would set — every index of the Indexed
// Job, then its merge Job; the Slurm submit script through a stand-in `sbatch` that runs the array tasks
// and honours the merge's afterok dependency. Both merged runs equal a one-process run byte for byte.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { simulatedArchive, SMALL_ARCHIVE_ARGS } from '../support/archives.js';
import { bin, root } from '../support/cli.js';

const work = mkdtempSync(join(tmpdir(), 'causeway-batch-'));
after(() => rmSync(work, { recursive: true, force: true }));
const RECIPE_SPEC = 'specs/kuairec/discovery-mediation-robustness.yaml';
const spec = join(work, 'grid.yaml');
/** the small archive of test/e2e/demo.test.ts, built once per suite run */
let archive = '';

/** The code blocks of docs/batch.md that start with `# file: NAME`, by name. */
function recipeFiles(): Record<string, string> {
  const text = readFileSync(join(root, 'docs', 'batch.md'), 'utf8');
  const files: Record<string, string> = {};
  for (const m of text.matchAll(/```(?:yaml|bash)\n# file: (\S+)\n([\s\S]*?)```/g)) files[m[1]!] = m[2]!;
  return files;
}

function causeway(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, CAUSEWAY_CACHE: join(work, 'cache'), ...env } });
  assert.equal(r.status, 0, `causeway ${args.join(' ')}\n${r.stderr}${r.stdout}`);
}

before(() => {
  archive = simulatedArchive(SMALL_ARCHIVE_ARGS, join(work, 'archive'));
  // A three-cell grid on the small archive: fewer cells than shards, so most shards have none, and every
  // line of the recipes runs; the merged runs are compared byte for byte, which needs no size.
  writeFileSync(
    spec,
    [
      `extends: ${join(root, 'specs', 'demo', 'discovery-mediation.yaml')}`,
      'name: batch-recipe-grid',
      `data: { path: ${archive} }`,
      'estimators: [{ id: gcomp_linear, kind: gcomp, outcome: linear }]',
      'uncertainty: { bootstrap: { reps: 4 } }',
      'heterogeneity: null',
      'diagnostics: [overlap]',
      'sensitivity: { grid: { treatment.threshold.value: [0.4, 0.5, 0.6] } }',
      'report: { figures: [estimator_forest] }',
      '',
    ].join('\n'),
  );
  causeway(['run', spec, '--out', join(work, 'single')]);
});

const single = () => readFileSync(join(work, 'single', 'results.json'));

test('docs/batch.md: the Kubernetes Indexed Job and its merge Job, run index by index, equal one process', () => {
  const docs = parseAllDocuments(recipeFiles()['causeway.yaml']!).map((d) => d.toJS() as Record<string, any>);
  const jobs = docs.filter((d) => d.kind === 'Job');
  const shardJob = jobs.find((j) => j.spec.completionMode === 'Indexed')!;
  const mergeJob = jobs.find((j) => j !== shardJob)!;
  assert.ok(shardJob && mergeJob, 'an Indexed Job and a merge Job');
  const claims = new Set(docs.filter((d) => d.kind === 'PersistentVolumeClaim').map((d) => d.metadata.name));
  const runsDir = join(work, 'k8s-runs');
  /** What a container of the recipe would run here: /app is this checkout, /runs a scratch folder. */
  const local = (s: string) => s.replace(RECIPE_SPEC, spec).replace(/^\/runs/, runsDir);
  const runContainer = (job: Record<string, any>, extraEnv: Record<string, string>) => {
    const c = job.spec.template.spec.containers[0];
    assert.equal(c.workingDir, '/app');
    assert.ok(c.resources?.requests && c.resources?.limits, `${job.metadata.name} declares resources`);
    for (const v of job.spec.template.spec.volumes) {
      if (v.persistentVolumeClaim && v.name === 'runs') assert.ok(claims.has(v.persistentVolumeClaim.claimName), 'the runs volume is claimed in the manifest');
    }
    assert.ok(c.volumeMounts.some((m: { mountPath: string }) => m.mountPath === '/runs'), `${job.metadata.name} mounts /runs`);
    const env: Record<string, string> = {};
    for (const e of c.env ?? []) env[e.name] = local(String(e.value));
    const [cmd, ...args] = c.command as string[];
    assert.equal(cmd, 'node');
    const r = spawnSync(process.execPath, args.map(local), { cwd: root, encoding: 'utf8', env: { ...process.env, ...env, ...extraEnv } });
    assert.equal(r.status, 0, `${job.metadata.name} ${JSON.stringify(extraEnv)}\n${r.stderr}${r.stdout}`);
  };
  const completions = shardJob.spec.completions as number;
  assert.ok(completions > 3, 'more shards than the test grid has cells');
  for (let i = 0; i < completions; i++) runContainer(shardJob, { JOB_COMPLETION_INDEX: String(i) });
  runContainer(mergeJob, {});
  assert.ok(readFileSync(join(runsDir, 'robustness', 'results.json')).equals(single()), 'merged Kubernetes shards differ from one process');
});

test('docs/batch.md: the Slurm array and its dependent merge, through submit.sh, equal one process', () => {
  const files = recipeFiles();
  const slurm = join(work, 'slurm');
  const binDir = join(work, 'fake-bin');
  mkdirSync(slurm, { recursive: true });
  mkdirSync(binDir, { recursive: true });
  for (const name of ['shard.sbatch', 'merge.sbatch', 'submit.sh']) writeFileSync(join(slurm, name), files[name]!.replace(/^# file: .*\n/, ''));
  // A stand-in sbatch: runs the job at once; an array runs every task with the variables Slurm sets; a
  // job whose afterok dependency has not succeeded is refused.
  const fake = join(binDir, 'sbatch');
  writeFileSync(
    fake,
    `#!/bin/bash
set -u
state="${join(work, 'sbatch-state')}"; mkdir -p "$state"
dep=""; script=""
for a in "$@"; do
  case "$a" in
    --dependency=afterok:*) dep="\${a#--dependency=afterok:}" ;;
    --*) ;;
    *) script="$a" ;;
  esac
done
if [ -n "$dep" ] && [ ! -f "$state/ok-$dep" ]; then echo "sbatch: dependency $dep not satisfied" >&2; exit 1; fi
id=$(( $(ls "$state" | wc -l) + 100 ))
cpus=$(sed -n 's/^#SBATCH --cpus-per-task=\\([0-9]*\\).*/\\1/p' "$script")
range=$(sed -n 's/^#SBATCH --array=\\([0-9-]*\\).*/\\1/p' "$script")
status=0
if [ -n "$range" ]; then
  lo=\${range%-*}; hi=\${range#*-}
  for ((t=lo; t<=hi; t++)); do
    SLURM_ARRAY_JOB_ID=$id SLURM_ARRAY_TASK_ID=$t SLURM_ARRAY_TASK_MIN=$lo SLURM_ARRAY_TASK_MAX=$hi \\
      SLURM_ARRAY_TASK_COUNT=$((hi - lo + 1)) SLURM_CPUS_PER_TASK=$cpus bash "$script" >&2 || status=1
  done
else
  SLURM_JOB_ID=$id SLURM_CPUS_PER_TASK=$cpus bash "$script" >&2 || status=1
fi
[ $status -eq 0 ] && touch "$state/ok-$id"
[ -n "$dep" ] && touch "$state/dep-$id-afterok-$dep"
echo $id
exit $status
`,
  );
  chmodSync(fake, 0o755);
  const runDir = join(work, 'slurm-runs', 'robustness');
  const r = spawnSync('bash', ['submit.sh'], {
    cwd: slurm,
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${binDir}:${dirname(process.execPath)}:${process.env.PATH}`,
      CAUSEWAY_HOME: root,
      SPEC: spec,
      RUN_DIR: runDir,
      CAUSEWAY_CACHE: join(work, 'slurm-cache'),
    },
  });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  // two jobs submitted and succeeded: the array (100), then the merge (101) with afterok on the array
  assert.deepEqual(readdirSync(join(work, 'sbatch-state')).sort(), ['dep-101-afterok-100', 'ok-100', 'ok-101']);
  assert.equal(r.stdout.trim(), '101');
  assert.ok(readFileSync(join(runDir, 'results.json')).equals(single()), 'merged Slurm shards differ from one process');
});

test('merge --wait polls for missing shards and fails with the missing ones named when time runs out', () => {
  const runDir = join(work, 'partial');
  causeway(['run', spec, '--out', runDir, '--shard', '1/3']);
  const r = spawnSync(process.execPath, [bin, 'merge', runDir, '--wait', '1'], { cwd: work, encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /waiting up to 1 s for every shard/);
  assert.match(r.stderr, /missing shards 2, 3 of 3/);
  assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/);
});
