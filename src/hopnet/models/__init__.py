"""ALIGNN in plain PyTorch, its configuration and its file format."""
from hopnet.models.alignn import ALIGNN
from hopnet.models.config import ModelConfig

__all__ = ["ALIGNN", "ModelConfig"]
