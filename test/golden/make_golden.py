"""Golden fixture and expected values for causeway's estimation core.

Run with Debian's python (scikit-learn 1.2, statsmodels 0.13, pandas 1.5):
    /usr/bin/python3 test/golden/make_golden.py
It writes test/golden/fixture.csv (a small user-day panel, generated here deterministically) and
test/golden/expected.json (values computed with pandas / scikit-learn / statsmodels following the
seed notebooks 001-004). Tests read both files and never need Python.

Logistic fits use solver="newton-cg" with tol=1e-12: scikit-learn's lbfgs stops on its relative objective change
after ~13 iterations with a gradient still ~1e-3 whatever tol is, so it does not reach the exact optimum
(same objective: C·Σ loss + ½‖w‖², intercept unpenalized) that causeway's Newton solver finds.
"""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = Path(__file__).resolve().parent
rng = np.random.RandomState(20201123)

# ---------------------------------------------------------------- fixture
# 36 users with distinct day counts (8..43): GroupKFold has no size ties to break.
sizes = np.arange(8, 44)
rng.shuffle(sizes)
rows = []
for u, size in enumerate(sizes):
    user_id = 10 * u + 3
    user_effect = rng.normal()
    heavy = float(np.round(np.exp(1.2 * rng.normal() + 2), 0))
    cat1 = rng.choice(["b", "a", "c", ""], p=[0.4, 0.3, 0.2, 0.1])
    cat2 = rng.choice(["(10,50]", "0", "500+", "[1,10)"])
    feat0 = int(rng.rand() < 0.4)
    feat1 = int(rng.rand() < 0.5)
    for d in range(size):
        x1 = 0.6 * user_effect + rng.normal()
        x2 = rng.normal() + 0.3 * d / size
        cnt = rng.poisson(3 + 2 * (user_effect > 0))
        lin = 0.8 * x1 - 0.5 * x2 + 0.3 * np.log1p(heavy) - 1 + 0.4 * feat0
        measure = 1 / (1 + np.exp(-lin)) + 0.25 * rng.normal()
        a_soft = float(measure > 0.5)
        mediator = 0.4 + 0.3 * a_soft + 0.2 * x1 + 0.15 * rng.normal()
        outcome = 2 + 1.2 * a_soft + 1.5 * mediator + 0.5 * a_soft * mediator + 0.7 * x1 - 0.4 * x2 + 0.1 * cnt + user_effect + rng.normal()
        rows.append(
            {
                "user_id": user_id,
                "day": d,
                "active": int(rng.rand() < 0.9),
                "measure": measure if rng.rand() > 0.02 else np.nan,
                "mediator": mediator if rng.rand() > 0.02 else np.nan,
                "outcome": outcome if rng.rand() > 0.03 else np.nan,
                "y2": 0.5 * outcome + rng.normal() if rng.rand() > 0.05 else np.nan,
                "x1": x1,
                "x2": x2 if rng.rand() > 0.1 else np.nan,
                "heavy": heavy,
                "cnt": cnt,
                "const1": 1.0,
                "onehot_feat0": feat0,
                "onehot_feat1": feat1,
                "cat1": cat1,
                "cat2": cat2,
                "weight": 0.5 + rng.rand(),
            }
        )
panel = pd.DataFrame(rows)
panel.to_csv(HERE / "fixture.csv", index=False, float_format="%.17g")
panel = pd.read_csv(HERE / "fixture.csv", keep_default_na=True, dtype={"cat1": "string", "cat2": "string"})

# ---------------------------------------------------------------- frame (seed 002 conventions)
population = panel.loc[panel["active"].eq(1)].copy()
threshold = float(population["measure"].quantile(0.5))
frame = population.dropna(subset=["measure", "mediator", "outcome"]).reset_index(drop=True)
A = (frame["measure"] >= threshold).astype(float).to_numpy()
M = frame["mediator"].astype(float).to_numpy()
Y = frame["outcome"].astype(float).to_numpy()
groups = frame["user_id"].to_numpy()
numeric_covariates = ["x1", "x2", "heavy", "cnt", "const1"] + [c for c in panel.columns if c.startswith("onehot_feat")]
categorical_covariates = ["cat1", "cat2"]


def build_covariate_matrix(data, transforms=False):
    numeric = data[numeric_covariates].copy()
    for col in numeric.columns:
        numeric[col] = pd.to_numeric(numeric[col], errors="coerce")
        numeric[col] = numeric[col].fillna(numeric[col].median())
    if transforms:
        numeric["heavy"] = np.log1p(numeric["heavy"])
        lo, hi = numeric["x1"].quantile(0.05), numeric["x1"].quantile(0.95)
        numeric["x1"] = numeric["x1"].clip(lo, hi)
    categorical = data[categorical_covariates].copy()
    for col in categorical.columns:
        categorical[col] = categorical[col].astype("string").fillna("missing")
    encoded = pd.get_dummies(categorical, drop_first=True, dtype=float)
    design = pd.concat([numeric, encoded], axis=1)
    design = design.loc[:, design.nunique(dropna=False) > 1]
    return design.astype(float)


