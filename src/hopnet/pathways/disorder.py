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

from collections import defaultdict

import numpy as np
from pymatgen.core import Structure

from hopnet.errors import HopnetInputError
from hopnet.vocabulary import element_of

MAX_ORDERING_ATOMS = 600  # sites of the cell (after any supercell for whole atoms); beyond this, refuse
MIN_SEPARATIONS = (2.0, 1.8, 1.6, 1.4, 1.2, 1.0)  # Å tried in turn between atoms placed on partial sites
WHOLE = 0.05  # a total occupancy within this of an integer counts as whole


def is_disordered(structure: Structure) -> bool:
    return not structure.is_ordered


def whole_cell(structure: Structure, source: str = "host") -> tuple[Structure, str]:
    """The structure repeated along its shortest axis until every species' total occupancy is whole,
    and a note when refined occupancies had to be rounded to whole atoms instead."""
    totals = defaultdict(float)
    for site in structure:
        if not site.is_ordered:
            for sp, occ in site.species.items():
                totals[element_of(sp)] += occ
    note = ""
    for m in (1, 2, 3, 4):
        if all(abs(m * t - round(m * t)) <= WHOLE * m for t in totals.values()):
            break
    else:  # refined occupancies of an off-stoichiometric crystal: the nearest whole atoms in one cell
        m = 1
        note = "partial occupancies rounded to whole atoms: " + ", ".join(
            f"{el} {t:.2f} -> {round(t)}" for el, t in sorted(totals.items()) if abs(t - round(t)) > WHOLE)
    if m > 1:
        axis = int(np.argmin(structure.lattice.abc))
        labels = [site.label for site in structure]
        structure = structure * [m if i == axis else 1 for i in range(3)]
        for i, site in enumerate(structure):  # pymatgen suffixes the copies' labels (Li1_2): keep the CIF's
            site.label = labels[i // m]
    if len(structure) > MAX_ORDERING_ATOMS:
        raise HopnetInputError(source, f"{len(structure)} sites to order exceeds the limit of {MAX_ORDERING_ATOMS}; "
                                       "give a smaller cell or an ordered structure")
    return structure, note


def node_structure(structure: Structure, ion: str) -> Structure:
    """``structure`` with the ion on every site it may occupy and each other site its majority species.

    Alternative positions of one split site closer than 0.5 Å are merged (the
    first one kept): they are one node, not a hop.
    """
    species, coords, labels = [], [], []
    for site in structure:
        elements = {element_of(sp): occ for sp, occ in site.species.items()}
        chosen = ion if ion in elements else max(elements, key=elements.get)
        frac = site.frac_coords
        if chosen == ion and coords:
            mine = [c for c, s in zip(coords, species) if s == ion]
            if mine and structure.lattice.get_all_distances(frac, np.array(mine)).min() < 0.5:
                continue
        species.append(chosen)
        coords.append(frac)
        labels.append(site.label)
    return Structure(structure.lattice, species, coords, labels=labels)


def sample_ordering(structure: Structure, rng: np.random.Generator, source: str = "host") -> Structure:
    """One ordered snapshot of a structure whose species' total occupancies are whole (``whole_cell``).

    Each partially occupied element gets round(total occupancy) of its sites, drawn
    with probability by occupancy; no two atoms placed on partial sites come closer
    than the first separation in ``MIN_SEPARATIONS`` that allows it.
    """
    fixed = [i for i, site in enumerate(structure) if site.is_ordered]
    partial = [i for i, site in enumerate(structure) if not site.is_ordered]
    wanted = defaultdict(float)
    for i in partial:
        for sp, occ in structure[i].species.items():
            wanted[element_of(sp)] += occ
    frac = structure.frac_coords
    for separation in MIN_SEPARATIONS:
        placed: dict[int, object] = {}
        for element in sorted(wanted, key=wanted.get):  # the scarcest species first, while sites are free
            choices = [(i, sp, occ) for i in partial for sp, occ in structure[i].species.items()
                       if element_of(sp) == element]
            weights = np.array([occ for _, _, occ in choices])
            keys = rng.random(len(choices)) ** (1.0 / weights)  # weighted order without replacement
            need = int(round(wanted[element]))
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
                break
        else:
            sites = [(structure[i].specie, frac[i]) for i in fixed] + [(placed[i], frac[i]) for i in sorted(placed)]
            return Structure(structure.lattice, [s for s, _ in sites], [c for _, c in sites])
    raise HopnetInputError(source, "cannot place the partially occupied atoms without two closer than "
                                   f"{MIN_SEPARATIONS[-1]} Å")
