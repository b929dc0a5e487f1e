"""Run the CLI of an older hopnet checkout beside today's, for side-by-side timings.

The older code is a git worktree (``git worktree add --detach ../hopnet-0.1 70bbb22^``); a process
sees it instead of the installed package when its ``src`` folder leads ``PYTHONPATH``. The codes:
``baseline`` (that checkout, its defaults), ``baseline-compiled`` (that checkout, ``--compile``),
``baseline-student`` (that checkout with its distilled student), ``current`` (this one, its defaults), ``compiled``
(this one, ``--compile``), ``eager`` (this one, ``--no-compile``: since 0.7.0 ``screen`` compiles by default) and
``student`` (this one with its student).
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

CODES = ("baseline", "baseline-compiled", "baseline-student", "current", "compiled", "eager", "student")
# "student": this checkout with the distilled one-network model, uncompiled (its compilation costs more than it saves
# over a few hundred hosts)
STUDENT = ["--no-compile", "--model", "hopnet-band-student"]
FLAGS = {"baseline-compiled": ["--compile"], "compiled": ["--compile"], "eager": ["--no-compile"], "student": STUDENT,
         "baseline-student": STUDENT}


def check_baseline(ap: argparse.ArgumentParser, codes: list[str], baseline_src: Path | None) -> None:
    """A usage error unless ``baseline`` is asked for with an older checkout's ``src`` folder."""
    unknown = set(codes) - set(CODES)
    if unknown:
        ap.error(f"unknown codes {sorted(unknown)}; choose from {', '.join(CODES)}")
    if any(c.startswith("baseline") for c in codes) and not (baseline_src and (baseline_src / "hopnet").is_dir()):
        ap.error("--baseline-src must name an older checkout's src folder (see the docstring)")


def environment(code: str, baseline_src: Path | None) -> dict[str, str]:
    """The environment a child process of ``code`` runs in."""
    env = dict(os.environ)
    if code.startswith("baseline"):
        env["PYTHONPATH"] = str(Path(baseline_src).resolve())
    return env


def cli_flags(code: str) -> list[str]:
    return FLAGS.get(code, [])
