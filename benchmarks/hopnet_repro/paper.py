"""The paper's own per-path results, read from the authors' table (benchmarks/data/TABULATION-GIT-HUB.xlsx).

Metrics are recomputed here from the per-path numbers, on the same 60 test
paths and with the same metric code as our models, so the comparison is like
for like. Source: Devi, Butler, Sai Gautam, arXiv 2508.06436; MIT licence.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hopnet.metrics import all_metrics

TABLE = Path(__file__).parent.parent / "data" / "TABULATION-GIT-HUB.xlsx"


def _rows(sheet: str) -> list[dict]:
    import openpyxl

    ws = openpyxl.load_workbook(TABLE, read_only=True)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:] if r[0] is not None]


def paper_test_rows(test_names: list[str]) -> dict[str, dict]:
    """Metrics of the paper's MODEL-3 and MACE-MP NEB on the named test paths."""
    best = {r["SYS_NAME"]: r for r in _rows("TEST-PREDICTIONS-BEST-MODEL")}
    tab = {r["sys_name"]: r for r in _rows("COMPLETE-TABUATION")}
    y = np.array([float(best[n]["TARGET"]) for n in test_names])
    out = {"paper MODEL-3 (MPT fine-tuned, band input)":
           all_metrics(y, [float(best[n]["PREDICTION"]) for n in test_names])}
    for column, label in [("MACE-RELAX", "paper MACE-MP NEB, relaxed endpoints"),
                          ("MACE-NO-RELAX", "paper MACE-MP NEB, unrelaxed")]:
        values = np.array([float(tab[n][column]) if tab[n][column] is not None else np.nan for n in test_names])
        ok = np.isfinite(values)
        out[label] = {**all_metrics(y[ok], values[ok]), "note": f"{int((~ok).sum())} paths without a value"}
    return out
