"""The ALIGNN barrier model: graph in, one number (scaled Em) out."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from hopnet.data.elements import element_table, ionic_table
from hopnet.graphs.batch import GraphBatch
from hopnet.models.config import ModelConfig
from hopnet.models.layers import ALIGNNLayer, EdgeGatedGraphConv, GaussianBasis, mlp, scatter_sum

# The network this code builds from a ModelConfig. Bump it when the same config would build different layers
# (renamed weights, another feature table): a card records it, and loading refuses a card of another.
ARCHITECTURE = "hopnet-alignn/1"


def bond_embedding(cfg: ModelConfig) -> nn.Sequential:
    """Bond length -> hidden features, on a Gaussian basis up to the graph cutoff."""
    return nn.Sequential(GaussianBasis(0.0, cfg.graph.cutoff, cfg.edge_rbf), mlp(cfg.edge_rbf, cfg.hidden))


def angle_embedding(cfg: ModelConfig) -> nn.Sequential:
    """Bond-angle cosine -> hidden features, on a Gaussian basis over [-1, 1]."""
    return nn.Sequential(GaussianBasis(-1.0, 1.0, cfg.angle_rbf), mlp(cfg.angle_rbf, cfg.hidden))


class ALIGNN(nn.Module):
    # Weights a pre-trained encoder does not provide: they start fresh when fine-tuning.
    fresh_prefixes: tuple[str, ...] = ("head.",)

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        h = cfg.hidden
        table = np.hstack([element_table(), ionic_table()]) if cfg.ionic_inputs else element_table()
        self.register_buffer("element_features", torch.from_numpy(table), persistent=False)
        n_atom_in = self.element_features.shape[1] + int(cfg.path_flag)
        self.atom_embed = mlp(n_atom_in, h)
        self.edge_embed = bond_embedding(cfg)
        self.angle_embed = angle_embedding(cfg)
        n_a, n_g = cfg.alignn_layers, cfg.gcn_layers
        self.alignn = nn.ModuleList(
            ALIGNNLayer(h, last_angles=i == n_a - 1, last_bonds=n_g == 0 and i == n_a - 1) for i in range(n_a)
        )
        self.gcn = nn.ModuleList(EdgeGatedGraphConv(h, update_edges=i < n_g - 1) for i in range(n_g))
        self.n_pool = 2 * h if cfg.readout == "mean+path" else h
        self.head = nn.Sequential(mlp(self.n_pool, h), nn.Linear(h, cfg.outputs))

    def node_states(self, g: GraphBatch) -> torch.Tensor:
        """Atom features after every layer, (num_atoms, hidden)."""
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
        return x

    def pool(self, x: torch.Tensor, g: GraphBatch) -> torch.Tensor:
        """One vector per graph, (num_graphs, n_pool): all atoms, then (mean+path) the path images alone."""
        pooled = [self._pool(x, g.node_graph, g.num_graphs, torch.ones_like(g.node_graph, dtype=x.dtype))]
        if self.cfg.readout == "mean+path":
            pooled.append(self._pool(x, g.node_graph, g.num_graphs, g.path_flag.to(x.dtype)))
        return torch.cat(pooled, dim=-1)

    def _pool(self, x: torch.Tensor, index: torch.Tensor, size: int, weight: torch.Tensor) -> torch.Tensor:
        """Mean of the atoms with weight 1 (0: left out). A 0/1 weight rather than a boolean selection:
        its sums are the same, and it keeps the shapes static, so torch.compile needs no graph break."""
        count = scatter_sum(weight, index, size).clamp(min=1)
        return scatter_sum(x * weight.unsqueeze(-1), index, size) / count.unsqueeze(-1)

    def encode(self, g: GraphBatch) -> torch.Tensor:
        """Pooled graph vector, (num_graphs, n_pool)."""
        return self.pool(self.node_states(g), g)

    def forward(self, g: GraphBatch) -> torch.Tensor:
        """(num_graphs,) for one target, (num_graphs, outputs) for several."""
        return self.readout(self.encode(g))

    def readout(self, pooled: torch.Tensor) -> torch.Tensor:
        """The head on already pooled vectors (from ``encode``)."""
        out = self.head(pooled)
        return out.squeeze(-1) if self.cfg.outputs == 1 else out

    def encoder_state(self) -> dict[str, torch.Tensor]:
        """Every weight except the fresh ones (the output head): what transfer learning carries over."""
        return {k: v for k, v in self.state_dict().items() if not k.startswith(self.fresh_prefixes)}

