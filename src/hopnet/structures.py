"""Reading structure files and refusing physically absurd ones.

Every check raises :class:`HopnetInputError` naming the source, so that a bad
file never reaches the graph builder as a silent wrong number.
"""
from __future__ import annotations

import shlex
import warnings
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import cached_property
from itertools import takewhile
from pathlib import Path

import numpy as np
from pymatgen.core import Composition, Element, Lattice, Structure
from pymatgen.io.cif import CifParser

from hopnet.errors import HopnetInputError

MIN_DISTANCE = 0.5  # Å; closer atoms are overlapping, not a crystal
MIN_VOLUME_PER_ATOM = 1.0  # Å^3; a cell below this is collapsed or singular
MAX_ATOMS = 5000  # keeps graph building within a few GB; beyond this, use a smaller cell
# A site's total occupancy up to this is a refinement's rounding or noise (1.02(3)) and is scaled to 1, as
# pymatgen's CifParser does up to its occupancy_tolerance; beyond it the file puts more than one atom on a site.
OCCUPANCY_TOLERANCE = 1.05
# An element this far (relative) below the formula a CIF declares is missing atoms: occupancies refined to two
# decimals miss a declared formula by ~1 % at most, a lost row of the atom loop takes a whole site.
FORMULA_SHORTFALL = 0.02
CIF_PATTERNS = ("*.cif*", "*.mcif*")  # the names pymatgen reads as CIF


def read_structure(path: str | Path) -> Structure:
    """Read a CIF, POSCAR/CONTCAR or any pymatgen-readable file, then validate it. A CIF is parsed as
    ``Structure.from_file`` parses it, a site's occupancy up to ``OCCUPANCY_TOLERANCE`` scaled to 1; a site
    holding more, and a file cut off, are named as such rather than as whatever they break downstream."""
    path = Path(path)
    if not path.is_file():
        raise HopnetInputError(path, "file not found")
    raw = path.read_bytes()
    if not raw.strip():
        raise HopnetInputError(path, "file is empty")
    if b"\x00" in raw[:4096]:
        raise HopnetInputError(path, "binary file, expected a CIF or POSCAR text file")
    is_cif = any(fnmatch(path.name.lower(), pattern) for pattern in CIF_PATTERNS)
    text = raw.decode("utf-8", errors="replace")  # as pymatgen reads it
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if is_cif:
                parser = CifParser.from_str(text, occupancy_tolerance=OCCUPANCY_TOLERANCE)
                structure = parser.parse_structures(primitive=False)[0]
            else:
                structure = Structure.from_file(str(path))
    except Exception as exc:  # pymatgen raises many types for malformed files
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        problem = (_overfull_site(text) or _cut_final_loop(text)) if is_cif else None
        raise HopnetInputError(path, problem or f"cannot parse as a crystal structure ({reason})") from None
    if is_cif and (lost := _lost_atoms(text, parser, structure)):
        raise HopnetInputError(path, lost)
    validate_structure(structure, path)
    return structure


def _overfull_site(text: str) -> str | None:
    """Why pymatgen refused a CIF, where it did because a site holds more than ``OCCUPANCY_TOLERANCE`` atoms (its
    own message is only "no structures"): the file read again with the occupancies kept as written."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = CifParser.from_str(text, occupancy_tolerance=float("inf")).parse_structures(
                primitive=False, check_occu=False)[0]
    except Exception:  # noqa: BLE001 - broken for another reason, which the caller reports
        return None
    site = max(parsed, key=lambda each: sum(each.species.values()))
    total = sum(site.species.values())
    if total <= OCCUPANCY_TOLERANCE:
        return None
    mixed = f" ({site.species.formula})" if len(site.species) > 1 else ""
    return (f"site {site.label}{mixed} has occupancy {total:.2f} (> 1): a site holds one atom at most (up to "
            f"{OCCUPANCY_TOLERANCE:g} is taken as rounding and scaled to 1)")


def _final_loop(text: str) -> tuple[list[str], list[str]] | None:
    """The column names and value lines of the loop a CIF ends in; None where its last ``loop_`` is followed by
    something other than the loop's own lines (a data item, another block): the file ends outside any loop."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    starts = [i for i, line in enumerate(lines) if line.lower() == "loop_"]
    if not starts:
        return None
    body = lines[starts[-1] + 1:]
    names = [line.split()[0] for line in takewhile(lambda line: line.startswith("_"), body)]
    rows = body[len(names):]
    if any(line.startswith("_") or line.lower().startswith("data_") for line in rows):
        return None
    return names, rows


