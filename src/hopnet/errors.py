"""The one exception type users see for bad input."""
from __future__ import annotations


class HopnetInputError(ValueError):
    """Input that hopnet refuses, with a one-line message naming its source.

    The CLI prints ``str(err)`` and exits with code 2; library callers can catch
    it as a ``ValueError``.
    """

    def __init__(self, source: str, problem: str):
        self.source = str(source)
        self.problem = " ".join(str(problem).split())  # keep it on one line
        super().__init__(f"{self.source}: {self.problem}")
