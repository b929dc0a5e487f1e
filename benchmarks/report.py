"""Regenerate BENCHMARKS.md and the results block of README.md from benchmarks/results/*.json.

    python benchmarks/report.py

Nothing here is typed in: every number is read from a result file that a
script in this folder wrote, and each table names that script's command.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
COLUMNS = ("r2", "mae", "rmse", "accuracy", "precision", "recall", "f1")


def load(name: str) -> dict | None:
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def metric_row(label: str, m: dict, extra: str = "") -> str:
    cells = " | ".join(f"{m[c]:.3f}" for c in COLUMNS)
    return f"| {label} | {m['n']} | {cells} |{extra}"


def test_table(test: dict, single: dict | None, classical: dict | None) -> list[str]:
    lines = ["| model | n | R² | MAE (eV) | RMSE (eV) | accuracy | precision | recall | F1 |",
             "|---|---|---|---|---|---|---|---|---|",
             metric_row(f"**hopnet SCRATCH band model, {len(test['member_metrics']) or 1}-seed ensemble (ours, shipped)**",
                        test["metrics"])]
    if test.get("member_mean"):
        mean, std = test["member_mean"], test["member_std"]
        cells = " | ".join(f"{mean[c]:.3f} ± {std[c]:.3f}" for c in COLUMNS)
        lines.append(f"| hopnet SCRATCH, one network (mean ± std over {len(test['member_metrics'])} seeds) | 60 | {cells} |")
    lines.append(metric_row("hopnet SCRATCH ensemble, test paths whose host is not in training (ours)",
                            test["metrics_unseen_hosts"]))
    if single:
        lines.append(metric_row("hopnet SCRATCH seed 0 alone (ours, shipped in v0.1)", single["metrics"]))
    if classical:
        lines.append(metric_row(f"classical ML: path descriptors + {classical['best']['params']['model']} (ours)",
                                classical["metrics"]))
    for label, m in test["paper"].items():
        lines.append(metric_row(label + (f" ({m['note']})" if "note" in m and not m["note"].startswith("0 ") else ""), m))
    return lines


def pretraining_lines(single: dict) -> list[str]:
    lines = ["| property | trained alone: val MAE | MPT (7 properties at once): val MAE |", "|---|---|---|"]
    for prop, row in single["rows"].items():
        lines.append(f"| {prop} | {row['single_val_mae']:.4f} | {row['mpt_val_mae']:.4f} |")
    lines += ["", f"Same architecture and epochs (configs/mpt.toml), same fixed 90/10 split; MAE in the published "
              f"[-1, 1] scaled units. MPT wall time {single['mpt_wall_seconds'] / 60:.0f} min on {single['mpt_machine']}. "
              f"Command: `{single['command']}`."]
    return lines


def paths_lines(r: dict) -> list[str]:
    return [f"On the {r['hosts']} training hosts with two or more DFT paths ({r['dft_paths']} paths), `hopnet paths` "
            f"enumerates {r['found']} of them ({r['recovery']:.0%}); of those missed, {r['not_found_longer_than_cutoff']} "
            f"are longer than the 5 Å default cut-off or in the {len(r['hosts_refused'])} host(s) whose band was refused "
            f"(listed in the result file). Within-host order of barriers (pairs with different DFT Em): "
            f"`paths` {r['pair_order_accuracy_paths']:.2f}, the dataset's own band {r['pair_order_accuracy_oof_band']:.2f} "
            f"over {r['pairs']} pairs; mean Spearman on hosts with 3+ paths: `paths` {r['spearman_mean_paths']:.2f}, "
            f"band {r['spearman_mean_oof_band']:.2f} (out-of-fold models). Command: `{r['command']}`."]


def screen_lines(r: dict) -> list[str]:
    lines = ["| workers | structures | ok | structures/s | hops/s | peak RSS of the largest process (MB) |",
             "|---|---|---|---|---|---|"]
    for run in r["runs"]:
        lines.append(f"| {run['workers']} | {run['structures']} | {run['ok']} | {run['structures_per_second']:.2f} | "
                     f"{run['hops_per_second']:.1f} | {run['peak_rss_mb_largest_process']:.0f} |")
    lines += ["", f"Machine: {r['machine']}. Command: `{r['command']}`."]
    return lines


def cv_table() -> list[str]:
    rows = sorted((json.loads(p.read_text()) for p in (RESULTS / "cv").glob("*.json")), key=lambda r: r["metrics"]["mae"])
    if not rows:
        return []
    lines = ["| variant | scope | angles | path flag | readout | hidden | CV MAE (eV) | CV R² | CV accuracy | train s (all folds) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        c, m = r["config"]["model"], r["metrics"]
        lines.append(f"| {r['variant']} | {c['graph']['scope']} | {c['graph']['angle_neighbors']} | {c['path_flag']} | "
                     f"{c['readout']} | {c['hidden']} | {m['mae']:.3f} | {m['r2']:.3f} | {m['accuracy']:.3f} | "
                     f"{r['train_seconds']:.0f} |")
    lines.append("")
    lines.append(f"{rows[0]['folds_k']}-fold CV grouped by host on the paper's 559 training paths (the test split is "
                 f"never loaded); machine: {rows[0]['machine']}. `-mpt`: fine-tuned from the MPT encoder "
                 "(`weights/hopnet-mpt-encoder`), same architecture and budget. Commands:")
    lines += [f"- `{r['command']}`" for r in rows]
    return lines


def speed_lines(s: dict) -> list[str]:
    inf = s["inference_60_test"]
    return [
        "| measurement | hopnet default | paper architecture (hidden 256, 4+4 layers, full cell, all angles) |",
        "|---|---|---|",
        f"| training, s per band (forward+backward+step) | {s['train_seconds_per_band_default']:.3f} | "
        f"{s['train_seconds_per_band_paper_arch']:.3f} |",
        f"| training, min per epoch over the 559 | {s['train_epoch_minutes_default']:.2f} | "
        f"{s['train_epoch_minutes_paper_arch']:.2f} |",
        "",
        f"Speed-up over the paper architecture: **{s['speedup_vs_paper_arch']:.1f}×** (both in hopnet's plain-torch "
        f"code, same run, {s['paper_arch_bands_timed']} random training bands for the paper architecture). "
        f"Graph building: {1000 * s['graph_build_seconds_per_band_train']:.1f} ms per band.",
        "",
        f"Inference on the 60 test paths ({inf['ensemble_members']} network(s)): graphs {inf['graph_seconds']:.2f} s, "
        f"network {inf['model_seconds']:.2f} s, end to end {inf['end_to_end_seconds']:.2f} s = "
        f"**{inf['paths_per_second_end_to_end']:.1f} paths/s**.",
        "",
        f"Machine: {s['machine']}, torch {s['torch']}. Command: `{s['command']}`.",
    ]


def bad_lines(b: dict) -> list[str]:
    return [f"{b['clean_one_line_exit_2']} of {b['cases']} broken inputs end with one line on stderr and exit code 2; "
            f"tracebacks: {b['tracebacks']}. Command: `{b['command']}`; each case and its message are in "
            "`benchmarks/results/bad_inputs.json`."]


def main() -> None:
    test, speed, bad = load("test_scratch_ensemble.json"), load("speed.json"), load("bad_inputs.json")
    single, classical = load("test_scratch.json"), load("classical_ml.json")
    pretraining, paths, screening = load("mpt_vs_single.json"), load("paths_recovery.json"), load("screen_throughput.json")
    doc = ["# Benchmarks", "", "Generated by `python benchmarks/report.py` from `benchmarks/results/`; do not edit by hand.", ""]
    summary: list[str] = []
    if test:
        block = ["## Paper test split (60 paths)", "", *test_table(test, single, classical), "",
                 f"Command: `{test['command']}`. Paper rows are recomputed from the authors' per-path table "
                 "(`benchmarks/data/TABULATION-GIT-HUB.xlsx`) with the same metric code. Classification: "
                 "good conductor = Em < 0.65 eV (positive class).", "",
                 "![parity](benchmarks/results/parity_scratch_ensemble.png) "
                 "![confusion](benchmarks/results/confusion_scratch_ensemble.png)", ""]
        doc += block
        summary += block
    cv = cv_table()
    if cv:
        block = ["## Architecture choice by cross-validation (training split only)", "", *cv, ""]
        doc += block
        summary += block
    for title, data, render in (("Multi-property pre-training (MPT) vs one property alone", pretraining,
                                 pretraining_lines),
                                ("Pathways within a host (`hopnet paths`)", paths, paths_lines),
                                ("Screening throughput (`hopnet screen`)", screening, screen_lines)):
        if data:
            block = [f"## {title}", "", *render(data), ""]
            doc += block
            summary += block
    if speed:
        block = ["## Speed (2 CPU cores)", "", *speed_lines(speed), ""]
        doc += block
        summary += block
    if bad:
        block = ["## Bad input", "", *bad_lines(bad), ""]
        doc += block
        summary += block
    (ROOT / "BENCHMARKS.md").write_text("\n".join(doc))
    readme = ROOT / "README.md"
    text = readme.read_text()
    new = "<!-- results:start -->\n" + "\n".join(summary) + "\n<!-- results:end -->"
    readme.write_text(re.sub(r"<!-- results:start -->.*<!-- results:end -->", lambda _: new, text, flags=re.S))


if __name__ == "__main__":
    main()
