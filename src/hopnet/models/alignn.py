"""The ALIGNN barrier model: graph in, one number (scaled Em) out."""
from __future__ import annotations

import torch
from torch import nn

from hopnet.data.elements import element_table
from hopnet.graphs.batch import GraphBatch
from hopnet.models.config import ModelConfig
from hopnet.models.layers import ALIGNNLayer, EdgeGatedGraphConv, GaussianBasis, mlp, scatter_sum


class ALIGNN(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        h = cfg.hidden
        self.register_buffer("element_features", torch.from_numpy(element_table()), persistent=False)
        n_atom_in = self.element_features.shape[1] + int(cfg.path_flag)
        self.atom_embed = mlp(n_atom_in, h)
        self.edge_embed = nn.Sequential(GaussianBasis(0.0, cfg.graph.cutoff, cfg.edge_rbf), mlp(cfg.edge_rbf, h))
        self.angle_embed = nn.Sequential(GaussianBasis(-1.0, 1.0, cfg.angle_rbf), mlp(cfg.angle_rbf, h))
        n_a, n_g = cfg.alignn_layers, cfg.gcn_layers
        self.alignn = nn.ModuleList(
            ALIGNNLayer(h, last_angles=i == n_a - 1, last_bonds=n_g == 0 and i == n_a - 1) for i in range(n_a)
        )
        self.gcn = nn.ModuleList(EdgeGatedGraphConv(h, update_edges=i < n_g - 1) for i in range(n_g))
        n_pool = 2 * h if cfg.readout == "mean+path" else h
        self.head = nn.Sequential(mlp(n_pool, h), nn.Linear(h, cfg.outputs))

    def encode(self, g: GraphBatch) -> torch.Tensor:
        """Pooled graph vector, (num_graphs, n_pool)."""
        feats = self.element_features[g.z]
        if self.cfg.path_flag:
            feats = torch.cat([feats, g.path_flag.unsqueeze(-1).to(feats.dtype)], dim=-1)
        x = self.atom_embed(feats)
        e = self.edge_embed(g.length)
        t = self.angle_embed(g.cos_angle)
        for layer in self.alignn:
            x, e, t = layer(x, e, t, g.src, g.dst, g.tri_src, g.tri_dst)
        for layer in self.gcn:
            x, e = layer(x, e, g.src, g.dst)
        pooled = [_mean(x, g.node_graph, g.num_graphs)]
        if self.cfg.readout == "mean+path":
            on_path = g.path_flag.bool()
            pooled.append(_mean(x[on_path], g.node_graph[on_path], g.num_graphs))
        return torch.cat(pooled, dim=-1)

    def forward(self, g: GraphBatch) -> torch.Tensor:
        """(num_graphs,) for one target, (num_graphs, outputs) for several."""
        return self.readout(self.encode(g))

    def readout(self, pooled: torch.Tensor) -> torch.Tensor:
        """The head on already pooled vectors (from ``encode``)."""
        out = self.head(pooled)
        return out.squeeze(-1) if self.cfg.outputs == 1 else out

    def encoder_state(self) -> dict[str, torch.Tensor]:
        """Every weight except the output head: what transfer learning carries over."""
        return {k: v for k, v in self.state_dict().items() if not k.startswith("head.")}


def _mean(x: torch.Tensor, index: torch.Tensor, size: int) -> torch.Tensor:
    count = scatter_sum(torch.ones_like(index, dtype=x.dtype), index, size).clamp(min=1)
    return scatter_sum(x, index, size) / count.unsqueeze(-1)
