"""Fit an ALIGNN barrier model: L1 loss on standardised Em, a host-grouped validation share picks the epoch."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch

from hopnet.graphs.batch import GraphBatch, collate
from hopnet.models.alignn import ALIGNN
from hopnet.models.batching import run_batched
from hopnet.models.card import resolve_weights, transfer_encoder
from hopnet.models.config import ModelConfig
from hopnet.training.config import TrainConfig
from hopnet.training.loop import run_epochs, seed_everything

Collate = Callable[[list], GraphBatch]


@dataclass(frozen=True)
class TargetScaler:
    mean: float
    std: float

    @classmethod
    def fit(cls, y: np.ndarray) -> "TargetScaler":
        return cls(float(np.mean(y)), float(np.std(y)) or 1.0)

    def scale(self, y):
        return (y - self.mean) / self.std

    def unscale(self, y):
        return y * self.std + self.mean


@dataclass
class FitResult:
    model: ALIGNN
    scaler: TargetScaler
    history: list[dict] = field(default_factory=list)
    best_epoch: int = -1
    seconds: float = 0.0


def split_validation(n: int, fraction: float, seed: int, groups: np.ndarray | None = None):
    """Train/validation indices; with ``groups``, no group straddles the two."""
    rng = np.random.default_rng(seed)
    if fraction == 0:
        return np.arange(n), np.array([], dtype=int)
    labels = groups if groups is not None else np.arange(n)
    unique = rng.permutation(np.unique(labels))
    n_val_groups = max(1, int(round(fraction * len(unique))))
    val_mask = np.isin(labels, unique[:n_val_groups])
    return np.flatnonzero(~val_mask), np.flatnonzero(val_mask)


def shuffled_batches(inputs: Sequence, targets: torch.Tensor, train_idx: np.ndarray, cfg: TrainConfig,
                     collate_fn: Collate = collate):
    """epoch -> (batch, its targets, its size) over ``train_idx``, reshuffled each epoch from the seed alone, so a
    resumed run sees the batches an uninterrupted one would."""
    def batches(epoch: int):
        order = np.random.default_rng(cfg.seed * 100_003 + epoch).permutation(train_idx)
        for i in range(0, len(order), cfg.batch_size):
            idx = order[i : i + cfg.batch_size]
            yield collate_fn([inputs[j] for j in idx]), targets[idx], len(idx)

    return batches


def predict_scaled(model: ALIGNN, inputs: Sequence, batch_size: int = 32, collate_fn: Collate = collate) -> np.ndarray:
    model.eval()
    return run_batched(model, inputs, batch_size, collate_fn)


def fit(
    inputs: Sequence,
    targets: np.ndarray,
    cfg: TrainConfig,
    groups: np.ndarray | None = None,
    checkpoint_dir: Path | None = None,
    progress: bool = True,
    build: Callable[[ModelConfig], ALIGNN] = ALIGNN,
    collate_fn: Collate = collate,
) -> FitResult:
    """Train on ``inputs`` (graphs); a validation share picks the best epoch. Resumes from ``checkpoint_dir``.

    ``build`` and ``collate_fn`` let other network families (the paper's two-graph
    variants, in benchmarks/) reuse this trainer; the default is the band ALIGNN.
    """
    seed_everything(cfg.seed)
    targets = np.asarray(targets, dtype=np.float32)
    train_idx, val_idx = split_validation(len(inputs), cfg.val_fraction, cfg.seed, groups)
    scaler = TargetScaler.fit(targets[train_idx])
    y_scaled = torch.from_numpy(scaler.scale(targets).astype(np.float32))

    model = build(cfg.model)
    if cfg.init:
        transfer_encoder(model, resolve_weights(cfg.init))

    batches = shuffled_batches(inputs, y_scaled, train_idx, cfg, collate_fn)

    def evaluate() -> dict:
        if not len(val_idx):
            return {}
        pred = scaler.unscale(predict_scaled(model, [inputs[j] for j in val_idx], collate_fn=collate_fn))
        return {"val_mae": float(np.mean(np.abs(pred - targets[val_idx])))}

    steps_per_epoch = int(np.ceil(len(train_idx) / cfg.batch_size))
    result = run_epochs(model, cfg, batches, steps_per_epoch, torch.nn.functional.l1_loss, evaluate,
                        score_key="val_mae" if len(val_idx) else "train_l1", checkpoint_dir=checkpoint_dir,
                        progress=progress)
    return FitResult(model, scaler, result.history, result.best_epoch, result.seconds)
