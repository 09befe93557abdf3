#!/usr/bin/python3
"""pandas reference for `npm run bench -- ingest` (run with Debian's /usr/bin/python3).

Reads the nested KuaiRec zip as the seed notebooks do (outer zip -> KuaiRec.zip read into memory ->
pd.read_csv of the matrix), keeps users with user_id % modulus == remainder, drops rows with an empty
time/date/timestamp, and builds the same user-day aggregation the TypeScript side builds: a dense
user x calendar-day panel with interactions, total_play_duration_sec, avg_watch_ratio,
high_watch_share, active_day, lag_1/prior_3day of interactions and future_7day_interactions
(missing when the window runs past the data).

  --lean               what a competent pandas user would write: the inner zip opened in place (not read
                       into memory), read_csv with the C engine, usecols of only the columns the panel
                       needs (no `time` text column: date/timestamp tell a missing time) and their dtypes;
                       the same panel aggregation after that.
  --check TRUTH.json   additionally builds the seed-000 discovery treatment (long_tail from
                       item_daily_features avg show_cnt with play_cnt fallback, new_category from
                       the first exposure to the item's first category), the high-watch mediator,
                       and fits a linear g-computation (OLS of future_7day_interactions on A and the
                       demo covariates) to compare with the simulator's truth.

Prints one JSON line: {"read_s":..., "panel_s":..., "total_s":..., "rows":..., "panel_rows":..., ...}
"""
import io
import json
import resource
import sys
import time
import zipfile

import numpy as np
import pandas as pd


def open_member(path, member, lean=False):
    outer = zipfile.ZipFile(path)
    names = outer.namelist()
    inner_name = next((n for n in names if n.endswith("KuaiRec.zip")), None)
    if inner_name is None:
        inner = outer
    elif lean:
        inner = zipfile.ZipFile(outer.open(inner_name))  # seekable: members are read in place
    else:
        inner = zipfile.ZipFile(io.BytesIO(outer.read(inner_name)))
    full = next(n for n in inner.namelist() if n.endswith("data/" + member))
    return inner.open(full)


