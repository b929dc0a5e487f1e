"""Fit an ALIGNN barrier model: AdamW, one-cycle LR, L1 loss on standardised Em."""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from hopnet.graphs.batch import collate_inputs
from hopnet.graphs.inputs import ModelInput
from hopnet.models.alignn import ALIGNN
from hopnet.models.io import resolve_weights, transfer_encoder
from hopnet.models.variants import build_model
from hopnet.training.checkpoint import load_checkpoint, save_checkpoint
from hopnet.training.config import TrainConfig


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


def seed_everything(seed: int) -> None:
    torch.manual_seed(seed)
    np.random.seed(seed)


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


def same_run(cfg, stored: dict) -> bool:
    """Was checkpoint config ``stored`` written by this run? Options added since then take their
    defaults, and the thread count may differ (the maths is the same)."""
    return type(cfg).model_validate(stored).model_copy(update={"threads": cfg.threads}) == cfg


def replay_schedule(scheduler, steps: int) -> None:
    """Bring a freshly built LR scheduler to where a resumed run left it."""
    with warnings.catch_warnings():  # no optimiser step is owed, so silence the order warning
        warnings.simplefilter("ignore")
        for _ in range(steps):
            scheduler.step()


@torch.no_grad()
def predict_scaled(model: ALIGNN, graphs: list[ModelInput], batch_size: int = 32) -> np.ndarray:
    model.eval()
    out = [model(collate_inputs(graphs[i : i + batch_size])).numpy() for i in range(0, len(graphs), batch_size)]
    return np.concatenate(out) if out else np.array([])


def fit(
    graphs: list[ModelInput],
    targets: np.ndarray,
    cfg: TrainConfig,
    groups: np.ndarray | None = None,
    checkpoint_dir: Path | None = None,
    progress: bool = True,
) -> FitResult:
    """Train on ``graphs``; a validation share picks the best epoch. Resumes from ``checkpoint_dir``."""
    torch.set_num_threads(cfg.threads)
    seed_everything(cfg.seed)
    targets = np.asarray(targets, dtype=np.float32)
    train_idx, val_idx = split_validation(len(graphs), cfg.val_fraction, cfg.seed, groups)
    scaler = TargetScaler.fit(targets[train_idx])
    y_scaled = torch.from_numpy(scaler.scale(targets).astype(np.float32))

    model = build_model(cfg.model)
    if cfg.init:
        transfer_encoder(model, resolve_weights(cfg.init))
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps_per_epoch = int(np.ceil(len(train_idx) / cfg.batch_size))
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, cfg.lr, total_steps=cfg.epochs * steps_per_epoch)

    start_epoch, best_mae, best_epoch, history = 0, np.inf, -1, []
    best_state = {k: v.clone() for k, v in model.state_dict().items()}
    resumed = load_checkpoint(checkpoint_dir, model, optimizer) if checkpoint_dir else None
    if resumed:
        best_state, meta = resumed
        if not same_run(cfg, meta["config"]):
            raise ValueError(f"{checkpoint_dir}: checkpoint was written by a different config")
        start_epoch, best_mae, best_epoch, history = meta["epoch"] + 1, meta["best_mae"], meta["best_epoch"], meta["history"]
        replay_schedule(scheduler, start_epoch * steps_per_epoch)

    t0 = time.perf_counter()
    bar = tqdm(range(start_epoch, cfg.epochs), desc="train", disable=not progress, initial=start_epoch, total=cfg.epochs)
    for epoch in bar:
        model.train()
        order = np.random.default_rng(cfg.seed * 100_003 + epoch).permutation(train_idx)
        losses = []
        for i in range(0, len(order), cfg.batch_size):
            idx = order[i : i + cfg.batch_size]
            loss = torch.nn.functional.l1_loss(model(collate_inputs([graphs[j] for j in idx])), y_scaled[idx])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            losses.append(loss.item() * len(idx))
        record = {"epoch": epoch, "train_l1": float(np.sum(losses) / len(order) * scaler.std)}
        if len(val_idx):
            pred = scaler.unscale(predict_scaled(model, [graphs[j] for j in val_idx]))
            record["val_mae"] = float(np.mean(np.abs(pred - targets[val_idx])))
        score = record.get("val_mae", record["train_l1"])
        if score < best_mae:
            best_mae, best_epoch = score, epoch
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        history.append(record)
        bar.set_postfix({k: f"{v:.3f}" for k, v in record.items() if k != "epoch"})
        if checkpoint_dir:
            meta = {"epoch": epoch, "best_mae": best_mae, "best_epoch": best_epoch, "history": history,
                    "config": cfg.model_dump()}
            save_checkpoint(checkpoint_dir, model, best_state, optimizer, meta)
    model.load_state_dict(best_state)
    model.eval()
    return FitResult(model, scaler, history, best_epoch, time.perf_counter() - t0)
