"""Partially occupied structures (most real electrolytes as the databases export them): nodes and orderings.

A disordered host is answered in two parts. Its **nodes** are every site its
mobile ion may occupy (a partially occupied 96h site is a place the ion hops
to, whether or not a given snapshot fills it); hops, their symmetry classes and
percolation live on the nodes. Its **orderings** are sampled snapshots: each
partially occupied species placed on round(total occupancy) of its sites,
chosen with probability by occupancy and never two closer than a minimum
distance, so split sites hold one atom. Every hop class is priced in each
ordering's surroundings; the spread over orderings is part of the answer.

Why a sampler of our own: pymatgen's OrderDisorderedStructureTransformation
enumerates orderings by Ewald energy, which for a garnet cell (56 Li on 72
sites) does not finish in the time a screening budget allows; a seeded random
sampler that respects distances does, and its spread is what a user needs.
"""
from __future__ import annotations

import warnings
from collections import defaultdict

import numpy as np
from pymatgen.core import Structure
from scipy.sparse.csgraph import connected_components

from hopnet.errors import HopnetInputError
from hopnet.flags import Flag, FlagKind
from hopnet.vocabulary import element_of

MAX_ORDERING_ATOMS = 600  # sites of the cell (after any supercell for whole atoms); beyond this, refuse
MIN_SEPARATIONS = (2.0, 1.8, 1.6, 1.4, 1.2, 1.0)  # Å tried in turn between atoms placed on partial sites
WHOLE = 0.05  # a total occupancy within this of an integer counts as whole
# Å; partial positions of the ion closer than this are one split site, not two sites a hop joins. The
# shortest ion-ion hops between distinct sites in the training set and in real conductors are ~1.5 Å (a
# garnet's 24d-96h), the split positions of one site 0.4-0.95 Å apart (LLZO's 96h pairs, LATP's M1/M1').
SPLIT_SITE = 1.0


def is_disordered(structure: Structure) -> bool:
    return not structure.is_ordered


def whole_cell(structure: Structure, source: str = "host", reduce: bool = True) -> tuple[Structure, list[Flag]]:
    """The structure repeated along its shortest axis until every species' total occupancy is whole, and what
    that took: occupancies rounded to whole atoms where no small repeat makes them whole; the primitive cell
    (``reduce``) where the cell as given would exceed ``MAX_ORDERING_ATOMS`` and a centred one does not."""
    totals = defaultdict(float)
    for site in structure:
        if not site.is_ordered:
            for sp, occ in site.species.items():
                totals[element_of(sp)] += occ
    m = next((m for m in (1, 2, 3, 4) if all(abs(m * t - round(m * t)) <= WHOLE * m for t in totals.values())), None)
    if reduce and len(structure) * (m or 1) > MAX_ORDERING_ATOMS:
        smaller = _primitive(structure)
        if len(smaller) < len(structure):  # a centred cell (a garnet's Ia-3d) orders in its primitive cell
            cell, flags = whole_cell(smaller, source, reduce=False)
            return cell, [*flags, Flag(kind=FlagKind.PRIMITIVE_CELL, value=len(smaller),
                                       text=f"ordered in the primitive cell ({len(smaller)} of the file's "
                                            f"{len(structure)} sites)")]
    flags = []
    if m is None or len(structure) * m > MAX_ORDERING_ATOMS:
        # refined occupancies of an off-stoichiometric crystal, or a repeat too large to order: the nearest
        # whole atoms in one cell
        m = 1
        counts = whole_counts(totals)
        flags.append(Flag(kind=FlagKind.ROUNDED_OCCUPANCY, text="partial occupancies rounded to whole atoms: " + ", ".join(
            f"{el} {t:.2f} -> {counts[el]}" for el, t in sorted(totals.items()) if abs(t - round(t)) > WHOLE)))
    if m > 1:
        axis = int(np.argmin(structure.lattice.abc))
        labels = [site.label for site in structure]
        structure = structure * [m if i == axis else 1 for i in range(3)]
        for i, site in enumerate(structure):  # pymatgen suffixes the copies' labels (Li1_2): keep the CIF's
            site.label = labels[i // m]
    if len(structure) > MAX_ORDERING_ATOMS:
        raise HopnetInputError(source, f"{len(structure)} sites to order exceeds the limit of {MAX_ORDERING_ATOMS}; "
                                       "give a smaller cell or an ordered structure")
    return structure, flags


def whole_counts(totals: dict[str, float]) -> dict[str, int]:
    """Each element's total occupancy as whole atoms: rounded, unless rounding each on its own would place more
    or fewer atoms than the rounded sum (Li 9.6, Mg 1.6, Ti 12.8 on 24 full sites: 10 + 2 + 13 = 25); then the
    largest remainders take the atoms the sum allows."""
    rounded = {el: int(round(t)) for el, t in totals.items()}
    total = int(round(sum(totals.values())))
    if sum(rounded.values()) == total:
        return rounded
    counts = {el: int(np.floor(t + 1e-9)) for el, t in totals.items()}
    for el in sorted(totals, key=lambda e: counts[e] - totals[e])[:max(total - sum(counts.values()), 0)]:
        counts[el] += 1
    return counts


def _primitive(structure: Structure) -> Structure:
    """The primitive cell of a (disordered) structure, the site labels kept; the structure itself where
    pymatgen finds none smaller."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return structure.get_primitive_structure(tolerance=0.1)
    except Exception:  # pymatgen's search gives up on some cells: order the cell as given
        return structure


def primitive_if_large(structure: Structure) -> tuple[Structure, list[Flag]]:
    """An ordered host of more than ``MAX_ORDERING_ATOMS`` sites in its primitive cell, where it has a smaller one
    (a supercell built for another code): the hops, their classes and the percolation are the crystal's, and the
    landscape's grid, the hop search and the symmetry analysis shrink with the cell (a 2,592-site Li2O supercell
    took minutes, its 3-site primitive cell a second). Smaller hosts stay as given, so the report's sites are
    the file's."""
    if len(structure) <= MAX_ORDERING_ATOMS:
        return structure, []
    smaller = _primitive(structure)
    if len(smaller) == len(structure):
        return structure, []
    return smaller, [Flag(kind=FlagKind.PRIMITIVE_CELL, value=len(smaller),
                          text=f"analysed in the primitive cell ({len(smaller)} of the file's {len(structure)} sites)")]


