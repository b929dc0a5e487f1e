"""Model files: safetensors weights + a JSON card, checksummed, never pickled."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from safetensors.torch import load_file, save_file

from hopnet.errors import HopnetInputError, read_json
from hopnet.models.alignn import ALIGNN
from hopnet.models.config import ModelConfig
from hopnet.models.variants import build_model

CARD_FORMAT = "hopnet-model/1"


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


def save_model(card_path: Path, members: list[Member], card: dict) -> dict:
    """Write ``<stem>.<i>.safetensors`` per member and the card that lists and checksums them."""
    card_path = Path(card_path)
    card_path.parent.mkdir(parents=True, exist_ok=True)
    entries = []
    for i, m in enumerate(members):
        weights = card_path.with_name(f"{card_path.stem}.{i}.safetensors")
        save_file({k: v.contiguous() for k, v in m.model.state_dict().items()}, str(weights))
        entries.append({"file": weights.name, "sha256": sha256_file(weights), "target_mean": m.mean, "target_std": m.std})
    card = {"format": CARD_FORMAT, **card, "config": members[0].model.cfg.model_dump(), "members": entries}
    card_path.write_text(json.dumps(card, indent=1))
    return card


def load_model_files(card_path: Path) -> tuple[list[Member], dict]:
    """Read a card and its weights; refuse anything unverified or malformed."""
    card_path = Path(card_path)
    card = read_json(card_path, not_found="model card not found", invalid="model card is not valid JSON")
    if not isinstance(card, dict) or card.get("format") != CARD_FORMAT:
        raise HopnetInputError(card_path, f"not a {CARD_FORMAT} model card")
    cfg = ModelConfig.model_validate(card["config"])
    members = []
    for entry in card["members"]:
        weights = card_path.with_name(entry["file"])
        if not weights.is_file():
            raise HopnetInputError(weights, "weights file listed in the card is missing")
        if sha256_file(weights) != entry["sha256"]:
            raise HopnetInputError(weights, "checksum mismatch: the weights file is corrupted or was modified")
        model = build_model(cfg)
        try:
            missing, unexpected = model.load_state_dict(load_file(str(weights)), strict=False)
        except RuntimeError:  # shape mismatch
            missing, unexpected = ["tensors of another shape"], []
        if missing or unexpected:
            detail = ", ".join([*(f"missing {k}" for k in missing[:2]), *(f"unexpected {k}" for k in unexpected[:2])])
            raise HopnetInputError(weights, f"weights do not fit the card's architecture ({detail})")
        model.eval()
        members.append(Member(model, float(entry["target_mean"]), float(entry["target_std"])))
    return members, card


def transfer_encoder(model: ALIGNN, encoder_card: Path) -> int:
    """Copy a pre-trained encoder (every weight but the head) into ``model``; return tensors copied.

    The head is left fresh: pre-training predicts seven bulk properties from a
    whole-cell mean, fine-tuning one barrier from a different readout.
    """
    members, _ = load_model_files(encoder_card)
    state = members[0].model.encoder_state()
    try:
        missing, unexpected = model.load_state_dict(state, strict=False)
    except RuntimeError:
        raise HopnetInputError(encoder_card, "encoder weights do not fit this model's width or depth") from None
    if unexpected or set(missing) & set(model.encoder_state()):
        raise HopnetInputError(encoder_card, "encoder does not match this model's layers")
    return len(state)
