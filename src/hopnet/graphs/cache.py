"""On-disk graph cache: one ``.npz`` of concatenated arrays per data set and graph config.

Plain numpy arrays (no pickle), so a cache file can be loaded safely and is
invalidated simply by its name: the hash of the graph config and the data.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from hopnet.graphs.builder import GRAPH_VERSION, CrystalGraph, GraphConfig

_FIELDS = ("z", "path_flag", "src", "dst", "length", "tri_src", "tri_dst", "cos_angle")
_COUNTS = {"z": "n_atoms", "path_flag": "n_atoms", "src": "n_edges", "dst": "n_edges", "length": "n_edges",
           "tri_src": "n_tri", "tri_dst": "n_tri", "cos_angle": "n_tri"}


def default_cache_dir() -> Path:
    return Path(os.environ.get("HOPNET_CACHE", Path.home() / ".cache" / "hopnet"))


def cache_key(cfg: GraphConfig, data_id: str) -> str:
    return hashlib.sha256(f"{GRAPH_VERSION}:{cfg.model_dump_json()}:{data_id}".encode()).hexdigest()[:16]


def save_graphs(path: Path, graphs: Sequence[CrystalGraph]) -> None:
    counts = {
        "n_atoms": np.array([g.num_atoms for g in graphs]),
        "n_edges": np.array([len(g.src) for g in graphs]),
        "n_tri": np.array([len(g.tri_src) for g in graphs]),
    }
    arrays = {f: np.concatenate([getattr(g, f) for g in graphs]) for f in _FIELDS}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **arrays, **counts)
    os.replace(tmp, path)  # atomic: a killed run never leaves half a cache


def load_graphs(path: Path) -> list[CrystalGraph]:
    with np.load(path, allow_pickle=False) as data:
        splits = {k: np.cumsum(data[k])[:-1] for k in ("n_atoms", "n_edges", "n_tri")}
        parts = {f: np.split(data[f], splits[_COUNTS[f]]) for f in _FIELDS}
    return [CrystalGraph(**{f: parts[f][i] for f in _FIELDS}) for i in range(len(parts["z"]))]


def cached_graphs(
    cfg: GraphConfig, data_id: str, build: Callable[[], list[CrystalGraph]], cache_dir: Path | None = None
) -> list[CrystalGraph]:
    """Load the graphs for ``data_id`` under ``cfg``, building and storing them on a miss."""
    path = Path(cache_dir or default_cache_dir()) / f"graphs-{cache_key(cfg, data_id)}.npz"
    if path.exists():
        return load_graphs(path)
    graphs = build()
    save_graphs(path, graphs)
    return graphs
