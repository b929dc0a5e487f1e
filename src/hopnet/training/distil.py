"""Distil an ensemble into one network (a student) that answers both what the ensemble says and how much its
members disagree.

The ensemble's five networks are 80-90 % of a host's time. A student gives the
ensemble's mean Em (its first output) and the log of its members' raw spread
(its second): the card's calibration then turns that spread into ``em_std``
exactly as it does the ensemble's. A third output, where trained, is the log of
the teacher's embedding distance: the student's own embedding is not the
teacher's, and a domain check in it flags other bands than the teacher's does. It learns from the teacher's answers, not
from the DFT labels, so it can learn from as many bands as the teacher can price
(many more than the 559 DFT paths), and a band where the members disagree
teaches it to say so.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from pydantic import Field

from hopnet.models.alignn import ALIGNN
from hopnet.training.config import TrainConfig
from hopnet.training.loop import run_epochs, seed_everything
from hopnet.training.trainer import FitResult, TargetScaler, predict_scaled, shuffled_batches, split_validation

SPREAD_FLOOR = 1e-3  # eV: members that agree to a meV still differ; a log of 0 would be -inf
DISTANCE_FLOOR = 1e-3  # a band at a training band's place in the embedding: distance 0, log -inf


class DistilConfig(TrainConfig):
    spread_weight: float = Field(0.5, ge=0, description="weight of the log-spread loss beside the scaled Em's")
    distance_weight: float = Field(0.5, ge=0, description="weight of the log teacher-distance loss, where learned")


def fit_student(graphs: Sequence, em: np.ndarray, spread: np.ndarray, cfg: DistilConfig,
                groups: np.ndarray | None = None, checkpoint_dir: Path | None = None,
                progress: bool = True, distance: np.ndarray | None = None) -> FitResult:
    """Train a network on the teacher's mean ``em`` and members' raw ``spread`` (eV) of each graph, and, given
    ``distance``, on the teacher's embedding distance of each graph (a third output, its log), so that the
    student flags what the teacher would flag; a host-grouped validation share, scored by the MAE to the
    teacher's Em, picks the epoch."""
    wanted = 2 if distance is None else 3
    if cfg.model.outputs != wanted:
        raise ValueError(f"a student of these targets has {wanted} outputs (Em, log spread"
                         f"{', log teacher distance' if wanted == 3 else ''}), not {cfg.model.outputs}")
    seed_everything(cfg.seed)
    em = np.asarray(em, np.float32)
    log_spread = np.log(np.maximum(np.asarray(spread, np.float32), SPREAD_FLOOR))
    train_idx, val_idx = split_validation(len(graphs), cfg.val_fraction, cfg.seed, groups)
    scaler = TargetScaler.fit(em[train_idx])
    columns = [scaler.scale(em), log_spread]
    weights = [1.0, cfg.spread_weight]
    if distance is not None:
        log_distance = np.log(np.maximum(np.asarray(distance, np.float32), DISTANCE_FLOOR))
        columns.append(log_distance)
        weights.append(cfg.distance_weight)
    targets = torch.from_numpy(np.stack(columns, axis=1).astype(np.float32))
    weights = torch.tensor(weights)
    model = ALIGNN(cfg.model)

    batches = shuffled_batches(graphs, targets, train_idx, cfg)

    def loss(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return ((out - y).abs().mean(dim=0) * weights).sum()

    def evaluate() -> dict:
        if not len(val_idx):
            return {}
        out = predict_scaled(model, [graphs[j] for j in val_idx])
        scores = {"val_mae": float(np.mean(np.abs(scaler.unscale(out[:, 0]) - em[val_idx]))),
                  "val_log_spread_mae": float(np.mean(np.abs(out[:, 1] - log_spread[val_idx])))}
        if distance is not None:
            scores["val_log_distance_mae"] = float(np.mean(np.abs(out[:, 2] - log_distance[val_idx])))
        return scores

    steps = int(np.ceil(len(train_idx) / cfg.batch_size))
    result = run_epochs(model, cfg, batches, steps, loss, evaluate,
                        score_key="val_mae" if len(val_idx) else "train_l1", checkpoint_dir=checkpoint_dir,
                        progress=progress, desc="distil")
    return FitResult(model, scaler, result.history, result.best_epoch, result.seconds)
