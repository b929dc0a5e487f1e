"""The hop network of one host, as geometry: its nodes, the orderings they are priced in, its distinct hops.

In the spirit of pymatgen-analysis-diffusion's ``MigrationGraph`` (and
convertible to and from it, ``pathways.migration_graph``): the ion's sites are
nodes, hops are periodic edges, and hops equal under the space group form one
class that is priced once. What is not geometry lives elsewhere: which channels are open
(``pathways.landscape``), what a hop costs (the network, ``predictor``), and
what the answer means for the host (``workflows.host``).

A :class:`HopNetwork` is serialisable (``as_dict``/``from_dict``, monty's
MSONable), so a network can be built once, stored, and priced by a later job.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from monty.json import MSONable
from pymatgen.core import Structure

from hopnet.flags import Flag
from hopnet.pathways.budget import check_memory
from hopnet.pathways.disorder import is_disordered, node_structure, primitive_if_large, sample_ordering, whole_cell
from hopnet.pathways.hops import (
    DistinctHop,
    Hop,
    SiteSymmetry,
    distinct_hops,
    enumerate_hops,
    insert_sites,
    network_direction,
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
    directions: dict[int, str] = field(default_factory=dict)  # "along c", "in the ab plane"; "" where not its own



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
        (partial occupancies) has every site its ion may occupy as a node and ``sampling.count`` orderings. A host
        whose grids or supercells would not fit in memory is refused first, before any of them is built."""
        disordered = is_disordered(structure)
        check_memory(structure.lattice, len(structure), max_hop, sampling.count if disordered else None, source)
        if not disordered:
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


def percolate(n_sites: int, hop_classes: list[DistinctHop], em: np.ndarray, is_open: np.ndarray) -> Percolation:
    """Percolation of the open ones of ``hop_classes`` (on ``n_sites`` nodes) at barriers ``em``, one per class."""
    em, is_open = np.asarray(em, float), np.asarray(is_open, bool)
    thresholds, spans = percolation_barriers(n_sites, [d for d, ok in zip(hop_classes, is_open) if ok], em[is_open])
    bottleneck = {dim: None if value is None else
                  next(d.index for d, e, ok in zip(hop_classes, em, is_open) if ok and e == value)
                  for dim, value in thresholds.items()}
    # a network that forms only together with a higher one (1D and 2D at one barrier) has no direction of its own
    directions = {dim: network_direction(span) if span is not None and len(span) == dim else ""
                  for dim, span in spans.items()}
    return Percolation(thresholds, bottleneck, directions)


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
