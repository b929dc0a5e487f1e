"""Transfer from a universal potential: models on frozen CHGNet band features (issue: CHGNet).

Three models, each a bagged ensemble of gradient-boosted trees (mean and spread):
  (a) chgnet: CHGNet ion embeddings along the path + crystal embedding + static energy profile;
  (b) delta:  (a)'s features, target = DFT Em - static CHGNet barrier (clipped to [0, 3] eV);
  (c) stack:  (a) + hand-crafted path descriptors + our ALIGNN's prediction (out-of-fold on the 559).
Hyper-parameters by 3-fold CV grouped by host on the 559 (same folds as cv_band.py); each model
is then refit on the 559 and scored once on the 60 test paths. Uncertainty: coverage of
+-1 and +-2 sigma of the bagged spread on the CV folds, and the factor that calibrates it.

    python benchmarks/chgnet_features.py --split train && python benchmarks/chgnet_features.py --split test
    python benchmarks/chgnet_models.py --alignn-cv benchmarks/results/cv/no_path_flag.json \
        --alignn-model src/hopnet/weights/hopnet-band.json
"""
from __future__ import annotations

import argparse
import itertools
import platform
import time
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor

from hopnet.data.barriers import host_groups, load_barriers
from hopnet.metrics import all_metrics, interval_coverage
from hopnet.plots import parity_plot
from hopnet.predictor import load_model
from hopnet_repro.baselines.chgnet_features import profile_descriptors
from hopnet_repro.baselines.descriptors import band_descriptors
from hopnet_repro.cv import HELD_OUT_IONS, group_kfold, ion_folds
from hopnet_repro.results import read_result, write_result

SEED = 0
BAGS = 5
DELTA_CAP = 3.0  # eV; beyond this the frozen straight path has hit an atom and says nothing more
OUT = Path("benchmarks/results")


def chgnet_matrix(path: Path, entries) -> tuple[np.ndarray, np.ndarray, float]:
    with np.load(path) as f:
        energy, ion, crystal, seconds = f["energy"], f["ion_fea"], f["crystal_fea"], f["seconds"]
    if len(energy) != len(entries):
        raise SystemExit(f"{path}: {len(energy)} bands, expected {len(entries)}; rerun chgnet_features.py")
    hop = np.array([[e.band.hop_length] for e in entries])
    X = np.hstack([ion.mean(axis=1), ion[:, 2] - ion[:, 0], crystal[:, 0], profile_descriptors(energy), hop])
    # CHGNet returns NaN for one training band (an image on top of an atom); trees take NaN
    # features as missing, and its static barrier counts as the cap.
    static = np.nan_to_num(profile_descriptors(energy)[:, 0], nan=DELTA_CAP)
    return X, static, float(np.median(seconds))


class BaggedGBM:
    """Bootstrap ensemble of gradient-boosted trees: a mean and a spread."""

    def __init__(self, params: dict, seed: int = SEED):
        self.params, self.seed, self.models = params, seed, []

    def _target(self, y, base):
        y = y - base
        return np.log(y) if self.params["log_target"] else y

    def fit(self, X, y, base):
        rng = np.random.default_rng(self.seed)
        t = self._target(y, base)
        self.models = []
        for b in range(BAGS):
            idx = rng.integers(0, len(y), len(y))
            m = HistGradientBoostingRegressor(learning_rate=self.params["learning_rate"], max_iter=300,
                                              max_leaf_nodes=15, min_samples_leaf=10, loss="absolute_error",
                                              random_state=self.seed + b)
            self.models.append(m.fit(X[idx], t[idx]))
        return self

    def predict(self, X, base):
        raw = np.array([m.predict(X) for m in self.models])
        preds = (np.exp(raw) if self.params["log_target"] else raw) + base
        return preds.mean(axis=0), preds.std(axis=0, ddof=1)


def grid(model: str):
    logs = (False,) if model == "delta" else (False, True)  # Em - static can be negative: no log
    for lr, log in itertools.product((0.05, 0.1), logs):
        yield {"learning_rate": lr, "log_target": log}


