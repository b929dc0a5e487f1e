"""The BVSE barrier of every DFT path of the training split: how high can a real hop's BVSE barrier be?

    python benchmarks/bvse_hops.py --split train

For each path, the host with both end sites filled (the pristine crystal of a
vacancy hop; if bond valences cannot be assigned to it, the host with the ion
at the start only) gets its bond-valence landscape (``hopnet.pathways.landscape``,
bvlain), and the hop its BVSE barrier: the lowest energy at which its end sites
connect inside a tube around the hop. Every one of these hops exists (DFT-NEB
found its barrier). The ceiling above which ``hopnet paths`` calls a hop blocked
is, per ion, the highest BVSE barrier among that ion's hops a conductor needs
(DFT Em <= 1 eV), where at least 20 such hops were scored; for rarer ions, the
98th percentile of those barriers over all ions. The values are copied into
``hopnet.pathways.landscape.BLOCKED_ABOVE`` (a test holds the two together). Paths are visited in a seeded random order,
so a run stopped early (``--limit``) has scored a random sample. Rows are
appended to benchmarks/results/bvse_hops_<split>.jsonl as they finish (a killed
run resumes); the summary of every finished row goes to bvse_hops_<split>.json.
Only the training split is used to choose the ceiling.

The same rows put the BVSE barrier on the DFT scale, the physics half of the
price ``hopnet paths`` gives each hop (``hopnet.pathways.landscape.BVSE_TO_EM``,
copied from ``bvse_to_em``; a test keeps them equal): per ion with at least 20
scored open hops (BVSE barrier at most the ion's ceiling) a least-squares line
DFT Em = intercept + slope x BVSE and its RMS residual; other ions, one line over
all of them.
"""
from __future__ import annotations

import argparse
import json
import platform

import numpy as np
from scipy.stats import spearmanr

from hopnet.data.barriers import load_barriers
from hopnet.errors import HopnetInputError
from hopnet.pathways.landscape import BLOCKED_ABOVE, RESOLUTION
from hopnet_repro.baselines.bvse import band_landscape
from hopnet_repro.limits import timed_item
from hopnet_repro.results import RESULTS, write_result

CONDUCTING_EM = 1.0  # eV: the hops a conductor needs
CEILING_QUANTILE = 0.98
MIN_PER_ION = 20


def bvse_to_em(rows: list[dict], ceilings: dict[str, float]) -> dict[str, dict[str, float]]:
    """Per ion (and ``other``): DFT Em against the BVSE barrier on the open hops, a line and its RMS residual."""
    def line(pairs: np.ndarray) -> dict[str, float]:
        slope, intercept = np.polyfit(pairs[:, 0], pairs[:, 1], 1)
        residual = pairs[:, 1] - (intercept + slope * pairs[:, 0])
        return {"intercept": round(float(intercept), 4), "slope": round(float(slope), 4),
                "rms": round(float(np.sqrt(np.mean(residual**2))), 4), "hops": len(pairs)}

    open_hops = [r for r in rows if r["bvse_barrier"] <= ceilings.get(r["ion"], ceilings["other"])]
    per_ion = {ion: np.array([(r["bvse_barrier"], r["em_dft"]) for r in open_hops if r["ion"] == ion])
               for ion in sorted({r["ion"] for r in open_hops})}
    return {**{ion: line(p) for ion, p in per_ion.items() if len(p) >= MIN_PER_ION},
            "other": line(np.array([(r["bvse_barrier"], r["em_dft"]) for r in open_hops]))}