X_df = build_covariate_matrix(frame)
X = X_df.to_numpy()
X_t = build_covariate_matrix(frame, transforms=True).to_numpy()
W = frame["weight"].to_numpy()
n = len(frame)
out = {
    "frame": {
        "threshold": threshold,
        "n": n,
        "population_rows": int(len(population)),
        "treated_share": float(A.mean()),
        "names": list(X_df.columns),
        "col_sums": X.sum(axis=0).tolist(),
        "col_sumsq": (X ** 2).sum(axis=0).tolist(),
        "transformed_col_sums": X_t.sum(axis=0).tolist(),
        "A_sum": float(A.sum()),
        "Y_sum": float(Y.sum()),
        "cluster_first": int(groups[0]),
    }
}

# ---------------------------------------------------------------- numerics
Z = sm.add_constant(np.column_stack([A, X]), has_constant="add")
ols = sm.OLS(Y, Z).fit(cov_type="cluster", cov_kwds={"groups": groups})
wls = sm.WLS(Y, Z, weights=W).fit(cov_type="cluster", cov_kwds={"groups": groups})
ridge = Ridge(alpha=3.0).fit(np.column_stack([A, X]), Y)
out["ols"] = {"coef": ols.params.tolist(), "se": ols.bse.tolist()}
out["wls"] = {"coef": wls.params.tolist(), "se": wls.bse.tolist()}
out["ridge"] = {"coef": [float(ridge.intercept_)] + ridge.coef_.tolist()}
# collinear: x1 duplicated as 2*x1 → minimum-norm slopes (sklearn centers then lstsq)
Xc = np.column_stack([A, X, 2 * X[:, 0]])
lin_c = LinearRegression().fit(Xc, Y)
out["collinear"] = {"coef": [float(lin_c.intercept_)] + lin_c.coef_.tolist(), "pred_sum": float(lin_c.predict(Xc).sum())}

pen = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, tol=1e-12, max_iter=100000, solver="newton-cg")).fit(X, A)
lr = pen[-1]
out["logistic_penalized"] = {
    "coef": [float(lr.intercept_[0])] + lr.coef_[0].tolist(),
    "proba": pen.predict_proba(X)[:, 1].tolist(),
}
logit = sm.Logit(A, sm.add_constant(X, has_constant="add")).fit(method="newton", tol=1e-14, maxiter=200, disp=0)
out["logistic_unpenalized"] = {"coef": logit.params.tolist(), "proba": logit.predict(sm.add_constant(X, has_constant="add")).tolist()}
pen_w = make_pipeline(StandardScaler(), LogisticRegression(C=0.5, tol=1e-12, max_iter=100000, solver="newton-cg"))
pen_w.fit(X, A, logisticregression__sample_weight=W)
out["logistic_weighted"] = {"coef": [float(pen_w[-1].intercept_[0])] + pen_w[-1].coef_[0].tolist()}

# ---------------------------------------------------------------- estimators (point estimates)
def propensity_model():
    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, tol=1e-12, max_iter=100000, solver="newton-cg"))


prop = propensity_model().fit(X, A).predict_proba(X)[:, 1]
rate = A.mean()


def stabilized(p, clip):
    pc = np.clip(p, clip[0], clip[1]) if clip is not None else p
    return np.where(A == 1, rate / pc, (1 - rate) / (1 - pc))


sw = stabilized(prop, (0.02, 0.98))
w_ipw = np.clip(sw, None, pd.Series(sw).quantile(0.99))


def hajek(w):
    return float(np.average(Y[A == 1], weights=w[A == 1]) - np.average(Y[A == 0], weights=w[A == 0]))


def wls_slope(w):
    return float(sm.WLS(Y, sm.add_constant(A), weights=w).fit().params[1])


est = {}
est["difference_in_means"] = {"ate": float(Y[A == 1].mean() - Y[A == 0].mean())}
mu1 = LinearRegression().fit(X[A == 1], Y[A == 1]).predict(X)
mu0 = LinearRegression().fit(X[A == 0], Y[A == 0]).predict(X)
est["regression_adjustment"] = {"ate": float((mu1 - mu0).mean())}
est["ipw"] = {"ate": hajek(w_ipw)}
est["msm_ipw"] = {"ate": wls_slope(w_ipw)}
est["msm_unweighted"] = {"ate": wls_slope(np.ones(n))}
sw_unclipped = stabilized(prop, None)
est["msm_unclipped"] = {"ate": wls_slope(sw_unclipped)}
est["msm_clip5"] = {"ate": wls_slope(np.clip(sw_unclipped, None, 5.0))}

