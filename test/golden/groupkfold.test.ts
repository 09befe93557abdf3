// Cross-fitting folds equal scikit-learn's GroupKFold when users tie in row count: groupkfold.json is
// produced by the committed test/golden/make_groupkfold.py with Debian 12's numpy 1.24.2 and
// scikit-learn 1.2.1 (see the script's docstring for the three kinds of cases).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { groupKFold, numpyArgsort } from '../../src/estimate/learners.js';

interface Golden {
  cases: { shape: string; n_splits: number; sizes: string; folds: string }[];
  heapsort: { n_splits: number; sizes: number[]; argsort: number[]; folds: string }[];
  hashed: { seed: number; n: number; modulo: number; n_splits: number; argsort_sha256: string; folds_sha256: string }[];
}
const golden: Golden = JSON.parse(readFileSync(new URL('../../../test/golden/groupkfold.json', import.meta.url), 'utf8'));

/** Rows of users 7·g + 1 with sizes[g] rows each (row order does not matter to GroupKFold), then each user's fold. */
function foldsByUser(sizes: number[], nSplits: number): string {
  const rows: number[] = [];
  sizes.forEach((size, g) => {
    for (let r = 0; r < size; r++) rows.push(7 * g + 1);
  });
  const fold = groupKFold(Int32Array.from(rows), nSplits);
  const byUser = new Array<number>(sizes.length).fill(-1);
  rows.forEach((id, i) => {
    const g = (id - 1) / 7;
    assert.ok(byUser[g] === -1 || byUser[g] === fold[i], `user ${id} split across folds`);
    byUser[g] = fold[i];
  });
  return byUser.join('');
}

test('GroupKFold folds equal scikit-learn on tie-heavy group sizes (2 to 5,000 users, 2 to 10 folds)', () => {
  assert.ok(golden.cases.length >= 20);
  for (const c of golden.cases) {
    const sizes = Array.from(c.sizes, (d) => parseInt(d, 36));
    assert.equal(foldsByUser(sizes, c.n_splits), c.folds, `${c.shape}: ${sizes.length} users, ${c.n_splits} folds`);
  }
});

test('numpy argsort order, and the folds, where the introsort falls back to heapsort with ties', () => {
  for (const c of golden.heapsort) {
    assert.deepEqual(numpyArgsort(c.sizes), c.argsort, `argsort of ${c.sizes.length} values`);
    assert.equal(foldsByUser(c.sizes, c.n_splits), c.folds, `${c.sizes.length} users, ${c.n_splits} folds`);
  }
});

test('numpy argsort order and folds for 20,000 and 100,000 users (digests)', () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  for (const c of golden.hashed) {
    // the Park-Miller sizes of make_groupkfold.py: products stay below 2^53, so doubles are exact
    const sizes: number[] = [];
    for (let x = c.seed, i = 0; i < c.n; i++) {
      x = (x * 16807) % 2147483647;
      sizes.push(1 + (x % c.modulo));
    }
    assert.equal(sha256(numpyArgsort(sizes).join(',')), c.argsort_sha256, `argsort of ${c.n} sizes`);
    assert.equal(sha256(foldsByUser(sizes, c.n_splits)), c.folds_sha256, `${c.n} users, ${c.n_splits} folds`);
  }
});
