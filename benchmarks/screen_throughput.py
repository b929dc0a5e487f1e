"""Screening throughput on 2 cores: structures/s, hops/s and peak memory, 1 vs 2 workers.

The inputs are the first N pre-training structures (Materials Project crystals
shipped with hopnet) that contain the ion, written as CIFs; each worker count
screens them from scratch with the shipped model.

    python benchmarks/screen_throughput.py --n 1000 --ion Li
"""
from __future__ import annotations

import argparse
import csv
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

from hopnet.data.pretraining import load_pretraining

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--ion", default="Li")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--work", type=Path, default=Path("runs/screen-bench"))
    ap.add_argument("--note", default="", help="conditions worth knowing, e.g. other load on the machine")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/screen_throughput.json"))
    args = ap.parse_args()

    cifs = args.work / "cifs"
    cifs.mkdir(parents=True, exist_ok=True)
    chosen = [e.structure for e in load_pretraining() if args.ion in {el.symbol for el in e.structure.composition}]
    for i, s in enumerate(chosen[: args.n]):
        s.to(filename=str(cifs / f"{i:05d}.cif"))
    runs = []
    for workers in args.workers:
        out = args.work / f"results-w{workers}.csv"
        out.unlink(missing_ok=True)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "hopnet.cli.main", "screen", str(cifs), "--ion", args.ion, "-o", str(out),
                        "--workers", str(workers)], check=True, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - t0
        rows = list(csv.DictReader(open(out)))
        ok = [r for r in rows if r["status"] == "ok"]
        hops = sum(int(r["distinct_hops"]) for r in ok)
        runs.append({"workers": workers, "wall_seconds": round(wall, 1), "structures": len(rows), "ok": len(ok),
                     "errors": len(rows) - len(ok), "distinct_hops": hops,
                     "structures_per_second": len(rows) / wall, "hops_per_second": hops / wall,
                     "peak_rss_mb_largest_process": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024})
        print(runs[-1])
    result = {"runs": runs, "ion": args.ion, "n": min(args.n, len(chosen)),
              "speedup_2_vs_1": runs[-1]["structures_per_second"] / runs[0]["structures_per_second"],
              "machine": f"{platform.processor() or platform.machine()}, 2 cores" + (f"; {args.note}" if args.note else ""),
              "command": f"python benchmarks/screen_throughput.py --n {args.n} --ion {args.ion} --workers "
                         + " ".join(map(str, args.workers))}
    args.out.write_text(json.dumps(result, indent=1))
