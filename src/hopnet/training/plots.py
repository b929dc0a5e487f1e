"""Parity and confusion plots (matplotlib, headless)."""
from __future__ import annotations

import numpy as np

from hopnet.training.metrics import GOOD_CONDUCTOR_EM, all_metrics


def parity_plot(y_true, y_pred, path, title: str = "") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    m = all_metrics(y_true, y_pred)
    hi = max(y_true.max(), y_pred.max()) * 1.05
    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=120)
    ax.plot([0, hi], [0, hi], color="grey", lw=1)
    ax.axvline(GOOD_CONDUCTOR_EM, color="grey", ls=":", lw=1)
    ax.axhline(GOOD_CONDUCTOR_EM, color="grey", ls=":", lw=1)
    ax.scatter(y_true, y_pred, s=14, alpha=0.8)
    ax.set(xlim=(0, hi), ylim=(0, hi), xlabel="DFT-NEB Em (eV)", ylabel="predicted Em (eV)", title=title)
    ax.text(0.04, 0.96, f"n={m['n']}  R²={m['r2']:.3f}\nMAE={m['mae']:.3f} eV\naccuracy={m['accuracy']:.2f}",
            transform=ax.transAxes, va="top", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def confusion_plot(y_true, y_pred, path, title: str = "", threshold: float = GOOD_CONDUCTOR_EM) -> None:
    """2x2 good/poor-conductor confusion matrix at ``threshold``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t, p = np.asarray(y_true) < threshold, np.asarray(y_pred) < threshold
    counts = np.array([[np.sum(t & p), np.sum(t & ~p)], [np.sum(~t & p), np.sum(~t & ~p)]])
    labels = [f"good (<{threshold} eV)", "poor"]
    fig, ax = plt.subplots(figsize=(3.8, 3.4), dpi=120)
    ax.imshow(counts, cmap="Blues")
    for (i, j), c in np.ndenumerate(counts):
        ax.text(j, i, str(c), ha="center", va="center", color="white" if c > counts.max() / 2 else "black")
    ax.set(xticks=[0, 1], yticks=[0, 1], xticklabels=labels, yticklabels=labels,
           xlabel="predicted", ylabel="DFT-NEB", title=title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