def _cut_final_loop(text: str) -> str | None:
    """A CIF that ends in a loop with no values, or with values that do not fill its last row, was cut off inside
    it: every loop holds whole rows, at least one."""
    loop = _final_loop(text)
    if loop is None:
        return None
    names, rows = loop
    try:
        values = sum(len(shlex.split(row)) for row in rows)
    except ValueError:  # a quote left open: a text field or a cut, which pymatgen's own reason describes better
        return None
    if not names:
        return None if rows else "the file looks truncated: it ends in an empty loop_"
    if values and values % len(names) == 0:
        return None
    more = "s" if len(names) > 1 else ""
    columns = f"{len(names)} column{more} ({names[0]}{', ...' if more else ''})"
    if not values:
        return f"the file looks truncated: it ends in a loop_ of {columns} with no values"
    return f"the file looks truncated: its last loop_ ends partway through a row: {values} values for {columns}"


def _lost_atoms(text: str, parser: CifParser, structure: Structure) -> str | None:
    """A CIF cut off inside its atom-site loop (at a line boundary, so what is left parses): the file ends in
    that loop, and its atoms hold less of some element than the formula it declares (``_chemical_formula_sum``,
    per formula unit or per cell: the proportions are compared)."""
    loop = _final_loop(text)
    if loop is None or not any(name.lower().startswith("_atom_site_") and not
                               name.lower().startswith("_atom_site_aniso") for name in loop[0]):
        return None
    block = next(iter(parser.as_dict().values()), {})
    formula = block.get("_chemical_formula_sum") or block.get("_chemical_formula_structural")
    try:
        declared = Composition(formula).element_composition
    except Exception:  # noqa: BLE001 - no formula, or one pymatgen cannot read: nothing to compare with
        return None
    read = structure.composition.element_composition
    if not read or any(el not in declared for el in read):
        return None
    scale = max(read[el] / declared[el] for el in read)
    if all(read[el] >= (1 - FORMULA_SHORTFALL) * scale * declared[el] for el in declared):
        return None
    return (f"the file looks truncated: it ends in its atom-site loop, and its atoms ({read.formula}) fall short "
            f"of the formula it declares ({declared.formula})")


def validate_structure(structure: Structure, source: str | Path) -> None:
    """Refuse structures no DFT code would accept."""
    if len(structure) == 0:
        raise HopnetInputError(source, "structure has no atoms")
    check_size(len(structure), source)
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


def check_size(n_atoms: int, source: str | Path) -> None:
    if n_atoms > MAX_ATOMS:
        raise HopnetInputError(source, f"{n_atoms} atoms exceeds the limit of {MAX_ATOMS}; use a smaller cell")


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
        raise HopnetInputError(source, _overlap_text(a, structure[a].specie, b, structure[b].specie, dist[i]))


def _overlap_text(a: int, species_a, b: int, species_b, distance: float) -> str:
    return (f"overlapping atoms: site {a} ({species_a}) and site {b} ({species_b}) are {distance:.2f} Å apart "
            f"(< {MIN_DISTANCE} Å)")


def periodic_neighbours(lattice: Lattice, points: np.ndarray, centres: np.ndarray, r: float):
    """(centre index, point index, lattice image, distance) of every point within ``r`` Å of a centre, periodic
    images included (Cartesian Å in): pymatgen's C neighbour search on arrays, which
    ``Structure.get_neighbor_list`` calls after making a site object per atom. Each centre that is also a
    point finds itself at distance 0."""
    from pymatgen.optimization.neighbors import find_points_in_spheres

    return find_points_in_spheres(np.ascontiguousarray(points, dtype=float), np.ascontiguousarray(centres, dtype=float),
                                  r=r, pbc=np.ones(3, dtype=np.int64),
                                  lattice=np.ascontiguousarray(lattice.matrix, dtype=float), tol=1e-8)


