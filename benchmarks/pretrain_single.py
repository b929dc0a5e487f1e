"""Does multi-property pre-training beat training on one property alone?

Trains the MPT architecture (configs/mpt.toml, same epochs, same fixed 90/10
split) on each named property alone, then compares its validation MAE with the
multi-property encoder's on the same validation structures.

    python benchmarks/pretrain_single.py --properties dc gv pz --mpt runs/mpt/hopnet-mpt-encoder.json
"""
from __future__ import annotations

import argparse
from pathlib import Path

from hopnet.models.card import read_card
from hopnet.training.pretrain import PretrainConfig, pretrain
from hopnet_repro.results import write_result

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--properties", nargs="+", required=True)
    ap.add_argument("--config", type=Path, default=Path("configs/mpt.toml"))
    ap.add_argument("--mpt", type=Path, default=Path("src/hopnet/weights/hopnet-mpt-encoder.json"))
    ap.add_argument("--runs", type=Path, default=Path("runs/single"))
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/mpt_vs_single.json"))
    args = ap.parse_args()

    cfg = PretrainConfig.from_toml(args.config)
    rows = {}
    for prop in args.properties:
        single = read_card(pretrain(cfg, args.runs / f"{prop}.json", properties=(prop,))).training
        rows[prop] = {"single_val_mae": single.val_mae[prop], "single_wall_seconds": single.wall_seconds,
                      "single_best_epoch": single.best_epoch}
    mpt = read_card(args.mpt).training
    for prop, row in rows.items():
        row["mpt_val_mae"] = mpt.val_mae[prop]
    result = {"rows": rows, "mpt_wall_seconds": mpt.wall_seconds, "mpt_machine": mpt.machine,
              "config": cfg.model_dump(), "unit": "MAE in the published [-1, 1] min-max scaled units",
              "command": f"python benchmarks/pretrain_single.py --properties {' '.join(args.properties)} --mpt {args.mpt}",
              "split": "MPT pre-training set, fixed 90/10 split", "machine": mpt.machine, "seed": 0}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_result(args.out, result)
    for prop, row in rows.items():
        print(f"{prop}: single {row['single_val_mae']:.4f}  MPT {row['mpt_val_mae']:.4f}")
