import numpy as np
import pytest

from hopnet_repro.baselines.chgnet_features import profile_descriptors
from hopnet_repro.baselines.descriptors import band_descriptors, descriptor_names


def test_descriptors_measure_the_path(test_entries):
    names = descriptor_names()
    for entry in test_entries[:10]:
        d = dict(zip(names, band_descriptors(entry.band)))
        assert len(d) == len(names)
        assert d["hop_length"] == pytest.approx(entry.band.hop_length)
        # the bottleneck is the tightest point of the path: no looser than either end
        assert d["bottleneck"] <= min(d["d_nn_start"], d["d_nn_mid"]) + 1e-9
        assert d["ion_charge"] in (1, 2, 3)


def test_descriptors_are_invariant_to_host_atom_order(test_entries):
    band = test_entries[0].band
    shuffled = band.host.copy()
    order = np.random.default_rng(0).permutation(len(shuffled))
    shuffled = shuffled.from_sites([shuffled[i] for i in order])
    moved = type(band)(shuffled, band.ion, band.frac_images)
    np.testing.assert_allclose(band_descriptors(band), band_descriptors(moved), atol=1e-5)  # float32 sums


def test_static_profile_descriptors():
    energy = np.array([[-10.0, -9.5, -9.0, -9.5, -10.0], [-5.0, -4.0, 3.0, -4.0, -4.5]])
    barrier, log_barrier, asym, _ = profile_descriptors(energy).T
    np.testing.assert_allclose(barrier, [1.0, 8.0])
    np.testing.assert_allclose(log_barrier, np.log1p([1.0, 8.0]))
    np.testing.assert_allclose(asym, [0.0, 0.5])