def main():
    args = sys.argv[1:]
    path = args[0]
    modulus = int(args[1]) if len(args) > 1 else 1
    remainder = int(args[2]) if len(args) > 2 else 0
    truth_path = args[args.index("--check") + 1] if "--check" in args else None
    matrix = "big_matrix.csv" if "--big" in args else "small_matrix.csv"

    lean = "--lean" in args

    t0 = time.perf_counter()
    with open_member(path, matrix, lean) as f:
        if lean:
            dtypes = {"user_id": "int64", "video_id": "int64", "play_duration": "float64", "date": "float64",
                      "timestamp": "float64", "watch_ratio": "float64"}
            ev = pd.read_csv(f, engine="c", usecols=list(dtypes), dtype=dtypes)
        else:
            ev = pd.read_csv(f)
    rows_read = len(ev)
    ev = ev[ev["user_id"] % modulus == remainder]
    ev = ev.dropna(subset=["date", "timestamp"] if lean else ["time", "date", "timestamp"])
    ev = ev.sort_values(["user_id", "timestamp"], kind="stable").reset_index(drop=True)

    # Side tables, as the TypeScript side reads them.
    with open_member(path, "user_features.csv", lean) as f:
        uf = pd.read_csv(f)
    with open_member(path, "item_categories.csv", lean) as f:
        cats = pd.read_csv(f)
    with open_member(path, "item_daily_features.csv", lean) as f:
        daily = pd.read_csv(f, usecols=["video_id", "date", "show_cnt", "play_cnt"])
    t1 = time.perf_counter()

    # Seed 000's event fields (the same definitions as bench/panel.ts SEED_000).
    ev["day"] = ev["date"].astype("int64")
    ev["play_duration_sec"] = ev["play_duration"] / 1000.0
    ev["watch_ratio_capped_2"] = ev["watch_ratio"].clip(0, 2)
    ev["valid_play"] = (ev["play_duration"] >= 2000).astype("float64")
    ev["high_watch"] = (ev["watch_ratio"] >= 0.8).astype("float64")
    ev["complete_or_rewatch"] = (ev["watch_ratio"] >= 1.0).astype("float64")
    ev["short_abandon"] = (ev["watch_ratio"] < 0.2).astype("float64")
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
        unique_videos=("video_id", "nunique"),
        unique_categories=("first_category", "nunique"),
        total_play_duration_sec=("play_duration", "sum"),
        avg_play_duration_sec=("play_duration_sec", "mean"),
        avg_watch_ratio=("watch_ratio", "mean"),
        avg_watch_ratio_capped_2=("watch_ratio_capped_2", "mean"),
        valid_play_share=("valid_play", "mean"),
        high_satisfaction_share=("high_watch", "mean"),
        complete_or_rewatch_share=("complete_or_rewatch", "mean"),
        short_abandon_share=("short_abandon", "mean"),
        long_tail_share=("long_tail", "mean"),
        new_category_share=("new_category", "mean"),
        discovery_candidate_share=("discovery", "mean"),
    ).reset_index()
    day["total_play_duration_sec"] /= 1000.0
    parts = [day["avg_watch_ratio_capped_2"], day["high_satisfaction_share"], day["complete_or_rewatch_share"], -day["short_abandon_share"]]
    day["satisfaction_depth_score"] = sum((x - x.mean()) / x.std() for x in parts) / len(parts)
    users = np.sort(ev["user_id"].unique())
    dates = pd.date_range(pd.to_datetime(str(ev["day"].min())), pd.to_datetime(str(ev["day"].max())), freq="D")
    date_ints = dates.strftime("%Y%m%d").astype("int64")
    grid = pd.MultiIndex.from_product([users, date_ints], names=["user_id", "day"]).to_frame(index=False)
    panel = grid.merge(day, on=["user_id", "day"], how="left").fillna(0)
    panel["active_day"] = (panel["interactions"] > 0).astype("float64")
    panel["calendar_day_index"] = panel.groupby("user_id").cumcount()
    g = panel.groupby("user_id", sort=False)
    hist = ["active_day", "interactions", "total_play_duration_sec", "avg_watch_ratio_capped_2", "valid_play_share",
            "high_satisfaction_share", "discovery_candidate_share"]
    for col in hist:
        shifted = g[col].shift(1)
        panel[f"lag_1_{col}"] = shifted.fillna(0)
        panel[f"prior_3day_{col}"] = shifted.fillna(0).groupby(panel["user_id"]).transform(lambda s: s.rolling(3, min_periods=1).sum())
    for col in ["active_day", "interactions", "total_play_duration_sec"]:
        leads = [g[col].shift(-k) for k in range(1, 8)]  # NaN past the data: incomplete = missing
        for k, lead in enumerate(leads, start=1):
            panel[f"lead_{k}_{col}"] = lead
        panel[f"future_3day_{col}"] = sum(leads[:3])
        panel[f"future_7day_{col}"] = sum(leads)
    panel = panel.merge(uf, on="user_id", how="left")
    t2 = time.perf_counter()

    out = dict(read_s=t1 - t0, panel_s=t2 - t1, total_s=t2 - t0, rows=int(rows_read), events=int(len(ev)),
               panel_rows=int(len(panel)), sum_future7=float(panel["future_7day_interactions"].sum(skipna=True)),
               max_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
               cpu_s=resource.getrusage(resource.RUSAGE_SELF).ru_utime + resource.getrusage(resource.RUSAGE_SELF).ru_stime)

    if truth_path:
        truth = json.load(open(truth_path))
        pop = panel[(panel["active_day"] == 1) & panel["future_7day_interactions"].notna()].copy()
        pop["A"] = (pop["discovery_candidate_share"] >= 0.5).astype("float64")
        covs = ["calendar_day_index", "register_days", "fans_user_num", "follow_user_num"] + \
               [c for c in pop.columns if c.startswith("lag_1_") or c.startswith("prior_3day_")]
        X = pop[covs].astype("float64")
        X = pd.concat([X, pd.get_dummies(pop["user_active_degree"], prefix="deg", drop_first=True).astype("float64")], axis=1)
        Xd = np.column_stack([np.ones(len(pop)), pop["A"].to_numpy(), X.to_numpy()])
        y = pop["future_7day_interactions"].to_numpy()
        beta, *_ = np.linalg.lstsq(Xd, y, rcond=None)
        naive = y[pop["A"] == 1].mean() - y[pop["A"] == 0].mean()
        # mediation with the high-watch mediator: Y ~ A + M + A*M + X ; M ~ A + X
        M = pop["high_satisfaction_share"].to_numpy()
        Xm = np.column_stack([np.ones(len(pop)), pop["A"].to_numpy(), X.to_numpy()])
        bm, *_ = np.linalg.lstsq(Xm, M, rcond=None)
        Xy = np.column_stack([np.ones(len(pop)), pop["A"].to_numpy(), M, pop["A"].to_numpy() * M, X.to_numpy()])
        by, *_ = np.linalg.lstsq(Xy, y, rcond=None)
        m0 = (Xm @ bm) - bm[1] * pop["A"].to_numpy()
        nde = by[1] + by[3] * m0.mean()
        nie = bm[1] * (by[2] + by[3])
        t = truth["outcomes"]["future_7day_interactions"]
        out.update(population=int(len(pop)), treated_share=float(pop["A"].mean()), naive=float(naive),
                   gcomp_linear_te=float(beta[1]), truth_te=t["TE"], mediation_nde=float(nde), truth_nde=t["NDE"],
                   mediation_nie=float(nie), truth_nie=t["NIE"])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
