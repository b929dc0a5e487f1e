"""Bond-valence site energy (BVSE) percolation barriers with bvlain, a baseline users run today.

BVSE gives the lowest energy at which the mobile ion's low-energy regions
connect into a 1D, 2D or 3D network for the whole host, not the barrier of one
named hop; the benchmark compares its 1D percolation energy with the DFT Em
of each test path. hopnet itself checks each hop's channel on a BVSE grid with bvlain's parameters
(``hopnet.pathways.landscape``), filled by its own engine; bvlain's engine is ``bvlain_engine``.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from pymatgen.core import Structure

from hopnet.errors import HopnetInputError
from hopnet.pathways.band import Band
from hopnet.pathways.landscape import Landscape, bvse_landscape
from hopnet_repro.baselines.bvlain_engine import DEFAULT_RESOLUTION, run_bvlain


def pristine_hosts(band: Band) -> list[Structure]:
    """Hosts to try for a dataset band, in order: both end sites filled (the pristine crystal of a vacancy
    hop, where bond-valence oxidation states balance), then the ion at the first end only (a charged host)."""
    ion_at_start = band.image_structure(0)
    pristine = ion_at_start.copy()
    pristine.insert(0, band.ion, band.frac_images[-1])
    return [pristine, ion_at_start]


def band_landscape(band: Band, landscape: Callable[..., Landscape] = bvse_landscape) -> tuple[Landscape, str] | None:
    """The BVSE landscape for a dataset band's hop (hopnet's, or ``bvlain_engine.bvlain_landscape``), from the
    first host of ``pristine_hosts`` that has one, and which host that was."""
    for host, kind in zip(pristine_hosts(band), ("both sites filled", "start site filled")):
        try:
            return landscape(host, band.ion, source=band.label), kind
        except HopnetInputError:
            continue
    return None


def bvse_barriers(band: Band, resolution: float = DEFAULT_RESOLUTION) -> dict[str, float]:
    """Percolation energies (eV) of the band's ion in its host, and the seconds taken.

    The host is given both endpoint sites filled (the pristine crystal of a
    vacancy hop), where oxidation states balance; if bond valences cannot
    describe it, with the ion at the first endpoint only (a charged host's one
    ion). Oxidation states and the ion's charge as everywhere in hopnet
    (``hopnet.chemistry.bvse.decorated_host``).
    """
    t0 = time.perf_counter()
    pristine, ion_at_start = pristine_hosts(band)
    try:
        run = run_bvlain(pristine, band.ion, resolution, source=band.label)
    except HopnetInputError:
        run = run_bvlain(ion_at_start, band.ion, resolution, source=band.label)
    out = {f"E_{d}D": float("inf") if e is None else e for d, e in run.percolation().items()}
    out["seconds"] = time.perf_counter() - t0
    return out
