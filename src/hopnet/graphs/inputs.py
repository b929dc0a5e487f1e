"""What each model variant reads (``ModelConfig.input``), built from a path.

- ``band``: one graph of host + ion images (MODEL-3).
- ``endpoints``: the initial and the final structure as two graphs on the same
  atoms (MODEL-1/2). Endpoint structures hold the mobile ion as site 0.
- ``band+local``: the band graph and a graph of the atoms near the path (MODEL-4).
"""
from __future__ import annotations

import numpy as np
from pymatgen.core import Structure

from hopnet.errors import HopnetInputError
from hopnet.graphs.builder import CrystalGraph, GraphConfig, build_graph, graph_from_band, local_nodes
from hopnet.pathways.band import Band

ModelInput = CrystalGraph | tuple[CrystalGraph, CrystalGraph]


def endpoints_from_band(band: Band) -> tuple[Structure, Structure]:
    """Initial (ion at the first image) and final (ion at the last image) structures in the frozen host."""
    return (Band(band.host, band.ion, band.frac_images[[0]]).to_structure(),
            Band(band.host, band.ion, band.frac_images[[-1]]).to_structure())


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
