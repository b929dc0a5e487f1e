"""Physics baselines on the paper's test paths: BVSE (bvlain) and CHGNet + climbing-image NEB.

Each path's result is appended to benchmarks/results/baseline_<method>.jsonl as
soon as it is done, so an interrupted run resumes where it stopped. The summary
(baseline_<method>.json) scores the finished paths beside the shipped hopnet
model on exactly the same paths, with seconds per barrier for both.

    python benchmarks/physics_baselines.py --method bvse
    python benchmarks/physics_baselines.py --method chgnet-neb --sample 8   # ~10-15 min per path on 1 core

``--sample N`` takes N test paths in a fixed random order (seed 0), for methods
too slow to run on all 60 within a session; the summary says how many ran.
Several workers may share the rows file: each skips paths another has
finished, and ``--reverse`` makes a second worker start from the other end.
"""
from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch

from hopnet.data.barriers import load_barriers
from hopnet.metrics import all_metrics
from hopnet.plots import parity_plot
from hopnet.predictor import load_model
from hopnet_repro.limits import time_limit
from hopnet_repro.results import write_result

SEED = 0
OUT = Path("benchmarks/results")


def bvse_runner():
    from hopnet_repro.baselines.bvse import bvse_barriers

    def run(entry) -> dict:
        r = bvse_barriers(entry.band)
        return {"em": r["E_1D"], "seconds": r["seconds"], "detail": r}

    return run


def chgnet_neb_runner():
    from chgnet.model.dynamics import CHGNetCalculator

    from hopnet_repro.baselines.chgnet_features import load_chgnet
    from hopnet_repro.baselines.umlip_neb import neb_barrier

    calculator = CHGNetCalculator(model=load_chgnet(1), use_device="cpu")

    def run(entry) -> dict:
        r = neb_barrier(entry.band, calculator)
        return {"em": r.barrier, "seconds": r.seconds,
                "detail": {"energies": r.energies, "converged": r.converged, "steps": r.steps}}

    return run


RUNNERS = {"bvse": bvse_runner, "chgnet-neb": chgnet_neb_runner}


def summarise(rows: list[dict], test, method: str, command: str, n_planned: int, note: str) -> dict:
    ok = [r for r in rows if "em" in r and np.isfinite(r["em"])]
    by_name = {e.sys_name: e for e in test}
    entries = [by_name[r["sys_name"]] for r in ok]
    model = load_model(threads=1)
    t0 = time.perf_counter()
    ours = model.predict_bands([e.band for e in entries]) if entries else []
    ours_seconds = (time.perf_counter() - t0) / max(len(entries), 1)
    y = np.array([e.em for e in entries])
    seconds = np.array([r["seconds"] for r in ok])
    summary = {"method": method, "command": command, "paths_planned": n_planned, "paths_run": len(rows),
               "paths_scored": len(ok), "failures": [{"sys_name": r["sys_name"], "error": r["error"]}
                                                     for r in rows if "error" in r],
               "seconds_per_barrier_median": float(np.median(seconds)) if len(ok) else None,
               "seconds_per_barrier_mean": float(seconds.mean()) if len(ok) else None,
               "hopnet_seconds_per_barrier": ours_seconds,
               "machine": f"{platform.processor() or platform.machine()}, 1 torch thread" + (f"; {note}" if note else ""),
               "seed": SEED,
               "split": "paper test split (60 paths)" + (" sampled in a fixed random order" if n_planned < 60 else "")}
    if ok:
        summary["speed_ratio"] = summary["seconds_per_barrier_mean"] / ours_seconds
        summary["per_path"] = [{"sys_name": r["sys_name"], "em_dft": r["em_dft"], "em": r["em"], "hopnet": p.em,
                                "seconds": r["seconds"]} for r, p in zip(ok, ours)]
    if len(ok) >= 2:  # R2 and friends need at least two paths
        summary["metrics"] = all_metrics(y, [r["em"] for r in ok])
        parity_plot(y, [r["em"] for r in ok], OUT / f"parity_{method}.png", title=f"{method}, paper test paths")
        summary["hopnet_metrics_same_paths"] = all_metrics(y, [p.em for p in ours])
    return summary


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--method", choices=sorted(RUNNERS), required=True)
    ap.add_argument("--sample", type=int, help="only this many test paths, in a fixed random order")
    ap.add_argument("--note", default="", help="conditions worth knowing, e.g. other load on the machine")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per path before it is recorded as failed")
    ap.add_argument("--reverse", action="store_true", help="take the planned paths from the last (a second worker)")
    ap.add_argument("--summary-only", action="store_true", help="run nothing new; summarise the rows file")
    args = ap.parse_args()
    torch.set_num_threads(1)

    test = load_barriers("test")
    order = np.random.default_rng(SEED).permutation(len(test)) if args.sample else np.arange(len(test))
    planned = [test[i] for i in order[: args.sample or len(test)]]
    rows_path = OUT / f"baseline_{args.method}.jsonl"
    run = RUNNERS[args.method]()
    todo = [] if args.summary_only else list(enumerate(planned))
    for i, entry in todo[::-1] if args.reverse else todo:
        if entry.sys_name in {r["sys_name"] for r in read_rows(rows_path)}:  # re-read: another worker may have it
            continue
        try:
            with time_limit(args.timeout):
                row = {"sys_name": entry.sys_name, "ion": entry.ion, "em_dft": entry.em, **run(entry)}
        except TimeoutError:
            row = {"sys_name": entry.sys_name, "ion": entry.ion, "em_dft": entry.em,
                   "error": "TimeoutError: exceeded the per-path time limit"}
        except Exception as exc:  # a baseline failing on one host is a result, not a crash
            row = {"sys_name": entry.sys_name, "ion": entry.ion, "em_dft": entry.em,
                   "error": f"{type(exc).__name__}: {exc}"}
        with rows_path.open("a") as f:
            f.write(json.dumps(row) + "\n")
        print(f"[{i + 1}/{len(planned)}] {entry.sys_name}: DFT {entry.em:.3f} -> {row.get('em', row.get('error'))}",
              flush=True)
    rows, seen = [], set()
    for row in read_rows(rows_path):  # two workers can meet on the same last path: its first row counts
        if row["sys_name"] not in seen:
            seen.add(row["sys_name"])
            rows.append(row)
    command = f"python benchmarks/physics_baselines.py --method {args.method} --timeout {args.timeout}" + (
        f" --sample {args.sample}" if args.sample else "")
    summary = summarise(rows, test, args.method, command, len(planned), args.note)
    write_result(OUT / f"baseline_{args.method}.json", summary)
    if "metrics" in summary:
        m, h = summary["metrics"], summary["hopnet_metrics_same_paths"]
        print(f"{args.method}: {summary['paths_scored']} paths, MAE {m['mae']:.3f} R2 {m['r2']:.3f} "
              f"(hopnet on the same paths: MAE {h['mae']:.3f}); {summary['seconds_per_barrier_mean']:.1f} s per barrier, "
              f"{summary['speed_ratio']:.0f}x hopnet's time")
