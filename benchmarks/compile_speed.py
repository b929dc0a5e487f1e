"""Compiled vs eager inference of the shipped ensemble, side by side in one process.

    python benchmarks/compile_speed.py --rounds 3 [--cold]

The 559 training bands' graphs are built once; then the shipped 5-network
ensemble predicts them all, eager and compiled (``load_model(compiled=True)``,
torch.compile with dynamic shapes) in alternating rounds, one torch thread.
Reported: the one-off compilation (the first compiled pass minus a later one;
shorter when torch's on-disk kernel cache is warm from an earlier process;
``--cold`` points that cache at an empty folder, as on a machine's first run),
hops per second of each mode after it, their ratio, and the largest
difference between the two modes' Em. Graph building is timed apart: it is the
same for both.
"""
from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time

import numpy as np
import torch

from hopnet.data.barriers import load_barriers
from hopnet.graphs.batch import collate
from hopnet.graphs.builder import graph_from_band
from hopnet.predictor import load_model
from hopnet_repro.results import RESULTS, write_result

BATCH = 8  # as BarrierModel.predict_bands


def ensemble_pass(model, graphs) -> tuple[np.ndarray, float]:
    """Em of every graph (ensemble mean) and the seconds the networks took."""
    t0 = time.perf_counter()
    out = []
    for i in range(0, len(graphs), BATCH):
        out.append(model.batch_outputs(collate(graphs[i:i + BATCH]))[0].mean(axis=0))
    return np.concatenate(out), time.perf_counter() - t0


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cold", action="store_true", help="compile with an empty kernel cache (a machine's first run)")
    args = ap.parse_args()
    if args.cold:  # read by torch when it first compiles, which is below
        os.environ["TORCHINDUCTOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="inductor-cold-")
    torch.set_num_threads(1)
    eager, compiled = load_model(threads=1), load_model(threads=1, compiled=True)
    bands = [e.band for e in load_barriers("train")]
    t0 = time.perf_counter()
    graphs = [graph_from_band(b, eager.graph_config) for b in bands]
    graph_seconds = time.perf_counter() - t0
    em_eager, first_eager = ensemble_pass(eager, graphs)
    em_compiled, first_compiled = ensemble_pass(compiled, graphs)
    seconds = {"eager": [], "compiled": []}
    for _ in range(args.rounds):
        for name, model in (("eager", eager), ("compiled", compiled)):
            seconds[name].append(ensemble_pass(model, graphs)[1])
    median = {k: float(np.median(v)) for k, v in seconds.items()}
    result = {
        "command": f"python benchmarks/compile_speed.py --rounds {args.rounds}" + (" --cold" if args.cold else ""),
        "kernel_cache": "cold" if args.cold else "warm", "batch": BATCH,
        "split": "paper train (559 bands; timing only)", "seed": None,
        "machine": f"{platform.machine()}, 1 torch thread; other processes may share the 2 cores (ratios are "
                   "measured side by side)",
        "torch": torch.__version__, "hops": len(graphs), "members": len(eager.members),
        "graph_seconds_per_hop": graph_seconds / len(graphs),
        "first_pass_seconds": {"eager": first_eager, "compiled": first_compiled},
        "compile_seconds": first_compiled - median["compiled"],
        "ensemble_seconds": seconds, "hops_per_second": {k: len(graphs) / v for k, v in median.items()},
        "speedup": median["eager"] / median["compiled"],
        "max_abs_em_difference": float(np.max(np.abs(em_eager - em_compiled))),
    }
    write_result(RESULTS / "compile_speed.json", result)
    print(f"compile {result['compile_seconds']:.0f} s; ensemble hops/s eager {result['hops_per_second']['eager']:.1f}, "
          f"compiled {result['hops_per_second']['compiled']:.1f} ({result['speedup']:.2f}x); "
          f"max |dEm| {result['max_abs_em_difference']:.2e} eV; graphs {1 / result['graph_seconds_per_hop']:.0f}/s")
