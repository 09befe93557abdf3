/** Report section: data coverage and sample, data quality and the readiness checks. */
import { formatNumber, formatPercent } from '../format.js';
import { type ReportSection, type Row } from './context.js';

export const dataSection: ReportSection = {
  id: 'data',
  title: 'Data and sample',
  reads: ['data', 'cells[].sample', 'cells[].definitions.population', 'cells[].readiness', 'diagnostics.readiness'],
  build(ctx, s) {
    const { results, cell, defs, readinessRows, addTable } = ctx;
    const c = results.data.coverage;
    const rows: Row[] = [
      { item: 'source', value: results.data.description ? `${results.data.source} — ${results.data.description}` : results.data.source },
      { item: 'archive fingerprint', value: results.data.fingerprint },
      { item: 'users with events in the sample', value: formatNumber(c.users) },
      { item: 'events read (sampled users)', value: formatNumber(c.events) },
      { item: 'dates', value: `${c.firstDate} – ${c.lastDate}` },
      { item: 'users in the sample (user table)', value: formatNumber(c.sampledUsers) + (results.data.sample ? ` (user_id % ${results.data.sample.modulus} == ${results.data.sample.remainder})` : '') },
    ];
    if (cell?.sample) {
      const sample = cell.sample;
      if (sample.panelRows !== undefined) rows.push({ item: 'panel rows (user-days)', value: formatNumber(sample.panelRows) });
      if (defs?.population) rows.push({ item: 'population', value: `${defs.population.rule} → ${formatNumber(defs.population.rows)} rows (${formatPercent(defs.population.share)})` });
      rows.push({ item: 'analysis rows', value: `${formatNumber(sample.rows)} user-days of ${formatNumber(sample.users)} users` });
      rows.push({ item: 'treated / control rows', value: `${formatNumber(sample.treatedRows)} / ${formatNumber(sample.controlRows)}` });
    }
    addTable(s, { id: 'data_coverage', title: 'Data coverage and sample', columns: [{ key: 'item', label: 'Item' }, { key: 'value', label: 'Value' }], rows }, 'coverage');
    addTable(
      s,
      {
        id: 'data_quality',
        title: 'Data quality',
        columns: [
          { key: 'check', label: 'Check' },
          { key: 'rows', label: 'Rows', format: 'int' },
          { key: 'share', label: 'Share', format: 'pct' },
          { key: 'action', label: 'Action' },
        ],
        rows: results.data.quality.map((q) => ({ ...q })),
      },
      'quality',
    );
    if (cell) {
      addTable(
        s,
        {
          id: 'readiness_checks',
          title: 'Readiness checks',
          columns: [
            { key: 'check', label: 'Check' },
            { key: 'value', label: 'Value', format: 'num' },
            { key: 'threshold', label: 'Threshold' },
            { key: 'status', label: 'Status' },
            { key: 'note', label: 'Note' },
          ],
          rows: readinessRows.map((r) => ({ check: r.check, value: r.value, threshold: r.threshold ?? null, status: r.passes === null ? 'n/a' : r.passes ? 'passes' : 'caution', note: r.note ?? null })),
        },
        'readiness',
      );
    }
  },
};
