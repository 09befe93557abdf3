import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvTable, escapeMarkdown, formatInterval, formatNumber, formatPercent, markdownTable, zeroVerdict } from '../../src/report/format.js';

test('numbers follow magnitude, intervals share the wider end precision, percentages keep tiny shares', () => {
  assert.equal(formatNumber(5701.3677), '5,701');
  assert.equal(formatNumber(176.4257), '176.4');
  assert.equal(formatNumber(37.2781), '37.28');
  assert.equal(formatNumber(0.0231), '0.0231');
  assert.equal(formatNumber(-1.3077), '-1.31');
  assert.equal(formatNumber(null), '—');
  assert.equal(formatNumber(NaN), '—');
  assert.equal(formatNumber(-0.0001, 2), '0.00');
  assert.equal(formatInterval([-12.2706, 5.7291]), '[-12.27, 5.73]');
  assert.equal(formatInterval([-0.03, 5.37]), '[-0.03, 5.37]');
  assert.equal(formatInterval(null), '—');
  assert.equal(formatPercent(0.5001), '50.0%');
  assert.equal(formatPercent(0.0000387), '0.00387%');
  assert.equal(zeroVerdict([-1, 2]), 'interval crosses zero');
  assert.equal(zeroVerdict([0.5, 2]), 'interval excludes zero');
  assert.equal(zeroVerdict(null), 'no interval');
});

test('Markdown escaping neutralizes emphasis, links, HTML and table pipes but keeps snake_case readable', () => {
  assert.equal(escapeMarkdown('future_7day_interactions'), 'future_7day_interactions');
  assert.equal(escapeMarkdown('_x_ *y* [a](b) <img src=x> a|b `c`'), '\\_x\\_ \\*y\\* \\[a\\](b) &lt;img src=x&gt; a\\|b \\`c\\`');
  assert.equal(escapeMarkdown('line1\nline2'), 'line1 line2');
  const md = markdownTable({ columns: [{ key: 'a', label: 'A|B' }, { key: 'n', label: 'N', format: 'num' }], rows: [{ a: 'x|y', n: 1.5 }] });
  assert.equal(md, '| A\\|B | N |\n|---|---:|\n| x\\|y | 1.50 |');
});

test('CSV: header of keys, full precision, quoting, CI split into lower/upper, formula guard', () => {
  const csv = csvTable({
    columns: [{ key: 'name', label: 'Name' }, { key: 'v', label: 'V', format: 'num' }, { key: 'ci', label: 'CI', format: 'ci' }],
    rows: [
      { name: 'a,"b"', v: 0.1 + 0.2, ci: [-1.5, 2.25] },
      { name: '=SUM(A1)', v: null, ci: null },
    ],
  });
  assert.equal(csv, 'name,v,ci_lower,ci_upper\r\n"a,""b""",0.30000000000000004,-1.5,2.25\r\n\'=SUM(A1),,,\r\n');
});
