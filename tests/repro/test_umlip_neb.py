"""The NEB baseline's plumbing, with ASE's EMT potential standing in for CHGNet (fast, no extra install)."""
import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from hopnet.pathways.band import band_from_sites
from hopnet_repro.baselines.umlip_neb import neb_barrier


def test_vacancy_hop_in_copper_gives_a_symmetric_converged_barrier():
    emt = pytest.importorskip("ase.calculators.emt")
    fcc = Structure(Lattice.cubic(3.61), ["Cu"] * 4, [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]]) * 2
    d = fcc.distance_matrix[0]
    neighbour = int(np.argmin(np.where(d > 0, d, np.inf)))  # a nearest neighbour, 2.55 Å away
    assert d[neighbour] == pytest.approx(3.61 / 2**0.5, abs=1e-3)
    start, end = fcc.frac_coords[0].copy(), fcc.frac_coords[neighbour].copy()
    host = fcc.copy()
    host.remove_sites([0, neighbour])
    band = band_from_sites(host, "Cu", start, end)
    result = neb_barrier(band, emt.EMT(), fmax=0.05, max_steps=300)
    assert result.converged
    assert result.energies[0] == pytest.approx(result.energies[-1], abs=0.02)  # equivalent end sites
    assert 0.2 < result.barrier < 1.5  # EMT's Cu vacancy barrier is ~0.6-0.7 eV
    assert result.barrier == pytest.approx(max(result.energies) - result.energies[0])