XA = np.column_stack([A, X])
g = LinearRegression().fit(XA, Y)
est["gcomp"] = {"ate": float((g.predict(np.column_stack([np.ones(n), X])) - g.predict(np.column_stack([np.zeros(n), X]))).mean())}
gr = Ridge(alpha=2.0).fit(XA, Y)
est["gcomp_ridge"] = {"ate": float((gr.predict(np.column_stack([np.ones(n), X])) - gr.predict(np.column_stack([np.zeros(n), X]))).mean())}

folds = list(GroupKFold(n_splits=3).split(X, A, groups=groups))
fold_of = np.zeros(n, dtype=int)
for f, (_, te) in enumerate(folds):
    fold_of[te] = f
out["folds"] = fold_of.tolist()
# many equal-sized groups: fold order then depends on numpy's unstable argsort, which causeway ports
tie_groups = np.repeat(np.arange(300) * 7 + 1, rng.randint(1, 6, size=300))
rng.shuffle(tie_groups)
tie_folds = np.zeros(len(tie_groups), dtype=int)
for f, (_, te) in enumerate(GroupKFold(n_splits=5).split(tie_groups, groups=tie_groups)):
    tie_folds[te] = f
out["groupkfold_ties"] = {"groups": tie_groups.tolist(), "folds": tie_folds.tolist()}

m1 = np.zeros(n); m0 = np.zeros(n)
for tr, te in folds:
    gm = LinearRegression().fit(XA[tr], Y[tr])
    m1[te] = gm.predict(np.column_stack([np.ones(len(te)), X[te]]))
    m0[te] = gm.predict(np.column_stack([np.zeros(len(te)), X[te]]))
est["gcomp_crossfit"] = {"ate": float((m1 - m0).mean())}

e = np.zeros(n); q1 = np.zeros(n); q0 = np.zeros(n)
for tr, te in folds:
    e[te] = propensity_model().fit(X[tr], A[tr]).predict_proba(X[te])[:, 1]
    gm = LinearRegression().fit(XA[tr], Y[tr])
    q1[te] = gm.predict(np.column_stack([np.ones(len(te)), X[te]]))
    q0[te] = gm.predict(np.column_stack([np.zeros(len(te)), X[te]]))
ec = np.clip(e, 0.02, 0.98)
psi = q1 - q0 + A * (Y - q1) / ec - (1 - A) * (Y - q0) / (1 - ec)
est["aipw"] = {"ate": float(psi.mean())}

# AIPW with one outcome model per arm (T-learner): per fold, LinearRegression on each arm's training rows.
r1 = np.zeros(n); r0 = np.zeros(n)
for tr, te in folds:
    t1 = tr[A[tr] == 1]
    t0 = tr[A[tr] == 0]
    r1[te] = LinearRegression().fit(X[t1], Y[t1]).predict(X[te])
    r0[te] = LinearRegression().fit(X[t0], Y[t0]).predict(X[te])
psi_arm = r1 - r0 + A * (Y - r1) / ec - (1 - A) * (Y - r0) / (1 - ec)
est["aipw_per_arm"] = {"ate": float(psi_arm.mean())}


def mediation(train_idx, test_idx, weights=None, interaction=True, clip_m=None):
    """Seed 004's g-computation (mediator model M ~ A + X, outcome Y ~ A + M (+ A×M) + X)."""
    def out_design(a, m, x):
        cols = [a, m, a * m] if interaction else [a, m]
        return np.column_stack(cols + [x])
    sw_tr = None if weights is None else weights[train_idx]
    mm = LinearRegression().fit(np.column_stack([A[train_idx], X[train_idx]]), M[train_idx], sample_weight=sw_tr)
    ym = LinearRegression().fit(out_design(A[train_idx], M[train_idx], X[train_idx]), Y[train_idx], sample_weight=sw_tr)
    xt = X[test_idx]
    k = len(test_idx)
    z, o = np.zeros(k), np.ones(k)
    p0 = mm.predict(np.column_stack([z, xt]))
    p1 = mm.predict(np.column_stack([o, xt]))
    if clip_m is not None:
        p0, p1 = p0.clip(*clip_m), p1.clip(*clip_m)
    res = {
        "y00": ym.predict(out_design(z, p0, xt)), "y10": ym.predict(out_design(o, p0, xt)),
        "y11": ym.predict(out_design(o, p1, xt)), "y01": ym.predict(out_design(z, p1, xt)),
        "m0": p0, "m1": p1,
    }
    for q in (0.1, 0.9):
        mq = np.full(k, np.quantile(M, q))
        res[f"cde_q{int(round(q * 100))}"] = ym.predict(out_design(o, mq, xt)) - ym.predict(out_design(z, mq, xt))
    return res


