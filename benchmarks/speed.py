"""Training and inference speed on this machine, default model vs. the paper's architecture.

    python benchmarks/speed.py --threads 2

Run it on an otherwise idle machine. Writes benchmarks/results/speed.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import torch

from hopnet.data.barriers import load_barriers
from hopnet.graphs.batch import collate
from hopnet.models.alignn import ALIGNN
from hopnet.models.config import ModelConfig
from hopnet.predictor import default_model_path, load_model
from hopnet.training.datasets import band_graphs
from hopnet_repro.results import write_result


def train_seconds_per_band(cfg: ModelConfig, graphs, batch_size: int = 16) -> float:
    """Forward + backward + AdamW step, averaged over ``graphs`` after one warm-up batch."""
    torch.manual_seed(0)
    model = ALIGNN(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    batches = [collate(graphs[i : i + batch_size]) for i in range(0, len(graphs), batch_size)]
    target = torch.zeros(batch_size)

    def step(b):
        opt.zero_grad()
        loss = (model(b) - target[: b.num_graphs]).abs().mean()
        loss.backward()
        opt.step()

    step(batches[0])
    t0 = time.perf_counter()
    for b in batches:
        step(b)
    return (time.perf_counter() - t0) / len(graphs)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reference-bands", type=int, default=48, help="training bands timed for the paper architecture")
    ap.add_argument("--model", type=Path, default=default_model_path())
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)

    model = load_model(args.model, threads=args.threads)
    default_cfg = model.members[0].model.cfg
    train, test = load_barriers("train"), load_barriers("test")

    t0 = time.perf_counter()
    train_graphs = band_graphs(train, default_cfg.graph)
    build_train = time.perf_counter() - t0
    per_band_default = train_seconds_per_band(default_cfg, [train_graphs[i] for i in rng.permutation(len(train))])

    paper = ModelConfig.paper()
    sample = [train[i] for i in rng.choice(len(train), args.reference_bands, replace=False)]
    paper_graphs = band_graphs(sample, paper.graph)
    per_band_paper = train_seconds_per_band(paper, paper_graphs)

    # Inference on the 60 test paths with the shipped model: graphs, then the network(s).
    bands = [e.band for e in test]
    t0 = time.perf_counter()
    test_graphs = band_graphs(test, default_cfg.graph)
    t_graph = time.perf_counter() - t0
    with torch.no_grad():
        t0 = time.perf_counter()
        for i in range(0, len(test_graphs), 32):
            batch = collate(test_graphs[i : i + 32])
            for m in model.members:
                m.model(batch)
        t_model = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.predict_bands(bands)
    t_end = time.perf_counter() - t0

    n_train = len(train)
    result = {
        "command": f"python benchmarks/speed.py --threads {args.threads}",
        "split": "paper train (training timing), paper test (inference timing)",
        "machine": f"{platform.machine()} {platform.processor()}, {os.cpu_count()} cores, {args.threads} torch threads",
        "torch": torch.__version__,
        "default_model": default_cfg.model_dump(),
        "train_epoch_minutes_default": per_band_default * n_train / 60,
        "train_seconds_per_band_default": per_band_default,
        "train_seconds_per_band_paper_arch": per_band_paper,
        "train_epoch_minutes_paper_arch": per_band_paper * n_train / 60,
        "paper_arch_bands_timed": args.reference_bands,
        "speedup_vs_paper_arch": per_band_paper / per_band_default,
        "graph_build_seconds_per_band_train": build_train / n_train,
        "inference_60_test": {
            "graph_seconds": t_graph, "model_seconds": t_model, "end_to_end_seconds": t_end,
            "paths_per_second_end_to_end": len(bands) / t_end, "ensemble_members": len(model.members),
        },
    }
    out = Path("benchmarks/results/speed.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_result(out, result)
    print(json.dumps({k: v for k, v in result.items() if k != "default_model"}, indent=1))
