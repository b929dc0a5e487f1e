"""Reading structure files and refusing physically absurd ones.

Every check raises :class:`HopnetInputError` naming the source, so that a bad
file never reaches the graph builder as a silent wrong number.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from pymatgen.core import Structure

from hopnet.errors import HopnetInputError

MIN_DISTANCE = 0.5  # Å; closer atoms are overlapping, not a crystal
MIN_VOLUME_PER_ATOM = 1.0  # Å^3; a cell below this is collapsed or singular
MAX_ATOMS = 5000  # keeps graph building within a few GB; beyond this, use a smaller cell


def read_structure(path: str | Path) -> Structure:
    """Read a CIF, POSCAR/CONTCAR or any pymatgen-readable file, then validate it."""
    path = Path(path)
    if not path.is_file():
        raise HopnetInputError(path, "file not found")
    raw = path.read_bytes()
    if not raw.strip():
        raise HopnetInputError(path, "file is empty")
    if b"\x00" in raw[:4096]:
        raise HopnetInputError(path, "binary file, expected a CIF or POSCAR text file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            structure = Structure.from_file(str(path))
    except Exception as exc:  # pymatgen raises many types for malformed files
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise HopnetInputError(path, f"cannot parse as a crystal structure ({reason})") from None
    validate_structure(structure, path)
    return structure


def validate_structure(structure: Structure, source: str | Path) -> None:
    """Refuse structures no DFT code would accept."""
    if len(structure) == 0:
        raise HopnetInputError(source, "structure has no atoms")
    if len(structure) > MAX_ATOMS:
        raise HopnetInputError(
            source, f"{len(structure)} atoms exceeds the limit of {MAX_ATOMS}; use a smaller cell"
        )
    for site in structure:
        for specie in site.species:
            if not 1 <= getattr(specie, "Z", 0) <= 94:
                raise HopnetInputError(source, f"unknown element {getattr(specie, 'symbol', specie)}")
    matrix = structure.lattice.matrix
    if not np.all(np.isfinite(matrix)):
        raise HopnetInputError(source, "lattice contains NaN or infinite values")
    volume = abs(float(np.linalg.det(matrix)))
    if volume / len(structure) < MIN_VOLUME_PER_ATOM:
        raise HopnetInputError(
            source, f"absurd cell: {volume:.3g} Å^3 for {len(structure)} atoms (singular or collapsed lattice)"
        )
    if not np.all(np.isfinite(structure.frac_coords)):
        raise HopnetInputError(source, "atomic coordinates contain NaN or infinite values")
    lengths = structure.lattice.abc
    if max(lengths) > 1000.0:
        raise HopnetInputError(source, f"absurd cell: lattice vector of {max(lengths):.3g} Å")
    check_overlaps(structure, source)


def check_overlaps(structure: Structure, source: str | Path) -> None:
    """Fully occupied atoms closer than MIN_DISTANCE overlap. Partially occupied sites may sit closer
    (split sites of a disordered crystal hold one atom between them), so they are not checked."""
    centers, neighbors, _, dist = structure.get_neighbor_list(MIN_DISTANCE)
    whole = np.array([site.is_ordered for site in structure])
    both = whole[centers] & whole[neighbors] if len(dist) else np.zeros(0, bool)
    centers, neighbors, dist = centers[both], neighbors[both], dist[both]
    if len(dist):
        i = int(np.argmin(dist))
        a, b = int(centers[i]), int(neighbors[i])
        raise HopnetInputError(
            source,
            f"overlapping atoms: site {a} ({structure[a].specie}) and site {b} "
            f"({structure[b].specie}) are {dist[i]:.2f} Å apart (< {MIN_DISTANCE} Å)",
        )
