"""Typed training configuration, loadable from a TOML file."""
from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hopnet.errors import HopnetInputError, validation_message
from hopnet.models.config import ModelConfig


class RunConfig(BaseModel):
    """A frozen, strictly checked config that loads from TOML (training and pre-training share it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def from_toml(cls, path: str | Path):
        """The config in a TOML file; a missing file, bad TOML or a bad value is one line naming the file."""
        try:
            with open(path, "rb") as fh:
                return cls.model_validate(tomllib.load(fh))
        except FileNotFoundError:
            raise HopnetInputError(path, "config file not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise HopnetInputError(path, f"not valid TOML ({exc})") from None
        except ValidationError as exc:
            raise HopnetInputError(path, validation_message(exc)) from None

    def updated(self, source: str = "options", **changes):
        """A copy with ``changes`` validated like the file was (``model_copy(update=)`` would skip that)."""
        try:
            return type(self).model_validate({**self.model_dump(), **changes})
        except ValidationError as exc:
            raise HopnetInputError(source, validation_message(exc)) from None



class LoopConfig(RunConfig):
    """What the epoch loop (``training.loop``) reads; fine-tuning and pre-training add their own fields."""

    model: ModelConfig = ModelConfig()
    epochs: int = Field(40, ge=1)
    batch_size: int = Field(16, ge=1)
    lr: float = Field(2e-3, gt=0, description="peak learning rate of the one-cycle schedule")
    weight_decay: float = Field(1e-4, ge=0)
    seed: int = 0
    threads: int = Field(1, ge=1, description="torch intra-op threads (1: parallel work uses processes instead)")


class TrainConfig(LoopConfig):
    val_fraction: float = Field(0.1, ge=0, lt=1, description="carved from the training split for model selection")
    init: str | None = Field(None, description="pre-trained encoder card to start from (None: SCRATCH)")
