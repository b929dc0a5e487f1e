"""The evaluation protocol for models meant to be right on unseen hosts and ions, fixed before any tuning.

Everything is measured on the paper's 559 training paths; the test split is
never loaded here. Folds depend only on the data and ``PROTOCOL_SEED``, so every
model is scored on the same held-out paths:

- ``host``: 5 folds grouped by host structure (a host is never in two folds);
- ``family``: 5 folds grouped by structural family (the dataset's ``class``),
  so every family is predicted by a model that never saw it. Leaving out one of
  the 35 families at a time would cost 35 trainings per network; grouping them
  into 5 folds asks the same question (an unseen family) at the cost of 5;
- ``ion``: leave one ion out, for every ion with at least ``MIN_ION_PATHS`` paths
  (Li, Ca, Na, Mg, K, Zn); rarer ions are always trained on.

Figures per scheme, over all out-of-fold predictions: MAE, RMSE, R², accuracy
of the good-conductor call at 0.65 and 0.5 eV; per held-out ion in ``ion``;
within-host pair order (hosts with two or more paths, pairs whose DFT Em
differ) and mean Spearman (hosts with three or more paths) in ``host``. Each
comes with a 95 % interval from a bootstrap that resamples hosts, not paths:
paths of one host share their errors, so a path bootstrap would be too narrow.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np
from scipy.stats import spearmanr

from hopnet.metrics import regression_metrics
from hopnet_repro.cv import group_kfold

PROTOCOL_SEED = 0
FOLDS = 5
MIN_ION_PATHS = 20
THRESHOLDS = (0.65, 0.5)
BOOTSTRAP_DRAWS = 1000
SCHEMES = ("host", "family", "ion")


def scheme_folds(scheme: str, hosts: np.ndarray, families: np.ndarray, ions: np.ndarray) -> list[np.ndarray]:
    """Held-out indices of each fold of ``scheme``."""
    if scheme == "host":
        return group_kfold(hosts, FOLDS, PROTOCOL_SEED)
    if scheme == "family":
        return group_kfold(families, FOLDS, PROTOCOL_SEED)
    if scheme == "ion":
        names, counts = np.unique(ions, return_counts=True)
        return [np.flatnonzero(ions == ion) for ion in names[counts >= MIN_ION_PATHS]]
    raise ValueError(f"unknown scheme {scheme!r}; choose from {SCHEMES}")


def point_metrics(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    m = regression_metrics(y, pred)
    m["spearman"] = float(spearmanr(y, pred).statistic) if np.ptp(pred) > 0 else float("nan")
    for t in THRESHOLDS:
        m[f"accuracy@{t:g}"] = float(np.mean((y < t) == (pred < t)))
    return m


def pair_order(y: np.ndarray, pred: np.ndarray, hosts: np.ndarray) -> tuple[float, int]:
    """Share of within-host pairs (different DFT Em) that the prediction puts in the right order; a tie in
    the prediction counts half (the concordance index), so a constant prediction scores 0.5, a coin's odds."""
    right = total = 0
    for h in np.unique(hosts):
        idx = np.flatnonzero(hosts == h)
        for i, j in combinations(idx, 2):
            if y[i] == y[j]:
                continue
            total += 1
            agree = (pred[i] - pred[j]) * (y[i] - y[j])
            right += 1.0 if agree > 0 else 0.5 if agree == 0 else 0.0
    return (right / total if total else float("nan")), total


def mean_spearman(y: np.ndarray, pred: np.ndarray, hosts: np.ndarray) -> tuple[float, int]:
    rhos = []
    for h in np.unique(hosts):
        idx = np.flatnonzero(hosts == h)
        if len(idx) >= 3 and np.ptp(y[idx]) > 0 and np.ptp(pred[idx]) > 0:
            rhos.append(spearmanr(y[idx], pred[idx]).statistic)
    return (float(np.mean(rhos)) if rhos else float("nan")), len(rhos)


def _with_interval(fn, y, pred, hosts, rng) -> dict[str, dict]:
    """``fn`` on all paths and the 2.5/97.5 % quantiles of ``fn`` over host-resampled draws."""
    point = fn(y, pred, hosts)
    unique = np.unique(hosts)
    members = {h: np.flatnonzero(hosts == h) for h in unique}
    draws = []
    for _ in range(BOOTSTRAP_DRAWS):
        picked = rng.choice(unique, size=len(unique), replace=True)
        idx = np.concatenate([members[h] for h in picked])
        # a resampled host appears more than once: relabel copies so within-host figures stay within one copy
        copy = np.concatenate([np.full(len(members[h]), k) for k, h in enumerate(picked)])
        draws.append(fn(y[idx], pred[idx], copy))
    def interval(values) -> list[float]:
        values = np.array(values, float)
        values = values[~np.isnan(values)]  # a draw with no within-host pair has no pair order
        return [float(np.quantile(values, q)) for q in (0.025, 0.975)] if len(values) else [np.nan, np.nan]

    return {k: {"value": v, "ci95": interval([d[k] for d in draws])} for k, v in point.items()}


def score(scheme: str, y, pred, hosts, ions) -> dict:
    """The scheme's figures with host-bootstrap intervals; paths never held out (NaN) are skipped."""
    y, pred, hosts, ions = (np.asarray(a) for a in (y, pred, hosts, ions))
    keep = ~np.isnan(pred.astype(float))
    y, pred, hosts, ions = y[keep].astype(float), pred[keep].astype(float), hosts[keep], ions[keep]
    rng = np.random.default_rng(PROTOCOL_SEED)
    out = {"n": int(len(y)), "overall": _with_interval(lambda a, b, _h: point_metrics(a, b), y, pred, hosts, rng)}
    if scheme == "ion":
        out["per_ion"] = {str(ion): {"n": int(np.sum(ions == ion)), **_with_interval(
            lambda a, b, _h: point_metrics(a, b), y[ions == ion], pred[ions == ion], hosts[ions == ion], rng)}
            for ion in np.unique(ions)}
    if scheme == "host":
        def within(a, b, h):
            order, pairs = pair_order(a, b, h)
            rho, n_hosts = mean_spearman(a, b, h)
            return {"pair_order": order, "pairs": pairs, "spearman_mean": rho, "spearman_hosts": n_hosts}
        multi = np.isin(hosts, [h for h in np.unique(hosts) if np.sum(hosts == h) >= 2])
        out["within_host"] = _with_interval(within, y[multi], pred[multi], hosts[multi], rng)
    return out
