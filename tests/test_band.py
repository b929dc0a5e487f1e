import numpy as np
import pytest
from pymatgen.core import Lattice, Structure

from hopnet.errors import HopnetInputError
from hopnet.pathways.band import N_IMAGES, Band, band_from_endpoints, band_from_sites, interpolate


def test_interpolation_takes_the_shortest_periodic_image():
    images = interpolate(Lattice.cubic(4.0), [0.9, 0.5, 0.5], [0.1, 0.5, 0.5])
    assert images.shape == (N_IMAGES, 3)
    np.testing.assert_allclose(images[:, 0], [0.9, 0.95, 1.0, 1.05, 1.1])


@pytest.mark.parametrize("name", ["LiMn2O4", "Na3OCl", "CaCr2S3O12", "MgHo2S4"])
def test_endpoints_rebuild_the_dataset_band(name, endpoints, test_entries):
    initial, final, _ = endpoints[name]
    ref = next(e.band for e in test_entries if e.sys_name == name)
    band = band_from_endpoints(initial, final)
    assert band.ion == ref.ion
    assert len(band.host) == len(ref.host)
    assert band.hop_length == pytest.approx(ref.hop_length, abs=0.3)
    # the first image is the initial site exactly (the dataset's convention)
    d = band.host.lattice.get_all_distances(band.frac_images[:1], ref.frac_images[:1])
    assert d[0, 0] < 1e-6


def test_endpoint_matching_ignores_atom_order(endpoints):
    initial, final, _ = endpoints["Na3OCl"]
    shuffled = Structure.from_sites([final[i] for i in np.random.default_rng(0).permutation(len(final))])
    a, b = band_from_endpoints(initial, final), band_from_endpoints(initial, shuffled)
    np.testing.assert_allclose(a.frac_images, b.frac_images, atol=1e-9)


def test_band_structure_roundtrip(test_entries):
    band = test_entries[0].band
    again = Band.from_structure(band.to_structure())
    assert again.ion == band.ion and len(again.host) == len(band.host)
    np.testing.assert_allclose(again.frac_images, band.frac_images)


def _nacl():
    return Structure(Lattice.cubic(5.6), ["Na"] * 4 + ["Cl"] * 4,
                     [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5],
                      [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5], [0.5, 0.5, 0.5]])


def _vacancy_hop():
    initial = _nacl()
    initial.remove_sites([1])  # vacancy at (0.5, 0.5, 0)
    final = initial.copy()
    final.replace(0, "Na", [0.5, 0.5, 0.0])  # the Na at the origin hops into it
    return initial, final


def test_vacancy_hop_in_rock_salt():
    initial, final = _vacancy_hop()
    band = band_from_endpoints(initial, final, ion="Na")
    assert band.ion == "Na"
    assert band.hop_length == pytest.approx(5.6 / np.sqrt(2))


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda i, f: (i, f.copy().replace_species({"Cl": "Br"}) or f), "same atoms"),
        (lambda i, f: (i, Structure(Lattice.cubic(7.0), f.species, f.frac_coords)), "lattices differ"),
        (lambda i, f: (i, i.copy()), "no moving ion"),
        (lambda i, f: (i, _two_movers(f)), "several atoms move"),
    ],
)
def test_bad_endpoint_pairs_are_refused(mutate, message):
    initial, final = mutate(*_vacancy_hop())
    with pytest.raises(HopnetInputError, match=message):
        band_from_endpoints(initial, final, label="pair")


def _two_movers(final):
    out = final.copy()
    out.translate_sites([len(out) - 1], [0.0, 0.0, 0.45])  # a Cl moves as far as the Na does
    return out


def test_ion_absent_from_structure_is_refused():
    with pytest.raises(HopnetInputError, match="Mg is not in the structure"):
        band_from_endpoints(*_vacancy_hop(), ion="Mg")


def test_band_from_sites_refuses_coincident_sites():
    host = _nacl()
    host.remove_sites([0, 1])
    with pytest.raises(HopnetInputError, match="no hop"):
        band_from_sites(host, "Na", [0, 0, 0], [0.01, 0, 0])


def test_image_structures_put_the_ion_first_at_each_image(test_entries):
    band = test_entries[0].band
    images = band.image_structures()
    assert len(images) == 5 and all(len(s) == len(band.host) + 1 for s in images)
    assert all(s[0].specie.symbol == band.ion for s in images)
    np.testing.assert_allclose(images[2][0].frac_coords % 1, band.frac_images[2] % 1, atol=1e-9)