def mediation_estimates(parts):
    keys = ["y00", "y10", "y11", "y01", "m0", "m1", "cde_q10", "cde_q90"]
    full = {k: np.zeros(n) for k in keys}
    for te, res in parts:
        for k in keys:
            full[k][te] = res[k]
    return {
        "te": float((full["y11"] - full["y00"]).mean()),
        "nde": float((full["y10"] - full["y00"]).mean()),
        "nie": float((full["y11"] - full["y10"]).mean()),
        "cde_q10": float(full["cde_q10"].mean()),
        "cde_q90": float(full["cde_q90"].mean()),
        "reverse_indirect": float((full["y01"] - full["y00"]).mean()),
        "mediator_shift": float((full["m1"] - full["m0"]).mean()),
    }


all_idx = np.arange(n)
est["mediation"] = mediation_estimates([(all_idx, mediation(all_idx, all_idx))])
est["mediation_no_interaction"] = mediation_estimates([(all_idx, mediation(all_idx, all_idx, interaction=False))])
est["mediation_ipw"] = mediation_estimates([(all_idx, mediation(all_idx, all_idx, weights=w_ipw))])
est["mediation_crossfit"] = mediation_estimates([(te, mediation(tr, te, weights=w_ipw, clip_m=(0, 1))) for tr, te in folds])


def sem(weights):
    def fit(design, y):
        return LinearRegression().fit(design, y, sample_weight=weights)
    alpha = fit(np.column_stack([A, X]), M).coef_[0]
    om = fit(np.column_stack([A, M, X]), Y)
    total = fit(np.column_stack([A, X]), Y).coef_[0]
    c_prime, beta = om.coef_[0], om.coef_[1]
    return {"alpha": float(alpha), "beta": float(beta), "c_prime": float(c_prime), "indirect": float(alpha * beta),
            "total": float(c_prime + alpha * beta), "total_regression": float(total)}


est["sem_path_ipw"] = sem(w_ipw)
est["sem_path_none"] = sem(None)
out["estimators"] = est

# ---------------------------------------------------------------- diagnostics
ps = pd.Series(prop)
out["overlap"] = {
    "propensity_min": float(ps.min()), "propensity_p01": float(ps.quantile(0.01)), "propensity_p05": float(ps.quantile(0.05)),
    "propensity_median": float(ps.median()), "propensity_p95": float(ps.quantile(0.95)), "propensity_p99": float(ps.quantile(0.99)),
    "propensity_max": float(ps.max()), "share_propensity_below_0_05": float((ps < 0.05).mean()),
    "share_propensity_above_0_95": float((ps > 0.95).mean()),
}
out["weights"] = {"ess": float(w_ipw.sum() ** 2 / np.square(w_ipw).sum()), "mean": float(w_ipw.mean()), "max": float(w_ipw.max()),
                  "std": float(pd.Series(w_ipw).std())}


def smd(x, w=None):
    t, c = A == 1, A == 0
    if w is None:
        mt, mc, vt, vc = x[t].mean(), x[c].mean(), x[t].var(ddof=0), x[c].var(ddof=0)
    else:
        mt, mc = np.average(x[t], weights=w[t]), np.average(x[c], weights=w[c])
        vt, vc = np.average((x[t] - mt) ** 2, weights=w[t]), np.average((x[c] - mc) ** 2, weights=w[c])
    pooled = np.sqrt((vt + vc) / 2)
    return 0.0 if np.isclose(pooled, 0) else float((mt - mc) / pooled)


out["balance"] = {name: {"unweighted": smd(X[:, j]), "weighted": smd(X[:, j], w_ipw)} for j, name in enumerate(X_df.columns)}
rm = M - LinearRegression().fit(X, M).predict(X)
ry = Y - LinearRegression().fit(X, Y).predict(X)
out["residual_correlation"] = {
    "raw_pearson": float(pd.Series(M).corr(pd.Series(Y))), "raw_spearman": float(pd.Series(M).corr(pd.Series(Y), method="spearman")),
    "resid_pearson": float(pd.Series(rm).corr(pd.Series(ry))), "resid_spearman": float(pd.Series(rm).corr(pd.Series(ry), method="spearman")),
}

(HERE / "expected.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
print(f"fixture rows {len(panel)}, frame rows {n}, design columns {X.shape[1]}")
