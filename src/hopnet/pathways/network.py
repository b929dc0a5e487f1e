"""The hop network of one host, as geometry: its nodes, the orderings they are priced in, its distinct hops.

In the spirit of pymatgen-analysis-diffusion's ``MigrationGraph`` (and
convertible to and from it): the ion's sites are nodes, hops are periodic
edges, and hops equal under the space group form one class that is priced
once. What is not geometry lives elsewhere: which channels are open
(``pathways.landscape``), what a hop costs (the network, ``predictor``), and
what the answer means for the host (``workflows.host``).

A :class:`HopNetwork` is serialisable (``as_dict``/``from_dict``, monty's
MSONable), so a network can be built once, stored, and priced by a later job.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from monty.json import MSONable
from pymatgen.core import Structure

from hopnet.flags import Flag
from hopnet.pathways.disorder import is_disordered, node_structure, primitive_if_large, sample_ordering, whole_cell
from hopnet.pathways.hops import (
    DistinctHop,
    Hop,
    SiteSymmetry,
    distinct_hops,
    enumerate_hops,
    insert_sites,
    percolation_barriers,
)
from hopnet.vocabulary import element_of, elements_of


@dataclass(frozen=True)
class Orderings:
    """How a disordered host is sampled: ``count`` orderings drawn with ``seed`` (``pathways.disorder``)."""

    count: int = 3
    seed: int = 0


@dataclass(frozen=True)
class NodeSite:
    """A node as a crystallographer names it."""

    label: str  # the file's site label (Li1, Li2), or the element and its orbit's number where the file has none
    wyckoff: str  # multiplicity and letter in the nodes' cell ("8a"); "" where the symmetry is not found
    empty: bool = False  # a bond-valence minimum the ion may visit, not a site it occupies

    def __str__(self) -> str:
        return site_name(self.label, self.wyckoff)


def site_name(label: str, wyckoff: str) -> str:
    """A site as a crystallographer writes it: "Li1 (48g)", or the label alone where the Wyckoff letter is unknown."""
    return f"{label} ({wyckoff})" if wyckoff else label


@dataclass
class Percolation:
    """The lowest barrier at which open hops connect in 1, 2 and 3 dimensions, and the hop class that
    completes each network (None: the open hops never connect that far)."""

    thresholds: dict[int, float | None]
    bottleneck: dict[int, int | None]


@dataclass
class HopNetwork(MSONable):
    """Every distinct hop of ``ion`` among the ``nodes`` of a host.

    ``nodes`` holds the ion on every site it may occupy (each other site its
    majority species), the empty sites appended from ``first_empty`` on;
    ``environments`` are the ordered structures each hop is priced in: the
    host itself, or the sampled orderings of a disordered host (``sampling``
    says how they were drawn; None: the host is ordered).
    """

    ion: str
    nodes: Structure
    environments: list[Structure]
    hops: list[DistinctHop]
    max_hop: float
    sampling: Orderings | None = None
    first_empty: int | None = None
    flags: list[Flag] = field(default_factory=list)  # what building it changed: occupancies rounded to atoms
    symmetry: SiteSymmetry = field(init=False, repr=False)
    sites: list[NodeSite] = field(init=False, repr=False)

    def __post_init__(self):
        self.symmetry = SiteSymmetry.of(self.nodes)
        self.sites = _node_sites(self.nodes, self.ion, self.symmetry, self.first_empty)

    @classmethod
    def from_host(cls, structure: Structure, ion: str, max_hop: float, sampling: Orderings = Orderings(),
                  source: str = "host") -> "HopNetwork":
        """The network of a host as given: an ordered host is its own single environment; a disordered one
        (partial occupancies) has every site its ion may occupy as a node and ``sampling.count`` orderings."""
        if not is_disordered(structure):
            structure, flags = primitive_if_large(structure)
            return cls(ion, structure, [structure], [], max_hop, flags=flags)._enumerated(source)
        cell, flags = whole_cell(structure, source)
        rng = np.random.default_rng(sampling.seed)
        orderings = [sample_ordering(cell, rng, source) for _ in range(max(1, sampling.count))]
        nodes, read_as = node_structure(cell, ion)
        return cls(ion, nodes, orderings, [], max_hop, sampling, flags=[*flags, *read_as])._enumerated(source)

    def _enumerated(self, source: str) -> "HopNetwork":
        """This network with its hops: every pair of nodes within ``max_hop``, grouped into classes."""
        if self.ion not in elements_of(self.nodes):  # the file places no ion: only empty sites can give it hops
            self.hops = []
            return self
        hops = enumerate_hops(self.nodes, self.ion, self.max_hop, source)
        self.hops = distinct_hops(self.nodes, hops, self.ion, self.symmetry) if hops else []
        return self

    def with_empty_sites(self, frac_sites: np.ndarray, source: str = "host") -> "HopNetwork":
        """The same host with ``frac_sites`` (bond-valence minima) added as nodes. No ion sits there in any
        environment: the hops through them are priced in the host's own environments."""
        nodes = insert_sites(self.nodes, self.ion, frac_sites)
        return HopNetwork(self.ion, nodes, self.environments, [], self.max_hop, self.sampling, len(self.nodes),
                          list(self.flags))._enumerated(source)

    @property
    def is_ordered(self) -> bool:
        return self.sampling is None

    @property
    def empty_sites(self) -> np.ndarray:
        """Fractional coordinates of the empty sites (none: shape (0, 3))."""
        return self.nodes.frac_coords[self.first_empty:] if self.first_empty is not None else np.zeros((0, 3))

    def via_empty_site(self, hop: Hop) -> bool:
        return self.first_empty is not None and max(hop.start, hop.end) >= self.first_empty

    def ends(self, hop: Hop) -> tuple[NodeSite, NodeSite]:
        return self.sites[hop.start], self.sites[hop.end]

    def segments(self, hop_class: DistinctHop) -> list[list[list[float]]]:
        """Every member of a hop class as [start, end] in Cartesian Å (the end at its lattice image)."""
        frac = self.nodes.frac_coords
        return [np.round(self.nodes.lattice.get_cartesian_coords(np.vstack([frac[m.start], frac[m.end] + m.image])),
                         3).tolist() for m in hop_class.members]

    def framework(self) -> list[tuple[str, float, float, float]]:
        """Every atom of the nodes' cell that is not the ion: its element and Cartesian position (Å)."""
        return [(element_of(site.specie), *np.round(site.coords, 3).tolist()) for site in self.nodes
                if element_of(site.specie) != self.ion]

    def percolation(self, em: np.ndarray, is_open: np.ndarray) -> Percolation:
        """Percolation of the open hop classes at barriers ``em`` (one per class)."""
        return percolate(len(self.nodes), self.hops, em, is_open)

    # --- storage and exchange ---------------------------------------------------------------------------------

    def as_dict(self) -> dict:
        return {"@module": type(self).__module__, "@class": type(self).__name__, "ion": self.ion,
                "nodes": self.nodes.as_dict(), "environments": [s.as_dict() for s in self.environments],
                "hops": [[[m.start, m.end, list(m.image), m.length] for m in d.members] for d in self.hops],
                "max_hop": self.max_hop,
                "sampling": None if self.sampling is None else [self.sampling.count, self.sampling.seed],
                "first_empty": self.first_empty, "flags": [f.model_dump(mode="json") for f in self.flags]}

    @classmethod
    def from_dict(cls, d: dict) -> "HopNetwork":
        hops = [DistinctHop(i, [Hop(int(s), int(e), tuple(int(x) for x in img), float(length))
                                for s, e, img, length in members]) for i, members in enumerate(d["hops"])]
        return cls(d["ion"], Structure.from_dict(d["nodes"]), [Structure.from_dict(s) for s in d["environments"]],
                   hops, float(d["max_hop"]), None if d["sampling"] is None else Orderings(*d["sampling"]),
                   d["first_empty"], [Flag.model_validate(f) for f in d["flags"]])

    def to_migration_graph(self, barriers: dict[int, float] | None = None):
        """This network as pymatgen-analysis-diffusion's ``MigrationGraph`` (``pip install 'hopnet[diffusion]'``):
        the ion's nodes as its sites, every member hop as an edge carrying ``hopnet_hop`` (the class) and, from
        ``barriers`` (class -> Em, eV), ``hopnet_em``. Empty sites are ion sites there too, marked by the site
        property ``hopnet_empty`` so that ``from_migration_graph`` reads them back as empty. A MigrationGraph
        holds one ordered host: a disordered network (its nodes over-filled, its orderings apart) is refused."""
        from pymatgen.analysis.graphs import StructureGraph

        from hopnet.errors import HopnetInputError

        if not self.is_ordered:
            raise HopnetInputError("MigrationGraph", "a disordered host's network has no one structure to hand over; "
                                                     "convert one ordering (HopNetwork.from_host of it) instead")
        from_graph = _migration_graph_class()
        ion_idx = [i for i, el in enumerate(elements_of(self.nodes)) if el == self.ion]
        position = {i: k for k, i in enumerate(ion_idx)}
        only_ions = Structure.from_sites([self.nodes[i] for i in ion_idx])
        only_ions.add_site_property("hopnet_empty", [self.sites[i].empty for i in ion_idx])
        graph = StructureGraph.from_empty_graph(only_ions, name="hopnet hops")
        for d in self.hops:
            properties = {"hopnet_hop": d.index}
            if barriers is not None and d.index in barriers:
                properties["hopnet_em"] = float(barriers[d.index])
            for m in d.members:
                graph.add_edge(position[m.start], position[m.end], from_jimage=(0, 0, 0), to_jimage=m.image,
                               edge_properties=dict(properties))
        framework = Structure.from_sites([s for i, s in enumerate(self.nodes) if i not in position])
        with warnings.catch_warnings():  # the framework's sites have no hopnet_empty: pymatgen says so, rightly
            warnings.simplefilter("ignore", UserWarning)
            return from_graph.with_base_structure(framework, graph)

    @classmethod
    def from_migration_graph(cls, graph, max_hop: float | None = None, source: str = "migration graph") -> "HopNetwork":
        """A ``MigrationGraph``'s hops as a hopnet network of the same (ordered) host, so hopnet can price
        them; the hop classes are hopnet's (site orbits, length, midpoint surroundings). Sites marked
        ``hopnet_empty`` (by ``to_migration_graph``) are empty sites again: no ion sits there while hops are
        priced."""
        only_ions = graph.only_sites
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
        network = cls(ion, nodes, [host], [], max_hop or max((h.length for h in hops), default=0.0),
                      first_empty=len(host) if emptied else None)
        network.hops = distinct_hops(nodes, hops, ion, network.symmetry) if hops else []
        return network


