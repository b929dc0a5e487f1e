"""The host answer on real Li electrolytes with measured conductivity (OBELiX train split): hopnet and BVSE side by side.

    python benchmarks/real_electrolytes.py --name v0.4.0 --workers 2  # every CIF, two hosts at a time
    python benchmarks/real_electrolytes.py --name v0.4.0 --report    # the metrics of the rows already there

Every CIF of benchmarks/data/obelix_train/ (see its README; CC-BY 4.0, cite
OBELiX and Laskowski et al.) goes through the code ``hopnet screen`` runs
(``screen_one``, shipped model, default settings), then through bvlain's own
whole-host percolation (``hopnet_repro.baselines.bvlain_engine``, on the CIFs it reads:
ordered ones), one after the other in one child process per host, each timed.
A host that has not answered after ``--timeout`` seconds is stopped and is a
row with that reason. Rows are appended to
``results/real_electrolytes/<name>.jsonl`` as they finish, so a stopped run
resumes; the summary goes to ``results/real_electrolytes/<name>.json``.

Scores, fixed before looking: a host's barrier is its widest network's
percolation energy (3D, else 2D, else 1D: the network the answer reads); fast = sigma >= 1e-4 S/cm,
slow = sigma < 1e-6 S/cm (values below a measurement limit count at the
limit). Nothing is fitted here. Two trivial rows every answer must beat: "the
CIF is partially occupied -> fast" and "Ea = the median Ea of the set".
"""
from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import platform
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import numpy as np
from scipy.stats import mannwhitneyu, spearmanr

from hopnet.workflows.conductor import reads_dimension  # the one rule: the widest network
from hopnet_repro.results import RESULTS, read_result, write_result

DATA = Path(__file__).parent / "data" / "obelix_train"
OUT = RESULTS / "real_electrolytes"
FAST, SLOW = 1e-4, 1e-6  # S/cm
FAMILY_MIN = 5  # hosts a family needs for its own row
def sigma(text: str) -> float | None:
    """S/cm; a value below a measurement limit ("<1E-10") at the limit."""
    text = text.strip().lstrip("<").strip()
    return float(text) if text else None


def measured_rows(name: str) -> dict[str, dict]:
    """The rows of the run ``name`` (``results/real_electrolytes/<name>.jsonl``), by CIF id: what every fit on
    them and every comparison of two runs reads."""
    return {r["id"]: r for r in map(json.loads, (OUT / f"{name}.jsonl").read_text().splitlines())}


def hosts() -> list[dict]:
    rows = [r for r in csv.DictReader(open(DATA / "hosts.csv")) if r["cif"]]
    for r in rows:
        r["sigma"] = sigma(r["sigma_rt_S_cm"])
        r["ea"] = float(r["ea_eV"]) if r["ea_eV"] else None
        r["disordered"] = r["ordered"] != "True"
    return rows


# The screen row's columns each benchmark row keeps (those an older hopnet lacks are left out).
ANSWER_COLUMNS = ("status", "conductor", "p_fast", "ea", "ea_low", "ea_high", "conductor_reason", "dimension",
                  "networks", "em_1d", "em_2d", "em_3d", "bvse_1d", "bvse_2d", "bvse_3d", "ion_occupancy",
                  "carrier_gap", "position_occupancy", "anion_x", "notes", "out_of_domain", "error", "distinct_hops",
                  "blocked_hops")


def host_barrier(energies: dict) -> float | None:
    """The host's barrier as the answer reads it: its widest network's (eV); None where none forms."""
    dim = reads_dimension(energies)
    return None if dim is None else float(energies[dim])


def priced_record(priced) -> dict:
    """A host's priced hop classes, enough to percolate them again under other prices without the network: each
    class's members (start, end, image), the network's own Em (``em``, ``em_std``), the price the product
    percolates (``price``, ``price_std``: anchored to the BVSE barrier) and the BVSE barrier and whether it is
    open in each ordering, and its out-of-domain flags."""
    return {"nodes": len(priced.network.nodes), "hops": [
        {"hop": d.index, "members": [[m.start, m.end, *m.image] for m in d.members],
         "em": [round(float(e), 4) for e in priced.em_network[i]],
         "price": [round(float(e), 4) for e in priced.em[i]],
         "bvse": [None if np.isnan(b) else round(float(b), 4) for b in priced.bvse[i]],
         "open": [bool(o) for o in priced.is_open[i]], "em_std": r.em_network_std, "price_std": r.em_std,
         "out_of_domain": [f.kind.value for f in r.out_of_domain]}
        for i, (d, r) in enumerate(zip(priced.kept, priced.results))]}


