"""The band input of the paper (MODEL-3): host + the ion at all images of its hop.

A :class:`Band` is built three ways: from the dataset's stored structure, from a
user's relaxed initial and final structures, or from a host and two ion sites.
All three give the same layout: the first ``N_IMAGES`` sites are the ion at
fractions 0, 1/4, ..., 1 of the straight path (shortest periodic image), the
rest is the host frozen at the initial geometry.
"""
from __future__ import annotations

from functools import cached_property

import numpy as np
from pymatgen.core import Lattice, Structure
from scipy.optimize import linear_sum_assignment

from hopnet.errors import HopnetInputError
from hopnet.structures import AtomArrays, check_size, validate_structure
from hopnet.vocabulary import N_IMAGES, element_of, elements_of, parse_ion

LATTICE_RTOL = 0.05  # initial/final cells may differ by a relaxation, not by a different cell
MIN_HOP = 0.5  # Å; a shorter displacement is relaxation noise, not a hop
HOST_RELAX_FRACTION = 0.6  # a host atom moving more than this share of the hop makes the ion ambiguous


class Band:
    """A hop of ``ion`` through ``host``, the ion drawn at ``N_IMAGES`` images.

    The host is a ``Structure`` or, for the bands a host's hops are drawn as, its ``AtomArrays``; each form is
    made from the other only when asked for.
    """

    def __init__(self, host: Structure | AtomArrays, ion: str, frac_images: np.ndarray, label: str = ""):
        self._host = host
        self.ion = ion
        self.frac_images = np.asarray(frac_images, float)  # (N_IMAGES, 3) fractional coordinates of the ion images
        self.label = label

    @cached_property
    def host(self) -> Structure:
        return self._host if isinstance(self._host, Structure) else self._host.to_structure()

    @cached_property
    def atoms(self) -> AtomArrays:
        return AtomArrays.of(self._host)

    @property
    def lattice(self) -> Lattice:
        return self._host.lattice

    @property
    def hop_length(self) -> float:
        cart = self.lattice.get_cartesian_coords(self.frac_images)
        return float(np.linalg.norm(cart[-1] - cart[0]))

    def to_structure(self, images: slice | list[int] | None = None) -> Structure:
        """Ion images first (all, or those selected by ``images``), host after: the layout the graph
        builder expects. One image gives the host with the ion at that point of the hop."""
        frac = self.frac_images if images is None else np.atleast_2d(self.frac_images[images])
        species = [self.ion] * len(frac) + [site.specie for site in self.host]
        coords = np.vstack([frac, self.host.frac_coords])
        return Structure(self.host.lattice, species, coords, coords_are_cartesian=False)

    def image_structure(self, k: int) -> Structure:
        """The host with the ion at image ``k`` (0 and -1 are the endpoints); the ion is site 0."""
        return self.to_structure([k])

    def image_structures(self) -> list[Structure]:
        """The host with the ion at each image in turn (what an NEB or a potential evaluates)."""
        return [self.image_structure(k) for k in range(len(self.frac_images))]

    @classmethod
    def from_structure(cls, structure: Structure, label: str = "", n_images: int = N_IMAGES) -> "Band":
        """Read back the dataset layout (images first, host after)."""
        ions = {element_of(structure[i].specie) for i in range(n_images)}
        if len(ions) != 1:
            raise HopnetInputError(label or "band", f"first {n_images} sites are not one ion species: {sorted(ions)}")
        host = Structure.from_sites(structure.sites[n_images:])
        return cls(host, ions.pop(), np.array(structure.frac_coords[:n_images]), label)


def interpolate(lattice: Lattice, start: np.ndarray, end: np.ndarray, n_images: int = N_IMAGES) -> np.ndarray:
    """Images on the straight line from ``start`` to the nearest periodic copy of ``end``."""
    delta = np.asarray(end, float) - np.asarray(start, float)
    delta -= np.round(delta)
    fractions = np.linspace(0.0, 1.0, n_images)[:, None]
    return np.asarray(start, float) + fractions * delta


def band_from_sites(
    host: Structure, ion: str, start, end, coords_are_cartesian: bool = False, label: str = ""
) -> Band:
    """A hop of ``ion`` between two sites of ``host`` (the host holds neither)."""
    start, end = np.asarray(start, float), np.asarray(end, float)
    if coords_are_cartesian:
        start, end = host.lattice.get_fractional_coords(start), host.lattice.get_fractional_coords(end)
    band = _drawn(host, ion, start, end, label)
    # Intermediate images may pass close to host atoms (so do 9 training paths);
    # the ion's two end sites inside the host must be physical.
    validate_structure(band.to_structure([0, -1]), label or "host")
    return band


