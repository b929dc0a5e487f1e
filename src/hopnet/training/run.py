"""Train the shipped band model on the paper's 559 training paths and write its card."""
from __future__ import annotations

import platform
import time
from pathlib import Path

import numpy as np

from hopnet.data.barriers import data_hash
from hopnet.models.card import Member, TrainingDomain, TrainingRecord, save_model
from hopnet.models.domain import EmbeddingDomain, embed
from hopnet.training.config import TrainConfig
from hopnet.training.datasets import split_graphs
from hopnet.training.trainer import fit
from hopnet.vocabulary import elements_of


def training_domain(entries, embedding=None) -> TrainingDomain:
    """What the model has seen, so that predictions outside it can say so."""
    elements = sorted({el for e in entries for el in elements_of(e.band.host)} | {e.ion for e in entries})
    hops = [e.band.hop_length for e in entries]
    return TrainingDomain(elements=elements, ions=sorted({e.ion for e in entries}),
                          hop_length=(float(np.min(hops)), float(np.max(hops))), embedding=embedding)


def train_band_model(cfg: TrainConfig, card_path: Path, seeds: list[int] | None = None, progress: bool = True) -> Path:
    """One network per seed on the full training split; checkpoints beside the card make it resumable."""
    seeds = seeds or [cfg.seed]
    entries, graphs, em, groups = split_graphs("train", cfg.model.graph)
    members, runs, t0 = [], [], time.time()
    for seed in seeds:
        run_cfg = cfg.updated(seed=seed)
        result = fit(graphs, em, run_cfg, groups=groups, progress=progress,
                     checkpoint_dir=card_path.parent / "checkpoints" / f"seed{seed}")
        members.append(Member(result.model, result.scaler.mean, result.scaler.std))
        runs.append({"seed": seed, "best_epoch": result.best_epoch, "seconds": round(result.seconds, 1),
                     "best_val_mae": min(h.get("val_mae", np.inf) for h in result.history)})
    embedding = EmbeddingDomain.fit(embed(members[0].model, graphs)).save(card_path)
    save_model(
        card_path, members, name=card_path.stem,
        task="migration barrier Em (eV) from a band input (host + 5 ion images)",
        training=TrainingRecord(
            data="Devi, Butler, Sai Gautam barrier set, paper's training split (559 paths), MIT licence",
            data_sha256=data_hash("train"), machine=f"{platform.machine()}, {cfg.threads} torch threads",
            wall_seconds=round(time.time() - t0, 1), train_config=cfg.model_dump(), runs=runs),
        domain=training_domain(entries, embedding),
    )
    return card_path
