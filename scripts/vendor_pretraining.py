"""Pack the seven MPT pre-training property files into the one file the package ships.

    python scripts/vendor_pretraining.py ../shared/data/pretraining

Structures that appear under several properties (same lattice, species and
fractional coordinates to 1e-4) are merged into one record holding all their
labels, so a structure is graphed once and its loss is masked to the labels it
has. Targets are copied unchanged (already min-max scaled to [-1, 1] by the
MPT authors). Output: src/hopnet/data/files/pretraining.json.xz.
"""
from __future__ import annotations

import argparse
import gzip
import json
import lzma
from pathlib import Path

import numpy as np

PROPERTIES = ("bg", "fe", "gv", "dc", "ph", "pz", "ebg")
OUT = Path(__file__).resolve().parents[1] / "src/hopnet/data/files/pretraining.json.xz"


def structure_key(atoms: dict) -> str:
    return json.dumps([np.round(atoms["lattice_mat"], 4).tolist(), np.round(atoms["coords"], 4).tolist(), atoms["elements"]])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", type=Path, help="folder with <prop>.json.gz")
    args = ap.parse_args()
    merged: dict[str, dict] = {}
    for prop in PROPERTIES:
        for rec in json.load(gzip.open(args.source / f"{prop}.json.gz", "rt")):
            atoms = rec["atoms"]
            if atoms.get("cartesian"):
                raise SystemExit(f"{prop} jid {rec['jid']}: cartesian coordinates are not expected")
            entry = merged.setdefault(structure_key(atoms), {
                "lattice": atoms["lattice_mat"], "species": atoms["elements"], "frac": atoms["coords"], "targets": {}})
            entry["targets"][prop] = rec["target"]
    records = list(merged.values())
    OUT.write_bytes(lzma.compress(json.dumps(records, separators=(",", ":")).encode(), preset=9))
    print(f"{len(records)} structures, {sum(len(r['targets']) for r in records)} labels -> {OUT}")


if __name__ == "__main__":
    main()
