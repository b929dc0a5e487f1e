"""The one exception type users see for bad input."""
from __future__ import annotations

import gzip
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
    """Parse a JSON file (``.json.gz`` too), turning a missing or malformed file into a one-line error."""
    path = Path(path)
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt") as fh:
                return json.load(fh)
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise HopnetInputError(path, not_found) from None
    except IsADirectoryError:
        raise HopnetInputError(path, "is a directory, expected a file") from None
    except (json.JSONDecodeError, UnicodeDecodeError, gzip.BadGzipFile, EOFError) as exc:
        raise HopnetInputError(path, f"{invalid} ({exc})") from None


def validation_message(exc) -> str:
    """The first problem a pydantic ``ValidationError`` names, as ``where: what``."""
    first = exc.errors()[0]
    message = first["msg"].removeprefix("Value error, ")  # a validator's own sentence, without pydantic's label
    return f"{'.'.join(str(p) for p in first['loc'])}: {message}"