def path_barrier(band) -> tuple[float, str]:
    """BVSE barrier of a dataset band's hop, and which host was used."""
    found = band_landscape(band)
    if found is None:
        raise HopnetInputError(band.label, "no bond-valence landscape with either end site filled")
    landscape, kind = found
    return landscape.hop_barrier(band.frac_images[0], band.frac_images[-1]), kind


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=("train", "test"), default="train")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per path")
    ap.add_argument("--limit", type=int, help="stop once this many paths are scored (a random sample)")
    ap.add_argument("--seed", type=int, default=0, help="order in which paths are visited")
    args = ap.parse_args()

    rows_path = RESULTS / f"bvse_hops_{args.split}.jsonl"
    done = {json.loads(line)["sys_name"] for line in rows_path.read_text().splitlines()} if rows_path.exists() else set()
    entries = load_barriers(args.split)
    order = np.random.default_rng(args.seed).permutation(len(entries))
    with open(rows_path, "a") as fh:
        for e in (entries[i] for i in order):
            if args.limit and len(done) >= args.limit:
                break
            if e.sys_name in done:
                continue
            done.add(e.sys_name)
            row = {"sys_name": e.sys_name, "ion": e.ion, "em_dft": e.em, "atoms": len(e.band.host) + 1}
            row.update(timed_item(lambda: zip(("bvse_barrier", "host"), path_barrier(e.band)), args.timeout,
                                  (HopnetInputError, ValueError)))
            fh.write(json.dumps(row) + "\n")
            fh.flush()
            print(f"{e.sys_name}: {row.get('bvse_barrier', row.get('error'))}", flush=True)

    rows = [json.loads(line) for line in rows_path.read_text().splitlines()]
    ok = [r for r in rows if "bvse_barrier" in r and np.isfinite(r["bvse_barrier"])]
    barrier, em = np.array([r["bvse_barrier"] for r in ok]), np.array([r["em_dft"] for r in ok])
    quantiles = (0.5, 0.9, 0.95, 0.98, 0.99, 1.0)
    if not np.any(em <= CONDUCTING_EM):
        raise SystemExit("no scored hop with DFT Em <= 1 eV yet: run on more paths (--limit)")
    conducting = barrier[em <= CONDUCTING_EM]
    conducting_ions = np.array([r["ion"] for r in ok])[em <= CONDUCTING_EM]
    blocked = {**{ion: round(float(conducting[conducting_ions == ion].max()), 1)
                  for ion in np.unique(conducting_ions) if np.sum(conducting_ions == ion) >= MIN_PER_ION},
               "other": round(float(np.quantile(conducting, CEILING_QUANTILE)), 1)}
    write_result(RESULTS / f"bvse_hops_{args.split}.json", {
        "command": f"python benchmarks/bvse_hops.py --split {args.split}"
                   + (f" --limit {args.limit}" if args.limit else "") + f" --seed {args.seed}",
        "split": f"paper {args.split} split" + (f", a random {len(rows)} of {len(entries)} paths" if len(rows) <
                                                 len(entries) else ""), "seed": args.seed,
        "machine": f"{platform.machine()}, 1 process (bvlain's neighbour search uses every core)",
        "resolution_A": RESOLUTION, "paths": len(rows), "scored": len(ok),
        "never_connected": sum(1 for r in rows if r.get("bvse_barrier") == float("inf")),
        "failed": [{"sys_name": r["sys_name"], "error": r["error"]} for r in rows if "error" in r],
        "quantiles": {f"{q:g}": float(np.quantile(barrier, q)) for q in quantiles},
        "conducting_hops": int(len(conducting)),
        "quantiles_conducting": {f"{q:g}": float(np.quantile(conducting, q)) for q in quantiles},
        "blocked_above": blocked,
        # the product's ceilings (Li's chosen on the real electrolytes) decide which hops are open
        "bvse_to_em": bvse_to_em(ok, BLOCKED_ABOVE),
        "conducting_hops_per_ion": {ion: int(np.sum(conducting_ions == ion)) for ion in np.unique(conducting_ions)},
        "rule": f"per ion with >= {MIN_PER_ION} hops of DFT Em <= {CONDUCTING_EM:g} eV: the highest BVSE barrier "
                f"among them; other ions: the {CEILING_QUANTILE:g} quantile over all such hops",
        "spearman_with_dft": float(spearmanr(barrier, em).statistic),
        "median_seconds": float(np.median([r["seconds"] for r in rows])),
    })
