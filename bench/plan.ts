/**
 * `npm run bench -- plan`: planning speed. A spec with a 10,000-cell grid (25 × 20 × 20 values) is
 * loaded, validated and expanded into cells with their content-hash ids; issue target: under 1 s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadSpec } from '../src/spec/load.js';
import { buildPlan } from '../src/spec/plan.js';

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
  return ['Planning a 10,000-cell grid (load + validate + expand + hash), 5 repetitions.', '', '| grid | cells | median s | best s |', '| --- | ---: | ---: | ---: |', ...rows].join('\n');
}
