// KuaiRec is one data source among several (docs/architecture.md, docs/data.md): its table names,
// column names and special rules live in src/data/kuairec/ alone. The stages after the data read what
// a source describes (its schema, item key, tables), so none of them may name KuaiRec's layout, not
// even in a comment, nor import the kuairec source's modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const STAGES = ['panel', 'frame', 'estimate', 'run'];
/** Words that only KuaiRec's layout uses: its name, its members' names, its item key and exposure columns. */
const KUAIREC_WORDS = /kuairec|video_id|show_cnt|play_cnt|item_daily_features|user_features|item_categories|small_matrix|big_matrix|social_network/i;

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...tsFiles(full));
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** Every line of the stages' files that names KuaiRec, as `file:line: text`. */
function kuairecMentions(srcRoot: string): string[] {
  const hits: string[] = [];
  for (const stage of STAGES) {
    for (const file of tsFiles(join(srcRoot, stage))) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (KUAIREC_WORDS.test(line)) hits.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
    }
  }
  return hits;
}

test('no KuaiRec table, column or rule is named in panel/, frame/, estimate/ or run/', () => {
  assert.deepEqual(kuairecMentions(join(root, 'src')), [], 'move these into src/data/kuairec/ (or word the comment generically)');
});

test('the scan finds a KuaiRec name where there is one', () => {
  // The words match as they are written in the KuaiRec source, so a name put back would be caught.
  const columns = readFileSync(join(root, 'src', 'data', 'kuairec', 'columns.ts'), 'utf8');
  for (const word of ['video_id', 'show_cnt', 'play_cnt']) assert.ok(columns.includes(`'${word}'`) && KUAIREC_WORDS.test(`'${word}'`), word);
  for (const name of ['item_daily_features.csv', 'user_features.csv', 'item_categories.csv', 'KuaiRec 2.0', 'big_matrix.csv']) assert.ok(KUAIREC_WORDS.test(name), name);
  assert.ok(!KUAIREC_WORDS.test('user_id date timestamp item.avg_likes items itemDaily'), 'generic names pass');
});
