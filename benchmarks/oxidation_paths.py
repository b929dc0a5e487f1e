"""Which rule gives the bond-valence landscape its oxidation states, how long each takes, and whether the cheap
rule agrees with pymatgen's geometry-based analyser where both answer.

    python benchmarks/oxidation_paths.py --n 200

The hosts: the first N Li-containing pre-training structures (the screen-throughput set) and every OBELiX CIF
(benchmarks/data/obelix_train, CC-BY 4.0). Each host's first environment (the host itself when ordered, its
first sampled ordering when not; ``pathways.network``) goes through ``chemistry.oxidation.with_oxidation_states``,
timed. Where the common-states rule answered, pymatgen's ``BVAnalyzer`` is run too (timed apart) and the two
assignments are compared element by element: the rule was put first to skip the analyser, so it must give the
analyser's states where the analyser has them.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import platform
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

from hopnet.chemistry.oxidation import FORBIDDEN_SPECIES, OxidationOrigin, with_oxidation_states
from hopnet.errors import HopnetInputError
from hopnet.pathways.network import HopNetwork, Orderings
from hopnet.structures import read_structure
from hopnet.vocabulary import DEFAULT_MAX_HOP, DEFAULT_ORDERINGS
from hopnet_repro.results import RESULTS, write_result
from real_electrolytes import DATA, hosts
from screen_throughput import write_hosts


def states_by_element(structure) -> dict[str, float]:
    """Each element's mean oxidation state over its sites."""
    per: dict[str, list[float]] = {}
    for site in structure:
        per.setdefault(site.specie.symbol, []).append(float(site.specie.oxi_state))
    return {el: float(np.mean(v)) for el, v in per.items()}


def one(path: Path) -> dict:
    from pymatgen.analysis.bond_valence import BVAnalyzer

    row: dict = {"source": path.name}
    try:
        structure = read_structure(path)
        network = HopNetwork.from_host(structure, "Li", DEFAULT_MAX_HOP, Orderings(DEFAULT_ORDERINGS, 0), path.name)
    except HopnetInputError as err:
        return {**row, "origin": "unread", "reason": err.problem}
    environment = network.environments[0]
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        try:
            decorated, origin = with_oxidation_states(environment)
        except ValueError:
            return {**row, "origin": "none", "seconds": time.perf_counter() - t0, "atoms": len(environment)}
        row.update(origin=origin.value, seconds=time.perf_counter() - t0, atoms=len(environment))
        if origin is OxidationOrigin.COMMON:
            t0 = time.perf_counter()
            try:
                analysed = BVAnalyzer(forbidden_species=list(FORBIDDEN_SPECIES)).get_oxi_state_decorated_structure(
                    environment)
                ours, theirs = states_by_element(decorated), states_by_element(analysed)
                row["analyser_agrees"] = all(abs(ours[el] - theirs[el]) < 1e-6 for el in ours)
            except ValueError:
                row["analyser_agrees"] = None  # the analyser finds no assignment: the rule answers where it cannot
            row["analyser_seconds"] = time.perf_counter() - t0
    return row


def summary(rows: list[dict]) -> dict:
    counts = Counter(r["origin"] for r in rows)
    seconds = {o: float(np.median([r["seconds"] for r in rows if r["origin"] == o])) for o in counts
               if any("seconds" in r for r in rows if r["origin"] == o)}
    common = [r for r in rows if "analyser_seconds" in r]
    return {"hosts": len(rows), "origins": dict(counts), "median_seconds": seconds,
            "common_checked": len(common),
            "analyser_agrees": sum(r["analyser_agrees"] is True for r in common),
            "analyser_disagrees": [r["source"] for r in common if r["analyser_agrees"] is False],
            "analyser_none": sum(r["analyser_agrees"] is None for r in common),
            "analyser_median_seconds": float(np.median([r["analyser_seconds"] for r in common])) if common else None}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--work", type=Path, default=Path("runs/screen-bench"))
    args = ap.parse_args()
    folder = args.work / f"cifs-Li-{args.n}"
    write_hosts(folder, "Li", args.n)
    sets = {"pre-training": sorted(folder.glob("*.cif")), "OBELiX": [DATA / h["cif"] for h in hosts()]}
    result = {"command": f"python benchmarks/oxidation_paths.py --n {args.n}", "seed": 0,
              "split": f"the first {args.n} Li pre-training hosts; every OBELiX train-split CIF",
              "machine": f"{platform.machine()}, one process", "sets": {}}
    for name, paths in sets.items():
        rows = [one(p) for p in paths]
        result["sets"][name] = {**summary(rows), "rows": rows}
        print(name, {k: v for k, v in result["sets"][name].items() if k != "rows"}, flush=True)
    write_result(RESULTS / "oxidation_paths.json", result)
