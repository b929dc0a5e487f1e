"""The memory a host's analysis will take, estimated from its cell before any of it is built.

Nearly all of it is the bond-valence grid of each environment (``chemistry.bvse``'s engine at
``pathways.landscape``'s resolution): a point every 0.25 Å along each axis, however few atoms the cell holds,
so a cell padded with vacuum (a slab, a molecule in a box, a 500 Å cube) asks for hundreds of GB and ends
in a MemoryError. The engine adds each atom's 8 Å reach into a copy of the grid padded by that reach to
whole periods (twice the grid along an axis longer than ~16 Å, more along a shorter one), folds it back, and
the landscape keeps one grid per environment. The other part that grows with the input is each hop's band
supercell (the cell repeated until it is more than twice the hop wide): kB to MB at the default longest hop,
but a long ``max_hop`` in a thin cell repeats the cell thousands of times.
"""
from __future__ import annotations

import numpy as np
from pymatgen.core import Lattice

from hopnet.chemistry.bvse import CUTOFF, MAX_OFFSETS, MAX_PAIRS
from hopnet.errors import HopnetInputError
from hopnet.pathways.disorder import MAX_ORDERING_ATOMS
from hopnet.pathways.hops import supercell_scaling
from hopnet.pathways.landscape import RESOLUTION

# GB of arrays one host's analysis may ask for. `hopnet screen` runs two workers side by side by default, and
# a worker already holds ~0.5 GB (the model, torch); 4 GB each keeps two within a 16 GB laptop.
# The largest real electrolyte needs 0.09 GB by this estimate (benchmarks/data/obelix_train/cifs/ix1.cif, a
# disordered 8.8 x 8.8 x 22 Å cell counted at its largest whole-atom repeat and three orderings), 45x below
# it: only a cell padded with vacuum or a long max_hop reaches it.
MEMORY_LIMIT_GB = 4.0
GRID_COPIES = 3  # grid-sized arrays alive beside the padded one as it is folded back, rolled and wrapped
POINT_BY_POINT_BYTES = 80  # per grid point where an oblique cell is summed point by point: its indices, their
# fractions and its Cartesian point (3 x 8 B each), and the grid
OFFSET_BYTES = 48  # per grid offset in the box around one atom, laid out once (its three indices, twice)
NEIGHBOUR_PAIR_BYTES = 64  # per point-atom pair of a point-by-point block (MAX_PAIRS at a time), and those kept
SUPERCELL_ATOM_BYTES = 120  # per atom of a band supercell while it is repeated and its end sites found (measured)
WHOLE_CELL_REPEATS = 4  # a disordered cell is repeated up to this many times along its shortest axis for
# whole atoms, while it stays within MAX_ORDERING_ATOMS (``pathways.disorder.whole_cell``)


def check_memory(lattice: Lattice, n_atoms: int, max_hop: float, orderings: int | None = None,
                 source: str = "host") -> float:
    """The estimated peak memory (GB) of analysing a host of ``n_atoms`` sites in ``lattice`` with hops up to
    ``max_hop`` Å, ``orderings`` sampled orderings where it is disordered (None: ordered, one landscape; a
    disordered host is counted at its largest whole-atom repeat, an upper bound); refused in one line, naming
    what needs it, above ``MEMORY_LIMIT_GB``."""
    repeat, landscapes = 1, 1
    if orderings is not None:
        repeat = max(1, min(WHOLE_CELL_REPEATS, MAX_ORDERING_ATOMS // max(n_atoms, 1)))
        landscapes = max(1, orderings)
    cell = Lattice(lattice.matrix * np.where(np.arange(3) == np.argmin(lattice.abc), repeat, 1)[:, None])
    grid = _grid_bytes(cell, landscapes) / 1e9
    supercell = SUPERCELL_ATOM_BYTES * n_atoms * repeat * float(np.prod(supercell_scaling(
        cell.get_lll_reduced_lattice(), max_hop))) / 1e9
    needed = max(grid, supercell)
    if needed > MEMORY_LIMIT_GB:
        size = f"~{needed:.0f} GB" if needed >= 10 else f"~{needed:.1f} GB"
        cell_text = " x ".join(f"{length:.4g}" for length in lattice.abc)
        if grid >= supercell:
            raise HopnetInputError(source, f"the bond-valence grid of this {cell_text} Å cell needs {size} (limit "
                                           f"{MEMORY_LIMIT_GB:g} GB); give the crystal's own cell: a cell padded "
                                           "with vacuum has no bulk to conduct through")
        raise HopnetInputError(source, f"the band supercell of a {max_hop:g} Å hop in this {cell_text} Å cell needs "
                                       f"{size} (limit {MEMORY_LIMIT_GB:g} GB); give a shorter --max-hop")
    return needed


def _grid_bytes(lattice: Lattice, landscapes: int) -> float:
    """Peak bytes of filling one environment's grid (laid out as ``chemistry.bvse._atom_by_atom`` lays it out)
    with ``landscapes`` grids kept in all."""
    steps = np.maximum(np.array([int(length // RESOLUTION) for length in lattice.abc]) - 1, 1)
    points = float(np.prod(steps.astype(float)))
    step_vectors = lattice.matrix / steps[:, None]
    reach = np.ceil(CUTOFF * np.linalg.norm(np.linalg.inv(step_vectors), axis=0)).astype(int) + 1
    box = float(np.prod((2 * reach + 1).astype(float)))
    if box > MAX_OFFSETS:
        filling = POINT_BY_POINT_BYTES * points + NEIGHBOUR_PAIR_BYTES * MAX_PAIRS
    else:
        padded = float(np.prod((steps * -(-(steps + 2 * reach) // steps)).astype(float)))
        filling = 8.0 * (padded + GRID_COPIES * points) + OFFSET_BYTES * box
    return filling + 8.0 * points * (landscapes - 1)  # the landscapes already filled are kept
