"""bvlain's own BVSE engine (Dembitskiy et al., pip ``bvlain``): the reference hopnet's engine is held to, and
the whole-host percolation users run today.

hopnet's engine (``hopnet.chemistry.bvse``) sums bvlain's potentials with
bvlain's parameters on bvlain's grid points; bvlain's fills the same grid from
each point's 100 nearest atoms. Both read the host that
``hopnet.chemistry.bvse.decorated_host`` decorates (the same oxidation states,
ion charge and one-line failures), so their grids differ by the engines alone,
and bvlain's percolation reads bvlain's grid.
"""
from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field

import numpy as np
from pymatgen.core import Structure

from hopnet.chemistry.bvse import BvseRun, decorated_host
from hopnet.pathways.landscape import RESOLUTION, Landscape

DEFAULT_RESOLUTION = 0.2  # Å; bvlain's own default, used by the whole-host baseline


@dataclass
class BvlainRun(BvseRun):
    """A BVSE grid bvlain filled, with the calculator that holds it for bvlain's percolation."""

    calc: object = field(kw_only=True)  # bvlain.Lain

    def percolation(self) -> dict[int, float | None]:
        """bvlain's own percolation energies (eV) in 1, 2 and 3 dimensions; None where it never percolates."""
        with contextlib.redirect_stdout(io.StringIO()):
            energies = self.calc.percolation_barriers()
        return {d: float(energies[f"E_{d}D"]) if np.isfinite(energies[f"E_{d}D"]) else None for d in (1, 2, 3)}


def _one_thread_neighbours(core) -> None:
    """bvlain's neighbour search asks scipy for every core (``cKDTree.query(workers=-1)``); hopnet's parallelism
    is its processes, one thread each, so two benchmark workers would each take both cores. Hand bvlain a tree
    whose queries use one thread."""
    from scipy.spatial import cKDTree

    if getattr(core.cKDTree, "one_thread", False):
        return

    class OneThreadTree(cKDTree):
        one_thread = True

        def query(self, *args, **kwargs):
            return super().query(*args, **{**kwargs, "workers": 1})

    core.cKDTree = OneThreadTree


def run_bvlain(structure: Structure, ion: str, resolution: float = DEFAULT_RESOLUTION,
               source: str = "host") -> BvlainRun:
    """The BVSE grid of ``ion`` in ``structure`` (its ion sites filled), filled by bvlain; one line naming the
    reason where bond valences cannot describe the host, as for hopnet's engine."""
    from bvlain import Lain, core  # its import alone takes seconds: only where bvlain runs

    with decorated_host(structure, ion, source) as (decorated, charge, origin):
        _one_thread_neighbours(core)
        calc = Lain(verbose=False)
        calc.read_structure(decorated, oxi_check=False)
        calc.bvse_distribution(mobile_ion=f"{ion}{charge}+", resolution=resolution)
        return BvlainRun(np.asarray(calc.data, dtype=float), np.array(calc.cell[:], dtype=float), origin, calc=calc)


def bvlain_landscape(structure: Structure, ion: str, resolution: float = RESOLUTION,
                     source: str = "host") -> Landscape:
    """``hopnet.pathways.landscape.bvse_landscape`` on bvlain's grid."""
    return Landscape.from_run(run_bvlain(structure, ion, resolution, source))
