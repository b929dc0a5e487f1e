"""From a host structure to its ion hops: enumerate, reduce by symmetry, percolate.

The band model needs one hop at a time, drawn as in the training data: a
supercell (training hosts are ~10 Å across) with the ion at 5 images of its
straight path. Here we find every ion-ion hop up to ``max_hop``, group hops
that are the same by symmetry so each distinct hop is predicted once, and
answer the screening question: the lowest barrier at which hops connect into
an infinite 1D, 2D or 3D network.
"""
from __future__ import annotations

import warnings
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pymatgen.core import Element, Lattice, Structure
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

from hopnet.errors import HopnetInputError
from hopnet.pathways.band import MIN_HOP, Band, band_in_repeat
from hopnet.structures import AtomArrays
from hopnet.vocabulary import element_of, elements_of

MIN_CELL_LENGTH = 9.0  # Å; the median training host is 9.8 Å along its shortest axis
SYMPREC = 0.1  # Å; loose enough for relaxed DFT cells
ENDPOINT_CLEARANCE = 1.0  # Å; an atom this close to a hop's end site occupies that site

Mechanism = Literal["vacancy", "interstitial"]


@dataclass(frozen=True)
class Hop:
    """One ion hop from site ``start`` to site ``end`` shifted by the lattice vector ``image``."""

    start: int  # index into the host cell
    end: int
    image: tuple[int, int, int]
    length: float  # Å


@dataclass
class DistinctHop:
    """Symmetry-equivalent hops; ``members`` lists them all, the first one is predicted."""

    index: int
    members: list[Hop]

    @property
    def representative(self) -> Hop:
        return self.members[0]

    @property
    def length(self) -> float:
        return self.representative.length


def insert_sites(host: Structure, ion: str, frac_sites: np.ndarray) -> Structure:
    """The host with the ion placed at ``frac_sites`` (for charged hosts whose ion sites are empty)."""
    with_ions = host.copy()
    for frac in np.atleast_2d(frac_sites):
        with_ions.append(ion, frac)
    return with_ions


