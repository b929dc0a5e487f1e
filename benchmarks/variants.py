"""Train one of the paper's model variants on the 559 training paths and test it ONCE on the 60.

    python benchmarks/variants.py --config configs/variants/model1-cc.toml
    python benchmarks/variants.py --config configs/variants/model1-cc.toml --single-path   # MODEL-1-CC-SINGLE-PATH

The same training code as the shipped band model (``hopnet.training.trainer.fit``, given the variant's network and batching),
one seed, MPT-initialised as the config says; checkpoints under runs/variants/
make a stopped run resume. ``--single-path`` trains on one path per host (the
first of each host in file order) and also reports the paper's 45-path
one-path-per-host test subset (benchmarks/data/single_path_test.txt).
Writes benchmarks/results/variant_<name>.json and parity_variant_<name>.png.
"""
from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

from hopnet.metrics import all_metrics
from hopnet.plots import parity_plot
from hopnet.training.trainer import fit, predict_scaled
from hopnet_repro.inputs import collate_inputs, split_inputs
from hopnet_repro.results import write_result
from hopnet_repro.variants import VariantTrainConfig, build_variant

SINGLE_PATH_TEST = Path(__file__).parent / "data" / "single_path_test.txt"


def first_per_group(groups: np.ndarray) -> np.ndarray:
    """Index of the first path of every host, in file order."""
    return np.sort(np.unique(groups, return_index=True)[1])


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--single-path", action="store_true", help="train on one path per host")
    ap.add_argument("--threads", type=int, default=None, help="override the config's torch threads")
    ap.add_argument("--note", default="", help="what else ran on the machine meanwhile (recorded as given)")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = ap.parse_args()

    cfg = VariantTrainConfig.from_toml(args.config)
    if args.threads:
        cfg = cfg.updated("--threads", threads=args.threads)
    name = args.config.stem + ("-single-path" if args.single_path else "")

    entries, inputs, em, groups = split_inputs("train", cfg.model)
    keep = first_per_group(groups) if args.single_path else np.arange(len(entries))
    result = fit([inputs[i] for i in keep], em[keep], cfg, groups=groups[keep],
                 checkpoint_dir=Path("runs/variants") / name, build=build_variant, collate_fn=collate_inputs)

    # Seconds per barrier include building the test graphs (a fresh cache) and the forward pass.
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as cache:
        test, test_inputs, y, _ = split_inputs("test", cfg.model, cache_dir=Path(cache))
        pred = result.scaler.unscale(predict_scaled(result.model, test_inputs, collate_fn=collate_inputs))
    seconds = (time.perf_counter() - t0) / len(test)

    single = set(SINGLE_PATH_TEST.read_text().split("\n")) - {""}
    in_single = np.array([e.sys_name in single for e in test])
    command = f"python benchmarks/variants.py --config {args.config}" + (" --single-path" if args.single_path else "")
    record = {
        "name": name,
        "command": command,
        "config": cfg.model_dump(),
        "seed": cfg.seed,
        "train_paths": int(len(keep)),
        "split": "paper split: trained on its training paths, tested once on the 60 test paths",
        "test_inputs": {"band": "band", "endpoints": "the separately relaxed initial/final test structures",
                        "band+local": "band + local graph"}[cfg.model.input],
        "best_epoch": result.best_epoch,
        "fit_seconds": round(result.seconds, 1),
        "seconds_per_barrier": seconds,
        "machine": f"{platform.machine()}, {cfg.threads} torch thread(s)",
        "load_note": args.note,
        "metrics": all_metrics(y, pred),
        "metrics_single_path_subset": all_metrics(y[in_single], pred[in_single]),
        "per_path": [{"sys_name": e.sys_name, "em_true": float(t), "em_pred": float(p)}
                     for e, t, p in zip(test, y, pred)],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    write_result(args.out / f"variant_{name}.json", record)
    parity_plot(y, pred, args.out / f"parity_variant_{name}.png", title=f"{name}, paper test split")
    m = record["metrics"]
    print(f"{name}: R2 {m['r2']:.3f}  MAE {m['mae']:.3f}  acc {m['accuracy']:.3f}  ({len(keep)} training paths)")
