"""K-fold cross-validation on the training split, grouped by host structure."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hopnet.graphs.builder import CrystalGraph
from hopnet.metrics import all_metrics
from hopnet.models.card import Member, TrainingRecord, save_model
from hopnet.training.config import TrainConfig
from hopnet.training.trainer import fit, predict_scaled


def group_kfold(groups: np.ndarray, folds: int, seed: int) -> list[np.ndarray]:
    """Fold id per sample; whole groups go to one fold, folds balanced by size."""
    rng = np.random.default_rng(seed)
    unique, counts = np.unique(groups, return_counts=True)
    perm = rng.permutation(len(unique))
    order = perm[np.argsort(-counts[perm], kind="stable")]  # big groups first, random tie-break
    sizes, fold_of_group = np.zeros(folds), {}
    for g in order:
        f = int(np.argmin(sizes))
        fold_of_group[unique[g]] = f
        sizes[f] += counts[g]
    fold = np.array([fold_of_group[g] for g in groups])
    return [np.flatnonzero(fold == f) for f in range(folds)]


HELD_OUT_IONS = ("Li", "Na", "Mg", "Ca")


def ion_folds(ions) -> list[np.ndarray]:
    """Leave one ion out: a fold per ion of HELD_OUT_IONS; paths of rarer ions are always trained on."""
    ions = np.asarray(ions)
    return [np.flatnonzero(ions == ion) for ion in HELD_OUT_IONS]


def cross_validate(
    graphs: list[CrystalGraph],
    targets: np.ndarray,
    groups: np.ndarray,
    cfg: TrainConfig,
    folds: int | list[np.ndarray] = 5,
    checkpoint_root: Path | None = None,
    progress: bool = True,
    model_dir: Path | None = None,
) -> dict:
    """Out-of-fold predictions and metrics; no sample is ever predicted by a model that saw its host.

    ``folds`` is a number of host-grouped folds, or the held-out indices of each fold
    (leave-one-ion-out); samples in no fold are always trained on. With ``model_dir``
    each fold's network is kept as ``fold<k>.json``, so later analyses (``paths`` on
    a host) can use a model that never saw that host.
    """
    targets = np.asarray(targets, float)
    oof = np.full(len(graphs), np.nan)
    held_out = group_kfold(groups, folds, cfg.seed) if isinstance(folds, int) else folds
    per_fold, seconds = [], 0.0
    for k, test_idx in enumerate(held_out):
        train_idx = np.setdiff1d(np.arange(len(graphs)), test_idx)
        result = fit(
            [graphs[i] for i in train_idx], targets[train_idx], cfg, groups=groups[train_idx],
            checkpoint_dir=checkpoint_root / f"fold{k}" if checkpoint_root else None, progress=progress,
        )
        oof[test_idx] = result.scaler.unscale(predict_scaled(result.model, [graphs[i] for i in test_idx]))
        if model_dir:
            save_model(Path(model_dir) / f"fold{k}.json", [Member(result.model, result.scaler.mean, result.scaler.std)],
                       training=TrainingRecord(held_out=test_idx.tolist()))
        per_fold.append(all_metrics(targets[test_idx], oof[test_idx]))
        seconds += result.seconds
    scored = ~np.isnan(oof)
    return {"oof": oof.tolist(), "fold_of": _fold_of(held_out, len(graphs)), "folds": per_fold, "metrics": all_metrics(targets[scored], oof[scored]),
            "train_seconds": seconds}


def _fold_of(held_out: list[np.ndarray], n: int) -> list[int]:
    """Fold that predicted each sample (-1: always trained on)."""
    fold = np.full(n, -1)
    for k, idx in enumerate(held_out):
        fold[idx] = k
    return fold.tolist()
