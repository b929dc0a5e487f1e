"""Cross-validate band models on the 559 training paths: architecture, pre-training, learning rate.

The test split is never loaded here. Each variant changes one thing from the
shipped architecture; ``--encoder`` starts from a pre-trained encoder (MPT);
``--scheme ion`` holds out one ion at a time (Li, Na, Mg, Ca) instead of hosts.

    python benchmarks/cv_band.py --variant no_path_flag --folds 3 --epochs 40 --threads 1
    python benchmarks/cv_band.py --variant no_path_flag --encoder hopnet-mpt-encoder --threads 1
"""
from __future__ import annotations

import argparse
import hashlib
import platform
import time
from pathlib import Path

import numpy as np

from hopnet.data.barriers import data_hash
from hopnet.errors import HopnetInputError
from hopnet.graphs.builder import GraphConfig, graph_from_band
from hopnet.graphs.cache import cached_graphs
from hopnet.models.config import ModelConfig
from hopnet.pathways.band import Band
from hopnet.training.config import TrainConfig
from hopnet.training.datasets import split_graphs
from hopnet_repro.cv import HELD_OUT_IONS, cross_validate, group_kfold, ion_folds
from hopnet_repro.inputs import load_curved
from hopnet_repro.results import RESULTS, write_result

LOCAL = GraphConfig(scope="local", local_radius=6.0, angle_neighbors=8)
VARIANTS = {
    "no_path_flag": ModelConfig(graph=LOCAL, path_flag=False),
    "path_flag": ModelConfig(graph=LOCAL, path_flag=True),
    "paper_readout": ModelConfig(graph=LOCAL, path_flag=False, readout="mean"),
    "full_graph": ModelConfig(graph=GraphConfig(scope="full", angle_neighbors=8)),
    "wide": ModelConfig(graph=LOCAL, hidden=96),
}
FOLD_SEED = 0  # folds stay fixed when --seed changes, so runs with several seeds form an ensemble per fold


def curved_graphs(entries, cfg: GraphConfig):
    """Graphs of the bands with their interior images on the BVSE channel; straight where there is none."""
    curved = load_curved("train")
    source = RESULTS / "curved_bands_train.jsonl"
    bands = [Band(e.band.host, e.band.ion, curved.get(e.sys_name, e.band.frac_images), e.band.label)
             for e in entries]
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]

    def graph(band: Band, entry):
        try:
            return graph_from_band(band, cfg)
        except HopnetInputError:  # a curved band whose local graph leaves an atom alone: keep the straight one
            return graph_from_band(entry.band, cfg)

    return cached_graphs(cfg, f"train:{data_hash('train')}:curved:{digest}",
                         lambda: [graph(b, e) for b, e in zip(bands, entries)])


def fold_indices(scheme: str, entries, groups: np.ndarray, folds: int, seed: int) -> list[np.ndarray]:
    if scheme == "host":
        return group_kfold(groups, folds, seed)
    return ion_folds([e.ion for e in entries])


def run_name(args) -> str:
    parts = [args.variant]
    if args.encoder:
        parts.append("mpt")
    if args.lr != TrainConfig().lr:
        parts.append(f"lr{args.lr:g}")
    if args.scheme != "host":
        parts.append(f"by-{args.scheme}")
    if args.seed != 0:
        parts.append(f"seed{args.seed}")
    if args.bands != "straight":
        parts.append(args.bands)
    return "-".join(parts)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--variant", choices=sorted(VARIANTS), required=True)
    ap.add_argument("--encoder", help="pre-trained encoder card or shipped name (default: SCRATCH)")
    ap.add_argument("--lr", type=float, default=TrainConfig().lr)
    ap.add_argument("--scheme", choices=("host", "ion"), default="host", help="grouped by host, or leave one ion out")
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/cv"))
    ap.add_argument("--save-models", action="store_true", help="keep each fold's network under runs/cv-models/<name>")
    ap.add_argument("--bands", choices=("straight", "curved"), default="straight",
                    help="the dataset's straight bands, or interior images on the BVSE channel (curved_bands.py)")
    args = ap.parse_args()

    cfg = TrainConfig(model=VARIANTS[args.variant], epochs=args.epochs, threads=args.threads, seed=args.seed,
                      lr=args.lr, init=args.encoder)
    entries, graphs, em, groups = split_graphs("train", cfg.model.graph)
    if args.bands == "curved":
        graphs = curved_graphs(entries, cfg.model.graph)
    folds = fold_indices(args.scheme, entries, groups, args.folds, FOLD_SEED)
    name = run_name(args)
    t0 = time.time()
    result = cross_validate(graphs, em, groups, cfg, folds=folds,
                            checkpoint_root=Path(".hopnet-runs") / f"cv-{name}-{args.folds}-{args.epochs}-{args.seed}",
                            model_dir=Path("runs/cv-models") / name if args.save_models else None)
    if args.scheme == "ion":
        result["folds_named"] = dict(zip(HELD_OUT_IONS, result["folds"]))
    command = (f"python benchmarks/cv_band.py --variant {args.variant} --folds {args.folds} --epochs {args.epochs} "
               f"--threads {args.threads} --seed {args.seed}" + (f" --encoder {args.encoder}" if args.encoder else "")
               + (f" --lr {args.lr:g}" if "lr" in name else "") + (f" --scheme {args.scheme}" if args.scheme != "host" else "")
               + (f" --bands {args.bands}" if args.bands != "straight" else ""))
    result.update(variant=name, config=cfg.model_dump(), folds_k=len(folds), scheme=args.scheme,
                  wall_seconds=time.time() - t0, command=command,
                  split="paper train (559), " + ("grouped by host" if args.scheme == "host" else "leave one ion out"),
                  machine=f"{platform.processor() or platform.machine()}, {args.threads} torch threads")
    args.out.mkdir(parents=True, exist_ok=True)
    write_result(args.out / f"{name}.json", result)
    m = result["metrics"]
    print(f"{name}: CV MAE {m['mae']:.3f} R2 {m['r2']:.3f} acc {m['accuracy']:.3f} ({result['wall_seconds']:.0f} s)")
