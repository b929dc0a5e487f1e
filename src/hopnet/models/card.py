"""Model files: safetensors weights + a typed, versioned JSON card, checksummed, never pickled.

:class:`ModelCard` is the one description of a model file, and :func:`write_card`
its one writer: training, pre-training and the release step all go through
it, so every card on disk has the same validated shape. Reading checks the
format version first, then every field, then every checksum.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from safetensors.torch import load_file, save_file

from hopnet.errors import HopnetInputError, read_json, validation_message
from hopnet.graphs.builder import GRAPH_VERSION
from hopnet.models.alignn import ALIGNN, ARCHITECTURE
from hopnet.models.config import ModelConfig

CARD_FORMAT = "hopnet-model/1"


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MemberEntry(_Part):
    """One network of the ensemble: its weights file and the target scaler it was trained with."""

    file: str
    sha256: str
    target_mean: float  # Em = output * target_std + target_mean
    target_std: float = Field(gt=0)


class DistanceLimit(_Part):
    """Where the embedding-distance domain check flags a band: beyond ``threshold``, which ``quantile`` of the
    training bands' own distances lie below."""

    threshold: float
    quantile: float = Field(0.95, gt=0, lt=1)


class EmbeddingEntry(DistanceLimit):
    """Reference vectors of the embedding-distance domain check (``models.domain``)."""

    file: str
    sha256: str
    k: int = Field(ge=1)


class TrainingDomain(_Part):
    """What the model has seen, so that predictions outside it say so."""

    elements: list[str]
    ions: list[str]
    hop_length: tuple[float, float]  # Å, shortest and longest training hop
    embedding: EmbeddingEntry | None = None


class Uncertainty(_Part):
    """How the ensemble spread becomes the reported ``em_std``: spread x ``scale``."""

    scale: float = Field(1.0, gt=0)
    coverage_cv: dict[str, float] | None = None
    command: str | None = None  # the measurement that fitted ``scale``
    note: str | None = None


class Distillation(_Part):
    """A student's teacher (``training.distil``): the student's first output is the teacher's mean Em (scaled as
    a member's), its second the log of the teacher members' raw spread (eV), which ``uncertainty.scale``
    calibrates as it did the teacher's. With ``teacher_distance``, a third output is the log of the teacher's
    embedding distance, flagged where the teacher would flag it; without, the student's own embedding is
    checked (``domain.embedding``)."""

    teacher: str  # the teacher card's name
    teacher_sha256: str
    bands: int = Field(ge=1)  # bands the teacher priced for it
    data: str = ""
    teacher_distance: DistanceLimit | None = None

    @property
    def outputs(self) -> int:
        return 3 if self.teacher_distance else 2


class CardMetrics(_Part):
    test: dict[str, float] | None = None  # the paper's test split, measured once
    test_command: str | None = None
    cv: dict[str, Any] | None = None  # grouped-by-host CV of the same configuration


class TrainingRecord(BaseModel):
    """Provenance. The fields every writer fills are named; run-specific ones (per-seed runs,
    history, held-out indices) are kept as given."""

    model_config = ConfigDict(extra="allow", frozen=True)

    data: str = ""
    data_sha256: str = ""
    machine: str = ""
    wall_seconds: float | None = None


class ModelCard(_Part):
    format: Literal["hopnet-model/1"] = CARD_FORMAT
    name: str
    hopnet_version: str
    # The network and the graph recipe the weights belong to. Cards written before these fields are of the first
    # architecture on graph recipe 2: literals, so a later bump of the constants never passes such a card.
    architecture: str = "hopnet-alignn/1"
    graph_version: int = 2
    task: str = ""
    properties: dict[str, str] | None = None  # multi-property encoders: output name -> meaning
    training: TrainingRecord = TrainingRecord()
    domain: TrainingDomain | None = None
    config: ModelConfig
    members: list[MemberEntry] = Field(min_length=1)
    metrics: CardMetrics = CardMetrics()
    uncertainty: Uncertainty = Uncertainty()
    student: Distillation | None = None  # None: the members are an ensemble (or one network) of Em alone

    @model_validator(mode="after")
    def _student_is_one_network_of_its_outputs(self) -> "ModelCard":
        if self.student and (len(self.members) != 1 or self.config.outputs != self.student.outputs):
            raise ValueError(f"a distilled student is one network with {self.student.outputs} outputs (Em, log "
                             "spread" + (", log teacher distance)" if self.student.teacher_distance else ")"))
        return self

    def updated(self, **changes) -> "ModelCard":
        """A validated copy with ``changes`` (pydantic's ``model_copy(update=)`` would skip validation)."""
        return ModelCard.model_validate({**self.model_dump(), **changes})


@dataclass
class Member:
    """One trained network of a (possibly one-member) ensemble."""

    model: ALIGNN
    mean: float  # target scaler: Em = output * std + mean
    std: float


def shipped_weights_dir() -> Path:
    return Path(str(resources.files("hopnet") / "weights"))


def resolve_weights(name_or_path: str | Path) -> Path:
    """A card path as given, or the name of a card shipped in the package (``hopnet-band``)."""
    path = Path(name_or_path)
    if path.exists():
        return path
    shipped = shipped_weights_dir() / (path.name if path.suffix == ".json" else f"{path.name}.json")
    return shipped if shipped.exists() else path


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_card(card_path: Path, card: ModelCard) -> None:
    """The one writer of model cards (atomic: a killed write never leaves half a card)."""
    card_path = Path(card_path)
    tmp = card_path.with_name(card_path.name + ".tmp")
    tmp.write_text(card.model_dump_json(indent=1, exclude_none=True))
    os.replace(tmp, card_path)