def leave_one_ion_out(designs: dict, y: np.ndarray, ions: list[str], args) -> None:
    """Each design with the hyper-parameters host-grouped CV chose, trained without one ion, scored on it."""
    chosen = read_result(OUT / "chgnet_models.json")["models"]
    folds = ion_folds(ions)
    result = {"scheme": "leave one ion out (paper train split)", "split": "paper train (559), leave one ion out",
              "machine": f"{platform.processor() or platform.machine()}", "seed": 0, "alignn_cv": [str(p) for p in args.alignn_cv], "models": {},
              "command": f"python benchmarks/chgnet_models.py --alignn-cv {' '.join(map(str, args.alignn_cv))} "
                         f"--alignn-model {args.alignn_model} --scheme ion"}
    for name, (X, _, base, _) in designs.items():
        params = chosen[name]["best"]["params"]
        per_ion = {}
        for ion, held in zip(HELD_OUT_IONS, folds):
            rest = np.setdiff1d(np.arange(len(y)), held)
            mean, _ = BaggedGBM(params).fit(X[rest], y[rest], base[rest]).predict(X[held], base[held])
            per_ion[ion] = all_metrics(y[held], mean)
        result["models"][name] = {"params": params, "folds_named": per_ion}
        print(name, " ".join(f"{ion} {m['mae']:.3f}" for ion, m in per_ion.items()))
    write_result(OUT / "chgnet_models-by-ion.json", result)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--alignn-cv", type=Path, nargs="+", required=True,
                    help="cv_band.py result(s) whose OOF predictions (averaged over seeds) feed (c)")
    ap.add_argument("--alignn-model", required=True, help="the same configuration trained on all 559, for the test")
    ap.add_argument("--scheme", choices=("host", "ion"), default="host",
                    help="CV grouped by host (chooses hyper-parameters, then test) or leave one ion out (CV only)")
    args = ap.parse_args()

    train, test = load_barriers("train"), load_barriers("test")
    y, y_test = np.array([e.em for e in train]), np.array([e.em for e in test])
    Xc, static, sec_train = chgnet_matrix(Path("benchmarks/data/chgnet_features_train.npz"), train)
    Xc_test, static_test, sec_test = chgnet_matrix(Path("benchmarks/data/chgnet_features_test.npz"), test)
    D = np.array([band_descriptors(e.band) for e in train])
    D_test = np.array([band_descriptors(e.band) for e in test])
    oof = np.mean([read_result(p)["oof"] for p in args.alignn_cv], axis=0)[:, None]
    alignn_test = np.array([p.em for p in load_model(args.alignn_model).predict_bands([e.band for e in test])])[:, None]
    designs = {
        "chgnet": (Xc, Xc_test, np.zeros(len(y)), np.zeros(len(y_test))),
        "delta": (Xc, Xc_test, np.clip(static, 0, DELTA_CAP), np.clip(static_test, 0, DELTA_CAP)),
        "stack": (np.hstack([Xc, D, oof]), np.hstack([Xc_test, D_test, alignn_test]), np.zeros(len(y)),
                  np.zeros(len(y_test))),
    }
    if args.scheme == "ion":
        leave_one_ion_out(designs, y, [e.ion for e in train], args)
        raise SystemExit
    folds = group_kfold(host_groups(train), 3, SEED)
    results = {}
    for name, (X, X_test, base, base_test) in designs.items():
        search = []
        for params in grid(name):
            mean, std = np.empty_like(y), np.empty_like(y)
            for held in folds:
                rest = np.setdiff1d(np.arange(len(y)), held)
                model = BaggedGBM(params).fit(X[rest], y[rest], base[rest])
                mean[held], std[held] = model.predict(X[held], base[held])
            search.append({"params": params, "cv": all_metrics(y, mean), "coverage": interval_coverage(mean - y, std)})
        best = min(search, key=lambda r: r["cv"]["mae"])
        t0 = time.perf_counter()
        model = BaggedGBM(best["params"]).fit(X, y, base)
        pred, sigma = model.predict(X_test, base_test)
        results[name] = {"best": best, "search": search, "test": all_metrics(y_test, pred),
                         "test_coverage_calibrated_1sigma": float(np.mean(
                             np.abs(pred - y_test) <= best["coverage"]["calibration_factor"] * sigma)),
                         "predictions": pred.tolist(), "sigma": sigma.tolist(),
                         "fit_seconds": round(time.perf_counter() - t0, 2)}
        parity_plot(y_test, pred, OUT / f"parity_chgnet_{name}.png", title=f"CHGNet features: {name}")
        m = results[name]["test"]
        print(f"{name}: CV MAE {best['cv']['mae']:.3f} R2 {best['cv']['r2']:.3f} | test MAE {m['mae']:.3f} "
              f"R2 {m['r2']:.3f} acc {m['accuracy']:.3f} | CV 1-sigma coverage {best['coverage']['within_1sigma']:.2f}")
    static_metrics = all_metrics(y_test, np.clip(static_test, 0, None))
    result = {"models": results, "static_chgnet_barrier_test": static_metrics,
              "feature_seconds_per_band_median": {"train": sec_train, "test": sec_test},
              "alignn_cv": [str(p) for p in args.alignn_cv], "alignn_model": args.alignn_model, "seed": SEED, "bags": BAGS,
              "split": "paper 559/60; hyper-parameters by 3-fold CV grouped by host on the 559",
              "machine": f"{platform.processor() or platform.machine()}, CHGNet features on 1 thread",
              "command": f"python benchmarks/chgnet_models.py --alignn-cv {' '.join(map(str, args.alignn_cv))} "
                         f"--alignn-model {args.alignn_model}"}
    write_result(OUT / "chgnet_models.json", result)
