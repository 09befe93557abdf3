"""Golden fold assignments of scikit-learn's GroupKFold on group sizes with many ties.

Run with Debian 12's python (python3-sklearn 1.2.1, python3-numpy 1.24.2):
    /usr/bin/python3 test/golden/make_groupkfold.py
It writes test/golden/groupkfold.json, read by test/golden/groupkfold.test.ts (no Python needed there).

GroupKFold orders groups by np.argsort(n_samples_per_group)[::-1] (int64, numpy's default introsort,
not stable), so when groups tie in size the folds depend on exactly how numpy's sort leaves the ties.
numpy 1.24 runs np.argsort on int64 through its scalar introsort on every CPU (only np.sort has an
AVX-512 path in 1.24); the script records the versions it ran with and refuses other ones.

Three kinds of cases:
- "cases": group-size vectors drawn from RandomState(SEED) with heavy ties (constant sizes, 1..3,
  two values, a few outliers, ...), 2 to 5,000 groups, 2 to 10 folds. Stored as strings: sizes one
  base-36 digit per group (sizes 1..35), folds one digit per group. Group g has user id 7*g + 1 and
  sizes[g] rows; the rows are shuffled before GroupKFold sees them, so the per-row folds are checked
  against the per-group string here.
- "heapsort": arrays built against numpy's introsort (McIlroy's adversary, "A Killer Adversary for
  Quicksort", 1999) so that the depth limit is reached and a large range with ties is heapsorted;
  stored with np.argsort's permutation and GroupKFold's folds.
- "hashed": 20,000 and 100,000 groups with sizes from a Park-Miller generator the test reproduces,
  stored as SHA-256 digests of np.argsort's permutation and of the folds string.
"""
import hashlib
import json
from pathlib import Path

import numpy as np
import sklearn
from sklearn.model_selection import GroupKFold

HERE = Path(__file__).resolve().parent
SEED = 20240521
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"

if (np.__version__, sklearn.__version__) != ("1.24.2", "1.2.1"):
    raise SystemExit(f"expected numpy 1.24.2 / scikit-learn 1.2.1 (Debian 12), got {np.__version__} / {sklearn.__version__}")