def save_model(card_path: Path, members: list[Member], **fields) -> ModelCard:
    """Write ``<stem>.<i>.safetensors`` per member and the card that lists and checksums them.

    ``fields`` are the card's other fields (``name`` defaults to the file's stem).
    """
    from hopnet import __version__

    card_path = Path(card_path)
    if any(type(m.model) is not ALIGNN for m in members):
        # The card describes the band ALIGNN only; a subclass would be written as one and fail on load.
        raise TypeError(f"{card_path}: model cards hold hopnet's band ALIGNN, not {type(members[0].model).__name__}")
    card_path.parent.mkdir(parents=True, exist_ok=True)
    entries = []
    for i, m in enumerate(members):
        weights = card_path.with_name(f"{card_path.stem}.{i}.safetensors")
        save_file({k: v.contiguous() for k, v in m.model.state_dict().items()}, str(weights))
        entries.append(MemberEntry(file=weights.name, sha256=sha256_file(weights), target_mean=m.mean,
                                   target_std=m.std))
    card = ModelCard(name=fields.pop("name", card_path.stem), hopnet_version=__version__,
                     config=members[0].model.cfg, members=entries, **fields)
    write_card(card_path, card)
    return card


def read_card(card_path: Path) -> ModelCard:
    """The card at ``card_path``, validated; one line naming the file when it is not a card we read."""
    card_path = Path(card_path)
    raw = read_json(card_path, not_found="model card not found", invalid="model card is not valid JSON")
    if not isinstance(raw, dict) or "format" not in raw:
        raise HopnetInputError(card_path, f"not a hopnet model card (no 'format'; expected {CARD_FORMAT})")
    if raw["format"] != CARD_FORMAT:
        raise HopnetInputError(card_path, f"model card format {raw['format']!r} is not one this hopnet reads "
                                          f"({CARD_FORMAT})")
    try:
        return ModelCard.model_validate(raw)
    except ValidationError as exc:
        raise HopnetInputError(card_path, f"not a valid {CARD_FORMAT} card: {validation_message(exc)}") from None


def load_model_files(card_path: Path) -> tuple[list[Member], ModelCard]:
    """Read a card and its weights; refuse anything unverified or malformed."""
    card_path = Path(card_path)
    card = read_card(card_path)
    if (card.architecture, card.graph_version) != (ARCHITECTURE, GRAPH_VERSION):
        raise HopnetInputError(card_path, f"the card's network is {card.architecture} on graph recipe "
                                          f"{card.graph_version}; this hopnet builds {ARCHITECTURE} on graph recipe "
                                          f"{GRAPH_VERSION}: use the hopnet version that wrote it "
                                          f"({card.hopnet_version})")
    members = []
    for entry in card.members:
        weights = card_path.with_name(entry.file)
        if not weights.is_file():
            raise HopnetInputError(weights, "weights file listed in the card is missing")
        if sha256_file(weights) != entry.sha256:
            raise HopnetInputError(weights, "checksum mismatch: the weights file is corrupted or was modified")
        model = ALIGNN(card.config)
        try:
            missing, unexpected = model.load_state_dict(load_file(str(weights)), strict=False)
        except RuntimeError:  # shape mismatch
            missing, unexpected = ["tensors of another shape"], []
        if missing or unexpected:
            detail = ", ".join([*(f"missing {k}" for k in missing[:2]), *(f"unexpected {k}" for k in unexpected[:2])])
            raise HopnetInputError(weights, f"weights do not fit the card's architecture ({detail})")
        model.eval()
        members.append(Member(model, entry.target_mean, entry.target_std))
    return members, card


def transfer_encoder(model: ALIGNN, encoder_card: Path) -> int:
    """Copy a pre-trained encoder (every weight but the head) into ``model``; return tensors copied.

    The head is left fresh: pre-training predicts seven bulk properties from a
    whole-cell mean, fine-tuning one barrier from a different readout. The
    encoder must have read its graphs as this model will (cut-off, neighbours,
    angle neighbours), as MACE refuses a foundation model of another cut-off;
    which atoms a graph holds (the whole cell, or the atoms near the path) may
    differ.
    """
    members, card = load_model_files(encoder_card)
    recipe = ("cutoff", "max_neighbors", "angle_neighbors")
    theirs, ours = card.config.graph, model.cfg.graph
    if any(getattr(theirs, k) != getattr(ours, k) for k in recipe):
        def spelled(g):
            return ", ".join(f"{k} {getattr(g, k):g}" for k in recipe)
        raise HopnetInputError(encoder_card, f"the encoder read graphs with {spelled(theirs)}; this model reads "
                                             f"{spelled(ours)}: its weights would see other bonds and angles")
    state = members[0].model.encoder_state()
    try:
        missing, unexpected = model.load_state_dict(state, strict=False)
    except RuntimeError:
        raise HopnetInputError(encoder_card, "encoder weights do not fit this model's width or depth") from None
    if unexpected or set(missing) & set(model.encoder_state()):
        raise HopnetInputError(encoder_card, "encoder does not match this model's layers")
    return len(state)

