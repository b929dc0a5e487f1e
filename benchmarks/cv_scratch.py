"""Choose the SCRATCH band model's architecture by grouped K-fold CV on the 559 training paths.

The test split is never loaded here. Each variant changes one thing from the
default, so each row measures one design choice (path flag, readout, graph scope).

    python benchmarks/cv_scratch.py --variant default --folds 3 --epochs 40 --threads 1
"""
from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from hopnet.graphs.builder import GraphConfig
from hopnet.models.config import ModelConfig
from hopnet.training.config import TrainConfig
from hopnet.training.cv import cross_validate
from hopnet.training.datasets import split_graphs

LOCAL = GraphConfig(scope="local", local_radius=6.0, angle_neighbors=8)
VARIANTS = {
    "default": ModelConfig(graph=LOCAL),
    "no_path_flag": ModelConfig(graph=LOCAL, path_flag=False),
    "mean_readout": ModelConfig(graph=LOCAL, readout="mean"),
    "paper_readout": ModelConfig(graph=LOCAL, path_flag=False, readout="mean"),
    "full_graph": ModelConfig(graph=GraphConfig(scope="full", angle_neighbors=8)),
    "wide": ModelConfig(graph=LOCAL, hidden=96),
}

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--variant", choices=sorted(VARIANTS), required=True)
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/cv"))
    args = ap.parse_args()

    cfg = TrainConfig(model=VARIANTS[args.variant], epochs=args.epochs, threads=args.threads, seed=args.seed)
    _, graphs, em, groups = split_graphs("train", cfg.model.graph)
    t0 = time.time()
    result = cross_validate(graphs, em, groups, cfg, folds=args.folds,
                            checkpoint_root=Path(".hopnet-runs") / f"cv-{args.variant}-{args.folds}-{args.epochs}-{args.seed}")
    result.update(variant=args.variant, config=cfg.model_dump(), folds_k=args.folds, wall_seconds=time.time() - t0,
                  command=f"python benchmarks/cv_scratch.py --variant {args.variant} --folds {args.folds} "
                          f"--epochs {args.epochs} --threads {args.threads} --seed {args.seed}",
                  split="paper train (559), grouped by host", machine=f"{platform.processor() or platform.machine()}, "
                  f"{args.threads} torch threads")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.variant}.json").write_text(json.dumps(result, indent=1))
    m = result["metrics"]
    print(f"{args.variant}: CV MAE {m['mae']:.3f} R2 {m['r2']:.3f} acc {m['accuracy']:.3f} ({result['wall_seconds']:.0f} s)")
