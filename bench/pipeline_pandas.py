#!/usr/bin/python3
"""pandas / scikit-learn reference for `npm run bench -- pipeline` (run with Debian's /usr/bin/python3).

usage: /usr/bin/python3 bench/pipeline_pandas.py ARCHIVE.zip REPS

The whole analysis of bench/pipeline.yaml in one process, as a competent pandas user would write it:
  - reading: the nested zip opened in place, read_csv with the C engine, usecols and dtypes
    (bench/ingest_pandas.py --lean);
  - the panel: the spec's event fields and day measures, a dense user x calendar-day grid, lag-1 and
    prior-3-day sums (0 before the data), the 7-day future (missing past the data), user features;
  - the frame: the population (active days with a complete future), A = discovery share >= 0.5,
    M = high-watch share, Y = future_7day_interactions, the numeric covariates median-imputed,
    user_active_degree one-hot with the first level dropped, constant columns dropped;
  - the estimators with scikit-learn (bench/estimate_sklearn.py's definitions): difference in means,
    IPW (StandardScaler + LogisticRegression, propensity clipped to [0.02, 0.98], stabilized weights
    capped at their 99th percentile), MSM, linear g-computation, linear mediation with A x M and CDEs
    at the mediator's 10th/90th percentiles, the SEM path, cross-fitted AIPW (3 user-grouped folds),
    and a cross-fitted plug-in gbm mediation as the spec's (XGBoost's hist booster, as the seeds use, 80
    trees of depth 3, learning rate 0.05, each model started from its target's mean as causeway's booster
    starts; the outcome design [A, M, A x M, X], as causeway's default `interaction: true`);
  - the REPS-replicate user-cluster bootstrap: users resampled with pandas .loc and every linear
    estimator refitted (the seeds' loop), the weights and AIPW scores held fixed.
Prints one JSON line: stage timings, frame size and point estimates.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# the lean reader of the ingest bench: the nested zip opened in place (this script's folder is on sys.path)
from ingest_pandas import open_member


def build_panel(path):
    dtypes = {"user_id": "int64", "video_id": "int64", "play_duration": "float64", "date": "float64",
              "timestamp": "float64", "watch_ratio": "float64"}
    with open_member(path, "small_matrix.csv", lean=True) as f:
        ev = pd.read_csv(f, engine="c", usecols=list(dtypes), dtype=dtypes)
    ev = ev.dropna(subset=["date", "timestamp"])
    ev = ev.sort_values(["user_id", "timestamp"], kind="stable").reset_index(drop=True)
    with open_member(path, "user_features.csv", lean=True) as f:
        uf = pd.read_csv(f)
    with open_member(path, "item_categories.csv", lean=True) as f:
        cats = pd.read_csv(f)
    with open_member(path, "item_daily_features.csv", lean=True) as f:
        daily = pd.read_csv(f, usecols=["video_id", "date", "show_cnt", "play_cnt"])
    t_read = time.perf_counter()

    ev["day"] = ev["date"].astype("int64")
    ev["valid_play"] = (ev["play_duration"] >= 2000).astype("float64")
    ev["high_watch"] = (ev["watch_ratio"] >= 0.8).astype("float64")
    item = daily.groupby("video_id").agg(avg_show_cnt=("show_cnt", "mean"), avg_play_cnt=("play_cnt", "mean"))
    item["exposure"] = item["avg_show_cnt"].fillna(item["avg_play_cnt"])
    item["long_tail"] = (item["exposure"] <= item["exposure"].quantile(0.5)).astype("float64")
    cats["first_category"] = cats["feat"].str.strip("[]").str.split(",").str[0].astype("int64")
    ev = ev.merge(item[["long_tail"]], left_on="video_id", right_index=True, how="left")
    ev = ev.merge(cats[["video_id", "first_category"]], on="video_id", how="left")
    ev["long_tail"] = ev["long_tail"].fillna(0)
    ev["new_category"] = (~ev.duplicated(["user_id", "first_category"])).astype("float64")
    ev["discovery"] = ((ev["long_tail"] > 0) | (ev["new_category"] > 0)).astype("float64")

    day = ev.groupby(["user_id", "day"]).agg(
        interactions=("video_id", "size"),
        total_play_duration_sec=("play_duration", "sum"),
        valid_play_share=("valid_play", "mean"),
        high_satisfaction_share=("high_watch", "mean"),
        discovery_candidate_share=("discovery", "mean"),
    ).reset_index()
    day["total_play_duration_sec"] /= 1000.0
    users = np.sort(ev["user_id"].unique())
    dates = pd.date_range(pd.to_datetime(str(ev["day"].min())), pd.to_datetime(str(ev["day"].max())), freq="D")
    grid = pd.MultiIndex.from_product([users, dates.strftime("%Y%m%d").astype("int64")], names=["user_id", "day"]).to_frame(index=False)
    panel = grid.merge(day, on=["user_id", "day"], how="left").fillna(0)
    panel["active_day"] = (panel["interactions"] > 0).astype("float64")
    panel["calendar_day_index"] = panel.groupby("user_id").cumcount()
    g = panel.groupby("user_id", sort=False)
    for col in ["active_day", "interactions", "total_play_duration_sec", "valid_play_share", "high_satisfaction_share",
                "discovery_candidate_share"]:
        shifted = g[col].shift(1).fillna(0)
        panel[f"lag_1_{col}"] = shifted
        panel[f"prior_3day_{col}"] = shifted.groupby(panel["user_id"]).transform(lambda s: s.rolling(3, min_periods=1).sum())
    panel["future_7day_interactions"] = sum(g["interactions"].shift(-k) for k in range(1, 8))  # NaN past the data
    panel = panel.merge(uf, on="user_id", how="left")
    return panel, len(ev), t_read


NUMERIC = ["calendar_day_index"] + [f"{p}_{c}" for c in ["active_day", "interactions", "total_play_duration_sec", "valid_play_share",
                                                        "high_satisfaction_share", "discovery_candidate_share"] for p in ("lag_1", "prior_3day")] + \
          ["register_days", "follow_user_num", "fans_user_num", "friend_user_num", "is_lowactive_period", "is_live_streamer", "is_video_author"]


def build_frame(panel):
    pop = panel[(panel["active_day"] == 1) & panel["future_7day_interactions"].notna()].reset_index(drop=True)
    numeric = NUMERIC + sorted((c for c in pop.columns if c.startswith("onehot_feat")), key=lambda c: int(c[len("onehot_feat"):]))
    X = pop[numeric].astype("float64")
    X = X.fillna(X.median())
    X = pd.concat([X, pd.get_dummies(pop["user_active_degree"].astype(str), prefix="user_active_degree", drop_first=True).astype("float64")], axis=1)
    X = X.loc[:, X.nunique() > 1]
    frame = pd.DataFrame({"user_id": pop["user_id"].to_numpy(), "A": (pop["discovery_candidate_share"] >= 0.5).astype("float64"),
                          "M": pop["high_satisfaction_share"], "Y": pop["future_7day_interactions"]})
    return pd.concat([frame, X], axis=1), list(X.columns)


def propensity_model():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, solver="lbfgs"))


def ipw_weights(data, covs):
    X, A = data[covs].to_numpy(), data["A"].to_numpy()
    prop = propensity_model().fit(X, A).predict_proba(X)[:, 1]
    pc = np.clip(prop, 0.02, 0.98)
    rate = A.mean()
    sw = np.where(A == 1, rate / pc, (1 - rate) / (1 - pc))
    return prop, np.clip(sw, None, pd.Series(sw).quantile(0.99))


def linear_estimates(data, covs, cde_levels):
    """Every linear estimator given the fixed weights w and AIPW scores psi (columns of data)."""
    X = data[covs].to_numpy()
    A, M, Y, W = data["A"].to_numpy(), data["M"].to_numpy(), data["Y"].to_numpy(), data["w"].to_numpy()
    k = len(Y)
    z, o = np.zeros(k), np.ones(k)
    out = {"naive": {"ate": Y[A == 1].mean() - Y[A == 0].mean()}}
    out["ipw"] = {"ate": np.average(Y[A == 1], weights=W[A == 1]) - np.average(Y[A == 0], weights=W[A == 0])}
    out["msm"] = {"ate": LinearRegression().fit(A.reshape(-1, 1), Y, sample_weight=W).coef_[0]}
    g = LinearRegression().fit(np.column_stack([A, X]), Y)
    out["gcomp_linear"] = {"ate": (g.predict(np.column_stack([o, X])) - g.predict(np.column_stack([z, X]))).mean()}
    mm = LinearRegression().fit(np.column_stack([A, X]), M)
    ym = LinearRegression().fit(np.column_stack([A, M, A * M, X]), Y)
    m0, m1 = mm.predict(np.column_stack([z, X])), mm.predict(np.column_stack([o, X]))
    yp = lambda a, m: ym.predict(np.column_stack([a, m, a * m, X]))
    y00, y10, y11 = yp(z, m0), yp(o, m0), yp(o, m1)
    med = {"te": (y11 - y00).mean(), "nde": (y10 - y00).mean(), "nie": (y11 - y10).mean()}
    for name, level in cde_levels.items():
        lv = np.full(k, level)
        med[name] = (yp(o, lv) - yp(z, lv)).mean()
    out["mediation_linear"] = med
    alpha = LinearRegression().fit(np.column_stack([A, X]), M, sample_weight=W).coef_[0]
    om = LinearRegression().fit(np.column_stack([A, M, X]), Y, sample_weight=W)
    out["sem_path"] = {"alpha": alpha, "beta": om.coef_[1], "c_prime": om.coef_[0], "indirect": alpha * om.coef_[1]}
    out["aipw"] = {"ate": data["psi"].mean()}
    return {key: {k2: float(v) for k2, v in d.items()} for key, d in out.items()}


def gbm_mediation(X, A, M, Y, groups):
    """Cross-fitted plug-in mediation with gradient-boosted mediator and outcome models."""
    def gbm(target):
        return xgb.XGBRegressor(n_estimators=80, max_depth=3, learning_rate=0.05, tree_method="hist", base_score=float(target.mean()))

    def outcome_design(a, m, rows):
        return np.column_stack([a, m, a * m, X[rows]])

    y11, y10, y00 = np.zeros(len(Y)), np.zeros(len(Y)), np.zeros(len(Y))
    for tr, te in GroupKFold(n_splits=3).split(X, A, groups=groups):
        mm = gbm(M[tr]).fit(np.column_stack([A[tr], X[tr]]), M[tr])
        ym = gbm(Y[tr]).fit(outcome_design(A[tr], M[tr], tr), Y[tr])
        z, o = np.zeros(len(te)), np.ones(len(te))
        m0 = np.clip(mm.predict(np.column_stack([z, X[te]])), 0, 1)
        m1 = np.clip(mm.predict(np.column_stack([o, X[te]])), 0, 1)
        y11[te] = ym.predict(outcome_design(o, m1, te))
        y10[te] = ym.predict(outcome_design(o, m0, te))
        y00[te] = ym.predict(outcome_design(z, m0, te))
    return {"te": float((y11 - y00).mean()), "nde": float((y10 - y00).mean()), "nie": float((y11 - y10).mean())}


def main():
    path, reps = sys.argv[1], int(sys.argv[2])
    t0 = time.perf_counter()
    panel, events, t_read = build_panel(path)
    t_panel = time.perf_counter()
    data, covs = build_frame(panel)
    del panel
    t_frame = time.perf_counter()

    prop, w = ipw_weights(data, covs)
    data["w"] = w
    X, A, M, Y = data[covs].to_numpy(), data["A"].to_numpy(), data["M"].to_numpy(), data["Y"].to_numpy()
    groups = data["user_id"].to_numpy()
    psi = np.zeros(len(Y))
    for tr, te in GroupKFold(n_splits=3).split(X, A, groups=groups):
        e = np.clip(propensity_model().fit(X[tr], A[tr]).predict_proba(X[te])[:, 1], 0.02, 0.98)
        gm = LinearRegression().fit(np.column_stack([A[tr], X[tr]]), Y[tr])
        q1 = gm.predict(np.column_stack([np.ones(len(te)), X[te]]))
        q0 = gm.predict(np.column_stack([np.zeros(len(te)), X[te]]))
        psi[te] = q1 - q0 + A[te] * (Y[te] - q1) / e - (1 - A[te]) * (Y[te] - q0) / (1 - e)
    data["psi"] = psi
    cde_levels = {"cde_q10": np.quantile(M, 0.1), "cde_q90": np.quantile(M, 0.9)}
    estimates = linear_estimates(data, covs, cde_levels)
    # diagnostics: overlap summary and standardized mean differences before / after weighting
    ps = pd.Series(prop)
    overlap = [ps.min(), ps.quantile(0.01), ps.median(), ps.quantile(0.99), ps.max(), w.sum() ** 2 / np.square(w).sum()]
    smd = {}
    for j, col in enumerate(covs):
        x, t, c = X[:, j], A == 1, A == 0
        for label, ww in (("raw", None), ("weighted", w)):
            mt, mc = np.average(x[t], weights=None if ww is None else ww[t]), np.average(x[c], weights=None if ww is None else ww[c])
            vt = np.average((x[t] - mt) ** 2, weights=None if ww is None else ww[t])
            vc = np.average((x[c] - mc) ** 2, weights=None if ww is None else ww[c])
            smd[(col, label)] = (mt - mc) / np.sqrt((vt + vc) / 2) if vt + vc > 0 else 0.0
    estimates["mediation_gbm"] = gbm_mediation(X, A, M, Y, groups)
    t_point = time.perf_counter()

    rng = np.random.default_rng(42)
    unique_users = np.sort(data["user_id"].unique())
    indexed = data.set_index("user_id", drop=False)
    boot = []
    for _ in range(reps):
        sampled = rng.choice(unique_users, size=len(unique_users), replace=True)
        boot.append(linear_estimates(indexed.loc[sampled].reset_index(drop=True), covs, cde_levels))
    t_end = time.perf_counter()
    ci = {k: np.quantile([b["gcomp_linear"]["ate"] for b in boot], [0.025, 0.975]).tolist() for k in ["gcomp_linear"]} if reps > 1 else {}
    print(json.dumps({"read_s": t_read - t0, "panel_s": t_panel - t_read, "frame_s": t_frame - t_panel, "point_s": t_point - t_frame,
                      "bootstrap_s": t_end - t_point, "total_s": t_end - t0, "events": int(events), "rows": int(len(Y)),
                      "users": int(len(unique_users)), "covariates": len(covs), "treated_share": float(A.mean()),
                      "overlap_min": float(overlap[0]), "estimates": estimates, "ci": ci}))


if __name__ == "__main__":
    main()
