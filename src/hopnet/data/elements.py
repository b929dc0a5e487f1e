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

MAX_Z = 94
TABLE_FILE = "element_features.csv"
_CONTINUOUS = ["X", "atomic_radius", "log_mass", "ionization_energy", "electron_affinity", "mendeleev_no", "valence"]


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
    mean, std = np.nanmean(cont[1:], axis=0), np.nanstd(cont[1:], axis=0)
    cont = np.nan_to_num((cont - mean) / std)  # missing values sit at the mean
    cont[0] = 0
    names = _CONTINUOUS + [f"group{i + 1}" for i in range(18)] + [f"period{i + 1}" for i in range(7)] + list("spdf")
    return names, np.hstack([cont, group, period, block]).astype(np.float32)


@lru_cache(maxsize=1)
def element_table() -> np.ndarray:
    path = resources.files("hopnet.data") / "files" / TABLE_FILE
    return np.loadtxt(str(path), delimiter=",", skiprows=1, dtype=np.float32)


def write_element_table(path) -> None:
    names, table = build_element_table()
    np.savetxt(path, table, delimiter=",", header=",".join(names), comments="", fmt="%.6g")
