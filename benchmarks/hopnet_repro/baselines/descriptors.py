"""Hand-crafted path descriptors for the classical-ML baseline.

What a materials scientist would reach for first: the ion (charge, size,
electronegativity), the hop length, how tight the path is (bottleneck: the
closest any host atom comes to the straight path), the coordination of the
ion at both ends and at the midpoint, and composition statistics of the host.
"""
from __future__ import annotations

import numpy as np

from hopnet.chemistry.charges import host_charge
from hopnet.data.elements import element_table
from hopnet.pathways.band import Band
from hopnet.vocabulary import elements_of

PATH_SAMPLES = 21
COORDINATION_RADIUS = 3.0  # Å; first shell of a cation
_TABLE_COLUMNS = 7  # the continuous element descriptors (electronegativity, radius, mass, IE, EA, Mendeleev, valence)


def descriptor_names() -> list[str]:
    path = ["ion_charge", "hop_length", "bottleneck", "bottleneck_anion", "mean_path_clearance",
            "cn_start", "cn_mid", "cn_end", "d_nn_start", "d_nn_mid", "volume_per_atom", "ion_fraction"]
    ion = [f"ion_el{i}" for i in range(_TABLE_COLUMNS)]
    comp = [f"host_{s}_el{i}" for s in ("mean", "std", "min", "max") for i in range(_TABLE_COLUMNS)]
    return path + ion + comp


def band_descriptors(band: Band) -> np.ndarray:
    host = band.host
    table = element_table()[:, :_TABLE_COLUMNS]
    z = np.array([site.specie.Z for site in host])
    t = np.linspace(0, 1, PATH_SAMPLES)[:, None]
    start, end = band.frac_images[0], band.frac_images[-1]
    points = start + t * (end - start)  # images are already the shortest periodic image
    dist = host.lattice.get_all_distances(points, host.frac_coords)  # (samples, atoms)
    x = element_table()[:, 0]
    ion_z = _z(band.ion)
    anion = x[z] > x[ion_z] + 0.5  # more electronegative than the ion by a margin: the anion framework
    mid = PATH_SAMPLES // 2
    clearance = dist.min(axis=1)
    feats = [
        host_charge(band.ion), band.hop_length, clearance.min(),
        dist[:, anion].min() if anion.any() else clearance.min(), clearance.mean(),
        np.sum(dist[0] < COORDINATION_RADIUS), np.sum(dist[mid] < COORDINATION_RADIUS),
        np.sum(dist[-1] < COORDINATION_RADIUS), dist[0].min(), dist[mid].min(),
        host.volume / len(host), np.mean(np.array(elements_of(host)) == band.ion),
    ]
    host_el = table[z]
    comp = np.concatenate([host_el.mean(0), host_el.std(0), host_el.min(0), host_el.max(0)])
    return np.concatenate([np.array(feats, dtype=float), table[ion_z], comp])


def _z(symbol: str) -> int:
    from pymatgen.core.periodic_table import Element

    return Element(symbol).Z
