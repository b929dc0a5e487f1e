"""High-throughput screening: many hosts, one row each, resumable."""
from hopnet.screening.runner import FIELDS, ScreenSettings, expand_inputs, screen

__all__ = ["FIELDS", "ScreenSettings", "expand_inputs", "screen"]
