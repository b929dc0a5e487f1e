"""bvlain's own BVSE engine, the reference hopnet's engine and its vendored tables are held to."""
import pickle
from importlib import resources

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from hopnet.examples import example_path
from hopnet.pathways.hops import distinct_hops, enumerate_hops

pytest.importorskip("bvlain")


def test_the_vendored_tables_are_bvlains():
    from hopnet.chemistry.bvse import softbv_tables

    data = resources.files("bvlain") / "data"
    theirs = [pickle.loads((data / f"{name}.pkl").read_bytes()) for name in ("cation", "anion", "quantum_n")]
    assert list(softbv_tables()) == theirs


def _host(build: str) -> Structure:
    if build == "olivine":
        return Structure.from_file(example_path("LiFePO4_host.cif"))
    if build == "layered":  # ideal R-3m LiCoO2
        return Structure.from_spacegroup("R-3m", Lattice.hexagonal(2.816, 14.05), ["Li", "Co", "O"],
                                         [[0, 0, 0.5], [0, 0, 0], [0, 0, 0.2396]])
    return Structure.from_spacegroup("Fm-3m", Lattice.cubic(5.708), ["Li", "S"], [[0.25] * 3, [0, 0, 0]])


@pytest.mark.parametrize("build", ["olivine", "layered", "antifluorite"])
def test_hopnets_bvse_engine_agrees_with_bvlains_grid_and_hop_barriers(build):
    """The same points, parameters and potentials: bvlain sums each point's 100 nearest atoms, hopnet each atom's
    reach of 8 Å. Where either is low enough to matter (within 5 eV of the minimum) they agree to 0.01 eV, and so
    do the hop barriers read off them."""
    from hopnet.pathways.landscape import bvse_landscape
    from hopnet_repro.baselines.bvlain_engine import bvlain_landscape

    host = _host(build)
    ours, theirs = bvse_landscape(host, "Li"), bvlain_landscape(host, "Li")
    low = theirs.energy < theirs.energy.min() + 5.0
    assert ours.energy.shape == theirs.energy.shape
    assert np.abs(ours.energy - theirs.energy)[low].max() < 0.01
    assert ours.oxidation_states == theirs.oxidation_states
    hops = distinct_hops(host, enumerate_hops(host, "Li", 5.0), "Li")
    for d in hops:
        start, end = host.frac_coords[d.representative.start], host.frac_coords[d.representative.end]
        end = end + d.representative.image
        assert ours.hop_barrier(start, end) == pytest.approx(theirs.hop_barrier(start, end), abs=0.01)


def test_bvlain_searches_neighbours_on_one_thread():
    """bvlain asks scipy for every core; a benchmark worker must stay on its own."""
    from bvlain import core

    from hopnet_repro.baselines.bvlain_engine import run_bvlain

    rocksalt = Structure.from_spacegroup("Fm-3m", Lattice.cubic(4.03), ["Li", "F"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    energies = run_bvlain(rocksalt, "Li").percolation()
    assert set(energies) == {1, 2, 3}
    assert core.cKDTree.one_thread
    tree = core.cKDTree(np.random.default_rng(0).random((50, 3)))
    assert tree.query(np.zeros((4, 3)), k=2, workers=-1)[0].shape == (4, 2)


def test_a_host_bvlain_cannot_describe_is_one_line_as_for_hopnets_engine():
    from hopnet.chemistry.bvse import run_bvse
    from hopnet.errors import HopnetInputError
    from hopnet_repro.baselines.bvlain_engine import run_bvlain

    alloy = Structure(Lattice.cubic(4.0), ["Li", "Au"], [[0, 0, 0], [0.5, 0.5, 0.5]])  # no oxidation states
    with pytest.raises(HopnetInputError) as ours:
        run_bvse(alloy, "Li", 0.25, source="LiAu.cif")
    with pytest.raises(HopnetInputError) as theirs:
        run_bvlain(alloy, "Li", source="LiAu.cif")
    assert str(ours.value) == str(theirs.value)
    assert str(ours.value).startswith("LiAu.cif: no bond-valence landscape for Li (")
