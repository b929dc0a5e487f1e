"""The 619 literature DFT-NEB barriers with the paper's 559/60 split.

Source: Devi, Butler, Sai Gautam, arXiv 2508.06459 (dataset) and 2508.06436
(models); MIT licence, see ``files/LICENSE-barriers``. Shipped gzipped and
unchanged.
"""
from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
from pymatgen.core import Composition, Lattice, Structure

from hopnet.errors import HopnetInputError
from hopnet.pathways.band import Band

Split = Literal["train", "test"]
_FILES = {"train": "barriers_band_train.json.gz", "test": "barriers_band_test.json.gz"}


@dataclass(frozen=True)
class BarrierEntry:
    jid: str  # the entry's id: any string ("42", "mp-1234", "Li3PS4_b")
    sys_name: str
    family: str  # the dataset's "class": structural family
    formula: str
    em: float | None  # DFT barrier (eV); None for unlabelled user input
    band: Band

    @property
    def ion(self) -> str:
        return self.band.ion


def structure_from_atoms(atoms: dict) -> Structure:
    """A pymatgen Structure from a JARVIS-style ``atoms`` dict."""
    lattice = Lattice(np.array(atoms["lattice_mat"], dtype=float))
    return Structure(lattice, atoms["elements"], atoms["coords"], coords_are_cartesian=bool(atoms.get("cartesian")))


def _open(name_or_path: str | Path):
    path = Path(name_or_path)
    if path.exists():
        return gzip.open(path, "rt") if path.suffix == ".gz" else open(path)
    return gzip.open(resources.files("hopnet.data") / "files" / str(name_or_path), "rt")


def read_band_records(records: list[dict], source: str = "data") -> list[BarrierEntry]:
    """Entries of the barrier set's band format; ids and names must be unique within one file."""
    seen: dict[str, set[str]] = {"jid": set(), "sys_name": set()}
    entries = []
    for i, rec in enumerate(records):
        jid = str(rec.get("jid", i))
        name = str(rec.get("sys_name", jid))
        for key, value in (("jid", jid), ("sys_name", name)):
            if key in rec and value in seen[key]:
                raise HopnetInputError(source, f"duplicate {key} {value!r} (entry {i}); ids must be unique in one file")
            seen[key].add(value)
        band = Band.from_structure(structure_from_atoms(rec["atoms"]), label=f"{source}[{name}]")
        target = rec.get("target")
        entries.append(
            BarrierEntry(
                jid=jid,
                sys_name=name,
                family=str(rec.get("class", "")),
                formula=str(rec.get("formula", band.host.composition.formula)),
                em=None if target is None else float(target),
                band=band,
            )
        )
    return entries


def framework_formula(composition: Composition, ion: str) -> str:
    """A host's identity apart from how much ion it holds: the reduced formula of everything but the ion
    (FePO4 for LiFePO4, Li0.5FePO4 and an FePO4 with one inserted Li)."""
    return Composition({el: amount for el, amount in composition.element_composition.items()
                        if el.symbol != ion}).reduced_formula


@lru_cache(maxsize=1)
def training_frameworks() -> Counter:
    """Paths of the training split per (framework formula, ion), read from the raw records (no bands built):
    the first site of each record is the moving ion."""
    with _open(_FILES["train"]) as fh:
        records = json.load(fh)
    return Counter((framework_formula(Composition(Counter(r["atoms"]["elements"])), r["atoms"]["elements"][0]),
                    r["atoms"]["elements"][0]) for r in records)


@lru_cache(maxsize=4)
def _load(split: Split) -> tuple[BarrierEntry, ...]:
    with _open(_FILES[split]) as fh:
        return tuple(read_band_records(json.load(fh), source=split))


def load_barriers(split: Split) -> list[BarrierEntry]:
    """The paper's training (559) or test (60) band inputs."""
    if split not in _FILES:
        raise ValueError(f"split must be one of {sorted(_FILES)}, got {split!r}")
    return list(_load(split))


def load_endpoints() -> list[tuple[str, Structure, Structure, float]]:
    """The 60 test paths as separately relaxed (sys_name, initial, final, Em)."""
    with _open("barriers_endpoints_test.json.gz") as fh:
        records = json.load(fh)
    return [
        (r["sys_name"], structure_from_atoms(r["atoms_ini"]), structure_from_atoms(r["atoms_fin"]), float(r["target"]))
        for r in records
    ]


@lru_cache(maxsize=2)
def data_hash(split: Split) -> str:
    """SHA-256 of the shipped (decompressed) split file; goes into model cards."""
    with _open(_FILES[split]) as fh:
        return hashlib.sha256(fh.read().encode()).hexdigest()


def host_key(band: Band) -> str:
    """Identity of a host structure: its species and cell, rounded.

    Two paths in the same frozen host (different hops, or different ions
    removed from the same parent) share the key.
    """
    lat = np.round(np.array(band.host.lattice.abc + band.host.lattice.angles), 1)
    return f"{band.host.composition.reduced_formula}|{band.ion}|" + ",".join(f"{v:g}" for v in lat)


def host_groups(entries: list[BarrierEntry]) -> np.ndarray:
    """Integer group id per entry; entries sharing a host share the id."""
    keys: dict[str, int] = {}
    return np.array([keys.setdefault(host_key(e.band), len(keys)) for e in entries])
