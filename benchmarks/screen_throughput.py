"""Screening throughput on 2 cores: structures/s, hops/s and peak memory, 1 vs 2 workers.

The inputs are the first N pre-training structures (Materials Project crystals
shipped with hopnet) that contain the ion, written as CIFs. Scaling is measured
on the first --scaling-n of them, screened from scratch with 1 and then 2
workers; the 2-worker run then resumes over the rest (re-running `screen` skips
finished rows), so its total covers all N with the shipped model.

    python benchmarks/screen_throughput.py --n 1000 --scaling-n 300 --ion Li
"""
from __future__ import annotations

import argparse
import csv
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from hopnet.data.pretraining import load_pretraining
from hopnet_repro.results import write_result


def screen(cifs: Path, ion: str, out: Path, workers: int) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "hopnet.cli.main", "screen", str(cifs), "--ion", ion, "-o", str(out),
                    "--workers", str(workers)], check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def summary(out: Path, workers: int, wall: float) -> dict:
    rows = list(csv.DictReader(open(out)))
    ok = [r for r in rows if r["status"] == "ok"]
    hops = sum(int(r["distinct_hops"]) for r in ok)
    return {"workers": workers, "wall_seconds": round(wall, 1), "structures": len(rows), "ok": len(ok),
            "errors": len(rows) - len(ok), "distinct_hops": hops, "structures_per_second": len(rows) / wall,
            "hops_per_second": hops / wall,
            "peak_rss_mb_largest_process": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--scaling-n", type=int, default=300, help="structures screened with both 1 and 2 workers")
    ap.add_argument("--ion", default="Li")
    ap.add_argument("--work", type=Path, default=Path("runs/screen-bench"))
    ap.add_argument("--note", default="", help="conditions worth knowing, e.g. other load on the machine")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/screen_throughput.json"))
    args = ap.parse_args()

    cifs = args.work / "cifs"
    shutil.rmtree(args.work, ignore_errors=True)
    cifs.mkdir(parents=True)
    chosen = [e.structure for e in load_pretraining() if args.ion in {el.symbol for el in e.structure.composition}]
    chosen = chosen[: args.n]
    for i, s in enumerate(chosen[: args.scaling_n]):
        s.to(filename=str(cifs / f"{i:05d}.cif"))
    runs, walls = [], {}
    for workers in (1, 2):
        out = args.work / f"results-w{workers}.csv"
        walls[workers] = screen(cifs, args.ion, out, workers)
        runs.append(summary(out, workers, walls[workers]))
        print(runs[-1], flush=True)
    for i, s in enumerate(chosen[args.scaling_n :], start=args.scaling_n):
        s.to(filename=str(cifs / f"{i:05d}.cif"))
    out = args.work / "results-w2.csv"
    runs.append(summary(out, 2, walls[2] + screen(cifs, args.ion, out, 2)))
    print(runs[-1], flush=True)
    result = {"runs": runs, "split": f"n/a: {len(chosen)} {args.ion}-containing structures of the pre-training set", "ion": args.ion, "n": len(chosen), "scaling_n": min(args.scaling_n, len(chosen)),
              "speedup_2_vs_1": runs[1]["structures_per_second"] / runs[0]["structures_per_second"],
              "machine": f"{platform.processor() or platform.machine()}, 2 cores" + (f"; {args.note}" if args.note else ""),
              "command": f"python benchmarks/screen_throughput.py --n {args.n} --scaling-n {args.scaling_n} "
                         f"--ion {args.ion}"}
    write_result(args.out, result)
