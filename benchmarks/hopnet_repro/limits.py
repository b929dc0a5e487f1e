"""A wall-clock limit for one item of a long benchmark loop (one path, one host).

A bond-valence grid or a CHGNet NEB can run for minutes on an odd cell; the loop
records the item as over time and goes on. SIGALRM, so the main thread of a
POSIX process only, which is how every benchmark here runs.
"""
from __future__ import annotations

import contextlib
import signal
import time


def _out_of_time(signum, frame):
    raise TimeoutError


@contextlib.contextmanager
def time_limit(seconds: int):
    """Raise ``TimeoutError`` in the block once ``seconds`` have passed (0: no limit)."""
    previous = signal.signal(signal.SIGALRM, _out_of_time)
    signal.alarm(int(seconds))
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def timed_item(compute, seconds: int, expected: tuple[type[Exception], ...]) -> dict:
    """``compute()``'s fields, or ``{"error": reason}`` when it runs over ``seconds`` or raises one of
    ``expected`` (a failure that is a result, such as a host without bond valences); with ``seconds`` taken."""
    t0 = time.perf_counter()
    try:
        with time_limit(seconds):
            row = dict(compute())
    except TimeoutError:
        row = {"error": f"over {seconds} s"}
    except expected as exc:
        row = {"error": str(exc)}
    return {**row, "seconds": round(time.perf_counter() - t0, 3)}
