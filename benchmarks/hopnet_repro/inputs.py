"""What each model variant reads (``VariantConfig.input``), built from a path, and the shipped splits as such inputs.

- ``band``: one graph of host + ion images (MODEL-3).
- ``endpoints``: the initial and the final structure as two graphs on the same
  atoms (MODEL-1/2). Endpoint structures hold the mobile ion as site 0.
- ``band+local``: the band graph and a graph of the atoms near the path (MODEL-4).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from pymatgen.core import Structure

from hopnet.data.barriers import data_hash, host_groups, load_barriers, load_endpoints
from hopnet.errors import HopnetInputError
from hopnet.graphs.batch import GraphBatch, collate
from hopnet.graphs.builder import CrystalGraph, GraphConfig, build_graph, graph_from_band, local_nodes
from hopnet.graphs.cache import cached_graphs
from hopnet.pathways.band import Band
from hopnet.training.datasets import split_graphs
from hopnet_repro.variants import VariantConfig

ModelInput = CrystalGraph | tuple[CrystalGraph, CrystalGraph]


def endpoints_from_band(band: Band) -> tuple[Structure, Structure]:
    """Initial (ion at the first image) and final (ion at the last image) structures in the frozen host."""
    return band.image_structure(0), band.image_structure(-1)


def endpoint_graphs(initial: Structure, final: Structure, cfg: GraphConfig,
                    source: str = "endpoints") -> tuple[CrystalGraph, CrystalGraph]:
    """Both endpoints as graphs of the same atoms: with ``scope="local"``, those near either ion site."""
    if [s.species for s in initial] != [s.species for s in final]:
        raise HopnetInputError(source, "initial and final structures do not hold the same atoms in the same order")
    if cfg.scope == "local":
        ion_sites = np.vstack([initial.frac_coords[0], final.frac_coords[0]])
        nodes = local_nodes(initial, ion_sites, cfg.local_radius)
    else:
        nodes = np.arange(len(initial))
    return (build_graph(initial, cfg, n_path=1, source=source, nodes=nodes),
            build_graph(final, cfg, n_path=1, source=source, nodes=nodes))


def band_local_graphs(band: Band, cfg: GraphConfig) -> tuple[CrystalGraph, CrystalGraph]:
    """The band as configured (the whole cell for MODEL-4) and the atoms within ``local_radius`` of the path."""
    return graph_from_band(band, cfg), graph_from_band(band, cfg.model_copy(update={"scope": "local"}))


def collate_inputs(items: list) -> GraphBatch | tuple[GraphBatch, ...]:
    """Batch model inputs: single graphs, or tuples of graphs (two-graph variants) part by part."""
    if isinstance(items[0], tuple):
        return tuple(collate(list(part)) for part in zip(*items))
    return collate(items)


def split_inputs(split: str, model: VariantConfig, cache_dir: Path | None = None):
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


def load_curved(split: str) -> dict[str, np.ndarray]:
    """sys_name -> fractional images on the BVSE channel (benchmarks/curved_bands.py), for the paths that have them."""
    import json

    from hopnet_repro.results import RESULTS

    path = RESULTS / f"curved_bands_{split}.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    return {r["sys_name"]: np.array(r["images"]) for r in rows if r.get("images") is not None}
