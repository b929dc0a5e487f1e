"""A hop network to and from pymatgen-analysis-diffusion's ``MigrationGraph`` (``pip install 'hopnet[diffusion]'``).

An adapter beside ``HopNetwork``, not part of it: the network is hopnet's own
geometry, and the optional library is imported only here, only when a graph is
made.
"""
from __future__ import annotations

import warnings

import numpy as np
from pymatgen.core import Structure

from hopnet.errors import HopnetInputError
from hopnet.pathways.hops import Hop, distinct_hops, insert_sites
from hopnet.pathways.network import HopNetwork
from hopnet.vocabulary import element_of, elements_of


def to_migration_graph(network: HopNetwork, barriers: dict[int, float] | None = None):
    """``network`` as a ``MigrationGraph``: the ion's nodes as its sites, every member hop as an edge carrying
    ``hopnet_hop`` (the class) and, from ``barriers`` (class -> Em, eV), ``hopnet_em``. Empty sites are ion
    sites there too, marked by the site property ``hopnet_empty`` so that ``network_from_migration_graph`` reads
    them back as empty. A MigrationGraph holds one ordered host: a disordered network (its nodes over-filled,
    its orderings apart) is refused."""
    from pymatgen.analysis.graphs import StructureGraph

    if not network.is_ordered:
        raise HopnetInputError("MigrationGraph", "a disordered host's network has no one structure to hand over; "
                                                 "convert one ordering (HopNetwork.from_host of it) instead")
    try:
        from pymatgen.analysis.diffusion.neb.full_path_mapper import MigrationGraph
    except ImportError:
        raise HopnetInputError("MigrationGraph", "needs pymatgen-analysis-diffusion: "
                                                 "pip install 'hopnet[diffusion]'") from None
    ion_idx = [i for i, el in enumerate(elements_of(network.nodes)) if el == network.ion]
    position = {i: k for k, i in enumerate(ion_idx)}
    only_ions = Structure.from_sites([network.nodes[i] for i in ion_idx])
    only_ions.add_site_property("hopnet_empty", [network.sites[i].empty for i in ion_idx])
    graph = StructureGraph.from_empty_graph(only_ions, name="hopnet hops")
    for d in network.hops:
        properties = {"hopnet_hop": d.index}
        if barriers is not None and d.index in barriers:
            properties["hopnet_em"] = float(barriers[d.index])
        for m in d.members:
            graph.add_edge(position[m.start], position[m.end], from_jimage=(0, 0, 0), to_jimage=m.image,
                           edge_properties=dict(properties))
    framework = Structure.from_sites([s for i, s in enumerate(network.nodes) if i not in position])
    with warnings.catch_warnings():  # the framework's sites have no hopnet_empty: pymatgen says so, rightly
        warnings.simplefilter("ignore", UserWarning)
        return MigrationGraph.with_base_structure(framework, graph)


def network_from_migration_graph(graph, max_hop: float | None = None, source: str = "migration graph") -> HopNetwork:
    """A ``MigrationGraph``'s hops as a hopnet network of the same (ordered) host, so hopnet can price them;
    the hop classes are hopnet's (site orbits, length, midpoint surroundings). Sites marked ``hopnet_empty``
    (by ``to_migration_graph``) are empty sites again: no ion sits there while hops are priced. A graph without
    sites for the ion is one line naming ``source``."""
    only_ions = graph.only_sites
    if not len(only_ions):
        raise HopnetInputError(source, "the migration graph has no sites for a mobile ion")
    ion = element_of(only_ions[0].specie)
    empty = [bool(site.properties.get("hopnet_empty")) for site in only_ions]
    where = [int(np.argmin(graph.structure.lattice.get_all_distances(site.frac_coords,
                                                                       graph.structure.frac_coords)[0]))
             for site in only_ions]
    emptied = {i for i, e in zip(where, empty) if e}
    with warnings.catch_warnings():  # the framework's sites lack hopnet_empty; the property is dropped anyway
        warnings.simplefilter("ignore", UserWarning)
        host = Structure.from_sites([s for i, s in enumerate(graph.structure) if i not in emptied])
    if "hopnet_empty" in host.site_properties:
        host.remove_site_property("hopnet_empty")
    kept = [i for i in range(len(graph.structure)) if i not in emptied]
    # nodes: the host as it is, the empty sites after it (as every HopNetwork numbers them)
    order = {old: new for new, old in enumerate(kept + [i for i in where if i in emptied])}
    nodes = insert_sites(host, ion, np.array([graph.structure[i].frac_coords for i in where if i in emptied])) \
        if emptied else host
    index = [order[i] for i in where]
    hops = []
    for u, v, data in graph.m_graph.graph.edges(data=True):
        image = np.array(data["to_jimage"]) - np.array(data.get("from_jimage", (0, 0, 0)))
        start, end = index[u], index[v]
        length = float(np.linalg.norm(nodes.lattice.get_cartesian_coords(
            nodes.frac_coords[end] + image - nodes.frac_coords[start])))
        hops.append(Hop(start, end, tuple(int(x) for x in image), length))
    hops.sort(key=lambda h: (h.length, h.start, h.end, h.image))
    network = HopNetwork(ion, nodes, [host], [], max_hop or max((h.length for h in hops), default=0.0),
                         first_empty=len(host) if emptied else None)
    network.hops = distinct_hops(nodes, hops, ion, network.symmetry) if hops else []
    return network
