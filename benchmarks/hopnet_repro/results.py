"""The one result format of the benchmarks: every script writes through ``write_result``,
the report reads through ``read_result``.

A result is a JSON object whose envelope says how to get it again: the command
that wrote it, the data split it touched, the machine and the seed (null where
no randomness is involved), plus the hopnet version and the format. The body
is the benchmark's own (metrics, per-path rows, timings). A file without a
valid envelope is refused, so no number reaches the report without its command.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

import hopnet

RESULTS = Path(__file__).resolve().parents[1] / "results"
SCHEMA = "hopnet-result/1"


class ResultEnvelope(BaseModel):
    model_config = ConfigDict(extra="allow")

    format: Literal["hopnet-result/1"]
    command: str  # what reproduces this file, run from the repository root
    split: str  # which data it touched: "paper train (559), ..." / "paper test split (60 paths)" / "n/a: ..."
    machine: str
    seed: int | None = None
    hopnet_version: str  # of the code that wrote it


def write_result(path: Path, result: dict) -> Path:
    """Validate the envelope of ``result`` and write it (atomically) to ``path``."""
    try:
        envelope = ResultEnvelope.model_validate({"format": SCHEMA, "hopnet_version": hopnet.__version__, **result})
    except ValidationError as exc:
        raise ValueError(f"{path}: result lacks its envelope: {exc.errors()[0]['loc']}") from None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(envelope.model_dump(), indent=1))
    os.replace(tmp, path)
    return path


def read_result(path: Path) -> dict | None:
    """The result at ``path`` (None if it was never run); a file without a valid envelope is an error."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        return ResultEnvelope.model_validate(json.loads(path.read_text())).model_dump()
    except ValidationError as exc:
        raise ValueError(f"{path}: not a {SCHEMA} result: {exc.errors()[0]['loc']}") from None


def version_key(name: str) -> tuple[int, ...]:
    """The numbers of a version-named result (``v0.8.0`` -> (0, 8, 0)), so ``v0.10.0`` sorts after ``v0.9.0``."""
    return tuple(int(n) for n in re.findall(r"\d+", name))


def newest_versioned(folder: Path, stem: str) -> Path | None:
    """The newest of the result files ``<stem>-<version>.json`` in ``folder`` (e.g. ``conductor_fit-v0.8.0.json``,
    named by the rows it was fitted on), or None: one rule for every reader of such files. Only release-named rows
    count: a fit on another run's rows (``conductor_fit-student4.json``, the student's) is never the newest."""
    found = sorted((p for p in Path(folder).glob(f"{stem}-*.json")
                    if re.fullmatch(r"v\d+\.\d+\.\d+", p.stem[len(stem) + 1:])),
                   key=lambda p: (version_key(p.stem[len(stem) + 1:]), p.name))
    return found[-1] if found else None
