"""The user-facing model: bands or endpoint structures in, barriers out."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from pymatgen.core import Structure

from hopnet.errors import HopnetInputError
from hopnet.flags import Flag, FlagKind
from hopnet.graphs.batch import GraphBatch, collate
from hopnet.graphs.builder import graph_from_band
from hopnet.models.batching import run_batched
from hopnet.models.card import DistanceLimit, Member, ModelCard, load_model_files, resolve_weights
from hopnet.models.domain import EmbeddingDomain
from hopnet.pathways.band import Band, band_from_endpoints
from hopnet.threads import use_threads
from hopnet.vocabulary import DEVICES, is_good_conductor

# An element the network never saw does not by itself take a band out of its domain when it is a dilute dopant
# away from the hop (Ta on 1 in 8 Zr sites of LLZO): the message passing reaches the ion's surroundings within a
# few Å, and a dopant beyond them changes the host the network reads only as much as the dopant changes the host.
DILUTE_SHARE = 0.05  # of the band's host atoms
DOPANT_CLEARANCE = 3.0  # Å from every image of the ion: beyond its first cation shell


def _dilute_and_away(band: Band, element: str) -> bool:
    """Whether ``element`` is a dilute dopant of ``band``'s host, away from every image of the ion."""
    host = band.atoms
    where = np.flatnonzero(np.array(host.symbols) == element)
    if len(where) >= DILUTE_SHARE * len(host):
        return False
    distances = host.lattice.get_all_distances(band.frac_images, host.frac_coords[where])
    return bool(distances.min() > DOPANT_CLEARANCE)


@dataclass
class Prediction:
    em: float  # eV; the ensemble's mean (a distilled student: its estimate of it)
    em_std: float | None  # the ensemble's spread (a student: its estimate of it) x the card's calibration factor;
    # None for a single network of Em alone
    good_conductor: bool  # em below vocabulary.GOOD_CONDUCTOR_EM
    ion: str
    hop_length: float  # Å
    label: str = ""
    flags: list[Flag] = field(default_factory=list)  # why the input lies outside the training data

    def as_dict(self) -> dict:
        return {**{k: v for k, v in vars(self).items() if k != "flags"},
                "flags": [f.model_dump(mode="json") for f in self.flags]}


