"""Two shortcuts for the bond-valence grid, measured before either is taken: do the hop barriers stay?

    python benchmarks/grid_shortcuts.py --limit 60

The grid is the largest share of a host's time once the network is one pass
(``host_profile.py``). For each of ``--limit`` training paths (a seeded random
order), the host of ``bvse_engines.py`` gets its landscape three ways, one after
the other in one process: as shipped (each atom's reach 8 Å, 0.25 Å between
points); with each kind of atom's sum stopped where its pair energy stays below
``--tolerance`` (``bvse_landscape(tolerance=...)``, grid order
kept); and on a coarser grid (``--coarse`` Å). Recorded: each path's hop barrier
and seconds (oxidation states included) under each; summary: the barriers'
distance from the shipped ones, the hops whose open/blocked call changes, and the
median of per-path time ratios.
"""
from __future__ import annotations

import argparse
import platform
import time
from functools import partial

import numpy as np

from hopnet.data.barriers import load_barriers
from hopnet.pathways.landscape import RESOLUTION, blocked_above, bvse_landscape
from hopnet.threads import use_threads
from hopnet_repro.baselines.bvse import band_landscape
from hopnet_repro.results import RESULTS, write_result


def compare(rows: list[dict], name: str) -> dict:
    both = [r for r in rows if np.isfinite(r["shipped"]) and np.isfinite(r[name])]
    apart = np.array([abs(r[name] - r["shipped"]) for r in both])
    return {"compared": len(both), "never_connected_one": int(sum(np.isinf(r["shipped"]) != np.isinf(r[name]) for r in rows)),
            "abs_difference_eV": {"median": float(np.median(apart)), "p95": float(np.quantile(apart, 0.95)),
                                  "max": float(apart.max())},
            "within_0.01_eV": float(np.mean(apart <= 0.01)),
            "open_blocked_differs": int(sum((r["shipped"] > blocked_above(r["ion"]))
                                            != (r[name] > blocked_above(r["ion"])) for r in rows)),
            "speedup_median": float(np.median([r["shipped_seconds"] / r[f"{name}_seconds"] for r in rows]))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=60)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tolerance", type=float, default=1e-4, help="eV: a kind's pair energy below it is left out")
    ap.add_argument("--coarse", type=float, default=0.3, help="Å between the coarser grid's points")
    args = ap.parse_args()
    use_threads(1)
    variants = {"shipped": bvse_landscape, "reach": partial(bvse_landscape, tolerance=args.tolerance),
                "coarse": partial(bvse_landscape, resolution=args.coarse)}
    entries = load_barriers("train")
    rows = []
    for i in np.random.default_rng(args.seed).permutation(len(entries))[:args.limit]:
        band = entries[i].band
        row = {"sys_name": band.label, "ion": band.ion}
        for name, of_host in variants.items():
            t0 = time.perf_counter()
            found = band_landscape(band, of_host)
            if found is None:
                break
            row[name] = found[0].hop_barrier(band.frac_images[0], band.frac_images[-1])
            row[f"{name}_seconds"] = time.perf_counter() - t0
        else:
            rows.append(row)
    write_result(RESULTS / "grid_shortcuts.json", {
        "command": f"python benchmarks/grid_shortcuts.py --limit {args.limit} --seed {args.seed} --tolerance "
                   f"{args.tolerance:g} --coarse {args.coarse:g}",
        "split": f"paper train split, a random {args.limit} paths", "seed": args.seed,
        "machine": f"{platform.machine()}, 1 process, 1 torch and 1 BLAS thread, the three grids one after the other",
        "resolution_A": RESOLUTION, "tolerance_eV": args.tolerance, "coarse_A": args.coarse, "paths": len(rows),
        "reach": compare(rows, "reach"), "coarse": compare(rows, "coarse"), "rows": rows})


if __name__ == "__main__":
    main()
