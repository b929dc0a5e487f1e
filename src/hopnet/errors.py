"""The one exception type users see for bad input."""
from __future__ import annotations

import json
from pathlib import Path


class HopnetInputError(ValueError):
    """Input that hopnet refuses, with a one-line message naming its source.

    The CLI prints ``str(err)`` and exits with code 2; library callers can catch
    it as a ``ValueError``.
    """

    def __init__(self, source: str, problem: str):
        self.source = str(source)
        self.problem = " ".join(str(problem).split())  # keep it on one line
        super().__init__(f"{self.source}: {self.problem}")


def read_json(path: Path, not_found: str = "file not found", invalid: str = "not valid JSON"):
    """Parse a JSON file, turning a missing or malformed file into a one-line HopnetInputError."""
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise HopnetInputError(path, not_found) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HopnetInputError(path, f"{invalid} ({exc})") from None
