"""Graphs and targets of the shipped barrier splits, cached on disk."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hopnet.data.barriers import BarrierEntry, data_hash, host_groups, load_barriers, load_endpoints
from hopnet.graphs.builder import CrystalGraph, GraphConfig, graph_from_band
from hopnet.graphs.cache import cached_graphs
from hopnet.graphs.inputs import ModelInput, band_local_graphs, endpoint_graphs, endpoints_from_band
from hopnet.models.config import ModelConfig


def band_graphs(entries: list[BarrierEntry], cfg: GraphConfig, progress: bool = False) -> list[CrystalGraph]:
    from tqdm.auto import tqdm

    return [graph_from_band(e.band, cfg) for e in tqdm(entries, desc="graphs", disable=not progress)]


def split_graphs(split: str, cfg: GraphConfig, cache_dir: Path | None = None):
    """(entries, graphs, Em, host groups) of a shipped split."""
    entries = load_barriers(split)
    graphs = cached_graphs(cfg, f"{split}:{data_hash(split)}", lambda: band_graphs(entries, cfg), cache_dir)
    return entries, graphs, np.array([e.em for e in entries]), host_groups(entries)


def split_inputs(split: str, model: ModelConfig, cache_dir: Path | None = None):
    """(entries, model inputs, Em, host groups) of a shipped split, for any ``model.input``.

    Endpoint inputs of the training split are cut from its bands (first image +
    host, last image + host); those of the test split are the separately relaxed
    initial and final structures the paper's MODEL-1/2 were tested on.
    """
    if model.input == "band":
        return split_graphs(split, model.graph, cache_dir)
    entries = load_barriers(split)
    cfg = model.graph

    def build() -> list[tuple[CrystalGraph, CrystalGraph]]:
        if model.input == "band+local":
            return [band_local_graphs(e.band, cfg) for e in entries]
        if split == "test":
            relaxed = {name: (ini, fin) for name, ini, fin, _ in load_endpoints()}
            pairs = [relaxed[e.sys_name] for e in entries]
        else:
            pairs = [endpoints_from_band(e.band) for e in entries]
        return [endpoint_graphs(ini, fin, cfg, source=e.band.label) for e, (ini, fin) in zip(entries, pairs)]

    data_id = f"{split}:{data_hash(split)}:{model.input}"
    parts = _cached_parts(cfg, data_id, build, cache_dir)
    return entries, parts, np.array([e.em for e in entries]), host_groups(entries)


def _cached_parts(cfg: GraphConfig, data_id: str, build, cache_dir: Path | None) -> list[ModelInput]:
    """Two-graph inputs, cached as one graph file per part."""
    built: dict[str, list] = {}  # a miss on either part builds both, once

    def part(i: int):
        def make():
            if "pairs" not in built:
                built["pairs"] = build()
            return [pair[i] for pair in built["pairs"]]
        return cached_graphs(cfg, f"{data_id}:{i}", make, cache_dir)

    return list(zip(part(0), part(1)))
