"""Classical-ML baseline: hand-crafted path descriptors into gradient boosting or a random forest.

Hyper-parameters (model family, depth, learning rate, log target) are chosen by
3-fold CV grouped by host on the 559 training paths; the chosen model is refit
on all 559 and scored once on the paper's 60 test paths.

    python benchmarks/classical_ml.py
"""
from __future__ import annotations

import itertools
import platform
import time
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor

from hopnet.data.barriers import host_groups, load_barriers
from hopnet.metrics import all_metrics
from hopnet.plots import parity_plot
from hopnet_repro.baselines.descriptors import band_descriptors, descriptor_names
from hopnet_repro.cv import group_kfold
from hopnet_repro.results import write_result

SEED = 0
OUT = Path("benchmarks/results")


def candidates():
    for lr, leaves, log in itertools.product((0.03, 0.1), (7, 15, 31), (False, True)):
        yield {"model": "gbm", "learning_rate": lr, "max_leaf_nodes": leaves, "log_target": log}
    for leaf, log in itertools.product((1, 3), (False, True)):
        yield {"model": "rf", "min_samples_leaf": leaf, "log_target": log}


def make(params: dict):
    if params["model"] == "gbm":
        return HistGradientBoostingRegressor(learning_rate=params["learning_rate"], max_iter=400,
                                             max_leaf_nodes=params["max_leaf_nodes"], min_samples_leaf=10,
                                             loss="absolute_error", random_state=SEED)
    return RandomForestRegressor(n_estimators=400, min_samples_leaf=params["min_samples_leaf"], max_features=0.4,
                                 n_jobs=2, random_state=SEED)


def fit_predict(params, X_train, y_train, X_test):
    y = np.log(y_train) if params["log_target"] else y_train
    pred = make(params).fit(X_train, y).predict(X_test)
    return np.exp(pred) if params["log_target"] else pred


if __name__ == "__main__":
    train, test = load_barriers("train"), load_barriers("test")
    t0 = time.perf_counter()
    X = np.array([band_descriptors(e.band) for e in train])
    X_test = np.array([band_descriptors(e.band) for e in test])
    descriptor_seconds = (time.perf_counter() - t0) / (len(train) + len(test))
    y, y_test = np.array([e.em for e in train]), np.array([e.em for e in test])
    folds = group_kfold(host_groups(train), 3, SEED)
    search = []
    for params in candidates():
        oof = np.empty_like(y)
        for held in folds:
            rest = np.setdiff1d(np.arange(len(y)), held)
            oof[held] = fit_predict(params, X[rest], y[rest], X[held])
        search.append({"params": params, "cv": all_metrics(y, oof)})
        print(params, f"CV MAE {search[-1]['cv']['mae']:.3f}")
    best = min(search, key=lambda r: r["cv"]["mae"])
    t1 = time.perf_counter()
    pred = fit_predict(best["params"], X, y, X_test)
    fit_seconds = time.perf_counter() - t1
    metrics = all_metrics(y_test, pred)
    parity_plot(y_test, pred, OUT / "parity_classical_ml.png", title="descriptors + " + best["params"]["model"])
    result = {"method": "classical ML (path descriptors)", "best": best, "search": search, "metrics": metrics,
              "predictions": pred.tolist(), "descriptors": descriptor_names(),
              "seconds_per_barrier": descriptor_seconds, "fit_seconds": fit_seconds,
              "split": "paper 559/60; hyper-parameters by 3-fold CV grouped by host on the 559",
              "command": "python benchmarks/classical_ml.py", "seed": SEED,
              "machine": f"{platform.processor() or platform.machine()}, 2 cores"}
    write_result(OUT / "classical_ml.json", result)
    print(f"best {best['params']} CV MAE {best['cv']['mae']:.3f}; test MAE {metrics['mae']:.3f} R2 {metrics['r2']:.3f} "
          f"acc {metrics['accuracy']:.3f}")
