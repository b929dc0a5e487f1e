"""Per host: hopnet with the distilled student, hopnet with the five-network teacher, and bvlain, one after the
other on each host in one process.

    python benchmarks/host_speed.py               # the ordered real electrolytes, 30 disordered ones, known conductors
    python benchmarks/host_speed.py --limit 10    # the first ten of each set, a quick look
    python benchmarks/host_speed.py --candidate runs/student5/hopnet-band-student.json --out host_speed-student5.json
                                                  # a new student timed beside the shipped one on each host

Each host is read from its file and answered by the code ``hopnet screen`` runs
(``screen_priced``: read, find and price the hops, percolate, the conductor
card), once with each model, uncompiled (``screen`` compiles the ensemble by
default: BENCHMARKS.md, *Screening throughput*, times that); then bvlain fills its BVSE grid and percolates
(``run_bvlain(...).percolation()``, the baseline the real-electrolyte
benchmark runs). All three compute on one torch and one BLAS thread, as a screen worker does (bvlain
measured no faster with two BLAS threads beside a busy core). The models are loaded, and every code path run once on the
first host, before any clock starts: a screen loads its model once per
worker, so what a host costs is what is timed. Hosts: the ordered CIFs of the
OBELiX train split (bvlain reads ordered structures only), the first
``--disordered`` disordered ones (hopnet alone: the teacher takes ~10 s on each),
and the known conductors' files. Ratios are
per host (bvlain's seconds over hopnet's), their median reported.
"""
from __future__ import annotations

import argparse
import platform
import time
import warnings
from pathlib import Path

import numpy as np
from real_electrolytes import DATA
from real_electrolytes import hosts as electrolytes

from hopnet.structures import read_structure
from hopnet.threads import use_threads
from hopnet.workflows.screening import screen_priced
from hopnet.workflows.settings import HostSettings
from hopnet_repro.baselines.bvlain_engine import run_bvlain
from hopnet_repro.results import RESULTS, write_result

KNOWN = Path(__file__).parent / "data" / "known_conductors"
MODELS = {"student": "hopnet-band-student", "teacher": "hopnet-band"}


def known_files() -> list[tuple[str, Path, str, bool]]:
    """(name, file, ion, ordered) of each known conductor."""
    import json

    table = json.loads((KNOWN / "known_conductors.json").read_text())
    return [(h["id"], KNOWN / h["cif"], h["ion"], not h["disordered"]) for h in table]


def time_one(path: Path, ion: str, with_bvlain: bool) -> dict:
    row: dict = {}
    for name, model in MODELS.items():
        t0 = time.perf_counter()
        answer, _ = screen_priced(str(path), HostSettings(ion=ion, model=model))
        row[f"{name}_seconds"] = time.perf_counter() - t0
        row[f"{name}_status"] = answer["status"]
        row[f"{name}_conductor"] = answer["conductor"]
    if with_bvlain:
        t0 = time.perf_counter()
        try:
            run_bvlain(read_structure(path), ion, source=path.name).percolation()
            row["bvlain_seconds"] = time.perf_counter() - t0
        except Exception as exc:  # noqa: BLE001 - a baseline failing on one host is a row, not a stop
            row["bvlain_error"] = f"{type(exc).__name__}: {exc}".splitlines()[0][:120]
    return row


def summary(rows: list[dict]) -> dict:
    ok = [r for r in rows if all(r[f"{k}_status"] == "ok" for k in MODELS)]
    paired = [r for r in ok if "bvlain_seconds" in r]
    med = {k: float(np.median([r[f"{k}_seconds"] for r in ok])) if ok else None for k in MODELS}
    out = {"hosts": len(rows), "answered_by_both_models": len(ok), "median_seconds": med,
           "median_ratio_teacher_over_student": float(np.median([r["teacher_seconds"] / r["student_seconds"]
                                                                 for r in ok])) if ok else None,
           "same_class": sum(r["student_conductor"] == r["teacher_conductor"] for r in ok)}
    if "candidate" in MODELS and ok:
        out["median_ratio_candidate_over_student"] = float(np.median([r["candidate_seconds"] / r["student_seconds"]
                                                                      for r in ok]))
    if paired:
        out.update(with_bvlain=len(paired),
                   median_bvlain_seconds=float(np.median([r["bvlain_seconds"] for r in paired])),
                   **{f"median_ratio_bvlain_over_{k}": float(np.median([r["bvlain_seconds"] / r[f"{k}_seconds"]
                                                                      for r in paired])) for k in MODELS})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="hosts of each set (default: all)")
    ap.add_argument("--disordered", type=int, default=30, help="disordered CIFs timed (file order)")
    ap.add_argument("--student", default=MODELS["student"], help="the student's card (default: the shipped one)")
    ap.add_argument("--candidate", help="another student's card, timed beside the student on each host")
    ap.add_argument("--out", default="host_speed.json", help="result file name under benchmarks/results")
    args = ap.parse_args()
    MODELS["student"] = args.student
    if args.candidate:
        MODELS["candidate"] = args.candidate
    warnings.simplefilter("ignore")
    use_threads(1)
    sets = {
        "ordered real electrolytes": [(r["id"], DATA / r["cif"], "Li", True)
                                      for r in electrolytes() if not r["disordered"]],
        "disordered real electrolytes": [(r["id"], DATA / r["cif"], "Li", False)
                                         for r in electrolytes() if r["disordered"]][:args.disordered],
        "known conductors": known_files(),
    }
    first = sets["ordered real electrolytes"][0]
    time_one(first[1], first[2], True)  # warm-up: models loaded, every path run once
    result = {"command": "python benchmarks/host_speed.py" + (f" --limit {args.limit}" if args.limit else "")
              + (f" --disordered {args.disordered}" if args.disordered != 30 else "")
              + (f" --candidate {args.candidate} --out {args.out}" if args.candidate else ""),
              "split": "n/a: OBELiX train split CIFs (timing and class agreement only) and the known conductors",
              "seed": None, "machine": f"{platform.machine()}, 1 process, 1 torch and 1 BLAS thread, models loaded "
                                       "before timing", "sets": {}}
    for name, members in sets.items():
        rows = []
        for host_id, path, ion, with_bvlain in members[:args.limit]:
            rows.append({"id": host_id, **time_one(path, ion, with_bvlain)})
            print(name, host_id, {k: round(v, 2) for k, v in rows[-1].items() if k.endswith("seconds")}, flush=True)
        result["sets"][name] = {"summary": summary(rows), "rows": rows}
        print(name, result["sets"][name]["summary"], flush=True)
    write_result(RESULTS / args.out, result)


if __name__ == "__main__":
    main()
