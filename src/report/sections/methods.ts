/** Report section: Methods — per estimator, how its point estimate and interval were made (text from ../methods.ts). */
import { formatNumber } from '../format.js';
import { intervalMethod, METHOD_TEXT, type CellUncertainty } from '../methods.js';
import { analysisMethodRows, type SegmentsRecord } from '../methods-analyses.js';
import type { DrLearnerResult } from '../../results/index.js';
import { type ReportSection, type Row } from './context.js';

export const methodsSection: ReportSection = {
  id: 'methods',
  title: 'Methods',
  reads: ['cells[].estimators', 'diagnostics.uncertainty', 'spec.seed', 'cells[].sensitivity', 'diagnostics.drLearner', 'diagnostics.heterogeneity_analysis'],
  build(ctx, s) {
    const { results, cell, ests, labelOf, addTable } = ctx;
    if (!cell) return;
    const u = ((cell.diagnostics as Record<string, unknown>).uncertainty ?? null) as CellUncertainty | null;
    const seed = u?.seed ?? results.spec.seed;
    s.lines.push(
      `Seeds: every random draw of this cell (bootstrap replicates, repeated cross-fitting splits, gbm subsampling) is seeded by the spec seed ${seed} and the cell id ${cell.id}, so the same spec on the same data gives the same numbers.` +
        (u?.bootstrap ? ` Bootstrap intervals resample whole users (${u.bootstrap.reps} replicates, level ${formatNumber(u.bootstrap.level * 100, 0)}%): replicate r draws users with replacement from a generator seeded by the spec seed, the cell id and r, and a user's days are never split.` : ' No bootstrap was requested.'),
    );
    const rows: Row[] = [];
    for (const e of ests) {
      if (e.status !== 'ok') {
        rows.push({ estimator: e.id, method: labelOf(e), estimates: null, point: `did not run: ${e.reason ?? 'no reason given'}`, interval: null, replicates: null, consequence: null });
        continue;
      }
      const point = METHOD_TEXT[e.kind]?.(e) ?? `estimator kind ${e.kind}`;
      // keys that share an interval method share a row (plug-in keys without an interval apart from debiased ones)
      const groups = new Map<string, { keys: string[]; m: ReturnType<typeof intervalMethod> }>();
      // sorted: results.json sorts its keys, so a re-rendered report lists them in the same order
      for (const key of Object.keys(e.estimates).sort()) {
        const m = intervalMethod(e, key, u);
        const id = `${m.interval}|${m.replicates}`;
        const g = groups.get(id);
        if (g) g.keys.push(key);
        else groups.set(id, { keys: [key], m });
      }
      let first = true;
      for (const { keys, m } of groups.values()) {
        rows.push({ estimator: e.id, method: labelOf(e), estimates: keys.join(', '), point: first ? point : '(as above)', interval: m.interval, replicates: m.replicates || '—', consequence: m.consequence || '—' });
        first = false;
      }
    }
    addTable(
      s,
      {
        id: 'methods',
        title: 'How each estimate and interval was computed',
        columns: [
          { key: 'estimator', label: 'Estimator', format: 'code' },
          { key: 'method', label: 'Method' },
          { key: 'estimates', label: 'Estimates' },
          { key: 'point', label: 'Point estimate' },
          { key: 'interval', label: 'Interval' },
          { key: 'replicates', label: 'Refitted / held fixed' },
          { key: 'consequence', label: 'Known consequence' },
        ],
        rows,
      },
      'table',
    );
    if (cell.estimators.some((e) => e.outcome !== undefined)) s.lines.push('Secondary outcomes are estimated by the same methods as the primary outcome.');
    const labelFor = (id: string) => {
      const e = ests.find((x) => x.id === id && x.outcome === undefined);
      return e ? labelOf(e) : id;
    };
    const dr = (cell.diagnostics as { drLearner?: DrLearnerResult }).drLearner;
    addTable(
      s,
      {
        id: 'methods_analyses',
        title: 'How each sensitivity and heterogeneity analysis was computed',
        columns: [
          { key: 'analysis', label: 'Analysis' },
          { key: 'appliedTo', label: 'Applied to' },
          { key: 'how', label: 'What it computed, with its settings' },
        ],
        rows: analysisMethodRows(cell.sensitivity, dr, labelFor, {
          record: ((cell.diagnostics as Record<string, unknown>).heterogeneity_analysis ?? {}) as SegmentsRecord,
          reps: u?.bootstrap?.reps ?? null,
        }).map((r) => ({ ...r })),
      },
      'analyses',
    );
  },
};
