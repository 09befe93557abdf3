"""XGBoost reference for `npm run bench -- gbm`: reads the design written by bench/gbm.ts, fits
xgboost (tree_method=hist, n_jobs=1) with the same settings on the training rows, and prints the
fit times and held-out R^2 as JSON. Run with Debian's /usr/bin/python3 (python3-xgboost)."""
import json
import sys
import time

import numpy as np
import xgboost as xgb


def main(meta_path):
    with open(meta_path) as f:
        meta = json.load(f)
    n, p = meta["rows"], meta["cols"]
    X = np.fromfile(meta["x"], dtype="<f8").reshape(p, n).T  # column-major on disk
    y = np.fromfile(meta["y"], dtype="<f8")
    train = np.fromfile(meta["train"], dtype="<u1").astype(bool)
    o = meta["options"]
    # leaf-wise rows (num_leaves): lossguide growth to max_leaves, no depth bound (max_depth=0)
    growth = dict(grow_policy="lossguide", max_leaves=o["num_leaves"], max_depth=0) if "num_leaves" in o else dict(max_depth=o["max_depth"])
    params = dict(
        n_estimators=o["trees"], **growth, learning_rate=o["learning_rate"],
        subsample=o["subsample"], colsample_bytree=o["colsample"], reg_lambda=o["lambda"],
        min_child_weight=o["min_child_weight"], max_bin=o["max_bins"], tree_method="hist",
        n_jobs=1, random_state=0, objective="reg:squarederror", verbosity=0,
    )
    Xtr, ytr, Xte, yte = X[train], y[train], X[~train], y[~train]
    times = []
    cpu = []
    model = None
    for _ in range(meta["repeats"]):
        model = xgb.XGBRegressor(**params)
        c0 = time.process_time()
        t0 = time.perf_counter()
        model.fit(Xtr, ytr)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    pred = model.predict(Xte)
    r2 = 1 - np.sum((yte - pred) ** 2) / np.sum((yte - yte.mean()) ** 2)
    print(json.dumps({"fit_seconds": times, "cpu_seconds": cpu, "r2": float(r2), "xgboost": xgb.__version__}))


if __name__ == "__main__":
    main(sys.argv[1])