def _measure(cif: str, queue, empty_sites: str, model: str | None) -> None:
    """In a child process: hopnet (the screen code) and bvlain on one CIF, each timed."""
    import warnings

    warnings.simplefilter("ignore")
    from hopnet.structures import read_structure
    from hopnet.workflows.screening import screen_priced
    from hopnet.workflows.settings import HostSettings
    from hopnet_repro.baselines.bvlain_engine import run_bvlain

    out = {}
    t0 = time.perf_counter()
    settings = HostSettings(ion="Li", empty_sites=empty_sites, **({"model": model} if model else {}))
    row, priced = screen_priced(cif, settings)
    out["hopnet_seconds"] = time.perf_counter() - t0
    out["hopnet"] = {k: row[k] for k in ANSWER_COLUMNS if k in row}
    if priced is not None:  # what the conductor card is fitted on, as the product computed it, and the prices
        out["inputs"] = priced.report.conductor.inputs.model_dump(mode="json")
        out["priced"] = priced_record(priced.priced)
    queue.put(dict(out))  # hopnet's answer stands even if bvlain then runs out of time
    t0 = time.perf_counter()
    try:
        structure = read_structure(cif)
        if not structure.is_ordered:
            raise ValueError("bvlain reads ordered structures only")
        energies = run_bvlain(structure, "Li", source=Path(cif).name).percolation()
        out["bvse"] = {f"{d}D": e for d, e in energies.items()}
    except Exception as exc:  # noqa: BLE001 - a baseline failing on one host is a row, not a stop
        out["bvse_error"] = f"{type(exc).__name__}: {exc}".splitlines()[0]
    out["bvse_seconds"] = time.perf_counter() - t0
    queue.put(out)


def measure(cif: Path, timeout: float, empty_sites: str = "auto", model: str | None = None) -> dict:
    """One host in a fresh process, stopped after ``timeout`` s (the 100-site argyrodite case)."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_measure, args=(str(cif), queue, empty_sites, model))
    t0 = time.perf_counter()
    proc.start()
    result: dict = {}
    for _ in range(2):  # hopnet's answer, then with bvlain's
        left = timeout - (time.perf_counter() - t0)
        try:
            result = queue.get(timeout=max(left, 0.1))
        except Exception:  # noqa: BLE001 - queue.Empty: out of time
            break
    proc.kill() if proc.is_alive() else None
    proc.join()
    if "hopnet" not in result:
        result = {"hopnet": {"status": "timeout", "error": f"no answer within {timeout:g} s"},
                  "hopnet_seconds": timeout}
    if "bvse_seconds" not in result:
        result.update(bvse_error=f"no answer within {timeout:g} s (after hopnet's)", bvse_seconds=None)
    return result


def _number(value) -> float | None:
    return float(value) if value not in ("", None) else None


def scored(rows: list[dict], method: str) -> list[dict]:
    """Rows with ``score`` (the host barrier, eV) for ``method``: hopnet, bvse, or a trivial rule."""
    out = []
    for r in rows:
        if method == "hopnet":
            h = r["hopnet"]
            energies = {f"{d}D": _number(h.get(f"em_{d}d")) for d in (1, 2, 3)} if h.get("status") == "ok" else {}
            score = host_barrier(energies)
        elif method == "bvse":
            score = host_barrier(r.get("bvse") or {})
        elif method == "hopnet_bvse":  # hopnet's own landscape on the same open hops, at the dimension read
            score = (r.get("inputs") or {}).get("bvse")
        else:
            raise ValueError(method)
        if score is not None:
            out.append({**r, "score": score})
    return out


def auc(rows: list[dict], score_key: str = "score") -> float | None:
    """Area under the ROC curve of fast vs slow, a lower score meaning faster (ties count half)."""
    fast = [-r[score_key] for r in rows if r["sigma"] is not None and r["sigma"] >= FAST]
    slow = [-r[score_key] for r in rows if r["sigma"] is not None and r["sigma"] < SLOW]
    if not fast or not slow:
        return None
    return float(mannwhitneyu(fast, slow).statistic / (len(fast) * len(slow)))


def metrics(rows: list[dict], called_fast: list[bool] | None = None, median_ea: float | None = None) -> dict:
    """The benchmark's figures for scored rows (``score`` = host barrier in eV); with ``called_fast`` (the
    product's class per row), how often a "fast" call conducts fast, and how many fast hosts it calls so."""
    with_sigma = [r for r in rows if r["sigma"] is not None]
    with_ea = [r for r in rows if r["ea"] is not None]
    out = {"hosts": len(rows), "fast": sum(r["sigma"] >= FAST for r in with_sigma),
           "slow": sum(r["sigma"] < SLOW for r in with_sigma), "auc_fast_vs_slow": auc(rows),
           "spearman_log_sigma": float(spearmanr([r["score"] for r in with_sigma],
                                                 [np.log10(r["sigma"]) for r in with_sigma]).statistic)
           if len(with_sigma) > 2 else None,
           "with_ea": len(with_ea),
           "spearman_ea": float(spearmanr([r["score"] for r in with_ea], [r["ea"] for r in with_ea]).statistic)
           if len(with_ea) > 2 else None,
           "mae_ea": float(np.mean([abs(r["score"] - r["ea"]) for r in with_ea])) if with_ea else None}
    if median_ea is not None and with_ea:
        out["mae_ea_of_the_median"] = float(np.mean([abs(median_ea - r["ea"]) for r in with_ea]))
    if called_fast is not None:
        called = [r for r, g in zip(rows, called_fast) if g and r["sigma"] is not None]
        fast = [(r, g) for r, g in zip(rows, called_fast) if r["sigma"] is not None and r["sigma"] >= FAST]
        out.update(called_fast=len(called),
                   precision_fast=float(np.mean([r["sigma"] >= FAST for r in called])) if called else None,
                   recall_fast=float(np.mean([g for _, g in fast])) if fast else None)
    return out


