"""Is a band like the training bands? Distance in the network's own pooled embedding.

Unseen elements and ions are easy to name; a hop built from familiar
elements in an unfamiliar arrangement is not. The pooled vector the head
reads is what the model "sees", so a new band is placed by the mean distance
to its ``k`` nearest training bands in that space, and flagged beyond the
95th percentile of the training bands' own (leave-one-out) distances.
benchmarks/domain_check.py measures, on CV folds, how well this distance
tracks the error.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file

from hopnet.errors import HopnetInputError
from hopnet.graphs.builder import CrystalGraph
from hopnet.models.alignn import ALIGNN
from hopnet.models.batching import run_batched
from hopnet.models.card import EmbeddingEntry, sha256_file

K_NEIGHBOURS = 5
QUANTILE = 0.95


def embed(model: ALIGNN, graphs: list[CrystalGraph], batch_size: int = 32) -> np.ndarray:
    """Pooled graph vectors (num_graphs, D) of ``model``."""
    model.eval()
    return run_batched(model.encode, graphs, batch_size)


def _knn_mean(queries: np.ndarray, reference: np.ndarray, k: int, skip_self: bool = False) -> np.ndarray:
    d2 = (queries**2).sum(1)[:, None] + (reference**2).sum(1)[None, :] - 2 * queries @ reference.T
    d = np.sqrt(np.maximum(d2, 0.0))
    d.sort(axis=1)
    start = int(skip_self)
    return d[:, start : start + k].mean(axis=1)


@dataclass
class EmbeddingDomain:
    reference: np.ndarray  # (n_train, D) pooled vectors of the training bands
    k: int
    threshold: float  # distance beyond which a band is flagged
    quantile: float = QUANTILE  # share of the training bands' own distances below the threshold

    @classmethod
    def fit(cls, reference: np.ndarray, k: int = K_NEIGHBOURS, quantile: float = QUANTILE) -> "EmbeddingDomain":
        reference = np.asarray(reference, np.float32)
        own = _knn_mean(reference, reference, k, skip_self=True)
        return cls(reference, k, float(np.quantile(own, quantile)), quantile)

    def distance(self, embeddings: np.ndarray) -> np.ndarray:
        return _knn_mean(np.asarray(embeddings, np.float32), self.reference, self.k)

    def save(self, card_path: Path) -> EmbeddingEntry:
        """Write the reference vectors beside the card; return the card's entry for them."""
        path = Path(card_path).with_name(f"{Path(card_path).stem}.domain.safetensors")
        save_file({"reference": self.reference}, str(path))
        return EmbeddingEntry(file=path.name, sha256=sha256_file(path), k=self.k, threshold=self.threshold,
                              quantile=self.quantile)

    @classmethod
    def load(cls, card_path: Path, entry: EmbeddingEntry) -> "EmbeddingDomain":
        path = Path(card_path).with_name(entry.file)
        if not path.is_file() or sha256_file(path) != entry.sha256:
            raise HopnetInputError(path, "domain file listed in the card is missing or was modified")
        return cls(load_file(str(path))["reference"], entry.k, entry.threshold, entry.quantile)