def node_structure(structure: Structure, ion: str) -> tuple[Structure, list[Flag]]:
    """``structure`` with the ion on every site it may occupy and each other site its majority species, and
    what reading it so took.

    Partial positions of the ion (sites holding the ion alone) closer than
    ``SPLIT_SITE`` are one site split by disorder (the ion rattles between them;
    it cannot hop 0.7 Å into its own site's shadow): they become one node at
    their centroid, named by the first, where every position lies within
    ``SPLIT_SITE`` of it.
    A cluster and its centroid are mapped onto each other by the space group,
    so the nodes keep the crystal's symmetry. A site the ion shares with another
    species (Li and La on LLTO's A sites) is a node; each ordering puts the
    other species on some of these nodes, and a hop is priced where both of its
    ends are free (``workflows.host``).
    """
    elements = [{element_of(sp): occ for sp, occ in site.species.items()} for site in structure]
    split = [i for i, site in enumerate(structure) if set(elements[i]) == {ion} and not site.is_ordered]
    centres = {tuple(g): _centroid(structure, g) for g in _clusters(structure, split, SPLIT_SITE) if len(g) > 1}
    groups = [g for g, c in centres.items() if _within(structure, g, c)]
    merged = {i: g for g in groups for i in g}
    species, coords, labels = [], [], []
    for i, site in enumerate(structure):
        if i in merged and i != merged[i][0]:
            continue
        species.append(ion if ion in elements[i] else max(elements[i], key=elements[i].get))
        coords.append(centres[merged[i]] if i in merged else site.frac_coords)
        labels.append(site.label)
    flags = []
    if groups:
        flags.append(Flag(kind=FlagKind.SPLIT_SITES, value=len(merged),
                          text=f"{len(merged)} split positions of {ion} read as {len(groups)} sites (positions closer "
                               f"than {SPLIT_SITE:g} Å are one site, not a hop)"))
    shared = sorted({el for e in elements if ion in e for el in e if el != ion})
    if shared:
        count = sum(1 for e in elements if ion in e and len(e) > 1)
        flags.append(Flag(kind=FlagKind.SHARED_SITES, value=count,
                          text=f"{ion} shares {count} sites with {', '.join(shared)}: each ordering places them on "
                               f"some of these sites, and a hop is priced where both ends are free of them"))
    return Structure(structure.lattice, species, coords, labels=labels), flags


