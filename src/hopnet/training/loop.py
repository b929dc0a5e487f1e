"""The one resumable epoch loop behind fine-tuning (``trainer.fit``) and pre-training (``pretrain``).

AdamW with a one-cycle learning rate; after every epoch a score picks the best
weights so far, and a checkpoint (weights, best weights, optimiser moments,
history, config) lets a killed run resume to exactly the weights an
uninterrupted run would give. What differs between the two callers (how an
epoch is batched, the loss, what is scored) is passed in.
"""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import torch
from tqdm.auto import tqdm

from hopnet.errors import HopnetInputError
from hopnet.threads import use_threads
from hopnet.training.checkpoint import load_checkpoint, save_checkpoint
from hopnet.training.config import LoopConfig

Batches = Callable[[int], Iterable[tuple[Any, torch.Tensor, int]]]  # epoch -> (inputs, targets, n samples)


@dataclass
class LoopResult:
    best_epoch: int
    history: list[dict] = field(default_factory=list)
    seconds: float = 0.0  # training time of all epochs, across resumed runs


def seed_everything(seed: int) -> None:
    torch.manual_seed(seed)
    np.random.seed(seed)


def same_run(cfg: LoopConfig, stored: dict) -> bool:
    """Was checkpoint config ``stored`` written by this run? Options added since then take their
    defaults, and the thread count may differ (the maths is the same)."""
    try:
        return type(cfg).model_validate(stored).model_copy(update={"threads": cfg.threads}) == cfg
    except ValueError:  # a stored config this schema cannot read is another run's
        return False


def _replay_schedule(scheduler, steps: int) -> None:
    """Bring a freshly built LR scheduler to where a resumed run left it."""
    with warnings.catch_warnings():  # no optimiser step is owed, so silence the order warning
        warnings.simplefilter("ignore")
        for _ in range(steps):
            scheduler.step()


def run_epochs(
    model: torch.nn.Module,
    cfg: LoopConfig,
    batches: Batches,
    steps_per_epoch: int,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    evaluate: Callable[[], dict[str, Any]],
    score_key: str,
    checkpoint_dir: Path | None = None,
    progress: bool = True,
    desc: str = "train",
) -> LoopResult:
    """Train ``model`` in place for ``cfg.epochs`` epochs and leave it at its best epoch.

    ``cfg`` is stored in the checkpoint, and a checkpoint written by another config
    is refused in one line.
    ``evaluate()`` runs after each epoch; ``record[score_key]`` (lower is better, from
    ``evaluate`` or the epoch's ``train_l1``) picks the best weights.
    """
    use_threads(cfg.threads)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, cfg.lr, total_steps=cfg.epochs * steps_per_epoch)
    start, best_score, best_epoch, history = 0, np.inf, -1, []
    best_state = {k: v.clone() for k, v in model.state_dict().items()}
    resumed = load_checkpoint(checkpoint_dir, model, optimizer) if checkpoint_dir else None
    if resumed:
        best_state, meta = resumed
        if not same_run(cfg, meta.get("config", {})):
            raise HopnetInputError(checkpoint_dir, "holds a checkpoint of a different config; delete it or "
                                                   "write the model somewhere else")
        start, best_score, best_epoch, history = (meta["epoch"] + 1, meta["best_score"], meta["best_epoch"],
                                                  meta["history"])
        _replay_schedule(scheduler, start * steps_per_epoch)

    bar = tqdm(total=cfg.epochs * steps_per_epoch, initial=start * steps_per_epoch, desc=desc, unit="step",
               disable=not progress)
    for epoch in range(start, cfg.epochs):
        model.train()
        tic, total, seen = time.perf_counter(), 0.0, 0
        for inputs, targets, n in batches(epoch):
            loss = loss_fn(model(inputs), targets)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            total, seen = total + loss.item() * n, seen + n
            bar.update()
        model.eval()
        record = {"epoch": epoch, "train_l1": total / max(seen, 1), **evaluate()}
        record["seconds"] = round(time.perf_counter() - tic, 2)
        if record[score_key] < best_score:
            best_score, best_epoch = record[score_key], epoch
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        history.append(record)
        bar.set_postfix({k: f"{v:.3f}" for k, v in record.items() if isinstance(v, float) and k != "seconds"})
        if checkpoint_dir:
            save_checkpoint(checkpoint_dir, model, best_state, optimizer,
                            {"epoch": epoch, "best_score": best_score, "best_epoch": best_epoch, "history": history,
                             "config": cfg.model_dump()})
    bar.close()
    model.load_state_dict(best_state)
    model.eval()
    return LoopResult(best_epoch, history, float(sum(h.get("seconds", 0.0) for h in history)))
