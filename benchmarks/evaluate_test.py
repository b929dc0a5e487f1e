"""Evaluate a trained model ONCE on the paper's 60-path test split, beside the paper's own results.

    python benchmarks/evaluate_test.py --model src/hopnet/weights/hopnet-band.json --name scratch

Writes benchmarks/results/test_<name>.json and parity / confusion PNGs. The
model must have been chosen without this split (see cv_band.py).
"""
from __future__ import annotations

import argparse
import os
import platform
from pathlib import Path

import numpy as np

from hopnet.data.barriers import host_key, load_barriers
from hopnet.metrics import all_metrics
from hopnet.plots import confusion_plot, parity_plot
from hopnet.predictor import BarrierModel, default_model_path, load_model
from hopnet_repro.paper import paper_test_rows
from hopnet_repro.results import write_result

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path, default=default_model_path())
    ap.add_argument("--name", default="scratch")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = ap.parse_args()
    args.model = Path(os.path.relpath(args.model))

    test, train = load_barriers("test"), load_barriers("train")
    model = load_model(args.model, threads=2)
    preds = model.predict_bands([e.band for e in test])
    y, p = np.array([e.em for e in test]), np.array([x.em for x in preds])
    member_metrics = []
    if len(model.members) > 1:  # each network of the ensemble alone: the seed-to-seed spread
        for member in model.members:
            single = BarrierModel([member], model.card)
            member_metrics.append(all_metrics(y, [x.em for x in single.predict_bands([e.band for e in test])]))
    seen_hosts = {host_key(e.band) for e in train}
    new_host = np.array([host_key(e.band) not in seen_hosts for e in test])
    result = {
        "model": str(args.model),
        "card_name": model.card.name,
        "command": f"python benchmarks/evaluate_test.py --model {args.model} --name {args.name}",
        "split": "paper test split (60 paths)",
        "machine": f"{platform.machine()}, 2 torch threads",
        "metrics": all_metrics(y, p),
        "metrics_unseen_hosts": all_metrics(y[new_host], p[new_host]),
        "member_metrics": member_metrics,
        "member_mean": {k: float(np.mean([m[k] for m in member_metrics])) for k in member_metrics[0]} if member_metrics else None,
        "member_std": {k: float(np.std([m[k] for m in member_metrics], ddof=1)) for k in member_metrics[0]} if member_metrics else None,
        "sigma_scale": model.sigma_scale,  # the card's calibration factor, already applied to em_std
        "ensemble_std_mean": float(np.mean([x.em_std for x in preds])) if preds[0].em_std is not None else None,
        "paper": paper_test_rows([e.sys_name for e in test]),
        "per_path": [{"sys_name": e.sys_name, "ion": e.ion, "em_true": e.em, "em_pred": float(q.em), "em_std": q.em_std,
                      "out_of_domain": [str(f) for f in q.flags]} for e, q in zip(test, preds)],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    write_result(args.out / f"test_{args.name}.json", result)
    parity_plot(y, p, args.out / f"parity_{args.name}.png", title=f"hopnet {args.name}, paper test split")
    confusion_plot(y, p, args.out / f"confusion_{args.name}.png", title=f"hopnet {args.name}")
    m = result["metrics"]
    print(f"{args.name}: R2 {m['r2']:.3f}  MAE {m['mae']:.3f}  RMSE {m['rmse']:.3f}  acc {m['accuracy']:.3f}  "
          f"prec {m['precision']:.3f}  rec {m['recall']:.3f}  F1 {m['f1']:.3f}")
