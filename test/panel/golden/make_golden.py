"""Golden user-day panel computed with pandas the way seeds 000 and 001 build theirs.

Writes, next to this script:
  events.csv        user_id, video_id, play_duration, video_duration, timestamp, date, watch_ratio
  item_daily.csv    video_id, date, show_cnt, play_cnt   (some show_cnt missing: play-count fallback)
  categories.csv    video_id, first, second               (feat lists of one or two categories)
  users.csv         user_id, register_days
  expected.csv      the dense panel: every measure and history column the test compares

Run with Debian's python (pandas): /usr/bin/python3 test/panel/golden/make_golden.py
"""
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
rng = np.random.default_rng(20200705)

USERS = list(range(0, 60, 3))  # 20 users
VIDEOS = list(range(100, 160))
DATES = pd.date_range("2020-07-05", "2020-07-18", freq="D")  # 14 days

# Events: each user is active on a random subset of days (gaps matter for lags and windows).
rows = []
for u in USERS:
    active = rng.random(len(DATES)) < 0.55
    for d, day in enumerate(DATES):
        if not active[d]:
            continue
        n = int(rng.integers(1, 7))
        t = int(day.timestamp()) + 3600 + int(rng.integers(0, 3600))
        for _ in range(n):
            v = int(rng.choice(VIDEOS))
            vd = int(rng.integers(5000, 30000))
            wr = float(np.round(np.exp(rng.normal(-0.3, 0.8)), 4))
            pd_ms = int(round(wr * vd))
            t += int(rng.integers(1, 300))
            rows.append((u, v, pd_ms, vd, t, int(day.strftime("%Y%m%d")), round(pd_ms / vd, 6)))
events = pd.DataFrame(rows, columns=["user_id", "video_id", "play_duration", "video_duration", "timestamp", "date", "watch_ratio"])
events = events.sort_values(["user_id", "timestamp"], kind="stable").reset_index(drop=True)

item_rows = []
for v in VIDEOS:
    for d in DATES[:3]:
        show = float(rng.integers(0, 5000))
        if v % 7 == 0:
            show = np.nan  # no exposure counts: falls back to play counts
        item_rows.append((v, int(d.strftime("%Y%m%d")), show, float(rng.integers(0, 3000))))
item_daily = pd.DataFrame(item_rows, columns=["video_id", "date", "show_cnt", "play_cnt"])

categories = pd.DataFrame(
    {
        "video_id": VIDEOS,
        "first": rng.integers(1, 9, len(VIDEOS)),
        "second": np.where(rng.random(len(VIDEOS)) < 0.5, rng.integers(1, 9, len(VIDEOS)), -1),
    }
)
users = pd.DataFrame({"user_id": USERS + [999], "register_days": rng.integers(1, 2000, len(USERS) + 1)})

# ---- the seeds' construction -------------------------------------------------------------
item_features = item_daily.groupby("video_id")[["show_cnt", "play_cnt"]].mean().add_prefix("avg_")
item_features = events[["video_id"]].drop_duplicates().merge(item_features, on="video_id", how="left")
popularity = item_features["avg_show_cnt"].fillna(item_features["avg_play_cnt"])
threshold = popularity.quantile(0.5)
item_features["long_tail_item"] = (popularity <= threshold).astype(int)
item_features = item_features.merge(categories.rename(columns={"first": "first_category"})[["video_id", "first_category"]], on="video_id", how="left")

ev = events.merge(item_features[["video_id", "long_tail_item", "first_category"]], on="video_id", how="left")
ev = ev.sort_values(["user_id", "timestamp"], kind="stable").reset_index(drop=True)
ev["play_duration_sec"] = ev["play_duration"] / 1000
ev["video_duration_sec"] = ev["video_duration"] / 1000
ev["watch_ratio_capped_2"] = ev["watch_ratio"].clip(lower=0, upper=2)
ev["valid_play"] = (ev["play_duration"] >= 2000).astype(int)
ev["high_watch"] = (ev["watch_ratio"] >= 0.8).astype(int)
ev["complete_or_rewatch"] = (ev["watch_ratio"] >= 1.0).astype(int)
ev["short_abandon"] = (ev["watch_ratio"] < 0.2).astype(int)
ev["new_category"] = (~ev.duplicated(["user_id", "first_category"])).astype(int)
ev["discovery_candidate"] = ((ev["long_tail_item"] == 1) | (ev["new_category"] == 1)).astype(int)
ev["event_date"] = pd.to_datetime(ev["date"].astype(str), format="%Y%m%d")

