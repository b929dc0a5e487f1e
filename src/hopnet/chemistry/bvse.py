"""The mobile ion's bond-valence site energy (BVSE), summed by hopnet's own engine with the softBV parameters
and potentials of bvlain (Dembitskiy et al., pip ``bvlain``; its tables ship in ``data/files``).

Every BVSE grid in hopnet (each hop's channel, the empty sites) goes through
``run_bvse``, so all of them read the same oxidation states
(``chemistry.oxidation``) and the same mobile-ion charge, and a failure reads
the same way. bvlain's own engine, the reference the benchmarks and tests run
beside this one (``hopnet_repro.baselines.bvlain_engine``), reads its host
through the same ``decorated_host``, so the two grids differ by their engines
alone.

Why an engine of our own: bvlain asks a KD-tree for the 100 nearest framework
atoms of every grid point and holds them all at once (100 distances and
parameters per point): most of a host's landscape time, and on a large cell
gigabytes. hopnet's adds each framework atom's potential to the grid points
within ``CUTOFF`` of it, one atom at a time, into a copy of the grid padded by
that reach (one number per point), on bvlain's grid points and with bvlain's
parameters, without importing bvlain (whose import alone takes seconds).
With a 10 Å reach the two grids of antifluorite Li2S (where bvlain's 100
neighbours reach its 10 Å cut-off) are equal to 1e-13 eV; at 8 Å the tails
left out shift the low grid points by 0.002 eV, unevenly by < 0.001 eV, for a
third of 10 Å's work. Where bvlain's 100 neighbours end sooner (dense oxides,
~6.5 Å), its grid is the one that drops tails: the tests hold the two within
0.01 eV on the points and the hop barriers that matter.
"""
from __future__ import annotations

import contextlib
import gzip
import io
import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
from pymatgen.core import Element, Structure
from scipy.special import erfc

from hopnet.chemistry.charges import mobile_charge
from hopnet.chemistry.oxidation import OxidationOrigin, with_oxidation_states
from hopnet.errors import HopnetInputError
from hopnet.structures import periodic_neighbours
from hopnet.vocabulary import element_of

CUTOFF = 8.0  # Å: hopnet's engine adds a framework atom's potential to grid points this close
MAX_OFFSETS = 2_000_000  # grid offsets around one atom (an ordinary cell needs ~300,000 at 0.2 Å) ...
MAX_PAIRS = 2_000_000  # ... beyond which the sum runs point by point, this many point-atom pairs at a time
COULOMB_EV_A = 14.4  # e^2 / (4 pi eps0) in eV Å, as bvlain writes it
SCREENING = 0.74  # bvlain's screening factor f of the Coulomb term
TABLES = "bvlain_tables.json.gz"  # bvlain's softBV tables, vendored: source, version and licence in the README there


@dataclass
class BvseRun:
    """The BVSE grid of one host (eV), the cell it spans and where the oxidation states came from."""

    grid: np.ndarray  # spans [0, 1] on each axis with both ends included, as bvlain's does
    cell: np.ndarray  # rows: lattice vectors, Å
    origin: OxidationOrigin


@contextlib.contextmanager
def decorated_host(structure: Structure, ion: str,
                   source: str = "host") -> Iterator[tuple[Structure, int, OxidationOrigin]]:
    """``structure`` with oxidation states on every site, the mobile ion's charge and where the states came from,
    for a BVSE engine to fill its grid within: a host whose oxidation states cannot be found, or an element
    without bond-valence parameters (the engine's KeyError), is one line naming the reason."""
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            absent = None if ion in {el.symbol for el in structure.composition.elements} else ion
            decorated, origin = with_oxidation_states(structure, absent)
            yield decorated, mobile_charge(decorated, ion), origin
    except (ValueError, KeyError, IndexError) as exc:
        raise HopnetInputError(source, f"no bond-valence landscape for {ion} ({plain_reason(exc)})") from None


def run_bvse(structure: Structure, ion: str, resolution: float, source: str = "host",
             tolerance: float | None = None) -> BvseRun:
    """The BVSE grid of ``ion`` in ``structure`` (its ion sites filled), ``resolution`` Å between grid points
    (``tolerance``: see ``_atom_by_atom``). A host whose oxidation states cannot be found, or an element without
    bond-valence parameters, is one line naming the reason."""
    with decorated_host(structure, ion, source) as (decorated, charge, origin):
        return BvseRun(_atom_by_atom(decorated, ion, charge, resolution, tolerance=tolerance),
                       decorated.lattice.matrix.copy(), origin)


