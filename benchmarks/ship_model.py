"""Release a trained model into the package, with what was measured about it, through hopnet's one card writer.

    python benchmarks/ship_model.py runs/scratch/hopnet-band.json --to src/hopnet/weights \\
        --cv benchmarks/results/cv/no_path_flag.json \\
        --test benchmarks/results/test_scratch_ensemble.json \\
        --uncertainty benchmarks/results/uncertainty.json

Training writes a card with what training knows. What is measured afterwards
(grouped CV of the same configuration, the one evaluation on the paper's test
split, the calibration factor of the ensemble spread fitted on CV folds) is
attached here from result files, so no benchmark and no hand edits the shipped
JSON. The release copies the weights (checksums verified) and writes a new
card; it refuses to write over its own source.
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from hopnet.models.card import CardMetrics, Uncertainty, load_model_files, write_card
from hopnet.training.config import TrainConfig
from hopnet_repro.results import read_result

# What must agree between a CV run and the model for its CV figure to describe the model.
SAME_RECIPE = {"model", "lr", "epochs", "batch_size", "weight_decay", "val_fraction"}


def recipe(config: dict) -> dict:
    return TrainConfig.model_validate(config).model_dump(include=SAME_RECIPE)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("card", type=Path, help="model card written by hopnet train / finetune")
    ap.add_argument("--to", type=Path, required=True, help="folder to release into (src/hopnet/weights)")
    ap.add_argument("--cv", type=Path, help="cv_band.py result of the same training recipe (seed-0 run)")
    ap.add_argument("--test", type=Path, help="evaluate_test.py result of this very model")
    ap.add_argument("--uncertainty", type=Path, help="uncertainty.py result: the calibration factor of the spread")
    args = ap.parse_args()

    members, card = load_model_files(args.card)  # verifies every checksum
    dest = args.to / args.card.name
    if dest.resolve() == args.card.resolve():
        raise SystemExit(f"{dest}: a release writes a new card; train or copy the model elsewhere first")
    metrics = card.metrics.model_dump()
    for given in (args.test, args.cv, args.uncertainty):
        if given is not None and not given.exists():
            raise SystemExit(f"{given}: result file not found")
    if args.test:
        test = read_result(args.test)
        if test["card_name"] != card.name:
            raise SystemExit(f"{args.test}: a test result of {test['card_name']}, not of {card.name}")
        metrics.update(test=test["metrics"], test_command=test["command"])
    if args.cv:
        cv = read_result(args.cv)
        if recipe(cv["config"]) != recipe(card.training.train_config):
            raise SystemExit(f"{args.cv}: CV run of another training recipe than {args.card}")
        metrics["cv"] = {**cv["metrics"], "folds": cv["folds_k"], "grouped_by": "host", "command": cv["command"]}
    uncertainty = card.uncertainty
    if args.uncertainty:
        fitted = read_result(args.uncertainty)
        cov = fitted["cv_coverage"]
        uncertainty = Uncertainty(scale=cov["calibration_factor"], coverage_cv=cov, command=fitted["command"],
                                  note="em_std = ensemble spread x scale; scale makes 1 sigma cover 68.3% of "
                                       "out-of-fold errors on the 559 training paths")
    files = [m.file for m in card.members] + ([card.domain.embedding.file] if card.domain and card.domain.embedding
                                              else [])
    args.to.mkdir(parents=True, exist_ok=True)
    for name in files:
        shutil.copyfile(args.card.with_name(name), args.to / name)
    write_card(dest, card.updated(metrics=CardMetrics.model_validate(metrics), uncertainty=uncertainty))
    print(f"released {dest}: {len(members)} network(s), scale {uncertainty.scale:.2f}, "
          f"test MAE {metrics['test']['mae'] if metrics.get('test') else 'not measured'}")
