"""Calibrate the ensemble spread of the shipped band model on cross-validation folds.

Several CV runs of the shipped configuration that differ only in the training
seed (same folds: cv_band.py keeps them fixed) give, for every training path,
an out-of-fold ensemble mean and spread. Their coverage of +-1 and +-2 sigma
says whether the spread is an honest error bar; the factor that makes 1 sigma
cover 68.3% of the folds goes into the model card (benchmarks/ship_model.py) and is applied by
``hopnet predict``. The test split is read only to report how that factor
carries over (never to choose it).

    python benchmarks/cv_band.py --variant no_path_flag --threads 1 --seed 1   # and --seed 2; seed 0 is the CV run
    python benchmarks/uncertainty.py --cv benchmarks/results/cv/no_path_flag{,-seed1,-seed2}.json
    python benchmarks/ship_model.py ... --uncertainty benchmarks/results/uncertainty.json  # into the released card
"""
from __future__ import annotations

import argparse
import json
import platform
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

from hopnet.data.barriers import load_barriers
from hopnet.metrics import all_metrics, interval_coverage
from hopnet.plots import error_vs_sigma_plot
from hopnet_repro.results import read_result, write_result

OUT = Path("benchmarks/results")


def ensemble_oof(runs: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    folds = {json.dumps(r["fold_of"]) for r in runs if "fold_of" in r}
    if len(folds) > 1:
        raise SystemExit("the CV runs used different folds; rerun them with the current cv_band.py")
    oof = np.array([r["oof"] for r in runs])
    return oof.mean(axis=0), oof.std(axis=0, ddof=1)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--cv", type=Path, nargs="+", required=True, help="cv_band.py results, one per seed")
    ap.add_argument("--test", type=Path, default=OUT / "test_scratch_ensemble.json",
                    help="evaluate_test.py result of the shipped ensemble (reported, not fitted)")
    args = ap.parse_args()
    if len(args.cv) < 2:
        raise SystemExit("need CV runs from at least two seeds for a spread")

    runs = [read_result(p) for p in args.cv]
    y = np.array([e.em for e in load_barriers("train")])
    mean, sigma = ensemble_oof(runs)
    cov = interval_coverage(mean - y, sigma)
    scale = cov["calibration_factor"]
    result = {"cv_runs": [str(p) for p in args.cv], "seeds": len(runs),
              "cv_single_seed": [r["metrics"] for r in runs], "cv_ensemble": all_metrics(y, mean),
              "cv_coverage": cov, "sigma_mean_cv": float(sigma.mean()),
              "spearman_abs_error_vs_sigma_cv": float(spearmanr(np.abs(mean - y), sigma).statistic)}
    if args.test.exists():
        test = read_result(args.test)
        err = np.array([p["em_pred"] - p["em_true"] for p in test["per_path"]])
        s = np.array([p["em_std"] for p in test["per_path"]]) / test.get("sigma_scale", 1.0)  # back to the raw spread
        result["test"] = {"model": str(args.test), "within_1sigma": float(np.mean(np.abs(err) <= s)),
                          "within_2sigma": float(np.mean(np.abs(err) <= 2 * s)),
                          "within_1sigma_calibrated": float(np.mean(np.abs(err) <= scale * s)),
                          "within_2sigma_calibrated": float(np.mean(np.abs(err) <= 2 * scale * s))}
        error_vs_sigma_plot(err, s, OUT / "uncertainty_test.png", scale,
                            title="test (60): error vs calibrated σ")
    error_vs_sigma_plot(mean - y, sigma, OUT / "uncertainty_cv.png", scale,
                        title=f"CV (559, {len(runs)} seeds): error vs calibrated σ")
    cv_list = " ".join(str(p) for p in args.cv)
    result.update(command=f"python benchmarks/uncertainty.py --cv {cv_list}",
                  split="paper train (559) CV folds; paper test split (60 paths) reported, not fitted",
                  machine=platform.machine())
    write_result(OUT / "uncertainty.json", result)
    print(f"CV ensemble of {len(runs)}: MAE {result['cv_ensemble']['mae']:.3f}; 1σ covers {cov['within_1sigma']:.2f}, "
          f"2σ {cov['within_2sigma']:.2f}; factor {scale:.2f} -> {cov['within_1sigma_calibrated']:.2f} / "
          f"{cov['within_2sigma_calibrated']:.2f}")