def group_folds(sizes, n_splits, rng=None):
    """GroupKFold fold of each group, run on rows (user id 7*g+1, shuffled when rng is given)."""
    sizes = np.asarray(sizes, dtype=np.int64)
    ids = 7 * np.arange(len(sizes)) + 1
    rows = np.repeat(ids, sizes)
    if rng is not None:
        rng.shuffle(rows)
    fold_of_row = np.full(len(rows), -1)
    for f, (_, test) in enumerate(GroupKFold(n_splits=n_splits).split(np.zeros((len(rows), 1)), groups=rows)):
        fold_of_row[test] = f
    folds = np.full(len(sizes), -1)
    folds[(rows - 1) // 7] = fold_of_row
    assert np.array_equal(folds[(rows - 1) // 7], fold_of_row), "a user's rows in two folds"
    assert folds.min() >= 0
    return folds


def stable_folds(sizes, n_splits):
    """GroupKFold's greedy assignment with ties in index order: what a stable sort would give."""
    load, folds = np.zeros(n_splits), np.zeros(len(sizes), dtype=int)
    for g in np.argsort(np.asarray(sizes), kind="stable")[::-1]:
        folds[g] = np.argmin(load)
        load[folds[g]] += sizes[g]
    return folds


# ------------------------------------------------------------------ numpy 1.24 aquicksort, instrumented
class DepthLimit(Exception):
    pass


def introsort_argsort(less, n, on_heapsort=None):
    """Python copy of numpy 1.24 npysort/quicksort.cpp aquicksort_ (SMALL_QUICKSORT 15) and aheapsort_.
    less(i, j) compares items i and j; on_heapsort(lo, count) is called when the depth limit is hit."""
    tosort = list(range(n))
    pl, pr = 0, n - 1
    stack = []
    cdepth = 2 * (n.bit_length() - 1)
    while True:
        if cdepth < 0:
            if on_heapsort:
                on_heapsort(pl, pr - pl + 1)
            heapsort(less, tosort, pl, pr - pl + 1)
        else:
            while pr - pl > 15:
                pm = pl + ((pr - pl) >> 1)
                if less(tosort[pm], tosort[pl]):
                    tosort[pm], tosort[pl] = tosort[pl], tosort[pm]
                if less(tosort[pr], tosort[pm]):
                    tosort[pr], tosort[pm] = tosort[pm], tosort[pr]
                if less(tosort[pm], tosort[pl]):
                    tosort[pm], tosort[pl] = tosort[pl], tosort[pm]
                vp = tosort[pm]
                pi, pj = pl, pr - 1
                tosort[pm], tosort[pj] = tosort[pj], tosort[pm]
                while True:
                    pi += 1
                    while less(tosort[pi], vp):
                        pi += 1
                    pj -= 1
                    while less(vp, tosort[pj]):
                        pj -= 1
                    if pi >= pj:
                        break
                    tosort[pi], tosort[pj] = tosort[pj], tosort[pi]
                tosort[pi], tosort[pr - 1] = tosort[pr - 1], tosort[pi]
                cdepth -= 1
                if pi - pl < pr - pi:
                    stack.append((pi + 1, pr, cdepth))
                    pr = pi - 1
                else:
                    stack.append((pl, pi - 1, cdepth))
                    pl = pi + 1
            for pi in range(pl + 1, pr + 1):
                vi = tosort[pi]
                pj = pi
                while pj > pl and less(vi, tosort[pj - 1]):
                    tosort[pj] = tosort[pj - 1]
                    pj -= 1
                tosort[pj] = vi
        if not stack:
            return tosort
        pl, pr, cdepth = stack.pop()


def heapsort(less, tosort, start, n):
    a = lambda i: tosort[start + i - 1]

    def put(i, x):
        tosort[start + i - 1] = x

    def sift(tmp, i, j, n):
        while j <= n:
            if j < n and less(a(j), a(j + 1)):
                j += 1
            if less(tmp, a(j)):
                put(i, a(j))
                i, j = j, j + j
            else:
                break
        put(i, tmp)

    for l in range(n >> 1, 0, -1):
        sift(a(l), l, l << 1, n)
    while n > 1:
        tmp = a(n)
        put(n, a(1))
        n -= 1
        sift(tmp, 1, 2, n)


def heapsort_killer(n, tie_classes, rng):
    """Values on which numpy's introsort reaches its depth limit with a large tied range left.
    McIlroy's adversary answers the partitions' comparisons (items start as 'gas', frozen to the next
    small value when two gas items meet) until the depth limit; the still-unfrozen items were never
    compared with one another, so any values above the frozen ones, here a few tie classes, replay the
    same partitions."""
    GAS = n + 10
    val = [GAS] * n
    state = {"solid": 0, "candidate": 0}

    def freeze(x):
        val[x] = state["solid"]
        state["solid"] += 1

    def less(x, y):
        if val[x] == GAS and val[y] == GAS:
            freeze(x if x == state["candidate"] else y)
        if val[x] == GAS:
            state["candidate"] = x
        elif val[y] == GAS:
            state["candidate"] = y
        return val[x] < val[y]

    def stop(lo, count):
        raise DepthLimit()

    try:
        introsort_argsort(less, n, stop)
        raise AssertionError("adversary did not reach the depth limit")
    except DepthLimit:
        pass
    solid = state["solid"]
    return [v + 1 if v != GAS else solid + 1 + int(rng.randint(tie_classes)) for v in val]


def park_miller(seed, n, modulo):
    """Sizes 1 + x % modulo from x <- 16807 x mod (2^31 - 1); test/golden/groupkfold.test.ts repeats it."""
    x, out = seed, []
    for _ in range(n):
        x = x * 16807 % 2147483647
        out.append(1 + x % modulo)
    return out


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


rng = np.random.RandomState(SEED)
shapes = {
    "constant": lambda n: np.full(n, rng.randint(1, 8)),
    "one_to_two": lambda n: rng.randint(1, 3, size=n),
    "one_to_three": lambda n: rng.randint(1, 4, size=n),
    "one_to_six": lambda n: rng.randint(1, 7, size=n),
    "two_values": lambda n: rng.choice([3, 9], size=n, p=[0.7, 0.3]),
    "few_outliers": lambda n: np.where(rng.rand(n) < 0.05, rng.randint(10, 36, size=n), 4),
    "skewed": lambda n: np.minimum(1 + rng.geometric(0.5, size=n), 35),
    "wide": lambda n: rng.randint(1, 36, size=n),
}
# group counts around numpy's insertion-sort cut-off (ranges of 16 and 17 elements) and up to 5,000
plan = [(2, "constant"), (3, "one_to_two"), (5, "one_to_three"), (8, "two_values"), (12, "one_to_six"),
        (15, "constant"), (16, "one_to_two"), (17, "constant"), (17, "one_to_two"), (18, "one_to_three"),
        (19, "two_values"), (24, "few_outliers"), (31, "one_to_two"), (33, "constant"), (40, "skewed"),
        (64, "one_to_three"), (100, "wide"), (150, "few_outliers"), (257, "two_values"), (300, "skewed"),
        (500, "one_to_six"), (1000, "one_to_two"), (2000, "wide"), (3000, "few_outliers"), (5000, "one_to_three")]
cases = []
for n, shape in plan:
    sizes = shapes[shape](n).astype(np.int64)
    assert sizes.min() >= 1 and sizes.max() <= 35
    n_splits = int(rng.randint(2, min(10, n) + 1))
    folds = group_folds(sizes, n_splits, rng)
    cases.append({
        "shape": shape, "n_splits": n_splits,
        "sizes": "".join(DIGITS[s] for s in sizes), "folds": "".join(str(f) for f in folds),
    })

heap_cases = []
for n, tie_classes, n_splits in [(200, 1, 4), (1000, 3, 5), (3000, 2, 10)]:
    sizes = heapsort_killer(n, tie_classes, rng)
    hit = []
    port = introsort_argsort(lambda i, j: sizes[i] < sizes[j], n, lambda lo, count: hit.append(count))
    order = np.argsort(np.asarray(sizes, dtype=np.int64))
    assert port == order.tolist(), "the Python copy of numpy's introsort disagrees with np.argsort"
    assert hit and hit[0] > n // 2, "the heapsort fallback is not exercised"
    assert order.tolist() != np.argsort(sizes, kind="stable").tolist(), "ties left in stable order"
    heap_cases.append({
        "n_splits": n_splits, "sizes": sizes, "argsort": order.tolist(),
        "folds": "".join(str(f) for f in group_folds(sizes, n_splits)),
    })

hashed = []
for seed, n, modulo, n_splits in [(12345, 20000, 4, 5), (777, 100000, 12, 10)]:
    sizes = park_miller(seed, n, modulo)
    order = np.argsort(np.asarray(sizes, dtype=np.int64))
    hashed.append({
        "seed": seed, "n": n, "modulo": modulo, "n_splits": n_splits,
        "argsort_sha256": sha256(",".join(map(str, order.tolist()))),
        "folds_sha256": sha256("".join(str(f) for f in group_folds(sizes, n_splits))),
    })

# numpy's tie order is what these cases test: count those whose folds a stable sort would not give
differ = sum(c["folds"] != "".join(str(f) for f in stable_folds([DIGITS.index(d) for d in c["sizes"]], c["n_splits"])) for c in cases)
print(f"{len(cases)} cases, {differ} with folds other than a stable sort's; {len(heap_cases)} heapsort, {len(hashed)} hashed")
(HERE / "groupkfold.json").write_text(json.dumps({
    "made_with": {"numpy": np.__version__, "scikit-learn": sklearn.__version__, "seed": SEED},
    "cases": cases, "heapsort": heap_cases, "hashed": hashed,
}, separators=(",", ":")) + "\n")
