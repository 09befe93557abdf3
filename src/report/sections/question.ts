/** Report section: the question and the estimand registry: which estimands the estimators report, in words. */
import { estimandInfo, estimandRank } from '../estimands.js';
import { describesEstimand } from '../../estimate/kinds/index.js';
import { type ReportSection } from './context.js';

export const questionSection: ReportSection = {
  id: 'question',
  title: 'Question and estimands',
  reads: ['cells[].estimators[].estimates (keys)'],
  build(ctx, s) {
    const { names, okEsts, addTable } = ctx;
    s.available = true;
    const byKey = new Map<string, string[]>();
    for (const e of okEsts) for (const k of Object.keys(e.estimates)) if (describesEstimand(k, e.kind)) byKey.set(k, [...(byKey.get(k) ?? []), e.id]);
    const keys = [...byKey.keys()].sort((a, b) => estimandRank(a) - estimandRank(b) || (a < b ? -1 : 1));
    addTable(
      s,
      {
        id: 'estimand_registry',
        title: 'Estimand registry',
        columns: [
          { key: 'symbol', label: 'Symbol' },
          { key: 'estimand', label: 'Estimand' },
          { key: 'definition', label: 'Definition', format: 'code' },
          { key: 'meaning', label: 'Plain-language meaning' },
          { key: 'answers', label: 'Answers' },
          { key: 'estimated_by', label: 'Estimated by' },
        ],
        rows: keys.map((k) => {
          const info = estimandInfo(k, names);
          return { symbol: info.symbol, estimand: `${info.name} (${k})`, definition: info.definition, meaning: info.meaning, answers: info.answers, estimated_by: byKey.get(k)!.join(', ') };
        }),
      },
      'estimands',
    );
  },
};
