"""Structures shipped for examples and tests: olivine LiFePO4 (a Li hop of the training split).

``LiFePO4_initial.cif`` / ``LiFePO4_final.cif``: the relaxed endpoints of one hop;
``LiFePO4_host.cif``: the host with all its Li sites, for ``hopnet paths``.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def example_path(name: str) -> Path:
    """Path of a shipped example file, e.g. ``example_path("LiFePO4_host.cif")``."""
    path = Path(str(resources.files("hopnet.examples") / name))
    if not path.is_file():
        raise FileNotFoundError(f"no example {name!r}; shipped: "
                                + ", ".join(sorted(p.name for p in path.parent.glob("*.cif"))))
    return path
