"""The seven bulk properties of multi-property pre-training (MPT).

Source: the public files of the MPT paper (npj Comput Mater 2024,
doi 10.1038/s41524-024-01486-1), MIT licence (``files/LICENSE-barriers``, same
group). Packed by ``scripts/vendor_pretraining.py``: 30,530 labels on 27,610
distinct structures; targets as published, min-max scaled to [-1, 1] per
property (the raw scales are not public, so errors are reported in that unit).
"""
from __future__ import annotations

import hashlib
import json
import lzma
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterator

import numpy as np
from pymatgen.core import Lattice, Structure

PROPERTIES = ("bg", "fe", "gv", "dc", "ph", "pz", "ebg")
PROPERTY_NAMES = {
    "bg": "band gap (PBE)", "fe": "formation energy per atom", "gv": "shear modulus (log10 GVRH)",
    "dc": "dielectric constant", "ph": "last phonon DOS peak", "pz": "piezoelectric modulus",
    "ebg": "experimental band gap",
}
VAL_EVERY = 10  # one structure in ten is held out: a fixed 90/10 split


@dataclass(frozen=True)
class PretrainEntry:
    structure: Structure
    targets: np.ndarray  # (len(PROPERTIES),) float32, NaN where the structure has no label
    is_val: bool


def _file():
    return resources.files("hopnet.data") / "files" / "pretraining.json.xz"


@lru_cache(maxsize=1)
def data_hash() -> str:
    return hashlib.sha256(_file().read_bytes()).hexdigest()


def _is_val(record: dict) -> bool:
    """Split by a hash of the structure, so it is the same on every machine and for every property."""
    key = json.dumps([record["lattice"], record["frac"], record["species"]], separators=(",", ":"))
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % VAL_EVERY == 0


def records(limit: int | None = None) -> Iterator[dict]:
    """The file's JSON list, one record at a time, decompressing only as far as ``limit`` records need.

    The whole list is 27,610 structures (27 MB of JSON, over a second to parse);
    a test that wants 120 of them should not pay for the rest.
    """
    decoder, buffer, count = json.JSONDecoder(), "", 0
    with lzma.open(_file(), "rt") as fh:
        buffer = fh.read(1 << 16).lstrip()
        if not buffer.startswith("["):
            raise ValueError(f"{_file()}: expected a JSON list")
        buffer = buffer[1:]
        while limit is None or count < limit:
            buffer = buffer.lstrip().lstrip(",").lstrip()
            if buffer.startswith("]"):
                return
            try:
                record, end = decoder.raw_decode(buffer)
            except json.JSONDecodeError:
                more = fh.read(1 << 20)
                if not more:
                    raise
                buffer += more
                continue
            buffer = buffer[end:]
            count += 1
            yield record


def load_pretraining(limit: int | None = None) -> list[PretrainEntry]:
    """All pre-training structures with their labels (the first ``limit`` only, for tests)."""
    entries = []
    for rec in records(limit):
        y = np.array([rec["targets"].get(p, np.nan) for p in PROPERTIES], dtype=np.float32)
        structure = Structure(Lattice(rec["lattice"]), rec["species"], rec["frac"])
        entries.append(PretrainEntry(structure, y, _is_val(rec)))
    return entries
