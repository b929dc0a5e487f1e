"""Carriers: how full the ion's sublattice is, and the carrier gap on the landscape."""
import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from hopnet.pathways.carriers import Carriers, position_occupancy
from hopnet.pathways.network import HopNetwork, Orderings


def rock_salt(li=1.0) -> Structure:
    return Structure.from_spacegroup("Fm-3m", Lattice.cubic(4.2), [{"Li": li} if li < 1 else "Li", "F"],
                                     [[0, 0, 0], [0.5, 0.5, 0.5]])


def test_a_full_sublattice_must_make_carriers_and_a_half_filled_one_has_them():
    full = Carriers.of(HopNetwork.from_host(rock_salt(), "Li", 3.5), None)
    assert (full.ions, full.sites, full.occupancy, full.full, full.gap) == (4, 4, 1.0, True, None)
    assert "every site full: carriers must be made" in full.describe("Li")
    half = Carriers.of(HopNetwork.from_host(rock_salt(0.5) * 2, "Li", 3.5, Orderings(3, 0)), None)
    assert half.ions == 16 and half.sites == 32 and half.occupancy == pytest.approx(0.5) and not half.full


def test_a_site_shared_with_another_species_counts_as_held():
    """Li4Ti5O12: 16d holds Li or Ti, every site full; its sublattice has no vacancies to hop into."""
    spinel = Structure.from_spacegroup("Fd-3m", Lattice.cubic(8.36), ["Li", {"Li": 1 / 6, "Ti": 5 / 6}, "O"],
                                       [[0, 0, 0], [0.625] * 3, [0.3875] * 3])
    carriers = Carriers.of(HopNetwork.from_host(spinel, "Li", 3.8), None)
    assert carriers.sites == 72 and carriers.ions == 32 and carriers.full  # three cells make the 16d Li whole


def test_the_carrier_gap_counts_only_the_sites_the_ion_holds():
    """On 16d of Li4Ti5O12 an ordering puts Ti on five sites in six: Li's energy inside a Ti atom (tens of eV) is
    no site the ion holds, and no cost of making a carrier. Counted as one, the gap read about -30 eV."""
    from hopnet.pathways.landscape import bvse_landscape

    spinel = Structure.from_spacegroup("Fd-3m", Lattice.cubic(8.36), ["Li", {"Li": 1 / 6, "Ti": 5 / 6}, "O"],
                                       [[0, 0, 0], [0.625] * 3, [0.3875] * 3])
    network = HopNetwork.from_host(spinel, "Li", 3.8)
    carriers = Carriers.of(network, bvse_landscape(network.environments[0], "Li"))
    assert carriers.gap is None or -5.0 < carriers.gap < 5.0


def test_a_file_without_the_ion_has_unknown_carriers():
    fluoride = Structure.from_spacegroup("Fm-3m", Lattice.cubic(5.46), ["Ca", "F"], [[0, 0, 0], [0.25] * 3])
    carriers = Carriers.of(HopNetwork.from_host(fluoride, "Li", 3.5), None)
    assert carriers.sites == 0 and not carriers.full and "carriers are unknown" in carriers.describe("Li")


def test_the_carrier_gap_is_an_empty_minimum_above_the_occupied_sites_of_olivine():
    from hopnet.examples import example_path
    from hopnet.pathways.landscape import bvse_landscape

    lfp = Structure.from_file(example_path("LiFePO4_host.cif"))
    network = HopNetwork.from_host(lfp, "Li", 5.0)
    carriers = Carriers.of(network, bvse_landscape(lfp, "Li"))
    assert carriers.full and carriers.gap is not None and 0.0 < carriers.gap < 2.0
    assert np.isfinite(carriers.gap)


def test_the_position_occupancy_reads_the_files_positions_apart():
    """A split pair of half-filled Li positions is one site to the network, but two half-filled positions of the
    file: the disorder the diffraction saw stays visible to the conductor answer."""
    split = Structure(Lattice.cubic(6.0), [{"Li": 0.5}, {"Li": 0.5}, "Cl"], [[0, 0, 0], [0.1, 0, 0], [0.5, 0.5, 0.5]])
    assert position_occupancy(split, "Li") == pytest.approx(0.5)
    assert position_occupancy(rock_salt(), "Li") == 1.0 and position_occupancy(rock_salt(), "Na") is None
    carriers = Carriers.of(HopNetwork.from_host(rock_salt(0.5) * 2, "Li", 3.5, Orderings(3, 0)), None, rock_salt(0.5))
    assert carriers.position_occupancy == pytest.approx(0.5) and "positions are 0.50 occupied" in carriers.describe("Li")


def test_the_ion_density_does_not_depend_on_how_the_file_draws_the_positions():
    """One Li drawn on one full position, or split over two half positions 0.8 Å apart (as a garnet's 96h
    against its 48g): the position occupancy is 1 or 0.5, the ions per nm3 are the same."""
    cl = [0.5, 0.5, 0.5]
    whole = Structure(Lattice.cubic(6.0), ["Li", "Cl"], [[0, 0, 0], cl])
    split = Structure(Lattice.cubic(6.0), [{"Li": 0.5}, {"Li": 0.5}, "Cl"], [[0, 0, 0], [0.8 / 6, 0, 0], cl])
    drawn = [Carriers.of(HopNetwork.from_host(s, "Li", 6.5, Orderings(3, 0)), None, s) for s in (whole, split)]
    assert [c.position_occupancy for c in drawn] == pytest.approx([1.0, 0.5])
    assert drawn[0].density == pytest.approx(drawn[1].density) == pytest.approx(1000 / 216)
