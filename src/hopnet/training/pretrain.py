"""Multi-property pre-training (MPT): one ALIGNN encoder, one output per bulk property.

Each structure carries the labels it has (NaN elsewhere) and the L1 loss is
masked to them. Properties differ 10x in size (band gap 9,395 vs piezo 940),
so every epoch draws structures per property with probability proportional
to ``count ** sampling_power``: 1 would let band gap and formation energy
dominate, 0 would repeat the small sets tenfold; 0.5 sits between.
"""
from __future__ import annotations

import platform
from pathlib import Path

import numpy as np
import torch
from pydantic import Field
from tqdm.auto import tqdm

from hopnet.data.pretraining import PROPERTIES, PROPERTY_NAMES, data_hash, load_pretraining
from hopnet.errors import HopnetInputError
from hopnet.graphs.batch import collate
from hopnet.graphs.builder import CrystalGraph, GraphConfig, build_graph
from hopnet.graphs.cache import cached_graphs
from hopnet.models.alignn import ALIGNN
from hopnet.models.batching import run_batched
from hopnet.models.card import Member, TrainingRecord, save_model
from hopnet.models.config import ModelConfig
from hopnet.training.config import LoopConfig
from hopnet.training.loop import run_epochs, seed_everything

# Bulk crystals have no path, so the graph is the whole cell; cutoff, k and
# angle neighbours match the band model so the encoder transfers unchanged.
PRETRAIN_MODEL = ModelConfig(graph=GraphConfig(scope="full", angle_neighbors=8), readout="mean", outputs=len(PROPERTIES))


class PretrainConfig(LoopConfig):
    model: ModelConfig = PRETRAIN_MODEL
    epochs: int = Field(12, ge=1)
    batch_size: int = Field(32, ge=1)
    sampling_power: float = Field(0.5, ge=0, le=1, description="draws per property ~ count**power")
    limit: int | None = Field(None, ge=1, description="use only the first N structures (tests, timing)")


def _graph_or_empty(structure, cfg: GraphConfig, source: str) -> CrystalGraph:
    """A few entries are isolated molecules in big boxes (an atom with no neighbour within the cutoff):
    they get an empty graph, and their labels are dropped."""
    try:
        return build_graph(structure, cfg, source=source)
    except HopnetInputError:
        return CrystalGraph.empty()


def pretraining_graphs(cfg: PretrainConfig, progress: bool = True) -> tuple[list[CrystalGraph], np.ndarray, np.ndarray]:
    """(graphs, targets (N, 7) with NaN, is_val) of the pre-training set, graphs cached on disk."""
    entries = load_pretraining(cfg.limit)

    def build():
        return [_graph_or_empty(e.structure, cfg.model.graph, f"pretraining[{i}]")
                for i, e in enumerate(tqdm(entries, desc="graphs", disable=not progress))]

    graphs = cached_graphs(cfg.model.graph, f"pretraining:{data_hash()}:{cfg.limit}", build)
    targets = np.stack([e.targets for e in entries])
    targets[[g.num_atoms == 0 for g in graphs]] = np.nan
    return graphs, targets, np.array([e.is_val for e in entries])


def epoch_draws(labelled: np.ndarray, power: float, rng: np.random.Generator) -> np.ndarray:
    """Structure indices for one epoch: as many draws as labels, shared out by ``count ** power``."""
    counts = labelled.sum(axis=0)
    share = counts.astype(float) ** power
    share /= share.sum()
    per_prop = np.round(share * counts.sum()).astype(int)
    draws = []
    for p, n in enumerate(per_prop):
        pool = np.flatnonzero(labelled[:, p])
        draws.append(rng.choice(pool, size=n, replace=n > len(pool)))
    return rng.permutation(np.concatenate(draws))


def masked_l1(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    mask = ~torch.isnan(target)
    return (pred[mask] - target[mask]).abs().mean()


def property_mae(model: ALIGNN, graphs: list[CrystalGraph], targets: np.ndarray, batch_size: int = 64) -> dict:
    """Validation MAE per property, in the published [-1, 1] scaled units."""
    model.eval()
    pred = run_batched(model, graphs, batch_size)
    err = np.abs(pred - targets)
    return {p: float(np.nanmean(err[:, k])) for k, p in enumerate(PROPERTIES) if np.any(~np.isnan(targets[:, k]))}


def pretrain(cfg: PretrainConfig, card_path: Path, progress: bool = True, properties: tuple[str, ...] = PROPERTIES) -> Path:
    """Train the encoder; checkpoint every epoch beside the card, resume if one is there.

    ``properties`` restricts the labels used (single-property baselines) while
    keeping the 7-output architecture, so every run is comparable.
    """
    seed_everything(cfg.seed)
    graphs, targets, is_val = pretraining_graphs(cfg, progress)
    unused = [k for k, p in enumerate(PROPERTIES) if p not in properties]
    targets[:, unused] = np.nan
    has_label = ~np.all(np.isnan(targets), axis=1)
    train_idx, val_idx = np.flatnonzero(~is_val & has_label), np.flatnonzero(is_val & has_label)
    y = torch.from_numpy(targets)
    val_graphs = [graphs[i] for i in val_idx]
    labelled = ~np.isnan(targets[train_idx])

    def batches(epoch: int):
        draws = train_idx[epoch_draws(labelled, cfg.sampling_power, np.random.default_rng(cfg.seed * 7919 + epoch))]
        for i in range(0, len(draws), cfg.batch_size):
            idx = draws[i : i + cfg.batch_size]
            yield collate([graphs[j] for j in idx]), y[idx], len(idx)

    def evaluate() -> dict:
        val = property_mae(model, val_graphs, targets[val_idx])
        return {"val_mae": val, "val_mae_mean": float(np.mean(list(val.values())))}

    model = ALIGNN(cfg.model)
    result = run_epochs(model, cfg, batches, int(np.ceil(labelled.sum() / cfg.batch_size)), masked_l1, evaluate,
                        score_key="val_mae_mean", checkpoint_dir=card_path.parent / "checkpoints" / card_path.stem,
                        progress=progress, desc="pretrain")
    save_model(
        card_path, [Member(model, 0.0, 1.0)], name=card_path.stem,
        task="multi-property pre-trained ALIGNN encoder; outputs in PROPERTIES order, scaled to [-1, 1]",
        properties={p: PROPERTY_NAMES[p] for p in properties},
        training=TrainingRecord(
            data="MPT pre-training set (npj Comput Mater 2024, doi 10.1038/s41524-024-01486-1), MIT licence",
            data_sha256=data_hash(), machine=f"{platform.machine()}, {cfg.threads} torch threads",
            wall_seconds=round(result.seconds, 1), pretrain_config=cfg.model_dump(),
            n_train_structures=int(len(train_idx)), n_val_structures=int(len(val_idx)),
            best_epoch=result.best_epoch, val_mae=result.history[result.best_epoch]["val_mae"],
            history=result.history),
    )
    return card_path