def symmetry_equivalent_sites(host: Structure, frac_sites: np.ndarray, tol: float = 0.1) -> np.ndarray:
    """``frac_sites`` and every site the host's space group makes of them, each once (within ``tol`` Å).

    A user names one site of a Wyckoff orbit (olivine FePO4's Li 4a: 0,0,0); the
    hop network needs all of them, or whole channels go missing.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ops = SpacegroupAnalyzer(host, symprec=SYMPREC).get_symmetry_operations(cartesian=False)
    except Exception:  # spglib gives up on some distorted cells: then the sites are taken as given
        ops = []
    candidates = np.vstack([np.atleast_2d(frac_sites)] + [op.operate_multi(np.atleast_2d(frac_sites)) for op in ops])
    kept: list[np.ndarray] = []
    for frac in candidates % 1.0:
        if not kept or host.lattice.get_all_distances(frac, np.array(kept)).min() > tol:
            kept.append(frac)
    return np.array(kept)


def ion_sites(structure: Structure, ion: str, source: str = "host") -> np.ndarray:
    elements = elements_of(structure)
    idx = np.flatnonzero(np.array(elements) == ion)
    if idx.size == 0:
        raise HopnetInputError(source, f"no {ion} sites in the structure (species present: "
                                       f"{', '.join(sorted(set(elements)))}); give its sites with --site x,y,z, "
                                       "or take them from the bond-valence landscape with --empty-sites always")
    return idx


def enumerate_hops(structure: Structure, ion: str, max_hop: float, source: str = "host") -> list[Hop]:
    """Every ion-ion pair closer than ``max_hop``, each undirected hop once."""
    sites = ion_sites(structure, ion, source)
    centres, neighbours, images, dist = structure.get_neighbor_list(max_hop, sites=[structure[i] for i in sites])
    centres = sites[centres]
    element = elements_of(structure)
    hops = []
    for c, n, img, d in zip(centres, neighbours, images.astype(int), dist):
        if element[n] != ion or d < MIN_HOP:
            continue
        image = tuple(int(x) for x in img)
        if (n, c) < (c, n) or (n == c and tuple(-img) < image):  # keep one direction of each pair
            continue
        hops.append(Hop(int(c), int(n), image, float(d)))
    return sorted(hops, key=lambda h: (h.length, h.start, h.end, h.image))


def _environment(structure: Structure, host_idx: np.ndarray, point_frac: np.ndarray, n: int = 6) -> tuple:
    """Rounded distances from a point to its nearest host (non-ion) atoms: a symmetry fingerprint."""
    if not host_idx.size:
        return ()
    d = structure.lattice.get_all_distances(point_frac, structure.frac_coords[host_idx])[0]
    order = np.argsort(d)[:n]
    return tuple((element_of(structure[int(host_idx[i])].specie), round(float(d[i]) / 0.05)) for i in order)


@dataclass(frozen=True)
class SiteSymmetry:
    """Which sites of a cell are equivalent under its space group, and their Wyckoff positions."""

    classes: np.ndarray  # (sites,) the index of the first site of each site's orbit
    wyckoffs: tuple[str, ...]  # per site, multiplicity in the conventional cell and letter ("8a"); "" if unknown

    @classmethod
    def of(cls, structure: Structure) -> "SiteSymmetry":
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                data = SpacegroupAnalyzer(structure, symprec=SYMPREC).get_symmetry_dataset()
        except Exception:  # spglib gives up on some distorted cells: then every site is its own class
            data = None
        if data is None:
            return cls(np.arange(len(structure)), ("",) * len(structure))
        classes = np.asarray(data.equivalent_atoms)
        # Sites per orbit in this cell, scaled to the conventional cell spglib's letters refer to.
        per_cell = abs(np.linalg.det(np.asarray(data.std_lattice))) / structure.volume
        counts = np.bincount(classes, minlength=len(structure))
        return cls(classes, tuple(f"{round(counts[c] * per_cell)}{letter}"
                                  for c, letter in zip(classes, data.wyckoffs)))


def distinct_hops(structure: Structure, hops: list[Hop], ion: str,
                  symmetry: SiteSymmetry | None = None) -> list[DistinctHop]:
    """Group hops equal under the space group (site classes, length, midpoint surroundings)."""
    classes = (symmetry or SiteSymmetry.of(structure)).classes
    host_idx = np.flatnonzero(np.array(elements_of(structure)) != ion)
    groups: dict[tuple, list[Hop]] = defaultdict(list)
    for hop in hops:
        start = structure.frac_coords[hop.start]
        mid = (start + structure.frac_coords[hop.end] + np.array(hop.image)) / 2
        key = (tuple(sorted((int(classes[hop.start]), int(classes[hop.end])))), round(hop.length / 0.02),
               _environment(structure, host_idx, mid))
        groups[key].append(hop)
    ordered = sorted(groups.values(), key=lambda g: g[0].length)
    return [DistinctHop(i, members) for i, members in enumerate(ordered)]


def perpendicular_widths(matrix: np.ndarray) -> np.ndarray:
    """Distance between each pair of opposite faces of the cell whose rows are ``matrix`` (volume / face area)."""
    m = np.asarray(matrix, float)
    faces = np.linalg.norm(np.cross(m[[1, 2, 0]], m[[2, 0, 1]]), axis=1)
    return abs(float(np.linalg.det(m))) / faces


def supercell_scaling(lattice: Lattice, hop_length: float) -> np.ndarray:
    """Repeats per axis so every face-to-face width is >= MIN_CELL_LENGTH and more than twice the hop.

    Widths, not axis lengths: in an oblique cell a long axis can still be
    thin, and a hop longer than half the thinnest width has a shorter periodic
    image, so the band would draw a wrap-around path instead of the hop.
    """
    target = max(MIN_CELL_LENGTH, 2 * hop_length + 0.5)
    return np.maximum(1, np.ceil(target / perpendicular_widths(lattice.matrix))).astype(int)


def hop_band(structure: Structure, ion: str, hop: Hop, mechanism: Mechanism, label: str = "",
             environment: Structure | AtomArrays | None = None) -> Band:
    """The band input of one hop in a supercell.

    ``vacancy``: the other ion sites stay filled (a dilute vacancy, as in most
    of the training set); ``interstitial``: the hopping ion is alone in the
    framework (a charged host with a single inserted ion). ``environment`` (an
    ordered structure on the same lattice) supplies the atoms around the hop
    instead of ``structure``: one sampled ordering of a disordered host, whose
    partially occupied ion sites are the hop network's nodes. Pass it as
    ``AtomArrays`` to draw many hops in it: its reduced cell is then found once.
    """
    env = AtomArrays.of(structure if environment is None else environment)
    ion_z = Element(ion).Z
    if mechanism == "interstitial":
        env = env.select(env.numbers != ion_z)
    # The same crystal in its LLL-reduced cell: a near-orthogonal cell needs far fewer
    # repeats to be wide enough, so oblique primitive cells stay small.
    reduced = env.lll_reduced
    start_cart = structure.lattice.get_cartesian_coords(structure[hop.start].frac_coords)
    end_cart = structure.lattice.get_cartesian_coords(structure[hop.end].frac_coords + np.array(hop.image))
    start_frac = reduced.lattice.get_fractional_coords(start_cart)
    shift = np.floor(start_frac)
    scaling = supercell_scaling(reduced.lattice, hop.length)
    supercell = reduced.repeated(scaling)
    start = (start_frac - shift) / scaling
    end = (reduced.lattice.get_fractional_coords(end_cart) - shift) / scaling
    # An ion on the hop's end sites is the moving ion itself (or, in a disordered host, an alternative
    # position of the same split site): the band draws the ion there instead. Any other atom there is
    # a site on top of the framework, which no hop can use.
    near_ends = supercell.lattice.get_all_distances(np.vstack([start, end]), supercell.frac_coords).min(axis=0)
    is_ion = supercell.numbers == ion_z
    blocking = np.flatnonzero((near_ends <= ENDPOINT_CLEARANCE) & ~is_ion)
    if blocking.size:
        raise HopnetInputError(label or "host", f"an end site of the hop is {near_ends[blocking[0]]:.2f} Å from "
                                                f"{supercell.symbols[int(blocking[0])]}: no hop to draw")
    band = band_in_repeat(supercell.select(~(is_ion & (near_ends <= ENDPOINT_CLEARANCE))), ion, start, end, label)
    if abs(band.hop_length - hop.length) > 1e-3:  # the supercell rule above should make this impossible
        raise RuntimeError(f"{label}: band hop {band.hop_length:.3f} Å differs from the hop {hop.length:.3f} Å")
    return band


def periodic_span(n_sites: int, edges: list[Hop]) -> np.ndarray:
    """Integer lattice vectors (rows, 0 to 3 of them) spanning the largest infinite network the edges form.

    A walk that returns to its starting site in another cell closes a cycle
    whose lattice vector is a direction of infinite connection; the rank of
    all such vectors in a connected component is its dimensionality, and a
    basis of them says which way it runs (a 1D channel along b, a 2D network
    in the ab plane).
    """
    adjacency: dict[int, list[tuple[int, np.ndarray]]] = defaultdict(list)
    for h in edges:
        adjacency[h.start].append((h.end, np.array(h.image)))
        adjacency[h.end].append((h.start, -np.array(h.image)))
    offset: dict[int, np.ndarray] = {}
    best = np.zeros((0, 3), int)
    for root in range(n_sites):
        if root in offset or root not in adjacency:
            continue
        offset[root], stack, cycles = np.zeros(3, int), [root], []
        while stack:
            u = stack.pop()
            for v, img in adjacency[u]:
                reached = offset[u] + img
                if v not in offset:
                    offset[v] = reached
                    stack.append(v)
                elif np.any(reached != offset[v]):
                    cycles.append(reached - offset[v])
        basis = _independent(cycles)
        if len(basis) > len(best):
            best = basis
    return best


def _independent(vectors: list[np.ndarray]) -> np.ndarray:
    """A basis drawn from ``vectors``, shortest first (so a channel reads as [0 0 1], not [0 0 2])."""
    basis: list[np.ndarray] = []
    for v in sorted(vectors, key=lambda v: (np.abs(v).sum(), tuple(-v))):
        if np.linalg.matrix_rank(np.array([*basis, v], float)) > len(basis):
            basis.append(v)
        if len(basis) == 3:
            break
    return np.array(basis, int).reshape(-1, 3)


def network_direction(span: np.ndarray) -> str:
    """How a network runs, in the axes of its cell: "along c" or "along [1 1 0]" for a channel, "in the ab plane"
    or "in the (1 1 0) plane" for a sheet; "" for a 3D network (or none)."""
    if len(span) == 1:
        v = _lowest_terms(span[0])
        axis = {(1, 0, 0): "a", (0, 1, 0): "b", (0, 0, 1): "c"}.get(tuple(np.abs(v)))
        return f"along {axis}" if axis else f"along [{' '.join(map(str, v))}]"
    if len(span) == 2:
        normal = _lowest_terms(np.cross(span[0], span[1]))  # zone law: the plane's Miller indices
        plane = {(1, 0, 0): "bc", (0, 1, 0): "ac", (0, 0, 1): "ab"}.get(tuple(np.abs(normal)))
        return f"in the {plane} plane" if plane else f"in the ({' '.join(map(str, normal))}) plane"
    return ""


def _lowest_terms(v: np.ndarray) -> np.ndarray:
    """The integer vector divided by the gcd of its entries, its first non-zero entry positive."""
    v = np.asarray(v, int) // max(1, int(np.gcd.reduce(np.abs(np.asarray(v, int)))))
    return -v if v[np.flatnonzero(v)[0]] < 0 else v


def percolation_barriers(n_sites: int, distinct: list[DistinctHop],
                         em: np.ndarray) -> tuple[dict[int, float | None], dict[int, np.ndarray | None]]:
    """Lowest barrier at which the hops at or below it percolate in 1, 2 and 3 dimensions (None: never), and the
    lattice vectors the network spans at that barrier (``periodic_span``)."""
    result: dict[int, float | None] = {1: None, 2: None, 3: None}
    spans: dict[int, np.ndarray | None] = {1: None, 2: None, 3: None}
    for threshold in np.unique(em):
        edges = [h for d, e in zip(distinct, em) if e <= threshold for h in d.members]
        span = periodic_span(n_sites, edges)
        for k in range(1, len(span) + 1):
            if result[k] is None:
                result[k], spans[k] = float(threshold), span
        if len(span) == 3:
            break
    return result, spans
