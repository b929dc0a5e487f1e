"""Regression and good-conductor classification metrics, as the paper reports them."""
from __future__ import annotations

import numpy as np

from hopnet.vocabulary import GOOD_CONDUCTOR_EM


def regression_metrics(y_true, y_pred) -> dict[str, float]:
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    err = y_pred - y_true
    ss_res, ss_tot = float(np.sum(err**2)), float(np.sum((y_true - y_true.mean()) ** 2))
    return {
        "r2": 1.0 - ss_res / ss_tot if ss_tot > 0 else float("nan"),
        "mae": float(np.mean(np.abs(err))),
        "rmse": float(np.sqrt(np.mean(err**2))),
    }


def classification_metrics(y_true, y_pred, threshold: float = GOOD_CONDUCTOR_EM) -> dict[str, float]:
    """Positive class = good conductor (Em below ``threshold``)."""
    t, p = np.asarray(y_true) < threshold, np.asarray(y_pred) < threshold
    tp, fp, fn = int(np.sum(t & p)), int(np.sum(~t & p)), int(np.sum(t & ~p))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"accuracy": float(np.mean(t == p)), "precision": precision, "recall": recall, "f1": f1}


def all_metrics(y_true, y_pred) -> dict[str, float]:
    return {**regression_metrics(y_true, y_pred), **classification_metrics(y_true, y_pred), "n": len(y_true)}


def interval_coverage(err, sigma) -> dict[str, float]:
    """How often |error| falls within 1 and 2 sigma, and the factor that makes 1 sigma cover 68.3%.

    A well-calibrated Gaussian spread covers 68.3% and 95.4%; an ensemble's
    spread is usually too narrow, and ``calibration_factor`` (> 1) widens it.
    """
    z = np.abs(np.asarray(err, float)) / np.maximum(np.asarray(sigma, float), 1e-9)
    scale = float(np.quantile(z, 0.6827))
    return {"within_1sigma": float(np.mean(z <= 1)), "within_2sigma": float(np.mean(z <= 2)),
            "calibration_factor": scale, "within_1sigma_calibrated": float(np.mean(z <= scale)),
            "within_2sigma_calibrated": float(np.mean(z <= 2 * scale))}
