"""Graphs and targets of the shipped barrier splits, cached on disk."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hopnet.data.barriers import BarrierEntry, data_hash, host_groups, load_barriers
from hopnet.graphs.builder import CrystalGraph, GraphConfig, graph_from_band
from hopnet.graphs.cache import cached_graphs


def band_graphs(entries: list[BarrierEntry], cfg: GraphConfig, progress: bool = False) -> list[CrystalGraph]:
    from tqdm.auto import tqdm

    return [graph_from_band(e.band, cfg) for e in tqdm(entries, desc="graphs", disable=not progress)]


def split_graphs(split: str, cfg: GraphConfig, cache_dir: Path | None = None):
    """(entries, graphs, Em, host groups) of a shipped split."""
    entries = load_barriers(split)
    graphs = cached_graphs(cfg, f"{split}:{data_hash(split)}", lambda: band_graphs(entries, cfg), cache_dir)
    return entries, graphs, np.array([e.em for e in entries]), host_groups(entries)
