"""Expected values of the design summaries (src/analysis/design-summary.ts) on the golden fixture.

Run with Debian's python (pandas 1.5, scipy 1.10):
    /usr/bin/python3 test/golden/make_design_summary.py
It reads test/golden/fixture.csv (written by make_golden.py), rebuilds the analysis frame as
test/golden/fixture.ts does (population active == 1, A = measure >= its population median, rows with a
missing measure, mediator or outcome dropped) and writes test/golden/design_summary_expected.json: the
group summary by arm, the pathway Spearman correlations (pandas corr(method="spearman"), checked against
scipy.stats.spearmanr: both give tied values their average rank) and the covariate quality table as
seed 002 computes it (missing rate, nunique(dropna=True), std). design-summary.test.ts reads the JSON;
the tests never need Python.
"""
import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

HERE = Path(__file__).resolve().parent
panel = pd.read_csv(HERE / "fixture.csv", keep_default_na=True)
pop = panel[panel["active"] == 1]
threshold = pop["measure"].quantile(0.5)
frame = pop.dropna(subset=["measure", "mediator", "outcome"]).copy()
frame["A"] = (frame["measure"] >= threshold).astype(int)


def spearman(x, y):
    pandas_value = float(pd.Series(x).corr(pd.Series(y), method="spearman"))
    scipy_value = float(stats.spearmanr(x, y).correlation)
    assert abs(pandas_value - scipy_value) < 1e-12, (pandas_value, scipy_value)
    return pandas_value


groups = frame.groupby("A").agg(
    rows=("user_id", "size"),
    users=("user_id", "nunique"),
    measure=("measure", "mean"),
    mediator=("mediator", "mean"),
    outcome=("outcome", "mean"),
    y2=("y2", "mean"),
)
group_summary = {
    "rows": {"control": int(groups.loc[0, "rows"]), "treated": int(groups.loc[1, "rows"])},
    "users": {"control": int(groups.loc[0, "users"]), "treated": int(groups.loc[1, "users"])},
    "means": {
        col: {"control": float(groups.loc[0, col]), "treated": float(groups.loc[1, col]), "difference": float(groups.loc[1, col] - groups.loc[0, col])}
        for col in ["measure", "mediator", "outcome", "y2"]
    },
}

pathway = {
    "A with M": spearman(frame["A"], frame["mediator"]),
    "A with Y": spearman(frame["A"], frame["outcome"]),
    "M with Y": spearman(frame["mediator"], frame["outcome"]),
    "A measure with M": spearman(frame["measure"], frame["mediator"]),
    "A measure with Y": spearman(frame["measure"], frame["outcome"]),
}

# heavily tied integer columns: average ranks matter here
ties = {
    "cnt with heavy": spearman(frame["cnt"], frame["heavy"]),
    "A with cnt": spearman(frame["A"], frame["cnt"]),
}

numeric = ["x1", "x2", "heavy", "cnt", "const1", "onehot_feat0", "onehot_feat1"]
categorical = ["cat1", "cat2"]
quality = {}
for col in numeric:
    s = frame[col]
    quality[col] = {
        "missingRate": float(s.isna().mean()),
        "distinct": int(s.nunique(dropna=True)),
        "std": None if s.count() < 2 else float(s.std(skipna=True)),
        "imputedValue": float(s.median()) if s.isna().any() else None,
    }
for col in categorical:
    s = frame[col]
    quality[col] = {"missingRate": float(s.isna().mean()), "distinct": int(s.nunique(dropna=True)), "std": None, "imputedValue": None}

out = {"rows": int(len(frame)), "threshold": float(threshold), "group_summary": group_summary, "pathway": pathway, "ties": ties, "covariate_quality": quality}
(HERE / "design_summary_expected.json").write_text(json.dumps(out, indent=2, sort_keys=True) + "\n")
print(json.dumps(out, indent=2, sort_keys=True))
