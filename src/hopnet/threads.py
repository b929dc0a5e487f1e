"""How many threads a hopnet process computes on: torch's and the BLAS library's under numpy and scipy.

Both default to one per core. A screen runs one process per core, and a host's bond-valence grid is numpy
(one matrix-vector product per framework atom): with BLAS left at its default, two workers ran four threads
on two cores, and screened 1.19x fewer hosts per second than with one each (BENCHMARKS.md, *Screening
throughput*).
The count is the process's, set where hopnet's settings name it (a model loaded with ``threads``, a training
run); a library caller that names none keeps its own.
"""
from __future__ import annotations

import torch
from threadpoolctl import threadpool_limits


def use_threads(threads: int) -> None:
    """Compute on ``threads`` threads from now on in this process: torch's intra-op pool and BLAS's."""
    torch.set_num_threads(threads)
    threadpool_limits(threads, user_api="blas")
