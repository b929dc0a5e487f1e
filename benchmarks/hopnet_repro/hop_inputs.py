"""The band network with per-hop numbers fed to its head: the hop's BVSE barrier as an *input*.

Δ-learning (``protocol.py --delta``) subtracts a fixed BVSE line and asks the
network for the rest; where the line is badly biased for an ion (K), its error
becomes the network's to undo. Here the network sees the barrier beside its
pooled graph vector and learns how far to trust it. The boosted trees gained
from the same input on unseen families and ions, so the network is given the
same chance. It lives beside the product until it wins on the protocol: the
shipped predictor has no BVSE barrier for a band it is handed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from hopnet.graphs.batch import GraphBatch, collate
from hopnet.graphs.builder import CrystalGraph
from hopnet.models.alignn import ALIGNN
from hopnet.models.config import ModelConfig
from hopnet.models.layers import mlp


@dataclass
class HopInputBatch(GraphBatch):
    hop: torch.Tensor = None  # (num_graphs, n_hop)


def collate_hop_inputs(items: list[tuple[CrystalGraph, np.ndarray]]) -> HopInputBatch:
    graphs, hops = zip(*items)
    return HopInputBatch(**vars(collate(list(graphs))), hop=torch.from_numpy(np.stack(hops).astype(np.float32)))


class HopInputALIGNN(ALIGNN):
    """ALIGNN whose head reads the pooled graph vector concatenated with ``n_hop`` numbers per hop, plus a linear
    term in those numbers. Two of them among 128 pooled features are easily ignored by the head alone (a small
    training set is memorised through the graph instead); the linear term is the physics' direct say."""

    fresh_prefixes = ALIGNN.fresh_prefixes + ("hop_linear.",)

    def __init__(self, cfg: ModelConfig, n_hop: int):
        super().__init__(cfg)
        self.head = nn.Sequential(mlp(self.n_pool + n_hop, cfg.hidden), nn.Linear(cfg.hidden, cfg.outputs))
        self.hop_linear = nn.Linear(n_hop, cfg.outputs, bias=False)

    def forward(self, g: HopInputBatch) -> torch.Tensor:
        linear = self.hop_linear(g.hop)
        return self.readout(torch.cat([self.encode(g), g.hop], dim=-1)) + \
            (linear.squeeze(-1) if self.cfg.outputs == 1 else linear)


def bvse_inputs(bvse: np.ndarray, train_idx: np.ndarray) -> np.ndarray:
    """(n, 2) per hop: log(1 + BVSE barrier) standardised on the training paths (0 where missing), and a
    missing flag, so a hop without a barrier is not mistaken for an average one."""
    x = np.log1p(bvse)
    known = x[train_idx][np.isfinite(x[train_idx])]
    if len(known) < 2 or not known.std() > 0:
        raise ValueError("bvse_inputs: the training paths need at least two different BVSE barriers")
    z = (x - known.mean()) / known.std()
    missing = ~np.isfinite(z)
    return np.stack([np.where(missing, 0.0, z), missing.astype(float)], axis=1)
