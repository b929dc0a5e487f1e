"""The room-temperature answer on hosts whose class a battery scientist knows.

    python benchmarks/known_classes.py

Each host goes through ``hopnet.analyse_host`` (shipped model and conductor
card, default settings): its dimensionality (the rule of ``known_conductors.py``:
the highest D within 1.5 times the 1D energy), host barrier, conductor class,
estimated Ea and reason, beside the class the literature gives. Hosts taken
from the OBELiX set were in the conductor card's fit: for them the class of the
family-grouped cross-validation (the newest ``results/real_electrolytes/conductor_fit-<rows>.json``,
out of fold; the result names which) is shown too, and that is the one that counts. Li2S is built here
from its published structure (antifluorite, a = 5.708 Å; Jacobson & Nisson, 1996).
Results: ``results/known_classes.json``.
"""
from __future__ import annotations

import json
import platform
import time
import warnings
from pathlib import Path

from known_conductors import dimensionality  # one rule for both benchmarks
from pymatgen.core import Lattice, Structure

from hopnet import HostSettings, analyse_host, load_model
from hopnet.structures import read_structure
from hopnet_repro.results import RESULTS, newest_versioned, write_result

DATA = Path(__file__).parent / "data"
# (name, file or builder, ion, expected class, expected dimensionality or None)
HOSTS = [
    ("LiCoO2", "known_conductors/LiCoO2.cif", "Li", None, "2D"),
    ("LiFePO4", "known_conductors/LiFePO4.cif", "Li", None, "1D"),
    ("Li3N (P6/mmm, OBELiX gvd)", "obelix_train/cifs/gvd.cif", "Li", "fast", "2D"),
    ("Li3N (known conductors)", "known_conductors/Li3N.cif", "Li", "fast", "2D"),
    ("cubic Ta-LLZO (OBELiX 7w5)", "obelix_train/cifs/7w5.cif", "Li", "fast", None),
    ("cubic Al-LLZO (OBELiX 72f)", "obelix_train/cifs/72f.cif", "Li", "fast", None),
    ("LATP (OBELiX lap)", "obelix_train/cifs/lap.cif", "Li", "fast", None),
    ("LGPS (known conductors)", "known_conductors/Li10GeP2S12.cif", "Li", "fast", None),
    ("Li6PS5Cl (OBELiX 122)", "obelix_train/cifs/122.cif", "Li", "fast", None),
    ("tetragonal LLZO (OBELiX wyu)", "obelix_train/cifs/wyu.cif", "Li", "slow", None),
    ("Li6PS5I (OBELiX ywe)", "obelix_train/cifs/ywe.cif", "Li", "slow", None),
    ("Li2S (antifluorite)", "Li2S", "Li", "slow", None),
    ("Li3PO4 (OBELiX w7d)", "obelix_train/cifs/w7d.cif", "Li", "slow", None),
    ("Na3PS4 (a Na host)", "known_conductors/Na3PS4.cif", "Na", None, None),
    ("MgCr2O4 (a Mg host)", "known_conductors/MgCr2O4.cif", "Mg", None, None),
]


def structure(source: str) -> Structure:
    if source == "Li2S":
        return Structure.from_spacegroup("Fm-3m", Lattice.cubic(5.708), ["Li", "S"], [[0.25, 0.25, 0.25], [0, 0, 0]])
    return read_structure(DATA / source)


def main() -> None:
    warnings.simplefilter("ignore")
    model = load_model()
    fit_file = newest_versioned(RESULTS / "real_electrolytes", "conductor_fit")  # the same rule as the report's
    fit = json.loads(fit_file.read_text())
    out_of_fold, card = fit["out_of_fold"], fit["card"]
    rows = []
    for name, source, ion, expected, dims in HOSTS:
        t0 = time.perf_counter()
        report = analyse_host(structure(source), HostSettings(ion=ion), model, source=name)
        answer = report.conductor
        row = {"host": name, "ion": ion, "expected_class": expected, "expected_dimensionality": dims,
               "dimensionality": f"{dimensionality({int(d[0]): e for d, e in report.percolation.items()})}D", "percolation": report.percolation,
               "conductor": answer.conductor, "p_fast": answer.p_fast, "ea": answer.ea,
               "reason": answer.reason, "seconds": round(time.perf_counter() - t0, 2)}
        key = Path(source).stem
        if "obelix" in source and key in out_of_fold:
            p = out_of_fold[key]["p_fast"]
            row["out_of_fold"] = {"p_fast": p, "conductor": "fast" if p >= card["fast_above"] else
                                  "slow" if p <= card["slow_below"] else "uncertain"}
        rows.append(row)
        print(name, row["dimensionality"], answer.conductor, row.get("out_of_fold", {}).get("conductor", ""), flush=True)
    counted = [r for r in rows if r["expected_class"]]
    right = sum((r.get("out_of_fold") or r)["conductor"] == r["expected_class"] for r in counted)
    write_result(RESULTS / "known_classes.json", {
        "command": "python benchmarks/known_classes.py", "machine": platform.machine(), "seed": 0,
        "split": "named hosts; OBELiX ones judged out of fold", "out_of_fold_from": fit_file.name,
        "classes_right": right, "classes_expected": len(counted),
        "dimensionalities_right": sum(r["dimensionality"] == r["expected_dimensionality"] for r in rows
                                      if r["expected_dimensionality"]),
        "dimensionalities_expected": sum(bool(r["expected_dimensionality"]) for r in rows), "rows": rows})


if __name__ == "__main__":
    main()
