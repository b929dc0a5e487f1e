"""A wall-clock limit for one item of a long benchmark loop (one path, one host).

A bond-valence grid or a CHGNet NEB can run for minutes on an odd cell; the loop
records the item as over time and goes on. SIGALRM, so the main thread of a
POSIX process only, which is how every benchmark here runs.
"""
from __future__ import annotations

import contextlib
import signal


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