def _clusters(structure: Structure, members: list[int], within: float) -> list[list[int]]:
    """``members`` grouped into clusters whose sites chain together at less than ``within`` Å (periodic)."""
    if not members:
        return []
    close = structure.lattice.get_all_distances(structure.frac_coords[members], structure.frac_coords[members]) < within
    _, labels = connected_components(close, directed=False)
    return [[members[k] for k in np.flatnonzero(labels == c)] for c in range(labels.max() + 1)]


def _within(structure: Structure, group: tuple[int, ...], centre: np.ndarray) -> bool:
    """Whether every position of a cluster lies within ``SPLIT_SITE`` of its centroid: a chain of positions
    stretching further is more than one site, and stays as it is."""
    return bool(structure.lattice.get_all_distances(centre, structure.frac_coords[list(group)]).max() < SPLIT_SITE)


def _centroid(structure: Structure, group: list[int]) -> np.ndarray:
    """The mean position of a cluster of sites, each taken at its image nearest the first."""
    first = structure.frac_coords[group[0]]
    nearest = [structure.frac_coords[j] + structure.lattice.get_distance_and_image(first, structure.frac_coords[j])[1]
               for j in group]
    return np.mean(nearest, axis=0) % 1.0


def sample_ordering(structure: Structure, rng: np.random.Generator, source: str = "host") -> Structure:
    """One ordered snapshot of a structure whose species' total occupancies are whole (``whole_cell``).

    Each partially occupied element gets round(total occupancy) of its sites, drawn
    with probability by occupancy; no two atoms placed on partial sites come closer
    than the first separation in ``MIN_SEPARATIONS`` that allows it. Elements are
    placed scarcest first; where that leaves an element without free sites at every
    separation (three species filling shared sites exactly, as in Mg-doped
    Li4Ti5O12), the element that needs the largest share of its candidate sites goes
    first instead.
    """
    fixed = [i for i, site in enumerate(structure) if site.is_ordered]
    partial = [i for i, site in enumerate(structure) if not site.is_ordered]
    wanted = defaultdict(float)
    candidates = defaultdict(int)
    for i in partial:
        for sp, occ in structure[i].species.items():
            wanted[element_of(sp)] += occ
            candidates[element_of(sp)] += 1
    counts = whole_counts(wanted)
    orders = (sorted(wanted, key=wanted.get),  # the scarcest species first, while sites are free
              sorted(wanted, key=lambda el: -counts[el] / candidates[el]))  # the most constrained first
    for order in orders:
        for separation in MIN_SEPARATIONS:
            placed = _placed(structure, partial, {el: counts[el] for el in order}, separation, rng)
            if placed is not None:
                frac = structure.frac_coords
                sites = [(structure[i].specie, frac[i]) for i in fixed] + [(placed[i], frac[i]) for i in sorted(placed)]
                return Structure(structure.lattice, [s for s, _ in sites], [c for _, c in sites])
    raise HopnetInputError(source, "cannot place the partially occupied atoms without two closer than "
                                   f"{MIN_SEPARATIONS[-1]} Å")


def _placed(structure: Structure, partial: list[int], counts: dict[str, int], separation: float,
            rng: np.random.Generator) -> dict[int, object] | None:
    """Partial site -> the species placed there, element by element in the order of ``counts`` (element -> atoms);
    None where an element runs out of free sites at least ``separation`` from every atom already placed."""
    frac = structure.frac_coords
    placed: dict[int, object] = {}
    for element, need in counts.items():
        choices = [(i, sp, occ) for i in partial for sp, occ in structure[i].species.items()
                   if element_of(sp) == element]
        weights = np.array([occ for _, _, occ in choices])
        keys = rng.random(len(choices)) ** (1.0 / weights)  # weighted order without replacement
        for k in np.argsort(-keys):
            if need == 0:
                break
            i, sp, _ = choices[k]
            if i in placed:
                continue
            taken = list(placed)
            if taken and structure.lattice.get_all_distances(frac[i], frac[taken]).min() < separation:
                continue
            placed[i] = sp
            need -= 1
        if need:
            return None
    return placed
