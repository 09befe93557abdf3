/**
 * Report rendering cost: each figure (PNG, and PNG + SVG), a full run directory for the 6-cell example
 * (per-cell folders included), and a re-render from results.json. `npm run bench -- report [reps]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReportModel } from '../src/report/model.js';
import { renderReport, writeRunDirectory } from '../src/report/writer.js';
import { exampleResults, exampleSpecYaml } from '../test/report/fixture.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

export async function run(args: string[]): Promise<string> {
  const reps = Math.max(1, Number(args[0] ?? 3) || 3);
  const results = exampleResults();
  const model = buildReportModel(results);
  const rows: string[] = ['| what | median ms | reps |', '|---|---:|---:|'];
  model.figures[0]!.draw({}); // warm-up: font registration, chart.js setup
  for (const plan of model.figures) {
    for (const svg of [false, true]) {
      const times: number[] = [];
      for (let r = 0; r < reps; r++) {
        const t = performance.now();
        plan.draw({ svg });
        times.push(performance.now() - t);
      }
      rows.push(`| figure ${plan.file}${svg ? ' (png + svg)' : ''} | ${median(times).toFixed(1)} | ${reps} |`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'causeway-bench-report-'));
  try {
    const write: number[] = [];
    const rerender: number[] = [];
    for (let r = 0; r < reps; r++) {
      const runDir = join(dir, `run-${r}`);
      let t = performance.now();
      await writeRunDirectory(runDir, results, { specYaml: exampleSpecYaml });
      write.push(performance.now() - t);
      t = performance.now();
      await renderReport(runDir);
      rerender.push(performance.now() - t);
    }
    rows.push(`| writeRunDirectory, ${results.cells.length} cells, png, cell folders | ${median(write).toFixed(0)} | ${reps} |`);
    rows.push(`| renderReport (re-render from results.json) | ${median(rerender).toFixed(0)} | ${reps} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows.join('\n') + '\n';
}