observed = (
    ev.groupby(["user_id", "event_date"])
    .agg(
        interactions=("video_id", "size"),
        unique_videos=("video_id", "nunique"),
        unique_categories=("first_category", "nunique"),
        total_play_duration_ms=("play_duration", "sum"),
        avg_play_duration_sec=("play_duration_sec", "mean"),
        avg_video_duration_sec=("video_duration_sec", "mean"),
        avg_watch_ratio=("watch_ratio", "mean"),
        avg_watch_ratio_capped_2=("watch_ratio_capped_2", "mean"),
        valid_play_share=("valid_play", "mean"),
        high_satisfaction_share=("high_watch", "mean"),
        complete_or_rewatch_share=("complete_or_rewatch", "mean"),
        short_abandon_share=("short_abandon", "mean"),
        long_tail_share=("long_tail_item", "mean"),
        new_category_share=("new_category", "mean"),
        discovery_candidate_share=("discovery_candidate", "mean"),
    )
    .reset_index()
)
observed["total_play_duration_sec"] = observed["total_play_duration_ms"] / 1000

all_users = np.sort(observed["user_id"].unique())
dense_index = pd.MultiIndex.from_product([all_users, DATES], names=["user_id", "event_date"])
user_day = observed.set_index(["user_id", "event_date"]).reindex(dense_index).reset_index()
measures = [c for c in observed.columns if c not in ("user_id", "event_date")]
user_day[measures] = user_day[measures].fillna(0)
user_day["active_day"] = (user_day["interactions"] > 0).astype(int)
user_day["calendar_day_index"] = (user_day["event_date"] - DATES[0]).dt.days

# zmean over active days (sample sd), 0 on inactive days.
active = user_day["active_day"] == 1
parts = []
for col, sign in [("avg_watch_ratio_capped_2", 1), ("high_satisfaction_share", 1), ("complete_or_rewatch_share", 1), ("short_abandon_share", -1)]:
    x = sign * user_day.loc[active, col]
    parts.append((x - x.mean()) / x.std(ddof=1))
user_day["satisfaction_depth_score"] = 0.0
user_day.loc[active, "satisfaction_depth_score"] = pd.concat(parts, axis=1).mean(axis=1)

grouped = user_day.groupby("user_id")
history = ["active_day", "interactions", "total_play_duration_sec", "high_satisfaction_share", "discovery_candidate_share"]
for col in history:
    # seed 001: shift then fill; seed 000's prior window: rolling sum, shifted, filled
    user_day[f"lag_1_{col}"] = grouped[col].shift(1).fillna(0)
    user_day[f"prior_3day_{col}"] = (
        grouped[col].rolling(window=3, min_periods=1).sum().reset_index(level=0, drop=True).groupby(user_day["user_id"]).shift(1).fillna(0)
    )
future = ["active_day", "interactions", "total_play_duration_sec"]
for col in future:
    for k in range(1, 8):
        user_day[f"lead_{k}_{col}"] = grouped[col].shift(-k)  # seed 001: missing past the data
    user_day[f"next_day_{col}"] = user_day[f"lead_1_{col}"]
    for n in (3, 7):
        user_day[f"future_{n}day_{col}"] = user_day[[f"lead_{k}_{col}" for k in range(1, n + 1)]].sum(axis=1, min_count=n)
        # seed 000: zero-filled shifts
        total = pd.Series(0.0, index=user_day.index)
        for step in range(1, n + 1):
            total = total + grouped[col].shift(-step).fillna(0)
        user_day[f"zero_future_{n}day_{col}"] = total

user_day = user_day.merge(users, on="user_id", how="left")
user_day["date"] = user_day["event_date"].dt.strftime("%Y%m%d").astype(int)
user_day = user_day.drop(columns=["event_date"])

events.to_csv(HERE / "events.csv", index=False)
item_daily.to_csv(HERE / "item_daily.csv", index=False)
categories.to_csv(HERE / "categories.csv", index=False)
users.to_csv(HERE / "users.csv", index=False)
user_day.to_csv(HERE / "expected.csv", index=False, float_format="%.12g")
print(f"{len(events)} events, {len(user_day)} panel rows, {user_day.shape[1]} columns")