@lru_cache(maxsize=1)
def softbv_tables() -> tuple[dict, dict, dict]:
    """bvlain's softBV tables, as vendored (``TABLES``): the Morse parameters of each mobile cation against
    each anion and of each mobile anion against each cation (element number, then charge, at every level),
    and each element's principal quantum number."""
    with gzip.open(resources.files("hopnet") / "data" / "files" / TABLES, "rt") as fh:
        tables = json.load(fh, object_hook=_integer_keys)
    return tables["cation"], tables["anion"], tables["quantum_n"]


def _integer_keys(table: dict) -> dict:
    """JSON keys are strings; the tables are looked up by element number and charge."""
    return {int(k) if k.lstrip("-").isdigit() else k: v for k, v in table.items()}


def _atom_by_atom(decorated: Structure, ion: str, charge: int, resolution: float,
                  cutoff: float = CUTOFF, tolerance: float | None = None) -> np.ndarray:
    """bvlain's BVSE of ``ion`` (charge ``charge``) among the other atoms of ``decorated`` (oxidation states on
    every site), on bvlain's grid points (``i / (n - 1)`` along each axis, n = int(length // resolution), both
    ends included), summed over each framework atom's images within ``cutoff``: the Morse attraction of the
    counter-charged atoms and the screened Coulomb repulsion of the like-charged ones, with bvlain's
    parameters (``softbv_tables``; covalent radii from ASE, as bvlain takes them by default) and in bvlain's form.
    Why our own: see the module's text.

    The grid offsets around an atom are the same for every atom: they are laid out once (every offset whose
    point can lie within ``cutoff`` of an atom anywhere in its grid cell), and each atom only shifts them by
    where it sits inside its grid cell. Each atom's sphere is added to a grid padded by the reach on every
    side, where no two of its points coincide, and the padding is folded back onto the periodic grid once.

    ``tolerance`` (eV), where given, stops each kind of atom's sum where its pair energy stays below it (a Morse
    tail ends near 6 Å, a screened repulsion later), each kind on the offsets within its own reach: measured,
    not the default (BENCHMARKS.md, *Bond-valence grid shortcuts*)."""
    framework = [site for site in decorated if element_of(site.specie) != ion]
    z = [Element(element_of(site.specie)).Z for site in framework]
    q = np.array([float(site.specie.oxi_state) for site in framework])
    lattice = decorated.lattice.matrix
    steps = np.array([int(length // resolution) for length in decorated.lattice.abc]) - 1  # the last plane repeats
    step_vectors = lattice / steps[:, None]  # one grid step along each axis, Å
    reach = np.ceil(cutoff * np.linalg.norm(np.linalg.inv(step_vectors), axis=0)).astype(int) + 1
    pair_energy = _pair_energy(ion, charge)
    if np.prod(2 * reach + 1) > MAX_OFFSETS:
        return _point_by_point(decorated, framework, z, q, steps, pair_energy, cutoff)
    offsets = np.stack(np.meshgrid(*[np.arange(-k, k + 1) for k in reach], indexing="ij"), axis=-1).reshape(-1, 3)
    corners = np.stack(np.meshgrid(*[[0, 1]] * 3, indexing="ij"), axis=-1).reshape(-1, 3) @ step_vectors
    farthest = np.linalg.norm(corners, axis=1).max()  # an atom lies at most this far from its grid cell's corner
    offsets = offsets[np.linalg.norm(offsets @ step_vectors, axis=1) < cutoff + farthest]
    vectors = offsets @ step_vectors
    squared = (vectors ** 2).sum(axis=1)
    # padded to whole periods, so that folding is a reshape and a sum
    padded_shape = steps * -(-(steps + 2 * reach) // steps)
    padded = np.zeros(int(np.prod(padded_shape)))
    strides = np.array([padded_shape[1] * padded_shape[2], padded_shape[2], 1])
    flat_offsets = (offsets + reach) @ strides
    scaled = np.array([site.frac_coords for site in framework]) % 1.0 * steps
    reaches = {} if tolerance is None else {kind: _reach(pair_energy, *kind, tolerance, cutoff)
                                            for kind in set(zip(z, q)) if kind[1] * charge != 0}
    within: dict[float, tuple] = {cutoff: (vectors, squared, flat_offsets)}  # each reach's offsets, grid order kept
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        for j, position in enumerate(scaled):
            if q[j] * charge == 0:
                continue
            reach_j = reaches.get((z[j], q[j]), cutoff)
            if reach_j not in within:
                keep = squared < (reach_j + farthest) ** 2
                within[reach_j] = (vectors[keep], squared[keep], flat_offsets[keep])
            v, s, f = within[reach_j]
            corner = np.floor(position).astype(int)
            shift = (position - corner) @ step_vectors
            r = np.sqrt(np.maximum(s - 2.0 * (v @ shift) + shift @ shift, 0.0))
            near = r < reach_j
            padded[f[near] + corner @ strides] += pair_energy(r[near], z[j], q[j])
    folded = padded.reshape(padded_shape[0] // steps[0], steps[0], padded_shape[1] // steps[1], steps[1],
                            padded_shape[2] // steps[2], steps[2]).sum(axis=(0, 2, 4))
    grid = np.roll(folded, -reach, axis=(0, 1, 2))  # padded index i + reach is grid index i
    return np.pad(grid, [(0, 1)] * 3, mode="wrap")  # bvlain's shape: the first plane repeated at the end


def _reach(pair_energy, z: int, q: float, tolerance: float, cutoff: float) -> float:
    """The distance (Å) beyond which one atom's pair energy stays below ``tolerance`` in size, up to ``cutoff``."""
    r = np.arange(0.5, cutoff, 0.01)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        above = np.flatnonzero(np.abs(pair_energy(r, z, q)) >= tolerance)
    return cutoff if not above.size else min(cutoff, float(r[above[-1]]) + 0.01)


def _pair_energy(ion: str, charge: int):
    """The mobile ion's energy at distances ``r`` from one framework atom (element number, oxidation state), in
    bvlain's form: the Morse attraction of a counter-charged atom, the screened Coulomb repulsion of a
    like-charged one."""
    from ase.data import covalent_radii

    cations, anions, quantum = softbv_tables()
    z_mobile = Element(ion).Z
    morse = (cations if charge > 0 else anions)[z_mobile][charge]

    def energy(r: np.ndarray, z: int, q: float) -> np.ndarray:
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            if q * charge < 0:
                p = morse[z][q]  # a KeyError names the pair without parameters, as bvlain's does
                return p["d0"] * ((np.exp(p["alpha"] * (p["r_min"] - r)) - 1.0) ** 2 - 1.0) / 2.0
            return (COULOMB_EV_A * charge * q / np.sqrt(quantum[z_mobile] * quantum[z]) / r
                    * erfc(r / (SCREENING * (covalent_radii[z_mobile] + covalent_radii[z]))))

    return energy


def _point_by_point(decorated: Structure, framework: list, z: list[int], q: np.ndarray, steps: np.ndarray,
                    pair_energy, cutoff: float) -> np.ndarray:
    """The same sum as ``_atom_by_atom``, from the grid points' side: each point's framework atoms within
    ``cutoff`` by pymatgen's C neighbour search, a block of points at a time. Used where the cell is so oblique
    that the box of grid offsets around one atom would not fit in memory (a cell with angles near 20° needs
    hundreds of millions); slower per point, flat in memory."""
    lattice = decorated.lattice.matrix
    index = np.stack(np.meshgrid(*[np.arange(n) for n in steps], indexing="ij"), axis=-1).reshape(-1, 3)
    points = (index / steps) @ lattice
    atoms = np.array([site.frac_coords for site in framework]) % 1.0 @ lattice
    per_point = len(framework) / abs(np.linalg.det(lattice)) * 4.0 / 3.0 * np.pi * cutoff ** 3
    block = max(1, int(MAX_PAIRS // max(per_point, 1.0)))
    grid = np.zeros(len(points))
    kind_of = {k: i for i, k in enumerate(sorted({(z[j], q[j]) for j in np.flatnonzero(q != 0)}))}
    atom_kind = np.array([kind_of.get((z[j], q[j]), -1) for j in range(len(framework))])
    for start in range(0, len(points), block):
        chunk = points[start:start + block]
        centre, atom, _, r = periodic_neighbours(decorated.lattice, atoms, chunk, cutoff)
        keep = r < cutoff
        centre, atom, r = centre[keep], atom[keep], r[keep]
        for (zk, qk), k in kind_of.items():
            mine = atom_kind[atom] == k
            grid[start:start + block] += np.bincount(centre[mine], weights=pair_energy(r[mine], zk, qk),
                                                     minlength=len(chunk))
    return np.pad(grid.reshape(steps), [(0, 1)] * 3, mode="wrap")


def plain_reason(exc: Exception) -> str:
    """An exception of a library as a sentence a user reads: its first line, without Python's spelling of
    numbers (``np.float64(-1.0)``) or of a missing key (``'oxi_states'``)."""
    if isinstance(exc, KeyError) and exc.args:
        text = f"no data for {exc.args[0]}"
    else:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return re.sub(r"np\.\w+\(([^()]*)\)", r"\1", text)
