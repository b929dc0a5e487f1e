"""Wall time of the test suite, quick (``-m "not slow"``, the default from 0.8.0) and full, for this checkout
and an earlier commit.

    python benchmarks/test_time.py --before 8a604bd --rounds 2

Each suite runs as a fresh ``python -m pytest`` with an empty graph cache (as on
a new machine or in CI); the suites alternate within each round, so a drift in
the machine's speed reaches all of them alike. The earlier commit is checked out
in a temporary git worktree and imported from there (its ``src`` first on
``PYTHONPATH``); commits before the slow marker have no quick suite.
Writes benchmarks/results/test_time.json.
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from hopnet_repro.results import RESULTS, write_result

ROOT = RESULTS.parent.parent


def run_suite(checkout: Path, marker: str | None, must_pass: bool = True) -> tuple[float, str]:
    """Seconds for one pytest run, and its closing line; a failure stops the measurement unless ``must_pass`` is
    off: the time still counts, and the closing line names what failed (a timing, not a gate: CI is that)."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "HOPNET_CACHE": cache, "PYTHONPATH": str(checkout / "src")}
        cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"] + (["-m", marker] if marker else [])
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=checkout, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip()[-200:]
    if proc.returncode != 0:
        failed = [line.split(" - ")[0] for line in proc.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
        failed += [line for line in proc.stdout.splitlines() if line.startswith("E ")][:3]  # what each assertion saw
        if must_pass:
            raise SystemExit(f"{checkout}: tests failed ({last}): {'; '.join(failed)}")
        last = f"{last} ({'; '.join(failed)})"
    return seconds, last


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True, help="earlier commit to compare with")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "before"
        subprocess.run(["git", "worktree", "add", "--detach", str(before), args.before], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            has_marker = "slow" in (before / "pyproject.toml").read_text()
            # markers named outright: from 0.8.0 on, a bare `pytest` is the quick suite
            suites = {"before, full": (before, "slow or not slow"), "after, quick": (ROOT, "not slow"),
                      "after, full": (ROOT, "slow or not slow")}
            if has_marker:
                suites["before, quick"] = (before, "not slow")
            times: dict[str, list[float]] = {name: [] for name in suites}
            closing: dict[str, str] = {}
            for _ in range(args.rounds):
                for name, (checkout, marker) in suites.items():
                    seconds, closing[name] = run_suite(checkout, marker, must_pass=False)
                    times[name].append(seconds)
                    print(f"{name}: {seconds:.1f} s ({closing[name]})", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT, capture_output=True)

    result = {
        "command": f"python benchmarks/test_time.py --before {args.before} --rounds {args.rounds}",
        "split": "n/a: the test suites", "seed": None,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "before": args.before,
        "suites": {name: {"median_seconds": float(np.median(t)), "seconds": t, "closing_line": closing[name]}
                   for name, t in times.items()},
    }
    write_result(RESULTS / "test_time.json", result)
