"""hopnet and BVSE (bvlain) side by side on the known-conductor set: dimensionality, ranking, seconds per host.

    python benchmarks/known_conductors.py

Each host of benchmarks/data/known_conductors/ (a benchmark, never training data)
goes through `hopnet paths` as a user runs it (shipped model, defaults) and
through bvlain's whole-host BVSE percolation (resolution 0.2 Å, its default),
one after the other in the same process, each timed. Dimensionality, by one rule
fixed before looking and used for both methods: the highest D whose percolation
energy is at most 1.5 times the 1D one (the network the ion has once it moves
at all). Ranking: Spearman of each method's 1D percolation energy with the
literature barrier, over the hosts that have one; hosts hopnet trained on are
reported apart. Writes benchmarks/results/known_conductors.json.
"""
from __future__ import annotations

import json
import platform
import time
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

from hopnet.errors import HopnetInputError
from hopnet.predictor import load_model
from hopnet.structures import read_structure
from hopnet.workflows.host import analyse_host
from hopnet.workflows.settings import HostSettings
from hopnet_repro.baselines.bvlain_engine import run_bvlain
from hopnet_repro.results import RESULTS, write_result

DATA = Path(__file__).parent / "data" / "known_conductors"
REACH = 1.5  # a network of dimension D counts when its energy is at most REACH x the 1D one


def dimensionality(energies: dict[int, float | None]) -> int:
    first = energies.get(1)
    if first is None or not np.isfinite(first):
        return 0
    return max(d for d in (1, 2, 3) if energies.get(d) is not None and np.isfinite(energies[d])
               and energies[d] <= REACH * max(first, 1e-3))


def spearman(rows: list[dict], key: str) -> float | None:
    pairs = [(r["literature_eV"], r[key]) for r in rows if r["literature_eV"] is not None and r.get(key) is not None]
    return float(spearmanr(*zip(*pairs)).statistic) if len(pairs) >= 3 else None


if __name__ == "__main__":
    hosts = json.loads((DATA / "known_conductors.json").read_text())
    model = load_model(threads=1)
    rows = []
    for host in hosts:
        row = {"id": host["id"], "ion": host["ion"], "family": host["family"], "literature_eV": host["barrier_eV"],
               "literature_kind": host["barrier_kind"], "expected_dimensionality": host["dimensionality"],
               "disordered": host["disordered"], "in_training_table": host["in_hopnet_training_table"]}
        structure = read_structure(DATA / f"{host['id']}.cif")
        t0 = time.perf_counter()
        try:
            report = analyse_host(structure, HostSettings(ion=host["ion"]), model, source=host["id"])
            perc = {int(k[0]): v for k, v in report.percolation.items()}
            row.update(hopnet_1d=perc[1], hopnet_percolation=perc, hopnet_dimensionality=dimensionality(perc),
                       hopnet_conductor=report.conductor.conductor,
                       hopnet_blocked=sum(not h.valid for h in report.hops),
                       hopnet_hops=len(report.hops), hopnet_notes=[f.text for f in report.notes],
                       hopnet_headline=report.headline)
        except HopnetInputError as err:
            row["hopnet_error"] = str(err)
        except Exception as exc:  # noqa: BLE001 - as for the baseline: one host failing is a row, not a stop
            row["hopnet_error"] = f"{type(exc).__name__}: {exc}".splitlines()[0]
        row["hopnet_seconds"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        try:
            ordered = structure if structure.is_ordered else None
            if ordered is None:
                raise ValueError("bvlain reads ordered structures only")
            energies = run_bvlain(ordered, host["ion"], source=host["id"]).percolation()
            row.update(bvse_1d=energies[1], bvse_percolation=energies, bvse_dimensionality=dimensionality(energies))
        except Exception as exc:  # noqa: BLE001 - a baseline failing on one host is a row, not a stop
            row["bvse_error"] = f"{type(exc).__name__}: {exc}".splitlines()[0]
        row["bvse_seconds"] = time.perf_counter() - t0
        rows.append(row)
        print(json.dumps({k: row.get(k) for k in ("id", "expected_dimensionality", "hopnet_dimensionality",
                                                   "bvse_dimensionality", "literature_eV", "hopnet_1d", "bvse_1d",
                                                   "hopnet_seconds", "bvse_seconds")}), flush=True)

    def score(method: str, subset: list[dict]) -> dict:
        judged = [r for r in subset if r["expected_dimensionality"] and f"{method}_dimensionality" in r]
        return {"dimensionality_right": sum(r[f"{method}_dimensionality"] == r["expected_dimensionality"]
                                            for r in judged),
                "dimensionality_judged": len(judged),
                "spearman_1d_vs_literature": spearman(subset, f"{method}_1d"),
                "ranked_hosts": sum(1 for r in subset if r["literature_eV"] is not None and r.get(f"{method}_1d")
                                    is not None),
                "answered": sum(1 for r in subset if f"{method}_1d" in r),
                "median_seconds_per_host": float(np.median([r[f"{method}_seconds"] for r in subset]))}

    unseen = [r for r in rows if not r["in_training_table"]]
    write_result(RESULTS / "known_conductors.json", {
        "command": "python benchmarks/known_conductors.py",
        "split": "known-conductor set (benchmarks/data/known_conductors), never trained on", "seed": 0,
        "machine": f"{platform.machine()}, 1 torch thread; bvlain's neighbour search on one thread (hopnet >= 0.5.0)",
        "hosts": len(rows), "rule": f"dimensionality = highest D with E_D <= {REACH} x E_1D",
        "hopnet": score("hopnet", rows), "bvse": score("bvse", rows),
        "hopnet_hosts_not_in_training": score("hopnet", unseen), "bvse_hosts_not_in_training": score("bvse", unseen),
        "rows": rows,
    })