def summary(rows: list[dict]) -> dict:
    median_ea = float(np.median([r["ea"] for r in rows if r["ea"] is not None]))
    ours = scored(rows, "hopnet")
    bvse = scored(rows, "bvse")
    landscape = scored(rows, "hopnet_bvse")
    both = [r for r in ours if r["id"] in {b["id"] for b in bvse}]
    trivial = [{**r, "score": 0.0 if r["disordered"] else 1.0} for r in rows]
    reasons: dict[str, int] = {}
    for r in rows:
        if r["hopnet"].get("status") != "ok":
            reason = (r["hopnet"].get("error") or r["hopnet"].get("status") or "").split(": ", 1)[-1]
            reasons[reason[:90]] = reasons.get(reason[:90], 0) + 1
    families = {}
    for family in sorted({r["family"] or "(none)" for r in rows}):
        members = [r for r in ours if (r["family"] or "(none)") == family]
        total = sum((r["family"] or "(none)") == family for r in rows)
        if total >= FAMILY_MIN:
            same = [r for r in landscape if (r["family"] or "(none)") == family]
            families[family] = {"cifs": total, **metrics(members, [r["hopnet"]["conductor"] == "fast" for r in members]),
                                "trivial_auc": auc([r for r in trivial if (r["family"] or "(none)") == family]),
                                "bvse_same_hops": {k: v for k, v in metrics(same).items()
                                                   if k in ("hosts", "auc_fast_vs_slow", "spearman_log_sigma")}}
    seconds = [r["hopnet_seconds"] for r in rows if r["hopnet"].get("status") == "ok"]
    # The CIFs both answered, each timed one after the other in one process: a per-host ratio, not two medians.
    paired = np.array([(r["hopnet_seconds"], r["bvse_seconds"]) for r in rows
                       if r["hopnet"].get("status") == "ok" and r.get("bvse") and r["bvse_seconds"]]).reshape(-1, 2)
    disordered_seconds = [r["hopnet_seconds"] for r in rows if r["hopnet"].get("status") == "ok" and r["disordered"]]
    return {
        "cifs": len(rows), "answered": len(ours),
        "unanswered_reasons": dict(sorted(reasons.items(), key=lambda item: -item[1])),
        "hopnet": metrics(ours, [r["hopnet"]["conductor"] == "fast" for r in ours], median_ea),
        "bvse": metrics(bvse, median_ea=median_ea),
        "bvse_same_hops": metrics(landscape, median_ea=median_ea),
        "hopnet_on_bvse_hosts": metrics(both, [r["hopnet"]["conductor"] == "fast" for r in both], median_ea),
        "trivial_partial_occupancy_is_fast": {"auc_fast_vs_slow": auc(trivial), "hosts": len(trivial),
                                              "auc_on_hopnet_hosts": auc([t for t in trivial
                                                                          if t["id"] in {r["id"] for r in ours}])},
        "trivial_median_ea": {"ea": median_ea, "mae_ea": float(np.mean([abs(median_ea - r["ea"]) for r in rows
                                                                        if r["ea"] is not None]))},
        "classes": {v: sum(r["hopnet"].get("conductor") == v for r in rows) for v in ("fast", "slow", "uncertain")},
        "median_seconds_per_host": {"hopnet": float(np.median(seconds)) if seconds else None,
                                    "hopnet_disordered": float(np.median(disordered_seconds))
                                    if disordered_seconds else None,
                                    "bvse": float(np.median([r["bvse_seconds"] for r in rows
                                                             if r.get("bvse") and r["bvse_seconds"]] or [np.nan]))},
        "side_by_side": {"hosts": len(paired),
                         "median_seconds": {"hopnet": float(np.median(paired[:, 0])) if len(paired) else None,
                                            "bvse": float(np.median(paired[:, 1])) if len(paired) else None},
                         "median_bvse_over_hopnet": float(np.median(paired[:, 1] / paired[:, 0]))
                         if len(paired) else None},
        "families": families,
    }