def percolate(n_sites: int, hop_classes: list[DistinctHop], em: np.ndarray, is_open: np.ndarray) -> Percolation:
    """Percolation of the open ones of ``hop_classes`` (on ``n_sites`` nodes) at barriers ``em``, one per class."""
    em, is_open = np.asarray(em, float), np.asarray(is_open, bool)
    thresholds = percolation_barriers(n_sites, [d for d, ok in zip(hop_classes, is_open) if ok], em[is_open])
    bottleneck = {dim: None if value is None else
                  next(d.index for d, e, ok in zip(hop_classes, em, is_open) if ok and e == value)
                  for dim, value in thresholds.items()}
    return Percolation(thresholds, bottleneck)


def _migration_graph_class():
    from hopnet.errors import HopnetInputError

    try:
        from pymatgen.analysis.diffusion.neb.full_path_mapper import MigrationGraph
    except ImportError:
        raise HopnetInputError("MigrationGraph", "needs pymatgen-analysis-diffusion: "
                                                 "pip install 'hopnet[diffusion]'") from None
    return MigrationGraph


def _node_sites(nodes: Structure, ion: str, symmetry: SiteSymmetry, first_empty: int | None) -> list[NodeSite]:
    """Each node named as a crystallographer would: the file's label where the file names the ion's orbits
    (one label per orbit, not the species: ``Li1``, ``8a``), else the element and its orbit's number; empty
    sites ``empty`` and their number."""
    is_ion = np.array(elements_of(nodes)) == ion
    empty = np.zeros(len(nodes), bool) if first_empty is None else np.arange(len(nodes)) >= first_empty
    occupied = np.flatnonzero(is_ion & ~empty)
    labels = [nodes[i].label for i in occupied]
    named = bool(labels) and all(_is_site_label(label, nodes[i]) for label, i in zip(labels, occupied)) and \
        len(set(labels)) <= len(set(symmetry.classes[occupied]))
    orbit_number: dict[tuple[bool, str, int], int] = {}  # (empty?, element, orbit) -> its number in the element
    sites = []
    for i, site in enumerate(nodes):
        kind, element = bool(empty[i]), element_of(site.specie)
        number = orbit_number.setdefault((kind, element, int(symmetry.classes[i])),
                                         1 + sum(1 for k in orbit_number if k[:2] == (kind, element)))
        label = f"empty{number}" if kind else site.label if named and is_ion[i] else f"{element}{number}"
        sites.append(NodeSite(label, symmetry.wyckoffs[i], kind))
    return sites


def _is_site_label(label: str, site) -> bool:
    """A file's own site label, not pymatgen's stand-in (the species, with occupancies where partial)."""
    return bool(label) and label not in (site.species_string, element_of(site.specie)) and ":" not in label
