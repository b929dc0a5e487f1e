"""Why one torch thread per process: the shipped ensemble's inference under each thread policy, side by side.

    python benchmarks/thread_policy.py --rounds 3

Workload: the shipped 5-network ensemble on the 60 test-split bands (graphs
built once per process, timed apart). Each policy runs in fresh processes:
1 or 2 torch threads in one process, alone or beside a *busy neighbour* (a
process doing single-threaded matrix products, as a training or another
screen worker does); and the policy hopnet uses for many hops, two processes
of one thread each sharing the hops (eager and ``--compile``). A pass's time is
the median over rounds after one warm-up pass (which also compiles). Hops/s
counts every hop the processes of a policy finish, divided by the slowest one's
median pass.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import time

import numpy as np

from hopnet_repro.results import RESULTS, write_result

POLICIES = (  # name, torch threads per process, processes, busy neighbour, compiled
    ("1 thread", 1, 1, False, False),
    ("2 threads", 2, 1, False, False),
    ("1 thread, busy neighbour", 1, 1, True, False),
    ("2 threads, busy neighbour", 2, 1, True, False),
    ("2 processes x 1 thread", 1, 2, False, False),
    ("2 processes x 1 thread, compiled", 1, 2, False, True),
)


def busy(stop) -> None:
    import torch

    torch.set_num_threads(1)
    a = torch.randn(384, 384)
    while not stop.is_set():
        a = torch.tanh(a @ a)


def worker(threads: int, part: int, parts: int, compiled: bool, rounds: int, barrier, results) -> None:
    import torch

    from hopnet.data.barriers import load_barriers
    from hopnet.graphs.batch import collate
    from hopnet.graphs.builder import graph_from_band
    from hopnet.predictor import load_model

    torch.set_num_threads(threads)
    model = load_model(threads=threads, compiled=compiled)
    bands = [e.band for e in load_barriers("test")][part::parts]
    t0 = time.perf_counter()
    batch = collate([graph_from_band(b, model.graph_config) for b in bands])
    graph_seconds = time.perf_counter() - t0
    model.batch_outputs(batch)  # warm-up (and compilation)
    barrier.wait()
    seconds = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        model.batch_outputs(batch)
        seconds.append(time.perf_counter() - t0)
    results.put({"hops": len(bands), "seconds": seconds, "graph_seconds": graph_seconds})


def run_policy(threads: int, processes: int, neighbour: bool, compiled: bool, rounds: int) -> dict:
    ctx = mp.get_context("spawn")
    barrier, results, stop = ctx.Barrier(processes), ctx.Queue(), ctx.Event()
    noise = ctx.Process(target=busy, args=(stop,)) if neighbour else None
    if noise:
        noise.start()
    procs = [ctx.Process(target=worker, args=(threads, k, processes, compiled, rounds, barrier, results))
             for k in range(processes)]
    for p in procs:
        p.start()
    parts = [results.get() for _ in procs]
    for p in procs:
        p.join()
    if noise:
        stop.set()
        noise.join()
    slowest = max(float(np.median(p["seconds"])) for p in parts)
    hops = sum(p["hops"] for p in parts)
    return {"hops": hops, "pass_seconds": [p["seconds"] for p in parts], "hops_per_second": hops / slowest,
            "graph_hops_per_second_per_process": float(np.mean([p["hops"] / p["graph_seconds"] for p in parts]))}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--note", default="", help="conditions worth knowing, e.g. other load on the machine")
    args = ap.parse_args()
    rows = {}
    for name, threads, processes, neighbour, compiled in POLICIES:
        load = os.getloadavg()[0]
        rows[name] = {**run_policy(threads, processes, neighbour, compiled, args.rounds),
                      "load_average_at_start": round(load, 2)}
        print(f"{name}: {rows[name]['hops_per_second']:.1f} hops/s", flush=True)
    base = rows["1 thread"]["hops_per_second"]
    write_result(RESULTS / "thread_policy.json", {
        "command": f"python benchmarks/thread_policy.py --rounds {args.rounds}",
        "split": "paper test split (60 bands; timing only)", "seed": None,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores" + (f"; {args.note}" if args.note else ""),
        "policies": rows, "relative_to_1_thread": {k: v["hops_per_second"] / base for k, v in rows.items()}})
