"""Small composable layers of ALIGNN in plain PyTorch (no DGL)."""
from __future__ import annotations

import torch
from torch import nn


class GaussianBasis(nn.Module):
    """Expand a scalar (bond length, angle cosine) on evenly spaced Gaussians."""

    def __init__(self, vmin: float, vmax: float, bins: int):
        super().__init__()
        self.register_buffer("centers", torch.linspace(vmin, vmax, bins))
        self.gamma = 1.0 / float(self.centers[1] - self.centers[0]) ** 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.exp(-self.gamma * (x.unsqueeze(-1) - self.centers) ** 2)


def mlp(n_in: int, n_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(n_in, n_out), nn.LayerNorm(n_out), nn.SiLU())


def scatter_sum(values: torch.Tensor, index: torch.Tensor, size: int) -> torch.Tensor:
    out = values.new_zeros((size,) + values.shape[1:])
    return out.index_add_(0, index, values)


class EdgeGatedGraphConv(nn.Module):
    """Residual edge-gated convolution (Dwivedi et al.; ALIGNN's building block).

    Node-side projections are computed once per node and then gathered, so the
    per-edge work is one linear map plus elementwise gating.
    """

    def __init__(self, dim: int, update_edges: bool = True):
        super().__init__()
        self.dim = dim
        self.node_proj = nn.Linear(dim, 4 * dim)  # [src gate | dst gate | src value | self update]
        self.edge_gate = nn.Linear(dim, dim)
        self.norm_nodes = nn.LayerNorm(dim)
        # The network's last use of an edge set need not return new edge features.
        self.norm_edges = nn.LayerNorm(dim) if update_edges else None
        self.act = nn.SiLU()

    def forward(self, x: torch.Tensor, e: torch.Tensor, src: torch.Tensor, dst: torch.Tensor):
        src_gate, dst_gate, src_value, self_update = self.node_proj(x).split(self.dim, dim=-1)
        m = src_gate[src] + dst_gate[dst] + self.edge_gate(e)
        gate = torch.sigmoid(m)
        num = scatter_sum(gate * src_value[src], dst, len(x))
        den = scatter_sum(gate, dst, len(x))
        h = self_update + num / (den + 1e-6)
        x = x + self.act(self.norm_nodes(h))
        return x, (e + self.act(self.norm_edges(m)) if self.norm_edges is not None else None)


class ALIGNNLayer(nn.Module):
    """Update bonds and angles on the line graph, then atoms and bonds on the atom graph."""

    def __init__(self, dim: int, last_angles: bool = False, last_bonds: bool = False):
        super().__init__()
        self.line_conv = EdgeGatedGraphConv(dim, update_edges=not last_angles)
        self.atom_conv = EdgeGatedGraphConv(dim, update_edges=not last_bonds)

    def forward(self, x, e, t, src, dst, tri_src, tri_dst):
        e, t = self.line_conv(e, t, tri_src, tri_dst)
        x, e = self.atom_conv(x, e, src, dst)
        return x, e, t
