"""Screening throughput: hosts/s, hops/s and the largest process's peak memory, today's code beside an older one.

The inputs are the first N pre-training structures (Materials Project crystals
shipped with hopnet) that contain the ion, written as CIFs once. Each *code*
screens the same folder from scratch into its own CSV, with each worker count
asked for; the codes run back to back in one invocation, so their ratio is
measured under the same conditions:

- ``current``: this checkout, default settings (channels checked, empty sites
  when needed, one torch thread per worker);
- ``compiled``: the same with ``--compile``;
- ``baseline``: another checkout's ``src`` (``--baseline-src``), e.g. the code
  before the speed work, made with ``git worktree add ../hopnet-0.1 70bbb22^``;
- ``student`` and ``baseline-student``: the distilled student, this checkout's and the other's.

Results for a worker count are merged into the result file, so the 1-worker and
2-worker phases may run at different times (say, 2 workers when both cores are
free); each run records the load average it started under.

    git worktree add --detach ../hopnet-0.1 70bbb22^
    python benchmarks/screen_throughput.py --n 200 --workers 1 --baseline-src ../hopnet-0.1/src
    python benchmarks/screen_throughput.py --n 200 --workers 2 --baseline-src ../hopnet-0.1/src
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from hopnet.data.pretraining import load_pretraining
from hopnet_repro.older_code import check_baseline, cli_flags, environment
from hopnet_repro.results import RESULTS, read_result, write_result

# Runs the screen in a child and prints the largest resident set of any one of its descendants, in MB (with
# several workers, a worker; with one, the screen process that also hosts it).
RSS_PROBE = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stderr=subprocess.DEVNULL, "
             "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")


def write_hosts(folder: Path, ion: str, n: int) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    chosen = [e.structure for e in load_pretraining() if ion in {el.symbol for el in e.structure.composition}][:n]
    for i, structure in enumerate(chosen):
        target = folder / f"{i:05d}.cif"
        if not target.exists():
            structure.to(filename=str(target))
    return len(chosen)


def screen(code: str, cifs: Path, ion: str, out: Path, workers: int, baseline_src: Path | None) -> dict:
    out.unlink(missing_ok=True)
    env = environment(code, baseline_src)
    command = [sys.executable, "-m", "hopnet.cli.main", "screen", str(cifs), "--ion", ion, "-o", str(out),
               "--workers", str(workers), *cli_flags(code)]
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    probe = subprocess.run([sys.executable, "-c", RSS_PROBE, *command], env=env, check=True, capture_output=True,
                           text=True)
    wall = time.perf_counter() - t0
    rows = list(csv.DictReader(open(out)))
    ok = [r for r in rows if r["status"] == "ok"]
    hops = sum(int(r["distinct_hops"]) for r in ok)
    return {"code": code, "workers": workers, "wall_seconds": round(wall, 1), "hosts": len(rows), "ok": len(ok),
            "errors": len(rows) - len(ok), "distinct_hops": hops, "hosts_per_second": len(rows) / wall,
            "hops_per_second": hops / wall, "peak_rss_mb_per_worker": round(float(probe.stdout.split()[-1]), 1),
            "load_average_at_start": round(load, 2), "hopnet_version": version_of(env),
            **({"commit": commit_of(baseline_src)} if code.startswith("baseline") else {})}


def older_twin(code: str) -> str:
    """The older checkout's code a code of this one is set beside: the student beside the older student."""
    return "baseline-student" if code == "student" else "baseline" if not code.startswith("baseline") else ""


def commit_of(src: Path) -> str:
    """The older checkout's commit: an older code of the same version number is told apart by it."""
    return subprocess.run(["git", "-C", str(src), "rev-parse", "--short", "HEAD"], check=True, capture_output=True,
                          text=True).stdout.strip()


def version_of(env: dict) -> str:
    return subprocess.run([sys.executable, "-c", "import hopnet; print(hopnet.__version__)"], env=env, check=True,
                          capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--ion", default="Li")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--codes", default="baseline,current,compiled")
    ap.add_argument("--baseline-src", type=Path, help="the older checkout's src folder (needed for 'baseline')")
    ap.add_argument("--work", type=Path, default=Path("runs/screen-bench"))
    ap.add_argument("--note", default="", help="conditions worth knowing, e.g. other load on the machine")
    ap.add_argument("--out", type=Path, default=RESULTS / "screen_throughput.json")
    args = ap.parse_args()
    codes = args.codes.split(",")
    check_baseline(ap, codes, args.baseline_src)

    n = write_hosts(args.work / f"cifs-{args.ion}-{args.n}", args.ion, args.n)
    runs = []
    for code in codes:
        runs.append(screen(code, args.work / f"cifs-{args.ion}-{args.n}", args.ion,
                           args.work / f"{code}-w{args.workers}.csv", args.workers, args.baseline_src))
        print(json.dumps(runs[-1]), flush=True)
    previous = read_result(args.out) if args.out.exists() else {}
    if previous.get("n") != n or previous.get("ion") != args.ion or "phases" not in previous:
        previous = {"phases": {}}
    per_second = {r["code"]: r["hosts_per_second"] for r in runs}
    phase = {"runs": runs, "note": args.note,
             "ratio_to_baseline": {c: v / per_second[older_twin(c)] for c, v in per_second.items()
                                   if older_twin(c) in per_second},
             "command": f"python benchmarks/screen_throughput.py --n {args.n} --ion {args.ion} --workers "
                        f"{args.workers} --codes {args.codes}"
                        + (f" --baseline-src {args.baseline_src}" if args.baseline_src else "")}
    write_result(args.out, {
        "phases": {**previous["phases"], str(args.workers): phase}, "ion": args.ion, "n": n,
        "split": f"n/a: the first {n} {args.ion}-containing structures of the pre-training set",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "command": " ; ".join(p["command"] for _, p in sorted({**previous["phases"],
                                                               str(args.workers): phase}.items()))})
