"""Compute and cache CHGNet band features (static energy profile + embeddings) for a shipped split.

    python benchmarks/chgnet_features.py --split train --threads 1
    python benchmarks/chgnet_features.py --split test --threads 1

Resumable: progress is saved every 25 bands to the output .npz. Timing per band
is recorded (the cost of this feature extraction on 2 cores).
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from hopnet.data.barriers import load_barriers
from hopnet_repro.baselines.chgnet_features import band_features, load_chgnet

FIELDS = ("energy", "ion_fea", "crystal_fea", "seconds")


def save(path: Path, store: dict) -> None:
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, **{k: np.asarray(v) for k, v in store.items()})
    os.replace(tmp, path)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=("train", "test"), required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    out = args.out or Path(f"benchmarks/data/chgnet_features_{args.split}.npz")
    entries = load_barriers(args.split)
    store = {k: [] for k in FIELDS}
    if out.exists():
        with np.load(out) as data:
            store = {k: list(data[k]) for k in FIELDS}
    model = load_chgnet(args.threads)
    for i in tqdm(range(len(store["energy"]), len(entries)), desc=f"CHGNet {args.split}"):
        t0 = time.perf_counter()
        feats = band_features(model, entries[i].band)
        for k, v in feats.items():
            store[k].append(v)
        store["seconds"].append(time.perf_counter() - t0)
        if (i + 1) % 25 == 0 or i + 1 == len(entries):
            save(out, store)
    print(f"{out}: {len(store['energy'])} bands, {np.sum(store['seconds']):.0f} s, "
          f"median {np.median(store['seconds']):.2f} s/band")
