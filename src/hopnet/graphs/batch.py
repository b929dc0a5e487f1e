"""Many graphs as one disconnected graph, the standard trick for batched message passing."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from hopnet.graphs.builder import CrystalGraph


@dataclass
class GraphBatch:
    z: torch.Tensor
    path_flag: torch.Tensor
    src: torch.Tensor
    dst: torch.Tensor
    length: torch.Tensor
    tri_src: torch.Tensor
    tri_dst: torch.Tensor
    cos_angle: torch.Tensor
    node_graph: torch.Tensor  # (N,) which graph each atom belongs to
    num_graphs: int

    def to(self, device: torch.device | str) -> "GraphBatch":
        """The same batch with every tensor on ``device``."""
        return type(self)(**{k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in vars(self).items()})


def collate(graphs: list[CrystalGraph]) -> GraphBatch:
    n_atoms = np.array([g.num_atoms for g in graphs])
    n_edges = np.array([len(g.src) for g in graphs])
    atom_off = np.repeat(np.cumsum(n_atoms) - n_atoms, n_edges)
    edge_off_tri = np.repeat(np.cumsum(n_edges) - n_edges, [len(g.tri_src) for g in graphs])

    def cat(name: str) -> np.ndarray:
        return np.concatenate([getattr(g, name) for g in graphs])

    def long(a: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(a, dtype=np.int64))

    return GraphBatch(
        z=long(cat("z")),
        path_flag=long(cat("path_flag")),
        src=long(cat("src") + atom_off),
        dst=long(cat("dst") + atom_off),
        length=torch.from_numpy(cat("length").astype(np.float32)),
        tri_src=long(cat("tri_src") + edge_off_tri),
        tri_dst=long(cat("tri_dst") + edge_off_tri),
        cos_angle=torch.from_numpy(cat("cos_angle").astype(np.float32)),
        node_graph=long(np.repeat(np.arange(len(graphs)), n_atoms)),
        num_graphs=len(graphs),
    )

