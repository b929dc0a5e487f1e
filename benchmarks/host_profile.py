"""Where a host's time goes: the bond-valence grid, the channel checks, drawing the bands, their graphs and the
network, for the student and the five-network teacher.

    python benchmarks/host_profile.py              # the ordered real electrolytes
    python benchmarks/host_profile.py --limit 20   # the first twenty, a quick look

Each host is answered by the code ``hopnet screen`` runs (``screen_priced``),
once with each model, uncompiled, as ``host_speed.py`` times them; here each
step's own clock is summed instead (a timer around the function that does it,
which costs microseconds per call, not the profiler's tens of percent). Steps:
the BVSE grid (``chemistry.bvse.run_bvse``), the channel of each hop on it
(``Landscape._channel``), drawing each hop as a band (``pricing._drawable``), the
bands' graphs (``BarrierModel._graphs``) and the network on them
(``BarrierModel._answers``: every member's forward pass and its domain check);
the rest (reading the file, finding and classing the hops, percolation, the
card) is the whole host's time less these. Tells which part sets the cost once
the network is one pass: the issue that distilled the student asked for a
host cost set by the physics, not by the ensemble.
"""
from __future__ import annotations

import argparse
import platform
import time
import warnings
from collections import defaultdict
from contextlib import contextmanager

from real_electrolytes import DATA
from real_electrolytes import hosts as electrolytes

from hopnet.pathways import landscape
from hopnet.predictor import BarrierModel
from hopnet.threads import use_threads
from hopnet.workflows import pricing
from hopnet.workflows.screening import screen_priced
from hopnet.workflows.settings import HostSettings
from hopnet_repro.results import RESULTS, write_result

MODELS = {"student": "hopnet-band-student", "teacher": "hopnet-band"}
# step -> (owner, attribute): the function whose calls are that step's time
STEPS = {"bvse grid": (landscape, "run_bvse"), "channel checks": (landscape.Landscape, "_channel"),
         "bands drawn": (pricing, "_drawable"), "graphs": (BarrierModel, "_graphs"),
         "network": (BarrierModel, "_answers")}


@contextmanager
def step_clocks(seconds: dict[str, float]):
    """Each step's function wrapped to add its wall time to ``seconds[step]`` (outermost call only)."""
    originals = {name: getattr(owner, attr) for name, (owner, attr) in STEPS.items()}
    depth = defaultdict(int)

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            depth[name] += 1
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                depth[name] -= 1
                if not depth[name]:
                    seconds[name] += time.perf_counter() - t0
        return wrapper

    for name, (owner, attr) in STEPS.items():
        setattr(owner, attr, timed(name, originals[name]))
    try:
        yield
    finally:
        for name, (owner, attr) in STEPS.items():
            setattr(owner, attr, originals[name])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="the first N ordered hosts (default: all)")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    use_threads(1)
    members = [(r["id"], DATA / r["cif"]) for r in electrolytes() if not r["disordered"]][:args.limit]
    screen_priced(str(members[0][1]), HostSettings(ion="Li", model=MODELS["teacher"]))  # warm-up: models loaded
    screen_priced(str(members[0][1]), HostSettings(ion="Li", model=MODELS["student"]))
    result = {"command": "python benchmarks/host_profile.py" + (f" --limit {args.limit}" if args.limit else ""),
              "split": "n/a: OBELiX train split CIFs, ordered ones (timing only)", "seed": None,
              "machine": f"{platform.machine()}, 1 process, 1 torch and 1 BLAS thread, models loaded before timing",
              "hosts": len(members), "models": {}}
    for label, model in MODELS.items():
        seconds: dict[str, float] = defaultdict(float)
        answered = 0
        with step_clocks(seconds):
            t0 = time.perf_counter()
            for _, path in members:
                answer, _ = screen_priced(str(path), HostSettings(ion="Li", model=model))
                answered += answer["status"] == "ok"
            total = time.perf_counter() - t0
        rest = total - sum(seconds.values())
        shares = {name: seconds[name] / total for name in STEPS} | {"rest": rest / total}
        result["models"][label] = {"answered": answered, "seconds_per_host": total / len(members),
                                   "share": {k: round(v, 3) for k, v in shares.items()}}
        print(label, f"{total / len(members):.2f} s per host", {k: f"{v:.0%}" for k, v in shares.items()},
              flush=True)
    write_result(RESULTS / "host_profile.json", result)


if __name__ == "__main__":
    main()