class BarrierModel:
    """A trained (ensemble of) ALIGNN band model(s) with its card."""

    def __init__(self, members: list[Member], card: ModelCard, threads: int | None = None,
                 embedding_domain: EmbeddingDomain | None = None, compiled: bool = False, device: str = "cpu"):
        self.device = inference_device(device)
        self.members = members
        for m in members:
            m.model.to(self.device)
        # torch.compile fuses the network's many small element-wise steps (benchmarks/compile_speed.py measures
        # the gain per hop and the one-off compilation per process): worth it for many hosts (screen), not for
        # one. Shapes vary from batch to batch, hence dynamic=True. (The members stacked with torch.func.vmap
        # and compiled as one were faster on one batch, but vmap's layer-norm rule fixes the batch's sizes,
        # so every new batch recompiled.)
        self._compiled: list | None = None
        if compiled:  # compile in this process: each screen worker spawning its own pool of compilers would
            # oversubscribe the cores, and Ctrl-C would leave the pools' semaphores behind
            import torch._inductor.config as inductor_config

            inductor_config.compile_threads = 1
            self._compiled = [torch.compile(m.model.encode, dynamic=True) for m in members]
        self.card = card
        self.graph_config = members[0].model.cfg.graph
        self.threads = threads
        if threads:  # the thread count is the process's: set once, when its model is loaded
            use_threads(threads)
        domain = card.domain
        self._elements = set(domain.elements) if domain else set()
        self._ions = set(domain.ions) if domain else set()
        self._hop_range = domain.hop_length if domain else (0.0, np.inf)
        self.embedding_domain = embedding_domain
        # A student that learned the teacher's embedding distance is flagged where the teacher would flag the band
        self._teacher_distance = card.student.teacher_distance if card.student else None
        self.distance_limit: DistanceLimit | EmbeddingDomain | None = self._teacher_distance or embedding_domain
        # An ensemble's raw spread is too narrow; the card says by how much (measured on CV folds).
        self.sigma_scale = card.uncertainty.scale

    @classmethod
    def from_file(cls, card_path: str | Path, threads: int | None = None, compiled: bool = False,
                  device: str = "cpu") -> "BarrierModel":
        inference_device(device)  # before reading and checksumming the weights
        members, card = load_model_files(Path(card_path))
        if card.config.outputs != 1 and not card.student:
            raise HopnetInputError(card_path, f"an encoder card ({card.config.outputs} outputs), not a barrier "
                                              "model; pass a band model such as hopnet-band")
        entry = card.domain.embedding if card.domain else None
        return cls(members, card, threads, EmbeddingDomain.load(Path(card_path), entry) if entry else None, compiled,
                   device)

    def predict_band(self, band: Band) -> Prediction:
        """The barrier of one band."""
        return self.predict_bands([band])[0]

    def predict_bands(self, bands: list[Band], batch_size: int = 8, progress: bool = False) -> list[Prediction]:
        """Barriers of many bands; graphs are built batch by batch, so memory stays flat. Eight bands a batch
        (a host's hops, ~60,000 bond angles) stay in the CPU's caches: per band as fast as 32 compiled, 20 % faster
        uncompiled, a third less peak memory (``benchmarks/screen_throughput.py`` measures the whole screen)."""
        bands = list(bands)
        em, spread, distance = run_batched(self._answers, bands, batch_size, self._graphs,
                                           progress="predict" if progress else None).reshape(len(bands), 3).T
        return [Prediction(float(e), None if np.isnan(s) else float(s * self.sigma_scale), is_good_conductor(e),
                           b.ion, b.hop_length, b.label, self.domain_flags(b, d))
                for b, e, s, d in zip(bands, em, spread, distance)]

    def _graphs(self, bands: list[Band]) -> GraphBatch:
        return collate([graph_from_band(b, self.graph_config) for b in bands])

    @property
    def is_student(self) -> bool:
        """One distilled network that gives the teacher ensemble's mean and spread (``training.distil``)."""
        return self.card.student is not None

    @torch.no_grad()
    def batch_outputs(self, batch: GraphBatch) -> tuple[np.ndarray, np.ndarray]:
        """Each network's outputs for each graph of ``batch``, (members, graphs) for Em alone or (1, graphs, 2
        or 3) for a student (Em, log spread, log teacher distance), and each graph's embedding distance to the
        training bands: the first network's, or the teacher's as the student estimates it (NaN without either).
        Em is in eV."""
        distance = np.full(batch.num_graphs, np.nan)
        batch = batch.to(self.device)
        pooled = self._encode(batch)
        outputs = np.stack([m.model.readout(pooled[k]).cpu().numpy() for k, m in enumerate(self.members)])
        if self._teacher_distance:
            distance = np.exp(outputs[0, :, 2])
        elif self.embedding_domain:
            distance = self.embedding_domain.distance(pooled[0].cpu().numpy())
        if self.is_student:
            outputs[..., 0] = outputs[..., 0] * self.members[0].std + self.members[0].mean
        else:
            outputs = outputs * np.array([m.std for m in self.members])[:, None] + \
                np.array([m.mean for m in self.members])[:, None]
        return outputs, distance

    def _answers(self, batch: GraphBatch) -> np.ndarray:
        """(graphs, 3): Em, its raw spread (eV, uncalibrated; NaN for one network of Em alone), and the graph's
        embedding distance."""
        outputs, distance = self.batch_outputs(batch)
        if self.is_student:
            return np.stack([outputs[0, :, 0], np.exp(outputs[0, :, 1]), distance], axis=1)
        spread = outputs.std(axis=0, ddof=1) if len(outputs) > 1 else np.full(batch.num_graphs, np.nan)
        return np.stack([outputs.mean(axis=0), spread, distance], axis=1)

    @property
    def compiled(self) -> bool:
        return self._compiled is not None

    def _encode(self, batch: GraphBatch) -> torch.Tensor:
        """Every member's pooled vectors, (members, graphs, n_pool). Compilation happens on the first call and
        needs a C++ compiler; where it fails, the networks run uncompiled from then on (the same numbers,
        slower), and stderr says so once."""
        if self._compiled is not None:
            try:
                return torch.stack([encode(batch) for encode in self._compiled])
            except Exception as exc:  # torch raises many types for a missing or broken compiler
                reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
                print(f"hopnet: torch.compile failed ({reason}); running the networks uncompiled", file=sys.stderr)
                self._compiled = None
        return torch.stack([m.model.encode(batch) for m in self.members])

    def predict(self, initial: Structure, final: Structure, ion: str | None = None, label: str = "") -> Prediction:
        """Barrier of the one-ion hop that turns ``initial`` into ``final``."""
        return self.predict_band(band_from_endpoints(initial, final, ion=ion, label=label))

    def domain_flags(self, band: Band, embedding_distance: float = np.nan) -> list[Flag]:
        """Why ``band`` lies outside what the network was trained on (empty: inside)."""
        flags = []
        if self._ions and band.ion not in self._ions:
            flags.append(Flag(kind=FlagKind.UNSEEN_ION,
                              text=f"mobile ion {band.ion} not among training ions {', '.join(sorted(self._ions))}"))
        unseen = sorted(set(band.atoms.symbols) - self._elements) if self._elements else []
        dilute = [el for el in unseen if _dilute_and_away(band, el)]
        if len(dilute) < len(unseen):
            near = [el for el in unseen if el not in dilute]
            flags.append(Flag(kind=FlagKind.UNSEEN_ELEMENT, value=len(near),
                              text=f"elements never seen in training: {', '.join(near)}"))
        if dilute:
            flags.append(Flag(kind=FlagKind.DILUTE_UNSEEN_ELEMENT, value=len(dilute),
                              text=f"dopants never seen in training, dilute (< {DILUTE_SHARE:.0%} of the atoms) and "
                                   f"farther than {DOPANT_CLEARANCE:g} Å from the hop: {', '.join(dilute)}"))
        lo, hi = self._hop_range
        if not lo <= band.hop_length <= hi:
            flags.append(Flag(kind=FlagKind.HOP_LENGTH, value=round(band.hop_length, 4),
                              text=f"hop length {band.hop_length:.2f} Å outside training range {lo:.2f}-{hi:.2f} Å"))
        if self.distance_limit and embedding_distance > self.distance_limit.threshold:
            domain = self.distance_limit
            flags.append(Flag(kind=FlagKind.EMBEDDING, value=round(float(embedding_distance), 4),
                              text=f"unlike the training bands: embedding distance {embedding_distance:.1f} > "
                                   f"{domain.threshold:.1f} ({domain.quantile:.0%} of training bands are nearer)"))
        return flags