def band_in_repeat(host: AtomArrays, ion: str, start: np.ndarray, end: np.ndarray, label: str = "") -> Band:
    """``band_from_sites`` for a host that is a repeat of a cell of known elements with no atom within 1 Å of
    the hop's two end sites (``pathways.hops.hop_band``): of the checks, only those such a host can fail are
    made, on arrays. Overlapping atoms stay one of them: an ordering of a disordered file can fill two partial
    sites closer than any crystal holds atoms."""
    band = _drawn(host, ion, start, end, label)
    check_size(len(host) + 2, label or "host")
    if host.overlap:
        raise HopnetInputError(label or "host", host.overlap)
    return band


def _drawn(host: Structure | AtomArrays, ion: str, start: np.ndarray, end: np.ndarray, label: str) -> Band:
    band = Band(host, ion, interpolate(host.lattice, start, end), label)
    if band.hop_length < MIN_HOP:
        raise HopnetInputError(label or "host",
                               f"the two ion sites are {band.hop_length:.2f} Å apart; no hop to predict")
    return band


def band_from_endpoints(
    initial: Structure, final: Structure, ion: str | None = None, label: str = ""
) -> Band:
    """Find the one ion that moves between two relaxed endpoints and build its band.

    Atoms are matched per species by a minimum-distance assignment under
    periodic boundaries, so the two files may list atoms in any order.
    """
    source = label or "initial/final"
    if not (initial.is_ordered and final.is_ordered):
        raise HopnetInputError(source, "partially occupied sites: a hop's endpoints must be ordered structures "
                                       "(`hopnet paths` takes a disordered host)")
    if initial.composition.reduced_formula != final.composition.reduced_formula or len(initial) != len(final):
        raise HopnetInputError(
            source,
            f"initial ({initial.composition.formula}) and final ({final.composition.formula}) "
            "must contain the same atoms",
        )
    a, b = np.array(initial.lattice.abc + initial.lattice.angles), np.array(final.lattice.abc + final.lattice.angles)
    if np.any(np.abs(a - b) > LATTICE_RTOL * np.abs(a)):
        raise HopnetInputError(source, "initial and final lattices differ; both must use the same cell")
    if ion is not None:
        ion = parse_ion(ion, initial, source)

    mapping, displacement = _match_sites(initial, final)
    species = np.array(elements_of(initial))
    candidates = np.flatnonzero(species == ion) if ion else np.arange(len(initial))
    order = candidates[np.argsort(-displacement[candidates])]
    mover = int(order[0])
    hop = displacement[mover]
    if hop < MIN_HOP:
        raise HopnetInputError(
            source, f"no moving ion: the largest displacement{f' of {ion}' if ion else ''} is {hop:.2f} Å"
        )
    others = np.delete(displacement, mover)
    if others.size and others.max() > HOST_RELAX_FRACTION * hop:
        second = int(np.flatnonzero(displacement == others.max())[0])
        raise HopnetInputError(
            source,
            f"several atoms move: {species[mover]} (site {mover}, {hop:.2f} Å) and "
            f"{species[second]} (site {second}, {displacement[second]:.2f} Å); expected exactly one hop",
        )
    host = initial.copy()
    host.remove_sites([mover])
    start = initial.frac_coords[mover]
    end = final.frac_coords[mapping[mover]]
    return band_from_sites(host, str(species[mover]), start, end, label=label)


def _match_sites(initial: Structure, final: Structure) -> tuple[np.ndarray, np.ndarray]:
    """Per species, the final site each initial site became and how far it moved (Å)."""
    mapping = np.empty(len(initial), dtype=int)
    displacement = np.empty(len(initial))
    species_i, species_f = np.array(elements_of(initial)), np.array(elements_of(final))
    for element in np.unique(species_i):
        rows, cols = np.flatnonzero(species_i == element), np.flatnonzero(species_f == element)
        dist = initial.lattice.get_all_distances(initial.frac_coords[rows], final.frac_coords[cols])
        r, c = linear_sum_assignment(dist)
        mapping[rows[r]] = cols[c]
        displacement[rows[r]] = dist[r, c]
    return mapping, displacement
