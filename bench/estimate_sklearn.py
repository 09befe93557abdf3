"""Reference for bench/estimate.ts: the same cell computed the seeds' way (pandas + scikit-learn).

usage: /usr/bin/python3 bench/estimate_sklearn.py FRAME.f64 REPS
Reads the frame written by bench/estimate.ts (float64 columns: cluster, A, M, Y, X...), computes every
linear estimator with its diagnostics, then a REPS-replicate user-cluster bootstrap by resampling users
with pandas .loc and refitting (seed 004's loop). Prints one JSON line: timings and point estimates.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

path, reps = sys.argv[1], int(sys.argv[2])
meta = json.load(open(path + ".json"))
n, p = meta["n"], meta["p"]
raw = np.fromfile(path, dtype="<f8").reshape(4 + p, n)
panel = pd.DataFrame(raw[4:].T, columns=meta["names"])
panel.insert(0, "Y", raw[3])
panel.insert(0, "M", raw[2])
panel.insert(0, "A", raw[1])
panel.insert(0, "user_id", raw[0].astype(np.int64))
covs = meta["names"]

t_start = time.perf_counter()


def propensity_model():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, solver="lbfgs"))


def ipw_weights(data):
    X, A = data[covs].to_numpy(), data["A"].to_numpy()
    prop = propensity_model().fit(X, A).predict_proba(X)[:, 1]
    pc = np.clip(prop, 0.02, 0.98)
    rate = A.mean()
    sw = np.where(A == 1, rate / pc, (1 - rate) / (1 - pc))
    return prop, np.clip(sw, None, pd.Series(sw).quantile(0.99))


def linear_estimates(data, w, cde_levels):
    """Every linear estimator given fixed weights w (a column of data)."""
    X = data[covs].to_numpy()
    A, M, Y = data["A"].to_numpy(), data["M"].to_numpy(), data["Y"].to_numpy()
    W = data[w].to_numpy()
    k = len(Y)
    out = {}
    out["difference_in_means"] = {"ate": Y[A == 1].mean() - Y[A == 0].mean()}
    mu1 = LinearRegression().fit(X[A == 1], Y[A == 1]).predict(X)
    mu0 = LinearRegression().fit(X[A == 0], Y[A == 0]).predict(X)
    out["regression_adjustment"] = {"ate": (mu1 - mu0).mean()}
    hajek = np.average(Y[A == 1], weights=W[A == 1]) - np.average(Y[A == 0], weights=W[A == 0])
    out["ipw"] = {"ate": hajek}
    out["msm"] = {"ate": LinearRegression().fit(A.reshape(-1, 1), Y, sample_weight=W).coef_[0]}
    g = LinearRegression().fit(np.column_stack([A, X]), Y)
    out["gcomp"] = {"ate": (g.predict(np.column_stack([np.ones(k), X])) - g.predict(np.column_stack([np.zeros(k), X]))).mean()}
    mm = LinearRegression().fit(np.column_stack([A, X]), M)
    ym = LinearRegression().fit(np.column_stack([A, M, A * M, X]), Y)
    z, o = np.zeros(k), np.ones(k)
    m0, m1 = mm.predict(np.column_stack([z, X])), mm.predict(np.column_stack([o, X]))
    yp = lambda a, m: ym.predict(np.column_stack([a, m, a * m, X]))
    y00, y10, y11, y01 = yp(z, m0), yp(o, m0), yp(o, m1), yp(z, m1)
    med = {"te": (y11 - y00).mean(), "nde": (y10 - y00).mean(), "nie": (y11 - y10).mean(),
           "reverse_indirect": (y01 - y00).mean(), "mediator_shift": (m1 - m0).mean()}
    for name, level in cde_levels.items():
        lv = np.full(k, level)
        med[name] = (yp(o, lv) - yp(z, lv)).mean()
    out["mediation"] = med
    alpha = LinearRegression().fit(np.column_stack([A, X]), M, sample_weight=W).coef_[0]
    om = LinearRegression().fit(np.column_stack([A, M, X]), Y, sample_weight=W)
    total = LinearRegression().fit(np.column_stack([A, X]), Y, sample_weight=W).coef_[0]
    out["sem_path"] = {"alpha": alpha, "beta": om.coef_[1], "c_prime": om.coef_[0], "indirect": alpha * om.coef_[1],
                       "total": om.coef_[0] + alpha * om.coef_[1], "total_regression": total}
    out["aipw"] = {"ate": data["psi"].mean()}
    return {key: {k2: float(v) for k2, v in d.items()} for key, d in out.items()}


# ---- point estimates + diagnostics
prop, w = ipw_weights(panel)
panel["w"] = w
X, A, M, Y = panel[covs].to_numpy(), panel["A"].to_numpy(), panel["M"].to_numpy(), panel["Y"].to_numpy()
groups = panel["user_id"].to_numpy()
psi = np.zeros(n)
for tr, te in GroupKFold(n_splits=3).split(X, A, groups=groups):
    e = np.clip(propensity_model().fit(X[tr], A[tr]).predict_proba(X[te])[:, 1], 0.02, 0.98)
    gm = LinearRegression().fit(np.column_stack([A[tr], X[tr]]), Y[tr])
    q1 = gm.predict(np.column_stack([np.ones(len(te)), X[te]]))
    q0 = gm.predict(np.column_stack([np.zeros(len(te)), X[te]]))
    psi[te] = q1 - q0 + A[te] * (Y[te] - q1) / e - (1 - A[te]) * (Y[te] - q0) / (1 - e)
panel["psi"] = psi
cde_levels = {"cde_q10": np.quantile(M, 0.1), "cde_q90": np.quantile(M, 0.9)}
estimates = linear_estimates(panel, "w", cde_levels)

ps = pd.Series(prop)
overlap = [ps.min(), ps.quantile(0.01), ps.quantile(0.05), ps.median(), ps.quantile(0.95), ps.quantile(0.99), ps.max(),
           (ps < 0.05).mean(), (ps > 0.95).mean(), w.sum() ** 2 / np.square(w).sum()]
for j, col in enumerate(covs):  # SMD before / after weighting (seed 002)
    x = X[:, j]
    for ww in (None, w):
        t, c = A == 1, A == 0
        mt = np.average(x[t], weights=None if ww is None else ww[t])
        mc = np.average(x[c], weights=None if ww is None else ww[c])
        vt = np.average((x[t] - mt) ** 2, weights=None if ww is None else ww[t])
        vc = np.average((x[c] - mc) ** 2, weights=None if ww is None else ww[c])
rm = M - make_pipeline(StandardScaler(), LinearRegression()).fit(X, M).predict(X)
ry = Y - make_pipeline(StandardScaler(), LinearRegression()).fit(X, Y).predict(X)
corr = (pd.Series(rm).corr(pd.Series(ry)), pd.Series(rm).corr(pd.Series(ry), method="spearman"))
t_point = time.perf_counter()

# ---- user-cluster bootstrap, seed 004's loop
rng = np.random.default_rng(42)
unique_users = np.sort(panel["user_id"].unique())
indexed = panel.set_index("user_id", drop=False)
boot = []
for r in range(reps):
    sampled = rng.choice(unique_users, size=len(unique_users), replace=True)
    sample = indexed.loc[sampled].reset_index(drop=True)
    boot.append(linear_estimates(sample, "w", cde_levels))
t_end = time.perf_counter()
print(json.dumps({"total": t_end - t_start, "point": t_point - t_start, "bootstrap": t_end - t_point, "estimates": estimates}))