DEFAULT_MODEL = "hopnet-band"


def inference_device(name: str) -> torch.device:
    """``cpu``, or ``cuda`` where torch sees a GPU; asking for a GPU that is not there is a one-line error,
    not a silent fall-back to the CPU (the user would think the timing was a GPU's)."""
    if name not in DEVICES:
        raise HopnetInputError("--device", f"unknown device {name!r}; choose from {', '.join(DEVICES)}")
    if name == "cuda" and not torch.cuda.is_available():
        raise HopnetInputError("--device", "cuda asked for, but torch sees no CUDA GPU (a CPU-only torch build, "
                                           "or no driver); use --device cpu")
    return torch.device(name)


def default_model_path() -> Path:
    return resolve_weights(DEFAULT_MODEL)


@lru_cache(maxsize=2)
def cached_model(path: str | None = None, threads: int | None = None, compiled: bool = False,
                 device: str = "cpu") -> BarrierModel:
    """``load_model``, once per process and setting: each screening worker (a process, a Dask or a jobflow
    worker that joins late) loads its model on its first host and keeps it."""
    return load_model(path, threads, compiled, device)


def load_model(path: str | Path | None = None, threads: int | None = None, compiled: bool = False,
               device: str = "cpu") -> BarrierModel:
    """The shipped default model, a shipped model by name, or a model card written by ``hopnet train``;
    ``compiled`` runs the networks through ``torch.compile`` (see ``BarrierModel``), ``device`` is where they
    run (``cpu`` or ``cuda``)."""
    return BarrierModel.from_file(resolve_weights(path or DEFAULT_MODEL), threads, compiled, device)
