"""Does the embedding-distance flag pick out the predictions that are worse?

For each CV fold model (saved by ``cv_band.py --save-models``) the domain is
fitted on the embeddings of its own training folds and applied to the held-out
fold, exactly as a user's new host meets the shipped model. Reported: Spearman
of distance vs |error| out of fold, and the MAE of flagged vs unflagged paths;
then the same for the shipped model on the test split (report only).

    python benchmarks/domain_check.py --cv benchmarks/results/cv/no_path_flag-mpt.json \\
        --models runs/cv-models/no_path_flag-mpt
"""
from __future__ import annotations

import argparse
import platform
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

from hopnet.data.barriers import load_barriers
from hopnet.models.domain import EmbeddingDomain, embed
from hopnet.predictor import load_model
from hopnet.training.datasets import split_graphs
from hopnet_repro.results import read_result, write_result

OUT = Path("benchmarks/results")


def flag_summary(distance: np.ndarray, abs_err: np.ndarray, threshold: float) -> dict:
    flagged = distance > threshold
    return {"n": int(len(distance)), "flagged": int(flagged.sum()),
            "mae_flagged": float(abs_err[flagged].mean()) if flagged.any() else None,
            "mae_unflagged": float(abs_err[~flagged].mean()),
            "spearman_distance_vs_abs_error": float(spearmanr(distance, abs_err).statistic),
            "mae_by_distance_quartile": [float(abs_err[q].mean()) for q in
                                         np.array_split(np.argsort(distance), 4)]}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--cv", type=Path, required=True)
    ap.add_argument("--models", type=Path, required=True)
    args = ap.parse_args()
    cv = read_result(args.cv)
    fold_of, oof = np.array(cv["fold_of"]), np.array(cv["oof"])
    first = load_model(args.models / "fold0.json")
    entries, graphs, y, _ = split_graphs("train", first.graph_config)
    distance, thresholds = np.empty(len(y)), []
    for k in range(fold_of.max() + 1):
        net = load_model(args.models / f"fold{k}.json").members[0].model
        held = fold_of == k
        domain = EmbeddingDomain.fit(embed(net, [g for g, h in zip(graphs, held) if not h]))
        distance[held] = domain.distance(embed(net, [g for g, h in zip(graphs, held) if h]))
        thresholds.append(domain.threshold)
    # Per-fold thresholds differ in scale; compare each distance with its own fold's threshold.
    relative = distance / np.array(thresholds)[fold_of]
    result = {"cv": flag_summary(relative, np.abs(oof - y), 1.0), "cv_file": str(args.cv)}
    model = load_model()
    test = load_barriers("test")
    preds = model.predict_bands([e.band for e in test])
    test_graphs = split_graphs("test", model.graph_config)[1]
    test_distance = model.embedding_domain.distance(embed(model.members[0].model, test_graphs))
    result["test_shipped"] = flag_summary(test_distance / model.embedding_domain.threshold,
                                          np.abs(np.array([p.em for p in preds]) - np.array([e.em for e in test])), 1.0)
    result["command"] = f"python benchmarks/domain_check.py --cv {args.cv} --models {args.models}"
    result["split"] = "paper train (559) CV folds; paper test split (60 paths) reported, not fitted"
    result["machine"] = platform.machine()
    write_result(OUT / "domain_check.json", result)
    for where in ("cv", "test_shipped"):
        r = result[where]
        print(f"{where}: {r['flagged']}/{r['n']} flagged, MAE flagged {r['mae_flagged']} vs {r['mae_unflagged']:.3f}; "
              f"Spearman {r['spearman_distance_vs_abs_error']:.2f}; MAE by distance quartile "
              + " ".join(f"{m:.3f}" for m in r["mae_by_distance_quartile"]))
