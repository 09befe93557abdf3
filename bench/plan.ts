/**
 * `npm run bench -- plan`: planning speed. A spec with a 10,000-cell grid (25 × 20 × 20 values) is
 * loaded, validated and expanded into cells with their content-hash ids; issue target: under 1 s.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadSpec } from '../src/spec/load.js';
import { buildPlan } from '../src/spec/plan.js';
import { checkSpecExpressions } from '../src/run/compile.js';
import { isCausewayError } from '../src/errors.js';

const SPEC = (mappingAxis: boolean) => `spec: 1
name: plan-bench
data: { source: synthetic, sample: { modulus: 2 } }
treatment: { measure: discovery_candidate_share, threshold: { quantile: 0.5 } }
mediator: high_satisfaction_share
outcomes: { primary: future_7day_interactions }
models: { nuisance: { kind: linear } }
estimators:
  - { id: naive, kind: difference_in_means }
  - { id: ipw, kind: ipw, clip: [0.02, 0.98] }
  - { id: mediation, kind: mediation, mediator_model: nuisance, outcome_model: nuisance }
sensitivity:
  max_cells: 20000
  grid:
    treatment.threshold.quantile: [${Array.from({ length: 25 }, (_, i) => (0.3 + i * 0.01).toFixed(2)).join(', ')}]
    seed: [${Array.from({ length: 20 }, (_, i) => i + 1).join(', ')}]
    ${mappingAxis ? `models.nuisance: [${Array.from({ length: 20 }, (_, i) => `{ kind: ridge, alpha: ${i + 1} }`).join(', ')}]` : `estimators.ipw.cap_quantile: [${Array.from({ length: 20 }, (_, i) => (0.8 + i * 0.01).toFixed(2)).join(', ')}]`}
`;

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-plan-bench-'));
  const rows: string[] = [];
  try {
    for (const mapping of [false, true]) {
      const file = join(dir, `spec-${mapping}.yaml`);
      writeFileSync(file, SPEC(mapping));
      const times: number[] = [];
      let cells = 0;
      for (let rep = 0; rep < 5; rep++) {
        const t0 = performance.now();
        cells = buildPlan(loadSpec(file)).cells.length;
        times.push((performance.now() - t0) / 1000);
      }
      times.sort((a, b) => a - b);
      rows.push(`| ${mapping ? 'scalar axes + a mapping-valued axis (defaults re-filled per cell)' : 'scalar axes'} | ${cells} | ${times[2].toFixed(3)} | ${times[0].toFixed(3)} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    'Planning a 10,000-cell grid (load + validate + expand + hash), 5 repetitions.', '', '| grid | cells | median s | best s |', '| --- | ---: | ---: | ---: |', ...rows,
    '', await validateScaling(),
  ].join('\n');
}

/**
 * What `causeway validate` costs as a spec grows: N entries under `events` (the schema allows 1000;
 * larger specs are read, walked and rejected; past 1 MiB the file is refused unread). Linear means a flat "ms per 1000 entries" column.
 */
async function validateScaling(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-validate-bench-'));
  const rows: string[] = [];
  try {
    copyFileSync(fileURLToPath(new URL('../../specs/demo/discovery-mediation.yaml', import.meta.url)), join(dir, 'base.yaml'));
    const base = 'extends: ./base.yaml\n';
    for (const n of [250, 500, 990, 5000, 20000, 35000]) {
      const file = join(dir, `events-${n}.yaml`);
      const events = Array.from({ length: n }, (_, i) => `  f${i}: watch_ratio >= 0.${(i % 9) + 1}`).join('\n');
      writeFileSync(file, `${base}events:\n${events}\n`);
      const times: number[] = [];
      let outcome = 'valid';
      for (let rep = 0; rep < 3; rep++) {
        const t0 = performance.now();
        try {
          const loaded = loadSpec(file);
          checkSpecExpressions(loaded, buildPlan(loaded));
        } catch (e) {
          if (!isCausewayError(e)) throw e;
          const first = 'errors' in e ? e.errors[0] : e;
          outcome = `rejected: ${first.code} ${first.message.slice(0, 60)}`;
        }
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      rows.push(`| ${n} | ${outcome} | ${(times[1] / 1000).toFixed(3)} | ${((times[1] / n) * 1000).toFixed(1)} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return ['Validating a spec with N `events` entries (load + schema + plan + expressions), median of 3.', '',
    '| entries | outcome | median s | ms per 1000 entries |', '| ---: | --- | ---: | ---: |', ...rows].join('\n');
}
