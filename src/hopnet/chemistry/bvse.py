"""The one door to bvlain (Dembitskiy et al., pip ``bvlain``): the mobile ion's bond-valence site energy.

Every use of bvlain in hopnet and its benchmarks (each hop's channel, the
whole-host percolation baseline) goes through ``run_bvse``, so all of them read
the same oxidation states (``chemistry.oxidation``) and the same mobile-ion
charge, and a failure reads the same way.
"""
from __future__ import annotations

import contextlib
import io
import re
import warnings
from dataclasses import dataclass

import numpy as np
from pymatgen.core import Structure

from hopnet.chemistry.charges import mobile_charge
from hopnet.chemistry.oxidation import OxidationOrigin, with_oxidation_states
from hopnet.errors import HopnetInputError

DEFAULT_RESOLUTION = 0.2  # Å; bvlain's own default, used by the whole-host baseline


@dataclass
class BvseRun:
    """bvlain's calculator after its BVSE grid, and where the oxidation states it used came from."""

    calc: object  # bvlain.Lain
    origin: OxidationOrigin

    def grid(self) -> np.ndarray:
        """The energy grid (eV); bvlain's grid spans [0, 1] on each axis with both ends included."""
        return np.asarray(self.calc.data, dtype=float)

    def lattice(self) -> np.ndarray:
        return np.array(self.calc.cell[:], dtype=float)

    def percolation(self) -> dict[int, float | None]:
        """bvlain's own percolation energies (eV) in 1, 2 and 3 dimensions; None where it never percolates."""
        with contextlib.redirect_stdout(io.StringIO()):
            energies = self.calc.percolation_barriers()
        return {d: float(energies[f"E_{d}D"]) if np.isfinite(energies[f"E_{d}D"]) else None for d in (1, 2, 3)}


def _one_thread_neighbours(core) -> None:
    """bvlain's neighbour search asks scipy for every core (``cKDTree.query(workers=-1)``); hopnet's parallelism
    is its processes, one thread each, so two screen workers would each take both cores. Hand bvlain a tree
    whose queries use one thread."""
    from scipy.spatial import cKDTree

    if getattr(core.cKDTree, "one_thread", False):
        return

    class OneThreadTree(cKDTree):
        one_thread = True

        def query(self, *args, **kwargs):
            return super().query(*args, **{**kwargs, "workers": 1})

    core.cKDTree = OneThreadTree


def run_bvse(structure: Structure, ion: str, resolution: float = DEFAULT_RESOLUTION,
             source: str = "host") -> BvseRun:
    """The BVSE grid of ``ion`` in ``structure`` (its ion sites filled). A host whose oxidation states cannot
    be found, or an element without bond-valence parameters, is one line naming the reason."""
    try:
        from bvlain import Lain, core
    except ImportError:
        raise HopnetInputError(source, "the bond-valence landscape needs bvlain: pip install bvlain") from None
    _one_thread_neighbours(core)
    calc = Lain(verbose=False)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            absent = None if ion in {el.symbol for el in structure.composition.elements} else ion
            decorated, origin = with_oxidation_states(structure, absent)
            calc.read_structure(decorated, oxi_check=False)
            calc.bvse_distribution(mobile_ion=f"{ion}{mobile_charge(decorated, ion)}+", resolution=resolution)
    except (ValueError, KeyError, IndexError) as exc:
        raise HopnetInputError(source, f"no bond-valence landscape for {ion} ({plain_reason(exc)})") from None
    return BvseRun(calc, origin)


def plain_reason(exc: Exception) -> str:
    """An exception of a library as a sentence a user reads: its first line, without Python's spelling of
    numbers (``np.float64(-1.0)``) or of a missing key (``'oxi_states'``)."""
    if isinstance(exc, KeyError) and exc.args:
        text = f"no data for {exc.args[0]}"
    else:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return re.sub(r"np\.\w+\(([^()]*)\)", r"\1", text)
