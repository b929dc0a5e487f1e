"""Bands for distilling the shipped ensemble into one network, each with the teacher's answer.

    python benchmarks/distil_bands.py --minutes 35

The teacher (the shipped five-network ensemble) prices every hop class of
Materials Project hosts of the shipped pre-training set that hold one of its
training ions, exactly as ``hopnet paths`` draws them; up to
``MAX_BANDS_PER_HOST`` bands of each host are kept, each with the teacher's mean
Em and its members' raw spread. The paper's barrier set is
not read here (its 559 training bands join in ``distil_student.py``), nor the
real electrolytes, so that the student is compared with the teacher on them out
of sample. A host of the barrier set's test split may be among the pre-training
hosts: the student then learns the teacher's answer on its hops, never a DFT
label, so its test figure stays one on labels it never saw.

Hosts are taken in a seeded order (seed 0), at most ``MAX_ATOMS`` atoms, in
shards of ``SHARD`` hosts written as they finish: a stopped run resumes from
its last shard. ``--large`` adds the Li hosts of ``MAX_ATOMS`` to
``LARGE_MAX_ATOMS`` atoms, in shards of their own: a student that learned on
small cells alone put the hops of garnets (192 atoms) above its teacher's.
The bands are pickled in ``$HOPNET_CACHE/distil`` (they are made again by
this command, so not committed); the summary goes to ``results/distil_bands.json``.
"""
from __future__ import annotations

import argparse
import pickle
import platform
import time
from collections import Counter

import numpy as np

from hopnet.errors import HopnetInputError
from hopnet.graphs.cache import default_cache_dir
from hopnet.predictor import load_model
from hopnet.workflows.host import price_host
from hopnet.workflows.settings import HostSettings
from hopnet_repro.results import RESULTS, write_result

MAX_ATOMS = 48  # the pre-training hosts' 90th percentile is 56; a hop class costs the teacher its whole host
LARGE_MAX_ATOMS = 200  # --large: 535 Li hosts of 49-200 atoms (none larger holds Li)
SHARD = 100
LARGE_SHARD = 20  # a large host costs the teacher ~10x a small one: shards of a few minutes either way
MAX_BANDS_PER_HOST = 16  # a large low-symmetry host would otherwise outweigh a hundred small ones
SEED = 0
TEACHER = "hopnet-band"  # the five-network ensemble the paper reproduction ships


def distil_dir():
    return default_cache_dir() / "distil"


def shard_prefix(large: bool) -> str:
    """The name the small hosts' shards (``bands-000.pkl``) or the large ones' (``large-000.pkl``) start with."""
    return "large" if large else "bands"


def shard_files(prefixes: tuple[str, ...] = (shard_prefix(False), shard_prefix(True))) -> list:
    """Every shard written of these kinds, by default the small hosts' and the large ones'."""
    return [p for prefix in prefixes for p in sorted(distil_dir().glob(f"{prefix}-*.pkl"))]


def chosen_hosts(entries, ions: list[str], large: bool = False) -> list[tuple[int, str]]:
    """(pre-training index, mobile ion) in the seeded order: the ion is the first training ion the host holds,
    Li before the others (the product's users ask mostly about Li). ``large``: the Li hosts of more than
    ``MAX_ATOMS`` atoms instead."""
    order = ["Li"] if large else [i for i in ions if i == "Li"] + sorted(i for i in ions if i != "Li")
    low, high = (MAX_ATOMS, LARGE_MAX_ATOMS) if large else (0, MAX_ATOMS)
    picked = []
    for k, entry in enumerate(entries):
        if entry.is_val or not low < len(entry.structure) <= high:
            continue
        held = {el.symbol for el in entry.structure.composition}
        ion = next((i for i in order if i in held), None)
        if ion and len(held) > 1:
            picked.append((k, ion))
    return [picked[i] for i in np.random.default_rng(SEED).permutation(len(picked))]


def harvest(entries, hosts: list[tuple[int, str]], shard: int, size: int, model) -> list[dict]:
    """One shard's bands and the teacher's answers, caught at the model's door as ``price_host`` asks for them, so
    the bands are drawn exactly as the product draws them."""
    rows = []
    for k, ion in hosts[shard * size:(shard + 1) * size]:
        captured: list = []
        real = model.predict_bands

        def capture(bands, **kw):
            out = real(bands, **kw)
            captured.extend(zip(bands, out))
            return out

        model.predict_bands = capture
        try:
            price_host(entries[k].structure, HostSettings(ion=ion, channels=False, empty_sites="never"), model,
                       f"pretraining[{k}]")
        except HopnetInputError:
            continue
        finally:
            model.predict_bands = real
        rng = np.random.default_rng(k)
        keep = rng.permutation(len(captured))[:MAX_BANDS_PER_HOST]
        for i in sorted(keep):
            band, p = captured[i]
            rows.append({"host": k, "ion": ion, "band": band, "em": p.em, "spread": p.em_std / model.sigma_scale})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=9608)
    ap.add_argument("--minutes", type=float, default=35.0, help="stop starting shards after this long")
    ap.add_argument("--large", action="store_true", help=f"the Li hosts of {MAX_ATOMS + 1}-{LARGE_MAX_ATOMS} atoms")
    ap.add_argument("--summary-only", action="store_true", help="write the summary of the shards there are")
    args = ap.parse_args()
    from hopnet.data.pretraining import load_pretraining

    model = load_model(TEACHER, threads=1)
    entries = load_pretraining()
    hosts = chosen_hosts(entries, model.card.domain.ions, args.large)[:args.hosts]
    out = distil_dir()
    out.mkdir(parents=True, exist_ok=True)
    size = LARGE_SHARD if args.large else SHARD
    t0 = time.perf_counter()
    for shard in range(int(np.ceil(len(hosts) / size))):
        path = out / f"{shard_prefix(args.large)}-{shard:03d}.pkl"
        if path.exists():
            continue
        if args.summary_only:
            break
        if time.perf_counter() - t0 > args.minutes * 60:
            break
        rows = harvest(entries, hosts, shard, size, model)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(rows))
        tmp.replace(path)
        print(f"shard {shard}: {len(rows)} bands, {time.perf_counter() - t0:.0f} s", flush=True)
    write_result(RESULTS / "distil_bands.json", {
        "command": "python benchmarks/distil_bands.py --minutes 35; python benchmarks/distil_bands.py --large "
                   "--minutes 25",
        "machine": f"{platform.machine()}, 1 process, 1 torch thread",
        "split": "pre-training hosts (Materials Project), training part, seeded order; no real electrolyte. A "
                 "host of the barrier set may be among them: the student sees the teacher's answer there, never a "
                 "DFT label",
        "seed": SEED, "small": _summary(False, SHARD, chosen_hosts(entries, model.card.domain.ions)),
        "large": _summary(True, LARGE_SHARD, chosen_hosts(entries, model.card.domain.ions, True)),
    })


def _summary(large: bool, size: int, hosts: list) -> dict:
    """The bands of one kind of shard: how many, from how many hosts, and the teacher's answers on them."""
    shards = shard_files((shard_prefix(large),))
    rows = [r for p in shards for r in pickle.loads(p.read_bytes())]
    if not rows:
        return {"shards": 0}
    return {"shards": len(shards), "hosts_per_shard": size, "hosts_tried": min(len(hosts), size * len(shards)),
            "hosts": len({r["host"] for r in rows}), "bands": len(rows),
            "by_ion": dict(Counter(r["ion"] for r in rows)),
            "teacher_em_percentiles": np.percentile([r["em"] for r in rows], [5, 50, 95]).round(3).tolist()}


if __name__ == "__main__":
    main()
