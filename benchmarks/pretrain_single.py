"""Does multi-property pre-training beat training on one property alone?

Trains the MPT architecture (configs/mpt.toml, same epochs, same fixed 90/10
split) on each named property alone, then compares its validation MAE with the
multi-property encoder's on the same validation structures.

    python benchmarks/pretrain_single.py --properties dc gv pz --mpt runs/mpt/hopnet-mpt-encoder.json
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from hopnet.training.pretrain import PretrainConfig, pretrain

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
        card = json.loads(pretrain(cfg, args.runs / f"{prop}.json", properties=(prop,)).read_text())["training"]
        rows[prop] = {"single_val_mae": card["val_mae"][prop], "single_wall_seconds": card["wall_seconds"],
                      "single_best_epoch": card["best_epoch"]}
    mpt = json.loads(args.mpt.read_text())["training"]
    for prop, row in rows.items():
        row["mpt_val_mae"] = mpt["val_mae"][prop]
    result = {"rows": rows, "mpt_wall_seconds": mpt["wall_seconds"], "mpt_machine": mpt["machine"],
              "config": cfg.model_dump(), "unit": "MAE in the published [-1, 1] min-max scaled units",
              "command": f"python benchmarks/pretrain_single.py --properties {' '.join(args.properties)} --mpt {args.mpt}"}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    for prop, row in rows.items():
        print(f"{prop}: single {row['single_val_mae']:.4f}  MPT {row['mpt_val_mae']:.4f}")
