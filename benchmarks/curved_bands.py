"""Curved bands for the path-shape question: each training path's three interior images moved onto its BVSE channel.

    python benchmarks/curved_bands.py --split train

The dataset's bands are straight lines between the two sites; the ion in the DFT
path curves around host atoms. Here each band's interior images are placed at
a quarter, half and three quarters of the length of the path through the
bond-valence landscape (``Landscape.channel_images``: the shortest route among
grid points below the energy at which the sites connect), host frozen, exactly
as `hopnet paths` would draw a user's hop. Bands whose host has no landscape
stay straight (said in the row). Rows go to
benchmarks/results/curved_bands_<split>.jsonl (resumable); `cv_band.py --bands
curved` trains and cross-validates on them, with the same folds as the
straight bands.
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np

from hopnet.data.barriers import load_barriers
from hopnet.vocabulary import N_IMAGES
from hopnet_repro.baselines.bvse import band_landscape
from hopnet_repro.limits import time_limit
from hopnet_repro.results import RESULTS


def curved_images(band) -> np.ndarray | None:
    found = band_landscape(band)
    if found is None:
        return None
    return found[0].channel_images(band.frac_images[0], band.frac_images[-1], N_IMAGES)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=("train", "test"), default="train")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per path")
    args = ap.parse_args()
    rows_path = RESULTS / f"curved_bands_{args.split}.jsonl"
    done = {json.loads(line)["sys_name"] for line in rows_path.read_text().splitlines()} if rows_path.exists() else set()
    with open(rows_path, "a") as fh:
        for e in load_barriers(args.split):
            if e.sys_name in done:
                continue
            row: dict = {"sys_name": e.sys_name}
            t0 = time.perf_counter()
            try:
                with time_limit(args.timeout):
                    images = curved_images(e.band)
                row["images"] = None if images is None else np.round(images, 6).tolist()
                if images is None:
                    row["note"] = "no landscape or no channel: straight"
            except TimeoutError:
                row.update(images=None, note=f"over {args.timeout} s: straight")
            row["seconds"] = round(time.perf_counter() - t0, 3)
            fh.write(json.dumps(row) + "\n")
            fh.flush()
