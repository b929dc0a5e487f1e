"""The user-facing model: bands or endpoint structures in, barriers out."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from pymatgen.core import Structure
from tqdm.auto import tqdm

from hopnet.errors import HopnetInputError
from hopnet.graphs.batch import collate
from hopnet.graphs.builder import graph_from_band
from hopnet.models.card import Member, ModelCard, load_model_files, resolve_weights
from hopnet.models.domain import EmbeddingDomain
from hopnet.pathways.band import Band, band_from_endpoints
from hopnet.vocabulary import elements_of, is_good_conductor


@dataclass
class Prediction:
    em: float  # eV; ensemble mean
    em_std: float | None  # ensemble spread, calibrated on CV folds where the card says so; None for one network
    good_conductor: bool  # em below vocabulary.GOOD_CONDUCTOR_EM
    ion: str
    hop_length: float  # Å
    label: str = ""
    domain_warnings: list[str] = field(default_factory=list)  # why the input lies outside the training data

    def as_dict(self) -> dict:
        return asdict(self)


class BarrierModel:
    """A trained (ensemble of) ALIGNN band model(s) with its card."""

    def __init__(self, members: list[Member], card: ModelCard, threads: int | None = None,
                 embedding_domain: EmbeddingDomain | None = None):
        self.members = members
        self.card = card
        self.graph_config = members[0].model.cfg.graph
        self.threads = threads
        domain = card.domain
        self._elements = set(domain.elements) if domain else set()
        self._ions = set(domain.ions) if domain else set()
        self._hop_range = domain.hop_length if domain else (0.0, np.inf)
        self.embedding_domain = embedding_domain
        # An ensemble's raw spread is too narrow; the card says by how much (measured on CV folds).
        self.sigma_scale = card.uncertainty.scale

    @classmethod
    def from_file(cls, card_path: str | Path, threads: int | None = None) -> "BarrierModel":
        members, card = load_model_files(Path(card_path))
        if card.config.outputs != 1:
            raise HopnetInputError(card_path, f"an encoder card ({card.config.outputs} outputs), not a barrier "
                                              "model; pass a band model such as hopnet-band")
        entry = card.domain.embedding if card.domain else None
        return cls(members, card, threads, EmbeddingDomain.load(Path(card_path), entry) if entry else None)

    def predict_band(self, bands: Band | list[Band], batch_size: int = 32,
                     progress: bool = False) -> Prediction | list[Prediction]:
        """Predictions for one band or many; graphs are built batch by batch, so memory stays flat."""
        single = isinstance(bands, Band)
        bands = [bands] if single else list(bands)
        if self.threads:
            torch.set_num_threads(self.threads)
        outputs = np.empty((len(self.members), len(bands)))
        distance = np.full(len(bands), np.nan)
        bar = tqdm(total=len(bands), desc="predict", unit="hop", disable=not progress or len(bands) <= batch_size)
        with torch.no_grad():
            for i in range(0, len(bands), batch_size):
                j = min(i + batch_size, len(bands))
                batch = collate([graph_from_band(b, self.graph_config) for b in bands[i:j]])
                for k, m in enumerate(self.members):
                    # The first network's pooled vector places the band relative to the training bands.
                    if k == 0 and self.embedding_domain:
                        pooled = m.model.encode(batch)
                        distance[i:j] = self.embedding_domain.distance(pooled.numpy())
                        raw = m.model.readout(pooled)
                    else:
                        raw = m.model(batch)
                    outputs[k, i:j] = raw.numpy() * m.std + m.mean
                bar.update(j - i)
        bar.close()
        em = outputs.mean(axis=0)
        std = outputs.std(axis=0, ddof=1) * self.sigma_scale if len(self.members) > 1 else [None] * len(bands)
        preds = [
            Prediction(float(e), None if s is None else float(s), is_good_conductor(e), b.ion,
                       b.hop_length, b.label, self.domain_warnings(b, d))
            for b, e, s, d in zip(bands, em, std, distance)
        ]
        return preds[0] if single else preds

    def predict(self, initial: Structure, final: Structure, ion: str | None = None, label: str = "") -> Prediction:
        """Barrier of the one-ion hop that turns ``initial`` into ``final``."""
        return self.predict_band(band_from_endpoints(initial, final, ion=ion, label=label))

    def domain_warnings(self, band: Band, embedding_distance: float = np.nan) -> list[str]:
        notes = []
        if self._ions and band.ion not in self._ions:
            notes.append(f"mobile ion {band.ion} not among training ions {sorted(self._ions)}")
        unseen = sorted(set(elements_of(band.host)) - self._elements) if self._elements else []
        if unseen:
            notes.append(f"elements never seen in training: {', '.join(unseen)}")
        lo, hi = self._hop_range
        if not lo <= band.hop_length <= hi:
            notes.append(f"hop length {band.hop_length:.2f} Å outside training range {lo:.2f}-{hi:.2f} Å")
        if self.embedding_domain and embedding_distance > self.embedding_domain.threshold:
            domain = self.embedding_domain
            notes.append(f"unlike the training bands: embedding distance {embedding_distance:.1f} > "
                         f"{domain.threshold:.1f} ({domain.quantile:.0%} of training bands are nearer)")
        return notes


DEFAULT_MODEL = "hopnet-band"


def default_model_path() -> Path:
    return resolve_weights(DEFAULT_MODEL)


def load_model(path: str | Path | None = None, threads: int | None = None) -> BarrierModel:
    """The shipped default model, a shipped model by name, or a model card written by ``hopnet train``."""
    return BarrierModel.from_file(resolve_weights(path or DEFAULT_MODEL), threads)
