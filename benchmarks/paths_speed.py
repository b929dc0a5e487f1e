"""``hopnet paths`` on low-symmetry hosts of 56 and 135 atoms: today's code beside an older one, and where the
time goes.

    git worktree add --detach ../hopnet-0.5 2ebcbd3
    python benchmarks/paths_speed.py --baseline-src ../hopnet-0.5/src

Hosts, from the shipped pre-training set (Materials Project, so anyone can
rebuild them): Li2TiMn3O8 (56 atoms, P1, 8 Li), and Li4Zn(PS4)2 (45 atoms, P1)
tripled along a and rattled (Gaussian, 0.15 Å per axis, seed 0) so that no translation maps it
onto itself: 135 atoms, 36 Li, every hop its own symmetry class. Each code runs
the CLI end to end in a fresh process (start-up and model loading included),
defaults otherwise; ``current`` is then profiled in-process to split its time
into the bond-valence landscape, hop bands and graphs, and the networks. The
start-up of ``hopnet --help`` and ``import hopnet`` is timed for each code too.
"""
from __future__ import annotations

import argparse
import cProfile
import csv
import json
import os
import platform
import pstats
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from hopnet_repro.older_code import check_baseline, cli_flags, environment
from hopnet_repro.results import RESULTS, write_result

# Å per axis: well above the 0.1 Å tolerance hopnet finds symmetry with, so the supercell is P1 to it.
RATTLE = 0.15

PARTS = {"oxidation states": "with_oxidation_states", "bond-valence grid (hopnet's engine)": "_atom_by_atom",
         "hop bands": "hop_band", "graphs": "graph_from_band", "networks": "batch_outputs",
         "hop enumeration": "enumerate_hops", "hop symmetry classes": "distinct_hops"}


def hosts(work: Path) -> dict[str, tuple[Path, int]]:
    from hopnet.data.pretraining import load_pretraining

    def first(formula: str, n: int):
        return next(e.structure for e in load_pretraining()
                    if len(e.structure) == n and e.structure.composition.reduced_formula == formula)

    small = first("Li2TiMn3O8", 56)
    large = first("Li4Zn(PS4)2", 45).make_supercell([3, 1, 1], in_place=False)
    rng = np.random.default_rng(0)
    for i in range(len(large)):
        large.translate_sites([i], rng.normal(0.0, RATTLE, 3), frac_coords=False)
    work.mkdir(parents=True, exist_ok=True)
    chosen = {"Li2TiMn3O8": (small, work / "Li2TiMn3O8-56.cif"), "Li4Zn(PS4)2 x3": (large, work / "Li4ZnP2S8-135.cif")}
    for structure, path in chosen.values():
        structure.to(filename=str(path))
    return {name: (path, len(structure)) for name, (structure, path) in chosen.items()}


def cli_seconds(code: str, cif: Path, baseline_src: Path | None, out: Path) -> dict:
    command = [sys.executable, "-m", "hopnet.cli.main", "paths", str(cif), "--ion", "Li", "-o", str(out),
               *cli_flags(code)]
    t0 = time.perf_counter()
    subprocess.run(command, env=environment(code, baseline_src), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - t0
    rows = list(csv.DictReader(open(out)))
    # A hop whose channel was checked has a BVSE barrier (the old code had no check and no such column).
    return {"seconds": round(seconds, 2), "hop_rows": len(rows), "channel_checked": sum(bool(r.get("bvse_barrier"))
                                                                                       for r in rows)}


def startup_seconds(code: str, baseline_src: Path | None, rounds: int = 5) -> dict:
    """Median wall time of ``hopnet --help`` and ``import hopnet`` in fresh processes (no torch import is the goal)."""
    env = environment(code, baseline_src)
    timings = {}
    for name, argv in (("hopnet --help", ["-m", "hopnet.cli.main", "--help"]), ("import hopnet", ["-c", "import hopnet"])):
        runs = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, *argv], env=env, check=True, stdout=subprocess.DEVNULL)
            runs.append(time.perf_counter() - t0)
        timings[name] = round(float(np.median(runs)), 3)
    return timings


def profile_parts(cif: Path) -> dict:
    from pymatgen.core import Structure

    from hopnet.predictor import load_model
    from hopnet.workflows.host import analyse_host
    from hopnet.workflows.settings import HostSettings

    model, structure = load_model(threads=1), Structure.from_file(cif)
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.runcall(analyse_host, structure, HostSettings(ion="Li"), model)
    total = time.perf_counter() - t0
    stats = pstats.Stats(profiler).stats
    cumulative = {name: sum(v[3] for (_, _, fn), v in stats.items() if fn == func) for name, func in PARTS.items()}
    return {"profiled_seconds": total, "seconds_by_part": cumulative}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline-src", type=Path, help="the older checkout's src folder")
    ap.add_argument("--codes", default="baseline,current,compiled")
    ap.add_argument("--work", type=Path, default=Path("runs/paths-bench"))
    ap.add_argument("--note", default="", help="conditions worth knowing, e.g. other load on the machine")
    args = ap.parse_args()
    codes = args.codes.split(",")
    check_baseline(ap, codes, args.baseline_src)
    startup = {code: startup_seconds(code, args.baseline_src) for code in codes if code != "compiled"}
    print(startup, flush=True)
    rows = {}
    for label, (cif, atoms) in hosts(args.work).items():
        rows[label] = {"atoms": atoms}
        for code in codes:
            rows[label][code] = cli_seconds(code, cif, args.baseline_src, args.work / f"{cif.stem}-{code}.csv")
            print(label, code, rows[label][code], flush=True)
        if "current" in codes:
            rows[label]["current_profile"] = profile_parts(cif)
            print(json.dumps(rows[label]["current_profile"]), flush=True)
    write_result(RESULTS / "paths_speed.json", {
        "command": "python benchmarks/paths_speed.py --codes " + args.codes
                   + (f" --baseline-src {args.baseline_src}" if args.baseline_src else ""),
        "split": "n/a: two pre-training structures (one tripled and rattled, seed 0)", "seed": 0,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores; one process, 1 torch thread (baseline: its "
                   "default)" + (f"; {args.note}" if args.note else ""),
        "hosts": rows, "startup_seconds": startup})
