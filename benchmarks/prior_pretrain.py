"""Pre-train the band network on physics-labelled hops (``hop_labels.py``): a migration prior.

    python benchmarks/prior_pretrain.py --limit 8000 --epochs 3 --threads 1 --out runs/prior/hopnet-prior-encoder.json

Each labelled hop becomes a band exactly as ``hopnet paths`` draws one (vacancy
mechanism, ``hop_band``), so the encoder sees the inputs it will be fine-tuned
on. Two outputs, each standardised over the training hops and learned with an L1
loss: log(1 + BVSE barrier), with a hop whose sites never connect taken at the
landscape's energy cap (it is blocked: the highest label there is), and the
straight hop's clearance from the framework (Å). One host in ten (by structure
index) is held out for validation, which picks the best epoch. The card is an
encoder: fine-tune from it with ``--encoder`` (``protocol.py``, ``cv_band.py``).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from hopnet.data.pretraining import records as pretraining_records
from hopnet.errors import HopnetInputError
from hopnet.graphs.batch import collate
from hopnet.graphs.builder import CrystalGraph, graph_from_band
from hopnet.graphs.cache import cached_graphs
from hopnet.models.alignn import ALIGNN
from hopnet.models.card import Member, TrainingRecord, save_model
from hopnet.models.config import ModelConfig
from hopnet.pathways.hops import Hop, hop_band
from hopnet.pathways.landscape import ENERGY_CAP
from hopnet.training.config import LoopConfig
from hopnet.training.loop import run_epochs, seed_everything
from hopnet.training.pretrain import masked_l1
from hop_labels import host_structure, shard_files, shard_lines
from hopnet_repro.results import RESULTS, write_result

LABELS = RESULTS / "hop_labels"
TARGETS = ("log1p_bvse", "clearance")
VAL_EVERY = 10


def labelled_hops(folder: Path, hosts: int | None = None) -> list[dict]:
    """Every labelled hop of every shard (the working ``.jsonl``, else the committed ``.jsonl.xz``), with its
    host's record, ion and swap; with ``hosts``, only those of each shard's first ``hosts`` rows (the labels
    an earlier, shorter run of ``hop_labels.py`` had written)."""
    hops = []
    for shard in shard_files(folder):
        for row in map(json.loads, shard_lines(shard)[:hosts]):
            for h in row.get("hops", []):
                hops.append({"record": row["record"], "ion": row["ion"], "replaces": row.get("replaces"), **h})
    return hops


def sampled_hops(limit: int, seed: int, hosts: int | None = None) -> tuple[list[dict], str]:
    """The hops a run uses (a seeded sample of ``limit``, in file order) and a digest that names them."""
    every = labelled_hops(LABELS, hosts)
    hops = [every[i] for i in np.sort(np.random.default_rng(seed).permutation(len(every))[:limit])]
    return hops, hashlib.sha256(json.dumps(hops, sort_keys=True).encode()).hexdigest()[:16]


def targets_of(hops: list[dict]) -> np.ndarray:
    bvse = np.array([ENERGY_CAP if h["bvse"] is None else min(h["bvse"], ENERGY_CAP) for h in hops])
    return np.stack([np.log1p(bvse), [h["clearance"] for h in hops]], axis=1).astype(np.float32)


def hop_band_graphs(hops: list[dict], cfg: ModelConfig, progress: bool = True) -> list[CrystalGraph]:
    """The band graph of each hop; an empty graph where no band can be drawn (an end site on a host atom)."""
    wanted = {h["record"] for h in hops}
    recs = {i: r for i, r in enumerate(pretraining_records()) if i in wanted}
    graphs = []
    for h in tqdm(hops, desc="band graphs", mininterval=10, disable=not progress):
        rec = recs[h["record"]]
        structure = host_structure(rec, h["ion"], h["replaces"])
        try:
            band = hop_band(structure, h["ion"], Hop(h["start"], h["end"], tuple(h["image"]), h["length"]), "vacancy")
            graphs.append(graph_from_band(band, cfg.graph))
        except HopnetInputError:
            graphs.append(CrystalGraph.empty())
    return graphs



def record_result(args) -> None:
    """benchmarks/results/prior_pretrain.json from the written card: what the encoder learned, on what, how long."""
    card = json.loads(args.out.read_text())
    t = card["training"]
    write_result(RESULTS / "prior_pretrain.json", {
        "command": f"python benchmarks/prior_pretrain.py --limit {args.limit}"
                   + (f" --hosts {args.hosts}" if args.hosts else "") + f" --epochs {args.epochs} "
                   f"--threads {args.threads} --seed {args.seed} --out {args.out}",
        "split": f"hop labels (benchmarks/results/hop_labels), one host in {VAL_EVERY} held out by structure index",
        "seed": args.seed, "machine": t["machine"], "data": t["data"], "targets": list(TARGETS),
        "train_hops": t["n_train_structures"], "val_hops": t["n_val_structures"], "best_epoch": t["best_epoch"],
        "val_mae": t["val_mae"], "wall_seconds": t["wall_seconds"],
        "target_std": dict(zip(TARGETS, targets_of(sampled_hops(args.limit, args.seed, args.hosts)[0]).std(axis=0).round(4)
                               .tolist())),
    })


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=8000, help="hops used (a seeded random sample)")
    ap.add_argument("--hosts", type=int, help="only the labels of the first N hosts of each shard (default: all)")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path("runs/prior/hopnet-prior-encoder.json"))
    ap.add_argument("--record", action="store_true", help="only write the result file from an existing --out card")
    args = ap.parse_args()
    if args.record:
        record_result(args)
        raise SystemExit(0)

    model_cfg = ModelConfig(outputs=len(TARGETS))
    cfg = LoopConfig(epochs=args.epochs, threads=args.threads, seed=args.seed)
    torch.set_num_threads(args.threads)
    seed_everything(args.seed)
    hops, digest = sampled_hops(args.limit, args.seed, args.hosts)
    t0 = time.perf_counter()
    graphs = cached_graphs(model_cfg.graph, f"hop-prior:{digest}", lambda: hop_band_graphs(hops, model_cfg))
    graph_seconds = time.perf_counter() - t0
    raw = targets_of(hops)
    is_val = np.array([h["record"] % VAL_EVERY == 0 for h in hops])
    ok = np.array([g.num_atoms > 0 for g in graphs])
    train_idx, val_idx = np.flatnonzero(ok & ~is_val), np.flatnonzero(ok & is_val)
    mean, std = raw[train_idx].mean(axis=0), raw[train_idx].std(axis=0)
    y = torch.from_numpy((raw - mean) / std)
    model = ALIGNN(model_cfg)

    def batches(epoch: int):
        order = np.random.default_rng(args.seed * 7919 + epoch).permutation(train_idx)
        for i in range(0, len(order), args.batch_size):
            idx = order[i : i + args.batch_size]
            yield collate([graphs[j] for j in idx]), y[idx], len(idx)

    @torch.no_grad()
    def evaluate() -> dict:
        model.eval()
        pred = torch.cat([model(collate([graphs[j] for j in val_idx[i : i + 64]]))
                          for i in range(0, len(val_idx), 64)]).numpy() * std + mean
        mae = np.abs(pred - raw[val_idx]).mean(axis=0)
        return {"val_mae": dict(zip(TARGETS, mae.tolist())), "val_score": float(np.mean(mae / std))}

    result = run_epochs(model, cfg, batches, int(np.ceil(len(train_idx) / args.batch_size)), masked_l1, evaluate,
                        score_key="val_score",  # a checkpoint of other hops is another run: keyed by their digest
                        checkpoint_dir=args.out.parent / "checkpoints" / f"{args.out.stem}-{digest}",
                        desc="prior")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_model(
        args.out, [Member(model, 0.0, 1.0)], name=args.out.stem,
        task="band encoder pre-trained on physics-labelled hops (BVSE barrier, clearance); outputs standardised",
        properties={"log1p_bvse": "log(1 + BVSE barrier / eV), blocked hops at the energy cap",
                    "clearance": "closest approach of the straight hop to a framework atom, Å"},
        training=TrainingRecord(
            data=f"benchmarks/hop_labels.py labels, {len(hops)} hops (seed {args.seed}), sha {digest}",
            machine=f"{platform.machine()}, {args.threads} torch threads",
            wall_seconds=round(result.seconds + graph_seconds, 1), pretrain_config=cfg.model_dump(),
            n_train_structures=int(len(train_idx)), n_val_structures=int(len(val_idx)),
            best_epoch=result.best_epoch, val_mae=result.history[result.best_epoch]["val_mae"],
            history=result.history),
    )
    print(f"{len(train_idx)} train / {len(val_idx)} val hops, graphs {graph_seconds:.0f} s, "
          f"best epoch {result.best_epoch}: {result.history[result.best_epoch]['val_mae']}")
    record_result(args)