@dataclass(frozen=True)
class AtomArrays:
    """Ordered atoms in a periodic cell as three arrays: what a band and its graph need of a host.

    A pymatgen ``Structure`` holds one Python object per site (~10 µs each to make); a hop's supercell of a few
    hundred atoms was made several times per hop (repeat, drop the ion's end sites, add the images), which was a
    fifth of a small host's time. These arrays are made once per host cell and repeated with numpy; a
    ``Structure`` is made only where one is asked for (``to_structure``). Species lose their oxidation states here:
    everything downstream reads elements.
    """

    lattice: Lattice
    numbers: np.ndarray  # (n,) atomic numbers
    frac_coords: np.ndarray  # (n, 3)

    @classmethod
    def of(cls, structure: "Structure | AtomArrays") -> "AtomArrays":
        if isinstance(structure, AtomArrays):
            return structure
        return cls(structure.lattice, np.array([site.specie.Z for site in structure], dtype=np.int64),
                   np.array(structure.frac_coords, float))

    def __len__(self) -> int:
        return len(self.numbers)

    @property
    def cart_coords(self) -> np.ndarray:
        return self.lattice.get_cartesian_coords(self.frac_coords)

    @property
    def symbols(self) -> list[str]:
        return [_SYMBOLS[z] for z in self.numbers]

    def select(self, keep: np.ndarray) -> "AtomArrays":
        """The atoms where ``keep`` (a boolean mask or indices)."""
        return AtomArrays(self.lattice, self.numbers[keep], self.frac_coords[keep])

    @cached_property
    def lll_reduced(self) -> "AtomArrays":
        """The same crystal in its LLL-reduced cell, coordinates wrapped into it (as pymatgen's
        ``get_reduced_structure("LLL")``)."""
        reduced = self.lattice.get_lll_reduced_lattice()
        frac = reduced.get_fractional_coords(self.cart_coords)
        return AtomArrays(reduced, self.numbers, _wrapped(frac))

    def repeated(self, scaling: np.ndarray) -> "AtomArrays":
        """The supercell of ``scaling`` (three whole numbers) repeats along the cell axes."""
        scaling = np.asarray(scaling, int)
        shifts = np.stack(np.meshgrid(*(np.arange(k) for k in scaling), indexing="ij"), -1).reshape(-1, 3)
        frac = (self.frac_coords[:, None, :] + shifts[None, :, :]) / scaling
        lattice = Lattice(self.lattice.matrix * scaling[:, None])
        return AtomArrays(lattice, np.repeat(self.numbers, len(shifts)), _wrapped(frac.reshape(-1, 3)))

    def to_structure(self) -> Structure:
        return Structure(self.lattice, [int(z) for z in self.numbers], self.frac_coords)

    @cached_property
    def overlap(self) -> str | None:
        """What ``check_overlaps`` would say of these atoms (two closer than MIN_DISTANCE), or None."""
        cart = self.cart_coords
        c, n, images, dist = periodic_neighbours(self.lattice, cart, cart, MIN_DISTANCE)
        pair = (c != n) | np.any(images != 0, axis=1)
        if not pair.any():
            return None
        i = int(np.argmin(np.where(pair, dist, np.inf)))
        a, b = int(c[i]), int(n[i])
        return _overlap_text(a, self.symbols[a], b, self.symbols[b], dist[i])


_SYMBOLS = {z: Element.from_Z(z).symbol for z in range(1, 95)}


def _wrapped(frac: np.ndarray) -> np.ndarray:
    """Into [0, 1), with values a rounding error below 1 taken as 0 (a site on a cell face stays one site)."""
    frac = np.mod(frac, 1.0)
    frac[np.abs(frac - 1.0) < 1e-8] = 0.0
    return frac
