"""The paper's other model variants, built on the same ALIGNN encoder.

MODEL-3 (the band) is :class:`~hopnet.models.alignn.ALIGNN` itself, the shipped
network. The others read two graphs per path and share one encoder between
them, so a pre-trained encoder initialises every variant the same way:

- MODEL-1 (``input="endpoints"``, ``combine`` add / sub / cc): initial and final
  structures, their pooled vectors added, subtracted or concatenated, then a new
  layer (512→256 in the paper, n_pool wide here) in front of the head.
- MODEL-2 (``combine="diff"``): the initial structure, plus a branch of one new
  ALIGNN and one new GCN layer on the atom-wise difference initial − final.
- MODEL-4 (``input="band+local"``): the band and a local graph around the path,
  each pooled (attention pooling in the paper's variant), concatenated.
"""
from __future__ import annotations

from typing import Literal

import torch
from pydantic import Field
from torch import nn

from hopnet.graphs.batch import GraphBatch
from hopnet.models.alignn import ALIGNN, angle_embedding, bond_embedding
from hopnet.models.config import ModelConfig
from hopnet.models.layers import ALIGNNLayer, EdgeGatedGraphConv, mlp, scatter_sum
from hopnet.training.config import TrainConfig


class VariantConfig(ModelConfig):
    """The band model's architecture plus what selects a paper variant."""

    pooling: Literal["mean", "attention"] = Field("mean", description="average atoms, or weight them by a learned gate")
    input: Literal["band", "endpoints", "band+local"] = Field(
        "band", description="the band (MODEL-3), initial + final structures (MODEL-1/2), or the band plus a local "
        "graph around the path (MODEL-4)"
    )
    combine: Literal["add", "sub", "cc", "diff"] = Field(
        "cc", description="with input=endpoints, how the two structures meet: pooled vectors added, subtracted or "
        "concatenated (MODEL-1), or the initial plus a branch on the atom-wise difference (MODEL-2)"
    )


class VariantTrainConfig(TrainConfig):
    """configs/variants/*.toml: the band model's training settings with a variant's architecture."""

    model: VariantConfig = VariantConfig()


class VariantALIGNN(ALIGNN):
    """ALIGNN with the variants' optional attention pooling (a per-graph softmax gate)."""

    fresh_prefixes = ALIGNN.fresh_prefixes + ("pool_gate.",)

    def __init__(self, cfg: VariantConfig):
        super().__init__(cfg)
        self.pool_gate = nn.Linear(cfg.hidden, 1) if cfg.pooling == "attention" else None

    def _pool(self, x: torch.Tensor, index: torch.Tensor, size: int, weight: torch.Tensor) -> torch.Tensor:
        if self.pool_gate is None:
            return super()._pool(x, index, size, weight)
        keep = weight > 0  # the atoms the mean would weigh: all, or the path images
        return attention_pool(x[keep], self.pool_gate(x[keep]).squeeze(-1), index[keep], size)


def attention_pool(x: torch.Tensor, logits: torch.Tensor, index: torch.Tensor, size: int) -> torch.Tensor:
    """Softmax-weighted sum of each graph's atoms (a softmax per graph, stabilised by its max)."""
    top = logits.new_zeros(size).scatter_reduce_(0, index, logits.detach(), "amax", include_self=False)
    weight = torch.exp(logits - top[index])
    weight = weight / scatter_sum(weight, index, size)[index]
    return scatter_sum(weight.unsqueeze(-1) * x, index, size)


def _merge_head(n_in: int, cfg: ModelConfig, n_pool: int) -> nn.Sequential:
    """The new merging layer, then the usual head; all of it starts fresh."""
    return nn.Sequential(mlp(n_in, n_pool), mlp(n_pool, cfg.hidden), nn.Linear(cfg.hidden, cfg.outputs))


class EndpointALIGNN(VariantALIGNN):
    """MODEL-1 / MODEL-2: (initial, final) graphs on the same atoms in, Em out."""

    fresh_prefixes = VariantALIGNN.fresh_prefixes + ("diff_",)

    def __init__(self, cfg: VariantConfig):
        super().__init__(cfg)
        h = cfg.hidden
        if cfg.combine == "diff":
            self.diff_edge_embed = bond_embedding(cfg)
            self.diff_angle_embed = angle_embedding(cfg)
            self.diff_alignn = ALIGNNLayer(h, last_angles=True)
            self.diff_gcn = EdgeGatedGraphConv(h, update_edges=False)
        n_in = self.n_pool if cfg.combine in ("add", "sub") else 2 * self.n_pool
        self.head = _merge_head(n_in, cfg, self.n_pool)

    def encode(self, graphs: tuple[GraphBatch, GraphBatch]) -> torch.Tensor:
        initial, final = graphs
        x_ini, x_fin = self.node_states(initial), self.node_states(final)
        p_ini = self.pool(x_ini, initial)
        if self.cfg.combine == "diff":
            # Atoms correspond one to one (the graph builder keeps the same sites), so the
            # difference is taken atom by atom and messages run on the initial graph's bonds.
            x = x_ini - x_fin
            e = self.diff_edge_embed(initial.length)
            t = self.diff_angle_embed(initial.cos_angle)
            x, e, _ = self.diff_alignn(x, e, t, initial.src, initial.dst, initial.tri_src, initial.tri_dst)
            x, _ = self.diff_gcn(x, e, initial.src, initial.dst)
            return torch.cat([p_ini, self.pool(x, initial)], dim=-1)
        p_fin = self.pool(x_fin, final)
        if self.cfg.combine == "add":
            return p_ini + p_fin
        if self.cfg.combine == "sub":
            return p_ini - p_fin
        return torch.cat([p_ini, p_fin], dim=-1)


class BandLocalALIGNN(VariantALIGNN):
    """MODEL-4: (band, local graph around the path) in, Em out."""

    def __init__(self, cfg: VariantConfig):
        super().__init__(cfg)
        self.head = _merge_head(2 * self.n_pool, cfg, self.n_pool)

    def encode(self, graphs: tuple[GraphBatch, GraphBatch]) -> torch.Tensor:
        band, local = graphs
        return torch.cat([super().encode(band), super().encode(local)], dim=-1)


def build_variant(cfg: VariantConfig) -> ALIGNN:
    """The network a variant config describes."""
    return {"band": VariantALIGNN, "endpoints": EndpointALIGNN, "band+local": BandLocalALIGNN}[cfg.input](cfg)
