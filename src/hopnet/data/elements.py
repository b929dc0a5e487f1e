"""Fixed per-element input features (Z = 1..94).

A learned embedding per element would see most elements only a handful of
times in 559 paths; physical descriptors let the model share what it learns
across chemically similar elements. The table is generated once from pymatgen
by :func:`build_element_table` and shipped, so that a pymatgen upgrade cannot
silently change the inputs of a trained model.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np

from hopnet.chemistry.charges import crystal_radius, host_charge

MAX_Z = 94
TABLE_FILE = "element_features.csv"
IONIC_TABLE_FILE = "element_ionic_features.csv"
_CONTINUOUS = ["X", "atomic_radius", "log_mass", "ionization_energy", "electron_affinity", "mendeleev_no", "valence"]


def _standardised(cont: np.ndarray) -> np.ndarray:
    """Each column to zero mean and unit spread over the elements; a missing value sits at the mean, row 0 at 0."""
    mean, std = np.nanmean(cont[1:], axis=0), np.nanstd(cont[1:], axis=0)
    cont = np.nan_to_num((cont - mean) / std)
    cont[0] = 0
    return cont


def build_element_table() -> tuple[list[str], np.ndarray]:
    """Column names and a (MAX_Z + 1, n) table; row 0 is padding."""
    from pymatgen.core.periodic_table import Element

    cont = np.full((MAX_Z + 1, len(_CONTINUOUS)), np.nan)
    group = np.zeros((MAX_Z + 1, 18))
    period = np.zeros((MAX_Z + 1, 7))
    block = np.zeros((MAX_Z + 1, 4))
    for z in range(1, MAX_Z + 1):
        el = Element.from_Z(z)
        outer = [e for e in el.full_electronic_structure if e[0] == max(s[0] for s in el.full_electronic_structure)]
        values = [
            el.X,
            el.atomic_radius,
            np.log(float(el.atomic_mass)),
            el.ionization_energy,
            el.electron_affinity,
            el.mendeleev_no,
            sum(e[2] for e in outer),
        ]
        cont[z] = [np.nan if v is None else float(v) for v in values]
        group[z, el.group - 1] = 1
        period[z, el.row - 1] = 1
        block[z, "spdf".index(el.block)] = 1
    cont = _standardised(cont)
    names = _CONTINUOUS + [f"group{i + 1}" for i in range(18)] + [f"period{i + 1}" for i in range(7)] + list("spdf")
    return names, np.hstack([cont, group, period, block]).astype(np.float32)


_IONIC = ["charge", "crystal_radius", "ionic_potential", "bv_r_min_O", "bv_alpha_O", "bv_d0_O"]


def build_ionic_table() -> tuple[list[str], np.ndarray]:
    """Descriptors of each element *as an ion*, (MAX_Z + 1, n); row 0 is padding.

    The atomic table tells Li from Na by electronegativity and atomic radius; what sets a hop's barrier is the
    ion: its charge (``host_charge``), its size (Shannon crystal radius at that charge) and, for a cation, how
    stiffly it binds oxygen (the softBV Morse parameters of Chen and Adams against O2-, as bvlain ships them,
    MIT, vendored in ``files/``). These let a model place an ion it never trained on (Zn2+ beside Mg2+, K+
    beyond Na+) instead of extrapolating one-hot columns. Read when the table is built, never at run time. A
    missing value sits at its column's mean.
    """
    from pymatgen.core.periodic_table import Element

    from hopnet.chemistry.bvse import softbv_tables

    softbv, _, _ = softbv_tables()
    cont = np.full((MAX_Z + 1, len(_IONIC)), np.nan)
    for z in range(1, MAX_Z + 1):
        el = Element.from_Z(z)
        q = host_charge(el)
        if q is None:
            continue
        radius = crystal_radius(el, q)
        with_o = softbv.get(z, {}).get(q, {}).get(8, {}).get(-2) if q > 0 else None
        cont[z] = [q, np.nan if radius is None else radius, np.nan if radius is None else q / radius,
                   *([with_o[k] for k in ("r_min", "alpha", "d0")] if with_o else [np.nan] * 3)]
    return _IONIC, _standardised(cont).astype(np.float32)


def _read_table(name: str) -> np.ndarray:
    path = resources.files("hopnet.data") / "files" / name
    return np.loadtxt(str(path), delimiter=",", skiprows=1, dtype=np.float32)


@lru_cache(maxsize=1)
def element_table() -> np.ndarray:
    return _read_table(TABLE_FILE)


@lru_cache(maxsize=1)
def ionic_table() -> np.ndarray:
    return _read_table(IONIC_TABLE_FILE)


def write_element_table(path, ionic: bool = False) -> None:
    names, table = build_ionic_table() if ionic else build_element_table()
    np.savetxt(path, table, delimiter=",", header=",".join(names), comments="", fmt="%.6g")
