"""Physics labels for tens of thousands of hops: the pre-training set of a migration prior.

    python benchmarks/hop_labels.py --hosts 4000 --shard 0/1 --timeout 60

The 619 DFT barriers only hold hops that exist, mostly in cathode frameworks.
This labels hops in the 27,610 structures already shipped for MPT pre-training
(``hopnet.data.pretraining``), so the band network can first learn what makes a
hop cheap or impossible from physics, at a scale no DFT set offers.

Hosts: every shipped structure with at most ``MAX_SITES`` sites holding one of
the mobile ions ``IONS``; each (structure, ion) is one host, visited in a seeded
order that takes the ions in turn, so a run stopped at any point has them all in
similar numbers. Per host, hopnet's own enumeration (``enumerate_hops`` +
``distinct_hops``, up to the default 5 Å) gives the distinct ion-ion hops; the
shortest ``MAX_HOPS`` are labelled with

- ``bvse``: the hop's BVSE barrier (eV) in the host's bond-valence landscape
  (``hopnet.pathways.landscape``, bvlain; the same grid and tube as ``hopnet paths``);
  ``null`` where the sites never connect inside the tube (a hop through the framework);
- ``clearance``: closest approach (Å) of the straight hop to a non-ion atom.

The structure itself (every ion site filled) is the host of its landscape: the
pristine crystal of a vacancy hop, as for the training bands in ``bvse_hops.py``.
A second pass takes every host again with its ion replaced by the next ion of the
same charge (``SWAP``: Li→Na→K→Rb→Li, Mg→Ca→Zn→Sr→Mg): the shipped structures
hold few hops of the rarer ions, and a framework sized for another ion gives the
blocked and strained hops the DFT set lacks. Hosts bvlain cannot assign
oxidation states to (intermetallics) are recorded with the reason and skipped. Labels are physics, never DFT: no barrier of the
paper's test split enters.

Rows (one per host) are appended to ``benchmarks/results/hop_labels/shard-<i>-of-<n>.jsonl``
as they finish; a killed run resumes where it stopped. What is committed is that
file packed with ``xz -9 -k`` (``.jsonl.xz``, ~14x smaller); a run resumes from it too. Each row names the
structure by its index in the shipped file and the hop by start/end site and
lattice image, so the band is rebuilt exactly (``hopnet.pathways.hops.hop_band``).
"""
from __future__ import annotations

import argparse
import json
import lzma
import platform
from itertools import zip_longest
from pathlib import Path

import numpy as np
from pymatgen.core import Lattice, Structure

from hopnet import __version__
from hopnet.data.pretraining import data_hash, records as pretraining_records
from hopnet.errors import HopnetInputError
from hopnet.pathways.hops import distinct_hops, enumerate_hops
from hopnet.pathways.landscape import RESOLUTION, bvse_landscape
from hopnet.vocabulary import DEFAULT_MAX_HOP, elements_of
from hopnet_repro.limits import timed_item
from hopnet_repro.results import RESULTS

IONS = ("Li", "Na", "K", "Mg", "Ca", "Zn", "Al", "Rb", "Sr")  # every ion of the DFT set
# A second pass relabels each host with its ion replaced by the next ion of the same charge: the same
# framework with a bigger or smaller ion (many such hops are blocked: labels the DFT set never has).
SWAP = {"Li": "Na", "Na": "K", "K": "Rb", "Rb": "Li", "Mg": "Ca", "Ca": "Zn", "Zn": "Sr", "Sr": "Mg"}
MAX_SITES = 40  # the landscape grid grows with the cell; larger cells cost seconds more per host
MAX_HOPS = 8  # distinct hops per host, shortest first: beyond ~8 they are long, rarely real hops
OUT = RESULTS / "hop_labels"
ORDER_SEED = 0


def planned_hosts(seed: int = ORDER_SEED) -> list[tuple[int, str, str | None]]:
    """(record index, ion, element the ion replaces or None) of every host, in visiting order: shuffled per
    ion, then the ions in turn; all original hosts first, then the swapped ones."""
    per_ion: dict[str, list[int]] = {ion: [] for ion in IONS}
    for index, rec in enumerate(pretraining_records()):
        if len(rec["species"]) > MAX_SITES:
            continue
        for ion in set(rec["species"]) & set(IONS):
            per_ion[ion].append(index)
    rng = np.random.default_rng(seed)
    shuffled = [[(int(i), ion, None) for i in rng.permutation(per_ion[ion])] for ion in IONS]
    original = [host for turn in zip_longest(*shuffled) for host in turn if host is not None]
    return original + [(index, SWAP[ion], ion) for index, ion, _ in original if ion in SWAP]


