"""Golden values for qbin() (src/panel/expr/qbin.ts): pandas qcut(x, k, labels=False, duplicates='drop').

Run with Debian's python (pandas 1.5, numpy 1.24):
    /usr/bin/python3 test/panel/make_qbin_golden.py
It writes test/panel/qbin_golden.json: for each case the values, the population mask, k, and the codes
pandas gives when the edges are cut over the population's rows and every row is coded against them
(pd.cut at those edges, include_lowest, as qcut does); missing codes are null.
"""
import json
from pathlib import Path

import numpy as np
import pandas as pd

rng = np.random.RandomState(20200705)


def codes(values, population, k):
    x = pd.Series(values, dtype=float)
    inside = x[np.asarray(population, dtype=bool)]
    # qcut over the population gives the edges (retbins); every row is then cut at them
    _, edges = pd.qcut(inside, k, labels=False, duplicates='drop', retbins=True)
    if len(edges) < 2:
        return [None] * len(values)
    cut = pd.cut(x, edges, labels=False, include_lowest=True, duplicates='drop')
    # the population's own codes must be qcut's
    own = pd.qcut(inside, k, labels=False, duplicates='drop').to_numpy(dtype=float)
    assert np.array_equal(cut[np.asarray(population, dtype=bool)].to_numpy(dtype=float), own, equal_nan=True)
    return [None if np.isnan(c) else int(c) for c in cut]


cases = []


def add(name, values, k, population=None):
    values = [float(v) for v in values]
    population = [1] * len(values) if population is None else [int(p) for p in population]
    cases.append({'name': name, 'k': k, 'values': [None if np.isnan(v) else v for v in values], 'population': population,
                  'codes': codes(values, population, k)})


counts = rng.poisson(3, 400).astype(float)  # many ties, like prior_3day_interactions
add('counts quartiles', counts, 4)
add('counts deciles', counts, 10)
zero_heavy = np.where(rng.rand(300) < 0.6, 0, rng.poisson(5, 300)).astype(float)  # repeated edges dropped
add('zero-heavy quartiles', zero_heavy, 4)
add('zero-heavy deciles', zero_heavy, 10)
cont = rng.lognormal(0, 1, 257)
cont[rng.rand(257) < 0.1] = np.nan  # missing stays missing
add('continuous with missing, deciles', cont, 10)
add('continuous quintiles', rng.normal(0, 1, 101), 5)
pop = (rng.rand(400) < 0.5).astype(int)  # edges over the population; other rows coded against them
add('counts quartiles over a population', counts, 4, pop)
shares = np.round(rng.beta(2, 2, 199), 2)  # values on a grid: edges fall on data values
add('shares on a grid, deciles', shares, 10)
add('two values', [1, 2], 4)
add('constant (no bins, as pandas)', [3, 3, 3, 3, 3], 4)
add('small k=3 with ties at edges', [0, 0, 1, 1, 1, 2, 2, 3, 7, 7, 7, 9], 3)

Path(__file__).with_name('qbin_golden.json').write_text(json.dumps(cases, indent=None, separators=(',', ':')) + '\n')
print(f'wrote {len(cases)} cases')