def plot(rows: list[dict], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ours = [r for r in scored(rows, "hopnet") if r["ea"] is not None]
    count = {f: sum((r["family"] or "(none)") == f for r in ours) for f in {r["family"] or "(none)" for r in ours}}
    # families of fewer than 3 hosts share one grey: 20 colours cannot tell 30 families apart
    name = {f: f if n >= 3 and f != "(none)" else "other" for f, n in count.items()}
    families = sorted({v for v in name.values() if v != "other"}) + (["other"] if "other" in name.values() else [])
    colours = plt.get_cmap("tab20")
    fig, ax = plt.subplots(figsize=(7.5, 5.2), dpi=120)
    for k, family in enumerate(families):
        members = [r for r in ours if name[r["family"] or "(none)"] == family]
        ax.scatter([r["ea"] for r in members], [r["score"] for r in members], s=22, alpha=0.85,
                   color="0.6" if family == "other" else colours(k % 20), label=f"{family} ({len(members)})")
    hi = max([r["ea"] for r in ours] + [r["score"] for r in ours] + [1.0]) * 1.05
    ax.plot([0, hi], [0, hi], color="grey", lw=0.8)
    ax.set(xlim=(0, hi), ylim=(0, hi), xlabel="measured activation energy Ea (eV)",
           ylabel="hopnet host barrier: 3D, else 2D, else 1D (eV)", title=title)
    ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--name", required=True, help="names the result files (e.g. the hopnet version)")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds per host (hopnet and bvlain together)")
    ap.add_argument("--limit", type=int, help="the first N CIFs only (a trial)")
    ap.add_argument("--family", help="the CIFs of this family only (a variant on the hosts it is about)")
    ap.add_argument("--workers", type=int, default=1, help="hosts measured at once (one process each)")
    ap.add_argument("--empty-sites", default="auto", choices=("auto", "always", "never"),
                    help="hopnet's setting of the same name (default: hopnet's default)")
    ap.add_argument("--model", help="a barrier model other than the shipped default (a name or a card's path)")
    ap.add_argument("--report", action="store_true", help="summarise the rows already measured, measure nothing")
    args = ap.parse_args()
    from tqdm.auto import tqdm

    OUT.mkdir(parents=True, exist_ok=True)
    rows_path = OUT / f"{args.name}.jsonl"
    done = {json.loads(line)["id"] for line in rows_path.open()} if rows_path.exists() else set()
    planned = [h for h in hosts() if args.family in (None, h["family"])][: args.limit]
    if not args.report:
        todo = [h for h in planned if h["id"] not in done]
        # Each host runs in its own child process; a thread per worker only waits for it.
        with ThreadPoolExecutor(args.workers) as pool:
            running = {pool.submit(measure, DATA / h["cif"], args.timeout, args.empty_sites, args.model): h
                       for h in todo}
            for future in tqdm(as_completed(running), total=len(todo), desc="hosts", unit="host"):
                with rows_path.open("a") as fh:
                    fh.write(json.dumps({"id": running[future]["id"], **future.result()}) + "\n")
    measured = measured_rows(args.name)
    rows = [{**h, **measured[h["id"]]} for h in planned if h["id"] in measured]
    plot(rows, OUT / f"{args.name}-ea.png", f"hopnet {args.name} on OBELiX (train split): host barrier vs Ea")
    provenance = {
        "command": f"python benchmarks/real_electrolytes.py --name {args.name} --timeout {args.timeout:g} "
                   f"--workers {args.workers}" + (f" --empty-sites {args.empty_sites}" if args.empty_sites != "auto" else "")
                   + (f" --family {args.family}" if args.family else "") + (f" --model {args.model}" if args.model else ""),
        "machine": f"{platform.machine()}, {args.workers} host(s) at a time, 1 torch thread each; bvlain's neighbour "
                   "search on one thread from hopnet 0.5.0 (every core before)"}
    measured_by = read_result(OUT / f"{args.name}.json") if args.report else None
    if measured_by:  # rows summarised again keep the command, machine and version of the run that measured them
        provenance = {k: measured_by[k] for k in ("command", "machine", "hopnet_version")}
    write_result(OUT / f"{args.name}.json", {
        **provenance,
        "split": "OBELiX train split, every CIF (benchmarks/data/obelix_train; CC-BY 4.0: OBELiX, Laskowski et al.)",
        "seed": 0, "timeout_seconds": args.timeout, **summary(rows),
        # each host's priced hops stay in the rows file alone: the summary is for reading
        "rows": [{k: v for k, v in r.items() if k != "priced"} for r in rows]})


if __name__ == "__main__":
    main()