def host_structure(record: dict, ion: str, replaces: str | None) -> Structure:
    """A shipped structure as a host of ``ion``: the element ``replaces`` swapped for it, if given."""
    species = [ion if el == replaces else el for el in record["species"]] if replaces else record["species"]
    return Structure(Lattice(record["lattice"]), species, record["frac"])


def shard_files(folder: Path) -> list[Path]:
    """One file per shard: the working ``.jsonl`` where a run has one, else its committed ``.jsonl.xz``."""
    working = {f.name: f for f in folder.glob("shard-*.jsonl")}
    packed = [f for f in folder.glob("shard-*.jsonl.xz") if f.name[:-3] not in working]
    return sorted([*working.values(), *packed])


def shard_lines(path: Path) -> list[str]:
    opener = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rt") as fh:
        return fh.read().splitlines()


def clearance(structure: Structure, ion: str, hop) -> float:
    """Closest approach (Å) of the straight hop to any atom that is not the ion."""
    start = structure.frac_coords[hop.start]
    return segment_clearance(structure, ion, start, structure.frac_coords[hop.end] + np.array(hop.image))


def segment_clearance(structure: Structure, ion: str, start_frac, end_frac) -> float:
    """Closest approach (Å) of the straight line from ``start_frac`` to ``end_frac`` to a non-``ion`` atom."""
    host = [i for i, el in enumerate(elements_of(structure)) if el != ion]
    if not host:
        return float("inf")
    a, b = np.asarray(start_frac, float), np.asarray(end_frac, float)
    points = a + np.linspace(0.0, 1.0, 41)[:, None] * (b - a)  # 0.1 Å apart for a 4 Å hop
    return float(structure.lattice.get_all_distances(points, structure.frac_coords[host]).min())


def label_host(structure: Structure, ion: str, source: str) -> dict:
    """Hops and labels of one host (raises HopnetInputError when it has no landscape)."""
    hops = distinct_hops(structure, enumerate_hops(structure, ion, DEFAULT_MAX_HOP, source), ion)[:MAX_HOPS]
    if not hops:
        return {"hops": []}
    landscape = bvse_landscape(structure, ion, source=source)
    rows = []
    for d in hops:
        h = d.representative
        a = structure.frac_coords[h.start]
        barrier = landscape.hop_barrier(a, structure.frac_coords[h.end] + np.array(h.image))
        rows.append({"start": h.start, "end": h.end, "image": list(h.image), "length": round(h.length, 4),
                     "multiplicity": len(d.members), "bvse": round(barrier, 4) if np.isfinite(barrier) else None,
                     "clearance": round(clearance(structure, ion, h), 4)})
    return {"hops": rows}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=4000, help="hosts to visit (the first N of the seeded order)")
    ap.add_argument("--shard", default="0/1", help="i/n: this process labels every n-th host from the i-th")
    ap.add_argument("--timeout", type=int, default=60, help="seconds per host")
    args = ap.parse_args()
    shard, shards = (int(x) for x in args.shard.split("/"))
    OUT.mkdir(parents=True, exist_ok=True)
    rows_path = OUT / f"shard-{shard}-of-{shards}.jsonl"
    packed = rows_path.with_name(rows_path.name + ".xz")
    if not rows_path.exists() and packed.exists():  # resume from the committed labels
        rows_path.write_text("\n".join(shard_lines(packed)) + "\n")
    done = {(r["record"], r["ion"], r.get("replaces")) for r in map(json.loads, rows_path.read_text().splitlines())} \
        if rows_path.exists() else set()
    plan = planned_hosts()[: args.hosts][shard::shards]
    wanted = {index for index, _, _ in plan}
    structures = {index: rec for index, rec in enumerate(pretraining_records()) if index in wanted}
    provenance = {"data": data_hash()[:16], "hopnet": __version__, "resolution_A": RESOLUTION,
                  "machine": platform.machine()}
    with open(rows_path, "a") as fh:
        for n, (index, ion, replaces) in enumerate(plan):
            if (index, ion, replaces) in done:
                continue
            rec = structures[index]
            structure = host_structure(rec, ion, replaces)
            row: dict = {"record": index, "ion": ion, **({"replaces": replaces} if replaces else {}),
                         "sites": len(structure), **provenance}
            row.update(timed_item(lambda: label_host(structure, ion, f"record {index}"), args.timeout,
                                  (HopnetInputError, ValueError)))
            fh.write(json.dumps(row) + "\n")
            fh.flush()
            swap = f" for {replaces}" if replaces else ""
            print(f"[{n + 1}/{len(plan)}] record {index} {ion}{swap}: {len(row.get('hops', []))} hops "
                  f"{row['seconds']:.1f} s {row.get('error', '')}", flush=True)
