"""hopnet's BVSE engine beside bvlain's on the training hops: the same hop barriers, and how much faster?

    python benchmarks/bvse_engines.py --limit 200

For each DFT path of the training split (visited in a seeded random order, so
``--limit`` scores a random sample), the host of ``bvse_hops.py`` (both end
sites filled, else the ion at the start) gets its landscape twice, side by side
in one process: filled by bvlain (its KD-tree of each point's 100 nearest
atoms, ``hopnet_repro.baselines.bvlain_engine``) and by hopnet (each atom's
reach of 8 Å, ``hopnet.chemistry.bvse``), on the same grid points with the
same parameters. Recorded per path: both hop
barriers and both landscapes' seconds (oxidation states and bvlain's parameter
tables included in each). Summary: the barriers' agreement, the hops whose
open/blocked call at their ion's ceiling (``BLOCKED_ABOVE``) differs, and the
median of the per-path time ratios. Rows go to
``results/bvse_engines_train.jsonl`` as they finish (a killed run resumes), the
summary to ``results/bvse_engines_train.json``.
"""
from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np

from hopnet.data.barriers import load_barriers
from hopnet.errors import HopnetInputError
from hopnet.pathways.landscape import BLOCKED_ABOVE, RESOLUTION, blocked_above, bvse_landscape
from hopnet_repro.baselines.bvlain_engine import bvlain_landscape
from hopnet_repro.baselines.bvse import band_landscape
from hopnet_repro.limits import timed_item
from hopnet_repro.results import RESULTS, write_result

ROWS = RESULTS / "bvse_engines_train.jsonl"


def both_engines(band) -> dict:
    row = {}
    for engine, of_host in (("bvlain", bvlain_landscape), ("hopnet", bvse_landscape)):
        t0 = time.perf_counter()
        found = band_landscape(band, of_host)
        if found is None:
            raise HopnetInputError(band.label, "no bond-valence landscape with either end site filled")
        landscape, kind = found
        row[f"{engine}_barrier"] = landscape.hop_barrier(band.frac_images[0], band.frac_images[-1])
        row[f"{engine}_seconds"] = round(time.perf_counter() - t0, 4)
        row["host"] = kind
    return row


def summary(rows: list[dict], command: str, seed: int) -> dict:
    ok = [r for r in rows if "hopnet_barrier" in r and np.isfinite(r["bvlain_barrier"])
          and np.isfinite(r["hopnet_barrier"])]
    if not ok:
        raise SystemExit("no path scored by both engines yet: run on more paths (--limit)")
    difference = np.array([abs(r["hopnet_barrier"] - r["bvlain_barrier"]) for r in ok])
    flipped = [r["sys_name"] for r in ok
               if (r["hopnet_barrier"] > blocked_above(r["ion"])) != (r["bvlain_barrier"] > blocked_above(r["ion"]))]
    ratio = np.array([r["bvlain_seconds"] / r["hopnet_seconds"] for r in ok])
    return {"command": command, "seed": seed, "split": f"paper train split, a random {len(rows)} paths",
            "machine": f"{platform.machine()}, 1 process, the two engines side by side per path",
            "resolution_A": RESOLUTION, "paths": len(rows), "compared": len(ok),
            "never_connected_both": sum(1 for r in rows if r.get("bvlain_barrier") == r.get("hopnet_barrier")
                                        == float("inf")),
            "never_connected_one": sum(1 for r in rows if "hopnet_barrier" in r and
                                       np.isinf(r["bvlain_barrier"]) != np.isinf(r["hopnet_barrier"])),
            "failed": sum(1 for r in rows if "error" in r),
            "abs_difference_eV": {"median": float(np.median(difference)), "p95": float(np.quantile(difference, 0.95)),
                                  "max": float(difference.max())},
            "within_0.01_eV": float(np.mean(difference <= 0.01)),
            "open_blocked_differs": flipped, "ceilings": BLOCKED_ABOVE,
            "seconds_median": {e: float(np.median([r[f"{e}_seconds"] for r in ok])) for e in ("bvlain", "hopnet")},
            "speedup_median": float(np.median(ratio)), "speedup_range": [float(ratio.min()), float(ratio.max())]}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, help="stop once this many paths are scored (a random sample)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=int, default=300, help="seconds per path, both engines")
    args = ap.parse_args()
    done = {json.loads(line)["sys_name"] for line in ROWS.read_text().splitlines()} if ROWS.exists() else set()
    entries = load_barriers("train")
    with open(ROWS, "a") as fh:
        for e in (entries[i] for i in np.random.default_rng(args.seed).permutation(len(entries))):
            if args.limit and len(done) >= args.limit:
                break
            if e.sys_name in done:
                continue
            done.add(e.sys_name)
            row = {"sys_name": e.sys_name, "ion": e.ion, "atoms": len(e.band.host) + 1,
                   **timed_item(lambda: both_engines(e.band), args.timeout, (HopnetInputError, ValueError))}
            fh.write(json.dumps(row) + "\n")
            fh.flush()
            print(e.sys_name, row.get("bvlain_barrier"), row.get("hopnet_barrier"), row.get("error", ""), flush=True)
    rows = [json.loads(line) for line in ROWS.read_text().splitlines()]
    command = "python benchmarks/bvse_engines.py" + (f" --limit {args.limit}" if args.limit else "") + \
              f" --seed {args.seed}"
    write_result(RESULTS / "bvse_engines_train.json", summary(rows, command, args.seed))
    print(json.dumps(summary(rows, command, args.seed), indent=1))
